"""cgsh:EvidenceAnnotationShape checked by queries (validate/annotation.py), and the engine given
only the triples its shapes read (validate/reads.py): pySHACL's results, on planted defects."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from codegraph import OxigraphStore
from codegraph.rdf.namespaces import CG, OA
from codegraph.validate import annotation
from codegraph.validate.check import validate_store
from codegraph.validate.engines import FAST, ValidationData, run_engine
from codegraph.validate.native import STORE_WIDE, store_wide_results
from codegraph.validate.reads import engine_input, keep_predicates, read_classes, read_predicates, store_input
from codegraph.validate.shapes import SH, ontology_graph, shapes_for_run, shapes_subset, shapes_without
from codegraph.vocab import available_schemes, scheme_graph

AS_OF = date(2026, 1, 1)
T = "urn:test:"


def _evidence(graph: Graph, name: str, source: str | None = "doc", document: str | None = "doc", kind: URIRef = CG.Evidence) -> URIRef:
    node = URIRef(T + name)
    graph.add((node, RDF.type, kind))
    if source:
        graph.add((node, OA.hasSource, URIRef(T + source)))
    if document:
        graph.add((node, CG.inDocument, URIRef(T + document)))
    return node


def _selector(graph: Graph, evidence: URIRef, name: str, kind: URIRef | None, **values: list) -> None:
    node = URIRef(T + name)
    graph.add((evidence, OA.hasSelector, node))
    if kind is not None:
        graph.add((node, RDF.type, kind))
    for local, objects in values.items():
        for value in objects:
            graph.add((node, OA[local], value if isinstance(value, Literal) else Literal(value)))


def _good(graph: Graph, evidence: URIRef, suffix: str = "") -> None:
    _selector(graph, evidence, f"{evidence.split(':')[-1]}-position{suffix}", OA.TextPositionSelector, start=[0], end=[10])
    _selector(graph, evidence, f"{evidence.split(':')[-1]}-quote{suffix}", OA.TextQuoteSelector, exact=["words"])


def planted() -> Graph:
    """One evidence node per way to break (or keep) the shape."""
    g = Graph()
    _good(g, _evidence(g, "fine"))
    _good(g, _evidence(g, "other-source", source="elsewhere"))  # equals: one value missing, one extra
    _evidence(g, "bare", source=None, document=None)  # no selectors: both minimum counts
    twice = _evidence(g, "two-positions")
    _good(g, twice)
    _selector(g, twice, "second-position", OA.TextPositionSelector, start=[20], end=[30])  # maximum count
    negative = _evidence(g, "negative-start")
    _selector(g, negative, "negative", OA.TextPositionSelector, start=[-1], end=[10])
    _selector(g, negative, "negative-quote", OA.TextQuoteSelector, exact=["words"])
    text = _evidence(g, "text-start")
    _selector(g, text, "text", OA.TextPositionSelector, start=["5"], end=[10])
    malformed = _evidence(g, "malformed-start")
    _selector(g, malformed, "malformed", OA.TextPositionSelector, start=[Literal("five", datatype=XSD.integer)], end=[10])
    two_starts = _evidence(g, "two-starts")
    _selector(g, two_starts, "two-starts-position", OA.TextPositionSelector, start=[0, 1], end=[10])
    _selector(g, two_starts, "two-starts-quote", OA.TextQuoteSelector, exact=["words", "other words"])
    tagged = _evidence(g, "tagged-quote")
    _selector(g, tagged, "tagged", OA.TextQuoteSelector, exact=[Literal("words", lang="en")])
    untyped = _evidence(g, "untyped-selector")
    _selector(g, untyped, "untyped", None, start=[0], end=[10])
    g.add((URIRef(T + "Position"), RDFS.subClassOf, OA.TextPositionSelector))
    subclassed = _evidence(g, "subclassed-selector")
    _selector(g, subclassed, "subclassed", URIRef(T + "Position"), start=[0], end=[10])  # conforms through the subclass
    g.add((URIRef(T + "Evidence"), RDFS.subClassOf, CG.Evidence))
    _evidence(g, "subclassed-evidence", kind=URIRef(T + "Evidence"))  # a target through the subclass
    literal = _evidence(g, "literal-selector")
    g.add((literal, OA.hasSelector, Literal("not a node")))
    one_bad_quote = _evidence(g, "one-bad-quote")
    _good(g, one_bad_quote)
    _selector(g, one_bad_quote, "bad-quote", OA.TextQuoteSelector, exact=[7])  # not counted: one conforming quote
    return g


@pytest.fixture(scope="module")
def planted_store():
    reference = [ontology_graph()] + [scheme_graph(name) for name in available_schemes()]
    store = OxigraphStore(None)
    graphs = {URIRef("https://w3id.org/codegraph/graph/test-planted"): list(planted())}
    graphs.update({URIRef(f"https://w3id.org/codegraph/graph/test-reference-{n}"): list(g) for n, g in enumerate(reference)})
    store.replace_graphs(graphs)
    return store, reference


def _key(result) -> tuple[str, ...]:
    return tuple(str(x) for x in (result.focus, result.path, result.value, result.source_shape, result.severity, result.component,
                                  result.message))


def test_the_queries_give_the_engines_results(planted_store):
    store, reference = planted_store
    shapes = shapes_for_run(AS_OF)
    native, done = store_wide_results(store, shapes, reference)
    assert done == [*STORE_WIDE, annotation.SHAPE]
    ours = sorted(_key(r) for r in native if r.source_shape in shapes_subset(shapes, [annotation.SHAPE]).subjects())
    for engine in ("pyshacl", FAST):
        theirs = run_engine(engine, ValidationData(reference, ntriples=[store.dump_ntriples()]), shapes_subset(shapes, [annotation.SHAPE]))
        assert ours == sorted(map(_key, theirs)), engine
    by_focus = {(focus.removeprefix(T), shape.rsplit("-", 1)[-1], component.rsplit("#", 1)[-1], value)
                for focus, _path, value, shape, _severity, component, _message in ours}
    assert by_focus == {
        ("other-source", "source", "EqualsConstraintComponent", T + "elsewhere"),
        ("other-source", "source", "EqualsConstraintComponent", T + "doc"),
        ("bare", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("bare", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("two-positions", "position", "QualifiedMaxCountConstraintComponent", "None"),
        ("negative-start", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("text-start", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("text-start", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("malformed-start", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("malformed-start", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("two-starts", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("two-starts", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("tagged-quote", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("tagged-quote", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("untyped-selector", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("untyped-selector", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("subclassed-selector", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("subclassed-evidence", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("subclassed-evidence", "quote", "QualifiedMinCountConstraintComponent", "None"),
        ("literal-selector", "position", "QualifiedMinCountConstraintComponent", "None"),
        ("literal-selector", "quote", "QualifiedMinCountConstraintComponent", "None"),
    }


def test_a_store_validation_gives_pyshacls_findings(planted_store):
    store, _reference = planted_store
    fast = validate_store(store, engine="fast", as_of=AS_OF, jobs=1)
    assert any(f.shape == str(annotation.SHAPE) for f in fast.findings)
    assert fast.findings == validate_store(store, engine="pyshacl", as_of=AS_OF, jobs=1).findings


def test_a_changed_shape_is_left_to_the_engine(planted_store):
    store, reference = planted_store
    shapes = shapes_for_run(AS_OF)
    assert annotation.applies(shapes)
    changed = Graph()
    for triple in shapes:
        changed.add(triple)
    changed.set((annotation.CGSH["EvidenceAnnotationShape-position"], SH.qualifiedMaxCount, Literal(2)))
    assert not annotation.applies(changed)
    assert annotation.SHAPE not in store_wide_results(store, changed, reference)[1]


def test_the_engine_reads_only_the_predicates_of_its_shapes():
    shapes = shapes_for_run(AS_OF)
    assert read_predicates(shapes) is None  # a completeness query matches a variable predicate
    left = shapes_without(shapes, [*STORE_WIDE, annotation.SHAPE])
    read = read_predicates(left)
    assert read is not None
    assert {RDF.type, RDFS.subClassOf, CG.evidence, CG.inDocument, CG.stepOrder, CG.taxonomy, CG.sunsetDate} <= read
    assert not {OA.hasSelector, OA.start, OA.hasSource, CG.line, CG.section} & read
    assert OA.hasSelector in read_predicates(shapes_without(shapes, list(STORE_WIDE)))
    closed = Graph()
    for triple in left:
        closed.add(triple)
    closed.add((annotation.CGSH.EvidenceShape, SH.closed, Literal(True)))
    assert read_predicates(closed) is None


def test_keep_predicates_keeps_whole_lines():
    lines = [b'<urn:a> <urn:p> "x y . z"@en .', b"_:b1 <urn:q> <urn:c> .", b'<urn:a> <urn:q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .']
    assert keep_predicates(b"\n".join(lines) + b"\n", [URIRef("urn:q")]) == lines[1] + b"\n" + lines[2] + b"\n"
    assert keep_predicates(b"\n".join(lines) + b"\n", [URIRef("urn:r")]) == b""


def test_the_store_gives_the_engine_the_lines_it_reads(planted_store):
    store, reference = planted_store
    left = shapes_without(shapes_for_run(AS_OF), [*STORE_WIDE, annotation.SHAPE])
    dump = store.dump_ntriples()
    read = set(store_input(store, left, FAST, reference).splitlines())
    filtered = set(engine_input(dump, left, FAST).splitlines())  # a triple in two graphs may come once: compared as sets
    typed = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert {line for line in read if line.split(b" ")[1] != typed} == {line for line in filtered if line.split(b" ")[1] != typed}
    dropped = filtered - read
    assert read <= filtered and all(line.split(b" ")[1] == typed for line in dropped)
    # The selectors' types go (only the annotation shape, checked by queries, asks about them); evidence keeps its type.
    assert {line.split(b" ")[2] for line in dropped} >= {b"<http://www.w3.org/ns/oa#TextPositionSelector>",
                                                         b"<http://www.w3.org/ns/oa#TextQuoteSelector>"}
    assert f"<{T}fine> {typed.decode()} <{CG.Evidence}> .".encode() in read
    assert not any(line.split(b" ")[1] == b"<http://www.w3.org/ns/oa#hasSelector>" for line in read)
    # The engine's results are the same from what it is given as from the whole store.
    given = run_engine(FAST, ValidationData(reference, ntriples=[b"\n".join(sorted(read)) + b"\n"]), left)
    assert given and sorted(map(_key, given)) == sorted(map(_key, run_engine(FAST, ValidationData(reference, ntriples=[dump]), left)))
    assert sorted(store_input(store, left, "pyshacl").splitlines()) == sorted(dump.splitlines())  # the reference reads everything


_CLASS_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:ex:> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:A ; sh:property [ sh:path ex:p ; sh:class ex:B ] ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this ex:q ?x . ?x a ex:C . ?x rdf:type/rdfs:subClassOf* ex:D }" ] .
"""


@pytest.mark.parametrize(("changed", "expected"), [
    ("", {"A", "B", "C", "D"}),
    ("ex:T a sh:NodeShape ; sh:targetNode ex:n ; sh:property [ sh:path rdf:type ; sh:hasValue ex:E ] .", None),  # reads types as values
    ('ex:T a sh:NodeShape ; sh:targetNode ex:n ; sh:sparql [ sh:select "SELECT $this WHERE { $this a ?type }" ] .', None),
    ('ex:T a sh:NodeShape ; sh:targetNode ex:n ; sh:sparql [ sh:select "SELECT $this WHERE { $this rdf:type/ex:r ex:F }" ] .', None),
])
def test_the_classes_the_shapes_ask_about(changed, expected):
    shapes = Graph().parse(data=_CLASS_SHAPES + changed, format="turtle")
    for declared in ("ex", "rdf", "rdfs"):  # the prefixes the queries use, as the shapes declare them
        shapes.add((URIRef("urn:prefixes"), SH.declare, URIRef(f"urn:declare-{declared}")))
    for prefix, namespace in (("ex", "urn:ex:"), ("rdf", str(RDF)), ("rdfs", str(RDFS))):
        shapes.add((URIRef(f"urn:declare-{prefix}"), SH.prefix, Literal(prefix)))
        shapes.add((URIRef(f"urn:declare-{prefix}"), SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    found = read_classes(shapes)
    assert (None if found is None else {str(c).removeprefix("urn:ex:") for c in found}) == expected
