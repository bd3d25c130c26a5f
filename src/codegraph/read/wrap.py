"""Hard-wrapped paragraphs: which line breaks continue a paragraph rather than end one.

The family's plain-text pages put each paragraph, label line and table row on one line, and every
extractor cuts sentences inside a line. A page saved from an editor that wraps at 72 or 80
columns splits a sentence over two lines, so "Data not provided in the input for payer\npolicies"
lost its facet and a label value lost its second half. A break is a wrap when the line before
does not end a sentence and the line after does not start a block of its own (a heading, a
label, a bullet, a table row, a ``-`` separator); after a label line, only a lower-case
continuation is a wrap, since the next label starts with a capital. A blank line always ends a
paragraph. Every test here is a fixed number of string operations on the two lines, so deciding
all breaks is linear in the page.
"""

from __future__ import annotations

import re

from .sections import heading_section, looks_like_heading

# "Service type: ...", "Typical Site of Service: ...", "CPT 1001T: ...", "- **Lead:** ..."
_LABEL = re.compile(r"\s*(?:[-*\u2022]\s*)?(?:\*\*)?[A-Za-z][\w&/'(),.-]*(?: [\w&/'(),.-]+){0,7}(?:\*\*)?\s*:(?:\*\*)?(?:\s|$)")
_BLOCK_START = re.compile(r"\s*(?:[-*+\u2022]\s|[-*+\u2022]$|\d{1,2}[.)]\s|\||#|>)")
_SENTENCE_END = (".", "!", "?", ":", ";")
_CLOSERS = "\"')]*"


def _ends_sentence(line: str) -> bool:
    return line.rstrip().rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _is_block(line: str) -> bool:
    """A line that starts something of its own: never the second half of a wrapped sentence."""
    stripped = line.strip()
    if not stripped or "|" in stripped or set(stripped) <= set("-*_= "):
        return True
    if _BLOCK_START.match(line) or _LABEL.match(line):
        return True
    return heading_section(stripped) is not None or looks_like_heading(stripped)


def is_wrap(line: str, following: str) -> bool:
    """True when the break between ``line`` and ``following`` only wraps a paragraph."""
    if not line.strip() or not following.strip() or _ends_sentence(line):
        return False
    if "|" in line or set(line.strip()) <= set("-*_= ") or heading_section(line.strip()) is not None:
        return False
    if _is_block(following):
        return False
    first = following.lstrip()[:1]
    if _LABEL.match(line) or _BLOCK_START.match(line) or looks_like_heading(line.strip()):
        # A label value or a bullet continues only in lower case ("... or\noutpatient hospital").
        return first.islower()
    return True


def wrapped_breaks(lines: list[str]) -> list[bool]:
    """For each break between ``lines[i]`` and ``lines[i + 1]``: is it a wrap?"""
    return [is_wrap(lines[i], lines[i + 1]) for i in range(len(lines) - 1)]
