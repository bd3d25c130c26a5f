"""The site's content: the query library's answers, as plain dataclasses, one ``CodePage`` per code.

Everything a page shows comes from the graph through ``queries/site/*.rq`` and the coverage
matrix (``coverage/matrix.py``: the rule ``coverage check`` applies, on the report's as-of date),
run on whatever store the caller opened, and from the SHACL report, never from the extractor's
objects or the documents on disk: a site built from a remote endpoint shows what one built from a
file does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from ..collector import paused_cycle_collection
from ..coverage.matrix import MatrixCell, coverage_matrix
from ..store import GraphStore
from ..validate import Finding, ValidationReport
from .rows import catalog_rows


@dataclass(frozen=True)
class Span:
    """One ``cg:Evidence``: where in which document a fact was read."""

    key: str  # the HTML id of the span on its code page: "ev-<sha256 prefix>-<start>-<end>"
    evidence: str  # the cg:Evidence IRI
    document: str  # the cg:SourceDocument IRI
    path: str
    start: int
    end: int
    line: int
    section: str
    quote: str


@dataclass
class SourceDocument:
    """A document a code page quotes: an overview page, or an imported table."""

    iri: str
    path: str
    sha256: str
    is_page: bool  # an overview page describing the code (else a table coverage was imported from)
    spans: list[Span] = field(default_factory=list)
    cut_kind: str | None = None  # the page reached us cut off: mid-word, mid-sentence, mid-row, mid-heading
    cut_line: int | None = None  # the line the cut falls on


@dataclass(frozen=True)
class Fact:
    """One fact on a code page: its facet, value and the evidence it was read from."""
    facet: str  # a key of site-code-facts.rq: title, step, anatomy, ...
    fact: str  # the fact node's IRI
    value: str
    detail: str | None = None
    note: str | None = None
    link: str | None = None  # an IRI the fact points at (UBERON term, ICD-10-CM code, related code)
    order: int | None = None
    asserted: bool | None = None
    span: Span | None = None
    cut_off: bool = False  # the end of the page interrupts the value: what was read is kept, incomplete


@dataclass
class Structure:
    """An anatomical structure a code's pages name, once, with a span in each page that names it."""

    link: str | None
    label: str
    spans: list[Span] = field(default_factory=list)
    cut_off: bool = False


@dataclass(frozen=True)
class CoverageRow:
    """One coverage assertion about the code, from a page or an import."""

    assertion: str
    payer: str
    status: str
    status_label: str
    prior_auth: str | None
    line_of_business: str | None
    policy: str | None
    policy_title: str | None
    policy_url: str | None
    effective_from: str | None
    effective_through: str | None
    spans: tuple[Span, ...] = ()


@dataclass
class CodePage:
    """Everything a code's page shows: its facts, coverage, gaps and sources."""
    iri: str
    code: str
    system: str | None
    category: str | None
    title: str | None
    document_count: int
    file_name: str  # the page's name under codes/, safe whatever the notation holds
    facts: list[Fact] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    gaps: list[Finding] = field(default_factory=list)
    sources: list[SourceDocument] = field(default_factory=list)
    matrix: list[MatrixCell] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.system} {self.code}" if self.system else self.code

    def facts_of(self, facet: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.facet == facet]

    def steps_by_document(self) -> list[tuple[SourceDocument | None, list[Fact]]]:
        """The procedure steps, each source document's in its own order: two pages' steps are two
        procedures as written, never interleaved (1, 1, 2, 2, ...)."""
        groups: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts_of("step"):
            groups[fact.span.document if fact.span else ""].append(fact)
        documents = {document.iri: document for document in self.sources}
        ordered = sorted(groups.items(), key=lambda item: (documents[item[0]].path if item[0] in documents else "", item[0]))
        return [(documents.get(iri), sorted(steps, key=lambda f: (f.order if f.order is not None else 0, f.value)))
                for iri, steps in ordered]

    def anatomy_by_structure(self) -> list[Structure]:
        """Each anatomical structure once, with every source that names it."""
        structures: dict[str, Structure] = {}
        for fact in self.facts_of("anatomy"):
            key = fact.link or fact.value
            found = structures.setdefault(key, Structure(fact.link, fact.value))
            if fact.span is not None and all(span.document != fact.span.document for span in found.spans):
                found.spans.append(fact.span)
            found.cut_off = found.cut_off or fact.cut_off
        for structure in structures.values():
            structure.spans.sort(key=lambda span: (span.path, span.start))
        return sorted(structures.values(), key=lambda s: (s.label.casefold(), s.link or ""))

    def gap_counts(self) -> dict[str, int]:
        counts = {"violation": 0, "warning": 0, "info": 0}
        for finding in self.gaps:
            counts[finding.severity] += 1
        return counts

    def span_of_node(self, iri: str) -> Span | None:
        """The evidence of a fact or coverage assertion on this page (to link a finding to it)."""
        for fact in self.facts:
            if fact.fact == iri and fact.span is not None:
                return fact.span
        for row in self.coverage:
            if row.assertion == iri and row.spans:
                return row.spans[0]
        return None


@dataclass
class SiteData:
    """What the site is built from: every code page, the coverage matrix and the report."""
    codes: list[CodePage]
    matrix: list[MatrixCell]
    report: ValidationReport
    matrix_date: date

    @property
    def payers(self) -> list[str]:
        return sorted({cell.payer for cell in self.matrix})

    def page_for_iri(self, iri: str) -> CodePage | None:
        for page in self.codes:
            if page.iri == iri:
                return page
        return None


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _int(term: Node | None) -> int | None:
    if term is None:
        return None
    value = term.toPython() if isinstance(term, Literal) else term
    return int(str(value))


def _bool(term: Node | None) -> bool | None:
    if term is None:
        return None
    value = term.toPython() if isinstance(term, Literal) else term
    return value if isinstance(value, bool) else str(value).lower() == "true"


def span_key(sha256: str, start: int, end: int) -> str:
    """A span's HTML id: stable across builds, unique on a page (the document by its checksum)."""
    prefix = re.sub(r"[^0-9a-zA-Z]", "", sha256)[:12] or "doc"
    return f"ev-{prefix}-{start}-{end}"


def _file_name(system: str | None, code: str, taken: set[str]) -> str:
    # Notations are data: keep letters, digits, '-' and '_' only, so no name can leave codes/.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", f"{system}-{code}" if system else code).strip("_") or "code"
    name, number = f"{stem}.html", 2
    while name.lower() in taken:
        name, number = f"{stem}-{number}.html", number + 1
    taken.add(name.lower())
    return name


def _read_spans(store: GraphStore, coverage_rows: list[dict[str, Any]]
                ) -> tuple[dict[tuple[str, str], Span], dict[tuple[str, str], SourceDocument]]:
    """Each code's evidence spans and the documents they lie in, keyed by (code notation, IRI): every
    span of a page that describes the code, and the spans its coverage assertions were read from
    (rows of an imported table). Read as three flat store-wide queries joined here: the spans once
    each (site-spans), the documents (site-documents) and the coverage rows' evidence, where one
    query joining each span to its code (site-evidence, same rows) costs three times as long."""
    described: dict[str, list[str]] = defaultdict(list)  # document IRI -> notations of the codes it describes
    known: dict[str, tuple[str, str, str | None, int | None]] = {}  # document IRI -> path, sha256, cut kind and line
    for row in catalog_rows(store, "site-documents"):
        document = str(row["document"])
        found = (str(row["path"]), str(row["sha256"]), _text(row["cut_kind"]), _int(row["cut_line"]))
        if document not in known or _order_key(found) < _order_key(known[document]):  # one, whatever the row order
            known[document] = found
        if row["code"] is not None and str(row["code"]) not in described[document]:
            described[document].append(str(row["code"]))
    by_evidence: dict[str, list[Span]] = defaultdict(list)
    for row in catalog_rows(store, "site-spans"):
        document = str(row["document"])
        if document not in known:  # a document without path or checksum: not one a page can show
            continue
        start, end = _int(row["start"]) or 0, _int(row["end"]) or 0
        by_evidence[str(row["evidence"])].append(
            Span(key=span_key(known[document][1], start, end), evidence=str(row["evidence"]), document=document,
                 path=known[document][0], start=start, end=end, line=_int(row["line"]) or 0, section=str(row["section"]),
                 quote=str(row["quote"])))
    imported: dict[str, list[str]] = defaultdict(list)  # evidence IRI -> notations of the codes its assertions are about
    for row in coverage_rows:
        imported[str(row["evidence"])].append(str(row["code"]))

    spans: dict[tuple[str, str], Span] = {}  # (code, evidence IRI) -> span
    documents: dict[tuple[str, str], SourceDocument] = {}  # (code, document IRI) -> document
    listed: set[tuple[str, Span]] = set()

    def add(code: str, span: Span) -> None:
        spans[(code, span.evidence)] = span
        key = (code, span.document)
        if key not in documents:
            path, sha256, cut_kind, cut_line = known[span.document]
            documents[key] = SourceDocument(span.document, path, sha256, False, cut_kind=cut_kind, cut_line=cut_line)
        if (code, span) not in listed:
            listed.add((code, span))
            documents[key].spans.append(span)

    for evidence in sorted(by_evidence):
        for span in sorted(by_evidence[evidence], key=lambda s: (s.start, s.end, s.line, s.section, s.quote)):
            for code in described.get(span.document, []):
                add(code, span)
            for code in imported.get(evidence, []):
                add(code, span)
    return spans, documents


def _order_key(found: tuple[str, str, str | None, int | None]) -> tuple[str, str, str, int]:
    return found[0], found[1], found[2] or "", found[3] if found[3] is not None else -1


def collect_site_data(store: GraphStore, report: ValidationReport, on: date | None = None) -> SiteData:
    """Run the site's queries once each (for every code at once) and sort the rows into pages. The
    coverage matrix is for ``on`` (default: the report's as-of date, else today)."""
    # Millions of rows, terms and page objects, none in a cycle: each full collection walked them
    # all again (10,000 pages: 53 s of CPU with the collector, 38 s without).
    with paused_cycle_collection():
        return _collect_site_data(store, report, on)


def _collect_site_data(store: GraphStore, report: ValidationReport, on: date | None) -> SiteData:
    taken: set[str] = set()
    pages: dict[str, CodePage] = {}
    for row in catalog_rows(store, "site-codes"):
        code = str(row["code"])
        system = _text(row["system"])
        page = CodePage(iri=str(row["code_iri"]), code=code, system=system, category=_text(row["category"]),
                        title=_text(row["title"]), document_count=_int(row["documents"]) or 0,
                        file_name=_file_name(system, code, taken))
        pages[page.iri] = page
    by_notation: dict[str, list[CodePage]] = defaultdict(list)
    for page in pages.values():
        by_notation[page.code].append(page)

    spans, documents = _read_spans(store, coverage_rows := catalog_rows(store, "site-code-coverage"))

    for row in catalog_rows(store, "site-code-facts"):
        code = str(row["code"])
        found = spans.get((code, str(row["evidence"])))
        fact = Fact(facet=str(row["facet"]), fact=str(row["fact"]), value=str(row["value"]), detail=_text(row["detail"]),
                    note=_text(row["note"]), link=_text(row["link"]), order=_int(row["order"]),
                    asserted=_bool(row["asserted"]), span=found, cut_off=_bool(row["cut_off"]) is True)
        for page in by_notation.get(code, []):
            page.facts.append(fact)
        if found is not None:  # a document a fact was read from is a page about the code
            documents[(code, found.document)].is_page = True

    assertions: dict[tuple[str, str], dict[str, Any]] = {}
    for row in coverage_rows:
        code, assertion = str(row["code"]), str(row["assertion"])
        entry = assertions.setdefault((code, assertion), {"row": row, "spans": []})
        found = spans.get((code, str(row["evidence"])))
        if found is not None and found not in entry["spans"]:
            entry["spans"].append(found)
    for (code, assertion), entry in assertions.items():
        row = entry["row"]
        coverage = CoverageRow(
            assertion=assertion, payer=str(row["payer"]), status=str(row["status"]),
            status_label=_text(row["status_label"]) or str(row["status"]), prior_auth=_text(row["prior_auth"]),
            line_of_business=_text(row["line_of_business"]), policy=_text(row["policy"]),
            policy_title=_text(row["policy_title"]), policy_url=_text(row["policy_url"]),
            effective_from=_text(row["effective_from"]), effective_through=_text(row["effective_through"]),
            spans=tuple(sorted(entry["spans"], key=lambda s: (s.path, s.start, s.end))),
        )
        for page in by_notation.get(code, []):
            page.coverage.append(coverage)

    matrix_date = on or report.as_of or date.today()
    matrix = coverage_matrix(store, on=matrix_date).cells
    for cell in matrix:
        for page in by_notation.get(cell.code, []):
            page.matrix.append(cell)
    for finding in report.findings:
        for page in by_notation.get(finding.code or "", []):
            page.gaps.append(finding)

    for (code, _iri), document in documents.items():
        document.spans.sort(key=lambda s: (s.start, -s.end, s.evidence))
        for page in by_notation.get(code, []):
            page.sources.append(document)
    for page in pages.values():
        page.facts.sort(key=lambda f: (f.facet, f.order if f.order is not None else -1,
                                       f.span.path if f.span else "", f.span.start if f.span else -1, f.value, f.detail or ""))
        page.coverage.sort(key=lambda c: (c.payer, c.line_of_business or "", c.policy or "", c.status,
                                          c.spans[0].path if c.spans else "", c.spans[0].start if c.spans else -1))
        page.sources.sort(key=lambda d: (not d.is_page, d.path, d.sha256, d.iri))
    codes = sorted(pages.values(), key=lambda p: (p.code, p.system or ""))
    return SiteData(codes=codes, matrix=matrix, report=report, matrix_date=matrix_date)
