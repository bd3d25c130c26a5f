"""Run the shapes over a graph with the chosen engine and turn the results into ``Finding``s.

The engine checks the caller's triples plus the ontology (its subclass axioms drive
``sh:targetClass``, its facet definitions the completeness constraints) plus the reference code
sets (so place-of-service codes and modifiers can be checked). The run's as-of date is a parameter
of the shapes (``shapes.shapes_for_run``), never a triple added to the data. The caller's graph is
never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from functools import cache, partial
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from ..rdf.namespaces import CG
from ..rdf.terms import rdflib_terms, to_oxigraph
from ..store import OxigraphStore
from ..store.base import GraphStore, union_graph
from ..vocab import available_schemes, scheme_graph
from .engines import DEFAULT, EngineResult, ValidationData, resolve, run_engine
from .engines.pyshacl_engine import NAME as PYSHACL
from .native import run_store_wide, store_wide_shapes
from .partition import validate_parts
from .reads import store_input
from .report import Finding, ValidationReport
from .shapes import CGSH, SH, node_shapes, ontology_graph, owner_shape, shapes_for_run, shapes_graph, shapes_without

_SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}

# The facet a finding is filed under in the reports, when its path is not a facet property.
_FACET_BY_PATH = {
    CG.procedureStep: "procedure steps",
    CG.namesPayer: "payer policies",
    CG.declaredUnavailable: "unavailable data",
    SKOS.notation: "code",
    SKOS.inScheme: "code",
    CG.sunsetDate: "code",
}
_FACET_BY_CLASS = {
    CG.CoverageAssertion: "payer policies",
    CG.PolicyDocument: "payer policies",
    CG.ProcedureStep: "procedure steps",
    CG.SiteOfServiceFact: "site of service",
    CG.AnatomicalTarget: "anatomical target",
    CG.ModifierUsage: "modifiers",
    CG.TaxonomyMapping: "provider taxonomies",
    CG.DiagnosisMapping: "ICD-10 mappings",
    CG.RelatedCodeLink: "related codes",
    CG.ClinicalConceptMention: "clinical concepts",
    CG.CodeOverview: "code",
    CG.ServiceTypeFact: "service type",
    CG.UnavailableDeclaration: "unavailable data",
    CG.Evidence: "provenance",
    CG.SourceDocument: "provenance",
    CG.BillingCode: "code",
}


def validation_data(source: Dataset | Graph) -> ValidationData:
    """What the engines check for ``source``: it, the ontology and the code sets."""
    reference = [ontology_graph()] + [scheme_graph(name) for name in available_schemes()]
    return ValidationData([source, *reference])


def validate_store(store: GraphStore, engine: str = DEFAULT, as_of: date | None = None, jobs: int | None = None,
                   progress: Callable[[int, int, str], None] | None = None) -> ValidationReport:
    """Check everything in a store. The data goes to the engine as the store's own N-Triples
    dump, and findings are placed (code, facet) by looking in the store, so no rdflib copy of
    the store is built: at 1,000 pages that copy alone took 10.8 s of a 20 s run.

    A store of several thousand pages is checked in parts on ``jobs`` cores (default: all;
    ``validate/partition.py``) when it can make a checkpoint; ``jobs=1`` checks it whole.
    ``progress`` hears ``(parts done, parts, part)`` as the parts finish."""
    day = as_of or date.today()
    reference = [ontology_graph()] + [scheme_graph(name) for name in available_schemes()]
    shapes = shapes_for_run(day)
    # The fast engine leaves the shapes best checked as one query over the whole store to that
    # query (validate/native.py); pySHACL, the reference, checks every shape itself.
    done = store_wide_shapes(store, shapes, reference) if resolve(engine) != PYSHACL else []
    remaining = shapes_without(shapes, done) if done else shapes
    native: list[EngineResult] = []
    queried: list[bool] = []

    def query() -> None:
        native.extend(run_store_wide(store, shapes, done))
        queried.append(True)

    # In parts, the queries run in this process while the parts are checked in others.
    results = validate_parts(store, reference, day, engine, jobs, progress, shapes=remaining, meanwhile=query) if jobs != 1 else None
    if not queried:
        query()
    if results is None:
        results = run_engine(engine, ValidationData(reference, ntriples=[store_input(store, remaining, engine, reference)]), remaining)
    return _report(results + native, StoreView(store), engine, day)


class StoreView:
    """The few rdflib ``Graph`` reading methods that place a finding (``value``, ``subjects``,
    ``objects``, ``in``), answered by point lookups in a store over the union of its graphs."""

    def __init__(self, store: GraphStore):
        self._store = store
        # An embedded store is asked directly, and only the term asked for becomes an rdflib term
        # (its ``quads`` makes all four: at 10,000 pages most of the time spent placing findings).
        self._oxigraph = store.store if isinstance(store, OxigraphStore) else None
        # Findings share their documents, evidence and codes: each lookup is made once per report,
        # and each term converted once (at 10,000 pages the conversions were a third of the time).
        self._values: dict[tuple[Node, Node], Node | None] = {}
        self._contains: dict[tuple[Node, Node, Node], bool] = {}
        self._to_oxigraph = cache(to_oxigraph)
        self._to_rdflib = rdflib_terms()

    def _quads(self, subject: Node | None, predicate: Node | None, obj: Node | None) -> Iterator[ox.Quad]:
        """The embedded store's quads in named graphs (those ``GraphStore.quads`` gives)."""
        assert self._oxigraph is not None
        pattern: list[Any] = [None if term is None else self._to_oxigraph(term) for term in (subject, predicate, obj)]
        for quad in self._oxigraph.quads_for_pattern(pattern[0], pattern[1], pattern[2], None):
            if isinstance(quad.graph_name, ox.NamedNode):
                yield quad

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        if triple not in self._contains:
            if self._oxigraph is not None:
                self._contains[triple] = next(self._quads(*triple), None) is not None
            else:
                self._contains[triple] = next(self._store.quads(*triple), None) is not None
        return self._contains[triple]

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of ``subject predicate`` (the least, so the answer does not depend on
        store order), or None."""
        key = (subject, predicate)
        if key not in self._values:
            objects = set(self.objects(subject, predicate))
            if len(objects) > 1:
                self._values[key] = min(objects, key=lambda term: term.n3())
            else:
                self._values[key] = objects.pop() if objects else None
        return self._values[key]

    def objects(self, subject: Node, predicate: Node | None) -> Iterator[Node]:
        if self._oxigraph is not None:
            for quad in self._quads(subject, predicate, None):
                yield self._to_rdflib(quad.object)
            return
        for _s, _p, o, _g in self._store.quads(subject, predicate, None):
            yield o

    def subjects(self, predicate: Node | None, obj: Node) -> Iterator[Node]:
        if self._oxigraph is not None:
            for quad in self._quads(None, predicate, obj):
                yield self._to_rdflib(quad.subject)
            return
        for s, _p, _o, _g in self._store.quads(None, predicate, obj):
            yield s


def validate_dataset(dataset: Dataset | Graph, engine: str = DEFAULT, as_of: date | None = None) -> ValidationReport:
    """Check ``dataset`` against the shapes with ``engine`` ("fast", "pyshacl", "shifty").

    ``as_of`` is the date time-dependent shapes judge against (a code past its sunset date);
    default today. The report states both, so a run can be repeated.
    """
    day = as_of or date.today()
    results = run_engine(engine, validation_data(dataset), shapes_for_run(day))
    return _report(results, _lookup_graph(dataset), engine, day)


def _report(results: list[EngineResult], lookup: Graph | StoreView, engine: str, day: date) -> ValidationReport:
    shapes = shapes_graph()
    facets = _facet_labels()
    placed = _Placed(shapes, lookup, facets)
    findings = [_finding(result, placed) for result in results]
    findings.sort(key=lambda f: (f.code or "", -f.severity_rank, f.shape, f.focus_node, f.path or "", f.message, f.value or ""))
    return ValidationReport(findings=findings, results_graph_source=lambda: report_graph(results), as_of=day, engine=resolve(engine),
                            engine_results=results)


class _Placed:
    """Where findings go (level, document and line; code; facet; owner shape), worked out once per
    focus node, path and shape: a report has many findings per node (a code, an assertion) and
    every lookup in a large store costs tens of microseconds."""

    def __init__(self, shapes: Graph, lookup: Graph | StoreView, facets: dict[Node, str]):
        self.place = cache(partial(_place, lookup))
        self.code = cache(partial(_code_of, lookup))
        self.facet = cache(lambda focus, path: _facet_of(lookup, focus, path, facets))
        self.owner = cache(partial(owner_shape, shapes))


def _finding(result: EngineResult, placed: _Placed) -> Finding:
    owner = placed.owner(result.source_shape)
    path = result.path
    level, document, line = placed.place(result.focus)
    return Finding(
        severity=_SEVERITIES.get(result.severity, "violation"),
        focus_node=str(result.focus),
        path=str(path) if isinstance(path, URIRef) else (path.n3() if path is not None else None),
        shape=str(owner),
        component=str(result.component),
        message=result.message,
        value=str(result.value) if result.value is not None else None,
        code=placed.code(result.focus),
        facet=placed.facet(result.focus, path),
        source_shape=str(result.source_shape) if result.source_shape != owner else None,
        level=level,
        document=document,
        line=line,
    )


def _place(data: Graph | StoreView, focus: Node) -> tuple[str, str | None, int | None]:
    """(level, document, line) of a focus node: a code is judged over all its sources ("code");
    anything else was read from one document, named by its file or URL, with the line where the
    focus is a fact, a statement or a span."""
    if (focus, RDF.type, CG.BillingCode) in data:
        return "code", None, None
    path = data.value(focus, CG.sourcePath)
    if path is not None:  # a document
        return "document", str(path), None
    evidence = focus if data.value(focus, CG.inDocument) is not None else data.value(focus, CG.evidence)
    if evidence is None:
        return "document", None, None
    document = data.value(evidence, CG.inDocument)
    named = (data.value(document, CG.sourcePath) or data.value(document, CG.sourceKey) or document) if document is not None else None
    line = data.value(evidence, CG.line)
    return "document", str(named) if named is not None else None, int(line.toPython()) if isinstance(line, Literal) else None


def _lookup_graph(dataset: Dataset | Graph) -> Graph:
    """A view of the caller's graph that sees every named graph (for grouping findings)."""
    if isinstance(dataset, Dataset) and not dataset.default_union:
        return union_graph(dataset)
    return dataset


def _code_of(data: Graph | StoreView, focus: Node, depth: int = 0) -> str | None:
    """The notation of the code a focus node belongs to: itself, the code it is about, the code a
    document describes, or (for evidence and facts) the code that points at it."""
    if (focus, RDF.type, CG.BillingCode) in data:
        return str(data.value(focus, SKOS.notation) or focus)
    code = data.value(focus, CG.billingCode) or data.value(focus, CG.describesCode)
    if code is not None:
        return str(data.value(code, SKOS.notation) or code)
    if depth < 2:
        for subject in sorted(data.subjects(None, focus), key=str):
            if not isinstance(subject, BNode):
                found = _code_of(data, subject, depth + 1)
                if found is not None:
                    return found
    return None


def _facet_labels() -> dict[Node, str]:
    """facet property -> the facet's label, from the ontology (cg:modifierUsage -> "modifiers")."""
    ontology = ontology_graph()
    return {prop: str(ontology.value(facet, SKOS.prefLabel)) for facet, prop in ontology.subject_objects(CG.facetProperty)}


def _facet_of(data: Graph | StoreView, focus: Node, path: Node | None, facets: dict[Node, str]) -> str:
    if path in facets:
        return facets[path]
    if isinstance(path, URIRef) and path in _FACET_BY_PATH:
        return _FACET_BY_PATH[path]
    for kind in sorted(data.objects(focus, RDF.type), key=str):
        if isinstance(kind, URIRef) and kind in _FACET_BY_CLASS:
            return _FACET_BY_CLASS[kind]
    return "other"


def report_graph(results: list[EngineResult]) -> Graph:
    """The standard ``sh:ValidationReport`` of ``results`` (whichever engine made them)."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("cgsh", CGSH)
    report = BNode("report")
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not results)))  # SHACL 3.6: false whenever there is a result, of any severity
    for number, result in enumerate(sorted(results, key=EngineResult.key), start=1):
        node = BNode(f"result{number}")
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus))
        graph.add((node, SH.resultSeverity, result.severity))
        graph.add((node, SH.sourceShape, result.source_shape))
        graph.add((node, SH.sourceConstraintComponent, result.component))
        if result.path is not None:
            graph.add((node, SH.resultPath, result.path))
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        if result.message:
            graph.add((node, SH.resultMessage, Literal(result.message)))
    return graph


__all__ = ["node_shapes", "ontology_graph", "report_graph", "shapes_for_run", "shapes_graph", "validate_dataset", "validation_data"]
