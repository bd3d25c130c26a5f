"""Coding facets written as lists rather than tables.

``Modifiers: 50 (bilateral), RT, LT`` or a bullet per code (``- 25: significant, separately
identifiable E/M``) in a facet's own section, or a labelled line anywhere in the coding
sections. In prose, a two-character token counts as a modifier only when it is a modifier of
the shipped code set, so "OR" or "IV" in a sentence is not read as one.
"""

from __future__ import annotations

import re
from functools import cache

from ..model import DiagnosisRow, ModifierRow, RelatedCodeRow, TaxonomyRow
from ..read import Document, Line
from ..read.normalize import clean_value
from ..vocab import scheme_graph
from ..vocab.schemes import listed_notations
from .evidence import evidence
from .tables import CODE_PATTERNS, CodingTables

_SECTION_KIND = {
    "modifiers": "modifiers",
    "provider-taxonomies": "taxonomies",
    "icd10-mappings": "icd10",
    "related-codes": "related_codes",
}
_LABEL_KIND = (
    (re.compile(r"^\s*(?:[-*]\s*)?(?:common\s+|applicable\s+|relevant\s+)?modifiers?\s*:\s*", re.IGNORECASE), "modifiers"),
    (re.compile(r"^\s*(?:[-*]\s*)?(?:provider\s+)?taxonom(?:y|ies)(?:\s+codes?)?\s*:\s*", re.IGNORECASE), "taxonomies"),
    (re.compile(r"^\s*(?:[-*]\s*)?(?:icd-?10(?:-cm)?(?:\s+(?:codes?|mappings?|diagnos[ie]s))?|diagnosis\s+codes?)\s*:\s*", re.IGNORECASE), "icd10"),
    (re.compile(r"^\s*(?:[-*]\s*)?related\s+(?:cpt\s+|hcpcs\s+)?codes?\s*:\s*", re.IGNORECASE), "related_codes"),
)
_LIST_SECTIONS = {"coding-specifications", "specifications", "modifiers", "provider-taxonomies", "icd10-mappings", "related-codes",
                  "documentation", "claims-processing"}
# List items are split at commas and semicolons, except inside parentheses.
_LIST_ITEM = re.compile(r"(?:[^,;()]|\([^)]*\)?)+")
_BULLET = re.compile(r"^\s*[-*\u2022]\s*")
_SYSTEM_PREFIX = re.compile(r"^(?:CPT|HCPCS(?:\s+Level\s+II)?)(?:\s+code)?\s+", re.IGNORECASE)


@cache
def _known_modifiers() -> frozenset[str]:
    """The notations of the shipped modifier set, read from its file (building its SKOS graph
    for them took 75 ms, once per reading process)."""
    known = listed_notations("modifiers")
    if not known:
        scheme_graph("modifiers")  # a missing file fails here, naming it, as before
    return known


def _item(kind: str, text: str) -> tuple[str, str | None] | None:
    """(code, description) of one list item such as "50 (bilateral)" or "25: E/M on the same day"."""
    text = _SYSTEM_PREFIX.sub("", _BULLET.sub("", text).strip())
    match = CODE_PATTERNS[kind].match(text)
    if not match:
        return None
    code = match.group(1)
    if kind == "modifiers" and code not in _known_modifiers():
        return None
    rest = text[match.end():].strip()
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    rest = re.sub(r"^(?:[:\-]\s*|\((?=.*\)$))", "", rest).strip()
    return code, (clean_value(rest) or None)


def _add(doc: Document, kind: str, code: str, description: str | None, start: int, end: int,
         tables: CodingTables, seen: set[tuple[str, str]]) -> None:
    if (kind, code) in seen:  # a set, not a scan of the rows: a list of 10,000 codes stays linear
        return
    seen.add((kind, code))
    span = evidence(doc, start, end)
    if kind == "modifiers":
        tables.modifiers.append(ModifierRow(code, description, None, span))
    elif kind == "taxonomies":
        tables.taxonomies.append(TaxonomyRow(code, description, span))
    elif kind == "icd10":
        tables.icd10.append(DiagnosisRow(code, description, span))
    else:
        system = "HCPCS" if code[0].isalpha() else "CPT"
        tables.related_codes.append(RelatedCodeRow(system, code, description, span))


def _read_line(doc: Document, line: Line, kind: str, body_offset: int, tables: CodingTables,
               seen: set[tuple[str, str]]) -> None:
    body = line.text[body_offset:]
    if _BULLET.match(line.text) or body_offset:
        # A bullet holds one code and its description; a labelled line is a comma/semicolon list.
        items = [(body_offset, len(line.text))] if not body_offset else [
            (body_offset + m.start(), body_offset + m.end()) for m in _LIST_ITEM.finditer(body)
        ]
    else:
        items = [(0, len(line.text))]
    for start, end in items:
        parsed = _item(kind, line.text[start:end])
        if parsed:
            _add(doc, kind, parsed[0], parsed[1], line.start + start, line.start + end, tables, seen)


def extract_code_lists(doc: Document, tables: CodingTables) -> None:
    """Add list-form coding facts to ``tables`` (a code already read from a table is kept once)."""
    seen = {("modifiers", row.code) for row in tables.modifiers}
    seen |= {("taxonomies", row.code) for row in tables.taxonomies}
    seen |= {("icd10", row.code) for row in tables.icd10}
    seen |= {("related_codes", row.code) for row in tables.related_codes}
    for section in doc.sections:
        if section.name not in _LIST_SECTIONS:
            continue
        for line in section.lines:
            if "|" in line.text or not line.text.strip():
                continue
            for pattern, kind in _LABEL_KIND:
                label = pattern.match(line.text)
                if label:
                    _read_line(doc, line, kind, label.end(), tables, seen)
                    break
            else:
                section_kind = _SECTION_KIND.get(section.name)
                if section_kind and _BULLET.match(line.text):
                    _read_line(doc, line, section_kind, 0, tables, seen)
                elif section_kind:
                    _read_prose(doc, line, section_kind, tables, seen)


# In prose, related codes count only when written as "CPT 20610", "CPT code 20610", "HCPCS J7321".
_PREFIXED_CODE = re.compile(r"\b(?:CPT|HCPCS(?:\s+Level\s+II)?)\s+(?:code\s+)?(\d{4}[0-9TFU]|[A-V]\d{4})\b")
_TOKEN = re.compile(r"(?<![\w-])([0-9A-Z]{2}|\d{3}[0-9A-Z]{6}X|[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?![\w-])")


def _read_prose(doc: Document, line: Line, kind: str, tables: CodingTables, seen: set[tuple[str, str]]) -> None:
    """Codes named in a sentence of the facet's own section ("Modifiers that may apply include 50, RT and LT")."""
    pattern = _PREFIXED_CODE if kind == "related_codes" else _TOKEN
    for match in pattern.finditer(line.text):
        code = match.group(1)
        if kind != "related_codes" and not CODE_PATTERNS[kind].fullmatch(code):
            continue
        if kind == "modifiers" and code not in _known_modifiers():
            continue
        _add(doc, kind, code, None, line.start + match.start(), line.start + match.end(), tables, seen)
