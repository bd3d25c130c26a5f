"""Sentences in which a page says its data is missing, and the facets they name.

Recording these keeps "the source says it does not know" apart from "we failed to read it":
the shapes word their findings differently for the two.

A sentence counts only the facets named in its own clause. Summaries chain clauses about what
the report does ("The publication also outlines common billing modifiers ..., and notes areas
where data were not provided"; "It also notes where input data are unavailable and identifies
areas requiring further payer-specific policy review"): the missing-data clause runs from the
report verb before the marker to the report verb after it, so modifiers and payer policies named
by the neighbouring clauses are not declared missing. A clause that names payers ("Cigna's
policy is not available") is about those payers only; under a payer sub-heading, about that one.
"""

from __future__ import annotations

import re

from ..model import UnavailableStatement
from ..read import Document
from ..read.patterns import compile_fast
from .evidence import evidence
from .payer_names import payer_heading, payer_names_in

_MARKER = re.compile(
    r"\bnot\s+(?:available|provided|supplied|included|specified|present)\b"
    r"|\b(?:noted|listed|marked|flagged|reported)\s+as\s+(?:unavailable|missing)\b"
    r"|\bunavailable\b|\bno\s+data\b|\bmissing\s+from\s+the\s+input\b",
    re.IGNORECASE,
)
# Every marker holds one of these words (a cheap test before the sentences of a line are cut).
_MARKER_WORDS = ("not", "unavailable", "no data", "missing")
# A marker sentence must be about data, not about a patient ("when autologous tissue is not available").
_ABOUT_DATA = re.compile(
    r"\b(?:data|input|information|details?|polic(?:y|ies)|modifiers?|taxonom(?:y|ies)|icd-?10|codes?|rates?|mappings?|pairings?)\b",
    re.IGNORECASE,
)

_FACET_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (facet, re.compile(pattern, re.IGNORECASE))
    for facet, pattern in (
        ("payer-policies", r"\bpay(?:er|or)s?'?\s*+(?:-?\s*+specific\s++)?(?:coverage\s++)?polic|\bcoverage\s+polic|\bpay(?:er|or)\s+coverage\b"),
        ("modifiers", r"\bmodifiers?\b"),
        ("provider-taxonomies", r"\btaxonom(?:y|ies)\b"),
        ("icd10-mappings", r"\bicd-?10(?:-cm)?\b|\bdiagnosis\s+(?:codes?|mappings?)\b"),
        ("related-codes", r"\brelated\s+(?:cpt\s+|hcpcs\s+)?codes?\b"),
        ("payer-rates", r"\b(?:pay(?:er|or)-?\s*+specific\s++)?(?:reimbursement\s++)?rates?\b|\bfee\s+schedules?\b|\bpayment\s+amounts?\b"),
    )
)

# A bare marker ("Data not available in the input.") inside a facet's own section is about that facet.
_PAYER_SECTIONS = ("payer-coverage", "prior-authorization", "policy-updates")
_SECTION_FACET = {
    "modifiers": "modifiers",
    "provider-taxonomies": "provider-taxonomies",
    "icd10-mappings": "icd10-mappings",
    "related-codes": "related-codes",
    "payer-coverage": "payer-policies",
    "prior-authorization": "payer-policies",
    "benchmarks": "payer-rates",
}


_MARKER_LOWER = compile_fast(_MARKER.pattern)
_ABOUT_DATA_LOWER = compile_fast(_ABOUT_DATA.pattern)


def is_missing_data_marker(sentence: str) -> bool:
    """True when ``sentence`` says data is missing (lower-cased once, searched case-sensitively)."""
    lower = sentence.lower()
    return bool(_MARKER_LOWER.search(lower) and _ABOUT_DATA_LOWER.search(lower))


# Where a sentence turns to something else ("..., so this page concentrates on diagnosis codes").
_CLAUSE_TURN = re.compile(r",\s*+(?:so|but|while|whereas|although|though|which|instead)\b|;\s++(?!and\b)|\.\s", re.IGNORECASE)
# Verbs with which a summary chains what the report does; each starts a clause of its own.
_REPORT_VERBS = (
    r"outlines|notes|highlights|identifies|summari[sz]es|explains|provides|includes|addresses|covers|offers|reviews"
    r"|describes|discusses|details|examines|presents|lists|indicates|flags|clarifies|emphasi[sz]es|compares|explores"
    r"|focuses|gives|contains|considers|references|points|mentions|captures|tracks|documents|specifies|reports"
    r"|shows|underscores|analy[sz]es|outlin(?:es|ing)|examin(?:es|ing)|notes?\s+that|calls\s+out|walks\s+through"
)
_CLAUSE_START = re.compile(
    # "(?<!\s)": a match may start only where a run of spaces starts, so a long run is scanned once.
    rf"(?:[,;]\s*+(?:and\s++|but\s++|while\s++)?|(?<!\s)\s++(?:and|but|while)\s++)(?:also\s++|further\s++|then\s++)?(?:{_REPORT_VERBS})\b",
    re.IGNORECASE,
)


# Lower-case twins of the patterns, searched case-sensitively on lower-cased text: the engine can
# then skip to each alternative's first letter. Used whenever lowering keeps every offset.
_LOWER = {pattern: compile_fast(pattern.pattern) for pattern in (_MARKER, _CLAUSE_START, _CLAUSE_TURN)}
_FACET_WORDS_LOWER = tuple((facet, compile_fast(pattern.pattern)) for facet, pattern in _FACET_WORDS)


def _lowered(text: str) -> str | None:
    lower = text.lower()
    return lower if len(lower) == len(text) else None  # a few characters ("İ") lower to two


def marker_clause(sentence: str) -> tuple[int, int]:
    """(start, end) of the clause of ``sentence`` that says data is missing (all of it without a marker)."""
    lower = _lowered(sentence)
    text = sentence if lower is None else lower

    def pattern(original: re.Pattern[str]) -> re.Pattern[str]:
        return original if lower is None else _LOWER[original]

    marker = pattern(_MARKER).search(text)
    if not marker:
        return 0, len(sentence)
    start = 0
    for boundary in pattern(_CLAUSE_START).finditer(text, 0, marker.start()):
        start = boundary.start()
    end = len(sentence)
    for turn_pattern in (_CLAUSE_TURN, _CLAUSE_START):
        turn = pattern(turn_pattern).search(text, marker.end())
        if turn:
            end = min(end, turn.start())
    return start, end


def facets_named(sentence: str) -> tuple[str, ...]:
    """Facets named in the clause of ``sentence`` that says data is missing."""
    start, end = marker_clause(sentence)
    lower = _lowered(sentence)
    if lower is None:
        clause, patterns = sentence[start:end], _FACET_WORDS
    else:
        clause, patterns = lower[start:end], _FACET_WORDS_LOWER
    return tuple(sorted(facet for facet, facet_pattern in patterns if facet_pattern.search(clause)))


def extract_unavailable(doc: Document) -> list[UnavailableStatement]:
    """Sentences saying data are not available, each with the facets its own clause names."""
    found: list[UnavailableStatement] = []
    for section in doc.sections:
        sub_heading: str | None = None  # the payer of a payer sub-heading ("Aetna", "Cigna:")
        for line in section.lines:
            if section.name in _PAYER_SECTIONS:
                named = payer_names_in(line.text)
                if len(named) == 1 and payer_heading(line.text, named[0]):
                    sub_heading = named[0]
                    continue
            lower = line.text.lower()
            if not any(word in lower for word in _MARKER_WORDS) or not _MARKER_LOWER.search(lower):
                continue  # no marker anywhere in the line: its sentences need not be cut
            for start, end, sentence in doc.sentences(line):
                if not is_missing_data_marker(sentence):
                    continue
                facets = facets_named(sentence)
                if not facets and section.name in _SECTION_FACET:
                    facets = (_SECTION_FACET[section.name],)
                clause_start, clause_end = marker_clause(sentence)
                payers = tuple(payer_names_in(sentence[clause_start:clause_end]))
                if not payers and sub_heading and section.name in _PAYER_SECTIONS:
                    payers = (sub_heading,)
                found.append(UnavailableStatement(facets=facets, evidence=evidence(doc, start, end), payers=payers))
    return found
