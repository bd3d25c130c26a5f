"""Push named graphs to a SPARQL 1.1 server so a failure part-way leaves each graph's previous
version in place.

Servers do fail part-way through a large load (a Graph Store PUT of 1M triples into Virtuoso 7.2
died with a deadlock after 420,539 triples). So each graph goes into a *staging* graph first
(Graph Store PUT of the first chunk, POST of the next ones), the staged triple count is checked
with a COUNT query, and only then does one SPARQL Update ``MOVE`` swap it in for the target; on
any failure the staging graph is dropped. The target is touched by the ``MOVE`` alone.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, URIRef
from rdflib.term import Node

from ..errors import EndpointError, GraphInputError
from ..rdf.mapper import nt_term
from ..rdf.namespaces import ID
from .base import GraphStore
from .memory import MemoryStore
from .oxigraph import OxigraphStore, to_rdflib
from .remote import RemoteStore

PUSH_CHUNK_TRIPLES = 50_000
"""Triples per Graph Store request: small enough for any server's request limit and memory."""

Triple = tuple[Node, Node, Node]
ChunkCallback = Callable[[URIRef, int, int], None]  # (graph, chunks sent, chunks in all)


def staging_graph_iri(target: URIRef) -> URIRef:
    """The staging graph for ``target``: derived from its name, so a push killed part-way is
    cleaned up by the next push of the same graph (its first PUT replaces what was left)."""
    return ID[f"graph/staging/{hashlib.sha256(str(target).encode('utf-8')).hexdigest()[:16]}"]


@dataclass
class PushedGraph:
    name: URIRef
    triples: int
    chunks: int
    seconds: float


@dataclass
class PushReport:
    endpoint: str
    graphs: list[PushedGraph] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)


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
        lines.extend(f"{s.n3()} {p.n3()} {nt_term(o)} .\n" for s, p, o in unit)
    if lines:
        chunks.append("".join(lines).encode("utf-8"))
    return chunks


def stage_and_swap(remote: RemoteStore, name: URIRef, triples: Sequence[Triple],
                   chunk_triples: int = PUSH_CHUNK_TRIPLES, on_chunk: ChunkCallback | None = None) -> PushedGraph:
    """Replace the graph ``name`` on ``remote`` with ``triples``, all or nothing."""
    started = time.perf_counter()
    remote.require_graph_store()
    unique = list(dict.fromkeys(triples))  # a graph is a set: the count the server must report
    if not unique:
        remote.drop_graph(name)  # the empty graph: one atomic update
        return PushedGraph(name, 0, 0, time.perf_counter() - started)
    staging = staging_graph_iri(name)
    chunks = ntriples_chunks(unique, chunk_triples)
    try:
        for index, body in enumerate(chunks):
            if index == 0:
                remote.gsp_put(staging, body)  # also replaces whatever an interrupted push left
            else:
                remote.gsp_post(staging, body)
            if on_chunk is not None:
                on_chunk(name, index + 1, len(chunks))
        staged = remote.graph_triple_count(staging)
        if staged != len(unique):
            raise EndpointError(
                f"{remote.endpoint.gsp_url}: the staging graph <{staging}> holds {staged} triples after the upload, "
                f"but {len(unique)} were sent; <{name}> was not changed"
            )
        remote.update(f"MOVE GRAPH {staging.n3()} TO GRAPH {name.n3()}", idempotent=False)
    except EndpointError as failure:
        try:
            remote.drop_graph(staging)
        except EndpointError as cleanup:
            raise EndpointError(
                f"{failure}; <{name}> keeps its previous version, and the staging graph <{staging}> could not be "
                f"dropped ({cleanup}): the next push of <{name}> replaces it"
            ) from failure
        raise
    return PushedGraph(name, len(unique), len(chunks), time.perf_counter() - started)


def graph_triples(source: GraphStore, name: URIRef) -> list[Triple]:
    """The triples of one named graph of a local store."""
    if isinstance(source, OxigraphStore):
        import pyoxigraph as ox

        quads = source.store.quads_for_pattern(None, None, None, ox.NamedNode(str(name)))
        return [(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for q in quads]  # type: ignore[misc]
    if isinstance(source, MemoryStore):
        return list(source.dataset.graph(name))
    return list(source.to_dataset().graph(name))


def push(source: GraphStore, remote: RemoteStore, graphs: Iterable[URIRef] | None = None,
         chunk_triples: int = PUSH_CHUNK_TRIPLES, on_chunk: ChunkCallback | None = None,
         on_graph: Callable[[PushedGraph], None] | None = None) -> PushReport:
    """Send each named graph of ``source`` (or only ``graphs``) to ``remote``, replacing each
    graph there atomically. Graphs the server holds that are not sent are left alone. A failure
    stops the push: the graphs sent before it are in place, the failed one and the rest keep
    their previous version."""
    available = source.graph_names()
    names = list(graphs) if graphs is not None else available
    held = set(available)
    missing = [str(name) for name in names if name not in held]
    if missing:
        shown = ", ".join(str(name) for name in available[:5]) + (", ..." if len(available) > 5 else "")
        raise GraphInputError(f"no named graph {missing[0]} in the source; it holds {len(available)} graph(s): {shown or 'none'}")
    remote.require_graph_store()  # before anything is sent
    report = PushReport(remote.endpoint.query_url)
    for name in names:
        pushed = stage_and_swap(remote, name, graph_triples(source, name), chunk_triples, on_chunk)
        report.graphs.append(pushed)
        if on_graph is not None:
            on_graph(pushed)
    return report
