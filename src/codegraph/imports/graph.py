"""Import records to triples: one named graph per import.

Imported coverage assertions have the shape of the ones read from documents (``rdf/mapper.py``):
a ``cg:CoverageAssertion`` with payer, code, status and prior authorization, and ``cg:evidence``
pointing at the row it came from (a ``cg:Evidence`` in a ``cg:SourceDocument``: the table file,
identified by its source key; the SHA-256 of its bytes is its version). They add the coverage model's links: policy document, line of
business, effective dates, supporting and excluding diagnoses, modifiers, places of service.

Nodes every source shares (codes, payers, activities) are written by ``rdf/writer.py``, the
same writer the page mapper uses.

A table's rows are its bulk (a policy table has one assertion per row, 24 triples on average), so
``coverage`` writes its node's triples in N-Triples form directly, with its predicates rendered
once and the IRIs a table repeats (codes, payers, policies, values) minted once: the same lines
``add`` would write (``tests/test_imports.py`` compares them), at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from rdflib import RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from ..rdf import iris
from ..rdf.namespaces import CG, SCHEMA
from ..rdf.terms import date_term, nt_term, string_term
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

# Terms looked up once: a DefinedNamespace attribute is a call, and a table names them per row.
_TYPE, _LABEL, _COLLECTION, _MEMBER = RDF.type, RDFS.label, SKOS.Collection, SKOS.member
_ENTITY, _GENERATED_BY, _DERIVED_FROM, _REVISION_OF = PROV.Entity, PROV.wasGeneratedBy, PROV.wasDerivedFrom, PROV.wasRevisionOf
_TITLE, _PUBLISHER = DCTERMS.title, DCTERMS.publisher
_ORGANIZATION, _NAME, _URL = SCHEMA.Organization, SCHEMA.name, SCHEMA.url
_ASSERTION, _POLICY_DOCUMENT, _MODIFIER_USAGE, _CONTRACTOR = (CG.CoverageAssertion, CG.PolicyDocument, CG.ModifierUsage,
                                                              CG.MedicareAdministrativeContractor)
_EVIDENCE, _BILLING_CODE, _PAYER, _STATUS, _PRIOR_AUTH = CG.evidence, CG.billingCode, CG.payer, CG.coverageStatus, CG.priorAuthorization
_LINE_OF_BUSINESS, _POLICY, _POLICY_ID = CG.lineOfBusiness, CG.policy, CG.policyIdentifier
_FROM, _THROUGH, _DOCUMENTATION = CG.effectiveFrom, CG.effectiveThrough, CG.documentationRequirement
_SUPPORTING, _EXCLUDING, _GROUP = CG.supportingDiagnosis, CG.excludingDiagnosis, CG.diagnosisGroup
_APPLIES_TO_MODIFIER, _APPLIES_TO_POS = CG.appliesToModifier, CG.appliesToPlaceOfService
_MODIFIER_OF, _MODIFIER, _NOTATION, _DESCRIPTION, _WHEN = CG.modifierUsage, CG.modifier, CG.notation, CG.descriptionText, CG.whenToUse
_CONTRACTOR_NUMBER, _JURISDICTION = CG.contractorNumber, CG.jurisdiction
# ... and in N-Triples form, for the rows (``coverage``: a table's hot path).
_NT = {term: nt_term(term) for term in (
    _TYPE, _ASSERTION, _GENERATED_BY, _EVIDENCE, _BILLING_CODE, _PAYER, _STATUS, _PRIOR_AUTH, _LINE_OF_BUSINESS, _POLICY,
    _POLICY_ID, _FROM, _THROUGH, _DOCUMENTATION, _SUPPORTING, _EXCLUDING, _GROUP, _APPLIES_TO_MODIFIER, _APPLIES_TO_POS)}


_ROWS_PER_WRITE = 4096


class _ImportMapper(TripleWriter):
    def __init__(self, records: ImportRecords, version: str):
        self.records = records
        self.key = records.source_key
        super().__init__(iris.import_graph_iri(self.key))
        self.activity_node = iris.import_activity_iri(records.kind, version)
        self.version = version
        self.policies: set[URIRef] = set()
        self.contractors: set[str] = set()
        self.groups: dict[tuple[str, ...], URIRef] = {}
        self.rows: dict[RowEvidence, URIRef] = {}
        self.values: dict[tuple[str, str], URIRef] = {}  # IRIs a table names on many rows
        self.nodes: dict[object, str] = {}  # ... and their N-Triples forms
        self.policy_nodes: dict[tuple[str, str, str], URIRef] = {}

    def value(self, kind: str, notation: str) -> URIRef:
        node = self.values.get((kind, notation))
        if node is None:
            mint = {"icd10cm": lambda code: iris.code_iri("ICD-10-CM", code), "modifier": iris.modifier_iri,
                    "pos": iris.place_of_service_iri}.get(kind)
            node = self.values[(kind, notation)] = mint(notation) if mint else iris.value_iri(kind, notation)
            listed = {"modifier": "modifiers", "pos": "place-of-service"}.get(kind)
            if listed is not None:  # a code the shipped set lacks still gets its type and scheme (rdf/writer.py)
                self.listed(listed, notation, node)
        return node

    def value_term(self, kind: str, notation: str) -> str:
        text = self.nodes.get((kind, notation))
        if text is None:
            text = self.nodes[(kind, notation)] = self.term(self.value(kind, notation))
        return text

    def source(self, source: SourceFile) -> URIRef:
        return self.source_document(source.key, source.sha256, source.path, "text/csv")

    def row(self, row: RowEvidence) -> URIRef:
        node = self.rows.get(row)
        if node is None:
            node = self.rows[row] = self.evidence(row.source.key, iris.document_iri(row.source.key), row.source.table,
                                                  row.start, row.end, row.line, row.quote)
        return node

    def contractor(self, contractor: Contractor) -> URIRef:
        node = iris.contractor_iri(contractor.number)
        if contractor.number in self.contractors:
            return node
        self.contractors.add(contractor.number)
        self.add(node, _TYPE, _CONTRACTOR)
        self.add(node, _TYPE, _ORGANIZATION)
        self.string(node, _CONTRACTOR_NUMBER, contractor.number)
        self.text(node, _NAME, contractor.name)
        self.text(node, _JURISDICTION, contractor.jurisdiction)
        return node

    def policy(self, policy: PolicyVersion) -> URIRef:
        spelling = (policy.publisher_key, policy.identifier, policy.version)
        node = self.policy_nodes.get(spelling)
        if node is None:
            node = self.policy_nodes[spelling] = iris.policy_iri(*spelling)
        if node in self.policies:
            return node
        self.policies.add(node)
        self.add(node, _TYPE, _POLICY_DOCUMENT)
        self.add(node, _TYPE, _ENTITY)
        self.string(node, _POLICY_ID, policy.identifier)
        if policy.title and policy.title.strip():
            self.add(node, _TITLE, Literal(policy.title, lang="en"))  # labels and titles are English, tagged alike
        if policy.url:
            self.add(node, _URL, URIRef(policy.url))
        self.day(node, _FROM, policy.effective_from)
        self.day(node, _THROUGH, policy.effective_through)
        if policy.publisher_payer:
            self.add(node, _PUBLISHER, self.payer(policy.publisher_payer))
        for contractor in policy.publisher_contractors:
            self.add(node, _PUBLISHER, self.contractor(contractor))
        if policy.revision_of:
            self.add(node, _REVISION_OF, iris.policy_iri(*policy.revision_of))
        for row in policy.evidence:  # a policy is not a cg:Fact: plain PROV says where it was read
            self.add(node, _DERIVED_FROM, self.row(row))
        return node

    def diagnosis_group(self, group: DiagnosisGroup) -> URIRef:
        node = self.groups.get(group.key)
        if node is not None:
            return node
        node = self.groups[group.key] = iris.imported_fact_iri(self.key, "diagnosis-group", *group.key)
        self.add(node, _TYPE, _COLLECTION)
        self.add(node, _LABEL, Literal(group.label, lang="en"))
        for code in group.codes:
            self.add(node, _MEMBER, self.value("icd10cm", code))
        return node

    def coverage(self, record: CoverageRecord) -> URIRef:
        # A row's node, written at once in N-Triples form (module docstring).
        node = iris.imported_assertion_iri(self.key, *record.key)
        term, nt, value = self.term, _NT, self.value_term
        pairs = [(nt[_TYPE], nt[_ASSERTION]), (nt[_GENERATED_BY], term(self.activity_node))]
        pairs += [(nt[_EVIDENCE], term(self.row(row))) for row in record.evidence]
        pairs.append((nt[_BILLING_CODE], term(self.code(record.system, record.code))))
        pairs.append((nt[_PAYER], term(self.payer(record.payer))))
        pairs.append((nt[_STATUS], value("coverage-status", record.status)))
        pairs.append((nt[_PRIOR_AUTH], value("prior-auth", record.prior_auth)))
        if record.line_of_business:
            pairs.append((nt[_LINE_OF_BUSINESS], value("line-of-business", record.line_of_business)))
        if record.policy:
            pairs.append((nt[_POLICY], term(self.policy(record.policy))))
            pairs.append((nt[_POLICY_ID], string_term(record.policy.identifier)))
        if record.effective_from:
            pairs.append((nt[_FROM], date_term(record.effective_from.isoformat())))
        if record.effective_through:
            pairs.append((nt[_THROUGH], date_term(record.effective_through.isoformat())))
        if record.documentation and record.documentation.strip():
            pairs.append((nt[_DOCUMENTATION], string_term(record.documentation)))
        pairs += [(nt[_SUPPORTING], value("icd10cm", code)) for code in record.supporting]
        pairs += [(nt[_EXCLUDING], value("icd10cm", code)) for code in record.excluding]
        pairs += [(nt[_GROUP], term(self.diagnosis_group(group))) for group in record.groups]
        pairs += [(nt[_APPLIES_TO_MODIFIER], value("modifier", modifier)) for modifier in record.modifiers]
        pairs += [(nt[_APPLIES_TO_POS], value("pos", place)) for place in record.places_of_service]
        self.write_block(nt_term(node), dict.fromkeys(pairs))  # a row naming a value twice says it once
        return node

    def modifier_note(self, note: ModifierNote) -> URIRef:
        node = iris.imported_fact_iri(self.key, "modifier", *note.key)
        self.add(node, _TYPE, _MODIFIER_USAGE)
        self.add(node, _GENERATED_BY, self.activity_node)
        for row in note.evidence:
            self.add(node, _EVIDENCE, self.row(row))
        self.add(self.code(note.system, note.code), _MODIFIER_OF, node)
        self.add(node, _MODIFIER, self.value("modifier", note.modifier))
        self.string(node, _NOTATION, note.modifier)
        self.text(node, _DESCRIPTION, note.description)
        self.text(node, _WHEN, note.when_to_use)
        if note.policy:
            self.add(node, _DERIVED_FROM, self.policy(note.policy))
        return node

    def map(self, sink: Callable[[str], object] | None = None) -> TripleWriter:
        """Write the import's triples; with ``sink``, the rows' lines go to it as they are written
        (a large table's text is never held whole) and only the rest stays in the writer."""
        for source in self.records.sources:
            self.activity(self.activity_node, f"codegraph import {self.records.kind} {self.version}", self.version, self.source(source))
        for number, record in enumerate(self.records.coverage, start=1):
            self.coverage(record)
            if sink is not None and number % _ROWS_PER_WRITE == 0:
                sink(self.take_blocks())
        for note in self.records.modifier_notes:
            self.modifier_note(note)
        if sink is not None:
            sink(self.take_blocks())
        return self


def records_to_graphs(records: ImportRecords, version: str) -> dict[URIRef, list[Triple]]:
    """One import's named graphs: its own (``iris.import_graph_iri``, first) and the shared ones
    (a graph per code, the payers', the activities') it adds to."""
    return _ImportMapper(records, version).map().named_graphs()


def records_to_nquads(records: ImportRecords, version: str) -> str:
    """One import's named graphs as N-Quads text."""
    return _ImportMapper(records, version).map().nquads()


def write_records(records: ImportRecords, version: str, own: IO[bytes]) -> list[str]:
    """One import's own graph as N-Quads written to ``own`` while the rows are mapped; returns
    the lines of the shared graphs (codes, payers, activities) it adds to."""
    mapper = _ImportMapper(records, version)
    mapper.map(lambda text: own.write(text.encode("utf-8")))
    own.write("".join(mapper.own_lines()).encode("utf-8"))
    return list(mapper.shared_lines())
