"""Reference code sets shipped as CSV in ``data/vocab/``, turned into SKOS concept schemes.

Every code system is identified one way: a ``skos:ConceptScheme`` minted by codegraph
(``cgid:scheme/<name>``), carrying the system's FHIR canonical URI and OID, where it has them, as
``dcterms:identifier``s, its source as an IRI (``dcterms:source``), its licence as an IRI where
there is one (``dcterms:license``) and in words (``dcterms:rights``). Notations are typed with a
datatype per scheme (``"11"^^cg:PlaceOfServiceNotation``), so the modifier ``50`` and the place of
service ``50`` are different literals. Each row records where it was checked
(``dcterms:bibliographicCitation``, from the file's ``verified_source`` column); a row marked
``UNVERIFIED`` keeps that mark as a ``skos:editorialNote``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from ..errors import NotFoundError, ResourceError
from ..rdf import iris
from ..rdf.namespaces import CG, bind_prefixes
from ..resources import vocab_dir
from .lexicon import curie_to_iri

OBO = Namespace("http://purl.obolibrary.org/obo/")
PUBLIC_DOMAIN = "https://creativecommons.org/publicdomain/mark/1.0/"
"""The Public Domain Mark: the licence IRI of US government works (CMS code sets, ICD-10-CM)."""
PART_OF = OBO["BFO_0000050"]


@dataclass(frozen=True)
class SchemeSpec:
    """How one shipped CSV code set becomes a SKOS concept scheme."""
    name: str
    file: str
    title: str
    source: str  # an IRI: where the code set is published
    licence: str  # in words (dcterms:rights)
    licence_iri: str | None  # a licence IRI, where one applies (dcterms:license)
    identifiers: tuple[str, ...]  # the system's FHIR canonical URI and OID (urn:oid:...), where it has them
    notation_type: URIRef  # the datatype of its notations
    concept_type: URIRef | None
    iri_of: Callable[[dict[str, str]], URIRef]
    label_of: Callable[[dict[str, str]], str]
    notation_of: Callable[[dict[str, str]], str | None]


SCHEMES: dict[str, SchemeSpec] = {
    spec.name: spec
    for spec in (
        SchemeSpec(
            name="place-of-service",
            file="place-of-service.csv",
            title="CMS place-of-service codes",
            source="https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
            licence="US government work, public domain; descriptions written by codegraph.",
            licence_iri=PUBLIC_DOMAIN,
            # The FHIR system URI of the CMS code set (HL7 THO), and its OID.
            identifiers=("https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set", "urn:oid:2.16.840.1.113883.15.5"),
            notation_type=CG.PlaceOfServiceNotation,
            concept_type=CG.PlaceOfService,
            iri_of=lambda row: iris.place_of_service_iri(row["code"].strip()),
            label_of=lambda row: row["name"].strip(),
            notation_of=lambda row: row["code"].strip(),
        ),
        SchemeSpec(
            name="modifiers",
            file="modifiers.csv",
            title="CPT and HCPCS Level II modifiers",
            source="https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
            licence="HCPCS Level II is public domain; CPT modifier descriptions are codegraph's own words (AMA owns CPT text).",
            licence_iri=None,
            # No system of their own: in FHIR a modifier is a code of CPT or of HCPCS (the row's system column).
            identifiers=(),
            notation_type=CG.ModifierNotation,
            concept_type=CG.Modifier,
            iri_of=lambda row: iris.modifier_iri(row["code"].strip()),
            label_of=lambda row: row["label"].strip(),
            notation_of=lambda row: row["code"].strip(),
        ),
        SchemeSpec(
            name="nucc-taxonomy",
            file="nucc-taxonomy.csv",
            title="NUCC Health Care Provider Taxonomy (subset)",
            source="https://taxonomy.nucc.org/",
            licence="NUCC taxonomy, free to use with attribution; this is a subset of the full code set.",
            licence_iri=None,
            identifiers=("http://nucc.org/provider-taxonomy", "urn:oid:2.16.840.1.113883.6.101"),
            notation_type=CG.TaxonomyNotation,
            concept_type=CG.ProviderTaxonomy,
            iri_of=lambda row: iris.taxonomy_iri(row["code"].strip()),
            label_of=lambda row: row["display_name"].strip(),
            notation_of=lambda row: row["code"].strip(),
        ),
        SchemeSpec(
            name="anatomy",
            file="anatomy.csv",
            title="Anatomy named by billing codes (UBERON subset with all is_a and part_of ancestors)",
            source="http://purl.obolibrary.org/obo/uberon.owl",
            licence="UBERON, CC BY 3.0 (http://creativecommons.org/licenses/by/3.0/); generated by scripts/build_anatomy_subset.py, see data/vocab/SOURCES.md.",
            licence_iri="http://creativecommons.org/licenses/by/3.0/",
            identifiers=("http://purl.obolibrary.org/obo/uberon.owl",),
            notation_type=CG.UBERONNotation,
            concept_type=None,
            iri_of=lambda row: URIRef(curie_to_iri(row["id"].strip())),
            label_of=lambda row: row["label"].strip(),
            notation_of=lambda row: row["id"].strip(),
        ),
    )
}


scheme_iri = iris.scheme_iri
vocab_graph_iri = iris.vocab_graph_iri
VOCAB_VERSION = "codegraph data/vocab 2026-11-26"


@cache
def listed_notations(name: str) -> frozenset[str]:
    """The notations of the shipped code set ``name`` (read from its file; cached): what a page
    may name that the set lacks is written with its scheme but reported (``rdf/writer.py``)."""
    spec = SCHEMES[name]
    path = vocab_dir() / spec.file
    if not path.is_file():
        return frozenset()
    with path.open(newline="", encoding="utf-8") as handle:
        return frozenset(n for n in (spec.notation_of(row) for row in csv.DictReader(handle)) if n)


def available_schemes() -> list[str]:
    """The shipped code sets whose files are present."""
    return [name for name, spec in SCHEMES.items() if (vocab_dir() / spec.file).is_file()]


@cache
def scheme_graph(name: str) -> Graph:
    """The SKOS concept scheme ``name`` as a graph (cached: treat it as read-only)."""
    if name not in SCHEMES:
        raise NotFoundError(f"unknown vocabulary {name!r}; known: {', '.join(SCHEMES)}")
    spec = SCHEMES[name]
    path = vocab_dir() / spec.file
    if not path.is_file():
        raise ResourceError(f"{path} is missing: reinstall codegraph or restore data/vocab/")
    graph = bind_prefixes(Graph(identifier=vocab_graph_iri(name)))
    scheme = scheme_iri(name)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal(spec.title, lang="en")))
    graph.add((scheme, SKOS.notation, Literal(name)))
    graph.add((scheme, DCTERMS.source, URIRef(spec.source)))
    if spec.licence_iri:
        graph.add((scheme, DCTERMS.license, URIRef(spec.licence_iri)))
    graph.add((scheme, DCTERMS.rights, Literal(spec.licence, lang="en")))
    for identifier in spec.identifiers:
        graph.add((scheme, DCTERMS.identifier, Literal(identifier, datatype=XSD.anyURI)))
    graph.add((scheme, OWL.versionInfo, Literal(VOCAB_VERSION)))
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            concept = spec.iri_of(row)
            graph.add((concept, RDF.type, SKOS.Concept))
            if spec.concept_type is not None:
                graph.add((concept, RDF.type, spec.concept_type))
            graph.add((concept, SKOS.inScheme, scheme))
            graph.add((concept, SKOS.prefLabel, Literal(spec.label_of(row), lang="en")))
            notation = spec.notation_of(row)
            if notation:
                graph.add((concept, SKOS.notation, Literal(notation, datatype=spec.notation_type)))
            description = (row.get("description") or "").strip()
            if description:
                graph.add((concept, SKOS.definition, Literal(description, lang="en")))
            verified = (row.get("verified_source") or "").strip()
            if verified.upper().startswith("UNVERIFIED") or not verified:
                graph.add((concept, SKOS.editorialNote, Literal("UNVERIFIED: identifier not checked against a public source", lang="en")))
            else:
                graph.add((concept, DCTERMS.bibliographicCitation, Literal(verified)))
            # is-a and part-of kept apart: rdfs:subClassOf for UBERON is_a, BFO_0000050 for part_of.
            for parent in filter(None, (row.get("part_of") or "").split("|")):
                graph.add((concept, PART_OF, URIRef(curie_to_iri(parent.strip()))))
            for parent in filter(None, (row.get("is_a") or "").split("|")):
                graph.add((concept, RDFS.subClassOf, URIRef(curie_to_iri(parent.strip()))))
            if name == "anatomy":
                graph.add((concept, RDFS.label, Literal(spec.label_of(row), lang="en")))
                graph.add((concept, RDF.type, OWL.Class))
    return graph
