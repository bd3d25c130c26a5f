"""Cut-off pages as facts: where the text stops, the values the cut interrupts, the facets it never
reached, and how the graph and the shapes say so (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from codegraph import build, extract_document, validate_graph
from codegraph.rdf.mapper import facts_to_named_graphs
from codegraph.rdf.namespaces import CG, CGV
from codegraph.read import document_from_bytes

CORPUS = Path(__file__).parent / "corpus" / "documents"
TOP = "Summary & Overview\nCPT 0628T: Lumbar Intradiscal Injection, Additional Level\nThe page names Aetna and Cigna.\n"
OVERVIEW = TOP + "Billing Code Overview\nThe add-on is reported with the primary code.\n"
LABELS = OVERVIEW + "Service type: Image-guided intradiscal injection\nTypical site of service: Hospital outpatient department (POS 22)\n"
TABLE = LABELS + "Clinical & Coding Specifications\nCoding Specifications\n| Modifier | Description | When to Use |\n|---|---|---|\n"

# (page text, expected (kind, section id, heading) or None when the page ends where a page may end)
CASES = {
    "complete sentence": (OVERVIEW, None),
    "complete sentence, no line end": (OVERVIEW.rstrip("\n"), None),
    "complete heading": (LABELS + "Clinical & Coding Specifications\n", None),
    "label line with a line end": (LABELS, None),
    "complete row": (TABLE + "| 50 | Bilateral | Both sides |\n", None),
    "stray dash after a complete row": (TABLE + "| 50 | Bilateral | Both sides |\n-\n", None),
    "label value, no line end": (LABELS.rstrip("\n"), ("mid-sentence", "overview", "Billing Code Overview")),
    "label value ending in a letter, no line end": (OVERVIEW + "Service type: Injection", ("mid-word", "overview", "Billing Code Overview")),
    "mid-word in prose": (OVERVIEW + "Imaging is inclu", ("mid-word", "overview", "Billing Code Overview")),
    "trailing space, no line end": (OVERVIEW + "Imaging is included and ", ("mid-sentence", "overview", "Billing Code Overview")),
    "prose line without a full stop": (OVERVIEW + "Imaging is included and\n", ("mid-sentence", "overview", "Billing Code Overview")),
    "label without its value": (LABELS + "Clinical & Coding Specifications\nClinical Context\nProcedure workflow:\n",
                                ("mid-sentence", "clinical-context", "Clinical Context")),
    "heading cut mid-word": (LABELS + "Clinic", ("mid-heading", "specifications", "Clinical & Coding Specifications")),
    "heading cut after the overview in CPT style": (TOP + "CPT Code Ov", ("mid-heading", "overview", "Billing Code Overview")),
    "row with fewer cells": (TABLE + "| 50 | Bilat", ("mid-row", "coding-specifications", "Coding Specifications")),
    "row with fewer cells and a line end": (TABLE + "| 50 |\n", ("mid-row", "coding-specifications", "Coding Specifications")),
    "table header without rows": (TABLE, ("mid-row", "coding-specifications", "Coding Specifications")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_where_a_page_is_cut_off(name):
    text, expected = CASES[name]
    doc = document_from_bytes(text.encode("utf-8"), "page.txt")
    cut = doc.cut
    if expected is None:
        assert cut is None
        return
    assert cut is not None
    assert (cut.kind, cut.section, cut.heading) == expected
    assert cut.offset == len(text.rstrip())
    assert doc.lines[cut.line - 1].start <= cut.offset <= doc.lines[cut.line - 1].end


@pytest.mark.parametrize(
    ("tail", "service", "service_cut", "site", "site_cut", "site_state"),
    [
        ("Service type: Image-guided intra", "Image-guided intra", True, None, False, "not-reached"),
        ("The service type is an injection. The typical site of service is an", "an injection", False, None, False, "cut-off"),
        ("Service type: Injection\n-\nTypical site of s", "Injection", False, None, False, "cut-off"),
        ("Service type: Injection\nTypical site of service: Ambulatory surg", "Injection", False, "Ambulatory surg", True, "cut-off"),
        ("Service type: Injection\nTypical site of service: Physician office (POS 11)\n", "Injection", False,
         "Physician office (POS 11)", False, "read"),
    ],
)
def test_a_value_the_cut_runs_into_is_kept_and_marked(tmp_path, tail, service, service_cut, site, site_cut, site_state):
    path = tmp_path / "page.txt"
    path.write_text(OVERVIEW + tail, encoding="utf-8")
    data = extract_document(path).to_json()
    assert (data["service_type"], data["service_type_cut_off"]) == (service, service_cut)
    assert (data["site_of_service"]["text"], data["site_of_service"]["cut_off"]) == (site, site_cut)
    assert data["facet_states"]["site-of-service"] == site_state
    assert data["facet_states"]["service-type"] == ("cut-off" if service_cut else "read")


def test_cut_row_is_marked_and_later_facets_are_not_reached():
    data = extract_document(CORPUS / "hcpcs-j0585-truncated-mid-modifier-cell.txt").to_json(evidence=True)
    assert data["cut_off"]["kind"] == "mid-row"
    assert data["cut_off"]["evidence"]["quote"] == "| JZ | Zero drug amount discar"
    assert data["cut_off"]["offset"] == data["cut_off"]["evidence"]["end"]
    assert data["facet_states"]["modifiers"] == "cut-off"
    assert data["not_reached"] == ["provider-taxonomies", "related-codes"]
    facts = extract_document(CORPUS / "hcpcs-j0585-truncated-mid-modifier-cell.txt")
    assert [(row.code, row.cut_off) for row in facts.modifiers] == [("JW", False), ("JZ", True)]


FACET = CGV["facet/"]


def document_graph(facts) -> Graph:
    """Every triple the page's facts map to, whatever their named graph."""
    graph = Graph()
    for triples in facts_to_named_graphs(facts, "test").values():
        for triple in triples:
            graph.add(triple)
    return graph


def test_the_graph_says_where_the_page_stops_and_what_it_never_reached():
    facts = extract_document(CORPUS / "cpt-0594T-cut-mid-word-in-service-type.txt")
    graph = document_graph(facts)
    document = next(graph.subjects(CG.cutKind, None))
    assert graph.value(document, CG.cutKind) == Literal("mid-word")
    span = graph.value(document, CG.cutOffAt)
    assert graph.value(span, CG.endOffset).toPython() == facts.cut_off.offset
    assert graph.value(span, CG.section) == Literal("overview")
    assert str(graph.value(span, CG.quote)) == "Service type: Orthopedic limb lengthen"
    lexicon_facets = {URIRef(FACET + "anatomical-target")}  # follows the anatomy lexicon: tested there
    assert set(graph.objects(document, CG.facetNotReached)) - lexicon_facets == {
        URIRef(FACET + facet) for facet in ("site-of-service", "icd10-mappings", "related-codes", "payer-policies")
    }
    assert set(graph.objects(document, CG.facetCutOff)) == {URIRef(FACET + "service-type")}
    service = next(graph.subjects(CG.text, Literal("Orthopedic limb lengthen")))
    assert graph.value(service, CG.valueCutOff) == Literal(True)


def test_a_complete_page_has_no_cut_terms():
    graph = document_graph(extract_document(CORPUS / "cpt-64493-complete-page.txt"))
    for term in (CG.cutOffAt, CG.cutKind, CG.facetNotReached, CG.facetCutOff, CG.valueCutOff):
        assert not list(graph.triples((None, term, None))), term


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_validation_reports_not_reached_instead_of_not_found(engine):
    result = build([CORPUS / "cpt-0630T-cut-inside-a-heading.txt"])
    report = validate_graph(result.dataset, engine=engine)
    shapes = {}
    for finding in report.findings:
        shapes.setdefault(finding.shape.rsplit("#", 1)[-1], []).append(finding)
    not_reached = {f.path.rsplit("#", 1)[-1] for f in shapes.get("FacetNotReachedShape", [])}
    assert not_reached == {"modifierUsage", "providerTaxonomy", "icd10Mapping", "relatedCode"}
    assert all(f.severity == "info" for f in shapes["FacetNotReachedShape"])
    assert "cut-inside-a-heading.txt is cut off before" in shapes["FacetNotReachedShape"][0].message
    not_found = {f.path.rsplit("#", 1)[-1] for f in shapes.get("FacetNotFoundShape", [])}
    assert not not_found & not_reached
    decisions = shapes["CoverageDecisionShape"]
    assert len(decisions) == 3  # Aetna, UnitedHealthcare, Medicare: one each, worded for the cut
    assert all("cut off before its payer coverage section" in f.message for f in decisions)
