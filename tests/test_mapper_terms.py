"""The page mapper writes N-Triples text directly; each line is what writing rdflib terms gives.

The reference below is the mapper as it was before it wrote text: every term an rdflib
``URIRef`` or ``Literal`` given to ``TripleWriter.add``. Both must give the same N-Quads, byte
for byte and in the same order, for every page of the test corpus and for facts with every
kind of value (cut-off rows, unlisted codes, related codes, hedged concepts, dates, escapes).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import PROV

from codegraph.builder import DocumentInput, _read_one
from codegraph.extract import extract
from codegraph.model import (
    ConceptMention,
    CoverageFact,
    DiagnosisRow,
    DocumentFacts,
    Evidence,
    ModifierRow,
    PayerMention,
    RelatedCodeRow,
    StepFact,
    TaxonomyRow,
)
from codegraph.rdf import iris
from codegraph.rdf.mapper import facts_to_nquads
from codegraph.rdf.namespaces import CG
from codegraph.rdf.terms import nquad_lines, nt_term
from codegraph.rdf.writer import TripleWriter
from codegraph.read import read_document

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "tests" / "corpus" / "documents").iterdir()) + [ROOT / "data" / "documents" / "cpt-1001T-overview.txt"]


class ReferenceMapper(TripleWriter):
    """The page mapper through rdflib terms (the plain way)."""

    def __init__(self, facts: DocumentFacts, version: str):
        self.facts = facts
        self.key = facts.source.identity
        super().__init__(iris.document_graph_iri(self.key))
        self.evidence_nodes: set[URIRef] = set()
        self.document = iris.document_iri(self.key)
        self.code_node = iris.code_iri(facts.code.system, facts.code.code)
        self.activity_node = iris.extraction_activity_iri(version)
        self.version = version

    def span(self, ev: Evidence) -> URIRef:
        node = iris.evidence_iri(self.key, ev.start, ev.end)
        if node not in self.evidence_nodes:
            self.evidence_nodes.add(node)
            self.evidence(self.key, self.document, ev.section, ev.start, ev.end, ev.line, ev.quote)
        return node

    def fact(self, kind: str, key: str | int, rdf_type: URIRef, facet: URIRef | None, ev: Evidence) -> URIRef:
        node = iris.fact_iri(self.key, kind, key)
        self.add(node, RDF.type, rdf_type)
        self.add(node, CG.evidence, self.span(ev))
        self.add(node, PROV.wasGeneratedBy, self.activity_node)
        if facet is not None:
            self.add(self.code_node, facet, node)
        return node

    def cut_off(self, node: URIRef, cut_off: bool) -> None:
        """A value the end of the page interrupted ("Ambulatory surgery cen") says so."""
        if cut_off:
            self.add(node, CG.valueCutOff, Literal(True))

    def map_cut_off(self) -> None:
        """Where the document is cut off, and the facets the cut interrupted or never reached."""
        cut = self.facts.cut_off
        if cut is not None:
            self.add(self.document, CG.cutOffAt, self.span(cut.evidence))
            self.add(self.document, CG.cutKind, Literal(cut.kind))
        for facet, state in sorted(self.facts.facet_states.items()):
            if state == "not-reached":
                self.add(self.document, CG.facetNotReached, iris.value_iri("facet", facet))
            elif state == "cut-off":
                self.add(self.document, CG.facetCutOff, iris.value_iri("facet", facet))

    def map(self) -> TripleWriter:
        f = self.facts
        add = self.add

        self.activity(self.activity_node, f"codegraph extract {self.version}", self.version, self.document)
        self.source_document(self.key, f.source.sha256, f.source.path, url=f.source.url)
        add(self.document, CG.describesCode, self.code_node)
        self.code(f.code.system, f.code.code)

        overview = self.fact("overview", "code", CG.CodeOverview, CG.overview, f.code.evidence)
        self.text(overview, CG.title, f.code.title)
        if f.description:
            description = self.fact("description", "text", CG.CodeOverview, CG.overview, f.description.evidence)
            self.text(description, CG.descriptionText, f.description.text)
        if f.service_type:
            node = self.fact("service-type", "text", CG.ServiceTypeFact, CG.serviceType, f.service_type.evidence)
            self.text(node, CG.text, f.service_type.text)
            self.cut_off(node, f.service_type.cut_off)
        if f.site_of_service:
            site = f.site_of_service
            node = self.fact("site-of-service", "text", CG.SiteOfServiceFact, CG.siteOfService, site.evidence)
            self.text(node, CG.text, site.text)
            self.cut_off(node, site.cut_off)
            for pos in site.pos:
                add(node, CG.placeOfService, self.listed("place-of-service", pos, iris.place_of_service_iri(pos)))
            for candidate in site.pos_candidates:
                add(node, CG.candidatePhrase, Literal(candidate.phrase))
                for pos in candidate.pos:
                    add(node, CG.candidatePlaceOfService, self.listed("place-of-service", pos, iris.place_of_service_iri(pos)))

        for target in f.anatomy:
            # Only a target is cg:anatomicalTarget; a harvest site, approach, indication or avoided
            # structure is a cg:AnatomicalMention with its role, so no query reads it as a target.
            local = iris.slug(target.iri.rsplit("/", 1)[-1])
            if target.role == "target":
                node = self.fact("anatomy", local, CG.AnatomicalTarget, CG.anatomicalTarget, target.evidence)
            else:
                node = self.fact("anatomy-mention", f"{target.role}-{local}", CG.AnatomicalMention, CG.anatomicalMention, target.evidence)
            add(node, CG.anatomy, URIRef(target.iri))
            add(node, CG.anatomyRole, iris.value_iri("anatomy-role", target.role))
            add(node, RDFS.label, Literal(target.label, lang="en"))

        mention_nodes = []
        for mention in f.concepts:
            key = f"{mention.role}-{iris.slug(mention.label)}" + ("" if mention.asserted else "-hedged")
            node = self.fact("concept", key, CG.ClinicalConceptMention, CG.clinicalConcept, mention.evidence)
            mention_nodes.append((mention.evidence, node))
            add(node, CG.conceptRole, iris.value_iri("concept-role", mention.role))
            add(node, RDFS.label, Literal(mention.label, lang="en"))
            add(node, CG.asserted, Literal(mention.asserted))
            if mention.iri:
                add(node, CG.concept, URIRef(mention.iri))

        for step in f.steps:
            node = self.fact("step", step.order, CG.ProcedureStep, CG.procedureStep, step.evidence)
            add(node, CG.stepOrder, Literal(step.order))
            add(node, CG.stepKind, iris.value_iri("step-kind", step.kind))
            add(node, CG.text, Literal(step.text))
            for span, mention_node in mention_nodes:  # concepts named inside the step's text
                if step.evidence.start <= span.start and span.end <= step.evidence.end:
                    add(node, CG.mentions, mention_node)

        for payer in f.payers:
            add(self.document, CG.namesPayer, self.payer(payer.name))

        for coverage in f.coverage:
            payer_node = self.payer(coverage.payer)
            node = self.fact("coverage", payer_node.rsplit("/", 1)[-1], CG.CoverageAssertion, None, coverage.evidence)
            add(node, CG.billingCode, self.code_node)
            add(node, CG.payer, payer_node)
            add(node, CG.coverageStatus, iris.value_iri("coverage-status", coverage.status))
            add(node, CG.priorAuthorization, iris.value_iri("prior-auth", coverage.prior_auth))
            self.text(node, CG.policyIdentifier, coverage.policy_id)
            if coverage.effective_date:
                add(node, CG.effectiveDate, Literal(coverage.effective_date, datatype=XSD.date))

        for modifier in f.modifiers:
            node = self.fact("modifier", modifier.code, CG.ModifierUsage, CG.modifierUsage, modifier.evidence)
            add(node, CG.modifier, self.listed("modifiers", modifier.code, iris.modifier_iri(modifier.code)))
            add(node, CG.notation, Literal(modifier.code))
            self.text(node, CG.descriptionText, modifier.description)
            self.text(node, CG.whenToUse, modifier.when_to_use)
            self.cut_off(node, modifier.cut_off)
        for taxonomy in f.taxonomies:
            node = self.fact("taxonomy", taxonomy.code, CG.TaxonomyMapping, CG.providerTaxonomy, taxonomy.evidence)
            add(node, CG.taxonomy, self.listed("nucc-taxonomy", taxonomy.code, iris.taxonomy_iri(taxonomy.code)))
            add(node, CG.notation, Literal(taxonomy.code))
            self.text(node, CG.descriptionText, taxonomy.description)
            self.cut_off(node, taxonomy.cut_off)
        for diagnosis in f.icd10:
            node = self.fact("icd10", diagnosis.code, CG.DiagnosisMapping, CG.icd10Mapping, diagnosis.evidence)
            add(node, CG.diagnosis, iris.code_iri("ICD-10-CM", diagnosis.code))
            add(node, CG.notation, Literal(diagnosis.code))
            self.text(node, CG.descriptionText, diagnosis.description)
            self.cut_off(node, diagnosis.cut_off)
        for related in f.related_codes:
            node = self.fact("related", f"{related.system}-{related.code}", CG.RelatedCodeLink, CG.relatedCode, related.evidence)
            add(node, CG.relatedTo, self.related_code(related.system, related.code))
            add(node, CG.notation, Literal(related.code))
            self.text(node, CG.descriptionText, related.description)
            self.cut_off(node, related.cut_off)

        for number, statement in enumerate(f.unavailable_statements, start=1):
            node = self.fact("unavailable", number, CG.UnavailableDeclaration, CG.declaredUnavailable, statement.evidence)
            add(node, CG.text, Literal(statement.evidence.quote))
            for facet in statement.facets:
                add(node, CG.facet, iris.value_iri("facet", facet))
        self.map_cut_off()
        return self


def reference_nquads(facts: DocumentFacts, version: str) -> str:
    return ReferenceMapper(facts, version).map().nquads()


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_a_page_maps_to_the_lines_rdflib_terms_give(page):
    facts = extract(read_document(page))
    text = facts_to_nquads(facts, "test")
    assert text == reference_nquads(facts, "test")
    assert f"<{iris.document_iri(facts.source.identity)}>" in text


def test_every_kind_of_value_maps_to_the_lines_rdflib_terms_give():
    facts = extract(read_document(PAGES[-1]))
    tricky = 'a "quoted"\tword\\ with\nlines\u2028and é'

    def at(start: int) -> Evidence:
        return Evidence("Codes", start, start + 5, 3, tricky)

    facts = replace(
        facts,
        source=replace(facts.source, url="https://example.org/cpt/1001T?page=2"),
        concepts=[ConceptMention("indication", "Knee pain", "http://purl.obolibrary.org/obo/HP_0030839", False, at(1)),
                  ConceptMention("device", tricky, None, True, at(1))],
        steps=[StepFact(1, "injection", tricky, Evidence("Steps", 0, 40, 1, "x")), StepFact(2, "imaging", "Look", at(50))],
        payers=[PayerMention("Aetna", at(60)), PayerMention("  aetna ", at(60)), PayerMention("Acme Health", at(61))],
        coverage=[CoverageFact("Aetna", "covered", "required", at(70), policy_id="CPB 0179", effective_date="2024-01-31"),
                  CoverageFact("Acme Health", "not-covered", "unknown", at(71), effective_date="2024-02-30")],
        modifiers=[ModifierRow("50", "Bilateral", "Both sides", at(80)), ModifierRow("Q9", None, " ", at(81), cut_off=True)],
        taxonomies=[TaxonomyRow("207X00000X", "Orthopaedic Surgery", at(90)), TaxonomyRow("999Z99999Z", None, at(91), cut_off=True)],
        icd10=[DiagnosisRow("M17.11", "Primary osteoarthritis, right knee", at(100))],
        related_codes=[RelatedCodeRow("CPT", "20610", tricky, at(110)), RelatedCodeRow("HCPCS", "J7321", None, at(111), cut_off=True)],
    )
    text = facts_to_nquads(facts, "1.2.3")
    assert text == reference_nquads(facts, "1.2.3")
    assert '"2024-01-31"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert "<http://schema.org/url> <https://example.org/cpt/1001T?page=2>" in text
    assert '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>' in text
    assert "\\u2028" not in text and "\u2028" in text  # written as it is, as pyoxigraph writes it


def test_a_fact_iri_is_its_document_prefix_and_path():
    assert iris.fact_iri("page.txt", "concept", "a b/c") == URIRef(iris.document_node_prefix("page.txt") + "concept/a%20b%2Fc")
    assert str(iris.evidence_iri("page.txt", 3, 9)) == f"{iris.document_node_prefix('page.txt')}evidence/3-9"


def test_a_payer_term_writes_the_lines_payer_writes():
    one, other = TripleWriter(iris.document_graph_iri("a")), TripleWriter(iris.document_graph_iri("a"))
    assert one.payer_term("United  Healthcare") == nt_term(other.payer("United  Healthcare"))
    one.payer_term("Aetna")
    other.payer("Aetna")
    assert one.nquads() == other.nquads()
    assert one.nquads().count("<http://schema.org/Organization>") == 2


def reference_page(facts: DocumentFacts, version: str) -> tuple[bytes, int, str]:
    """A page's own graph (its lines sorted, each once) and its shared lines, as the builder first
    split them: every line of ``facts_to_nquads`` by its graph suffix."""
    suffix = f" <{iris.document_graph_iri(facts.source.identity)}> .\n"
    own, shared = set(), []
    for line in nquad_lines(facts_to_nquads(facts, version), keepends=True):
        (own.add(line) if line.endswith(suffix) else shared.append(line))
    return "".join(sorted(own)).encode("utf-8"), len(own), "".join(shared)


# The second name puts U+2028 and NEL into a literal (the cg:sourcePath). ``str.splitlines`` tore
# that line in two and the page's quads no longer parsed; only "\n" ends an N-Quads line.
@pytest.mark.parametrize("display", ["pages/seed.txt", "pages/line\u2028separator\x85.txt"])
def test_a_worker_splits_a_page_as_its_n_quads_split(display):
    import pyoxigraph as ox

    item = DocumentInput(PAGES[-1], "pages/seed.txt", display)
    facts, page = _read_one(item, "test")
    assert (page.own, page.own_lines, page.shared) == reference_page(facts, "test")
    assert page.own_lines > 100 and "<http://schema.org/name>" in page.shared
    quads = list(ox.parse(page.own + page.shared.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    assert len({str(quad) for quad in quads}) == page.own_lines + len(set(nquad_lines(page.shared)))
    assert display in {quad.object.value for quad in quads if quad.predicate.value == str(CG.sourcePath)}


def reference_code(writer: TripleWriter, system: str, code: str) -> None:
    """``TripleWriter.code`` as it was, through rdflib terms."""
    from rdflib import SKOS

    from codegraph.codes import code_category
    from codegraph.rdf.namespaces import CODE_SYSTEMS

    node, graph = iris.code_iri(system, code), iris.code_graph_iri(system, code)
    writer.add_shared(graph, node, RDF.type, CG.BillingCode)
    writer.add_shared(graph, node, RDF.type, SKOS.Concept)
    writer.add_shared(graph, node, SKOS.notation, Literal(code))
    writer.add_shared(graph, node, SKOS.inScheme, CODE_SYSTEMS[system])
    writer.add_shared(graph, node, RDFS.seeAlso, iris.code_page_iri(system, code))
    category = code_category(system, code)
    if category in iris.CATEGORY_NOTATIONS:
        writer.add_shared(graph, node, CG.category, iris.value_iri("code-category", iris.CATEGORY_NOTATIONS[category]))


@pytest.mark.parametrize(("system", "code"), [("CPT", "1001T"), ("CPT", "99213"), ("CPT", "0037U"), ("CPT", "3008F"),
                                              ("HCPCS", "J7321"), ("ICD-10-CM", "M17.11"), ("CPT", "odd code/é")])
def test_a_code_is_written_as_rdflib_terms_write_it(system, code):
    one, other = TripleWriter(iris.document_graph_iri("a")), TripleWriter(iris.document_graph_iri("a"))
    assert one.code(system, code) == iris.code_iri(system, code)
    one.code(system, code)  # once per source
    reference_code(other, system, code)
    assert one.nquads() == other.nquads()
    assert one.nquads().count(" .\n") >= 5


def test_a_file_name_with_unicode_line_separators_builds_into_a_store_and_a_file(tmp_path):
    import shutil

    import pyoxigraph as ox

    from codegraph import build, load_into_store, open_store, write_build

    folder = tmp_path / "pages"
    folder.mkdir()
    name = "line\u2028separator\x85page.txt"
    shutil.copy(PAGES[-1], folder / name)
    result = build([folder])
    assert len(result.documents) == 1
    with open_store(tmp_path / "store", create=True) as store:
        load_into_store(result, store)
        paths = {str(o) for _s, _p, o, _g in store.quads(None, CG.sourcePath, None)}
    assert any(path.endswith(name) for path in paths)
    written = tmp_path / "graph.nq"
    write_build(result, written)
    quads = list(ox.parse(written.read_bytes(), format=ox.RdfFormat.N_QUADS))
    assert any(q.object.value.endswith(name) for q in quads if q.predicate.value == str(CG.sourcePath))
