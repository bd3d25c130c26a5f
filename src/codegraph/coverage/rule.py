"""The coverage rule: what the assertions about one code at one payer say on one day.

Every coverage answer codegraph gives goes through here: ``coverage check`` (one code and payer,
with a diagnosis, place of service and line of business when given), the coverage matrix (every
code and payer, from one store-wide query and one pass of this rule), the payer disagreements
and the site's matrix and code pages. So they cannot disagree.

The rule, per assertion (:func:`weigh`):

- not in effect on the day (ended before it, starts after it), for another line of business, or
  limited to other places of service: *not used*, and the answer says why;
- "not stated" and "source declares unavailable": *no decision*;
- not covered or experimental: *not covered*;
- covered or conditional: a diagnosis the assertion lists as not supporting coverage, or one
  missing from its list of supporting diagnoses, makes it *not covered*; a supporting one
  *covered* (*conditional* when the policy also asks for documentation); with a list and no
  diagnosis given it is *conditional* (covered only with one of them).

and per line of business (:func:`decide`): the assertions that apply to it (its own and those that
name no line of business) give *conflict* when some say covered or conditional and others not
covered, else the strictest decision (not covered, conditional, covered), else *unknown*. Asked
without a line of business, a payer whose lines of business get different answers *varies*: that
is not a conflict between sources. The answer rests on the decisive assertions only (those of the
winning side; all of them for a conflict): the matrix's ``×N`` counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

DECISIONS = ("covered", "conditional", "not-covered")
ANSWERS = ("covered", "not-covered", "conditional", "conflict", "varies", "unknown")
NO_DECISION = {
    "not-stated": "the source names the payer but states no coverage position",
    "source-declares-unavailable": "the source says this payer's policy data is not available",
}
_OUTCOME_ORDER = {"not-covered": 0, "covered": 1, "conditional": 2, "no-decision": 3, "not-used": 4}


@dataclass(frozen=True)
class Question:
    """What is asked: a code at a payer on a day, maybe for a diagnosis, a place of service and a
    line of business (None: not asked)."""

    code: str
    payer: str
    day: date
    diagnosis: str | None = None
    place_of_service: str | None = None
    line_of_business: str | None = None


@dataclass(frozen=True)
class Assertion:
    """One coverage assertion as the rule reads it. ``dx_relation`` and ``pos_relation`` say how
    the asked diagnosis and place of service relate to it (``not-asked`` when none was given)."""

    assertion: str
    payer: str
    status: str  # the cg:coverageStatus notation
    prior_authorization: str = "unknown"
    line_of_business: str | None = None
    effective_from: date | None = None
    effective_through: date | None = None
    supporting: int = 0  # how many diagnoses the assertion lists as supporting coverage
    dx_relation: str = "not-asked"  # not-asked | excludes | supports | not-listed | no-list
    pos_relation: str = "not-asked"  # not-asked | listed | not-listed | no-list
    documentation: str | None = None
    policy: str | None = None


@dataclass(frozen=True)
class Weighed:
    """An assertion with what it says for the question: covered | conditional | not-covered |
    no-decision | not-used, and why."""

    facts: Assertion
    outcome: str
    note: str


@dataclass(frozen=True)
class Decision:
    """The rule's answer for one code, payer and line of business (or for the payer as a whole)."""

    status: str  # one of ANSWERS
    prior_authorization: str  # required | not-required | unknown | conflict | varies
    rests_on: tuple[Weighed, ...]  # the decisive assertions the status rests on
    weighed: tuple[Weighed, ...]  # every assertion, with its outcome (used or set aside)
    reason: str  # for unknown: why; for varies: the lines of business and their answers
    line_of_business: str | None = None
    by_line_of_business: tuple[Decision, ...] = field(default=())  # for varies (and when asked without one)

    @property
    def used(self) -> tuple[Weighed, ...]:
        return tuple(w for w in self.weighed if w.outcome != "not-used")

    @property
    def not_used(self) -> tuple[Weighed, ...]:
        return tuple(w for w in self.weighed if w.outcome == "not-used")


def in_effect(facts: Assertion, day: date) -> str:
    """``in-effect``, ``expired`` or ``not-yet-effective`` on ``day``."""
    if facts.effective_through is not None and facts.effective_through < day:
        return "expired"
    if facts.effective_from is not None and facts.effective_from > day:
        return "not-yet-effective"
    return "in-effect"


def weigh(facts: Assertion, question: Question) -> Weighed:
    """What one assertion says for the question (module docstring)."""
    outcome, note = _outcome(facts, question)
    return Weighed(facts, outcome, note)


def _outcome(facts: Assertion, question: Question) -> tuple[str, str]:
    timing = in_effect(facts, question.day)
    if timing == "expired":
        return "not-used", f"not in effect on {question.day}: it ended {facts.effective_through}"
    if timing == "not-yet-effective":
        return "not-used", f"not in effect on {question.day}: it starts {facts.effective_from}"
    lob = facts.line_of_business
    if question.line_of_business and lob and lob != question.line_of_business:
        return "not-used", f"it is for {lob}, not {question.line_of_business}"
    if facts.pos_relation == "not-listed":
        return "not-used", f"it covers other places of service, not {question.place_of_service}"
    if facts.status in NO_DECISION:
        return "no-decision", NO_DECISION[facts.status]
    if facts.status in ("not-covered", "experimental"):
        return "not-covered", "not covered: experimental or investigational" if facts.status == "experimental" else "not covered"
    # covered or conditional: the diagnosis decides, where one is given and the assertion lists any
    dx = question.diagnosis
    if facts.dx_relation == "excludes":
        return "not-covered", f"diagnosis {dx} is listed as not supporting coverage"
    if facts.dx_relation == "not-listed":
        return "not-covered", f"diagnosis {dx} is not among the {facts.supporting} diagnoses that support coverage"
    place = f"; covers place of service {question.place_of_service}" if facts.pos_relation == "listed" else ""
    needs = f"; the record must show: {facts.documentation}" if facts.documentation else ""
    if facts.dx_relation == "supports":
        return ("conditional" if facts.documentation else "covered"), f"diagnosis {dx} supports coverage{needs}{place}"
    if facts.supporting:  # a list of supporting diagnoses, and none was given to check
        listed = "the one supporting diagnosis" if facts.supporting == 1 else f"one of {facts.supporting} supporting diagnoses"
        return "conditional", f"covered only with {listed} (give a diagnosis to check){needs}{place}"
    if facts.status == "conditional":
        return "conditional", f"covered when the policy's criteria are met{needs}{place}"
    return "covered", f"covered{needs}{place}"


def decide(assertions: Iterable[Assertion], question: Question) -> Decision:
    """The answer for ``question`` from every assertion about its code at its payer."""
    weighed = tuple(sorted((weigh(facts, question) for facts in assertions), key=_order))
    if question.line_of_business is not None:
        return _combine(weighed, question.line_of_business)
    # Every line of business an assertion names, in effect or not: the matrix shows each, and a
    # line whose own assertions are not in effect is answered from the rest ("unknown" if none),
    # so asked without one the check says what the matrix's cells say together.
    lines = lines_of_business(w.facts for w in weighed)
    if len(lines) <= 1:
        return _combine(weighed, lines[0] if lines else None)
    # Each line of business on its own, as if it had been asked; one answer if they agree.
    per_line = tuple(decide([w.facts for w in weighed], replace(question, line_of_business=line)) for line in lines)
    statuses = {d.status for d in per_line}
    if len(statuses) == 1:
        status = statuses.pop()
        authorizations = {d.prior_authorization for d in per_line}
        prior_auth = authorizations.pop() if len(authorizations) == 1 else "varies"
        rests_on = tuple(dict.fromkeys(w for d in per_line for w in d.rests_on))
        return Decision(status, prior_auth, rests_on, weighed, per_line[0].reason, None, per_line)
    reason = "; ".join(f"{d.line_of_business}: {d.status.replace('-', ' ')}" for d in per_line)
    rests_on = tuple(dict.fromkeys(w for d in per_line for w in d.rests_on))
    return Decision("varies", "varies", rests_on, weighed, reason, None, per_line)


def lines_of_business(assertions: Iterable[Assertion]) -> list[str]:
    """The lines of business the assertions name, sorted (those naming none apply to each)."""
    return sorted({facts.line_of_business for facts in assertions if facts.line_of_business})


def _order(weighed: Weighed) -> tuple[int, str, str, str]:
    return (_OUTCOME_ORDER[weighed.outcome], weighed.facts.payer, weighed.facts.policy or "", weighed.facts.assertion)


def _combine(weighed: Sequence[Weighed], line_of_business: str | None) -> Decision:
    used = [w for w in weighed if w.outcome != "not-used"]
    decisive = [w for w in used if w.outcome in DECISIONS]
    if not decisive:
        if used:
            reason = "the sources that apply state no decision"
        elif weighed:
            reason = "no assertion is in effect or applies"
        else:
            reason = "the graph has no coverage assertion"
        return Decision("unknown", "unknown", (), tuple(weighed), reason, line_of_business)
    outcomes = {w.outcome for w in decisive}
    if "not-covered" in outcomes and outcomes & {"covered", "conditional"}:
        status = "conflict"
    elif "not-covered" in outcomes:
        status = "not-covered"
    elif "conditional" in outcomes:
        status = "conditional"
    else:
        status = "covered"
    rests_on = decisive if status in ("conflict", "not-covered") else [w for w in decisive if w.outcome != "not-covered"]
    stated = {w.facts.prior_authorization for w in rests_on} - {"unknown"}
    prior_auth = "conflict" if len(stated) > 1 else (stated.pop() if stated else "unknown")
    return Decision(status, prior_auth, tuple(rests_on), tuple(weighed), "", line_of_business)


__all__ = ["ANSWERS", "DECISIONS", "NO_DECISION", "Assertion", "Decision", "Question", "Weighed", "decide",
           "in_effect", "lines_of_business", "weigh"]
