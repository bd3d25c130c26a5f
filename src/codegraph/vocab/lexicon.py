"""Labels and synonyms of the concepts codegraph recognises in text, and the matcher over them.

The lexicon is built from the shipped reference files (``data/vocab/anatomy.csv`` and
``data/vocab/clinical-lexicon.csv``). One compiled alternation, longest form first, finds the
leftmost-longest mentions in a single pass, so "external anal sphincter" is one mention, not
also "anal sphincter". Only anatomy rows with surface forms (the structures the family names)
are recognised; the ancestor rows generated with them exist for the hierarchy, not for text.
"""

from __future__ import annotations

import csv
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ..errors import CatalogError, ResourceError
from ..read.normalize import normalize_text
from ..resources import vocab_dir

UBERON = "http://purl.obolibrary.org/obo/UBERON_"


@dataclass(frozen=True)
class LexiconEntry:
    """A label or synonym the lexicon recognises, with its role and concept IRI."""
    label: str
    role: str  # "anatomy" or a clinical concept role
    iri: str | None
    group: str = ""  # anatomy: the seed group ("material" for tissues harvested, never targets)


@dataclass(frozen=True)
class Mention:
    """A lexicon entry found in text, with its character span."""
    entry: LexiconEntry
    start: int
    end: int


def curie_to_iri(curie: str) -> str:
    """An UBERON: or FMA: CURIE as its OBO PURL."""
    prefix, _, local = curie.partition(":")
    if prefix.upper() == "UBERON":
        return f"{UBERON}{local}"
    if prefix.upper() == "FMA":
        return f"http://purl.obolibrary.org/obo/FMA_{local}"
    raise CatalogError(f"unknown CURIE prefix in {curie!r}: expected UBERON: or FMA:")


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        raise ResourceError(f"{path} is missing: reinstall codegraph or restore data/vocab/")
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _forms(label: str, synonyms: str) -> set[str]:
    forms = {label} | {s for s in synonyms.split("|")}
    return {normalize_text(f).strip().lower() for f in forms if f.strip()}


class Lexicon:
    """Labels and synonyms compiled into one leftmost-longest matcher."""
    def __init__(self, entries: dict[str, LexiconEntry]):
        self._entries = entries
        # An empty lexicon matches nothing ("(?!)"), not the empty string.
        self._body = rf"(?<![\w-])(?:{_alternation(entries) or '(?!)'})(?![\w-])"
        # The forms are lower case: ASCII text lowered and searched case-sensitively gives the
        # same mentions in half the time (IGNORECASE compares every character both ways). Only
        # when no form holds a character that matches an ASCII one regardless of case ("ſ", "ı").
        self._lower_pattern = None if _folds_to_ascii(entries) else re.compile(self._body)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        """The matcher with case ignored, for text that is not ASCII (compiled when first needed:
        a large lexicon takes tens of milliseconds to compile, and most pages are ASCII)."""
        return re.compile(self._body, re.IGNORECASE)

    def __len__(self) -> int:
        return len({(e.label, e.role) for e in self._entries.values()})

    def find(self, text: str, offset: int = 0) -> Iterator[Mention]:
        if self._lower_pattern is not None and text.isascii():
            pattern, text = self._lower_pattern, text.lower()
        else:
            pattern = self._pattern
        entries = self._entries
        for match in pattern.finditer(text):
            entry = entries[match.group(0).lower()]
            yield Mention(entry, offset + match.start(), offset + match.end())


def _folds_to_ascii(forms: Iterable[str]) -> bool:
    """Whether a character of ``forms`` outside ASCII matches an ASCII letter when case is ignored."""
    others = {char for form in forms for char in form if not char.isascii()}
    letters = string.ascii_letters
    return any(re.fullmatch(re.escape(char), letter, re.IGNORECASE) for char in others for letter in letters)


def _alternation(forms: Iterable[str]) -> str:
    """The forms as one regular expression that prefers the longest form matching at a position.

    Written as a trie (forms sharing a first character share one branch, and so on), so the
    matcher follows one path through the text instead of trying every form at every position
    (a third of extraction's time with the flat alternation). At each node the longer forms come
    before the form ending there, so when the boundary check after a long form fails it falls
    back to the shorter one: exactly what the flat alternation, longest form first, matches. That
    holds when no two forms branch on characters that match each other case-insensitively
    (one path through the text); otherwise the flat alternation is used."""
    ordered = sorted(forms, key=len, reverse=True)
    trie: dict[str, Any] = {}
    for form in ordered:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}

    def branches(node: dict[str, Any]) -> str | None:
        chars = [char for char in node if char]
        for index, char in enumerate(chars):
            if any(re.fullmatch(re.escape(char), other, re.IGNORECASE) for other in chars[index + 1:]):
                return None  # two branches the text could both follow
        parts = []
        for char in chars:
            rest = branches(node[char])
            if rest is None:
                return None
            parts.append(re.escape(char) + rest)
        if not parts:
            return ""
        body = "|".join(parts)
        if "" in node:  # a form ends here: tried after every longer one
            return f"(?:{body})?"
        return f"(?:{body})" if len(parts) > 1 else body

    written = branches(trie) if len(ordered) < 100_000 else None
    return written if written is not None else "|".join(re.escape(form) for form in ordered)


def _load(rows: Iterator[dict[str, str]], role_of: Callable[[dict[str, str]], str], iri_of: Callable[[dict[str, str]], str | None],
          only_with_forms: bool = False) -> dict[str, LexiconEntry]:
    entries: dict[str, LexiconEntry] = {}
    for row in rows:
        if only_with_forms and not (row.get("synonyms") or "").strip():
            continue
        entry = LexiconEntry(label=row["label"].strip(), role=role_of(row), iri=iri_of(row), group=(row.get("group") or "").strip())
        for form in _forms(row["label"], row.get("synonyms") or ""):
            entries.setdefault(form, entry)
    return entries


@cache
def anatomy_lexicon() -> Lexicon:
    """The anatomy structures codegraph recognises in text (cached)."""
    return Lexicon(
        _load(
            _rows(vocab_dir() / "anatomy.csv"),
            lambda row: "anatomy",
            lambda row: curie_to_iri(row["id"].strip()),
            only_with_forms=True,
        )
    )


@cache
def clinical_lexicon() -> Lexicon:
    """The clinical concepts codegraph recognises in text (cached)."""
    return Lexicon(
        _load(
            _rows(vocab_dir() / "clinical-lexicon.csv"),
            lambda row: row["role"].strip(),
            lambda row: (row.get("iri") or "").strip() or None,
        )
    )
