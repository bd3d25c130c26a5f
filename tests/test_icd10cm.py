"""The whole ICD-10-CM release as a SKOS scheme: size, hierarchy, billable flags, loading."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from codegraph.vocab.icd10cm import RELEASE_GRAPH, icd10cm_ntriples

ICD = "http://purl.bioontology.org/ontology/ICD10CM/"
PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX cg: <https://w3id.org/codegraph/ontology#> "


@pytest.fixture(scope="module")
def icd_store():
    store = ox.Store()
    store.bulk_load(icd10cm_ntriples().encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(RELEASE_GRAPH)))
    return store


def _value(store, query: str):
    rows = list(store.query(PREFIXES + query, use_default_graph_as_union=True))
    return rows


def test_size(icd_store):
    (row,) = _value(icd_store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c skos:inScheme ?s }")
    assert int(row["n"].value) > 98000
    (row,) = _value(icd_store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c cg:billable true }")
    assert int(row["n"].value) > 70000  # the FY2026 release has about 74,000 billable codes


def test_known_codes(icd_store):
    rows = _value(icd_store, f"""SELECT ?code ?label ?billable ?parent WHERE {{
        VALUES ?code {{ <{ICD}R15> <{ICD}R15.9> }}
        ?code skos:prefLabel ?label ; cg:billable ?billable ; skos:broader ?parent }} ORDER BY ?code""")
    assert [(r["code"].value, r["label"].value, r["billable"].value, r["parent"].value) for r in rows] == [
        (f"{ICD}R15", "Fecal incontinence", "false", f"{ICD}R10-R19"),
        (f"{ICD}R15.9", "Full incontinence of feces", "true", f"{ICD}R15"),
    ]
    # The block sits under its chapter, which is a top concept of the scheme.
    (row,) = _value(icd_store, f"SELECT ?chapter WHERE {{ <{ICD}R10-R19> skos:broader ?chapter . ?chapter skos:topConceptOf ?s }}")
    assert row["chapter"].value == "https://w3id.org/codegraph/id/icd10cm/chapter/18"


def test_every_notation_is_unique_and_well_formed(icd_store):
    rows = _value(icd_store, """SELECT ?n (COUNT(?c) AS ?k) WHERE { ?c skos:notation ?n } GROUP BY ?n HAVING (COUNT(?c) > 1)""")
    assert rows == []
    rows = _value(icd_store, "SELECT ?c WHERE { ?c skos:broader ?c }")
    assert rows == []
    rows = _value(icd_store, """SELECT ?n WHERE { ?c cg:billable ?b ; skos:notation ?n
        FILTER(!REGEX(?n, "^[A-Z][0-9A-Z][0-9A-Z](\\\\.[0-9A-Z]{1,4})?$")) } LIMIT 5""")
    assert rows == []


def test_vocab_cli(run_cli, tmp_path):
    code, out, _err = run_cli("vocab", "list")
    assert code == 0
    assert "place-of-service      52 concepts" in out and "icd10cm" in out
    target = tmp_path / "pos.ttl"
    assert run_cli("vocab", "export", "place-of-service", "-o", target)[0] == 0
    assert "Ambulatory Surgical Center" in target.read_text(encoding="utf-8")
    code, _out, err = run_cli("vocab", "export", "nope")
    assert code == 2 and "unknown vocabulary 'nope'" in err


def test_codes_for_condition_through_the_hierarchy(icd_store, seed_build):
    from codegraph import serialize
    from codegraph.query import bind_parameters, get_query

    icd_store.load(serialize(seed_build.dataset, "nquads"), format=ox.RdfFormat.N_QUADS)
    spec = get_query("codes-for-condition")
    for condition, expected in (("R10-R19", ["1001T"]), ("18", ["1001T"]), ("R15", ["1001T"]), ("K50-K52", [])):
        rows = icd_store.query(bind_parameters(spec, {"condition": condition}), use_default_graph_as_union=True)
        assert sorted({r["code"].value for r in rows}) == expected, condition


def test_the_text_names_each_concept_as_its_iri_and_escapes_labels_as_the_store_writes_them(icd_store):
    from codegraph.vocab.icd10cm import _node, concept_iri

    # The lines are written as text; each item is named by the IRI concept_iri gives it.
    for item in ("18", "R10-R19", "R15", "R15.9", "H35.3113"):
        assert _node(item) == concept_iri(item).n3()
    with pytest.raises(ValueError, match="not a code or block"):
        _node("R15 9>")
    # A label holding a tab is written "\t", as pyoxigraph writes it, and reads back as the tab.
    (line,) = [line for line in icd10cm_ntriples().splitlines() if line.startswith(f"<{ICD}H35.3113> <http://www.w3.org/2004/02/skos/core#prefLabel>")]
    assert "involvement/\\tadvanced dry stage" in line
    (row,) = _value(icd_store, f"SELECT ?label WHERE {{ <{ICD}H35.3113> skos:prefLabel ?label }}")
    assert row["label"].value.endswith("involvement/\tadvanced dry stage")
