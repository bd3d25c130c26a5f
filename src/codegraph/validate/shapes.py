"""The shapes library (``ontology/shapes/*.ttl``) and the ontology the shapes rely on, loaded once.

Every shape has a stable IRI, property shapes included, so a finding can be traced to its node
shape whichever engine produced it (a blank-node property shape would have a different label in
every engine's report).

A run's as-of date is a parameter of the shapes, not a triple in the data: ``shapes_for_run``
gives the library with ``cgsh:asOf`` set on the shapes that judge against a day (the sunset shape).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..errors import ResourceError
from ..resources import ontology_file, shapes_dir

SH = Namespace("http://www.w3.org/ns/shacl#")
CGSH = Namespace("https://w3id.org/codegraph/shapes#")
AS_OF_SHAPES = (CGSH["SunsetCodeShape-passed"],)
"""The shapes whose ``cgsh:asOf`` parameter is the run's as-of date (``ontology/shapes/consistency.ttl``)."""


@cache
def ontology_graph() -> Graph:
    """The ontology as an rdflib graph (cached: treat as read-only)."""
    path = ontology_file()
    if not path.is_file():
        raise ResourceError(f"{path} is missing: reinstall codegraph")
    return Graph().parse(path, format="turtle")


@cache
def shapes_graph() -> Graph:
    """Every shapes file, in one graph (cached: treat as read-only)."""
    files = sorted(shapes_dir().glob("*.ttl"))
    if not files:
        raise ResourceError(f"no shapes in {shapes_dir()}: reinstall codegraph")
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=4)
def shapes_for_run(as_of: date) -> Graph:
    """The shapes library with the run's as-of date set on the shapes that need one (cached per
    day: treat as read-only)."""
    graph = Graph()
    for triple in shapes_graph():
        graph.add(triple)
    day = Literal(as_of.isoformat(), datatype=XSD.date)
    for shape in AS_OF_SHAPES:
        graph.add((shape, CGSH.asOf, day))
    return graph


def node_shapes(shapes: Graph) -> list[URIRef]:
    """The node shapes, sorted: the units findings are reported under and engines are routed by."""
    return sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def owner_shape(shapes: Graph, shape: Node) -> Node:
    """The node shape a property shape belongs to (itself for a node shape)."""
    owner = shapes.value(predicate=SH.property, object=shape)
    return owner if owner is not None else shape


def shapes_without(shapes: Graph, drop: Iterable[URIRef]) -> Graph:
    """A copy of ``shapes`` without the node shapes ``drop`` (their own triples and their blank-node
    constraints); everything else, shapes they refer to included, stays as it is."""
    removed: set[Node] = set()
    pending: list[Node] = list(drop)
    while pending:
        node = pending.pop()
        if node in removed:
            continue
        removed.add(node)
        pending.extend(value for value in shapes.objects(node, None) if isinstance(value, BNode))
    kept = Graph()
    for prefix, namespace in shapes.namespaces():
        kept.bind(prefix, namespace)
    for triple in shapes:
        if triple[0] not in removed:
            kept.add(triple)
    return kept


def shapes_subset(shapes: Graph, keep: Iterable[URIRef]) -> Graph:
    """A shapes graph holding only the node shapes ``keep`` (with their property shapes and SPARQL
    constraints) and the prefix declarations their queries use."""
    subset = Graph()
    seen: set[Node] = set()

    def copy(node: Node) -> None:
        if node in seen:
            return
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            subset.add((node, predicate, value))
            # constraints, lists, property shapes, the shapes a qualified count applies, prefixes
            if isinstance(value, BNode) or predicate in (SH.property, SH.qualifiedValueShape, SH.declare):
                copy(value)

    for shape in keep:
        copy(shape)
    for declarer in set(shapes.subjects(SH.declare, None)):
        copy(declarer)
    return subset
