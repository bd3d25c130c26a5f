"""SHACL: the seed's gaps as warnings; one planted defect per structural shape as a violation."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Dataset, Literal, URIRef

from codegraph import validate_graph
from codegraph.rdf import CG, CGV, iris
from codegraph.rdf.namespaces import OA
from codegraph.validate import ontology_graph, shapes_graph
from codegraph.validate.shapes import node_shapes
from conftest import CPT_1001T

CGSH = "https://w3id.org/codegraph/shapes#"
DOC = str(iris.document_iri("cpt-1001T-overview.txt"))


def payer(name: str) -> str:
    """A payer node's IRI."""
    return str(iris.payer_iri(name))


def coverage(document: str, name: str) -> str:
    """A page's coverage assertion for a payer."""
    return f"{document}/coverage/{payer(name).rsplit('/', 1)[-1]}"
SH_TARGET_CLASS = URIRef("http://www.w3.org/ns/shacl#targetClass")


def test_seed_has_no_violations_and_exactly_the_expected_warnings(seed_report):
    assert not seed_report.conforms  # SHACL 3.6: any result, warnings included, means it does not conform
    assert seed_report.counts() == {"violation": 0, "warning": 8, "info": 1}
    warnings = {(f.shape.removeprefix(CGSH), f.focus_node, f.path) for f in seed_report.findings if f.severity == "warning"}
    # Modifiers: the page declares them unavailable but gives the rows it has (cut off), so the code
    # has modifiers and no gap there (per code, over all its sources).
    assert warnings == {
        ("FacetDeclaredUnavailableShape", CPT_1001T, str(CG.providerTaxonomy)),
        ("FacetDeclaredUnavailableShape", CPT_1001T, str(CG.icd10Mapping)),
        ("FacetDeclaredUnavailableShape", CPT_1001T, str(CG.relatedCode)),
    } | {
        ("CoverageDecisionShape", coverage(DOC, name), str(CG.coverageStatus))
        for name in ("Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Medicare")
    }
    messages = [f.message for f in seed_report.findings]
    assert any(m.startswith("ICD-10 mappings: ") and "cpt-1001T-overview.txt declares this unavailable (line 5" in m for m in messages)
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


def test_planted_defects_are_each_reported_once(seed_build, seed_report):
    data = _copy(seed_build.dataset)
    code = URIRef(CPT_1001T)
    graph = data.graph(URIRef("urn:test:defects"))
    aetna = URIRef(coverage(DOC, "Aetna"))
    step = URIRef(f"{DOC}/step/3")
    modifier = URIRef(f"{DOC}/modifier/25")
    site = URIRef(f"{DOC}/site-of-service/text")
    bad_code = URIRef("http://purl.bioontology.org/ontology/CPT/1001X")
    # 1. a notation that does not match the CPT pattern
    graph.add((bad_code, RDF.type, CG.BillingCode))
    graph.add((bad_code, SKOS.notation, Literal("1001X")))
    graph.add((bad_code, SKOS.inScheme, URIRef("https://w3id.org/codegraph/id/scheme/cpt")))
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
    assert validate_graph(seed_build.dataset).counts() == seed_report.counts()


def test_not_found_is_worded_apart_from_declared_unavailable(seed_build):
    data = _copy(seed_build.dataset)
    declarations = list(data.triples((URIRef(CPT_1001T), CG.declaredUnavailable, None)))
    for declaration in declarations:
        data.remove((declaration[2], CG.facet, CGV["facet/related-codes"], None))
    report = validate_graph(data)
    related = [f for f in report.findings if f.path == str(CG.relatedCode)]
    assert [(f.shape.removeprefix(CGSH), f.severity) for f in related] == [("FacetNotFoundShape", "warning")]
    assert related[0].message.startswith("related codes: not found in any source of the code, and none declares it unavailable")


def test_validate_cli_exit_codes_and_formats(run_cli, tmp_path, seed_copy):
    graph = tmp_path / "graph.ttl"
    code, out, _err = run_cli("build", seed_copy.parent, "-o", graph, "--no-validate")
    assert code == 0
    code, out, _err = run_cli("validate", "--data", graph)
    assert code == 0
    assert out.startswith("does NOT conform: 0 violation(s), 8 warning(s), 1 info")
    code, _out, _err = run_cli("validate", "--data", graph, "--fail-on", "warning")
    assert code == 1
    code, out, _err = run_cli("validate", "--data", graph, "--format", "json")
    import json

    report = json.loads(out)
    assert report["counts"] == {"violation": 0, "warning": 8, "info": 1}
    assert {f["focus_node"] for f in report["findings"] if f["path"] == str(CG.icd10Mapping)} == {CPT_1001T}
    code, out, _err = run_cli("validate", "--data", graph, "--format", "turtle")
    from rdflib import Graph

    results = Graph().parse(data=out, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert len(list(results.subjects(RDF.type, URIRef(sh + "ValidationResult")))) == 9


# --- One planted defect per shape -------------------------------------------------------------
#
# The seed, plus a copy of it filed under another code (1002T) and document, so that defects that
# silence each other by design (a step without order leaves the numbering unjudged) can sit in
# different documents. Each defect is (shape, focus node, path, severity); the value is checked
# where it says which number or code is wrong.

AS_OF = date(2026, 1, 1)
COPY_KEY = iris.source_id("copy-of-the-seed.txt")
COPY_DOC = f"https://w3id.org/codegraph/id/document/{COPY_KEY}"
CPT_1002T = "http://purl.bioontology.org/ontology/CPT/1002T"
ICD10CM_SCHEME = URIRef("https://w3id.org/codegraph/id/scheme/icd10cm")
ICD = "http://purl.bioontology.org/ontology/ICD10CM/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def _seed_copy_nquads(seed_build) -> str:
    (key, nquads), = seed_build.nquads.items()
    sha = seed_build.documents[0].source.sha256
    copy_sha = "c2" * 32
    return (nquads.replace(sha, copy_sha).replace(iris.source_id(key), COPY_KEY).replace("1001T", "1002T")
            .replace(f'"{key}"', '"copy-of-the-seed.txt"'))


def _evidence(graph, key: str, document: URIRef) -> URIRef:
    node = URIRef(f"{document}/evidence/{key}")
    graph.add((node, RDF.type, CG.Evidence))
    graph.add((node, CG.inDocument, document))
    graph.add((node, CG.startOffset, Literal(0)))
    graph.add((node, CG.endOffset, Literal(10)))
    graph.add((node, CG.quote, Literal("planted")))
    position, quote = iris.position_selector_iri(node), iris.quote_selector_iri(node)
    graph.add((node, RDF.type, OA.SpecificResource))
    graph.add((node, OA.hasSource, document))
    graph.add((node, OA.hasSelector, position))
    graph.add((node, OA.hasSelector, quote))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(0)))
    graph.add((position, OA.end, Literal(10)))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal("planted")))
    return node


def planted_defects(seed_build) -> tuple[Dataset, set[tuple[str, str, str | None, str]], dict[tuple[str, str], str]]:
    """The seed, its copy and one defect per shape: the dataset, the findings each defect must give
    (shape, focus, path, severity) and, for some, the value the finding must carry."""
    data = _copy(seed_build.dataset)
    data.parse(data=_seed_copy_nquads(seed_build), format="nquads")
    graph = data.graph(URIRef("urn:test:defects"))
    seed_code, copy_code = URIRef(CPT_1001T), URIRef(CPT_1002T)
    copy_doc = URIRef(COPY_DOC)
    expected: set[tuple[str, str, str | None, str]] = set()
    values: dict[tuple[str, str], str] = {}

    def expect(shape: str, focus, path, severity: str = "violation", value: str | None = None) -> None:
        expected.add((shape, str(focus), str(path) if path is not None else None, severity))
        if value is not None:
            values[(shape, str(focus))] = value

    # structure.ttl
    unlisted = iris.modifier_iri("Q9")  # no such modifier in the shipped set
    usage = URIRef(f"{COPY_DOC}/modifier/Q9")
    graph.add((usage, CG.modifier, unlisted))
    graph.add((usage, CG.evidence, _evidence(graph, "q9", copy_doc)))  # a fact under RDFS entailment: it has its evidence
    expect("ListedCodeShape", unlisted, SKOS.prefLabel, "warning")
    bad_code = URIRef("http://purl.bioontology.org/ontology/CPT/1001X")
    graph.add((bad_code, RDF.type, CG.BillingCode))
    graph.add((bad_code, SKOS.notation, Literal("1001X")))
    graph.add((bad_code, SKOS.inScheme, URIRef("https://w3id.org/codegraph/id/scheme/cpt")))
    expect("BillingCodeShape", bad_code, SKOS.notation, value="1001X")
    graph.add((copy_code, CG.sunsetDate, Literal("2030-02-30", datatype=XSD_DATE)))  # no 30 February
    expect("BillingCodeShape", copy_code, CG.sunsetDate)
    aetna = URIRef(coverage(DOC, "Aetna"))
    data.remove((aetna, CG.payer, None, None))
    expect("CoverageAssertionShape", aetna, CG.payer)
    cigna = URIRef(coverage(DOC, "Cigna"))
    graph.add((cigna, CG.effectiveDate, Literal("2024-02-30", datatype=XSD_DATE)))
    expect("CoverageAssertionShape", cigna, CG.effectiveDate)
    policy_without_id = URIRef("urn:test:policy/no-id")
    graph.add((policy_without_id, RDF.type, CG.PolicyDocument))
    expect("PolicyDocumentShape", policy_without_id, CG.policyIdentifier)
    unordered = URIRef(f"{COPY_DOC}/step/3")
    data.remove((unordered, CG.stepOrder, None, None))
    expect("ProcedureStepShape", unordered, CG.stepOrder)
    data.remove((URIRef(f"{DOC}/step/5"), CG.stepOrder, None, None))
    graph.add((URIRef(f"{DOC}/step/5"), CG.stepOrder, Literal(12)))  # 1 2 3 4 12 6 ... 11: no step 5
    expect("ProcedureStepSequenceShape", seed_code, CG.procedureStep, value="6")
    extra = URIRef(f"{COPY_DOC}/step/extra")  # a second step 2 in the copy
    graph.add((copy_code, CG.procedureStep, extra))
    graph.add((extra, RDF.type, CG.ProcedureStep))
    graph.add((extra, CG.stepOrder, Literal(2)))
    graph.add((extra, CG.stepKind, CGV["step-kind/other"]))
    graph.add((extra, CG.text, Literal("A second step numbered 2")))
    graph.add((extra, CG.evidence, _evidence(graph, "extra-step", copy_doc)))
    expect("ProcedureStepSequenceShape", copy_code, CG.procedureStep, value="2")
    site = URIRef(f"{DOC}/site-of-service/text")
    graph.add((site, CG.placeOfService, URIRef("https://w3id.org/codegraph/id/pos/98")))
    expect("SiteOfServiceShape", site, CG.placeOfService)
    # provenance.ttl
    modifier = URIRef(f"{DOC}/modifier/25")
    data.remove((modifier, CG.evidence, None, None))
    expect("FactProvenanceShape", modifier, CG.evidence)
    quoteless = URIRef(f"{COPY_DOC}/evidence/2772-2794")  # step 2 of the copy
    data.remove((quoteless, CG.quote, None, None))
    expect("EvidenceShape", quoteless, CG.quote)
    two_sources = URIRef(f"{DOC}/evidence/1349-1506")  # the summary's missing-data sentence
    graph.add((two_sources, OA.hasSource, URIRef("urn:test:another-document")))
    expect("EvidenceAnnotationShape", two_sources, OA.hasSource, value="urn:test:another-document")
    unpositioned = URIRef(f"{DOC}/evidence/1529-1791")  # the overview's description
    data.remove((iris.position_selector_iri(unpositioned), OA.end, None, None))
    expect("EvidenceAnnotationShape", unpositioned, OA.hasSelector)
    data.remove((copy_doc, CG.sha256, None, None))
    graph.add((copy_doc, CG.sha256, Literal("not-a-checksum")))
    expect("SourceDocumentShape", copy_doc, CG.sha256)
    # consistency.ttl
    copy_cigna = URIRef(coverage(COPY_DOC, "Cigna"))
    data.remove((copy_cigna, CG.evidence, None, None))
    expect("CoverageEvidenceShape", copy_cigna, CG.evidence)
    backwards = URIRef("urn:test:policy/backwards")
    graph.add((backwards, RDF.type, CG.PolicyDocument))
    graph.add((backwards, CG.policyIdentifier, Literal("P-1")))
    graph.add((backwards, CG.effectiveFrom, Literal("2025-06-01", datatype=XSD_DATE)))
    graph.add((backwards, CG.effectiveThrough, Literal("2025-01-31", datatype=XSD_DATE)))
    expect("EffectivePeriodShape", backwards, CG.effectiveFrom, value="2025-06-01")
    uhc = URIRef(coverage(DOC, "UnitedHealthcare"))
    data.remove((uhc, CG.coverageStatus, None, None))
    graph.add((uhc, CG.coverageStatus, CGV["coverage-status/covered"]))
    bulletin_doc = URIRef("urn:test:bulletin")
    graph.add((bulletin_doc, RDF.type, CG.SourceDocument))
    graph.add((bulletin_doc, CG.sha256, Literal("b" * 64)))
    graph.add((bulletin_doc, CG.sourcePath, Literal("bulletin.csv")))
    bulletin = URIRef("urn:test:bulletin/coverage/unitedhealthcare")
    graph.add((bulletin, RDF.type, CG.CoverageAssertion))
    graph.add((bulletin, CG.evidence, _evidence(graph, "bulletin", bulletin_doc)))
    graph.add((bulletin, CG.billingCode, seed_code))
    graph.add((bulletin, CG.payer, URIRef(payer("UnitedHealthcare"))))
    graph.add((bulletin, CG.coverageStatus, CGV["coverage-status/not-covered"]))
    expect("SourceDisagreementShape", uhc, CG.coverageStatus, "warning", value=str(bulletin))
    expect("SourceDisagreementShape", bulletin, CG.coverageStatus, "warning", value=str(uhc))
    graph.add((seed_code, CG.sunsetDate, Literal("2020-07-01", datatype=XSD_DATE)))
    expect("SunsetCodeShape", seed_code, CG.sunsetDate, "warning", value="2020-07-01")
    graph.add((ICD10CM_SCHEME, RDF.type, SKOS.ConceptScheme))  # a two-code stand-in for the release
    for notation, billable in (("R15", False), ("R15.9", True)):
        graph.add((URIRef(ICD + notation), RDF.type, SKOS.Concept))
        graph.add((URIRef(ICD + notation), SKOS.inScheme, ICD10CM_SCHEME))
        graph.add((URIRef(ICD + notation), SKOS.notation, Literal(notation)))
        graph.add((URIRef(ICD + notation), CG.billable, Literal(billable)))
    for notation in ("R15", "R15.X", "R15.9"):
        mapping = URIRef(f"{COPY_DOC}/icd10/{notation}")
        graph.add((copy_code, CG.icd10Mapping, mapping))
        graph.add((mapping, RDF.type, CG.DiagnosisMapping))
        graph.add((mapping, CG.evidence, _evidence(graph, f"icd10-{notation}", copy_doc)))
        graph.add((mapping, CG.diagnosis, URIRef(ICD + notation)))
        graph.add((mapping, CG.notation, Literal(notation)))
    expect("DiagnosisCodeShape", f"{COPY_DOC}/icd10/R15", CG.diagnosis, value=ICD + "R15")
    expect("DiagnosisCodeShape", f"{COPY_DOC}/icd10/R15.X", CG.diagnosis, value=ICD + "R15.X")
    # completeness.ttl
    data.remove((URIRef(f"{COPY_DOC}/unavailable/1"), CG.facet, CGV["facet/related-codes"], None))
    expect("FacetNotFoundShape", copy_code, CG.relatedCode, "warning")
    # The copy is cut off before its provider taxonomies: "not reached", not "not found".
    data.remove((URIRef(f"{COPY_DOC}/unavailable/1"), CG.facet, CGV["facet/provider-taxonomies"], None))
    cut = _evidence(graph, "cut", copy_doc)
    graph.add((cut, CG.section, Literal("coding-specifications")))
    graph.add((cut, CG.line, Literal(27)))
    graph.add((copy_doc, CG.cutOffAt, cut))
    graph.add((copy_doc, CG.facetNotReached, CGV["facet/provider-taxonomies"]))
    expect("FacetNotReachedShape", copy_code, CG.providerTaxonomy, "info")
    humana = URIRef(payer("Humana"))
    graph.add((humana, RDF.type, CG.Payer))
    graph.add((humana, URIRef("http://schema.org/name"), Literal("Humana")))
    graph.add((copy_doc, CG.namesPayer, humana))
    expect("NamedPayerCoverageShape", copy_doc, CG.namesPayer, "warning", value=str(humana))
    expect("CoverageDecisionShape", coverage(DOC, "Medicare"), CG.coverageStatus, "warning")
    # The copy's page declares modifiers unavailable; without the rows it read, no source supplies them.
    for _s, _p, usage, _g in list(data.quads((copy_code, CG.modifierUsage, None, None))):
        data.remove((copy_code, CG.modifierUsage, usage, None))
    expect("FacetDeclaredUnavailableShape", copy_code, CG.modifierUsage, "warning")
    expect("UnnamedGapShape", copy_code, CG.declaredUnavailable, "info")
    return data, expected, values


def _keys(report) -> list[tuple[str, str, str | None, str]]:
    return [(f.shape.removeprefix(CGSH), f.focus_node, f.path, f.severity) for f in report.findings]


@pytest.fixture(scope="module")
def planted(seed_build):
    data, expected, values = planted_defects(seed_build)
    return data, expected, values, validate_graph(data, as_of=AS_OF)


def test_every_node_shape_has_a_planted_defect(planted):
    _data, expected, _values, _report = planted
    assert {shape for shape, *_ in expected} == {str(s).removeprefix(CGSH) for s in node_shapes(shapes_graph())}


def test_each_planted_defect_is_reported_once_with_focus_path_and_severity(planted):
    _data, expected, values, report = planted
    keys = _keys(report)
    for key in expected:
        assert keys.count(key) == 1, f"{key} reported {keys.count(key)} times"
    # Nothing else is a violation: no defect is reported twice under another shape.
    assert {k for k in keys if k[3] == "violation"} == {k for k in expected if k[3] == "violation"}
    assert sum(1 for k in keys if k[3] == "violation") == len({k for k in expected if k[3] == "violation"})
    by_shape_focus = {(f.shape.removeprefix(CGSH), f.focus_node): f for f in report.findings}
    for (shape, focus), value in values.items():
        assert by_shape_focus[(shape, focus)].value == value, (shape, focus)


def test_planted_findings_carry_actionable_messages(planted):
    *_rest, report = planted
    messages = {(f.shape.removeprefix(CGSH), f.focus_node): f.message for f in report.findings}
    assert messages[("ProcedureStepSequenceShape", CPT_1001T)].startswith(
        "Procedure steps of 1001T read from ") and "there is no step 5 before step 6" in messages[("ProcedureStepSequenceShape", CPT_1001T)]
    assert "number two steps 2" in messages[("ProcedureStepSequenceShape", CPT_1002T)]
    assert messages[("SunsetCodeShape", CPT_1001T)].startswith("Sunset on 2020-07-01 (validated as of 2026-01-01)")
    uhc = coverage(DOC, "UnitedHealthcare")
    assert messages[("SourceDisagreementShape", uhc)].startswith("UnitedHealthcare coverage of 1001T effective undated: ")
    assert messages[("SourceDisagreementShape", uhc)].endswith(
        "cpt-1001T-overview.txt says covered but bulletin.csv says not-covered; check the payer's current policy and correct or retire the outdated source.")
    assert messages[("DiagnosisCodeShape", f"{COPY_DOC}/icd10/R15")].startswith("ICD-10-CM R15 (no label) is not billable")
    assert messages[("DiagnosisCodeShape", f"{COPY_DOC}/icd10/R15.X")].startswith("ICD-10-CM R15.X does not exist")
    assert messages[("NamedPayerCoverageShape", COPY_DOC)].startswith("Humana is named in ")


def test_findings_are_grouped_by_code_and_facet(planted):
    *_rest, report = planted
    where = {(f.shape.removeprefix(CGSH), f.focus_node): (f.code, f.facet) for f in report.findings}
    assert where[("SiteOfServiceShape", f"{DOC}/site-of-service/text")] == ("1001T", "site of service")
    assert where[("FactProvenanceShape", f"{DOC}/modifier/25")] == ("1001T", "modifiers")
    assert where[("EvidenceShape", f"{COPY_DOC}/evidence/2772-2794")] == ("1002T", "provenance")
    assert where[("NamedPayerCoverageShape", COPY_DOC)] == ("1002T", "payer policies")
    assert where[("ProcedureStepSequenceShape", CPT_1001T)] == ("1001T", "procedure steps")
    assert where[("EffectivePeriodShape", "urn:test:policy/backwards")] == (None, "payer policies")
    assert where[("SourceDisagreementShape", "urn:test:bulletin/coverage/unitedhealthcare")] == ("1001T", "payer policies")


def test_sunset_is_judged_as_of_the_date_given(planted):
    data, *_rest = planted
    before = validate_graph(data, as_of=date(2020, 6, 30))
    assert not [f for f in before.findings if f.shape == CGSH + "SunsetCodeShape"]
    assert before.as_of == date(2020, 6, 30)


def test_icd10cm_checks_wait_for_the_scheme(planted):
    data, *_rest = planted
    without = _copy(data)
    without.remove((ICD10CM_SCHEME, None, None, None))
    assert not [f for f in validate_graph(without, as_of=AS_OF).findings if f.shape == CGSH + "DiagnosisCodeShape"]


def test_a_decision_from_another_source_answers_the_missing_decision(seed_build):
    data = _copy(seed_build.dataset)
    graph = data.graph(URIRef("urn:test:import"))
    document = URIRef("urn:test:policy-table")
    graph.add((document, RDF.type, CG.SourceDocument))
    graph.add((document, CG.sha256, Literal("a" * 64)))
    decision = URIRef("urn:test:policy-table/aetna")
    graph.add((decision, RDF.type, CG.CoverageAssertion))
    graph.add((decision, CG.evidence, _evidence(graph, "row-2", document)))
    graph.add((decision, CG.billingCode, URIRef(CPT_1001T)))
    graph.add((decision, CG.payer, URIRef(payer("Aetna"))))
    graph.add((decision, CG.coverageStatus, CGV["coverage-status/experimental"]))
    report = validate_graph(data, as_of=AS_OF)
    missing = {f.focus_node for f in report.findings if f.shape == CGSH + "CoverageDecisionShape"}
    assert coverage(DOC, "Aetna") not in missing
    assert coverage(DOC, "Cigna") in missing and len(missing) == 4


def test_every_fact_class_has_its_evidence_checked_once():
    """A new cg:Fact subclass must be added to FactProvenanceShape's targets (provenance.ttl)."""
    ontology, shapes = ontology_graph(), shapes_graph()
    facts = set(ontology.subjects(RDFS.subClassOf, CG.Fact))
    provenance = set(shapes.objects(URIRef(CGSH + "FactProvenanceShape"), SH_TARGET_CLASS))
    coverage = set(shapes.objects(URIRef(CGSH + "CoverageEvidenceShape"), SH_TARGET_CLASS))
    assert provenance.isdisjoint(coverage)
    assert facts == provenance | coverage, f"not checked for evidence: {facts - provenance - coverage}"


def test_cli_html_and_gaps(run_cli, tmp_path, seed_copy):
    graph = tmp_path / "graph.ttl"
    assert run_cli("build", seed_copy.parent, "-o", graph, "--no-validate")[0] == 0
    code, out, _err = run_cli("validate", "--data", graph, "--format", "html", "--date", "2026-01-01")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") and "<h2>code 1001T" in out
    assert 'data-severity="warning"' in out and "as of 2026-01-01" in out
    assert "http://" not in out.split("<body>")[0] and "<link" not in out and "src=" not in out  # self-contained
    code, out, _err = run_cli("validate", "--data", graph, "--gaps")
    assert code == 0
    assert out.splitlines()[0] == ("4 missing facet(s) per code in 1 code(s) (no current source supplies them), "
                                   "and 4 per-document note(s) (what one page lacks)")
    assert any(line.split()[:3] == ["related-codes", "declared", "unavailable"] for line in out.splitlines())
    code, out, _err = run_cli("validate", "--data", graph, "--gaps", "--format", "json")
    import json

    gaps = json.loads(out)["codes"]["1001T"]
    assert {g["facet"]: g["declared_unavailable"] for g in gaps["per_code"]}["icd10-mappings"] is True
    code, _out, err = run_cli("validate", "--data", graph, "--gaps", "--format", "html")
    assert code == 2 and "--gaps writes text, json, csv or xlsx" in err
    code, _out, err = run_cli("validate", "--data", graph, "--date", "2026-13-01")
    assert code == 2 and "is not a date" in err
    code, out, _err = run_cli("validate", "--data", graph, "--engine", "pyshacl", "--date", "2026-01-01")
    assert code == 0 and out.startswith("does NOT conform: 0 violation(s), 8 warning(s), 1 info (as of 2026-01-01, engine pyshacl)")


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed at /usr/bin/chromium (Debian package 'chromium'); "
                                                 "the HTML report is checked for structure in test_cli_html_and_gaps")
def test_html_report_opens_in_headless_chromium(planted, tmp_path):
    """The page renders, its script runs (the filter form is shown, every finding counted), and a
    screenshot is taken."""
    from codegraph.validate.html import render_html

    *_rest, report = planted
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    common = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True).stdout
    assert '<form id="filters">' in dom  # the script removed 'hidden'
    assert f'<span id="visible">{len(report.findings)}</span>' in dom
    screenshot = tmp_path / "report.png"
    subprocess.run([*common, f"--screenshot={screenshot}", "--window-size=1280,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 10_000


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the filter script's syntax is not checked")
def test_html_filter_script_is_valid_javascript(seed_report, tmp_path):
    from codegraph.validate.html import render_html

    page = render_html(seed_report)
    script = tmp_path / "filter.js"
    script.write_text(page.split("<script>", 1)[1].split("</script>", 1)[0], encoding="utf-8")
    checked = subprocess.run([shutil.which("node"), "--check", str(script)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_html_escapes_what_it_shows(seed_report):
    from codegraph.validate.html import render_html
    from codegraph.validate.report import Finding, ValidationReport

    hostile = Finding(severity="violation", focus_node="urn:x:<script>alert(1)</script>", path=None, shape=CGSH + "X",
                      component="c", message='Say "<b>hi</b>" & leave', value=None, code="<i>1001T</i>", facet="a<b")
    page = render_html(ValidationReport(findings=[hostile], results_graph_source=seed_report.results_graph), title="<title>")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;hi&lt;/b&gt;" in page and "&amp; leave" in page and "code &lt;i&gt;1001T&lt;/i&gt;" in page
    assert "<h3>a&lt;b</h3>" in page and page.count("<script>") == 1


def test_html_report_allows_only_its_own_script(seed_report):
    import base64
    import hashlib
    import re

    from codegraph.validate.html import render_html

    page = render_html(seed_report, index_href="index.html")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f"script-src 'sha256-{digest}'" in policy
    assert '<a href="index.html">' in page
    assert '<a href="index.html">' not in render_html(seed_report)
