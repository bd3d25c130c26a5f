"""Imports of coverage data from tables: a payer policy CSV, the CMS Medicare Coverage Database.

One module per kind of source (``payer_policy``, ``mcd``) reads rows into typed records; ``graph``
turns each import into its own named graph. A bad row is a ``RowError`` in the batch's report and
never stops the good rows. Each import is a source with a key (a policy table's file name, the
MCD's one key), so importing an edited table again replaces what it gave before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from ..rdf import iris
from ..rdf.namespaces import bind_prefixes
from ..store.base import GraphStore
from .graph import records_to_nquads
from .mcd import read_mcd
from .payer_policy import read_payer_policy
from .records import CoverageRecord, ImportRecords, RowError, policy_identity

KINDS = ("payer-policy", "mcd")


@dataclass
class ImportBatch:
    """What one ``codegraph import`` run read: per import its records and its named graphs as
    N-Quads (its own graph, and the shared graphs of codes, payers and activities it adds to)."""

    kind: str
    version: str
    imports: list[ImportRecords] = field(default_factory=list)
    nquads: dict[str, str] = field(default_factory=dict)  # source key -> N-Quads
    errors: list[RowError] = field(default_factory=list)

    @property
    def assertions(self) -> int:
        return sum(len(records.coverage) for records in self.imports)

    @property
    def policies(self) -> int:
        return len({policy_identity(r.policy) for records in self.imports for r in records.coverage if r.policy})

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
        """Each import's own graph, as rdflib graphs."""
        own = {iris.import_graph_iri(records.source_key) for records in self.imports}
        return {name: graph for name, graph in self._graphs().items() if name in own}

    @property
    def shared(self) -> dict[URIRef, Graph]:
        """The shared graphs the imports add to (codes, payers, activities), merged."""
        own = {iris.import_graph_iri(records.source_key) for records in self.imports}
        return {name: graph for name, graph in self._graphs().items() if name not in own}

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
    from ..builder import registry_lines

    batch = ImportBatch(kind, version)
    for records in reads:
        batch.errors.extend(records.errors)
        if not records.coverage:
            continue  # nothing usable in this file: no graph (its errors say why)
        batch.imports.append(records)
        activity = iris.import_activity_iri(kind, version)
        entry = "".join(registry_lines(records.source_key, records.import_sha256, records.kind, activity))
        batch.nquads[records.source_key] = records_to_nquads(records, version) + entry
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
    """Each import replaces the previous version of its source in ``store`` in one step (its graph
    and registry entry; old or new, never both); then the shared graphs lose what nobody uses."""
    from ..builder import collect_shared_garbage, replace_source_update
    from ..reference import reference_nquads

    if include_reference:
        for name, lines in reference_nquads().items():
            store.load_nquads("".join(lines).encode("utf-8"), [name])
    for done, records in enumerate(batch.imports, start=1):
        store.update(replace_source_update(iris.import_graph_iri(records.source_key), batch.nquads[records.source_key]))
        if progress is not None:
            progress(done, len(batch.imports), records.source_key)
    collect_shared_garbage(store)


__all__ = ["KINDS", "CoverageRecord", "ImportBatch", "ImportRecords", "RowError", "import_mcd_articles",
           "import_payer_policies", "load_import"]
