"""The one writer of triples for both mappers (pages in ``mapper.py``, tables in
``imports/graph.py``): one rule for empty values, one way to write the nodes every source shares.

A source's own triples go to its own named graph. What every source says alike about a code, a
payer or an activity goes to a shared graph (a graph per code, the payers', the activities'): a
store unions named graphs as a bag, so the same triple in many graphs would repeat query rows.
Shared graphs are derived data: after sources are replaced or retired, ``build.py`` removes the
shared nodes no source points at any more.

The writer keeps N-Quads lines, not rdflib triples: each triple is written as its line once, when
it is added (an IRI's form is remembered; a literal given as a Python value never becomes an
rdflib ``Literal``, which costs more than the rest of the line). A code or payer is written once
per source however often it is named, and a node written whole (an evidence span, a table's
row) goes in as one block. Measured in one run on this project's 2-core machine: mapping a
10,000-row policy table took 0.9 s of CPU instead of 7.9 s, and mapping 300 pages 0.6 s instead
of 1.6 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import lru_cache

from rdflib import OWL, RDF, RDFS, SKOS, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from ..codes import code_category
from ..vocab.payers import canonical_payer
from . import iris
from .namespaces import CG, CODE_SYSTEMS, OA, SCHEMA
from .terms import date_term, integer_term, nt_term, parse_nquads, string_term

Triple = tuple[Node, Node, Node]

# Terms the writer itself writes, looked up once (a DefinedNamespace attribute costs a call).
_TYPE, _LABEL = RDF.type, RDFS.label
_CONCEPT, _NOTATION, _IN_SCHEME = SKOS.Concept, SKOS.notation, SKOS.inScheme
_EVIDENCE, _IN_DOCUMENT, _SECTION = CG.Evidence, CG.inDocument, CG.section
_START, _END, _LINE, _QUOTE = CG.startOffset, CG.endOffset, CG.line, CG.quote
_SOURCE_DOCUMENT, _SOURCE_KEY, _SHA256, _SOURCE_PATH = CG.SourceDocument, CG.sourceKey, CG.sha256, CG.sourcePath
_BILLING_CODE, _CATEGORY, _PAYER, _ORGANIZATION, _NAME = CG.BillingCode, CG.category, CG.Payer, SCHEMA.Organization, SCHEMA.name
_URL, _FORMAT, _ACTIVITY, _SEE_ALSO = SCHEMA.url, DCTERMS.format, PROV.Activity, RDFS.seeAlso
_NT_TYPE, _NT_EVIDENCE, _NT_IN_DOCUMENT, _NT_SECTION = (nt_term(term) for term in (_TYPE, _EVIDENCE, _IN_DOCUMENT, _SECTION))
_NT_START, _NT_END, _NT_LINE, _NT_QUOTE = (nt_term(term) for term in (_START, _END, _LINE, _QUOTE))
# The same span as a Web Annotation target (oa:SpecificResource) with its two selectors.
_NT_SPECIFIC_RESOURCE, _NT_HAS_SOURCE, _NT_HAS_SELECTOR = (nt_term(term) for term in (OA.SpecificResource, OA.hasSource, OA.hasSelector))
_NT_POSITION_SELECTOR, _NT_OA_START, _NT_OA_END = (nt_term(term) for term in (OA.TextPositionSelector, OA.start, OA.end))
_NT_QUOTE_SELECTOR, _NT_OA_EXACT = (nt_term(term) for term in (OA.TextQuoteSelector, OA.exact))
_NT_BILLING_CODE, _NT_CONCEPT, _NT_NOTATION = (nt_term(term) for term in (_BILLING_CODE, _CONCEPT, _NOTATION))
_NT_IN_SCHEME, _NT_SEE_ALSO, _NT_CATEGORY = (nt_term(term) for term in (_IN_SCHEME, _SEE_ALSO, _CATEGORY))
_NT_SCHEMES = {system: nt_term(scheme) for system, scheme in CODE_SYSTEMS.items()}


def _evidence_tails(end: str) -> tuple[str, str, str, str]:
    """The lines of an evidence block that are the same for every span but their subject, from
    the predicate on (``end`` closes a line in its graph)."""
    return (f" {_NT_TYPE} {_NT_EVIDENCE}{end}", f" {_NT_TYPE} {_NT_SPECIFIC_RESOURCE}{end}",
            f" {_NT_TYPE} {_NT_POSITION_SELECTOR}{end}", f" {_NT_TYPE} {_NT_QUOTE_SELECTOR}{end}")


@lru_cache(maxsize=256)
def _section_term(section: str) -> str:
    # Every evidence node names its section, one of a few ids.
    return string_term(section)


@lru_cache(maxsize=16)
def _category_term(notation: str) -> str:
    return nt_term(iris.value_iri("code-category", notation))


class TripleWriter:
    """Collects one source's triples by named graph as N-Quads lines, each graph's lines in
    first-written order and each once."""

    def __init__(self, own_graph: URIRef):
        self.own_graph = own_graph
        self._terms: dict[URIRef, str] = {}  # IRI -> its N-Triples form, for this source
        self._suffixes: dict[URIRef, str] = {}  # graph -> " <graph> .\n"
        self._lines: dict[URIRef, dict[str, None]] = {own_graph: {}}
        self._own = self._lines[own_graph]
        self._blocks: list[str] = []  # lines of the own graph written as whole nodes (``write_block``)
        self._own_suffix = self._suffix(own_graph)
        self._codes: dict[tuple[str, str], URIRef] = {}  # shared nodes already written
        self._payers: dict[str, URIRef] = {}
        self._payer_terms: dict[str, str] = {}  # name -> the payer's N-Triples form (``payer_term``)
        self._evidence_tails: tuple[str, str, str, str] | None = None  # ``_evidence_tails`` of the own graph

    # -- term forms -----------------------------------------------------------------------

    def term(self, node: Node) -> str:
        """A term in N-Triples form (IRIs remembered: a source names the same ones again and again)."""
        if type(node) is URIRef:
            text = self._terms.get(node)
            if text is None:
                text = self._terms[node] = nt_term(node)
            return text
        return nt_term(node)

    def _suffix(self, graph: URIRef) -> str:
        suffix = self._suffixes.get(graph)
        if suffix is None:
            suffix = self._suffixes[graph] = f" {self.term(graph)} .\n"
        return suffix

    # -- the source's own triples ---------------------------------------------------------

    def add(self, s: Node, p: Node, o: Node) -> None:
        self._own[f"{self.term(s)} {self.term(p)} {self.term(o)}{self._own_suffix}"] = None

    def add_term(self, s: Node, p: Node, o: str) -> None:
        """A triple whose object is given in N-Triples form (``terms.string_term`` and friends)."""
        self._own[f"{self.term(s)} {self.term(p)} {o}{self._own_suffix}"] = None

    def emit(self, s: str, p: str, o: str) -> None:
        """A triple of the source's own graph given as three terms in N-Triples form."""
        self._own[f"{s} {p} {o}{self._own_suffix}"] = None

    def write_block(self, subject: str, pairs: Iterable[tuple[str, str]]) -> None:
        """A node's triples in the source's own graph, all at once: ``subject`` and each
        (predicate, object) in N-Triples form. For a mapper's hot path (a node per row or per
        span, written once: the caller remembers which it wrote), so its lines are not checked
        for repeats one by one."""
        end = self._own_suffix
        self._blocks.append("".join([f"{subject} {p} {o}{end}" for p, o in pairs]))

    def take_blocks(self) -> str:
        """The own graph's lines written with ``write_block`` so far (then forgotten): a large
        source writes them out as it goes."""
        text = "".join(self._blocks)
        self._blocks.clear()
        return text

    def string(self, node: Node, prop: URIRef, value: str) -> None:
        """A plain string value, written even when empty (``Literal(value)``)."""
        self.add_term(node, prop, string_term(value))

    def integer(self, node: Node, prop: URIRef, value: int) -> None:
        self.add_term(node, prop, integer_term(value))

    def text(self, node: Node, prop: URIRef, value: str | None) -> None:
        """A text value; None and blank text say nothing, so they write nothing."""
        if value is not None and value.strip():
            self.add_term(node, prop, string_term(value))

    def day(self, node: Node, prop: URIRef, value: date | str | None) -> None:
        if value:
            self.add_term(node, prop, date_term(value if isinstance(value, str) else value.isoformat()))

    def evidence(self, source_key: str, document: URIRef, section: str, start: int, end: int, line: int, quote: str) -> URIRef:
        """Where a fact was read: the section, the character span, the line and the words (write
        each span once: both mappers remember the spans they wrote).

        The node is also a Web Annotation target: an ``oa:SpecificResource`` whose ``oa:hasSource``
        is the document, with an ``oa:TextPositionSelector`` (the same offsets, as ``oa:start`` and
        ``oa:end``) and an ``oa:TextQuoteSelector`` (the quote, as ``oa:exact``) named after it
        (``iris.position_selector_iri``, ``iris.quote_selector_iri``), never blank nodes. The
        offsets are ``xsd:integer`` literals, not the ``xsd:nonNegativeInteger`` OA names as their
        range (the same numbers): Oxigraph keeps every integer type as ``xsd:integer``, so a
        store's export would otherwise differ from the file a build writes."""
        node = iris.evidence_iri(source_key, start, end)
        self.evidence_block(nt_term(node), self.term(document), section, start, end, line, quote)
        return node

    def evidence_block(self, subject: str, document: str, section: str, start: int, end: int, line: int, quote: str) -> None:
        """``evidence`` with the node and the document given in N-Triples form (the page mapper's
        hot path: it writes the span's IRI as text, without making a URIRef)."""
        text, first, last = string_term(quote), integer_term(start), integer_term(end)
        # iris.position_selector_iri and iris.quote_selector_iri, written from the subject's form
        # (tests/test_fast_paths.py checks they are the same terms)
        position, exact = f"{subject[:-1]}/position>", f"{subject[:-1]}/quote>"
        end_ = self._own_suffix
        tails = self._evidence_tails
        if tails is None:
            tails = self._evidence_tails = _evidence_tails(end_)
        typed, specific, position_typed, quote_typed = tails
        # One item a line (joined, the same text as one block): a worker sets them without splitting.
        self._blocks.extend((
            subject + typed,
            f"{subject} {_NT_IN_DOCUMENT} {document}{end_}",
            f"{subject} {_NT_SECTION} {_section_term(section)}{end_}",
            f"{subject} {_NT_START} {first}{end_}",
            f"{subject} {_NT_END} {last}{end_}",
            f"{subject} {_NT_LINE} {integer_term(line)}{end_}",
            f"{subject} {_NT_QUOTE} {text}{end_}",
            subject + specific,
            f"{subject} {_NT_HAS_SOURCE} {document}{end_}",
            f"{subject} {_NT_HAS_SELECTOR} {position}{end_}",
            f"{subject} {_NT_HAS_SELECTOR} {exact}{end_}",
            position + position_typed,
            f"{position} {_NT_OA_START} {first}{end_}",
            f"{position} {_NT_OA_END} {last}{end_}",
            exact + quote_typed,
            f"{exact} {_NT_OA_EXACT} {text}{end_}",
        ))

    def source_document(self, source_key: str, sha256: str, path: str, media_type: str | None = None,
                        url: str | None = None) -> URIRef:
        """The source itself: its key, its version (SHA-256 of its bytes), where it was read."""
        node = iris.document_iri(source_key)
        self.add(node, _TYPE, _SOURCE_DOCUMENT)
        self.string(node, _SOURCE_KEY, source_key)
        self.string(node, _SHA256, sha256)
        self.string(node, _SOURCE_PATH, path)
        self.text(node, _FORMAT, media_type)
        if url:
            self.add(node, _URL, URIRef(url))
        return node

    # -- shared nodes ----------------------------------------------------------------------

    def add_shared(self, graph: URIRef, s: Node, p: Node, o: Node) -> None:
        lines = self._lines.get(graph)
        if lines is None:
            lines = self._lines[graph] = {}
        lines[f"{self.term(s)} {self.term(p)} {self.term(o)}{self._suffix(graph)}"] = None

    def code(self, system: str, code: str) -> URIRef:
        """A billing code: its type, notation, scheme and (from its shape) category."""
        node = self._codes.get((system, code))
        if node is not None:
            return node
        node = self._codes[(system, code)] = iris.code_iri(system, code)
        graph = iris.code_graph_iri(system, code)
        subject, end = self.term(node), self._suffix(graph)
        # The lines add_shared writes for these terms, written as text (one code a page: its
        # Literal and IRIs cost more than the rest of the line).
        lines = [f"{subject} {_NT_TYPE} {_NT_BILLING_CODE}{end}",
                 f"{subject} {_NT_TYPE} {_NT_CONCEPT}{end}",
                 f"{subject} {_NT_NOTATION} {string_term(code)}{end}",
                 f"{subject} {_NT_IN_SCHEME} {_NT_SCHEMES[system]}{end}",
                 f"{subject} {_NT_SEE_ALSO} {nt_term(iris.code_page_iri(system, code))}{end}"]
        category = code_category(system, code)
        if category in iris.CATEGORY_NOTATIONS:
            lines.append(f"{subject} {_NT_CATEGORY} {_category_term(iris.CATEGORY_NOTATIONS[category])}{end}")
        self.add_shared_lines(((graph, tuple(lines)),))
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
        node = self._payers.get(name)
        if node is not None:
            return node
        canonical = canonical_payer(name)
        node = self._payers[name] = iris.payer_iri(canonical)
        self.add_shared(iris.PAYERS_GRAPH, node, _TYPE, _PAYER)
        self.add_shared(iris.PAYERS_GRAPH, node, _TYPE, _ORGANIZATION)
        self.add_shared(iris.PAYERS_GRAPH, node, _NAME, Literal(canonical))
        return node

    def activity(self, node: URIRef, label: str, version: str, source: URIRef) -> URIRef:
        """The PROV activity that made this source's facts (reading pages, or importing one kind of
        table, with one codegraph version), associated with codegraph as a software agent. That it
        used this source is said in the source's own graph, so it goes when the source goes."""
        agent = iris.agent_iri(version)
        self.add_shared(iris.ACTIVITY_GRAPH, node, _TYPE, _ACTIVITY)
        self.add_shared(iris.ACTIVITY_GRAPH, node, _LABEL, Literal(label, lang="en"))
        self.add_shared(iris.ACTIVITY_GRAPH, node, PROV.wasAssociatedWith, agent)
        self.add_shared(iris.ACTIVITY_GRAPH, agent, _TYPE, PROV.SoftwareAgent)
        self.add_shared(iris.ACTIVITY_GRAPH, agent, _LABEL, Literal(f"codegraph {version}", lang="en"))
        self.add_shared(iris.ACTIVITY_GRAPH, agent, OWL.versionInfo, Literal(version))
        self.add(node, PROV.used, source)
        return node

    # -- shared nodes as text: the page mapper's hot path --------------------------------------

    def add_shared_lines(self, writes: SharedWrites) -> None:
        """Shared-graph lines already written whole (``shared_writes``), each kept once."""
        for graph, lines in writes:
            known = self._lines.get(graph)
            if known is None:
                known = self._lines[graph] = {}
            for line in lines:
                known[line] = None

    def payer_term(self, name: str) -> str:
        """``payer`` in N-Triples form: the same lines, made once per process for each name."""
        node = self._payer_terms.get(name)
        if node is None:
            node, writes = _payer_writes(name)
            self._payer_terms[name] = node
            self.add_shared_lines(writes)
        return node

    # -- output ------------------------------------------------------------------------------

    def chunks(self) -> Iterator[str]:
        """Every N-Quads line (one at a time, or a node's lines at once): the source's own graph
        first, then the shared graphs it adds to."""
        yield from self._own
        yield from self._blocks
        for name, lines in self._lines.items():
            if name != self.own_graph:
                yield from lines

    def own_lines(self) -> Iterator[str]:
        """The lines (and blocks) of the source's own graph."""
        yield from self._own
        yield from self._blocks

    def own_list(self) -> list[str]:
        """``own_lines`` as a list, made in C."""
        return [*self._own, *self._blocks]

    def shared_lines(self) -> Iterator[str]:
        """The lines of the shared graphs this source adds to."""
        for name, lines in self._lines.items():
            if name != self.own_graph:
                yield from lines

    def nquads(self) -> str:
        return "".join(self.chunks())

    def named_graphs(self) -> dict[URIRef, list[Triple]]:
        """The source's own graph first, then the shared graphs it adds to, as rdflib triples
        (read back from the lines: for tests and small jobs)."""
        graphs: dict[URIRef, list[Triple]] = {name: [] for name, lines in self._lines.items() if lines or name == self.own_graph}
        seen: set[tuple[Node, Node, Node, URIRef]] = set()
        for s, p, o, g in parse_nquads(self.nquads().encode("utf-8")):
            if (s, p, o, g) not in seen:
                seen.add((s, p, o, g))
                graphs[g].append((s, p, o))
        return graphs


SharedWrites = tuple[tuple[URIRef, tuple[str, ...]], ...]
"""What one call writes to shared graphs: each graph with its lines, in written order."""
_SCRATCH_GRAPH = URIRef("urn:codegraph:scratch")


def shared_writes(write: Callable[[TripleWriter], object]) -> SharedWrites:
    """The shared-graph lines ``write`` adds to a fresh writer. A page names the same payers,
    listed codes and activity as thousands of others: their lines are made by the methods above
    once, kept (``functools.lru_cache`` around this), and copied in (``add_shared_lines``)."""
    scratch = TripleWriter(_SCRATCH_GRAPH)
    write(scratch)
    return tuple((graph, tuple(lines)) for graph, lines in scratch._lines.items() if graph != _SCRATCH_GRAPH)


@lru_cache(maxsize=4096)
def _payer_writes(name: str) -> tuple[str, SharedWrites]:
    node: list[URIRef] = []
    writes = shared_writes(lambda scratch: node.append(scratch.payer(name)))
    return nt_term(node[0]), writes
