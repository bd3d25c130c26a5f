"""Validate a large embedded store on every core: split it by code, check the parts at once.

A SHACL engine runs on one core, and the shapes look at one code's neighbourhood at a time: its
code node, the pages about it (their facts, evidence and coverage statements) and the nodes every
page shares (payers, vocabularies, imported policies). So the codes are dealt into ``jobs`` parts;
each part holds its codes' document and code graphs plus every other graph, and is checked in its
own process, which reads its graphs from a checkpoint of the store (``GraphStore.checkpoint``;
the embedded store's is a hard-linked backup taken in well under a second). The checkpoint never
changes, so the parts can read it at once while this process keeps its own handle. Reading the
graphs is itself a third of the work at 10k pages, so it is done in the parts too.

The registry (``rdf.iris.SOURCES_GRAPH``: a few triples about each graph, naming its source
file and hash) grows with the pages, so it is not shared whole: each part gets the entries of its
own graphs and those about graphs no part owns (at 100k pages the whole registry was 74 MB of
N-Triples, and dumping it took 11 s of each of the 100 parts). An entry's subject is the graph
it describes, which nothing else in the store points to, so no other part can read it.

A node outside every part's own graphs (a payer, a vocabulary term, an imported policy) is
checked in each part alike; its findings are kept once. A finding about a node that lives in one
part's own graphs is kept from that part only, where all of its data is. ``benchmarks`` checks
that the parts together give exactly the findings of one whole run.
"""

from __future__ import annotations

import os
import zlib
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from datetime import date

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..rdf.iris import CODE_GRAPHS, DOCUMENT_GRAPHS, SOURCES_GRAPH
from ..rdf.namespaces import CG
from ..store.base import Checkpoint, GraphStore
from .engines import EngineResult, ValidationData, run_engine
from .reads import engine_input, filter_pattern, input_filter
from .shapes import shapes_for_run

DOCUMENTS_PER_PART = 1_000
"""Pages per part. The engine's cost grows faster than its input (measured with shifty 0.5.1:
twice the data, 2.8 times the time), so a large store is cut into parts of about this size
even on one core; below half of it per part, starting processes costs more than it saves."""

_CODE_OF_GRAPH = f"""
SELECT ?g ?code WHERE {{
  {{ GRAPH ?g {{ ?document <{CG.describesCode}> ?code }} FILTER(STRSTARTS(STR(?g), "{DOCUMENT_GRAPHS}")) }}
  UNION
  {{ GRAPH ?g {{ ?code a <{CG.BillingCode}> }} FILTER(STRSTARTS(STR(?g), "{CODE_GRAPHS}")) }}
}}"""


_REGISTERED = f"SELECT DISTINCT ?graph WHERE {{ GRAPH <{SOURCES_GRAPH}> {{ ?graph ?p ?o }} }}"


def plan_parts(store: GraphStore, jobs: int) -> tuple[list[list[str]], list[str]]:
    """(each part's own graphs, the graphs every part gets). One part when the store is small."""
    own: dict[str, set[str]] = defaultdict(set)
    for graph, code in store.select(_CODE_OF_GRAPH).rows:
        own[str(code)].add(str(graph))
    partitioned = {graph for graphs in own.values() for graph in graphs}
    shared = sorted(str(g) for g in store.graph_names() if str(g) not in partitioned)
    documents = sum(1 for graph in partitioned if graph.startswith(str(DOCUMENT_GRAPHS)))
    count = -(-documents // DOCUMENTS_PER_PART)  # ceiling
    if documents >= jobs * DOCUMENTS_PER_PART // 2:
        count = max(count, jobs)
    count = max(1, count)
    parts: list[list[str]] = [[] for _ in range(count)]
    for code_iri, graphs in sorted(own.items()):
        parts[zlib.crc32(code_iri.encode("utf-8")) % count].extend(sorted(graphs))
    return parts, shared


def validate_parts(store: GraphStore, reference: list[Graph], as_of: date, engine: str,
                   jobs: int | None, progress: Callable[[int, int, str], None] | None = None,
                   shapes: Graph | None = None, meanwhile: Callable[[], object] | None = None) -> list[EngineResult] | None:
    """The engine's results over the whole ``store`` for ``shapes`` (default: every shape, as of
    ``as_of``), computed in parts; None when the store is too small to be worth splitting or can
    make no checkpoint (the caller then runs it whole). ``meanwhile`` is called (in a thread)
    once the parts are started, to work in this process while they run (never when None is
    returned)."""
    jobs = jobs or os.cpu_count() or 1
    parts, shared = plan_parts(store, jobs)
    if len(parts) < 2:
        return None
    checkpoint = store.checkpoint()
    if checkpoint is None:
        return None
    owner = {graph: index for index, graphs in enumerate(parts) for graph in graphs}
    reference_nt = ValidationData(reference).ntriples()
    read = input_filter(store, shapes if shapes is not None else shapes_for_run(as_of), engine, reference)
    pattern = filter_pattern(*read) if read is not None else None
    try:
        with ProcessPoolExecutor(max_workers=min(len(parts), jobs)) as pool:
            futures = [pool.submit(_check_part, checkpoint, graphs, reference_nt, engine, as_of, shapes, registered, pattern)
                       for graphs, registered in part_inputs(store, parts, shared)]
            # The pool has started every worker by now (it forks them all at the first part), so a
            # thread can work for this process while it reports the parts' progress.
            with ThreadPoolExecutor(max_workers=1) as thread:
                work = thread.submit(meanwhile) if meanwhile is not None else None
                if progress:
                    for done, _future in enumerate(as_completed(futures), start=1):
                        progress(done, len(futures), f"part {done}")
                results_by_part = [future.result() for future in futures]
                if work is not None:
                    work.result()
    finally:
        checkpoint.close()
    kept: dict[tuple[object, ...], EngineResult] = {}
    homes: dict[Node, int | None] = {}
    for index, results in enumerate(results_by_part):
        for result in results:
            if result.focus not in homes:
                homes[result.focus] = _home_part(store, result.focus, owner)
            home = homes[result.focus]
            if home is None or home == index:
                kept.setdefault(_identity(result), result)
    return list(kept.values())


def part_inputs(store: GraphStore, parts: list[list[str]], shared: list[str]) -> list[tuple[list[str], list[str] | None]]:
    """For each part, (the graphs it is given whole, the graphs whose registry entries it is given;
    None: the registry is among the graphs given whole, or there is none)."""
    registry = str(SOURCES_GRAPH)
    if registry not in shared:
        return [(graphs + shared, None) for graphs in parts]
    common = [graph for graph in shared if graph != registry]
    owned = {graph for graphs in parts for graph in graphs}
    unowned = [str(row[0]) for row in store.select(_REGISTERED).rows if str(row[0]) not in owned]
    return [(graphs + common, graphs + unowned) for graphs in parts]


def _check_part(checkpoint: Checkpoint, graphs: list[str], reference_nt: bytes, engine: str, as_of: date,
                shapes: Graph | None, registered: list[str] | None = None, pattern: str | None = None) -> list[EngineResult]:
    """The engine's results over ``graphs`` and the registry's entries about ``registered``.
    With a ``pattern`` (``reads.filter_pattern``), the store writes only the triples the shapes
    read (at 10k pages, 4.4 s a part instead of 8.7 s to dump every triple and drop lines)."""
    shapes = shapes if shapes is not None else shapes_for_run(as_of)
    if pattern is not None:
        blobs = [reference_nt, *checkpoint.construct_ntriples(graphs, pattern)]
    else:
        blobs = [reference_nt, engine_input(b"".join(checkpoint.dump_ntriples(graphs)), shapes, engine)]
    if registered is not None:
        blobs.append(engine_input(checkpoint.dump_subjects(str(SOURCES_GRAPH), registered), shapes, engine))
    return run_engine(engine, ValidationData([], ntriples=blobs), shapes)


def _home_part(store: GraphStore, focus: Node, owner: dict[str, int]) -> int | None:
    """The part whose own graphs describe ``focus`` (None: it is described only in shared graphs).
    A node lives in one code's graphs (the tests check the parts agree with a whole run)."""
    if not isinstance(focus, URIRef):
        return None
    for _s, _p, _o, graph in store.quads(subject=focus):
        if str(graph) in owner:
            return owner[str(graph)]
    return owner.get(str(focus))  # a graph's registry entry is given to the part that owns the graph


def _identity(result: EngineResult) -> tuple[object, ...]:
    return (result.focus, result.path, result.value, result.source_shape, result.severity, result.component, result.message)
