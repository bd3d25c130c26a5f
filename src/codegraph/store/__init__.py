"""Stores: rdflib in memory (small jobs, files), pyoxigraph on disk (the default), and any
SPARQL 1.1 server (``RemoteStore``; ``push`` sends graphs to one). All behind ``GraphStore``."""

from __future__ import annotations

from pathlib import Path

from ..choices import STORE_WAIT_SECONDS
from .base import Checkpoint, GraphStore, QueryRows, union_graph
from .locking import StoreLock
from .memory import MemoryStore, rdf_format_for
from .oxigraph import OxigraphStore, hold_store
from .remote import RemoteStore


def open_store(path: str | Path, *, create: bool = False, read_only: bool = False,
               timeout: float | None = STORE_WAIT_SECONDS) -> OxigraphStore:
    """The embedded store in the folder ``path``. A folder that holds no store is refused
    (``StoreNotFoundError``) unless ``create=True``. ``read_only=True`` opens it beside other
    readers; the open waits up to ``timeout`` seconds for a writer (``StoreBusyError``)."""
    if create and read_only:
        raise ValueError("a store opened read-only is never created: give create=False")
    return OxigraphStore(path, create=create, read_only=read_only, timeout=timeout)


def open_graph(data: str | Path | None = None, store: str | Path | None = None) -> GraphStore:
    """The graph a command reads: an RDF file loaded in memory, or an existing embedded store."""
    if (data is None) == (store is None):
        raise ValueError("give exactly one of data (an RDF file) or store (a store folder)")
    if data is not None:
        return MemoryStore.from_file(data)
    assert store is not None
    return open_store(store, read_only=True)


__all__ = ["Checkpoint", "GraphStore", "MemoryStore", "OxigraphStore", "QueryRows", "RemoteStore", "StoreLock",
           "hold_store", "open_graph", "open_store", "rdf_format_for", "union_graph"]
