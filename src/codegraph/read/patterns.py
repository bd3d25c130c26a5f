"""Regular expressions that let the engine skip ahead.

Python's ``re`` searches fast only when a pattern starts with literal text: it then jumps from one
occurrence of the first character to the next. A pattern that starts with ``\\b`` (or a
lookbehind) is tried at every character instead: ``\\bconsent\\b`` took 53 us on a 1.4 KB page
where ``c(?<!\\wc)onsent\\b`` took 2.3 us. ``word_start`` rewrites each ``\\b`` that comes
before a letter into that equivalent form: the letter, then a lookbehind saying the character
before it is not a word character. Matches are the same; only the speed differs.
"""

from __future__ import annotations

import re

_BOUNDARY_BEFORE_LETTER = re.compile(r"\\b([A-Za-z])")


def word_start(pattern: str) -> str:
    r"""``pattern`` with every ``\bX`` (X a letter) written ``X(?<!\wX)``."""
    return _BOUNDARY_BEFORE_LETTER.sub(lambda m: f"{m[1]}(?<!\\w{m[1]})", pattern)


def compile_fast(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(word_start(pattern), flags)``."""
    return re.compile(word_start(pattern), flags)


class Caseless:
    """A case-ignoring pattern that searches ASCII text lowered, case-sensitively and in the
    literal-first form: the engine then skips to each alternative's first letter instead of
    comparing every character both ways. Lowering ASCII text keeps every offset and word
    boundary, so a pattern written in lower case matches the lowered text exactly where it
    matches the text with case ignored; other text is searched as it is, with case ignored
    (lowering "İ" gives two characters; "ſ" matches "s" only when case is ignored).

    The pattern must be written in lower case, with no character outside ASCII that matches an
    ASCII one when case is ignored. Callers lower a text once with ``ascii_lower`` and give both
    to each search (tests/test_extract_fast_paths.py checks every such pattern of the extractors)."""

    __slots__ = ("pattern", "_lower")

    def __init__(self, pattern: str):
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self._lower = compile_fast(pattern)

    def search(self, text: str, lower: str | None) -> re.Match[str] | None:
        return self.pattern.search(text) if lower is None else self._lower.search(lower)

    def match(self, text: str, lower: str | None) -> re.Match[str] | None:
        return self.pattern.match(text) if lower is None else self._lower.match(lower)


def ascii_lower(text: str) -> str | None:
    """``text`` lowered for ``Caseless`` patterns, or None when it is not ASCII."""
    return text.lower() if text.isascii() else None
