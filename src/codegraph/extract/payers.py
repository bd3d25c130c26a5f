"""Payers a page names, normalised to one name each, and what it says about their coverage.

"Payers recognize and reimburse this code" is boilerplate, not a coverage decision: only a
sentence in a payer coverage or prior-authorization section that names one payer and states a
position becomes that payer's statement. Every other named payer gets an honest placeholder:
"source-declares-unavailable" when the page says payer policies are missing (for every payer,
or for that payer by name), else "not-stated".

A statement is attributed to the payer it names; a sentence that names none belongs to the payer
of the sub-heading or label block it sits under, or to the payer named earlier in the same
paragraph, never to one named in an earlier paragraph. A missing-data sentence ("Cigna's policy
is not available") states no position, even when it says "covers". Conditions make a position
conditional ("covers ... when the criteria ... are met"); precertification, pre-service review
and prior approval are prior authorization.
"""

from __future__ import annotations

import re
from datetime import date

from ..model import CoverageFact, PayerMention, UnavailableStatement
from ..read import Document
from ..read.patterns import compile_fast
from .evidence import evidence
from .payer_names import PAYER_PATTERNS, first_mentions, payer_heading, payer_names_in
from .tables import is_payer_table, iter_tables
from .unavailable import is_missing_data_marker

__all__ = ["PAYER_PATTERNS", "extract_coverage", "extract_payers", "payer_names_in"]
_BOILERPLATE = re.compile(
    r"\brecogni[sz]e\s+and\s+reimburse|\breimburse\s+(?:this|the)\s+code\b|\bgenerally\s+reimburse", re.IGNORECASE
)
_STATUS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (status, re.compile(pattern, re.IGNORECASE))
    for status, pattern in (
        ("experimental", r"\bexperimental\b|\binvestigational\b|\bunproven\b"),
        ("not-covered", r"\bnot\s+(?:a\s+)?covered\b|\bdoes\s+not\s+cover\b|\bnon-?covered\b|\bnot\s+cover\b"
                        r"|\bexcluded\s+from\s+coverage\b|\bdenie[sd]\s+coverage\b"),
        ("conditional", (
            r"\bwith\s+criteria\b|\bwhen\s+(?:[\w-]+\s+){0,4}?criteria\b|\bif\s+(?:[\w-]+\s+){0,4}?criteria\b"
            r"|\bcriteria\s+(?:\w+\s+){0,3}?(?:are|is)\s+met\b|\bmeets?\s+(?:the\s+|its\s+|all\s+)?(?:[\w-]+\s+){0,2}?criteria\b"
            r"|\bconditional(?:ly)?\b|\bmedically\s+necessary\s+(?:when|if|for)\b|\bsubject\s+to\b|\bcase-by-case\b"
            r"|\bonly\s+(?:when|if)\b|\bprovided\s+that\b|\bwith\s+documentation\s+of\b"
        )),
        ("covered", r"\bcovers?\b|\bcovered\b"),
    )
)
# Prior authorization under its other names.
_PA = (r"(?:prior\s+auth\w*|pre-?\s?auth\w*|pre-?\s?certification|precert\w*|pre-?\s?service\s+review"
       r"|prior\s+approval|pre-?\s?approval|advance\s+approval)")
_PRIOR_AUTH = (
    ("not-required", re.compile(
        rf"\bno\s+{_PA}|\b{_PA}\s+(?:is\s+|are\s+)?not\s+(?:required|needed|necessary)|\bdoes\s+not\s+require\s+(?:an?\s+)?{_PA}"
        rf"|\bwithout\s+(?:an?\s+)?{_PA}", re.IGNORECASE)),
    ("required", re.compile(
        rf"\b{_PA}\s+(?:is\s+|are\s+)?(?:required|needed|necessary|mandatory)|\brequires?\s+(?:an?\s+)?{_PA}"
        rf"|\b{_PA}\s*:\s*(?:yes|required)|\bsubject\s+to\s+{_PA}",
        re.IGNORECASE)),
)
# The same rules for lower-cased text, searched case-sensitively in the literal-first form
# (read/patterns.py): the engine can then skip to each rule's first letter.
_BOILERPLATE_LOWER = compile_fast(_BOILERPLATE.pattern)
_STATUS_RULES_LOWER = tuple((status, compile_fast(pattern.pattern)) for status, pattern in _STATUS_RULES)
_PRIOR_AUTH_LOWER = tuple((value, compile_fast(pattern.pattern)) for value, pattern in _PRIOR_AUTH)
_POLICY_ID = re.compile(
    r"\b(?:CPB\s*+\d{3,4}|MP[-\s]?\d{2,5}(?:\.\d+)?|[LA]\d{5}|(?:policy|bulletin)\s++(?:number\s++|no\.?\s++|#\s*+)?[A-Z]{0,4}[-.]?\d{2,6}(?:\.\d+)?)\b",
    re.IGNORECASE,
)
_DATE = compile_fast(
    r"\beffective\s++(?:date\s*+:?+\s*+|on\s++|as\s++of\s++|from\s++)?(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},\s*\d{4})",
    re.IGNORECASE,
)
_COVERAGE_SECTIONS = ("payer-coverage", "prior-authorization", "policy-updates")


_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_LONG_DATE = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),\s*(\d{4})")


def _iso_date(text: str) -> str | None:
    """"2025-01-01", "1/1/2025", "January 1, 2025", "Jan. 1, 2025" as ISO; None when not a date.

    Parsed here rather than by trying strptime formats in turn, where each failed format raised
    and caught an exception (the slowest step of reading a coverage line in the profile).
    """
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _US_DATE.fullmatch(text):
        month, day, year = (int(part) for part in match.groups())
    elif (match := _LONG_DATE.fullmatch(text)) and match[1].lower() in _MONTHS:
        month, day, year = _MONTHS[match[1].lower()], int(match[2]), int(match[3])
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def extract_payers(doc: Document) -> list[PayerMention]:
    """Each payer the page names, at its first mention, in page order."""
    ordered = sorted(first_mentions(doc.text).items(), key=lambda item: item[1][0])
    return [PayerMention(name, evidence(doc, start, end)) for name, (start, end) in ordered]


def _policy_id(sentence: str) -> str | None:
    match = _POLICY_ID.search(sentence)
    if not match:
        return None
    return re.sub(r"^(?:policy|bulletin)\s+(?:number\s+|no\.?\s+|#\s*)?", "", match.group(0), flags=re.IGNORECASE)


def _prior_auth_cell(text: str) -> str | None:
    lowered = text.strip().lower()
    if lowered in ("yes", "required", "y", "required (yes)"):
        return "required"
    if lowered in ("no", "not required", "n", "none"):
        return "not-required"
    return next((p for p, pattern in _PRIOR_AUTH if pattern.search(text)), None)


def _column(header: list[str], *words: str) -> int | None:
    return next((i for i, name in enumerate(header) if any(w in name.lower() for w in words)), None)


class _Statements:
    """Coverage statements per payer; a later statement fills what an earlier one left open."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.by_payer: dict[str, CoverageFact] = {}

    def add(self, payer: str, status: str | None, prior_auth: str | None, policy_id: str | None,
            effective_date: str | None, start: int, end: int) -> None:
        if status is None and prior_auth is None and policy_id is None and effective_date is None:
            return
        previous = self.by_payer.get(payer)
        self.by_payer[payer] = CoverageFact(
            payer=payer,
            status=status or (previous.status if previous else "not-stated"),
            prior_auth=prior_auth or (previous.prior_auth if previous else "unknown"),
            policy_id=policy_id or (previous.policy_id if previous else None),
            effective_date=effective_date or (previous.effective_date if previous else None),
            evidence=previous.evidence if previous else evidence(self.doc, start, end),
        )


def _read_prose(doc: Document, statements: _Statements) -> None:
    for section in doc.sections:
        if section.name not in _COVERAGE_SECTIONS:
            continue
        block: str | None = None  # the payer of the latest sub-heading or "Payer:" label block
        for line in section.lines:
            if "|" in line.text:
                continue  # tables are read by _read_tables
            names = payer_names_in(line.text)
            if len(names) == 1 and payer_heading(line.text, names[0]):
                block = names[0]
                continue
            label = _LABEL_LINE.match(line.text)
            if label:
                block = _read_label(label, block, statements, line.start, line.end)
                continue
            paragraph: str | None = None  # the payer named earlier in this paragraph
            for start, end, sentence in doc.sentences(line):
                lower = sentence.lower()
                if _BOILERPLATE_LOWER.search(lower):
                    continue
                named = payer_names_in(sentence)
                if len(named) > 1:
                    paragraph = None
                    continue
                if named:
                    paragraph = named[0]
                payer = paragraph or block
                if payer is None or is_missing_data_marker(sentence):
                    continue
                status = next((s for s, pattern in _STATUS_RULES_LOWER if pattern.search(lower)), None)
                prior_auth = next((p for p, pattern in _PRIOR_AUTH_LOWER if pattern.search(lower)), None)
                date = _DATE.search(sentence)
                statements.add(payer, status, prior_auth, _policy_id(sentence),
                               _iso_date(date["date"]) if date else None, start, end)


# "Payer: Aetna", "Coverage status: Experimental", "Prior authorization: Not required", ...
_LABEL_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?(?P<label>payer|coverage(?:\s+status|\s+position)?|status|prior\s+auth(?:orization)?"
    r"|policy(?:\s+(?:id|number|no\.?|#))?|effective(?:\s+date)?)\s*+:\s*+(?P<value>.*\S)\s*$",
    re.IGNORECASE,
)
_EMPTY_VALUES = {"", "-", "n/a", "na", "none", "not stated", "not available", "unknown"}


def _read_label(label: re.Match[str], current: str | None, statements: _Statements, start: int, end: int) -> str | None:
    """Apply one labelled line of a payer block; returns the payer the block is about."""
    name, value = label["label"].lower(), label["value"].strip()
    if name == "payer":
        named = payer_names_in(value)
        return named[0] if len(named) == 1 else None
    if current is None or value.lower().rstrip(".") in _EMPTY_VALUES:
        return current
    if name.startswith("prior"):
        statements.add(current, None, _prior_auth_cell(value.rstrip(".")), None, None, start, end)
    elif name.startswith("policy"):
        statements.add(current, None, None, _policy_id(value) or value.rstrip("."), None, start, end)
    elif name.startswith("effective"):
        statements.add(current, None, None, None, _iso_date(value.rstrip(".")), start, end)
    else:
        status = next((s for s, pattern in _STATUS_RULES if pattern.search(value)), None)
        statements.add(current, status, None, None, None, start, end)
    return current


def _read_tables(doc: Document, statements: _Statements) -> None:
    for table in iter_tables(doc):
        if not is_payer_table(table):
            continue
        status_at = _column(table.header, "coverage", "status", "position")
        auth_at = _column(table.header, "prior", "auth")
        policy_at = _column(table.header, "policy")
        date_at = _column(table.header, "effective", "date")
        for cells, lines in table.rows:
            names = payer_names_in(cells[0])
            if len(names) != 1:
                continue
            if cut_row(doc, lines[-1].end):
                cells = cells[:-1]  # the cut runs into the last cell ("Cover..."): read only whole cells

            def cell(at: int | None, cells: list[str] = cells) -> str:
                return cells[at].strip() if at is not None and at < len(cells) else ""

            status_text = cell(status_at)
            status = next((s for s, pattern in _STATUS_RULES if pattern.search(status_text)), None)
            policy = cell(policy_at)
            policy_id = None if policy.lower() in ("", "-", "n/a", "none", "not available") else (_policy_id(policy) or policy)
            date_text = cell(date_at)
            effective = _iso_date(date_text) if date_text else None
            statements.add(names[0], status, _prior_auth_cell(cell(auth_at)) if cell(auth_at) else None,
                           policy_id, effective, lines[0].start, lines[-1].end)


def cut_row(doc: Document, end: int) -> bool:
    """True when the page is cut off inside the table row ending at ``end``."""
    cut = doc.cut
    return cut is not None and cut.kind == "mid-row" and end >= cut.offset


def extract_coverage(
    doc: Document, payers: list[PayerMention], unavailable: list[UnavailableStatement]
) -> list[CoverageFact]:
    """Each named payer's coverage position and prior-authorization requirement as the page states them."""
    statements = _Statements(doc)
    _read_prose(doc, statements)
    _read_tables(doc, statements)
    stated = statements.by_payer

    coverage = []
    for payer in payers:
        declared = next(
            (s for s in unavailable if "payer-policies" in s.facets and (not s.payers or payer.name in s.payers)), None
        )
        if payer.name in stated:
            coverage.append(stated[payer.name])
        elif declared is not None:
            coverage.append(CoverageFact(payer.name, "source-declares-unavailable", "unknown", declared.evidence))
        else:
            coverage.append(CoverageFact(payer.name, "not-stated", "unknown", payer.evidence))
    return coverage
