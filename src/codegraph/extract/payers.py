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


def extract_coverage(
    doc: Document, payers: list[PayerMention], unavailable: list[UnavailableStatement]
) -> list[CoverageFact]:
    stated: dict[str, CoverageFact] = {}
    for section in doc.sections:
        if section.name not in _COVERAGE_SECTIONS:
            continue
        for line in section.lines:
            for start, end, sentence in sentences(line.text, line.start):
                names = payer_names_in(sentence)
                if len(names) != 1 or _BOILERPLATE.search(sentence):
                    continue
                status = next((s for s, pattern in _STATUS_RULES if pattern.search(sentence)), None)
                prior_auth = next((p for p, pattern in _PRIOR_AUTH if pattern.search(sentence)), None)
                if status is None and prior_auth is None:
                    continue
                name = names[0]
                previous = stated.get(name)
                date = _DATE.search(sentence)
                stated[name] = CoverageFact(
                    payer=name,
                    status=status or (previous.status if previous else "not-stated"),
                    prior_auth=prior_auth or (previous.prior_auth if previous else "unknown"),
                    policy_id=_policy_id(sentence) or (previous.policy_id if previous else None),
                    effective_date=(_iso_date(date["date"]) if date else None)
                    or (previous.effective_date if previous else None),
                    evidence=previous.evidence if previous else evidence(doc, start, end),
                )

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
