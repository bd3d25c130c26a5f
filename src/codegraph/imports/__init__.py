"""Imports of coverage data from tables: a payer policy CSV, the CMS Medicare Coverage Database.

One module per kind of source (``payer_policy``, ``mcd``) reads rows into typed records; ``graph``
turns each import into its own named graph. A bad row is a ``RowError`` in the batch's report and
never stops the good rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from .graph import records_to_graphs
from .mcd import read_mcd
from .payer_policy import read_payer_policy
from .records import CoverageRecord, ImportRecords, RowError

KINDS = ("payer-policy", "mcd")


@dataclass
class ImportBatch:
    """What one ``codegraph import`` run read: per import its records and named graph.

    ``graphs`` are the imports' own graphs (a store replaces each whole); ``shared`` are the graphs
    several sources add the same triples to (a code's, the payers', the activities'), merged.
    """

    kind: str
    imports: list[ImportRecords] = field(default_factory=list)
    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    shared: dict[URIRef, Graph] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def assertions(self) -> int:
        return sum(len(records.coverage) for records in self.imports)

    @property
    def policies(self) -> int:
        return len({(r.policy.publisher_key, r.policy.identifier, r.policy.version)
                    for records in self.imports for r in records.coverage if r.policy})

    @property
    def rows_read(self) -> int:
        return sum(records.rows_read for records in self.imports)

    def report_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows_read,
            "assertions": self.assertions,
            "policies": self.policies,
            "failed_rows": len(self.errors),
            "graphs": sorted(str(name) for name in self.graphs),
            "sources": [{"file": s.path, "sha256": s.sha256, "table": s.table} for r in self.imports for s in r.sources],
            "errors": [error.to_json() for error in self.errors],
        }


def _batch(kind: str, reads: Iterable[ImportRecords], version: str) -> ImportBatch:
    batch = ImportBatch(kind)
    for records in reads:
        batch.errors.extend(records.errors)
        if not records.coverage:
            continue  # nothing usable in this file: no graph (its errors say why)
        batch.imports.append(records)
        own, *shared = records_to_graphs(records, version).values()
        batch.graphs[own.identifier] = own
        for graph in shared:
            batch.shared.setdefault(graph.identifier, Graph(identifier=graph.identifier))
            batch.shared[graph.identifier] += graph
    return batch


def import_payer_policies(paths: Iterable[str | Path], version: str) -> ImportBatch:
    """Each payer policy CSV as its own named graph."""
    return _batch("payer-policy", (read_payer_policy(path) for path in paths), version)


def import_mcd_articles(folder: str | Path, version: str) -> ImportBatch:
    """An unzipped MCD "current articles" export as one named graph."""
    return _batch("mcd", [read_mcd(folder)], version)


__all__ = ["KINDS", "CoverageRecord", "ImportBatch", "ImportRecords", "RowError", "import_mcd_articles", "import_payer_policies"]
