"""Imports of coverage data from tables: a payer policy CSV, the CMS Medicare Coverage Database.

One module per kind of source (``payer_policy``, ``mcd``) reads rows into typed records; ``graph``
turns each import into its own named graph. A bad row is a ``RowError`` in the batch's report and
never stops the good rows. Each import is a source with a key (a policy table's file name, the
MCD's one key), so importing an edited table again replaces what it gave before.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from rdflib import Graph, URIRef

from ..collector import paused_cycle_collection
from ..rdf import iris
from ..rdf.namespaces import bind_prefixes
from ..rdf.terms import nquad_lines
from ..store.base import GraphStore
from .graph import write_records
from .mcd import read_mcd
from .payer_policy import read_payer_policy
from .records import CoverageRecord, ImportRecords, RowError, policy_identity

KINDS = ("payer-policy", "mcd")


class ImportSpool(Mapping[str, str]):
    """Each import's N-Quads by source key: its own graph in a temporary file of its own (a table's
    rows in the order read; the file goes when the batch does), the lines it adds to shared graphs
    and its registry entry in memory (a few per code, payer and activity)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="codegraph-import-")
        self.own: dict[str, Path] = {}  # source key -> file of its own graph's lines
        self.graphs: dict[str, URIRef] = {}  # source key -> its own graph
        self.shared: dict[str, list[str]] = {}  # source key -> its lines of shared graphs
        self.entries: dict[str, str] = {}  # source key -> its registry entry

    def new_file(self, key: str, graph: URIRef) -> IO[bytes]:
        path = Path(self._folder.name) / f"{len(self.own)}.nq"
        self.own[key], self.graphs[key] = path, graph
        return path.open("wb")

    def content(self, key: str) -> bytes:
        """A source's quads without its registry entry (own graph, then shared lines)."""
        return self.own[key].read_bytes() + "".join(self.shared[key]).encode("utf-8")

    def __getitem__(self, key: str) -> str:
        return self.content(key).decode("utf-8") + self.entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.own)

    def __len__(self) -> int:
        return len(self.own)


@dataclass
class ImportBatch:
    """What one ``codegraph import`` run read: per import its records and its named graphs as
    N-Quads (``nquads``: its own graph, on disk, and the shared graphs of codes, payers and
    activities it adds to, with its registry entry)."""

    kind: str
    version: str
    imports: list[ImportRecords] = field(default_factory=list)
    nquads: ImportSpool = field(default_factory=ImportSpool)  # source key -> N-Quads
    errors: list[RowError] = field(default_factory=list)

    @property
    def assertions(self) -> int:
        return sum(len(records.coverage) for records in self.imports)

    @property
    def policies(self) -> int:
        # The rows of one policy version share its PolicyVersion: each identity worked out once.
        shared = {id(r.policy): r.policy for records in self.imports for r in records.coverage if r.policy}
        return len({policy_identity(policy) for policy in shared.values()})

    @property
    def rows_read(self) -> int:
        return sum(records.rows_read for records in self.imports)

    def _graphs(self) -> dict[URIRef, Graph]:
        graphs: dict[URIRef, Graph] = {}
        for text in self.nquads.values():
            dataset_graphs = _parse(text)
            for name, graph in dataset_graphs.items():
                if name in graphs:
                    graphs[name] += graph
                else:
                    graphs[name] = graph
        return graphs

    @property
    def graphs(self) -> dict[URIRef, Graph]:
        """Each import's own graph, as rdflib graphs (small imports: it parses them)."""
        own = {iris.import_graph_iri(records.source_key) for records in self.imports}
        return {name: graph for name, graph in self._graphs().items() if name in own}

    @property
    def shared(self) -> dict[URIRef, Graph]:
        """The shared graphs the imports add to (codes, payers, activities), merged."""
        own = {iris.import_graph_iri(records.source_key) for records in self.imports}
        return {name: graph for name, graph in self._graphs().items() if name not in own}

    def canonical_nquads(self, include_reference: bool = True) -> Iterator[bytes]:
        """The imports in the canonical order of ``export.py`` (with the ontology and the code
        sets unless told not to), a graph at a time: what ``import -o`` writes. An import's own
        graph is sorted outside Python, so a large table is never held in memory."""
        from ..builder import _graph_of
        from ..export import line_blocks, sort_unique
        from ..reference import reference_nquads

        small: dict[str, set[str]] = {}
        for key in self.nquads:
            for line in chain(self.nquads.shared[key], nquad_lines(self.nquads.entries[key], keepends=True)):
                small.setdefault(_graph_of(line), set()).add(line)
        if include_reference:
            for name, lines in reference_nquads().items():
                small.setdefault(str(name), set()).update(lines)
        own = {str(graph): key for key, graph in self.nquads.graphs.items()}
        for graph_name in sorted(small.keys() | own.keys()):
            if graph_name not in own:
                yield "".join(sorted(small[graph_name])).encode("utf-8")
                continue
            with tempfile.TemporaryDirectory(prefix="codegraph-import-") as scratch:
                target = os.path.join(scratch, "sorted.nq")
                with self.nquads.own[own[graph_name]].open("rb") as table_lines:
                    extra = "".join(small.get(graph_name, ())).encode("utf-8")
                    sort_unique(chain(line_blocks(table_lines), [extra]), target, scratch)
                with open(target, "rb") as handle:
                    yield from line_blocks(handle)

    def report_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows_read,
            "assertions": self.assertions,
            "policies": self.policies,
            "failed_rows": len(self.errors),
            "graphs": sorted(str(iris.import_graph_iri(records.source_key)) for records in self.imports),
            "sources": [{"key": r.source_key, "file": s.path, "sha256": s.sha256, "table": s.table} for r in self.imports for s in r.sources],
            "errors": [error.to_json() for error in self.errors],
        }


def _parse(nquads: str) -> dict[URIRef, Graph]:
    from rdflib import Dataset

    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    return {URIRef(str(g.identifier)): bind_prefixes(Graph(identifier=g.identifier)) + g
            for g in dataset.graphs() if isinstance(g.identifier, URIRef) and len(g)}


def _batch(kind: str, reads: Iterable[ImportRecords], version: str) -> ImportBatch:
    with paused_cycle_collection():
        return _read_batch(kind, reads, version)


def _read_batch(kind: str, reads: Iterable[ImportRecords], version: str) -> ImportBatch:
    from ..builder import registry_lines

    batch = ImportBatch(kind, version)
    for records in reads:
        batch.errors.extend(records.errors)
        if not records.coverage:
            continue  # nothing usable in this file: no graph (its errors say why)
        batch.imports.append(records)
        activity = iris.import_activity_iri(kind, version)
        key = records.source_key
        with batch.nquads.new_file(key, iris.import_graph_iri(key)) as own:
            batch.nquads.shared[key] = write_records(records, version, own)
        batch.nquads.entries[key] = "".join(registry_lines(key, records.import_sha256, records.kind, activity))
    return batch


def import_payer_policies(paths: Iterable[str | Path], version: str, source_id: str | None = None) -> ImportBatch:
    """Each payer policy CSV as its own named graph, keyed by its file name (or ``source_id``,
    for one file)."""
    paths = list(paths)
    if source_id is not None and len(paths) != 1:
        raise ValueError("a source id names one table; give one file with it")
    return _batch("payer-policy", (read_payer_policy(path, source_id) for path in paths), version)


def import_mcd_articles(folder: str | Path, version: str, source_id: str | None = None) -> ImportBatch:
    """An unzipped MCD "current articles" export as one named graph."""
    return _batch("mcd", [read_mcd(folder, source_id)], version)


def load_import(batch: ImportBatch, store: GraphStore, include_reference: bool = True,
                progress: Callable[[int, int, str], None] | None = None) -> None:
    """Make ``store`` hold each import's current version (the rules of ``builder.py``): an import
    already there at this version is left alone; a changed one replaces the previous version of
    its source in one step (its graph and registry entry; old or new, never both), after which
    the shared graphs lose what nobody uses; a new one goes in through the store's bulk loader
    (a large table in seconds, where one update takes minutes), and is entered in the registry
    only once it is in. ``progress(done, total, source)`` hears each imported source go in."""
    from ..builder import collect_shared_garbage, registered_sources
    from ..store.replace import replace_source

    if include_reference:
        from ..reference import reference_nquads

        for name, lines in reference_nquads().items():
            store.load_nquads("".join(lines).encode("utf-8"), [name])
    registered = registered_sources(store)
    present = set(store.graph_names())
    replaced = False
    for done, records in enumerate(batch.imports, start=1):
        if progress is not None:
            progress(done - 1, len(batch.imports), records.source_key)
        key = records.source_key
        graph = iris.import_graph_iri(key)
        entry = registered.get(graph)
        activity = iris.import_activity_iri(records.kind, batch.version)
        if entry is not None and entry.sha256 == records.import_sha256 and entry.activity == activity and graph in present:
            continue  # this version is what the store holds
        if entry is not None or graph in present:
            replace_source(store, graph, batch.nquads[key])
            replaced = True
            continue
        store.bulk_load(batch.nquads.own[key], [graph])
        store.load_nquads(("".join(batch.nquads.shared[key]) + batch.nquads.entries[key]).encode("utf-8"), [])
    if progress is not None:
        progress(len(batch.imports), len(batch.imports), "")
    if replaced:
        collect_shared_garbage(store)


__all__ = ["KINDS", "CoverageRecord", "ImportBatch", "ImportRecords", "RowError", "import_mcd_articles",
           "import_payer_policies", "load_import"]
