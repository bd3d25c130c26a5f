"""Push a store's graphs to a SPARQL 1.1 server, each graph replaced all or nothing.

A push makes the server's codegraph graphs those of the source, each graph replaced all or
nothing. A graph the server holds goes into its own staging graph first; the staged triple counts
are checked; then SPARQL Update ``MOVE``s swap them in, a batch of graphs per request, so a
failure before the swaps leaves every such graph as it was. A server that takes N-Quads at its
Graph Store URL (Oxigraph) gets many graphs per request, as the store dumps them (a request per
graph costs more than the triples in it: 1,000 pages are about 2,000 graphs of a few hundred
triples); there a graph the server does not hold yet, and that fits one request, goes straight
into place in an atomic request (it appears whole or not at all, and no previous version needs
keeping), which saves the swap: Oxigraph's ``MOVE`` costs more than the upload. Other servers get
the Graph Store Protocol's one graph per request (``remote.py``). When the whole source is
pushed, codegraph graphs the server holds that the source no longer has (a retired page, an old
code set release) are dropped, so a server mirrors the store. Graphs that are not codegraph's are
never touched.

A graph whose content on the server is already exactly the source's is left alone (unless every
graph is to be replaced): a push of an unchanged store then costs a read of the server, not a swap
of every graph. What the server holds is read at push time, never taken from a note of an earlier
push, since another client may have changed a graph since: Oxigraph gives its whole dataset as
N-Quads in one streamed answer, other servers each graph by the Graph Store Protocol. Both sides are
compared as sorted N-Triples lines in Oxigraph's writing (the source's are rewritten so when it is
not an Oxigraph store), each graph by its SHA-256. A graph with blank nodes is always pushed: the
server labels them its own way, so equal graphs would rarely compare equal line by line.

Only named graphs are pushed, so a source holding triples in no named graph (a Turtle or
N-Triples file) is refused rather than pushed in part: the server would put them where
codegraph's queries and exports do not look (rdflib's ``urn:x-rdflib:default``), and pushing such
a file "whole" would drop every codegraph graph on the server as retired. A graph name given at
push time is not offered as a way round: the server would then hold a graph no local source has,
which the next push of the store drops again. Build or import the data (each source gets its own
named graph), or write it as TriG or N-Quads with a codegraph graph name.
"""

from __future__ import annotations

import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef

from ..errors import EndpointError, GraphInputError
from ..rdf.iris import staging_graph_iri
from ..rdf.terms import nt_term
from .base import GraphStore
from .endpoint import READ_ONLY_HINT, EndpointClient, redact_url
from .oxigraph import OxigraphStore
from .remote import PUSH_CHUNK_TRIPLES, ChunkCallback, PushedGraph, RemoteStore, ntriples_chunks, stage

GRAPHS_PER_QUERY = 500
"""Graphs counted per query, and swapped per update request at most."""
SWAP_TRIPLES = 5_000
"""Triples moved per update request at most (besides a larger graph alone): Oxigraph's MOVE took
0.18 ms a triple in requests of 2,000 and 0.30 ms in requests of 50,000."""
GRAPHS_READ_ONE_BY_ONE = 50
"""Up to this many graphs the server holds are read one request each to compare them; beyond,
Oxigraph's whole dataset is read in one request (a request per graph costs more than its triples)."""

Progress = Callable[[int, int, str], None]


@dataclass
class PushReport:
    """What a push sent: each graph with its triples and requests (``added`` names those the
    server did not hold), the graphs it left alone because the server held them already as they
    are (``unchanged``), and the graphs it dropped."""
    endpoint: str
    graphs: list[PushedGraph] = field(default_factory=list)
    dropped: list[URIRef] = field(default_factory=list)
    unchanged: list[URIRef] = field(default_factory=list)
    added: list[URIRef] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)

    @property
    def replaced(self) -> list[URIRef]:
        """The graphs sent that the server held before (in another version)."""
        new = set(self.added)
        return [graph.name for graph in self.graphs if graph.name not in new]


def push(source: GraphStore, remote: RemoteStore, graphs: Iterable[URIRef] | None = None,
         chunk_triples: int = PUSH_CHUNK_TRIPLES, on_chunk: ChunkCallback | None = None,
         on_graph: Callable[[PushedGraph], None] | None = None, progress: Progress | None = None,
         replace_all: bool = False) -> PushReport:
    """Send each named graph of ``source`` (or only ``graphs``) to ``remote``, replacing each
    graph there atomically, except a graph the server already holds exactly as it is (unless
    ``replace_all``). Pushing everything also drops the codegraph graphs the server holds that
    ``source`` does not. A failure leaves each graph either its previous or its new version,
    never a mix, and says which graphs kept their previous one."""
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
    names = list(dict.fromkeys(graphs)) if graphs is not None else available
    held = set(available)
    missing = [str(name) for name in names if name not in held]
    if missing:
        shown = ", ".join(str(name) for name in available[:5]) + (", ..." if len(available) > 5 else "")
        raise GraphInputError(f"no named graph {missing[0]} in the source; it holds {len(available)} graph(s): {shown or 'none'}")
    if chunk_triples < 1:
        raise GraphInputError(f"chunk size must be at least 1 triple, got {chunk_triples}")
    client = remote.client
    client.require_graph_store()  # before anything is sent
    report = PushReport(redact_url(remote.endpoint.query_url))
    in_place: set[URIRef] = set()  # graphs whose new version the server holds
    touched: set[URIRef] = set()  # graphs a request was sent for
    sent: list[_Sent] = []
    on_server = set(_server_graphs(client))
    unchanged = set() if replace_all else _unchanged(client, source, names, on_server)
    report.unchanged = [name for name in names if name in unchanged]
    sending = [name for name in names if name not in unchanged]
    report.added = [name for name in sending if name not in on_server]
    try:
        leftover = [name for name in names if staging_graph_iri(name) in on_server]  # left by an interrupted push
        touched.update(leftover)
        _drop(client, [staging_graph_iri(name) for name in leftover])
        if client.endpoint.takes_quads:
            _send_as_quads(client, source, sending, on_server, chunk_triples, on_chunk, progress, sent, touched)
        else:
            for name in sending:
                touched.add(name)
                sent.append(_Sent(stage(client, name, source.triples(name), chunk_triples, on_chunk), staged=True))
                if progress is not None:
                    progress(len(sent), len(sending), str(name))
        in_place.update(item.graph.name for item in sent if not item.staged)
        _check_counts(client, sent)
        for batch in _swap_batches([item.graph for item in sent if item.staged], min(chunk_triples, SWAP_TRIPLES)):
            _swap(client, batch)
            in_place.update(pushed.name for pushed in batch)
    except EndpointError as failure:
        in_place.update(item.graph.name for item in sent if not item.staged)
        left = [name for name in names if name not in in_place]
        if READ_ONLY_HINT in str(failure) or not touched - in_place:  # nothing was written, or nothing is left to clean
            raise
        kept = f"{len(left)} of {len(names)} graph(s) (<{left[0]}>{', ...' if len(left) > 1 else ''}) keep their previous version"
        try:
            _drop(client, [staging_graph_iri(name) for name in names if name in touched and name not in in_place])
        except EndpointError as cleanup:
            raise EndpointError(f"{failure}; {kept}, and their staging graphs could not be dropped ({cleanup}): "
                                "the next push of them replaces those") from failure
        raise EndpointError(f"{failure}; {kept}") from failure
    for item in sent:
        report.graphs.append(item.graph)
        if on_graph is not None:
            on_graph(item.graph)
    if graphs is None:
        stale = [name for name in remote.graph_names() if name not in held]
        if stale:
            remote.drop_graphs(stale)
            report.dropped = stale
    return report


@dataclass
class _Sent:
    """A graph sent: into its staging graph (swapped in later), or straight into place."""
    graph: PushedGraph
    staged: bool


@dataclass
class _Request:
    """One N-Quads request body, how many triples of each graph it carries, and the graphs it
    completes (a graph split over several requests completes with its last). A staged request
    goes to the server's bulk loader (not atomic, and faster: nothing reads staging graphs); a
    direct one is one transaction."""
    body: bytes
    graphs: list[tuple[URIRef, int]]
    complete: list[URIRef]
    staged: bool


def _send_as_quads(client: EndpointClient, source: GraphStore, names: Sequence[URIRef], on_server: set[URIRef],
                   chunk_triples: int, on_chunk: ChunkCallback | None, progress: Progress | None, sent: list[_Sent],
                   touched: set[URIRef]) -> None:
    """Every graph to the server, many graphs per N-Quads request, each request made from the
    store while the server reads the one before; appends each graph to ``sent`` once all of it
    has gone. A graph the server holds (``on_server``), or one too large for one request, goes
    through its staging graph; any other goes straight into place."""
    triples: dict[URIRef, int] = dict.fromkeys(names, 0)
    requests: dict[URIRef, int] = dict.fromkeys(names, 0)
    seconds: dict[URIRef, float] = dict.fromkeys(names, 0.0)
    gsp_url = client.require_graph_store()
    bulk_url = f"{gsp_url}{'&' if '?' in gsp_url else '?'}no_transaction"
    for index, request in enumerate(_prefetched(_requests(source, names, chunk_triples, on_server)), start=1):
        touched.update(name for name, _count in request.graphs)
        started = time.perf_counter()
        client.post_quads(request.body, url=bulk_url if request.staged else None)
        took = time.perf_counter() - started
        for name, count in request.graphs:
            triples[name] += count
            requests[name] += 1
            seconds[name] += took / len(request.graphs)
        if on_chunk is not None:
            on_chunk(request.graphs[-1][0], index, 0)  # 0: how many requests there are is known only at the end
        for name in request.complete:
            sent.append(_Sent(PushedGraph(name, triples[name], requests[name], seconds[name]), request.staged))
            if progress is not None:
                progress(len(sent), len(names), str(name))


def _server_graphs(client: EndpointClient) -> list[URIRef]:
    """Every named graph on the server (an empty group lists them without reading their triples;
    a server that answers it with nothing is asked the long way, as ``RemoteStore`` does)."""
    rows = client.select_raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }").rows
    if not rows:
        rows = client.select_raw("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return [row[0] for row in rows if isinstance(row[0], URIRef)]


def _unchanged(client: EndpointClient, source: GraphStore, names: Sequence[URIRef], on_server: set[URIRef]) -> set[URIRef]:
    """The graphs of ``names`` the server holds now exactly as ``source`` does (no blank node in
    them). The source's graphs are digested in a thread while the server's come: the server does
    its writing in its own process, so the two overlap."""
    held = [name for name in names if name in on_server]
    if not held:
        return set()
    with ThreadPoolExecutor(1, thread_name_prefix="codegraph-push-digest") as pool:
        local = pool.submit(_source_digests, source, held)
        try:
            if client.endpoint.takes_quads and len(held) > GRAPHS_READ_ONE_BY_ONE:
                digests = _DatasetDigests()
                client.read_dataset(digests.take)
                theirs = digests.finish()
                server = {name: theirs.get(nt_term(name).encode("utf-8")) for name in held}
            else:
                server = {name: _digest(_canonical(client.gsp_get_bytes(name), ox.RdfFormat.TURTLE).splitlines()) for name in held}
        except BaseException:
            local.cancel()
            raise
        ours = local.result()
    return {name for name in held if server[name] is not None and ours[name] == server[name]}


def _source_digests(source: GraphStore, names: Sequence[URIRef]) -> dict[URIRef, bytes | None]:
    """Each graph's digest as the server would write it; ``None`` for a graph with blank nodes."""
    digests: dict[URIRef, bytes | None] = {}
    for name in names:
        ours = source.graph_ntriples(name)
        if not isinstance(source, OxigraphStore):
            ours = _canonical(ours, ox.RdfFormat.N_TRIPLES)
        digests[name] = None if b"_:" in ours else _digest(ours.splitlines())
    return digests


def _canonical(data: bytes, rdf_format: ox.RdfFormat) -> bytes:
    """``data`` as Oxigraph writes it in N-Triples, the form both sides are compared in."""
    try:
        triples = (quad.triple for quad in ox.parse(data, format=rdf_format))
        written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as error:
        raise EndpointError(f"a graph came back as no {rdf_format.name} codegraph can read ({error})") from None
    assert written is not None  # no file given: the bytes are returned
    return written


def _digest(lines: Iterable[bytes]) -> bytes:
    """A graph's SHA-256 from its N-Triples lines, each without its final " .", in any order."""
    hashed = hashlib.sha256()
    for line in sorted(set(line.removesuffix(b" .") for line in lines if line)):
        hashed.update(line + b"\n")
    return hashed.digest()


class _DatasetDigests:
    """Each graph's digest from the N-Quads of a whole dataset as they arrive, keyed by the graph
    as written (``<iri>``). Oxigraph writes each graph's quads together, so one graph's lines are
    kept at a time; a graph whose quads come apart is digested as ``None`` (unknown: pushed)."""

    def __init__(self) -> None:
        self.rest = b""
        self.graph: bytes | None = None
        self.lines: list[bytes] = []
        self.digests: dict[bytes, bytes | None] = {}

    def take(self, chunk: bytes) -> None:
        data = self.rest + chunk
        cut = data.rfind(b"\n") + 1
        self.rest = data[cut:]
        for line in data[:cut].splitlines():
            # "S P O G ." (a term written by Oxigraph holds a space only inside a literal, which is
            # never G): G follows the last space before " .". A quad of the default graph has no G:
            # it lands under some other key as "S P", which equals no line of a graph (three terms).
            end = line.rfind(b" ", 0, len(line) - 2)
            if end < 0:
                continue
            graph = line[end + 1:len(line) - 2]
            if graph != self.graph:
                self._close()
                self.graph = graph
            self.lines.append(line[:end])

    def _close(self) -> None:
        if self.graph is not None:
            self.digests[self.graph] = None if self.graph in self.digests else _digest(self.lines)
        self.lines = []

    def finish(self) -> dict[bytes, bytes | None]:
        if self.rest.strip():
            self.take(b"\n")
        self._close()
        self.graph = None
        return self.digests


def _requests(source: GraphStore, names: Sequence[URIRef], chunk_triples: int, on_server: set[URIRef]) -> Iterator[_Request]:
    """N-Quads bodies of about ``chunk_triples`` triples, whole graphs together, staged and direct
    graphs apart; a graph larger than that is staged and split, keeping triples joined through
    blank nodes in one request (each request is its own document, so a blank node in two would
    become two nodes)."""
    pending: dict[bool, tuple[list[bytes], list[tuple[URIRef, int]]]] = {True: ([], []), False: ([], [])}

    def flush(staged: bool) -> Iterator[_Request]:
        parts, graphs = pending[staged]
        if graphs:
            yield _Request(b"".join(parts), graphs, [name for name, _count in graphs], staged)
        pending[staged] = ([], [])

    for name in names:
        ntriples = source.graph_ntriples(name)
        count = ntriples.count(b"\n")
        if count > chunk_triples:
            ending = f" {nt_term(staging_graph_iri(name))} .\n".encode()
            if b"_:" in ntriples:
                pieces = ntriples_chunks(source.triples(name), chunk_triples)
            else:
                lines = ntriples.splitlines(keepends=True)
                pieces = [b"".join(lines[i:i + chunk_triples]) for i in range(0, len(lines), chunk_triples)]
            for number, piece in enumerate(pieces, start=1):
                yield _Request(piece.replace(b" .\n", ending), [(name, piece.count(b"\n"))],
                               [name] if number == len(pieces) else [], staged=True)
            continue
        staged = name in on_server
        parts, graphs = pending[staged]
        if graphs and sum(n for _name, n in graphs) + count > chunk_triples:
            yield from flush(staged)
            parts, graphs = pending[staged]
        # Each N-Triples line ends " .\n" and holds no other newline: one replace names the graph.
        target = staging_graph_iri(name) if staged else name
        parts.append(ntriples.replace(b" .\n", f" {nt_term(target)} .\n".encode()))
        graphs.append((name, count))
    for staged in (False, True):
        yield from flush(staged)


def _prefetched(items: Iterator[_Request], depth: int = 2) -> Iterator[_Request]:
    """``items``, made by a thread up to ``depth`` ahead (the store's dump and the server's
    parsing then overlap); an error in the thread is raised here."""
    ready: queue.Queue[_Request | BaseException | None] = queue.Queue(depth)
    stop = threading.Event()

    def make() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ready.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(None)
        except BaseException as error:  # handed to the reader, which raises it
            ready.put(error)

    maker = threading.Thread(target=make, name="codegraph-push", daemon=True)
    maker.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        maker.join()


def _check_counts(client: EndpointClient, sent: Sequence[_Sent]) -> None:
    """Every graph sent holds exactly its triples on the server (its staging graph, or the graph
    itself when it went straight into place), asked in a few grouped queries. A direct graph with
    the wrong count is dropped again: the server did not hold it before."""
    where = {staging_graph_iri(item.graph.name) if item.staged else item.graph.name: item for item in sent if item.graph.triples}
    names = list(where)
    for start in range(0, len(names), GRAPHS_PER_QUERY):
        batch = names[start:start + GRAPHS_PER_QUERY]
        values = " ".join(nt_term(name) for name in batch)
        rows = client.select_raw(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g").rows
        held = {row[0]: int(str(row[1])) for row in rows if row[1] is not None}
        for name in batch:
            item = where[name]
            if held.get(name, 0) != item.graph.triples:
                if not item.staged:
                    _drop(client, [name])
                raise EndpointError(
                    f"{redact_url(client.endpoint.gsp_url or client.endpoint.query_url)}: the "
                    f"{'staging ' if item.staged else ''}graph <{name}> holds {held.get(name, 0)} triples after the upload, "
                    f"but {item.graph.triples} were sent; <{item.graph.name}> was {'not changed' if item.staged else 'dropped again'}"
                )


def _swap_batches(staged: Sequence[PushedGraph], batch_triples: int) -> Iterator[list[PushedGraph]]:
    """Graphs to swap in per update request: about ``batch_triples`` triples' worth, at most
    ``GRAPHS_PER_QUERY`` graphs (a server applies one request in one transaction)."""
    batch: list[PushedGraph] = []
    size = 0
    for pushed in staged:
        if batch and (size + pushed.triples > batch_triples or len(batch) == GRAPHS_PER_QUERY):
            yield batch
            batch, size = [], 0
        batch.append(pushed)
        size += pushed.triples
    if batch:
        yield batch


def _swap(client: EndpointClient, batch: Sequence[PushedGraph]) -> None:
    swaps = [f"MOVE SILENT GRAPH {nt_term(staging_graph_iri(p.name))} TO GRAPH {nt_term(p.name)}" if p.triples
             else f"DROP SILENT GRAPH {nt_term(p.name)}" for p in batch]
    client.update(" ;\n".join(swaps), idempotent=False)


def _drop(client: EndpointClient, names: Sequence[URIRef]) -> None:
    for start in range(0, len(names), GRAPHS_PER_QUERY):
        drops = " ;\n".join(f"DROP SILENT GRAPH {nt_term(name)}" for name in names[start:start + GRAPHS_PER_QUERY])
        if drops:
            client.update(drops)
