"""The coverage matrix and the payer disagreements: the coverage rule for every code and payer.

One store-wide query (``queries/coverage/coverage-assertions.rq``) reads every assertion; one pass
of ``rule.decide`` gives each cell, so a cell says exactly what ``coverage check`` says for its
code, payer, line of business and date (``tests/test_answers.py`` checks that on a generated
corpus plus the imports). No query per cell: the whole store is one round trip.

A cell is one code at one payer for one line of business. The lines of business are those the
payer's assertions about the code name (an assertion naming none applies to each); a payer whose
assertions name none has one cell for every line of business. Cells are the same on every date;
what changes is their status (``unknown`` when nothing is in effect that day).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, SKOS, XSD, Literal
from rdflib.term import Node

from ..query import run_query
from ..rdf.namespaces import CG
from ..rdf.terms import to_rdflib
from ..store import GraphStore, OxigraphStore
from ..tabular.cells import neutralise_formula
from . import names
from .rule import Assertion, Decision, Question, decide, lines_of_business

QUERY = "coverage-assertions"


@dataclass(frozen=True)
class MatrixCell:
    """A code's coverage at one payer for one line of business (None: the payer names none)."""

    code: str
    payer: str
    line_of_business: str | None
    status: str  # covered | conditional | not-covered | conflict | unknown (rule.ANSWERS)
    prior_authorization: str
    assertions: int  # how many assertions the status rests on (the matrix's ×N)
    reason: str = ""  # for unknown: why (no decision stated, nothing in effect)
    policies: tuple[str, ...] = ()  # the policies of the assertions the status rests on
    rests_on: tuple[str, ...] = ()  # their IRIs


@dataclass(frozen=True)
class PayerDisagreement:
    """Two payers' decided positions on one code that point opposite ways on the matrix's date."""

    code: str
    payer: str
    line_of_business: str | None
    status: str
    policies: tuple[str, ...]
    other_payer: str
    other_line_of_business: str | None
    other_status: str
    other_policies: tuple[str, ...]


@dataclass
class CoverageMatrix:
    """Every cell of the matrix on one date."""

    date: date
    cells: list[MatrixCell] = field(default_factory=list)

    @property
    def payers(self) -> list[str]:
        return sorted({cell.payer for cell in self.cells})

    @property
    def codes(self) -> list[str]:
        return sorted({cell.code for cell in self.cells})

    def cell(self, code: str, payer: str, line_of_business: str | None) -> MatrixCell | None:
        for found in self.cells:
            if (found.code, found.payer, found.line_of_business) == (code, payer, line_of_business):
                return found
        return None

    def disagreements(self) -> list[PayerDisagreement]:
        """Per code, each pair of payers where one covers it (outright or with conditions) and the
        other does not, on the matrix's date; each line of business is a position of its own."""
        found = []
        by_code: dict[str, list[MatrixCell]] = defaultdict(list)
        for cell in self.cells:
            if cell.status in ("covered", "conditional", "not-covered"):
                by_code[cell.code].append(cell)
        for code, cells in sorted(by_code.items()):
            for first in cells:
                for second in cells:
                    if first.payer < second.payer and (first.status == "not-covered") != (second.status == "not-covered"):
                        found.append(PayerDisagreement(code, first.payer, first.line_of_business, first.status, first.policies,
                                                       second.payer, second.line_of_business, second.status, second.policies))
        return found

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "cells": [asdict(cell) for cell in self.cells]}

    def render(self, fmt: str) -> str:
        """The matrix as ``text`` (a table per code), ``csv`` or ``json``."""
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(["date", "code", "payer", "line_of_business", "status", "prior_auth", "assertions", "policies", "reason"])
            for cell in self.cells:  # payer names and policy ids are other people's text: never a formula
                writer.writerow([neutralise_formula(str(value)) for value in (
                    self.date.isoformat(), cell.code, cell.payer, cell.line_of_business or "", cell.status,
                    cell.prior_authorization, cell.assertions, " ".join(cell.policies), cell.reason)])
            return buffer.getvalue()
        return render_matrix_text(self)


def render_matrix_text(matrix: CoverageMatrix) -> str:
    """One line per cell, grouped by code: payer, line of business, status, prior authorization, ×N."""
    if not matrix.cells:
        return f"coverage on {matrix.date.isoformat()}: no coverage assertions in the graph\n"
    payer_width = max(len(cell.payer) for cell in matrix.cells)
    lob_width = max(len(cell.line_of_business or "any") for cell in matrix.cells)
    lines = [f"coverage on {matrix.date.isoformat()} (×N: the assertions the status rests on; PA: prior authorization)"]
    current = None
    for cell in matrix.cells:
        if cell.code != current:
            current = cell.code
            lines += ["", f"{cell.code}"]
        status = cell.status.replace("-", " ")
        detail = f"×{cell.assertions}" if cell.assertions else cell.reason
        pa = f"  PA {cell.prior_authorization}" if cell.prior_authorization not in ("unknown",) else ""
        policies = f"  {', '.join(cell.policies)}" if cell.policies else ""
        lines.append(f"  {cell.payer:<{payer_width}}  {cell.line_of_business or 'any':<{lob_width}}  {status:<12} {detail}{pa}{policies}".rstrip())
    return "\n".join(lines) + "\n"


def _day(term: Node | None) -> date | None:
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, date) else date.fromisoformat(str(term)[:10])
    return None


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


def read_assertions(store: GraphStore, code: str | None = None) -> dict[tuple[str, str], list[Assertion]]:
    """Every coverage assertion (or those about one code), by (code, payer), as the rule reads them."""
    if code is None and isinstance(store, OxigraphStore):
        return _read_all_assertions(store.store)
    grouped: dict[tuple[str, str], list[Assertion]] = defaultdict(list)
    rows = run_query(store, QUERY, {"code": code} if code else {})
    for row in rows.as_dicts():
        facts = Assertion(
            assertion=str(row["assertion"]), payer=str(row["payer"]), status=str(row["status"]),
            prior_authorization=_text(row["prior_auth"]) or "unknown", line_of_business=_text(row["line_of_business"]),
            effective_from=_day(row["effective_from"]), effective_through=_day(row["effective_through"]),
            supporting=int(row["supporting"].toPython()) if isinstance(row["supporting"], Literal) else 0,
            policy=_text(row["policy"]),
        )
        grouped[(str(row["code"]), facts.payer)].append(facts)
    return grouped


_CG = "https://w3id.org/codegraph/ontology#"
_SCANNED = {
    "type": str(RDF.type), "notation": str(SKOS.notation), "name": "http://schema.org/name",
    **{name: _CG + name for name in ("billingCode", "payer", "coverageStatus", "priorAuthorization", "lineOfBusiness", "policyIdentifier",
                                     "effectiveFrom", "effectiveDate", "effectiveThrough", "supportingDiagnosis")},
}
_XSD_DATE = str(XSD.date)


def _read_all_assertions(store: ox.Store) -> dict[tuple[str, str], list[Assertion]]:
    """``read_assertions`` over a whole embedded store: the rows ``coverage-assertions`` gives,
    built from one scan per property instead of one join per assertion (at 10,000 pages the
    query's joins took most of the matrix's time). Each assertion gives a row for every
    combination of its values, as the query's joins and grouping do; ``tests/test_fast_paths.py``
    checks both give the same assertions."""
    scans: dict[str, dict[Any, list[Any]]] = {}
    for key, predicate in _SCANNED.items():
        found: dict[Any, list[Any]] = defaultdict(list)
        query = f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"
        if key == "type":
            query = f"SELECT ?s WHERE {{ ?s <{predicate}> <{CG.CoverageAssertion}> }}"
        solutions = store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:  # the union may repeat a triple: each value is kept once below
            found[solution[0]].append(solution[1] if key != "type" else None)
        scans[key] = found
    notation, names_of = scans["notation"], scans["name"]
    days: dict[Any, date | None] = {}

    def day(term: Any) -> date | None:
        if term is None:
            return None
        if term not in days:
            value = None
            if isinstance(term, ox.Literal) and term.datatype.value == _XSD_DATE and len(term.value) == 10:
                try:
                    value = date.fromisoformat(term.value)
                except ValueError:
                    value = None
            days[term] = value if value is not None else _day(to_rdflib(term))
        return days[term]

    def labels(nodes: list[Any]) -> list[Any]:
        """The notations of ``nodes`` (an OPTIONAL inside an OPTIONAL: a node without one gives None; no node, None)."""
        if not nodes:
            return [None]
        return [label for node in dict.fromkeys(nodes) for label in (notation.get(node) or [None])]

    grouped: dict[tuple[str, str], list[Assertion]] = defaultdict(list)
    for subject in sorted(scans["type"], key=lambda term: term.value):
        codes = [n.value for c in dict.fromkeys(scans["billingCode"].get(subject, ())) for n in notation.get(c, ())]
        payers = [n.value for p in dict.fromkeys(scans["payer"].get(subject, ())) for n in names_of.get(p, ())]
        statuses = [n.value for s in dict.fromkeys(scans["coverageStatus"].get(subject, ())) for n in notation.get(s, ())]
        if not (codes and payers and statuses):
            continue
        declared = scans["effectiveFrom"].get(subject) or scans["effectiveDate"].get(subject) or [None]
        supporting = len(set(scans["supportingDiagnosis"].get(subject, ())))
        rows = dict.fromkeys(itertools.product(
            dict.fromkeys(codes), dict.fromkeys(payers), dict.fromkeys(statuses),
            dict.fromkeys(None if t is None else (t.value or None) for t in labels(scans["priorAuthorization"].get(subject, []))),
            dict.fromkeys(None if t is None else t.value for t in labels(scans["lineOfBusiness"].get(subject, []))),
            dict.fromkeys(t.value for t in scans["policyIdentifier"].get(subject, ())) or [None],
            dict.fromkeys(day(t) for t in dict.fromkeys(declared)),
            dict.fromkeys(day(t) for t in dict.fromkeys(scans["effectiveThrough"].get(subject) or [None]))))
        for code, payer, status, prior_auth, line, policy, start, end in rows:
            grouped[(code, payer)].append(Assertion(
                assertion=subject.value, payer=payer, status=status, prior_authorization=prior_auth or "unknown",
                line_of_business=line, effective_from=start, effective_through=end, supporting=supporting, policy=policy))
    return grouped


def _cell(code: str, payer: str, decision: Decision) -> MatrixCell:
    return MatrixCell(code=code, payer=payer, line_of_business=decision.line_of_business, status=decision.status,
                      prior_authorization=decision.prior_authorization, assertions=len(decision.rests_on),
                      reason=decision.reason if decision.status == "unknown" else "",
                      policies=tuple(sorted({w.facts.policy for w in decision.rests_on if w.facts.policy})),
                      rests_on=tuple(w.facts.assertion for w in decision.rests_on))


def matrix_cells(code: str, payer: str, assertions: list[Assertion], day: date) -> list[MatrixCell]:
    """The cells of one code at one payer: one per line of business its assertions name, or one."""
    lines: list[str | None] = list(lines_of_business(assertions)) or [None]
    return [_cell(code, payer, decide(assertions, Question(code, payer, day, line_of_business=line))) for line in lines]


def coverage_matrix(store: GraphStore, *, on: date | None = None, code: str | None = None, payer: str | None = None) -> CoverageMatrix:
    """The coverage matrix on ``on`` (default today): every code × payer × line of business, or
    those of one code and/or payer. A code or payer the graph does not hold is refused
    (``UnknownCodeError``, ``UnknownPayerError``, with the closest ones)."""
    day = on or date.today()
    notation = code.strip().upper() if code else None
    if notation is not None:
        names.require_code(store, notation)
    wanted = None
    if payer is not None:
        from ..errors import CellProblem, QueryError
        from ..imports.fields import payer_name

        try:
            wanted = payer_name("payer", payer)
        except CellProblem as problem:
            raise QueryError(f"payer: {problem.reason}") from None
        names.require_payer(store, wanted)
    matrix = CoverageMatrix(day)
    if notation is None:  # every code: from the files kept beside an embedded store, where current (table.py)
        from .table import whole_matrix

        matrix.cells = [cell for cell in whole_matrix(store, day) if wanted is None or cell.payer.casefold() == wanted.casefold()]
        return matrix
    for (cell_code, cell_payer), assertions in sorted(read_assertions(store, notation).items()):
        if wanted is None or cell_payer.casefold() == wanted.casefold():
            matrix.cells.extend(matrix_cells(cell_code, cell_payer, assertions, day))
    return matrix


__all__ = ["CoverageMatrix", "MatrixCell", "PayerDisagreement", "coverage_matrix", "matrix_cells", "read_assertions",
           "render_matrix_text"]
