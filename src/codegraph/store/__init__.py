"""Stores: rdflib in memory (small jobs, files) and pyoxigraph on disk (the default)."""

from __future__ import annotations

from pathlib import Path

from .base import GraphStore, QueryRows, union_graph
from .memory import MemoryStore, rdf_format_for
from .oxigraph import OxigraphStore


def open_store(data: str | Path | None = None, store: str | Path | None = None) -> GraphStore:
    """The store a command reads: an RDF file loaded in memory, or an on-disk Oxigraph store."""
    if (data is None) == (store is None):
        raise ValueError("give exactly one of data (an RDF file) or store (a store folder)")
    if data is not None:
        return MemoryStore.from_file(data)
    return OxigraphStore(store)


__all__ = ["GraphStore", "MemoryStore", "OxigraphStore", "QueryRows", "open_store", "rdf_format_for", "union_graph"]
