"""Validate a large embedded store on every core: split it by code, check the parts at once.

A SHACL engine runs on one core, and the shapes look at one code's neighbourhood at a time: its
code node, the pages about it (their facts, evidence and coverage statements) and the nodes every
page shares (payers, vocabularies, imported policies). So the codes are dealt into ``jobs`` parts;
each part holds its codes' document and code graphs plus every other graph, and is checked in its
own process, which reads its graphs from a checkpoint of the store (``Store.backup``: hard links,
taken in well under a second). The checkpoint never changes, so the parts can read it at once
while this process keeps its own handle; a read-only handle on the live store can miss files
that compaction just replaced. Reading the graphs is itself a third of the work at 10k pages, so
it is done in the parts too.

A node outside every part's own graphs (a payer, a vocabulary term, an imported policy) is
checked in each part alike; its findings are kept once. A finding about a node that lives in one
part's own graphs is kept from that part only, where all of its data is. ``benchmarks`` checks
that the parts together give exactly the findings of one whole run.
"""

from __future__ import annotations

import os
import tempfile
import zlib
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..rdf.iris import ID
from ..rdf.namespaces import CG
from .engines import EngineResult, ValidationData, run_engine
from .shapes import shapes_graph

DOCUMENT_GRAPHS = str(ID["graph/document/"])
CODE_GRAPHS = str(ID["graph/code/"])
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


def plan_parts(store: ox.Store, jobs: int) -> tuple[list[list[str]], list[str]]:
    """(each part's own graphs, the graphs every part gets). One part when the store is small."""
    own: dict[str, set[str]] = defaultdict(set)
    for solution in store.query(_CODE_OF_GRAPH):
        own[solution["code"].value].add(solution["g"].value)
    partitioned = {graph for graphs in own.values() for graph in graphs}
    shared = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in partitioned)
    documents = sum(1 for graph in partitioned if graph.startswith(DOCUMENT_GRAPHS))
    count = -(-documents // DOCUMENTS_PER_PART)  # ceiling
    if documents >= jobs * DOCUMENTS_PER_PART // 2:
        count = max(count, jobs)
    count = max(1, count)
    parts: list[list[str]] = [[] for _ in range(count)]
    for code, graphs in sorted(own.items()):
        parts[zlib.crc32(code.encode("utf-8")) % count].extend(sorted(graphs))
    return parts, shared


def validate_parts(store: ox.Store, path: Path, reference: list[Graph], extra: list, engine: str,
                   jobs: int | None) -> list[EngineResult] | None:
    """The engine's results over the whole ``store`` (kept at ``path``), computed in parts; None
    when the store is too small to be worth splitting (the caller then runs it whole)."""
    jobs = jobs or os.cpu_count() or 1
    parts, shared = plan_parts(store, jobs)
    if len(parts) < 2:
        return None
    owner = {graph: index for index, graphs in enumerate(parts) for graph in graphs}
    reference_nt = ValidationData(reference, extra).ntriples()
    try:
        scratch_dir = tempfile.TemporaryDirectory(prefix=".codegraph-validate-", dir=path.parent)
    except OSError:  # no room for a checkpoint beside the store (read-only folder): check it whole
        return None
    with scratch_dir as scratch:
        checkpoint = Path(scratch) / "checkpoint"
        store.backup(str(checkpoint))
        with ProcessPoolExecutor(max_workers=min(len(parts), jobs)) as pool:
            futures = [pool.submit(_check_part, str(checkpoint), graphs + shared, reference_nt, engine) for graphs in parts]
            results_by_part = [future.result() for future in futures]
    kept: dict[tuple, EngineResult] = {}
    homes: dict = {}
    for index, results in enumerate(results_by_part):
        for result in results:
            if result.focus not in homes:
                homes[result.focus] = _home_part(store, result.focus, owner)
            home = homes[result.focus]
            if home is None or home == index:
                kept.setdefault(_identity(result), result)
    return list(kept.values())


def _check_part(checkpoint: str, graphs: list[str], reference_nt: bytes, engine: str) -> list[EngineResult]:
    store = ox.Store.read_only(checkpoint)
    blobs = [reference_nt] + [store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) for graph in graphs]
    del store
    return run_engine(engine, ValidationData([], ntriples=blobs), shapes_graph())


def _home_part(store: ox.Store, focus, owner: dict[str, int]) -> int | None:
    """The part whose own graphs describe ``focus`` (None: it is described only in shared graphs).
    A node lives in one code's graphs (the tests check the parts agree with a whole run)."""
    if not isinstance(focus, URIRef):
        return None
    for quad in store.quads_for_pattern(ox.NamedNode(str(focus)), None, None, None):
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value in owner:
            return owner[graph.value]
    return None


def _identity(result: EngineResult) -> tuple:
    return (result.focus, result.path, result.value, result.source_shape, result.severity, result.component, result.message)
