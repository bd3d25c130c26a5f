"""Import records to triples: one named graph per import.

Imported coverage assertions have the shape of the ones read from documents (``rdf/mapper.py``):
a ``cg:CoverageAssertion`` with payer, code, status and prior authorization, and ``cg:evidence``
pointing at the row it came from (a ``cg:Evidence`` in a ``cg:SourceDocument``: the table file,
identified by its source key; the SHA-256 of its bytes is its version). They add the coverage model's links: policy document, line of
business, effective dates, supporting and excluding diagnoses, modifiers, places of service.

Nodes every source shares (codes, payers, activities) are written by ``rdf/writer.py``, the
same writer the page mapper uses.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from ..rdf import iris
from ..rdf.namespaces import CG, SCHEMA
from ..rdf.writer import Triple, TripleWriter
from .records import (
    Contractor,
    CoverageRecord,
    DiagnosisGroup,
    ImportRecords,
    ModifierNote,
    PolicyVersion,
    RowEvidence,
    SourceFile,
)


class _ImportMapper(TripleWriter):
    def __init__(self, records: ImportRecords, version: str):
        self.records = records
        self.key = records.source_key
        super().__init__(iris.import_graph_iri(self.key))
        self.activity_node = iris.import_activity_iri(records.kind, version)
        self.version = version
        self.policies: set[URIRef] = set()

    def source(self, source: SourceFile) -> URIRef:
        return self.source_document(source.key, source.sha256, source.path, "text/csv")

    def row(self, row: RowEvidence) -> URIRef:
        return self.evidence(row.source.key, iris.document_iri(row.source.key), row.source.table, row.start, row.end,
                             row.line, row.quote)

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
        if node in self.policies:
            return node
        self.policies.add(node)
        self.add(node, RDF.type, CG.PolicyDocument)
        self.add(node, RDF.type, PROV.Entity)
        self.add(node, CG.policyIdentifier, Literal(policy.identifier))
        if policy.title and policy.title.strip():
            self.add(node, DCTERMS.title, Literal(policy.title, lang="en"))  # labels and titles are English, tagged alike
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
            self.add(node, PROV.wasDerivedFrom, self.row(row))
        return node

    def diagnosis_group(self, group: DiagnosisGroup) -> URIRef:
        node = iris.imported_fact_iri(self.key, "diagnosis-group", *group.key)
        self.add(node, RDF.type, SKOS.Collection)
        self.add(node, RDFS.label, Literal(group.label, lang="en"))
        for code in group.codes:
            self.add(node, SKOS.member, iris.code_iri("ICD-10-CM", code))
        return node

    def coverage(self, record: CoverageRecord) -> URIRef:
        node = iris.imported_assertion_iri(self.key, *record.key)
        self.add(node, RDF.type, CG.CoverageAssertion)
        self.add(node, PROV.wasGeneratedBy, self.activity_node)
        for row in record.evidence:
            self.add(node, CG.evidence, self.row(row))
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
            self.add(node, CG.appliesToModifier, self.listed("modifiers", modifier, iris.modifier_iri(modifier)))
        for place in record.places_of_service:
            self.add(node, CG.appliesToPlaceOfService, self.listed("place-of-service", place, iris.place_of_service_iri(place)))
        return node

    def modifier_note(self, note: ModifierNote) -> URIRef:
        node = iris.imported_fact_iri(self.key, "modifier", *note.key)
        self.add(node, RDF.type, CG.ModifierUsage)
        self.add(node, PROV.wasGeneratedBy, self.activity_node)
        for row in note.evidence:
            self.add(node, CG.evidence, self.row(row))
        self.add(self.code(note.system, note.code), CG.modifierUsage, node)
        self.add(node, CG.modifier, self.listed("modifiers", note.modifier, iris.modifier_iri(note.modifier)))
        self.add(node, CG.notation, Literal(note.modifier))
        self.text(node, CG.descriptionText, note.description)
        self.text(node, CG.whenToUse, note.when_to_use)
        if note.policy:
            self.add(node, PROV.wasDerivedFrom, self.policy(note.policy))
        return node

    def map(self) -> TripleWriter:
        for source in self.records.sources:
            self.activity(self.activity_node, f"codegraph import {self.records.kind} {self.version}", self.version, self.source(source))
        for record in self.records.coverage:
            self.coverage(record)
        for note in self.records.modifier_notes:
            self.modifier_note(note)
        return self


def records_to_graphs(records: ImportRecords, version: str) -> dict[URIRef, list[Triple]]:
    """One import's named graphs: its own (``iris.import_graph_iri``, first) and the shared ones
    (a graph per code, the payers', the activities') it adds to."""
    return _ImportMapper(records, version).map().named_graphs()


def records_to_nquads(records: ImportRecords, version: str) -> str:
    """One import's named graphs as N-Quads text."""
    return _ImportMapper(records, version).map().nquads()
