"""Evidence follows the W3C Web Annotation model (https://www.w3.org/TR/annotation-model/): each
span is an ``oa:SpecificResource`` whose ``oa:hasSource`` is its document, with an
``oa:TextPositionSelector`` (``oa:start``/``oa:end``: the offsets ``cg:startOffset``/``cg:endOffset``
keep) and an ``oa:TextQuoteSelector`` (``oa:exact``: the ``cg:quote``), both named after the
evidence IRI. Checked on the bundled seed page as built and on a payer-policy import, and the
shape that asks for it (``cgsh:EvidenceAnnotationShape``) reports a planted defect."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Dataset, Literal, URIRef

from codegraph import OxigraphStore, build, export_graph, import_dataset, import_payer_policy, load_into_store, validate_graph
from codegraph.rdf import CG, iris
from codegraph.rdf.namespaces import OA
from codegraph.read import read_document
from conftest import SEED

ROOT = Path(__file__).resolve().parent.parent
CGSH = "https://w3id.org/codegraph/shapes#"
DOCUMENT = iris.document_iri(SEED.name)


def _one(dataset: Dataset, subject, predicate):
    values = list(dataset.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def _evidence_nodes(dataset: Dataset) -> list[URIRef]:
    nodes = sorted(set(dataset.subjects(RDF.type, CG.Evidence)))
    assert all(isinstance(node, URIRef) for node in nodes)
    return nodes


def _assert_web_annotation(dataset: Dataset, node: URIRef) -> tuple[int, int, str]:
    """The node's Web Annotation triples say what its cg: properties say; returns (start, end, quote)."""
    assert (node, RDF.type, OA.SpecificResource) in dataset
    assert _one(dataset, node, OA.hasSource) == _one(dataset, node, CG.inDocument)
    position, quote = iris.position_selector_iri(node), iris.quote_selector_iri(node)
    assert sorted(dataset.objects(node, OA.hasSelector)) == sorted([position, quote])  # IRIs, never blank nodes
    assert (position, RDF.type, OA.TextPositionSelector) in dataset
    assert (quote, RDF.type, OA.TextQuoteSelector) in dataset
    start, end = _one(dataset, position, OA.start), _one(dataset, position, OA.end)
    assert isinstance(start, Literal) and isinstance(end, Literal)
    # xsd:integer, non-negative: OA's range is xsd:nonNegativeInteger (the same numbers), but
    # Oxigraph keeps every integer type as xsd:integer, so a store's export equals the built file.
    assert start.datatype == end.datatype == XSD.integer and start.toPython() >= 0
    assert start.toPython() == _one(dataset, node, CG.startOffset).toPython()
    assert end.toPython() == _one(dataset, node, CG.endOffset).toPython()
    exact = _one(dataset, quote, OA.exact)
    assert exact == _one(dataset, node, CG.quote)
    # No prefix or suffix: the writer does not have the document's text at hand.
    assert not list(dataset.objects(quote, OA.prefix)) and not list(dataset.objects(quote, OA.suffix))
    return int(start.toPython()), int(end.toPython()), str(exact)


def test_every_evidence_span_of_the_seed_is_a_web_annotation_target(seed_build):
    dataset = seed_build.dataset
    text = read_document(SEED).original
    nodes = _evidence_nodes(dataset)
    assert len(nodes) > 20  # the seed's facts, its coverage statements and where it is cut off
    for node in nodes:
        assert _one(dataset, node, OA.hasSource) == DOCUMENT
        start, end, exact = _assert_web_annotation(dataset, node)
        assert 0 <= start < end <= len(text)
        assert exact == text[start:end], node  # the selectors select the span's words in the document
        assert str(node) == str(iris.evidence_iri(SEED.name, start, end))


def test_a_known_span_reads_as_web_annotation(seed_build):
    """The summary's missing-data sentence, triple by triple."""
    dataset = seed_build.dataset
    node = iris.evidence_iri(SEED.name, 1349, 1506)
    position, quote = URIRef(f"{node}/position"), URIRef(f"{node}/quote")
    assert (node, OA.hasSource, DOCUMENT) in dataset
    assert (node, OA.hasSelector, position) in dataset and (node, OA.hasSelector, quote) in dataset
    assert (position, OA.start, Literal(1349)) in dataset
    assert (position, OA.end, Literal(1506)) in dataset
    assert str(_one(dataset, quote, OA.exact)).startswith("Data not available in the input is noted where")


def test_imported_rows_are_web_annotation_targets_too():
    """A table row's evidence goes through the same writer: its span is in the decoded file."""
    path = ROOT / "tests" / "fixtures" / "payer-policy" / "payer-policies.csv"
    with contextlib.chdir(ROOT):
        batch = import_payer_policy([path.relative_to(ROOT)])
    dataset = import_dataset(batch, include_reference=False)
    text = path.read_text(encoding="utf-8")
    nodes = _evidence_nodes(dataset)
    assert nodes
    for node in nodes:
        start, end, exact = _assert_web_annotation(dataset, node)
        assert exact == text[start:end], node


def test_builds_stay_byte_identical_and_the_store_keeps_the_same_bytes(seed_build, tmp_path):
    written = b"".join(seed_build.canonical_nquads())
    assert b"".join(build([SEED]).canonical_nquads()) == written
    with OxigraphStore(tmp_path / "store") as store:  # Oxigraph keeps xsd:integer as it is written
        load_into_store(seed_build, store)
        assert export_graph(store, "nquads") == written
        assert validate_graph(store).counts()["violation"] == 0


def _copy(dataset: Dataset) -> Dataset:
    copy = Dataset(default_union=True)
    for quad in dataset.quads((None, None, None, None)):
        copy.add(quad)
    return copy


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_the_shape_reports_a_span_without_its_quote_selector(seed_build, engine):
    data = _copy(seed_build.dataset)
    node = iris.evidence_iri(SEED.name, 1349, 1506)
    data.remove((node, OA.hasSelector, iris.quote_selector_iri(node), None))
    report = validate_graph(data, engine=engine)
    found = [f for f in report.findings if f.shape == CGSH + "EvidenceAnnotationShape"]
    assert [(f.focus_node, f.path, f.severity) for f in found] == [(str(node), str(OA.hasSelector), "violation")]
    assert found[0].message.startswith("Evidence without exactly one oa:TextQuoteSelector")
    assert report.counts()["violation"] == 1
