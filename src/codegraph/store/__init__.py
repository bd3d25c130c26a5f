"""Stores: rdflib in memory (small jobs, files), pyoxigraph on disk (the default), and any
SPARQL 1.1 server (``RemoteStore``; ``push`` sends graphs to one)."""

from __future__ import annotations

from pathlib import Path

from .base import GraphStore, QueryRows, union_graph
from .memory import MemoryStore, rdf_format_for
from .oxigraph import OxigraphStore
from .remote import Endpoint, RemoteStore


def open_store(data: str | Path | None = None, store: str | Path | None = None) -> GraphStore:
    """The store a command reads: an RDF file loaded in memory, or an on-disk Oxigraph store."""
    if (data is None) == (store is None):
        raise ValueError("give exactly one of data (an RDF file) or store (a store folder)")
    if data is not None:
        return MemoryStore.from_file(data)
    return OxigraphStore(store)


__all__ = ["Endpoint", "GraphStore", "MemoryStore", "OxigraphStore", "QueryRows", "RemoteStore", "open_store", "rdf_format_for", "union_graph"]
