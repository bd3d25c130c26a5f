"""The project's own terms, mirrored from ``ontology/codegraph.ttl``.

``_fail = True`` makes a typo such as ``CG.coverCode`` fail at import time instead of minting a
wrong IRI; ``tests/test_ontology.py`` keeps this class and the Turtle in sync.
"""

from __future__ import annotations

from typing import TypeVar

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/codegraph/"


class CG(DefinedNamespace):
    """codegraph's own terms (``ontology/codegraph.ttl``); an unknown name fails at import time."""
    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # Classes
    AnatomicalMention: URIRef
    AnatomicalTarget: URIRef
    AnatomyRole: URIRef
    BillingCode: URIRef
    ClinicalConceptMention: URIRef
    CodeCategory: URIRef
    CodeOverview: URIRef
    CodeSystem: URIRef
    CompletenessFacet: URIRef
    ConceptRole: URIRef
    CoverageAssertion: URIRef
    CoverageStatus: URIRef
    DiagnosisMapping: URIRef
    Evidence: URIRef
    Facet: URIRef
    Fact: URIRef
    LineOfBusiness: URIRef
    MedicareAdministrativeContractor: URIRef
    Modifier: URIRef
    ModifierUsage: URIRef
    Payer: URIRef
    PlaceOfService: URIRef
    PolicyDocument: URIRef
    PriorAuthorizationStatus: URIRef
    ProcedureStep: URIRef
    ProviderTaxonomy: URIRef
    RelatedCodeLink: URIRef
    ServiceTypeFact: URIRef
    SiteOfServiceFact: URIRef
    SourceDocument: URIRef
    SourceGraph: URIRef
    StepKind: URIRef
    TaxonomyMapping: URIRef
    UnavailableDeclaration: URIRef

    # Datatypes of the shipped code sets' notations
    ICD10CMNotation: URIRef
    ModifierNotation: URIRef
    PlaceOfServiceNotation: URIRef
    TaxonomyNotation: URIRef
    UBERONNotation: URIRef

    # Properties
    mentions: URIRef
    billable: URIRef
    anatomicalMention: URIRef
    anatomicalTarget: URIRef
    anatomyRole: URIRef
    anatomy: URIRef
    asserted: URIRef
    billingCode: URIRef
    candidatePhrase: URIRef
    candidatePlaceOfService: URIRef
    category: URIRef
    clinicalConcept: URIRef
    concept: URIRef
    conceptRole: URIRef
    coverageStatus: URIRef
    declaredUnavailable: URIRef
    describesCode: URIRef
    descriptionText: URIRef
    diagnosis: URIRef
    effectiveDate: URIRef
    endOffset: URIRef
    evidence: URIRef
    facet: URIRef
    facetProperty: URIRef
    icd10Mapping: URIRef
    inDocument: URIRef
    line: URIRef
    modifier: URIRef
    modifierUsage: URIRef
    namesPayer: URIRef
    notation: URIRef
    notationPattern: URIRef
    overview: URIRef
    payer: URIRef
    placeOfService: URIRef
    policyIdentifier: URIRef
    priorAuthorization: URIRef
    procedureStep: URIRef
    providerTaxonomy: URIRef
    quote: URIRef
    relatedCode: URIRef
    relatedTo: URIRef
    section: URIRef
    serviceType: URIRef
    sha256: URIRef
    siteOfService: URIRef
    sourcePath: URIRef
    startOffset: URIRef
    stepKind: URIRef
    stepOrder: URIRef
    taxonomy: URIRef
    text: URIRef
    title: URIRef
    whenToUse: URIRef

    # Coverage model (policies, contractors, what an assertion applies to)
    appliesToModifier: URIRef
    appliesToPlaceOfService: URIRef
    contractorNumber: URIRef
    diagnosisGroup: URIRef
    documentationRequirement: URIRef
    effectiveFrom: URIRef
    effectiveThrough: URIRef
    excludingDiagnosis: URIRef
    jurisdiction: URIRef
    lineOfBusiness: URIRef
    policy: URIRef
    supportingDiagnosis: URIRef

    # Code lifecycle (validation: a Category III code past its sunset date)
    sunsetDate: URIRef
    # Source identity and the registry of current sources
    sourceKey: URIRef
    sourceKind: URIRef

    # Cut-off documents: where the text stops, values it interrupts, facets it never reached
    cutKind: URIRef
    cutOffAt: URIRef
    facetCutOff: URIRef
    facetNotReached: URIRef
    valueCutOff: URIRef


ID = Namespace(BASE + "id/")
"""Minted nodes: documents, facts, evidence, payers, places of service, modifiers."""

CGV = Namespace(BASE + "vocab/")
"""Value vocabularies: ``CGV["step-kind/injection"]``, ``CGV["facet/modifiers"]``, ..."""

OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("http://schema.org/")

# Code systems are minted concept schemes (their FHIR system URIs and OIDs are their
# dcterms:identifiers, ontology/codegraph.ttl); codes keep BioPortal/UMLS IRIs.
CODE_SYSTEMS = {
    "CPT": ID["scheme/cpt"],
    "HCPCS": ID["scheme/hcpcs"],
    "ICD-10-CM": ID["scheme/icd10cm"],
}
BIOPORTAL = {
    "CPT": Namespace("http://purl.bioontology.org/ontology/CPT/"),
    "HCPCS": Namespace("http://purl.bioontology.org/ontology/HCPCS/"),
    "ICD-10-CM": Namespace("http://purl.bioontology.org/ontology/ICD10CM/"),
}

PREFIXES = {
    "cg": CG._NS,
    "cgv": CGV,
    "cgid": ID,
    "skos": Namespace("http://www.w3.org/2004/02/skos/core#"),
    "prov": Namespace("http://www.w3.org/ns/prov#"),
    "dcterms": Namespace("http://purl.org/dc/terms/"),
    "schema": SCHEMA,
    "oa": OA,
    "obo": Namespace("http://purl.obolibrary.org/obo/"),
    "cpt": BIOPORTAL["CPT"],
    "hcpcs": BIOPORTAL["HCPCS"],
    "icd10cm": BIOPORTAL["ICD-10-CM"],
}
"""Prefixes bound on every graph codegraph writes."""


G = TypeVar("G", bound=Graph)


def bind_prefixes(graph: G) -> G:
    """Bind codegraph's prefixes on ``graph`` (also a ``Dataset``); returns it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph
