"""``DocumentFacts`` to triples: one named graph per source document.

Each fact becomes its own node, linked from the code by its facet property and to a
``cg:Evidence`` node (section, offsets, line, quote) that points at the document. No
``prov:generatedAtTime`` is written: a timestamp would make two builds of the same input differ.
The extractor version is recorded through ``prov:wasGeneratedBy`` instead.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from ..model import DocumentFacts, Evidence
from . import iris
from .namespaces import CG, CODE_SYSTEMS, PREFIXES, SCHEMA


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


class _DocumentMapper:
    def __init__(self, facts: DocumentFacts, version: str):
        self.facts = facts
        self.sha = facts.source.sha256
        # Triples are collected in an ordered set (a dict): no graph indexes are paid for until a
        # caller asks for a Graph, and N-Quads for a store are written straight from the terms.
        self.triples: dict[tuple[URIRef, URIRef, Node], None] = {}
        # Triples every page about the same code, payer or version says alike go to shared graphs
        # (a store unions graphs as a bag: duplicates there would multiply query rows).
        self.shared: dict[URIRef, dict[tuple[URIRef, URIRef, Node], None]] = {}
        self.evidence_nodes: set[URIRef] = set()
        self.document = iris.document_iri(self.sha)
        self.code = iris.code_iri(facts.code.system, facts.code.code)
        self.activity = iris.extraction_activity_iri(version)
        self.version = version

    def add(self, s: URIRef, p: URIRef, o: Node) -> None:
        self.triples[(s, p, o)] = None

    def add_shared(self, graph: URIRef, s: URIRef, p: URIRef, o: Node) -> None:
        self.shared.setdefault(graph, {})[(s, p, o)] = None

    def evidence(self, ev: Evidence) -> URIRef:
        node = iris.evidence_iri(self.sha, ev.start, ev.end)
        if node not in self.evidence_nodes:
            self.evidence_nodes.add(node)
            self.add(node, RDF.type, CG.Evidence)
            self.add(node, CG.inDocument, self.document)
            self.add(node, CG.section, Literal(ev.section))
            self.add(node, CG.startOffset, Literal(ev.start))
            self.add(node, CG.endOffset, Literal(ev.end))
            self.add(node, CG.line, Literal(ev.line))
            self.add(node, CG.quote, Literal(ev.quote))
        return node

    def fact(self, kind: str, key: str | int, rdf_type: URIRef, facet: URIRef | None, ev: Evidence) -> URIRef:
        node = iris.fact_iri(self.sha, kind, key)
        self.add(node, RDF.type, rdf_type)
        self.add(node, CG.evidence, self.evidence(ev))
        self.add(node, PROV.wasGeneratedBy, self.activity)
        if facet is not None:
            self.add(self.code, facet, node)
        return node

    def text(self, node: URIRef, prop: URIRef, value: str | None) -> None:
        if value is not None:
            self.add(node, prop, Literal(value))

    def cut_off(self, node: URIRef, cut_off: bool) -> None:
        if cut_off:
            self.add(node, CG.valueCutOff, Literal(True))

    def map_cut_off(self) -> None:
        """Where the document is cut off, and the facets the cut interrupted or never reached."""
        cut = self.facts.cut_off
        if cut is not None:
            self.add(self.document, CG.cutOffAt, self.evidence(cut.evidence))
            self.add(self.document, CG.cutKind, Literal(cut.kind))
        for facet, state in sorted(self.facts.facet_states.items()):
            if state == "not-reached":
                self.add(self.document, CG.facetNotReached, iris.value_iri("facet", facet))
            elif state == "cut-off":
                self.add(self.document, CG.facetCutOff, iris.value_iri("facet", facet))

    def map(self) -> dict[URIRef, list[tuple[URIRef, URIRef, Node]]]:
        f = self.facts
        add = self.add

        self.add_shared(iris.ACTIVITY_GRAPH, self.activity, RDF.type, PROV.Activity)
        self.add_shared(iris.ACTIVITY_GRAPH, self.activity, RDFS.label, Literal(f"codegraph extract {self.version}"))

        add(self.document, RDF.type, CG.SourceDocument)
        add(self.document, CG.sha256, Literal(self.sha))
        add(self.document, CG.sourcePath, Literal(f.source.path))
        add(self.document, CG.describesCode, self.code)

        code_graph = iris.code_graph_iri(f.code.system, f.code.code)
        self.add_shared(code_graph, self.code, RDF.type, CG.BillingCode)
        self.add_shared(code_graph, self.code, RDF.type, SKOS.Concept)
        self.add_shared(code_graph, self.code, SKOS.notation, Literal(f.code.code))
        self.add_shared(code_graph, self.code, SKOS.inScheme, CODE_SYSTEMS[f.code.system])
        if f.code.category in iris.CATEGORY_NOTATIONS:
            category = iris.value_iri("code-category", iris.CATEGORY_NOTATIONS[f.code.category])
            self.add_shared(code_graph, self.code, CG.category, category)

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
                add(node, CG.placeOfService, iris.place_of_service_iri(pos))
            for candidate in site.pos_candidates:
                add(node, CG.candidatePhrase, Literal(candidate.phrase))
                for pos in candidate.pos:
                    add(node, CG.candidatePlaceOfService, iris.place_of_service_iri(pos))

        for target in f.anatomy:
            node = self.fact("anatomy", iris.slug(target.iri.rsplit("/", 1)[-1]), CG.AnatomicalTarget, CG.anatomicalTarget, target.evidence)
            add(node, CG.anatomy, URIRef(target.iri))
            add(node, RDFS.label, Literal(target.label))

        mention_nodes = []
        for mention in f.concepts:
            key = f"{mention.role}-{iris.slug(mention.label)}" + ("" if mention.asserted else "-hedged")
            node = self.fact("concept", key, CG.ClinicalConceptMention, CG.clinicalConcept, mention.evidence)
            mention_nodes.append((mention.evidence, node))
            add(node, CG.conceptRole, iris.value_iri("concept-role", mention.role))
            add(node, RDFS.label, Literal(mention.label))
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
            payer_node = iris.payer_iri(payer.name)
            self.add_shared(iris.PAYERS_GRAPH, payer_node, RDF.type, CG.Payer)
            self.add_shared(iris.PAYERS_GRAPH, payer_node, RDF.type, SCHEMA.Organization)
            self.add_shared(iris.PAYERS_GRAPH, payer_node, SCHEMA.name, Literal(payer.name))
            add(self.document, CG.namesPayer, payer_node)

        for coverage in f.coverage:
            node = self.fact("coverage", iris.slug(coverage.payer), CG.CoverageAssertion, None, coverage.evidence)
            add(node, CG.billingCode, self.code)
            add(node, CG.payer, iris.payer_iri(coverage.payer))
            add(node, CG.coverageStatus, iris.value_iri("coverage-status", coverage.status))
            add(node, CG.priorAuthorization, iris.value_iri("prior-auth", coverage.prior_auth))
            self.text(node, CG.policyIdentifier, coverage.policy_id)
            if coverage.effective_date:
                add(node, CG.effectiveDate, Literal(coverage.effective_date, datatype=XSD.date))

        for row in f.modifiers:
            node = self.fact("modifier", row.code, CG.ModifierUsage, CG.modifierUsage, row.evidence)
            add(node, CG.modifier, iris.modifier_iri(row.code))
            add(node, CG.notation, Literal(row.code))
            self.text(node, CG.descriptionText, row.description)
            self.text(node, CG.whenToUse, row.when_to_use)
            self.cut_off(node, row.cut_off)
        for row in f.taxonomies:
            node = self.fact("taxonomy", row.code, CG.TaxonomyMapping, CG.providerTaxonomy, row.evidence)
            add(node, CG.taxonomy, iris.taxonomy_iri(row.code))
            add(node, CG.notation, Literal(row.code))
            self.text(node, CG.descriptionText, row.description)
            self.cut_off(node, row.cut_off)
        for row in f.icd10:
            node = self.fact("icd10", row.code, CG.DiagnosisMapping, CG.icd10Mapping, row.evidence)
            add(node, CG.diagnosis, iris.code_iri("ICD-10-CM", row.code))
            add(node, CG.notation, Literal(row.code))
            self.text(node, CG.descriptionText, row.description)
            self.cut_off(node, row.cut_off)
        for row in f.related_codes:
            node = self.fact("related", f"{row.system}-{row.code}", CG.RelatedCodeLink, CG.relatedCode, row.evidence)
            add(node, CG.relatedTo, iris.code_iri(row.system, row.code))
            add(node, CG.notation, Literal(row.code))
            self.text(node, CG.descriptionText, row.description)
            self.cut_off(node, row.cut_off)

        for number, statement in enumerate(f.unavailable_statements, start=1):
            node = self.fact("unavailable", number, CG.UnavailableDeclaration, CG.declaredUnavailable, statement.evidence)
            add(node, CG.text, Literal(statement.evidence.quote))
            for facet in statement.facets:
                add(node, CG.facet, iris.value_iri("facet", facet))
        self.map_cut_off()
        graphs = {iris.document_graph_iri(self.sha): list(self.triples)}
        graphs.update((name, list(triples)) for name, triples in self.shared.items())
        return graphs


def facts_to_named_graphs(facts: DocumentFacts, version: str) -> dict[URIRef, list[tuple[URIRef, URIRef, Node]]]:
    """One document's triples by named graph: its own graph first, then the shared graphs (the
    code's, the payers', the extraction activity's); each list in a stable order."""
    return _DocumentMapper(facts, version).map()


def facts_to_triples(facts: DocumentFacts, version: str) -> list[tuple[URIRef, URIRef, Node]]:
    """All triples of one document's facts, whatever their graph."""
    return [triple for triples in facts_to_named_graphs(facts, version).values() for triple in triples]


def facts_to_graph(facts: DocumentFacts, version: str) -> Graph:
    """All of one document's triples as one graph (identifier: its document graph)."""
    graph = bind_prefixes(Graph(identifier=iris.document_graph_iri(facts.source.sha256)))
    for triple in facts_to_triples(facts, version):
        graph.add(triple)
    return graph


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_term(term: Node) -> str:
    """A term as N-Triples writes it (``Literal.n3()`` may use Turtle's long strings, which N-Quads forbids)."""
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_NT_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    return term.n3()


def facts_to_nquads(facts: DocumentFacts, version: str) -> str:
    """One document's named graph as N-Quads text, for bulk loading into a store."""
    return "".join(
        f"{s.n3()} {p.n3()} {nt_term(o)} {name.n3()} .\n"
        for name, triples in facts_to_named_graphs(facts, version).items()
        for s, p, o in triples
    )
