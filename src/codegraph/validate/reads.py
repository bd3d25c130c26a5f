"""The predicates a shapes graph can read in the data, so an engine is given only those triples.

A SHACL engine's time grows with the data it loads (shifty 0.5.1: 6 s of its 15 s at 1,000 pages
went to reading 466k triples, most of which no shape looks at: provenance activities, evidence
line numbers and sections, labels). What a shape reads is written in the shapes: its targets
(``rdf:type`` and ``rdfs:subClassOf`` for classes, the predicates of ``sh:targetSubjectsOf`` and
``sh:targetObjectsOf``), its paths, the properties ``sh:equals`` and its kin compare with, and the
predicates its SPARQL queries match. A triple with any other predicate cannot change a result, so
leaving it out gives the same report.

Anything this module does not understand (``sh:closed``, which reads every predicate; a SPARQL
query with a variable or negated predicate; a SHACL term not listed here) means the shapes may
read anything, and ``read_predicates`` gives None: the engine then gets all the data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from ..rdf.terms import to_rdflib
from ..store import GraphStore, OxigraphStore
from .engines import resolve
from .engines.pyshacl_engine import NAME as PYSHACL
from .shapes import SH

_PREDICATE_PARAMETERS = (SH.path, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.targetSubjectsOf, SH.targetObjectsOf,
                         SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
"""SHACL terms whose object is a predicate of the data, or a path made of them."""

_UNDERSTOOD = frozenset({
    *_PREDICATE_PARAMETERS,
    # targets and the shapes' own bookkeeping
    SH.targetClass, SH.targetNode, SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue,
    # constraints on the value nodes a path gives (they read the values themselves, or rdf:type)
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minExclusive, SH.minInclusive, SH.maxExclusive,
    SH.maxInclusive, SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue,
    # shapes applied to the value nodes (their own paths are read where they are declared)
    SH.node, SH.property, SH["not"], SH["and"], SH["or"], SH.xone, SH.qualifiedValueShape, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    # SPARQL-based constraints and components (their queries are read below)
    SH.sparql, SH.select, SH.ask, SH.prefixes, SH.declare, SH.prefix, SH.namespace, SH.parameter, SH.optional,
    SH.validator, SH.nodeValidator, SH.propertyValidator, SH.labelTemplate,
})
"""The SHACL terms whose reads this module knows; any other term in the shapes (``sh:closed``,
``sh:target``, rules) gives None."""


def read_predicates(shapes: Graph) -> frozenset[URIRef] | None:
    """Every predicate ``shapes`` can read in the data graph; None when they may read any."""
    read: set[URIRef] = {RDF.type, RDFS.subClassOf}  # class targets, sh:class and implicit class targets
    for predicate in set(shapes.predicates()):
        if isinstance(predicate, URIRef) and predicate.startswith(str(SH)) and predicate not in _UNDERSTOOD:
            return None
    active = _active(shapes)
    for parameter in _PREDICATE_PARAMETERS:
        for value in (v for node in active for v in shapes.objects(node, parameter)):
            if isinstance(value, URIRef):
                read.add(value)
            elif isinstance(value, BNode):
                read.update(item for item in shapes.items(value) if isinstance(item, URIRef))  # a sequence path
    named = _in_queries(shapes, active, _query_predicates)
    return None if named is None else frozenset(read | named)


def read_classes(shapes: Graph) -> frozenset[URIRef] | None:
    """The classes ``shapes`` can ask a node to be an instance of (``sh:targetClass``,
    ``sh:class``, a shape that is itself a class, ``?x a C`` or ``?x rdf:type/rdfs:subClassOf* C``
    in a query): an ``rdf:type`` triple whose class is not one of them, nor a subclass of one,
    cannot change a result. None when they may read any ``rdf:type`` triple: ``rdf:type`` in a
    path or any other place in the shapes, or a query that matches a type it does not name."""
    if read_predicates(shapes) is None or next(shapes.subjects(None, RDF.type), None) is not None:
        return None
    active = _active(shapes)
    named: set[URIRef] = set()
    for node in active:
        named.update(c for c in shapes.objects(node, SH.targetClass) if isinstance(c, URIRef))
        named.update(c for c in shapes.objects(node, SH["class"]) if isinstance(c, URIRef))
        if isinstance(node, URIRef) and any(not str(kind).startswith(str(SH)) for kind in shapes.objects(node, RDF.type)):
            named.add(node)  # possibly a class: its instances are its targets
    asked = _in_queries(shapes, active, _query_classes)
    return None if asked is None else frozenset(named | asked)


def _in_queries(shapes: Graph, active: set[Node],
                read: Callable[[str, dict[str, str]], set[URIRef] | None]) -> set[URIRef] | None:
    """What ``read`` finds in the SPARQL constraints of the active shapes; None when any one of
    them may read more than it names."""
    prefixes = _prefixes(shapes)
    found: set[URIRef] = set()
    for form in (SH.select, SH.ask):
        for text in (t for node in active for t in shapes.objects(node, form)):
            named = read(str(text), prefixes)
            if named is None:
                return None
            found |= named
    return found


def keep_predicates(ntriples: bytes, predicates: Iterable[URIRef]) -> bytes:
    """The lines of ``ntriples`` whose predicate is one of ``predicates``. Each N-Triples line is
    ``subject predicate object .`` with single spaces, and neither an IRI nor a blank node label
    holds a space, so the predicate is the second field."""
    wanted = {f"<{predicate}>".encode() for predicate in predicates}
    kept = [line for line in ntriples.split(b"\n") if line and line.split(b" ", 2)[1] in wanted]
    return b"\n".join(kept) + b"\n" if kept else b""


def only_read(ntriples: bytes, shapes: Graph) -> bytes:
    """``ntriples`` without the triples ``shapes`` cannot read (all of it when they may read any)."""
    predicates = read_predicates(shapes)
    return ntriples if predicates is None else keep_predicates(ntriples, predicates)


def engine_input(ntriples: bytes, shapes: Graph, engine: str) -> bytes:
    """The triples of ``ntriples`` engine ``engine`` is given for ``shapes``: those they read for
    a fast engine (at 1,000 pages shifty took half its time on the rest); all of them for
    pySHACL, the reference, so its findings still check this module's."""
    return ntriples if resolve(engine) == PYSHACL else only_read(ntriples, shapes)


def store_input(store: GraphStore, shapes: Graph, engine: str, reference: Iterable[Graph] = ()) -> bytes:
    """``engine_input`` of the store's N-Triples dump, written by an embedded store as one
    CONSTRUCT over the union of its graphs: a dump's time goes to spelling out terms, so the
    triples left out are better never written (at 1,000 pages, 237k of 466k triples; about half
    the time of dumping all and dropping lines). Its ``rdf:type`` triples are only those of the
    classes ``read_classes`` gives and their subclasses (in the store or in ``reference``, the
    graphs the engine is also given): 56k of the 237k at 1,000 pages are selectors' types,
    which no shape left to the engine asks about."""
    read = input_filter(store, shapes, engine, reference)
    if read is None or not isinstance(store, OxigraphStore):
        return engine_input(store.dump_ntriples(), shapes, engine)
    triples = store.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {filter_pattern(*read)} }}", use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)
    try:
        return triples.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    finally:
        # Dropped here, not at the function's end: without this the result's hold on the store
        # outlived the call (cause not found), and tests/test_validation_kept.py could not
        # reopen the store for writing after a validation.
        del triples


def input_filter(store: GraphStore, shapes: Graph, engine: str,
                 reference: Iterable[Graph] = ()) -> tuple[frozenset[URIRef], set[URIRef] | None] | None:
    """(the predicates ``shapes`` read, the classes whose ``rdf:type`` triples they read; None:
    every type), for an embedded store and a fast engine; None when the engine is to get all
    the data."""
    predicates = read_predicates(shapes) if resolve(engine) != PYSHACL else None
    if predicates is None or not isinstance(store, OxigraphStore):
        return None
    classes = _subclasses(store, list(reference), read_classes(shapes)) if RDF.type in predicates else None
    return predicates, classes


def filter_pattern(predicates: Iterable[URIRef], classes: Iterable[URIRef] | None) -> str:
    """A SPARQL graph pattern binding ``?s ?p ?o`` to the triples with one of ``predicates``,
    or, when ``classes`` is given, an ``rdf:type`` triple only when its class is among them."""
    others = " ".join(f"<{predicate}>" for predicate in sorted(predicates) if classes is None or predicate != RDF.type)
    where = f"{{ VALUES ?p {{ {others} }} ?s ?p ?o }}"
    if classes is not None:
        typed = " ".join(f"<{cls}>" for cls in sorted(classes))
        where += f" UNION {{ VALUES ?o {{ {typed} }} ?s <{RDF.type}> ?o BIND (<{RDF.type}> AS ?p) }}"
    return where


def _subclasses(store: OxigraphStore, reference: list[Graph], classes: frozenset[URIRef] | None) -> set[URIRef] | None:
    """``classes`` and every class below them by ``rdfs:subClassOf`` in the store or ``reference``;
    None (every type kept) when ``classes`` is, or when a blank node is among them."""
    if classes is None:
        return None
    below: dict[Node, set[Node]] = {}
    rows = store.store.query(f"SELECT DISTINCT ?sub ?super WHERE {{ ?sub <{RDFS.subClassOf}> ?super }}", use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    pairs = [(to_rdflib(row["sub"]), to_rdflib(row["super"])) for row in rows]
    del rows  # as in store_input: no hold on the store after the call
    pairs += [(sub, sup) for graph in reference for sub, sup in graph.subject_objects(RDFS.subClassOf)]
    for sub, sup in pairs:
        below.setdefault(sup, set()).add(sub)
    found: set[Node] = set()
    pending: list[Node] = list(classes)
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.add(cls)
            pending.extend(below.get(cls, ()))
    if any(not isinstance(cls, URIRef) for cls in found):
        return None
    return {cls for cls in found if isinstance(cls, URIRef)}


def _active(shapes: Graph) -> set[Node]:
    """The nodes of ``shapes`` an engine evaluates: the node shapes, the shapes with a target
    (classes among them), the constraint components (they apply wherever their parameters are), and all they refer to.
    A property shape or qualified value shape only a removed node shape used is not among them
    (``shapes_without`` leaves those behind)."""
    pending: list[Node] = [*shapes.subjects(RDF.type, SH.NodeShape), *shapes.subjects(RDF.type, SH.ConstraintComponent),
                           *shapes.subjects(RDF.type, RDFS.Class),  # a shape that is a class targets its instances
                           *(s for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                             for s in shapes.subjects(target, None))]
    active: set[Node] = set()
    while pending:
        node = pending.pop()
        if node in active:
            continue
        active.add(node)
        pending.extend(value for value in shapes.objects(node, None) if (value, None, None) in shapes)
    return active


def _prefixes(shapes: Graph) -> dict[str, str]:
    """Every ``sh:declare`` of the shapes graph, prefix -> namespace."""
    found = {}
    for declaration in shapes.objects(None, SH.declare):
        prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
        if isinstance(prefix, Literal) and namespace is not None:
            found[str(prefix)] = str(namespace)
    return found


def _query_predicates(text: str, prefixes: dict[str, str]) -> set[URIRef] | None:
    """The predicates a SPARQL query matches, None if it may match any (a variable or negated
    predicate). ``$PATH`` stands for the path of the property shape a component is used in,
    whose predicates are read from ``sh:path``."""
    try:
        query = prepareQuery(text, initNs=prefixes)
    except Exception:  # noqa: BLE001 - rdflib's parser raises several kinds; unread means "reads anything"
        return None
    found: set[URIRef] = set()
    for _subject, predicate, _object in _patterns(query.algebra):
        named = _path_predicates(predicate)
        if named is None:
            return None
        found |= named
    return found


def _query_classes(text: str, prefixes: dict[str, str]) -> set[URIRef] | None:
    """The classes a query's ``rdf:type`` patterns name; None if one does not name its class."""
    query = prepareQuery(text, initNs=prefixes)  # read_predicates parsed it already
    found: set[URIRef] = set()
    subclass_of = MulPath(RDFS.subClassOf, "*")
    for _subject, predicate, obj in _patterns(query.algebra):
        named = _path_predicates(predicate)
        if named is None or RDF.type not in named:
            continue
        is_type = predicate == RDF.type or (isinstance(predicate, SequencePath) and predicate.args == [RDF.type, subclass_of])
        if not is_type or not isinstance(obj, URIRef):
            return None
        found.add(obj)
    return found


def _patterns(node: object) -> Iterator[tuple[Node, object, Node]]:
    """Every triple pattern of a query's algebra, in sub-queries and EXISTS filters too."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            yield from node.get("triples") or ()
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _patterns(item)


def _path_predicates(predicate: object) -> set[URIRef] | None:
    if isinstance(predicate, URIRef):
        return {predicate}
    if isinstance(predicate, Variable):
        return set() if str(predicate) == "PATH" else None
    if isinstance(predicate, (SequencePath, AlternativePath)):
        found: set[URIRef] = set()
        for arg in predicate.args:
            named = _path_predicates(arg)
            if named is None:
                return None
            found |= named
        return found
    if isinstance(predicate, (InvPath, MulPath)):
        return _path_predicates(predicate.arg if isinstance(predicate, InvPath) else predicate.path)
    if isinstance(predicate, (NegatedPath, Path)):
        return None
    return None


__all__ = ["engine_input", "filter_pattern", "input_filter", "keep_predicates", "only_read", "read_classes", "read_predicates",
           "store_input"]
