"""The coverage check: is this code covered by this payer, for this diagnosis, in this setting, on
this date, and does it need prior authorization?

The facts come from one catalog query (``queries/coverage/coverage-check.rq``): every assertion
about the code at the payer, with its dates, how the diagnosis and place of service relate to it,
and where it was read. The coverage rule (``rule.py``, the one the matrix uses too) weighs them;
this module adds what an analyst reads beside the answer: policies, publishers, evidence, notes.

What is not in the graph is refused before any answer (``names.py``): a code, payer, place of
service or diagnosis the graph does not hold raises a ``NotFoundError`` naming the closest ones.
"Unknown" is kept for what the graph holds but cannot decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from ..errors import CellProblem, QueryError
from ..imports import fields
from ..query import run_query
from ..store import GraphStore
from . import names
from .rule import ANSWERS, DECISIONS, Assertion, Decision, Question, Weighed, decide

QUERY = "coverage-check"


@dataclass(frozen=True)
class EvidenceRef:
    """Where an assertion was read: the document or table file, its line and the exact text."""

    document: str
    line: int | None
    quote: str | None


@dataclass(frozen=True)
class Finding:
    """One assertion the check weighed, what it says for the asked case, and why."""

    assertion: str
    payer: str
    status: str
    prior_authorization: str
    outcome: str  # covered | conditional | not-covered | no-decision | not-used
    note: str
    line_of_business: str | None = None
    policy: str | None = None
    policy_title: str | None = None
    publishers: tuple[str, ...] = ()  # "Novitas Solutions, Inc. (J-L)"
    effective_from: date | None = None
    effective_through: date | None = None
    documentation: str | None = None
    evidence: tuple[EvidenceRef, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["effective_from"] = self.effective_from.isoformat() if self.effective_from else None
        data["effective_through"] = self.effective_through.isoformat() if self.effective_through else None
        return data


@dataclass(frozen=True)
class LineAnswer:
    """The answer for one line of business, when the payer's lines of business were weighed apart."""

    line_of_business: str
    coverage: str
    prior_authorization: str


@dataclass(frozen=True)
class CoverageAnswer:
    """The check's answer: coverage, prior authorization, the findings used and those set aside."""

    code: str
    payer: str
    date: date
    coverage: str  # one of ANSWERS
    prior_authorization: str  # required | not-required | unknown | conflict | varies
    summary: str
    diagnosis: str | None = None
    place_of_service: str | None = None
    line_of_business: str | None = None
    used: tuple[Finding, ...] = ()
    not_used: tuple[Finding, ...] = ()
    rests_on: tuple[str, ...] = ()  # the assertions (IRIs) the coverage status rests on
    by_line_of_business: tuple[LineAnswer, ...] = ()  # when the payer's lines of business were weighed apart
    notes: tuple[str, ...] = ()  # what the asked values need said (a diagnosis that is not billable)

    @property
    def conflict(self) -> bool:
        return self.coverage == "conflict"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "payer": self.payer,
            "date": self.date.isoformat(),
            "diagnosis": self.diagnosis,
            "place_of_service": self.place_of_service,
            "line_of_business": self.line_of_business,
            "coverage": self.coverage,
            "prior_authorization": self.prior_authorization,
            "summary": self.summary,
            "notes": list(self.notes),
            "rests_on": list(self.rests_on),
            "by_line_of_business": [asdict(line) for line in self.by_line_of_business],
            "used": [finding.to_json() for finding in self.used],
            "not_used": [finding.to_json() for finding in self.not_used],
        }

    def render_text(self) -> str:
        """The answer as the terminal shows it: the status, prior authorization, and each assertion with its source."""
        from .render import render_text

        return render_text(self)


def _question(code: str, payer: str, on: date | None, diagnosis: str | None, place_of_service: str | None,
              line_of_business: str | None) -> Question:
    try:
        given = {"code": code, "payer": payer, "diagnosis": diagnosis, "place_of_service": place_of_service,
                 "line_of_business": line_of_business}
        for column, text in given.items():
            if text and any("\ud800" <= char <= "\udfff" for char in text):  # a shell's bytes that are not UTF-8
                raise CellProblem(column, f"{text!r} holds bytes that are not UTF-8 text; give it in UTF-8")
        notation = code.strip().upper()
        if not any(pattern.fullmatch(notation) for pattern in fields.CODE_PATTERNS.values()):
            raise CellProblem("code", f"{code!r} is not a CPT or HCPCS code (e.g. 20610, 0627T, J7321)")
        return Question(
            code=notation,
            payer=fields.payer_name("payer", payer),
            day=on or date.today(),
            diagnosis=fields.icd10cm("diagnosis", diagnosis) if diagnosis else None,
            place_of_service=place_of_service.strip() if place_of_service else None,
            line_of_business=fields.line_of_business("line_of_business", line_of_business or ""),
        )
    except CellProblem as problem:
        raise QueryError(f"{problem.column}: {problem.reason}") from None


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _day(term: Node | None) -> date | None:
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, date) else date.fromisoformat(str(term)[:10])
    return None


def _count(term: Node | None) -> int:
    return int(term.toPython()) if isinstance(term, Literal) else 0


def _assertion(rows: list[Mapping[str, Node | None]]) -> tuple[Assertion, Finding]:
    """One assertion (its rows differ only by publisher and evidence): the rule's facts, and the
    finding to show (its outcome filled in once the rule has weighed it)."""
    first = rows[0]
    facts = Assertion(
        assertion=str(first["assertion"]), payer=str(first["payer_name"]), status=str(first["status"]),
        prior_authorization=_text(first["prior_auth"]) or "unknown", line_of_business=_text(first["line_of_business"]),
        effective_from=_day(first["effective_from"]), effective_through=_day(first["effective_through"]),
        supporting=_count(first["supporting_count"]), dx_relation=str(first["dx_relation"]),
        pos_relation=str(first["pos_relation"]), documentation=_text(first["documentation"]), policy=_text(first["policy"]),
    )
    publishers = sorted({f"{row['publisher']}" + (f" ({row['jurisdiction']})" if row["jurisdiction"] else "")
                         for row in rows if row["publisher"] is not None})
    evidence = sorted({EvidenceRef(str(row["document"]), int(str(row["line"])) if row["line"] is not None else None, _text(row["quote"]))
                       for row in rows if row["document"] is not None}, key=lambda ref: (ref.document, ref.line or 0))
    finding = Finding(
        assertion=facts.assertion, payer=facts.payer, status=facts.status, prior_authorization=facts.prior_authorization,
        outcome="", note="", line_of_business=facts.line_of_business, policy=facts.policy,
        policy_title=_text(first["policy_title"]), publishers=tuple(publishers), effective_from=facts.effective_from,
        effective_through=facts.effective_through, documentation=facts.documentation, evidence=tuple(evidence),
    )
    return facts, finding


def _summary(decision: Decision, question: Question, findings: list[Finding]) -> str:
    where = f"{question.code} at {question.payer} on {question.day}"
    if decision.status == "unknown":
        set_aside = sum(1 for f in findings if f.outcome == "not-used")
        more = f"; {set_aside} more set aside (see 'not used')" if set_aside else ""
        return f"unknown: {decision.reason} for {where}{more}"
    if decision.status == "varies":
        return f"varies by line of business for {where} ({decision.reason}); give a line of business to get one answer"
    count = f"{len(decision.rests_on)} assertion{'s' if len(decision.rests_on) != 1 else ''}"
    if decision.status == "conflict":
        return f"conflict: the sources in effect disagree for {where} ({count}; each is listed)"
    return f"{decision.status.replace('-', ' ')} for {where} ({count})"


def check_coverage(
    store: GraphStore,
    code: str,
    payer: str,
    *,
    on: date | None = None,
    diagnosis: str | None = None,
    place_of_service: str | None = None,
    line_of_business: str | None = None,
) -> CoverageAnswer:
    """Answer "is ``code`` covered by ``payer``" from the graph in ``store``.

    ``payer`` is a payer's name (any case; 'UHC' is UnitedHealthcare) or a Medicare contractor's
    jurisdiction ('J-L') or number. ``on`` defaults to today. Raises ``QueryError`` for a value
    that is not a code, ICD-10-CM code or line of business, and a ``NotFoundError``
    (``UnknownCodeError``, ``UnknownPayerError``, ``UnknownPlaceOfServiceError``,
    ``UnknownDiagnosisError``) naming the closest matches for one the graph does not hold.
    """
    question = _question(code, payer, on, diagnosis, place_of_service, line_of_business)
    names.require_code(store, question.code)
    names.require_payer(store, question.payer)
    notes: list[str] = []
    if question.place_of_service is not None:
        question = Question(question.code, question.payer, question.day, question.diagnosis,
                            names.require_place_of_service(store, question.place_of_service), question.line_of_business)
    if question.diagnosis is not None:
        note = names.lookup_diagnosis(store, question.diagnosis).note
        if note:
            notes.append(note)
    params: dict[str, str] = {"code": question.code, "payer": question.payer}
    if question.diagnosis:
        params["dx"] = question.diagnosis
    if question.place_of_service:
        params["pos"] = question.place_of_service
    by_assertion: dict[str, list[Mapping[str, Node | None]]] = {}
    for row in run_query(store, QUERY, params).as_dicts():
        by_assertion.setdefault(str(row["assertion"]), []).append(row)
    shown: dict[str, Finding] = {}
    facts = []
    for _assertion_iri, rows in sorted(by_assertion.items()):
        assertion, finding = _assertion(rows)
        facts.append(assertion)
        shown[assertion.assertion] = finding
    decision = decide(facts, question)
    findings = [_shown(shown[w.facts.assertion], w) for w in decision.weighed]
    return CoverageAnswer(
        code=question.code, payer=question.payer, date=question.day, coverage=decision.status,
        prior_authorization=decision.prior_authorization, summary=_summary(decision, question, findings),
        diagnosis=question.diagnosis, place_of_service=question.place_of_service, line_of_business=question.line_of_business,
        used=tuple(f for f in findings if f.outcome != "not-used"), not_used=tuple(f for f in findings if f.outcome == "not-used"),
        rests_on=tuple(w.facts.assertion for w in decision.rests_on),
        by_line_of_business=tuple(LineAnswer(d.line_of_business or "", d.status, d.prior_authorization)
                                  for d in decision.by_line_of_business),
        notes=tuple(notes),
    )


def _shown(finding: Finding, weighed: Weighed) -> Finding:
    return replace(finding, outcome=weighed.outcome, note=weighed.note)


__all__ = ["ANSWERS", "DECISIONS", "CoverageAnswer", "EvidenceRef", "Finding", "LineAnswer", "check_coverage"]
