"""A remote SPARQL 1.1 store: Oxigraph server, Fuseki, Virtuoso, GraphDB, QLever, Neptune, ...

What the store *holds* is scoped to codegraph's own graphs (IRIs under ``.../id/graph/``), so a
server's system graphs (Virtuoso has several) and other people's data never leak into answers or
exports. A query reads exactly those graphs on every server, whatever its default graph is:
``scope.py`` rewrites each triple pattern into ``GRAPH ?g { ... }``, leaving out by name the graphs
that are not codegraph's (listed once, cheaply, and again after a write or 30 s). That needs no
question about the default graph and stays fast with thousands of graphs, where naming them as
the dataset (``default-graph-uri``) does not (measured at 6,008 graphs: 48 s against 50 ms per
query; see ``scope.py``). Only a query the rewrite cannot read is sent with the graphs named.

Graphs are replaced all or nothing. Servers do fail part-way through a large load (a Graph Store
PUT of 1M triples into Virtuoso 7.2 died with a deadlock after 420,539 triples). So each graph
goes into a *staging* graph first (Graph Store PUT of the first chunk, POST of the next ones),
the staged triple count is checked with a COUNT query, and only then does one SPARQL Update
``MOVE`` swap it in for the target; on any failure the staging graph is dropped. The target is
touched by the ``MOVE`` alone.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

from ..errors import EndpointError, GraphInputError
from ..rdf.iris import NO_GRAPH, is_codegraph_graph, staging_graph_iri
from ..rdf.terms import iri_problem, nt_term, ntriple_line
from .base import GraphStore, Quad, QueryRows, Triple
from .endpoint import DEFAULT_MAX_ANSWER_BYTES, READ_ONLY_HINT, Endpoint, EndpointClient, redact_url
from .scope import Unscoped, scope_query

PUSH_CHUNK_TRIPLES = 50_000
"""Triples per Graph Store request: small enough for any server's request limit and memory."""

ChunkCallback = Callable[[URIRef, int, int], None]  # (graph, chunks sent, chunks in all)

FOREIGN_GRAPHS_BY_NAME = 100
"""Up to this many graphs that are not codegraph's are left out by IRI; beyond, each graph's IRI is
tested against codegraph's prefix (slower: the server must spell every graph IRI out)."""
GRAPH_LIST_SECONDS = 30.0
"""How long the list of the server's graphs is trusted (a write through the store renews it)."""


@dataclass
class PushedGraph:
    """One graph replaced on a server: its triples, requests and seconds."""
    name: URIRef
    triples: int
    chunks: int
    seconds: float


def _units(triples: Sequence[Triple]) -> Iterator[list[Triple]]:
    """Triples in groups a chunk must not split: each request body is its own document, so a
    blank node written in two requests would become two nodes. Triples joined through blank
    nodes stay together; the rest go one by one."""
    parent: dict[BNode, BNode] = {}

    def root(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        blanks = [term for term in (triple[0], triple[2]) if isinstance(term, BNode)]
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    groups: dict[BNode, list[Triple]] = {}
    for triple in triples:
        blank = next((term for term in (triple[0], triple[2]) if isinstance(term, BNode)), None)
        if blank is None:
            yield [triple]
        else:
            groups.setdefault(root(blank), []).append(triple)
    yield from groups.values()


def ntriples_chunks(triples: Sequence[Triple], chunk_triples: int) -> list[bytes]:
    """N-Triples request bodies of about ``chunk_triples`` triples each (a blank-node group larger
    than that goes whole), in a stable order."""
    if chunk_triples < 1:
        raise GraphInputError(f"chunk size must be at least 1 triple, got {chunk_triples}")
    chunks: list[bytes] = []
    lines: list[str] = []
    for unit in _units(triples):
        if lines and len(lines) + len(unit) > chunk_triples:
            chunks.append("".join(lines).encode("utf-8"))
            lines = []
        lines.extend(ntriple_line(s, p, o) for s, p, o in unit)
    if lines:
        chunks.append("".join(lines).encode("utf-8"))
    return chunks


def stage(remote: EndpointClient, name: URIRef, triples: Sequence[Triple], chunk_triples: int = PUSH_CHUNK_TRIPLES,
          on_chunk: ChunkCallback | None = None) -> PushedGraph:
    """Upload ``triples`` into the staging graph of ``name`` and check the server holds them all.
    ``name`` itself is not touched."""
    started = time.perf_counter()
    unique = list(dict.fromkeys(triples))  # a graph is a set: the count the server must report
    staging = staging_graph_iri(name)
    chunks = ntriples_chunks(unique, chunk_triples) if unique else []
    for index, body in enumerate(chunks):
        if index == 0:
            remote.gsp_put(staging, body)  # also replaces whatever an interrupted upload left
        else:
            remote.gsp_post(staging, body)
        if on_chunk is not None:
            on_chunk(name, index + 1, len(chunks))
    staged = _graph_triple_count(remote, staging) if unique else 0
    if staged != len(unique):
        raise EndpointError(
            f"{redact_url(remote.endpoint.gsp_url or remote.endpoint.query_url)}: the staging graph <{staging}> holds {staged} triples after the upload, "
            f"but {len(unique)} were sent; <{name}> was not changed"
        )
    return PushedGraph(name, len(unique), len(chunks), time.perf_counter() - started)


def stage_and_swap_all(remote: EndpointClient, graphs: Mapping[URIRef, Sequence[Triple]],
                       chunk_triples: int = PUSH_CHUNK_TRIPLES, on_chunk: ChunkCallback | None = None) -> list[PushedGraph]:
    """Replace every graph of ``graphs`` on ``remote``, all or nothing: each is staged and checked,
    then one update request swaps them all in (a server applies one request in one transaction).
    On any failure the staging graphs are dropped and every target keeps its previous version."""
    remote.require_graph_store()
    pushed: list[PushedGraph] = []
    try:
        for name, triples in graphs.items():
            pushed.append(stage(remote, name, triples, chunk_triples, on_chunk))
        swaps = [f"MOVE SILENT GRAPH {nt_term(staging_graph_iri(p.name))} TO GRAPH {nt_term(p.name)}" if p.triples
                 else f"DROP SILENT GRAPH {nt_term(p.name)}" for p in pushed]
        if swaps:
            remote.update(" ;\n".join(swaps), idempotent=False)
    except EndpointError as failure:
        names = ", ".join(f"<{name}>" for name in graphs)
        verb = "keeps its" if len(graphs) == 1 else "keep their"
        drops = " ; ".join(f"DROP SILENT GRAPH {nt_term(staging_graph_iri(name))}" for name in graphs)
        if READ_ONLY_HINT in str(failure):  # nothing was written, and nothing can be dropped
            raise
        try:
            if drops:
                remote.update(drops)
        except EndpointError as cleanup:
            raise EndpointError(
                f"{failure}; {names} {verb} previous version, and the staging graph(s) could not be "
                f"dropped ({cleanup}): the next push of {names} replaces them"
            ) from failure
        raise
    return pushed


def stage_and_swap(remote: EndpointClient, name: URIRef, triples: Sequence[Triple],
                   chunk_triples: int = PUSH_CHUNK_TRIPLES, on_chunk: ChunkCallback | None = None) -> PushedGraph:
    """Replace the graph ``name`` on ``remote`` with ``triples``, all or nothing."""
    return stage_and_swap_all(remote, {name: triples}, chunk_triples, on_chunk)[0]


def _graph_triple_count(client: EndpointClient, name: URIRef) -> int:
    rows = client.select_raw(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {nt_term(name)} {{ ?s ?p ?o }} }}").rows
    return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0


class RemoteStore(GraphStore):
    """A SPARQL 1.1 endpoint behind the same interface as the local stores.

    ``union_default_graph`` (what the server's default graph is) is kept for callers that state
    it; queries no longer depend on it, since each names codegraph's graphs itself."""

    def __init__(self, endpoint: Endpoint, *, union_default_graph: bool | None = None,
                 environ: Mapping[str, str] | None = None, sleep: Callable[[float], None] | None = None,
                 chunk_triples: int = PUSH_CHUNK_TRIPLES):
        self.endpoint = endpoint
        self.client = EndpointClient(endpoint, environ=environ, **({"sleep": sleep} if sleep else {}))
        self.client.on_write = self._forget_graphs
        self.union_default_graph = union_default_graph
        self.chunk_triples = chunk_triples
        self.on_chunk: ChunkCallback | None = None
        self._graphs: list[URIRef] | None = None  # every named graph on the server, cached until a write
        self._listed = 0.0

    @classmethod
    def at(cls, query_url: str, update_url: str | None = None, gsp_url: str | None = None, *, timeout: float = 60.0,
           retries: int = 3, backoff: float = 0.5, union_default_graph: bool | None = None,
           environ: Mapping[str, str] | None = None, max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES) -> RemoteStore:
        """The server at ``query_url`` (see ``Endpoint.from_urls`` for the URLs it implies)."""
        endpoint = Endpoint.from_urls(query_url, update_url, gsp_url, timeout=timeout, retries=retries, backoff=backoff,
                                      max_answer_bytes=max_answer_bytes)
        return cls(endpoint, union_default_graph=union_default_graph, environ=environ)

    def _forget_graphs(self) -> None:
        self._graphs = None

    # -- reading ------------------------------------------------------------------------------

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryRows:
        """Run a SELECT query over codegraph's graphs on the server (and nothing else it holds)."""
        if bindings:  # a VALUES block of checked, escaped terms (query/binding.py)
            from ..query.binding import inject_values

            sparql = inject_values(sparql, bindings)
        try:
            scoped = self._scoped(sparql)
        except Unscoped:  # right everywhere, slow with many graphs
            return self.client.select_raw(sparql, self.graph_names() or [NO_GRAPH])
        return self.client.select_raw(scoped)

    def _scoped(self, sparql: str) -> str:
        foreign = [str(name) for name in self._all_graphs() if not is_codegraph_graph(str(name))]
        return scope_query(sparql, foreign if len(foreign) <= FOREIGN_GRAPHS_BY_NAME else None)

    def _all_graphs(self) -> list[URIRef]:
        """Every named graph on the server, codegraph's and others', listed again after a write
        through this store and after ``GRAPH_LIST_SECONDS`` (others may load graphs meanwhile)."""
        if self._graphs is None or time.monotonic() - self._listed > GRAPH_LIST_SECONDS:
            # An empty group lists the graphs without reading their triples (Oxigraph, 6,008 graphs:
            # 0.6 s, against 9 s for GRAPH ?g { ?s ?p ?o }); a server that answers it with nothing
            # is asked the long way.
            rows = self.client.select_raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows
            if not rows:
                rows = self.client.select_raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
            self._graphs = sorted(row[0] for row in rows if isinstance(row[0], URIRef))
            self._listed = time.monotonic()
        return list(self._graphs)

    def graph_names(self) -> list[URIRef]:
        return [name for name in self._all_graphs() if is_codegraph_graph(str(name))]

    def graph_triple_count(self, name: URIRef) -> int:
        return _graph_triple_count(self.client, name)

    def triple_count(self) -> int:
        return sum(self.graph_triple_count(name) for name in self.graph_names())

    def quads(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
              graph: URIRef | None = None) -> Iterator[Quad]:
        """Matching quads in one SELECT over codegraph's graphs (works on read-only endpoints too)."""
        terms = {"s": subject, "p": predicate, "o": obj}
        pattern = " ".join(nt_term(term) if term is not None else f"?{name}" for name, term in terms.items())
        if graph is not None:
            query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {nt_term(graph)} }} GRAPH ?g {{ {pattern} }} }}"
        else:
            query = self._scoped(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ {pattern} }} }}")
        for s, p, o, g in self.client.select_raw(query).rows:
            if isinstance(g, URIRef) and is_codegraph_graph(str(g)):
                yield (s if subject is None else subject, p if predicate is None else predicate,  # type: ignore[misc]
                       o if obj is None else obj, g)

    # -- writing ------------------------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> None:
        """Each graph through its own staging graph, checked; then one request swaps them all in."""
        staged = {name: list(triples) for name, triples in graphs.items()}
        for name, triples in staged.items():
            for triple in triples:
                if not all(isinstance(term, (URIRef, BNode, Literal)) for term in triple):
                    raise GraphInputError(f"not an RDF triple for <{name}>: {triple!r}; no graph was changed")
        stage_and_swap_all(self.client, staged, self.chunk_triples, self.on_chunk)

    def push_graph(self, name: URIRef, triples: Sequence[Triple]) -> PushedGraph:
        """Replace one graph, all or nothing; says how many triples and requests it took."""
        return stage_and_swap(self.client, name, triples, self.chunk_triples, self.on_chunk)

    def add_triples(self, name: URIRef, triples: Iterable[Triple]) -> None:
        body = "".join(ntriple_line(*triple) for triple in triples).encode("utf-8")
        if body:
            self.client.gsp_post(name, body)

    def drop_graphs(self, names: Iterable[URIRef]) -> None:
        drops = " ; ".join(f"DROP SILENT GRAPH {nt_term(name)}" for name in names)
        if drops:
            self.client.update(drops)

    def update(self, sparql_update: str) -> None:
        self.client.update(sparql_update, idempotent=False)

    def require_graph_store(self) -> str:
        return self.client.require_graph_store()

    def __repr__(self) -> str:
        return f"RemoteStore({redact_url(self.endpoint.query_url)!r})"


_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def graph_iri(text: str) -> URIRef:
    """A graph name given by a user, checked to be an absolute IRI before it goes into any request."""
    if not _IRI.match(text) or iri_problem(text):  # the one IRI check query text uses (rdf/terms.py)
        raise GraphInputError(f"{text!r} is not an absolute IRI; give a graph name such as https://w3id.org/codegraph/id/graph/payers")
    return URIRef(text)
