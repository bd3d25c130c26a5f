"""Push a store's graphs to a SPARQL 1.1 server, each graph replaced all or nothing.

A push makes the server's codegraph graphs those of the source: each graph is replaced through a
staging graph (``remote.py``), and when the whole source is pushed, codegraph graphs the server
holds that the source no longer has (a retired page, an old code set release) are dropped, so a
server mirrors the store. Graphs that are not codegraph's are never touched.

Only named graphs are pushed, so a source holding triples in no named graph (a Turtle or
N-Triples file) is refused rather than pushed in part: the server would put them where
codegraph's queries and exports do not look (rdflib's ``urn:x-rdflib:default``), and pushing such
a file "whole" would drop every codegraph graph on the server as retired. A graph name given at
push time is not offered as a way round: the server would then hold a graph no local source has,
which the next push of the store drops again. Build or import the data (each source gets its own
named graph), or write it as TriG or N-Quads with a codegraph graph name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from ..errors import GraphInputError
from .base import GraphStore
from .endpoint import redact_url
from .remote import PUSH_CHUNK_TRIPLES, ChunkCallback, PushedGraph, RemoteStore


@dataclass
class PushReport:
    """What a push sent: each graph with its triples and requests, and the graphs it dropped."""
    endpoint: str
    graphs: list[PushedGraph] = field(default_factory=list)
    dropped: list[URIRef] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)


def push(source: GraphStore, remote: RemoteStore, graphs: Iterable[URIRef] | None = None,
         chunk_triples: int = PUSH_CHUNK_TRIPLES, on_chunk: ChunkCallback | None = None,
         on_graph: Callable[[PushedGraph], None] | None = None,
         progress: Callable[[int, int, str], None] | None = None) -> PushReport:
    """Send each named graph of ``source`` (or only ``graphs``) to ``remote``, replacing each
    graph there atomically. Pushing everything also drops the codegraph graphs the server holds
    that ``source`` does not. A failure stops the push: the graphs sent before it are in place,
    the failed one and the rest keep their previous version."""
    unnamed = len(source.unnamed_triples())
    if unnamed:
        raise GraphInputError(
            f"{unnamed} triple(s) of the source are in no named graph (a Turtle or N-Triples file holds only such triples); "
            "push sends named graphs only: build or import the data, or write it as TriG or N-Quads in a graph named "
            "under https://w3id.org/codegraph/id/graph/"
        )
    available = source.graph_names()
    if graphs is None and not available:
        raise GraphInputError("the source holds no codegraph named graph: pushing it whole would drop every codegraph graph "
                              "on the server; build a store or give a TriG/N-Quads file of codegraph's graphs")
    names = list(graphs) if graphs is not None else available
    held = set(available)
    missing = [str(name) for name in names if name not in held]
    if missing:
        shown = ", ".join(str(name) for name in available[:5]) + (", ..." if len(available) > 5 else "")
        raise GraphInputError(f"no named graph {missing[0]} in the source; it holds {len(available)} graph(s): {shown or 'none'}")
    remote.require_graph_store()  # before anything is sent
    remote.chunk_triples = chunk_triples
    remote.on_chunk = on_chunk
    report = PushReport(redact_url(remote.endpoint.query_url))
    for done, name in enumerate(names, start=1):
        pushed = remote.push_graph(name, source.triples(name))
        report.graphs.append(pushed)
        if on_graph is not None:
            on_graph(pushed)
        if progress is not None:
            progress(done, len(names), str(name))
    if graphs is None:
        stale = [name for name in remote.graph_names() if name not in held]
        if stale:
            remote.drop_graphs(stale)
            report.dropped = stale
    return report
