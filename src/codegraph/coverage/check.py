"""The coverage check: is this code covered by this payer, for this diagnosis, in this setting, on
this date, and does it need prior authorization?

The facts come from one catalog query (``queries/coverage/coverage-check.rq``), bound through
``codegraph.query``: every assertion about the code at the payer, with its dates, how the
diagnosis and place of service relate to it, and where it was read. This module weighs them:

- an assertion not in effect on the date, for another line of business, or limited to other
  places of service is *not used*, and the answer says why;
- "not stated" and "source declares unavailable" are no decision;
- a diagnosis the assertion lists as not supporting coverage, or one missing from its list of
  supporting diagnoses, makes it a "not covered"; a supporting one makes it "covered" (still
  "conditional" when the policy also asks for documentation);
- assertions in effect that disagree (covered or conditional against not covered) give
  "conflict", listing each; no usable assertion gives "unknown" — an honest answer, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from ..errors import CellProblem, QueryError
from ..imports import fields
from ..query import run_query
from ..store import GraphStore

QUERY = "coverage-check"
DECISIONS = ("covered", "conditional", "not-covered")
ANSWERS = ("covered", "not-covered", "conditional", "conflict", "unknown")
_NO_DECISION = {
    "not-stated": "the source names the payer but states no coverage position",
    "source-declares-unavailable": "the source says this payer's policy data is not available",
}


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
class CoverageAnswer:
    """The check's answer: coverage, prior authorization, the findings used and those set aside."""

    code: str
    payer: str
    date: date
    coverage: str  # one of ANSWERS
    prior_authorization: str  # required | not-required | unknown | conflict
    summary: str
    diagnosis: str | None = None
    place_of_service: str | None = None
    line_of_business: str | None = None
    used: tuple[Finding, ...] = ()
    not_used: tuple[Finding, ...] = ()

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
            "used": [finding.to_json() for finding in self.used],
            "not_used": [finding.to_json() for finding in self.not_used],
        }

    def render_text(self) -> str:
        """The answer as the terminal shows it: the status, prior authorization, and each assertion with its source."""
        from .render import render_text

        return render_text(self)


@dataclass
class _Question:
    code: str
    payer: str
    day: date
    diagnosis: str | None
    place_of_service: str | None
    line_of_business: str | None


def _question(code: str, payer: str, on: date | None, diagnosis: str | None, place_of_service: str | None,
              line_of_business: str | None) -> _Question:
    try:
        given = {"code": code, "payer": payer, "diagnosis": diagnosis, "place_of_service": place_of_service,
                 "line_of_business": line_of_business}
        for column, text in given.items():
            if text and any("\ud800" <= char <= "\udfff" for char in text):  # a shell's bytes that are not UTF-8
                raise CellProblem(column, f"{text!r} holds bytes that are not UTF-8 text; give it in UTF-8")
        notation = code.strip().upper()
        if not any(pattern.fullmatch(notation) for pattern in fields.CODE_PATTERNS.values()):
            raise CellProblem("code", f"{code!r} is not a CPT or HCPCS code (e.g. 20610, 0627T, J7321)")
        return _Question(
            code=notation,
            payer=fields.payer_name("payer", payer),
            day=on or date.today(),
            diagnosis=fields.icd10cm("diagnosis", diagnosis) if diagnosis else None,
            place_of_service=_one_place(place_of_service) if place_of_service else None,
            line_of_business=fields.line_of_business("line_of_business", line_of_business or ""),
        )
    except CellProblem as problem:
        raise QueryError(f"{problem.column}: {problem.reason}") from None


def _one_place(text: str) -> str:
    places = fields.place_of_service_list("place_of_service", text)
    if len(places) != 1:
        raise CellProblem("place_of_service", f"give one place of service, e.g. 11; got {text!r}")
    return places[0]


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _day(term: Node | None) -> date | None:
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, date) else date.fromisoformat(str(term)[:10])
    return None


def _weigh(rows: list[Mapping[str, Node | None]], question: _Question) -> Finding:
    """One assertion (its rows differ only by publisher and evidence) -> its finding."""
    first = rows[0]
    status, timing = str(first["status"]), str(first["timing"])
    dx_relation, pos_relation = str(first["dx_relation"]), str(first["pos_relation"])
    supporting = int(first["supporting_count"].toPython()) if isinstance(first["supporting_count"], Literal) else 0
    lob = _text(first["line_of_business"])
    documentation = _text(first["documentation"])
    effective_from, effective_through = _day(first["effective_from"]), _day(first["effective_through"])
    publishers = sorted({f"{row['publisher']}" + (f" ({row['jurisdiction']})" if row["jurisdiction"] else "")
                         for row in rows if row["publisher"] is not None})
    evidence = sorted({EvidenceRef(str(row["document"]), int(str(row["line"])) if row["line"] is not None else None, _text(row["quote"]))
                       for row in rows if row["document"] is not None}, key=lambda ref: (ref.document, ref.line or 0))

    outcome, note = _outcome(status, timing, dx_relation, pos_relation, supporting, lob, documentation,
                             effective_from, effective_through, question)
    return Finding(
        assertion=str(first["assertion"]), payer=str(first["payer_name"]), status=status,
        prior_authorization=_text(first["prior_auth"]) or "unknown", outcome=outcome, note=note,
        line_of_business=lob, policy=_text(first["policy"]), policy_title=_text(first["policy_title"]),
        publishers=tuple(publishers), effective_from=effective_from, effective_through=effective_through,
        documentation=documentation, evidence=tuple(evidence),
    )


def _outcome(status: str, timing: str, dx_relation: str, pos_relation: str, supporting: int, lob: str | None,
             documentation: str | None, effective_from: date | None, effective_through: date | None,
             question: _Question) -> tuple[str, str]:
    if timing == "expired":
        return "not-used", f"not in effect on {question.day}: it ended {effective_through}"
    if timing == "not-yet-effective":
        return "not-used", f"not in effect on {question.day}: it starts {effective_from}"
    if question.line_of_business and lob and lob != question.line_of_business:
        return "not-used", f"it is for {lob}, not {question.line_of_business}"
    if pos_relation == "not-listed":
        return "not-used", f"it covers other places of service, not {question.place_of_service}"
    if status in _NO_DECISION:
        return "no-decision", _NO_DECISION[status]
    if status in ("not-covered", "experimental"):
        return "not-covered", "not covered: experimental or investigational" if status == "experimental" else "not covered"
    # covered or conditional: the diagnosis decides, where one is given and the assertion lists any
    dx = question.diagnosis
    if dx_relation == "excludes":
        return "not-covered", f"diagnosis {dx} is listed as not supporting coverage"
    if dx_relation == "not-listed":
        return "not-covered", f"diagnosis {dx} is not among the {supporting} diagnoses that support coverage"
    place = f"; covers place of service {question.place_of_service}" if pos_relation == "listed" else ""
    needs = f"; the record must show: {documentation}" if documentation else ""
    if dx_relation == "supports":
        outcome = "conditional" if documentation else "covered"
        return outcome, f"diagnosis {dx} supports coverage{needs}{place}"
    if supporting:  # a list of supporting diagnoses, and none was given to check
        listed = "the one supporting diagnosis" if supporting == 1 else f"one of {supporting} supporting diagnoses"
        return "conditional", f"covered only with {listed} (give a diagnosis to check){needs}{place}"
    if status == "conditional":
        return "conditional", f"covered when the policy's criteria are met{needs}{place}"
    return "covered", f"covered{needs}{place}"


def _combine(used: list[Finding], not_used: list[Finding], question: _Question) -> tuple[str, str, str]:
    """(coverage, prior authorization, summary) from the findings used."""
    decisive = [f for f in used if f.outcome in DECISIONS]
    outcomes = {f.outcome for f in decisive}
    where = f"{question.code} at {question.payer} on {question.day}"
    if not used and not not_used:
        return "unknown", "unknown", f"unknown: the graph has no coverage assertion for {where}"
    if not decisive:
        reason = "the sources that apply state no decision" if used else "no assertion is in effect or applies"
        set_aside = f"; {len(not_used)} more set aside (see 'not used')" if not_used else ""
        return "unknown", "unknown", f"unknown: {reason} for {where}{set_aside}"
    if "not-covered" in outcomes and outcomes & {"covered", "conditional"}:
        coverage = "conflict"
    elif "not-covered" in outcomes:
        coverage = "not-covered"
    elif "conditional" in outcomes:
        coverage = "conditional"
    else:
        coverage = "covered"
    weighed = decisive if coverage in ("conflict", "not-covered") else [f for f in decisive if f.outcome != "not-covered"]
    stated = {f.prior_authorization for f in weighed} - {"unknown"}
    prior_auth = "conflict" if len(stated) > 1 else (stated.pop() if stated else "unknown")
    count = f"{len(decisive)} assertion{'s' if len(decisive) != 1 else ''}"
    if coverage == "conflict":
        summary = f"conflict: the sources in effect disagree for {where} ({count}; each is listed)"
    else:
        summary = f"{coverage.replace('-', ' ')} for {where} ({count})"
    return coverage, prior_auth, summary


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
    that is not a code, ICD-10-CM code, place of service or line of business.
    """
    question = _question(code, payer, on, diagnosis, place_of_service, line_of_business)
    params: dict[str, str] = {"code": question.code, "payer": question.payer, "date": question.day.isoformat()}
    if question.diagnosis:
        params["dx"] = question.diagnosis
    if question.place_of_service:
        params["pos"] = question.place_of_service
    by_assertion: dict[str, list[Mapping[str, Node | None]]] = {}
    for row in run_query(store, QUERY, params).as_dicts():
        by_assertion.setdefault(str(row["assertion"]), []).append(row)
    findings = [_weigh(rows, question) for _assertion, rows in sorted(by_assertion.items())]
    order = {"not-covered": 0, "covered": 1, "conditional": 2, "no-decision": 3, "not-used": 4}
    findings.sort(key=lambda f: (order[f.outcome], f.payer, f.policy or "", f.assertion))
    used = [f for f in findings if f.outcome != "not-used"]
    not_used = [f for f in findings if f.outcome == "not-used"]
    coverage, prior_auth, summary = _combine(used, not_used, question)
    return CoverageAnswer(
        code=question.code, payer=question.payer, date=question.day, coverage=coverage,
        prior_authorization=prior_auth, summary=summary, diagnosis=question.diagnosis,
        place_of_service=question.place_of_service, line_of_business=question.line_of_business,
        used=tuple(used), not_used=tuple(not_used),
    )


__all__ = ["ANSWERS", "CoverageAnswer", "EvidenceRef", "Finding", "check_coverage"]
