"""The reference graphs every build carries: the ontology and the shipped code sets, each in a
named graph of its own (the large ICD-10-CM scheme is separate and optional: ``vocab/icd10cm.py``)."""

from __future__ import annotations

from functools import cache

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from .rdf.iris import ONTOLOGY_GRAPH
from .rdf.terms import nquad_line
from .validate.shapes import ontology_graph
from .vocab import available_schemes, scheme_graph


def reference_graphs() -> dict[URIRef, Graph]:
    """The ontology and the shipped code sets, by named graph. The ontology's blank nodes (its
    OWL axioms and lists) get canonical labels, so every build writes the same bytes."""
    graphs: dict[URIRef, Graph] = {ONTOLOGY_GRAPH: to_canonical_graph(ontology_graph())}
    for name in available_schemes():
        graph = scheme_graph(name)
        graphs[URIRef(str(graph.identifier))] = graph
    return graphs


@cache
def reference_nquads() -> dict[URIRef, list[str]]:
    """Each reference graph's N-Quads lines, sorted (cached: they never change in a run)."""
    return {name: sorted({nquad_line(s, p, o, name) for s, p, o in graph}) for name, graph in reference_graphs().items()}
