"""Import records to triples: one named graph per import.

Imported coverage assertions have the shape of the ones read from documents (``rdf/mapper.py``):
a ``cg:CoverageAssertion`` with payer, code, status and prior authorization, and ``cg:evidence``
pointing at the row it came from (a ``cg:Evidence`` in a ``cg:SourceDocument``: the table file,
identified by its SHA-256). They add the coverage model's links: policy document, line of
business, effective dates, supporting and excluding diagnoses, modifiers, places of service.

What every source says alike about a code, a payer or the import activity goes to the shared
graphs the reader uses too (``iris.code_graph_iri``, ``iris.PAYERS_GRAPH``, ``iris.ACTIVITY_GRAPH``):
a store unions named graphs as a bag, so the same triple in many graphs would repeat query rows.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from ..extract.code import code_category
from ..rdf import iris
from ..rdf.mapper import bind_prefixes
from ..rdf.namespaces import CG, CODE_SYSTEMS, SCHEMA
from .records import Contractor, CoverageRecord, DiagnosisGroup, ImportRecords, ModifierNote, PolicyVersion, RowEvidence, SourceFile


class _ImportMapper:
    def __init__(self, records: ImportRecords, version: str):
        self.records = records
        self.sha = records.import_sha256
        self.graph = bind_prefixes(Graph(identifier=iris.import_graph_iri(self.sha)))
        self.shared: dict[URIRef, Graph] = {}
        self.activity = iris.import_activity_iri(records.kind, version)
        self.version = version

    def add(self, s: URIRef, p: URIRef, o: Node) -> None:
        self.graph.add((s, p, o))

    def add_shared(self, name: URIRef, s: URIRef, p: URIRef, o: Node) -> None:
        if name not in self.shared:
            self.shared[name] = bind_prefixes(Graph(identifier=name))
        self.shared[name].add((s, p, o))

    def text(self, node: URIRef, prop: URIRef, value: str | None) -> None:
        if value:
            self.add(node, prop, Literal(value))

    def day(self, node: URIRef, prop: URIRef, value) -> None:
        if value is not None:
            self.add(node, prop, Literal(value.isoformat(), datatype=XSD.date))

    def source(self, source: SourceFile) -> URIRef:
        node = iris.document_iri(source.sha256)
        self.add(node, RDF.type, CG.SourceDocument)
        self.add(node, CG.sha256, Literal(source.sha256))
        self.add(node, CG.sourcePath, Literal(source.path))
        self.add(node, DCTERMS.format, Literal("text/csv"))
        return node

    def evidence(self, row: RowEvidence) -> URIRef:
        node = iris.evidence_iri(row.source.sha256, row.start, row.end)
        self.add(node, RDF.type, CG.Evidence)
        self.add(node, CG.inDocument, iris.document_iri(row.source.sha256))
        self.add(node, CG.section, Literal(row.source.table))
        self.add(node, CG.startOffset, Literal(row.start))
        self.add(node, CG.endOffset, Literal(row.end))
        self.add(node, CG.line, Literal(row.line))
        self.add(node, CG.quote, Literal(row.quote))
        return node

    def code(self, system: str, code: str) -> URIRef:
        node, graph = iris.code_iri(system, code), iris.code_graph_iri(system, code)
        self.add_shared(graph, node, RDF.type, CG.BillingCode)
        self.add_shared(graph, node, RDF.type, SKOS.Concept)
        self.add_shared(graph, node, SKOS.notation, Literal(code))
        self.add_shared(graph, node, SKOS.inScheme, CODE_SYSTEMS[system])
        category = code_category(system, code)
        if category in iris.CATEGORY_NOTATIONS:
            self.add_shared(graph, node, CG.category, iris.value_iri("code-category", iris.CATEGORY_NOTATIONS[category]))
        return node

    def payer(self, name: str) -> URIRef:
        node = iris.payer_iri(name)
        self.add_shared(iris.PAYERS_GRAPH, node, RDF.type, CG.Payer)
        self.add_shared(iris.PAYERS_GRAPH, node, RDF.type, SCHEMA.Organization)
        self.add_shared(iris.PAYERS_GRAPH, node, SCHEMA.name, Literal(name))
        return node

    def contractor(self, contractor: Contractor) -> URIRef:
        node = iris.contractor_iri(contractor.number)
        self.add(node, RDF.type, CG.MedicareAdministrativeContractor)
        self.add(node, RDF.type, SCHEMA.Organization)
        self.add(node, CG.contractorNumber, Literal(contractor.number))
        self.text(node, SCHEMA.name, contractor.name)
        self.text(node, CG.jurisdiction, contractor.jurisdiction)
        return node

    def policy(self, policy: PolicyVersion) -> URIRef:
        node = iris.policy_iri(policy.publisher_key, policy.identifier, policy.version)
        self.add(node, RDF.type, CG.PolicyDocument)
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, CG.policyIdentifier, Literal(policy.identifier))
        self.text(node, DCTERMS.title, policy.title)
        if policy.url:
            self.add(node, SCHEMA.url, URIRef(policy.url))
        self.day(node, CG.effectiveFrom, policy.effective_from)
        self.day(node, CG.effectiveThrough, policy.effective_through)
        if policy.publisher_payer:
            self.add(node, DCTERMS.publisher, self.payer(policy.publisher_payer))
        for contractor in policy.publisher_contractors:
            self.add(node, DCTERMS.publisher, self.contractor(contractor))
        if policy.revision_of:
            self.add(node, PROV.wasRevisionOf, iris.policy_iri(*policy.revision_of))
        for row in policy.evidence:  # a policy is not a cg:Fact: plain PROV says where it was read
            self.add(node, PROV.wasDerivedFrom, self.evidence(row))
        return node

    def diagnosis_group(self, group: DiagnosisGroup) -> URIRef:
        node = iris.imported_fact_iri(self.sha, "diagnosis-group", *group.key)
        self.add(node, RDF.type, SKOS.Collection)
        self.add(node, RDFS.label, Literal(group.label))
        for code in group.codes:
            self.add(node, SKOS.member, iris.code_iri("ICD-10-CM", code))
        return node

    def coverage(self, record: CoverageRecord) -> URIRef:
        node = iris.imported_assertion_iri(self.sha, *record.key)
        self.add(node, RDF.type, CG.CoverageAssertion)
        self.add(node, PROV.wasGeneratedBy, self.activity)
        for row in record.evidence:
            self.add(node, CG.evidence, self.evidence(row))
        self.add(node, CG.billingCode, self.code(record.system, record.code))
        self.add(node, CG.payer, self.payer(record.payer))
        self.add(node, CG.coverageStatus, iris.value_iri("coverage-status", record.status))
        self.add(node, CG.priorAuthorization, iris.value_iri("prior-auth", record.prior_auth))
        if record.line_of_business:
            self.add(node, CG.lineOfBusiness, iris.value_iri("line-of-business", record.line_of_business))
        if record.policy:
            self.add(node, CG.policy, self.policy(record.policy))
            self.add(node, CG.policyIdentifier, Literal(record.policy.identifier))
        self.day(node, CG.effectiveFrom, record.effective_from)
        self.day(node, CG.effectiveThrough, record.effective_through)
        self.text(node, CG.documentationRequirement, record.documentation)
        for code in record.supporting:
            self.add(node, CG.supportingDiagnosis, iris.code_iri("ICD-10-CM", code))
        for code in record.excluding:
            self.add(node, CG.excludingDiagnosis, iris.code_iri("ICD-10-CM", code))
        for group in record.groups:
            self.add(node, CG.diagnosisGroup, self.diagnosis_group(group))
        for modifier in record.modifiers:
            self.add(node, CG.appliesToModifier, iris.modifier_iri(modifier))
        for place in record.places_of_service:
            self.add(node, CG.appliesToPlaceOfService, iris.place_of_service_iri(place))
        return node

    def modifier_note(self, note: ModifierNote) -> URIRef:
        node = iris.imported_fact_iri(self.sha, "modifier", *note.key)
        self.add(node, RDF.type, CG.ModifierUsage)
        self.add(node, PROV.wasGeneratedBy, self.activity)
        for row in note.evidence:
            self.add(node, CG.evidence, self.evidence(row))
        self.add(self.code(note.system, note.code), CG.modifierUsage, node)
        self.add(node, CG.modifier, iris.modifier_iri(note.modifier))
        self.add(node, CG.notation, Literal(note.modifier))
        self.text(node, CG.descriptionText, note.description)
        self.text(node, CG.whenToUse, note.when_to_use)
        if note.policy:
            self.add(node, PROV.wasDerivedFrom, self.policy(note.policy))
        return node

    def map(self) -> dict[URIRef, Graph]:
        self.add_shared(iris.ACTIVITY_GRAPH, self.activity, RDF.type, PROV.Activity)
        self.add_shared(iris.ACTIVITY_GRAPH, self.activity, RDFS.label, Literal(f"codegraph import {self.records.kind} {self.version}"))
        for source in self.records.sources:
            self.source(source)
        for record in self.records.coverage:
            self.coverage(record)
        for note in self.records.modifier_notes:
            self.modifier_note(note)
        return {self.graph.identifier: self.graph, **self.shared}


def records_to_graphs(records: ImportRecords, version: str) -> dict[URIRef, Graph]:
    """One import's named graphs: its own (``iris.import_graph_iri``, first) and the shared ones
    (a graph per code, the payers', the activities') it adds to."""
    return _ImportMapper(records, version).map()
