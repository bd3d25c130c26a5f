"""The RDF graph built from the seed: triples present, provenance everywhere, deterministic."""

from __future__ import annotations

from rdflib import RDF, SKOS, Literal, URIRef

from codegraph import build, serialize
from codegraph.rdf import CG, CGV
from codegraph.rdf.iris import document_graph_iri
from conftest import CPT_1001T, SEED

CODE = URIRef(CPT_1001T)


def test_code_node(seed_build):
    g = seed_build.dataset
    assert (CODE, RDF.type, CG.BillingCode) in g
    assert (CODE, SKOS.notation, Literal("1001T")) in g
    assert (CODE, SKOS.inScheme, URIRef("https://w3id.org/codegraph/id/scheme/cpt")) in g
    assert (CODE, CG.category, CGV["code-category/cpt-iii"]) in g


def test_one_named_graph_per_document_plus_shared_graphs(seed_build):
    from codegraph.rdf.iris import PAYERS_GRAPH, code_graph_iri
    from codegraph.rdf.mapper import facts_to_named_graphs

    facts = seed_build.documents[0]
    graphs = facts_to_named_graphs(facts, "test")
    document = document_graph_iri(facts.source.identity)
    assert list(graphs)[0] == document
    assert set(graphs) >= {document, code_graph_iri("CPT", "1001T"), PAYERS_GRAPH}
    assert (CODE, CG.procedureStep, None) in seed_build.dataset.graph(document)
    # What every page about 1001T says alike lives in the code's graph, once.
    assert (CODE, RDF.type, CG.BillingCode) in seed_build.dataset.graph(code_graph_iri("CPT", "1001T"))
    assert (CODE, RDF.type, CG.BillingCode) not in seed_build.dataset.graph(document)
    assert len(seed_build.dataset.graph(document)) == len(graphs[document])


def test_anatomy_site_and_steps(seed_build):
    g = seed_build.dataset
    rows = list(g.query(
        """SELECT ?anatomy ?pos ?candidate WHERE {
             ?code cg:anatomicalTarget/cg:anatomy ?anatomy ;
                   cg:siteOfService ?site .
             ?site cg:placeOfService/skos:notation ?pos .
             ?site cg:candidatePlaceOfService/skos:notation ?candidate .
           }""",
        initNs={"cg": CG._NS, "skos": SKOS},
        initBindings={"code": CODE},
    ))
    assert {(str(a), str(p)) for a, p, _c in rows} == {("http://purl.obolibrary.org/obo/UBERON_0001367", "24")}
    assert {str(c) for _a, _p, c in rows} == {"11", "49"}
    steps = list(g.query(
        "SELECT ?order ?kind WHERE { ?code cg:procedureStep ?s . ?s cg:stepOrder ?order ; cg:stepKind ?kind } ORDER BY ?order",
        initNs={"cg": CG._NS}, initBindings={"code": CODE},
    ))
    assert [int(o) for o, _k in steps] == list(range(1, 12))
    assert steps[2][1] == CGV["step-kind/tissue-harvest"]


def test_coverage_nodes_per_payer(seed_build):
    rows = list(seed_build.dataset.query(
        """SELECT ?name ?status WHERE {
             ?a a cg:CoverageAssertion ; cg:billingCode ?code ; cg:payer/schema:name ?name ; cg:coverageStatus ?status .
           }""",
        initNs={"cg": CG._NS, "schema": URIRef("http://schema.org/")}, initBindings={"code": CODE},
    ))
    assert sorted(str(n) for n, _s in rows) == sorted(["Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Medicare"])
    assert {s for _n, s in rows} == {CGV["coverage-status/source-declares-unavailable"]}


def test_every_fact_has_evidence_in_the_document(seed_build):
    g = seed_build.dataset
    facts = set(g.subjects(CG.evidence, None))
    typed = {s for s, _p, o in g.triples((None, RDF.type, None)) if (o, None, CG.Fact) in g or o in {
        CG.CodeOverview, CG.ServiceTypeFact, CG.SiteOfServiceFact, CG.AnatomicalTarget, CG.ProcedureStep,
        CG.ClinicalConceptMention, CG.CoverageAssertion, CG.ModifierUsage, CG.UnavailableDeclaration}}
    assert typed and typed <= facts
    text = SEED.read_text(encoding="utf-8")
    for fact in facts:
        evidence = g.value(fact, CG.evidence)
        start, end = int(g.value(evidence, CG.startOffset)), int(g.value(evidence, CG.endOffset))
        assert text[start:end] == str(g.value(evidence, CG.quote))
        assert g.value(evidence, CG.inDocument) is not None


def test_same_input_same_graph(tmp_path):
    first, second = build([SEED]), build([SEED], jobs=2)
    assert serialize(first.dataset, "nquads") == serialize(second.dataset, "nquads")
    assert first.nquads == second.nquads
    assert b"".join(first.canonical_nquads()) == serialize(first.dataset, "nquads")


def test_duplicate_page_under_another_name_is_built_once(tmp_path, seed_copy):
    twin = seed_copy.parent / "same-page-other-host.txt"
    twin.write_bytes(seed_copy.read_bytes())
    result = build([seed_copy.parent])
    assert len(result.documents) == 1
    assert result.duplicates == [(str(twin), str(seed_copy))] or result.duplicates == [(str(seed_copy), str(twin))]
