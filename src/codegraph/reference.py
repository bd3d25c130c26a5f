"""The reference graphs every build carries: the ontology and the shipped code sets, each in a
named graph of its own (the large ICD-10-CM scheme is separate and optional: ``vocab/icd10cm.py``),
and the dataset's own description (VoID, DCAT)."""

from __future__ import annotations

from functools import cache

from rdflib import OWL, RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, PROV

from .rdf.iris import DATASET, DATASET_GRAPH, ONTOLOGY_GRAPH, agent_iri, scheme_iri
from .rdf.namespaces import CG, CGV, ID
from .rdf.terms import nquad_line
from .validate.shapes import ontology_graph
from .vocab import available_schemes, scheme_graph


def _skolemized(graph: Graph) -> Graph:
    """``graph`` with its blank nodes (the ontology's OWL axioms and lists) replaced by
    well-known skolem IRIs (RDF 1.1, section 3.5) named from canonical labels: every build then
    writes the same bytes, and a file read back and written again is unchanged."""
    canonical = to_canonical_graph(graph)
    skolem = Graph()
    for triple in canonical:
        skolem.add(tuple(URIRef(SKOLEM + str(term)) if isinstance(term, BNode) else term for term in triple))  # type: ignore[arg-type]
    return skolem


SKOLEM = "https://w3id.org/codegraph/.well-known/genid/"


def reference_graphs() -> dict[URIRef, Graph]:
    """The ontology and the shipped code sets, by named graph."""
    graphs: dict[URIRef, Graph] = {ONTOLOGY_GRAPH: _skolemized(ontology_graph())}
    for name in available_schemes():
        graph = scheme_graph(name)
        graphs[URIRef(str(graph.identifier))] = graph
    return graphs


@cache
def reference_nquads() -> dict[URIRef, list[str]]:
    """Each reference graph's N-Quads lines, sorted (cached: they never change in a run)."""
    return {name: sorted({nquad_line(s, p, o, name) for s, p, o in graph}) for name, graph in reference_graphs().items()}


VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
CODEGRAPH_LICENCE = URIRef("https://www.apache.org/licenses/LICENSE-2.0")


def dataset_description(version: str) -> Graph:
    """The dataset a build writes, described with VoID and DCAT: title, licence and rights, the
    codegraph and ontology versions that made it, the vocabularies it uses, where its IRIs live,
    and the code sets it carries (each scheme states its own source, licence and version). No
    counts or dates: they would make two builds of the same pages differ."""
    from .vocab.schemes import SCHEMES

    graph = Graph(identifier=DATASET_GRAPH)
    ontology = ontology_graph()
    ontology_iri = URIRef("https://w3id.org/codegraph/ontology")
    node = DATASET
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, Literal("codegraph billing-code knowledge graph", lang="en")))
    graph.add((node, DCTERMS.description, Literal(
        "Facts read from billing-code overview pages and coverage tables (codes, procedure steps, anatomy, clinical "
        "concepts, coding tables, payer coverage), each with the span of its source, and the reference code sets "
        "they point at; one named graph per source.", lang="en")))
    graph.add((node, DCTERMS.license, CODEGRAPH_LICENCE))
    graph.add((node, DCTERMS.rights, Literal(
        "codegraph's own data under Apache-2.0. CPT codes are the AMA's: the graph holds codes and the pages' own "
        "words, never CPT descriptors. Each reference code set states its own licence (dcterms:license or "
        "dcterms:rights on its scheme).", lang="en")))
    graph.add((node, OWL.versionInfo, Literal(f"codegraph {version}")))
    graph.add((node, PROV.wasAttributedTo, agent_iri(version)))
    version_iri = ontology.value(ontology_iri, OWL.versionIRI)
    graph.add((node, DCTERMS.conformsTo, URIRef(str(version_iri)) if isinstance(version_iri, URIRef) else ontology_iri))
    graph.add((node, DCTERMS.conformsTo, URIRef("https://w3id.org/codegraph/shapes#")))
    graph.add((node, VOID.uriSpace, Literal(str(ID))))
    for vocabulary in (str(CG._NS), "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/oa#",
                       "http://purl.org/dc/terms/", "http://schema.org/", str(CGV)):
        graph.add((node, VOID.vocabulary, URIRef(vocabulary)))
    for name in SCHEMES:
        graph.add((node, DCTERMS.hasPart, scheme_iri(name)))
    graph.add((node, VOID.rootResource, URIRef(str(ID) + "scheme/cpt")))
    return graph


def dataset_nquads(version: str) -> list[str]:
    """The dataset description's N-Quads lines, sorted."""
    return sorted({nquad_line(s, p, o, DATASET_GRAPH) for s, p, o in dataset_description(version)})
