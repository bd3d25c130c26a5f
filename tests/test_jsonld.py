"""JSON-LD: the published context, compacted output that needs no value objects (every value is
typed the way its term says), expanded output, and a round trip through an independent JSON-LD
processor (PyLD) and through rdflib that gives back exactly the exported quads."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from codegraph import add_import, import_payer_policy, serialize
from codegraph.export import dataset_nquads
from codegraph.rdf.jsonld import CONTEXT_IRI, context_json
from codegraph.rdf.terms import to_rdflib
from codegraph.resources import context_file

ROOT = Path(__file__).resolve().parent.parent
pyld = pytest.importorskip("pyld", reason="PyLD (the test extra) round-trips the JSON-LD export")


@pytest.fixture(scope="module")
def graph(seed_build) -> Dataset:
    """The seed page and both payer-policy fixtures, with the reference graphs."""
    with contextlib.chdir(ROOT):
        batch = import_payer_policy(["tests/fixtures/payer-policy/payer-policies.csv", "tests/fixtures/payer-policy/payer-bulletin-2025.csv"])
    dataset = Dataset(default_union=True)
    for quad in seed_build.dataset.quads((None, None, None, None)):
        dataset.add(quad)
    return add_import(dataset, batch)


def _quads(nquads: str | bytes) -> tuple[set[str], dict[str, Graph]]:
    """Quads without blank nodes as a set; the rest (the ontology's axioms) as a graph per named
    graph, compared by isomorphism (blank node labels are the processor's)."""
    data = nquads.encode("utf-8") if isinstance(nquads, str) else nquads
    ground: set[str] = set()
    blank: dict[str, Graph] = {}
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            blank.setdefault(str(quad.graph_name), Graph()).add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        else:
            ground.add(str(quad))
    return ground, blank


def _same(got: str | bytes, expected: str | bytes) -> bool:
    (ground, blank), (want_ground, want_blank) = _quads(got), _quads(expected)
    assert ground == want_ground
    assert blank.keys() == want_blank.keys()
    return all(isomorphic(blank[name], want_blank[name]) for name in blank)


def _value_objects(document: object) -> list[dict]:
    found = []
    if isinstance(document, dict):
        if "@value" in document:
            found.append(document)
        for key, value in document.items():
            if key != "@context":
                found.extend(_value_objects(value))
    elif isinstance(document, list):
        for item in document:
            found.extend(_value_objects(item))
    return found


def test_the_shipped_context_is_made_from_the_ontology():
    assert context_file().read_text(encoding="utf-8") == context_json(), "regenerate ontology/context.jsonld from rdf/jsonld.py"
    context = json.loads(context_json())["@context"]
    assert context["cg"] == "https://w3id.org/codegraph/ontology#"
    assert context["cg:billingCode"] == {"@type": "@id"}
    assert context["cg:stepOrder"] == {"@type": "xsd:integer"}
    assert context["cg:effectiveFrom"] == {"@type": "xsd:date"}
    assert context["skos:prefLabel"] == {"@language": "en"}


def test_compacted_output_needs_no_value_objects(graph):
    """Every literal has the datatype or language its term's context entry says, and every IRI
    value sits under a term that takes IRIs: the compaction is clean. The one exception is meant:
    a shipped code set's notation keeps its scheme's datatype (``"11"^^cg:PlaceOfServiceNotation``)."""
    document = json.loads(serialize(graph, "jsonld"))
    assert isinstance(document["@context"], dict)
    typed_notations = {"cg:PlaceOfServiceNotation", "cg:ModifierNotation", "cg:TaxonomyNotation", "cg:UBERONNotation"}
    assert [v for v in _value_objects(document) if v.get("@type") not in typed_notations] == []
    nodes = {node["@id"]: node for named in document["@graph"] for node in named["@graph"]}
    step = next(node for node in nodes.values() if "cg:ProcedureStep" in node.get("@type", []))
    assert isinstance(step["cg:stepOrder"], str) and step["cg:stepKind"].startswith("cgv:step-kind/")


@pytest.mark.parametrize("fmt", ["jsonld", "jsonld-expanded"])
def test_the_round_trip_through_pyld_gives_the_same_quads(graph, fmt):
    document = json.loads(serialize(graph, fmt))
    assert _same(pyld.jsonld.to_rdf(document, {"format": "application/n-quads"}), b"".join(dataset_nquads(graph)))


def test_the_round_trip_through_rdflib_gives_the_same_quads(graph):
    parsed = Dataset(default_union=True)
    parsed.parse(data=serialize(graph, "jsonld").decode("utf-8"), format="json-ld")
    assert _same(b"".join(dataset_nquads(parsed)), b"".join(dataset_nquads(graph)))


def test_json_ld_is_byte_identical_run_to_run(graph):
    assert serialize(graph, "jsonld") == serialize(graph, "jsonld")


def test_export_command_writes_compacted_or_expanded(run_cli, tmp_path, seed_build):
    data = tmp_path / "graph.nq"
    data.write_bytes(b"".join(seed_build.canonical_nquads()))
    code, out, _err = run_cli("export", "--data", data, "--format", "jsonld")
    assert code == 0 and json.loads(out)["@context"]["cg"] == "https://w3id.org/codegraph/ontology#"
    code, out, _err = run_cli("export", "--data", data, "--format", "jsonld", "--expanded")
    assert code == 0 and isinstance(json.loads(out), list)
    code, _out, err = run_cli("export", "--data", data, "--format", "turtle", "--expanded")
    assert code == 2 and "--expanded" in err
    assert CONTEXT_IRI == "https://w3id.org/codegraph/context.jsonld"
