"""SHACL: the seed's gaps as warnings; one planted defect per structural shape as a violation."""

from __future__ import annotations

from rdflib import RDF, SKOS, Dataset, Literal, URIRef

from codegraph import validate_graph
from codegraph.rdf import CG, CGV
from conftest import CPT_1001T

CGSH = "https://w3id.org/codegraph/shapes#"
DOC = "https://w3id.org/codegraph/id/document/8fad3c43986e5915"


def test_seed_has_no_violations_and_exactly_the_expected_warnings(seed_report):
    assert seed_report.conforms
    assert seed_report.counts() == {"violation": 0, "warning": 9, "info": 1}
    warnings = {(f.shape.removeprefix(CGSH), f.focus_node, f.path) for f in seed_report.findings if f.severity == "warning"}
    assert warnings == {
        ("FacetDeclaredUnavailableShape", CPT_1001T, str(CG.modifierUsage)),
        ("FacetDeclaredUnavailableShape", CPT_1001T, str(CG.providerTaxonomy)),
        ("FacetDeclaredUnavailableShape", CPT_1001T, str(CG.icd10Mapping)),
        ("FacetDeclaredUnavailableShape", CPT_1001T, str(CG.relatedCode)),
    } | {
        ("CoverageDecisionShape", f"{DOC}/coverage/{payer}", str(CG.coverageStatus))
        for payer in ("aetna", "blue-cross-blue-shield", "cigna", "unitedhealthcare", "medicare")
    }
    messages = [f.message for f in seed_report.findings]
    assert any(m.startswith("modifiers: the source declares this unavailable (line 5") for m in messages)
    assert "Medicare has no coverage decision for 1001T: the source declares payer policies unavailable; check Medicare's medical policy." in messages
    assert all(f.code == "1001T" for f in seed_report.findings)


def _copy(dataset: Dataset) -> Dataset:
    copy = Dataset(default_union=True)
    for quad in dataset.quads((None, None, None, None)):
        copy.add(quad)
    return copy


def _violations(dataset: Dataset) -> set[tuple[str, str, str | None]]:
    report = validate_graph(dataset)
    return {(f.shape.removeprefix(CGSH), f.focus_node, f.path) for f in report.findings if f.severity == "violation"}


def test_planted_defects_are_each_reported_once(seed_build):
    data = _copy(seed_build.dataset)
    code = URIRef(CPT_1001T)
    graph = data.graph(URIRef("urn:test:defects"))
    aetna = URIRef(f"{DOC}/coverage/aetna")
    step = URIRef(f"{DOC}/step/3")
    modifier = URIRef(f"{DOC}/modifier/25")
    site = URIRef(f"{DOC}/site-of-service/text")
    bad_code = URIRef("http://purl.bioontology.org/ontology/CPT/1001X")
    # 1. a notation that does not match the CPT pattern
    graph.add((bad_code, RDF.type, CG.BillingCode))
    graph.add((bad_code, SKOS.notation, Literal("1001X")))
    graph.add((bad_code, SKOS.inScheme, URIRef("http://www.ama-assn.org/go/cpt")))
    # 2. a coverage assertion without payer
    data.remove((aetna, CG.payer, None, None))
    # 3. a step without order
    data.remove((step, CG.stepOrder, None, None))
    # 4. a fact without evidence
    data.remove((modifier, CG.evidence, None, None))
    # 5. a place of service that does not exist
    graph.add((site, CG.placeOfService, URIRef("https://w3id.org/codegraph/id/pos/98")))
    # 6. a code without scheme
    data.remove((code, SKOS.inScheme, None, None))
    assert _violations(data) == {
        ("BillingCodeShape", str(bad_code), str(SKOS.notation)),
        ("CoverageAssertionShape", str(aetna), str(CG.payer)),
        ("ProcedureStepShape", str(step), str(CG.stepOrder)),
        ("FactProvenanceShape", str(modifier), str(CG.evidence)),
        ("SiteOfServiceShape", str(site), str(CG.placeOfService)),
        ("BillingCodeShape", CPT_1001T, str(SKOS.inScheme)),
    }
    # The caller's dataset is untouched.
    assert validate_graph(seed_build.dataset).conforms


def test_not_found_is_worded_apart_from_declared_unavailable(seed_build):
    data = _copy(seed_build.dataset)
    declarations = list(data.triples((URIRef(CPT_1001T), CG.declaredUnavailable, None)))
    for declaration in declarations:
        data.remove((declaration[2], CG.facet, CGV["facet/related-codes"], None))
    report = validate_graph(data)
    related = [f for f in report.findings if f.path == str(CG.relatedCode)]
    assert [(f.shape.removeprefix(CGSH), f.severity) for f in related] == [("FacetNotFoundShape", "warning")]
    assert related[0].message.startswith("related codes: not found in the source, and the source does not declare it unavailable")


def test_validate_cli_exit_codes_and_formats(run_cli, tmp_path, seed_copy):
    graph = tmp_path / "graph.ttl"
    code, out, _err = run_cli("build", seed_copy.parent, "-o", graph, "--no-validate")
    assert code == 0
    code, out, _err = run_cli("validate", graph)
    assert code == 0
    assert out.startswith("conforms: 0 violation(s), 9 warning(s), 1 info")
    code, _out, _err = run_cli("validate", graph, "--fail-on", "warning")
    assert code == 1
    code, out, _err = run_cli("validate", graph, "--format", "json")
    import json

    report = json.loads(out)
    assert report["counts"] == {"violation": 0, "warning": 9, "info": 1}
    assert {f["focus_node"] for f in report["findings"] if f["path"] == str(CG.modifierUsage)} == {CPT_1001T}
    code, out, _err = run_cli("validate", graph, "--format", "turtle")
    from rdflib import Graph

    results = Graph().parse(data=out, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert len(list(results.subjects(RDF.type, URIRef(sh + "ValidationResult")))) == 10
