"""The one writer of triples for both mappers (pages in ``mapper.py``, tables in
``imports/graph.py``): one rule for empty values, one way to write the nodes every source shares.

A source's own triples go to its own named graph. What every source says alike about a code, a
payer or an activity goes to a shared graph (a graph per code, the payers', the activities'): a
store unions named graphs as a bag, so the same triple in many graphs would repeat query rows.
Shared graphs are derived data: after sources are replaced or retired, ``build.py`` removes the
shared nodes no source points at any more.
"""

from __future__ import annotations

from datetime import date

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from ..codes import cpt_category
from ..vocab.payers import canonical_payer
from . import iris
from .namespaces import CG, CODE_SYSTEMS, SCHEMA
from .terms import nquad_line

Triple = tuple[Node, Node, Node]


class TripleWriter:
    """Collects one source's triples by named graph, each list in first-written order (a dict
    keeps it ordered and drops repeats without the cost of a graph's indexes)."""

    def __init__(self, own_graph: URIRef):
        self.own_graph = own_graph
        self.graphs: dict[URIRef, dict[Triple, None]] = {own_graph: {}}

    # -- the source's own triples ---------------------------------------------------------

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.graphs[self.own_graph][(s, p, o)] = None

    def text(self, node: Node, prop: URIRef, value: str | None) -> None:
        """A text value; None and blank text say nothing, so they write nothing."""
        if value is not None and value.strip():
            self.add(node, prop, Literal(value))

    def day(self, node: Node, prop: URIRef, value: date | str | None) -> None:
        if value:
            self.add(node, prop, Literal(value if isinstance(value, str) else value.isoformat(), datatype=XSD.date))

    def evidence(self, source_key: str, document: URIRef, section: str, start: int, end: int, line: int, quote: str) -> URIRef:
        """Where a fact was read: the section, the character span, the line and the words."""
        node = iris.evidence_iri(source_key, start, end)
        self.add(node, RDF.type, CG.Evidence)
        self.add(node, CG.inDocument, document)
        self.add(node, CG.section, Literal(section))
        self.add(node, CG.startOffset, Literal(start))
        self.add(node, CG.endOffset, Literal(end))
        self.add(node, CG.line, Literal(line))
        self.add(node, CG.quote, Literal(quote))
        return node

    def source_document(self, source_key: str, sha256: str, path: str, media_type: str | None = None,
                        url: str | None = None) -> URIRef:
        """The source itself: its key, its version (SHA-256 of its bytes), where it was read."""
        node = iris.document_iri(source_key)
        self.add(node, RDF.type, CG.SourceDocument)
        self.add(node, CG.sourceKey, Literal(source_key))
        self.add(node, CG.sha256, Literal(sha256))
        self.add(node, CG.sourcePath, Literal(path))
        self.text(node, DCTERMS.format, media_type)
        if url:
            self.add(node, SCHEMA.url, URIRef(url))
        return node

    # -- shared nodes ----------------------------------------------------------------------

    def add_shared(self, graph: URIRef, s: Node, p: Node, o: Node) -> None:
        self.graphs.setdefault(graph, {})[(s, p, o)] = None

    def code(self, system: str, code: str) -> URIRef:
        """A billing code: its type, notation, scheme and (from its shape) category."""
        node, graph = iris.code_iri(system, code), iris.code_graph_iri(system, code)
        self.add_shared(graph, node, RDF.type, CG.BillingCode)
        self.add_shared(graph, node, RDF.type, SKOS.Concept)
        self.add_shared(graph, node, SKOS.notation, Literal(code))
        self.add_shared(graph, node, SKOS.inScheme, CODE_SYSTEMS[system])
        self.add_shared(graph, node, RDFS.seeAlso, iris.code_page_iri(system, code))
        category = "HCPCS Level II" if system == "HCPCS" else cpt_category(code)
        if category in iris.CATEGORY_NOTATIONS:
            self.add_shared(graph, node, CG.category, iris.value_iri("code-category", iris.CATEGORY_NOTATIONS[category]))
        return node

    def related_code(self, system: str, code: str) -> URIRef:
        """A code another names as related: a concept of its system (notation, scheme), written in
        the code's shared graph. Not a ``cg:BillingCode`` unless a source is about it."""
        node, graph = iris.code_iri(system, code), iris.code_graph_iri(system, code)
        self.add_shared(graph, node, RDF.type, SKOS.Concept)
        self.add_shared(graph, node, SKOS.notation, Literal(code))
        self.add_shared(graph, node, SKOS.inScheme, CODE_SYSTEMS[system])
        return node

    def listed(self, scheme: str, code: str, node: URIRef) -> URIRef:
        """A code of a shipped code set (``place-of-service``, ``modifiers``, ``nucc-taxonomy``)
        that a source names. The set's own graph describes the codes it lists; one it lacks still
        gets its type, typed notation and scheme here (in a shared graph of its own), without the
        label only the set gives, which is how the shapes find it (structure.ttl)."""
        from ..vocab.schemes import SCHEMES, listed_notations

        if code not in listed_notations(scheme):
            spec, graph = SCHEMES[scheme], iris.code_graph_iri(scheme, code)
            self.add_shared(graph, node, RDF.type, SKOS.Concept)
            if spec.concept_type is not None:
                self.add_shared(graph, node, RDF.type, spec.concept_type)
            self.add_shared(graph, node, SKOS.notation, Literal(code, datatype=spec.notation_type))
            self.add_shared(graph, node, SKOS.inScheme, iris.scheme_iri(scheme))
            self.add_shared(graph, node, SKOS.editorialNote, Literal(f"Named by a source; not in codegraph's {spec.title}.", lang="en"))
        return node

    def payer(self, name: str) -> URIRef:
        """A payer, by the canonical name the alias table gives (``vocab/payers.py``)."""
        canonical = canonical_payer(name)
        node = iris.payer_iri(canonical)
        self.add_shared(iris.PAYERS_GRAPH, node, RDF.type, CG.Payer)
        self.add_shared(iris.PAYERS_GRAPH, node, RDF.type, SCHEMA.Organization)
        self.add_shared(iris.PAYERS_GRAPH, node, SCHEMA.name, Literal(canonical))
        return node

    def activity(self, node: URIRef, label: str, version: str, source: URIRef) -> URIRef:
        """The PROV activity that made this source's facts (reading pages, or importing one kind of
        table, with one codegraph version), associated with codegraph as a software agent. That it
        used this source is said in the source's own graph, so it goes when the source goes."""
        agent = iris.agent_iri(version)
        self.add_shared(iris.ACTIVITY_GRAPH, node, RDF.type, PROV.Activity)
        self.add_shared(iris.ACTIVITY_GRAPH, node, RDFS.label, Literal(label, lang="en"))
        self.add_shared(iris.ACTIVITY_GRAPH, node, PROV.wasAssociatedWith, agent)
        self.add_shared(iris.ACTIVITY_GRAPH, agent, RDF.type, PROV.SoftwareAgent)
        self.add_shared(iris.ACTIVITY_GRAPH, agent, RDFS.label, Literal(f"codegraph {version}", lang="en"))
        self.add_shared(iris.ACTIVITY_GRAPH, agent, OWL.versionInfo, Literal(version))
        self.add(node, PROV.used, source)
        return node

    # -- output ------------------------------------------------------------------------------

    def named_graphs(self) -> dict[URIRef, list[Triple]]:
        """The source's own graph first, then the shared graphs it adds to."""
        return {name: list(triples) for name, triples in self.graphs.items()}

    def nquads(self) -> str:
        return "".join(nquad_line(s, p, o, name) for name, triples in self.graphs.items() for s, p, o in triples)
