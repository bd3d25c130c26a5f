"""Payers a page names, normalised to one name each, and what it says about their coverage.

"Payers recognize and reimburse this code" is boilerplate, not a coverage decision: only a
sentence in a payer coverage or prior-authorization section that names one payer and states a
position becomes that payer's statement. Every other named payer gets an honest placeholder:
"source-declares-unavailable" when the page says payer policies are missing, else "not-stated".
"""

from __future__ import annotations

import re
from datetime import datetime

from ..model import CoverageFact, PayerMention, UnavailableStatement
from ..read import Document
from .evidence import evidence, sentences
from .tables import is_payer_table, iter_tables

PAYER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("Aetna", r"\bAetna\b"),
        ("Blue Cross Blue Shield", r"\bBlue\s+Cross(?:\s+(?:and\s+|&\s+)?Blue\s+Shield)?\b|\bBCBS\w*\b"),
        ("Cigna", r"\bCigna(?:\s+Health(?:care)?)?\b"),
        ("UnitedHealthcare", r"\bUnited\s?Health\s?care\b|\bUHC\b"),
        ("Medicare", r"\bMedicare\b"),
    )
)

_PAYER_REGEX = dict(PAYER_PATTERNS)
_BOILERPLATE = re.compile(
    r"\brecogni[sz]e\s+and\s+reimburse|\breimburse\s+(?:this|the)\s+code\b|\bgenerally\s+reimburse", re.IGNORECASE
)
_STATUS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (status, re.compile(pattern, re.IGNORECASE))
    for status, pattern in (
        ("experimental", r"\bexperimental\b|\binvestigational\b|\bunproven\b"),
        ("not-covered", r"\bnot\s+(?:a\s+)?covered\b|\bdoes\s+not\s+cover\b|\bnon-?covered\b|\bnot\s+cover\b|\bexcluded\s+from\s+coverage\b|\bdenie[sd]\s+coverage\b"),
        ("conditional", r"\bwith\s+criteria\b|\bwhen\s+(?:medical\s+)?criteria\b|\bconditional(?:ly)?\b|\bmedically\s+necessary\s+when\b|\bsubject\s+to\b|\bcase-by-case\b"),
        ("covered", r"\bcovers?\b|\bcovered\b"),
    )
)
_PRIOR_AUTH = (
    ("not-required", re.compile(r"\bno\s+prior\s+auth|\bprior\s+auth\w*\s+(?:is\s+)?not\s+(?:required|needed)|\bdoes\s+not\s+require\s+prior\s+auth|\bwithout\s+prior\s+auth", re.IGNORECASE)),
    ("required", re.compile(r"\bprior\s+auth\w*\s+(?:is\s+)?(?:required|needed|mandatory)|\brequires?\s+prior\s+auth|\bprior\s+auth\w*\s*:\s*(?:yes|required)", re.IGNORECASE)),
)
_POLICY_ID = re.compile(
    r"\b(?:CPB\s*\d{3,4}|MP[-\s]?\d{2,5}(?:\.\d+)?|[LA]\d{5}|(?:policy|bulletin)\s+(?:number\s+|no\.?\s+|#\s*)?[A-Z]{0,4}[-.]?\d{2,6}(?:\.\d+)?)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\beffective\s+(?:date\s*:?\s*|on\s+|as\s+of\s+|from\s+)?(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},\s*\d{4})",
    re.IGNORECASE,
)
_COVERAGE_SECTIONS = ("payer-coverage", "prior-authorization", "policy-updates")


def _iso_date(text: str) -> str | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%B %d,%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def payer_names_in(text: str) -> list[str]:
    return [name for name, pattern in PAYER_PATTERNS if pattern.search(text)]


def extract_payers(doc: Document) -> list[PayerMention]:
    first: dict[str, tuple[int, int]] = {}
    for name, pattern in PAYER_PATTERNS:
        match = pattern.search(doc.text)
        if match:
            first[name] = match.span()
    ordered = sorted(first.items(), key=lambda item: item[1][0])
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
        current: str | None = None  # the payer of the latest payer sub-heading ("Aetna", "Aetna:")
        for line in section.lines:
            if "|" in line.text:
                continue  # tables are read by _read_tables
            names = payer_names_in(line.text)
            stripped = line.text.strip().rstrip(":").strip()
            if len(names) == 1 and _PAYER_REGEX[names[0]].fullmatch(stripped):
                current = names[0]
                continue
            label = _LABEL_LINE.match(line.text)
            if label:
                current = _read_label(label, current, statements, line.start, line.end)
                continue
            for start, end, sentence in sentences(line.text, line.start):
                if _BOILERPLATE.search(sentence):
                    continue
                named = payer_names_in(sentence)
                if len(named) > 1:
                    continue
                payer = named[0] if named else current
                if payer is None:
                    continue
                if named:
                    current = payer
                status = next((s for s, pattern in _STATUS_RULES if pattern.search(sentence)), None)
                prior_auth = next((p for p, pattern in _PRIOR_AUTH if pattern.search(sentence)), None)
                date = _DATE.search(sentence)
                statements.add(payer, status, prior_auth, _policy_id(sentence),
                               _iso_date(date["date"]) if date else None, start, end)


# "Payer: Aetna", "Coverage status: Experimental", "Prior authorization: Not required", ...
_LABEL_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?(?P<label>payer|coverage(?:\s+status|\s+position)?|status|prior\s+auth(?:orization)?"
    r"|policy(?:\s+(?:id|number|no\.?|#))?|effective(?:\s+date)?)\s*:\s*(?P<value>.+?)\s*$",
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

            def cell(at: int | None) -> str:
                return cells[at].strip() if at is not None and at < len(cells) else ""

            status_text = cell(status_at)
            status = next((s for s, pattern in _STATUS_RULES if pattern.search(status_text)), None)
            policy = cell(policy_at)
            policy_id = None if policy.lower() in ("", "-", "n/a", "none", "not available") else (_policy_id(policy) or policy)
            date_text = cell(date_at)
            effective = _iso_date(date_text) if date_text else None
            statements.add(names[0], status, _prior_auth_cell(cell(auth_at)) if cell(auth_at) else None,
                           policy_id, effective, lines[0].start, lines[-1].end)


def extract_coverage(
    doc: Document, payers: list[PayerMention], unavailable: list[UnavailableStatement]
) -> list[CoverageFact]:
    statements = _Statements(doc)
    _read_prose(doc, statements)
    _read_tables(doc, statements)
    stated = statements.by_payer

    declared = next((s for s in unavailable if "payer-policies" in s.facets), None)
    coverage = []
    for payer in payers:
        if payer.name in stated:
            coverage.append(stated[payer.name])
        elif declared is not None:
            coverage.append(CoverageFact(payer.name, "source-declares-unavailable", "unknown", declared.evidence))
        else:
            coverage.append(CoverageFact(payer.name, "not-stated", "unknown", payer.evidence))
    return coverage
