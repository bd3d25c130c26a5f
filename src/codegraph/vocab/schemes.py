"""Reference code sets shipped as CSV in ``data/vocab/``, turned into SKOS concept schemes.

Each scheme records where its rows were checked (``dcterms:source`` per concept, from the file's
``verified_source`` column); a row marked ``UNVERIFIED`` keeps that mark as a
``skos:editorialNote`` so nobody mistakes it for a checked identifier.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from ..errors import ResourceError
from ..rdf import iris
from ..rdf.namespaces import CG, bind_prefixes
from ..resources import vocab_dir
from .lexicon import curie_to_iri

OBO = Namespace("http://purl.obolibrary.org/obo/")
PART_OF = OBO["BFO_0000050"]


@dataclass(frozen=True)
class SchemeSpec:
    name: str
    file: str
    title: str
    source: str
    licence: str
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
            concept_type=CG.PlaceOfService,
            iri_of=lambda row: iris.place_of_service_iri(row["code"].strip()),
            label_of=lambda row: row["name"].strip(),
            notation_of=lambda row: row["code"].strip(),
        ),
        SchemeSpec(
            name="modifiers",
            file="modifiers.csv",
            title="CPT and HCPCS Level II modifiers",
            source="CMS HCPCS Level II modifier list; CPT modifier meanings paraphrased",
            licence="HCPCS Level II is public domain; CPT modifier descriptions are codegraph's own words (AMA owns CPT text).",
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
            concept_type=CG.ProviderTaxonomy,
            iri_of=lambda row: iris.taxonomy_iri(row["code"].strip()),
            label_of=lambda row: row["display_name"].strip(),
            notation_of=lambda row: row["code"].strip(),
        ),
        SchemeSpec(
            name="anatomy",
            file="anatomy.csv",
            title="Anatomy targeted by billing codes (UBERON subset)",
            source="http://purl.obolibrary.org/obo/uberon.owl",
            licence="UBERON, CC BY 3.0.",
            concept_type=None,
            iri_of=lambda row: URIRef(curie_to_iri(row["id"].strip())),
            label_of=lambda row: row["label"].strip(),
            notation_of=lambda row: row["id"].strip(),
        ),
    )
}


scheme_iri = iris.scheme_iri
vocab_graph_iri = iris.vocab_graph_iri


def available_schemes() -> list[str]:
    return [name for name, spec in SCHEMES.items() if (vocab_dir() / spec.file).is_file()]


@cache
def scheme_graph(name: str) -> Graph:
    """The SKOS concept scheme ``name`` as a graph (cached: treat it as read-only)."""
    if name not in SCHEMES:
        raise ResourceError(f"unknown vocabulary {name!r}; known: {', '.join(SCHEMES)}")
    spec = SCHEMES[name]
    path = vocab_dir() / spec.file
    if not path.is_file():
        raise ResourceError(f"{path} is missing: reinstall codegraph or restore data/vocab/")
    graph = bind_prefixes(Graph(identifier=vocab_graph_iri(name)))
    scheme = scheme_iri(name)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, Literal(spec.title, lang="en")))
    graph.add((scheme, DCTERMS.source, URIRef(spec.source) if spec.source.startswith("http") else Literal(spec.source)))
    graph.add((scheme, DCTERMS.license, Literal(spec.licence)))
    graph.add((scheme, OWL.versionInfo, Literal("codegraph data/vocab 2026-11-26")))
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
                graph.add((concept, SKOS.notation, Literal(notation)))
            description = (row.get("description") or "").strip()
            if description:
                graph.add((concept, SKOS.definition, Literal(description, lang="en")))
            verified = (row.get("verified_source") or "").strip()
            if verified.upper().startswith("UNVERIFIED") or not verified:
                graph.add((concept, SKOS.editorialNote, Literal("UNVERIFIED: identifier not checked against a public source")))
            else:
                graph.add((concept, DCTERMS.source, Literal(verified)))
            parent = (row.get("part_of") or "").strip()
            if parent:
                graph.add((concept, PART_OF, URIRef(curie_to_iri(parent))))
            if name == "anatomy":
                graph.add((concept, RDFS.label, Literal(spec.label_of(row), lang="en")))
    return graph
