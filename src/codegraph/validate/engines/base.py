"""What every engine is given and what it gives back, so the engines are interchangeable.

An engine is a function ``validate(data: ValidationData, shapes: Graph) -> list[EngineResult]``.
``ValidationData`` holds the graphs to check and hands each engine the form it reads best (an
rdflib graph for pySHACL, N-Triples bytes for a native engine), built only when asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ...errors import EngineError
from ...rdf.terms import nt_term
from ..shapes import SH

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class EngineResult:
    """One ``sh:ValidationResult``, as terms. ``source_shape`` is the shape that produced it (a
    property shape for core constraints on a path, the node shape for SPARQL constraints)."""

    focus: Node
    path: Node | None
    value: Node | None
    source_shape: Node
    severity: URIRef
    component: URIRef
    message: str

    def key(self) -> tuple[str, str, str, str]:
        """What two engines must agree on: focus node, path, shape and severity."""
        return (str(self.focus), str(self.path or ""), str(self.source_shape), str(self.severity))


class ValidationData:
    """The graphs one validation run checks, unioned: the caller's graph or dataset, the ontology
    and code sets, and extra triples (the run's as-of date). Nothing here changes the caller's graph."""

    def __init__(self, sources: Iterable[Dataset | Graph], extra: Iterable[Triple] = (), ntriples: Iterable[bytes] = ()):
        self.sources = list(sources)
        self.extra = list(extra)
        # Data already in N-Triples (a store's dump): handed to a native engine as it is, and
        # parsed only for an engine that needs an rdflib graph.
        self.raw_ntriples = list(ntriples)

    def triples(self) -> Iterator[Triple]:
        """Every triple of every source (a triple in several graphs comes once per graph)."""
        for source in self.sources:
            if isinstance(source, Dataset):
                for s, p, o, _g in source.quads((None, None, None, None)):
                    yield s, p, o
            else:
                yield from source
        yield from self.extra

    def graph(self, into: Graph | None = None) -> Graph:
        """The union as one rdflib graph (``into``, or a new ``Graph``)."""
        target = Graph() if into is None else into
        add = target.add
        for triple in self.triples():
            add(triple)
        for blob in self.raw_ntriples:
            target.parse(data=blob, format="nt")
        return target

    def ntriples(self) -> bytes:
        """The union as N-Triples (duplicates are harmless: a graph is a set)."""
        written = "".join(f"{s.n3()} {p.n3()} {nt_term(o)} .\n" for s, p, o in self.triples()).encode("utf-8")
        return b"".join([written, *self.raw_ntriples])


def results_from_ntriples(report: bytes | str) -> list[EngineResult]:
    """``results_from_report`` of a report given as N-Triples, read by pyoxigraph (no rdflib
    graph: at 1,000 pages rdflib took several seconds to parse a report). A blank node gets one
    rdflib blank node per label, as rdflib's parser gives it."""
    import pyoxigraph as ox

    from ...rdf.terms import to_rdflib

    blanks: dict[str, BNode] = {}

    def term(node: Any) -> Node:
        if isinstance(node, ox.BlankNode):
            return blanks.setdefault(node.value, BNode())
        return to_rdflib(node)

    data = report.encode("utf-8") if isinstance(report, str) else report
    described: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for triple in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        described[term(triple.subject)][term(triple.predicate)].append(term(triple.object))
    results = []
    for result in dict.fromkeys(value for predicates in described.values() for value in predicates.get(SH.result, ())):
        facts = described.get(result, {})

        def one(predicate: Node, facts: dict[Node, list[Node]] = facts) -> Node | None:
            return facts[predicate][0] if facts.get(predicate) else None

        message, focus, shape = one(SH.resultMessage), one(SH.focusNode), one(SH.sourceShape)
        severity, component = one(SH.resultSeverity), one(SH.sourceConstraintComponent)
        if focus is None or shape is None or not isinstance(severity, URIRef) or not isinstance(component, URIRef):
            raise EngineError(f"the engine's report has a result without focus node, shape, severity or component: {result}")
        results.append(EngineResult(focus=focus, path=one(SH.resultPath), value=one(SH.value), source_shape=shape, severity=severity,
                                    component=component, message=str(message) if isinstance(message, Literal) else ""))
    return results


def results_from_report(report: Graph) -> list[EngineResult]:
    """The results of a W3C ``sh:ValidationReport`` graph: those the report lists (``sh:result``);
    results nested in them as ``sh:detail`` (pySHACL's, for ``sh:node``) explain a result, they are
    not findings of their own."""
    results = []
    for result in set(report.objects(None, SH.result)):
        message = report.value(result, SH.resultMessage)
        focus, shape = report.value(result, SH.focusNode), report.value(result, SH.sourceShape)
        severity, component = report.value(result, SH.resultSeverity), report.value(result, SH.sourceConstraintComponent)
        if focus is None or shape is None or not isinstance(severity, URIRef) or not isinstance(component, URIRef):
            raise EngineError(f"the engine's report has a result without focus node, shape, severity or component: {result}")
        results.append(
            EngineResult(
                focus=focus,
                path=report.value(result, SH.resultPath),
                value=report.value(result, SH.value),
                source_shape=shape,
                severity=severity,
                component=component,
                message=str(message) if isinstance(message, Literal) else "",
            )
        )
    return results
