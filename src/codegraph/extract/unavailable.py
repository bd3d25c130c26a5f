"""Sentences in which a page says its data is missing, and the facets they name.

Recording these keeps "the source says it does not know" apart from "we failed to read it":
the shapes word their findings differently for the two.
"""

from __future__ import annotations

import re

from ..model import UnavailableStatement
from ..read import Document
from .evidence import evidence, sentences

_MARKER = re.compile(
    r"\bnot\s+(?:available|provided|supplied|included|specified|present)\b"
    r"|\b(?:noted|listed|marked|flagged|reported)\s+as\s+(?:unavailable|missing)\b"
    r"|\bunavailable\b|\bno\s+data\b|\bmissing\s+from\s+the\s+input\b",
    re.IGNORECASE,
)
# A marker sentence must be about data, not about a patient ("when autologous tissue is not available").
_ABOUT_DATA = re.compile(
    r"\b(?:data|input|information|details?|polic(?:y|ies)|modifiers?|taxonom(?:y|ies)|icd-?10|codes?|rates?|mappings?|pairings?)\b",
    re.IGNORECASE,
)

_FACET_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (facet, re.compile(pattern, re.IGNORECASE))
    for facet, pattern in (
        ("payer-policies", r"\bpay(?:er|or)s?'?\s*(?:-?\s*specific\s+)?(?:coverage\s+)?polic|\bcoverage\s+polic|\bpay(?:er|or)\s+coverage\b"),
        ("modifiers", r"\bmodifiers?\b"),
        ("provider-taxonomies", r"\btaxonom(?:y|ies)\b"),
        ("icd10-mappings", r"\bicd-?10(?:-cm)?\b|\bdiagnosis\s+(?:codes?|mappings?)\b"),
        ("related-codes", r"\brelated\s+(?:cpt\s+|hcpcs\s+)?codes?\b"),
        ("payer-rates", r"\b(?:pay(?:er|or)-?\s*specific\s+)?(?:reimbursement\s+)?rates?\b|\bfee\s+schedules?\b|\bpayment\s+amounts?\b"),
    )
)

# A bare marker ("Data not available in the input.") inside a facet's own section is about that facet.
_SECTION_FACET = {
    "modifiers": "modifiers",
    "provider-taxonomies": "provider-taxonomies",
    "icd10-mappings": "icd10-mappings",
    "related-codes": "related-codes",
    "payer-coverage": "payer-policies",
    "prior-authorization": "payer-policies",
    "benchmarks": "payer-rates",
}


def is_missing_data_marker(sentence: str) -> bool:
    return bool(_MARKER.search(sentence) and _ABOUT_DATA.search(sentence))


# Where a sentence turns to something else ("..., so this page concentrates on diagnosis codes").
_CLAUSE_TURN = re.compile(r",\s*(?:so|but|while|whereas|although|though|which|instead)\b|;\s+(?!and\b)|\.\s", re.IGNORECASE)


def facets_named(sentence: str) -> tuple[str, ...]:
    """Facets named in the part of ``sentence`` that says data is missing."""
    marker = _MARKER.search(sentence)
    if marker:
        turn = _CLAUSE_TURN.search(sentence, marker.end())
        if turn:
            sentence = sentence[: turn.start()]
    return tuple(sorted(facet for facet, pattern in _FACET_WORDS if pattern.search(sentence)))


def extract_unavailable(doc: Document) -> list[UnavailableStatement]:
    found: list[UnavailableStatement] = []
    for section in doc.sections:
        for line in section.lines:
            for start, end, sentence in sentences(line.text, line.start):
                if not is_missing_data_marker(sentence):
                    continue
                facets = facets_named(sentence)
                if not facets and section.name in _SECTION_FACET:
                    facets = (_SECTION_FACET[section.name],)
                found.append(UnavailableStatement(facets=facets, evidence=evidence(doc, start, end)))
    return found
