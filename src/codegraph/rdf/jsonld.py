"""JSON-LD: codegraph's published ``@context`` and a writer that compacts with it, byte for byte
the same run to run.

The context (``ontology/context.jsonld``, shipped in the package and served by ``codegraph
serve`` at ``/context.jsonld``) is made from the ontology: codegraph's prefixes, and for every
property a coercion by its kind: object properties take IRIs (``"@type": "@id"``), integer,
boolean and date properties their XSD datatype, labels the English language tag. Terms are keyed
by their compact IRIs (``"cg:stepOrder"``), so names read the same in JSON-LD, Turtle and SPARQL
and no two vocabularies' ``notation`` or ``label`` can clash.

The writer reads the canonical N-Quads (``export.py``) and writes each named graph as a graph
object, its nodes sorted by IRI, their properties and values sorted: no library's iteration order
decides the bytes. A value that fits its term's coercion is written as a bare string; one that
does not (a literal of another datatype or language) keeps its ``@type`` or ``@language``, so
nothing is lost when the context does not fit. ``expanded=True`` writes expanded JSON-LD (full
IRIs, value objects, no context) for tools without a context loader.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import CG, PREFIXES
from .terms import to_rdflib

CONTEXT_IRI = "https://w3id.org/codegraph/context.jsonld"
"""Where the context is published (w3id redirect: docs/w3id/.htaccess); ``serve`` answers it."""

_XSD = str(XSD)
_DATE_PROPERTIES = {CG.effectiveDate, CG.effectiveFrom, CG.effectiveThrough, CG.sunsetDate}
"""xsd:date properties: OWL 2 has no xsd:date, so the ontology states no range for them."""
_OTHER_PREFIXES = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": _XSD,
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "cgstatus": "https://w3id.org/codegraph/vocab/coverage-status/",
}
# Other vocabularies' properties codegraph writes, with the coercion their values take.
_EXTERNAL_TERMS: dict[str, dict[str, str]] = {
    "skos:inScheme": {"@type": "@id"},
    "skos:broader": {"@type": "@id"},
    "skos:topConceptOf": {"@type": "@id"},
    "skos:member": {"@type": "@id"},
    "skos:exactMatch": {"@type": "@id"},
    "skos:closeMatch": {"@type": "@id"},
    "skos:broadMatch": {"@type": "@id"},
    "skos:narrowMatch": {"@type": "@id"},
    "skos:relatedMatch": {"@type": "@id"},
    "skos:prefLabel": {"@language": "en"},
    "skos:definition": {"@language": "en"},
    "skos:editorialNote": {"@language": "en"},
    "skos:scopeNote": {"@language": "en"},
    "skos:hasTopConcept": {"@type": "@id"},
    "rdfs:label": {"@language": "en"},
    "rdfs:comment": {"@language": "en"},
    "rdfs:subClassOf": {"@type": "@id"},
    "rdfs:seeAlso": {"@type": "@id"},
    "prov:wasDerivedFrom": {"@type": "@id"},
    "prov:wasGeneratedBy": {"@type": "@id"},
    "prov:wasRevisionOf": {"@type": "@id"},
    "prov:used": {"@type": "@id"},
    "prov:wasAssociatedWith": {"@type": "@id"},
    "prov:startedAtTime": {"@type": "xsd:dateTime"},
    "prov:endedAtTime": {"@type": "xsd:dateTime"},
    "dcterms:title": {"@language": "en"},
    "dcterms:description": {"@language": "en"},
    "dcterms:rights": {"@language": "en"},
    "dcterms:identifier": {"@type": "xsd:anyURI"},
    "dcterms:source": {"@type": "@id"},
    "dcterms:license": {"@type": "@id"},
    "dcterms:publisher": {"@type": "@id"},
    "dcterms:conformsTo": {"@type": "@id"},
    "schema:url": {"@type": "@id"},
    "oa:hasSource": {"@type": "@id"},
    "oa:hasSelector": {"@type": "@id"},
    "oa:hasTarget": {"@type": "@id"},
    # xsd:integer as written (rdf/writer.py: Oxigraph keeps every integer type as xsd:integer)
    "oa:start": {"@type": "xsd:integer"},
    "oa:end": {"@type": "xsd:integer"},
    "obo:BFO_0000050": {"@type": "@id"},
}


@cache
def context() -> dict[str, Any]:
    """The ``@context`` object (cached: treat as read-only), made from the shipped ontology."""
    from ..validate.shapes import ontology_graph  # the one loader of the ontology file

    return build_context(ontology_graph())


def build_context(ontology: Graph) -> dict[str, Any]:
    """The ``@context`` object for ``ontology``'s terms (the shipped file is this, written out)."""
    terms: dict[str, Any] = {"@version": 1.1}
    for prefix, namespace in sorted({**{k: str(v) for k, v in PREFIXES.items()}, **_OTHER_PREFIXES}.items()):
        terms[prefix] = namespace
    own = str(CG._NS)
    for prop in sorted((p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(own)), key=str):
        terms[f"cg:{str(prop)[len(own):]}"] = {"@type": "@id"}
    for prop in sorted((p for p in ontology.subjects(RDF.type, OWL.DatatypeProperty) if str(p).startswith(own)), key=str):
        datatype = XSD.date if prop in _DATE_PROPERTIES else ontology.value(prop, RDFS.range)
        if isinstance(datatype, URIRef) and datatype != XSD.string and str(datatype).startswith(_XSD):
            terms[f"cg:{str(prop)[len(own):]}"] = {"@type": f"xsd:{str(datatype)[len(_XSD):]}"}
    terms.update(sorted(_EXTERNAL_TERMS.items()))
    return {"@context": terms}


def context_json() -> str:
    """The context as the text of ``ontology/context.jsonld``."""
    return json.dumps(context(), indent=2, ensure_ascii=False) + "\n"


# -- writing ------------------------------------------------------------------------------------


class _Compactor:
    def __init__(self, ctx: dict[str, Any]):
        terms = ctx["@context"]
        self.prefixes = sorted(((v, k) for k, v in terms.items() if isinstance(v, str) and not k.startswith("@")),
                               key=lambda item: -len(item[0]))
        self.coercion: dict[str, dict[str, str]] = {}
        for key, definition in terms.items():
            if isinstance(definition, dict):
                self.coercion[self.expand(key)] = {k: (self.expand(v) if k == "@type" and v != "@id" else v) for k, v in definition.items()}

    def expand(self, name: str) -> str:
        prefix, _, local = name.partition(":")
        for namespace, known in self.prefixes:
            if known == prefix:
                return namespace + local
        return name

    def iri(self, iri: str) -> str:
        for namespace, prefix in self.prefixes:
            local = iri[len(namespace):]
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def node_id(self, term: Node) -> str:
        return f"_:{term}" if isinstance(term, BNode) else self.iri(str(term))

    def value(self, predicate: str, term: Node) -> Any:
        coercion = self.coercion.get(predicate, {})
        if not isinstance(term, Literal):
            node_id = self.node_id(term)
            return node_id if coercion.get("@type") == "@id" else {"@id": node_id}
        text = str(term)
        if term.language:
            return text if coercion.get("@language") == term.language else {"@value": text, "@language": term.language}
        datatype = str(term.datatype) if term.datatype is not None else str(XSD.string)
        if datatype == str(XSD.string):
            return text if not coercion else {"@value": text}
        if coercion.get("@type") == datatype:
            return text
        return {"@value": text, "@type": self.iri(datatype)}


class _Expander(_Compactor):
    def __init__(self) -> None:
        super().__init__({"@context": {}})

    def value(self, predicate: str, term: Node) -> Any:
        if not isinstance(term, Literal):
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype is not None and str(term.datatype) != str(XSD.string):
            return {"@value": str(term), "@type": str(term.datatype)}
        return {"@value": str(term)}


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _nodes(triples: Iterable[tuple[Node, Node, Node]], writer: _Compactor, expanded: bool) -> list[dict[str, Any]]:
    subjects: dict[str, dict[str, list[Any]]] = {}
    for s, p, o in triples:
        properties = subjects.setdefault(writer.node_id(s), {})
        if p == RDF.type and not isinstance(o, (Literal, BNode)):
            properties.setdefault("@type", []).append(writer.iri(str(o)))
        else:
            properties.setdefault(writer.iri(str(p)), []).append(writer.value(str(p), o))
    nodes = []
    for node_id in sorted(subjects):
        node: dict[str, Any] = {"@id": node_id}
        for key in sorted(subjects[node_id], key=lambda k: (k != "@type", k)):
            values = sorted(subjects[node_id][key], key=_sort_key)
            node[key] = values if expanded or len(values) > 1 else values[0]
        nodes.append(node)
    return nodes


def write_jsonld(nquads: bytes, *, expanded: bool = False, embed_context: bool = True) -> bytes:
    """Canonical N-Quads as JSON-LD: compacted with codegraph's context (inline, or by reference
    to ``CONTEXT_IRI`` with ``embed_context=False``), or ``expanded``. Deterministic."""
    writer: _Compactor = _Expander() if expanded else _Compactor(context())
    by_graph: dict[str, list[tuple[Node, Node, Node]]] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        by_graph.setdefault(graph, []).append((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    graphs: list[dict[str, Any]] = _nodes(by_graph.pop("", []), writer, expanded)  # triples outside any named graph
    graphs += [{"@id": writer.iri(name), "@graph": _nodes(triples, writer, expanded)} for name, triples in sorted(by_graph.items())]
    if expanded:
        document: Any = graphs
    else:
        document = {"@context": context()["@context"] if embed_context else CONTEXT_IRI, "@graph": graphs}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
