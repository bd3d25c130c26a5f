"""The embedded default store: pyoxigraph on disk.

Writes are transactions: ``replace_graphs`` is one SPARQL Update (``DROP SILENT GRAPH`` then
``INSERT DATA`` for every graph), so a failure or a crash leaves every graph as it was. Only
``bulk_load`` (pyoxigraph's bulk loader, much faster, for graphs new to the store) is not atomic;
on failure it drops the graphs it was filling.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Identifier, Node

from ..errors import GraphInputError, StoreNotFoundError
from ..rdf.iris import is_codegraph_graph
from ..rdf.terms import nt_term, ntriple_line, to_oxigraph, to_rdflib
from .base import Checkpoint, GraphStore, Quad, QueryRows, Triple


class OxigraphStore(GraphStore):
    """The store in the folder ``path``. ``create=False`` refuses a folder that holds no store
    (a mistyped path should not quietly become a new, empty store)."""

    def __init__(self, path: str | Path | None, *, create: bool = True):
        self.path = Path(path) if path is not None else None
        self._store: ox.Store | None = None
        if self.path is None:  # in memory: scratch work, gone when closed
            self._store = ox.Store()
            return
        if not create and not _holds_store(self.path):
            raise StoreNotFoundError(self.path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise GraphInputError(f"{self.path}: cannot open the store: {exc}") from exc

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store (only this package's code uses it)."""
        if self._store is None:
            raise GraphInputError(f"{self.path}: the store is closed")
        return self._store

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        """A store in memory (no files): fast scratch space, e.g. to check a build before writing it."""
        return cls(None)

    # -- reading ------------------------------------------------------------------------------

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryRows:
        if bindings:
            from ..query.binding import inject_values

            sparql = inject_values(sparql, bindings)
        solutions = self.store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("select() runs SELECT queries only")
        variables = [v.value for v in solutions.variables]
        rows = [tuple(None if solution[v] is None else to_rdflib(solution[v]) for v in variables) for solution in solutions]
        return QueryRows(variables, rows)

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self.store.named_graphs()
                      if isinstance(g, ox.NamedNode) and is_codegraph_graph(g.value))

    def has_graph(self, name: URIRef) -> bool:
        return self.store.contains_named_graph(ox.NamedNode(str(name)))

    def quads(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
              graph: URIRef | None = None) -> Iterator[Quad]:
        pattern: list[Any] = [None if term is None else to_oxigraph(term) for term in (subject, predicate, obj, graph)]
        for quad in self.store.quads_for_pattern(*pattern):
            name = quad.graph_name
            if isinstance(name, ox.NamedNode):
                yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), URIRef(name.value)

    def triple_count(self) -> int:
        return len(self.store)

    def dump(self, graphs: Sequence[URIRef] | None = None) -> bytes:
        """N-Quads in the store's own order: one bulk call, no per-quad Python work."""
        if graphs is None:
            return _dumped(self.store.dump(format=ox.RdfFormat.N_QUADS))
        lines: list[bytes] = []
        for name in graphs:
            suffix = f" <{name}> .\n".encode()
            ntriples = _dumped(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name))))
            lines.extend(line[:-2].rstrip() + suffix for line in ntriples.splitlines() if line.strip())
        return b"".join(lines)

    def dump_ntriples(self) -> bytes:
        quads = ox.parse(self.dump(), format=ox.RdfFormat.N_QUADS)
        return _dumped(ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES))

    def checkpoint(self) -> Checkpoint | None:
        """A backup beside the store (hard links: well under a second), which other processes
        open read-only while this one goes on. None when no folder can be made there."""
        if self.path is None:
            return None
        try:
            scratch = tempfile.mkdtemp(prefix=".codegraph-checkpoint-", dir=self.path.parent)
        except OSError:
            return None
        target = os.path.join(scratch, "store")
        try:
            self.store.backup(target)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
            return None
        return OxigraphCheckpoint(scratch, target)

    # -- writing ------------------------------------------------------------------------------

    def replace_graphs(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> None:
        parts = []
        for name, triples in graphs.items():
            parts.append(f"DROP SILENT GRAPH {nt_term(name)} ;")
            body = "".join(ntriple_line(*triple) for triple in triples)
            if body:
                parts.append(f"INSERT DATA {{ GRAPH {nt_term(name)} {{ {body} }} }} ;")
        if parts:
            self.store.update("\n".join(parts).rstrip(" ;"))

    def add_triples(self, name: URIRef, triples: Iterable[Triple]) -> None:
        graph = ox.NamedNode(str(name))
        quads: list[Any] = [(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples]
        self.store.extend(ox.Quad(s, p, o, graph) for s, p, o in quads)

    def drop_graphs(self, names: Iterable[URIRef]) -> None:
        drops = " ; ".join(f"DROP SILENT GRAPH {nt_term(name)}" for name in names)
        if drops:
            self.store.update(drops)

    def update(self, sparql_update: str) -> None:
        self.store.update(sparql_update)

    def load_nquads(self, nquads: bytes, replace: Sequence[URIRef]) -> None:
        """Drop ``replace``, then add the quads of ``nquads``, in one transaction."""
        parts = [f"DROP SILENT GRAPH {nt_term(name)}" for name in replace]
        body = nquads.decode("utf-8")
        if body.strip():
            parts.append(f"INSERT DATA {{ {_quads_as_graph_blocks(body)} }}")
        if parts:
            self.store.update(" ;\n".join(parts))

    def bulk_load(self, nquads: bytes, graphs: Sequence[URIRef]) -> None:
        try:
            self.store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError):
            self.drop_graphs(graphs)
            raise

    def bulk_load_graph(self, name: URIRef, ntriples: bytes) -> None:
        """Load one large graph (a code set release) with the bulk loader; on failure the partial
        graph is dropped again. Callers give each version its own graph name."""
        try:
            self.store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
        except (OSError, SyntaxError, ValueError):
            self.drop_graph(name)
            raise

    def close(self) -> None:
        """Flush and release the store, so another process (or this one) can open it."""
        if self._store is not None:
            if self.path is not None:
                self._store.flush()
            self._store = None  # the last reference: RocksDB closes and releases its lock

    def __repr__(self) -> str:
        return f"OxigraphStore({str(self.path) if self.path else None!r})"


class OxigraphCheckpoint(Checkpoint):
    """A hard-linked backup of an embedded store, opened read-only by other processes."""
    def __init__(self, scratch: str, path: str):
        self.scratch = scratch
        self.path = path

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def dump_ntriples(self, graphs: Sequence[str]) -> list[bytes]:
        store = ox.Store.read_only(self.path)
        try:
            return [_dumped(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))) for graph in graphs]
        finally:
            del store


def _dumped(data: bytes | None) -> bytes:
    """pyoxigraph returns the bytes when given no file to write to."""
    assert data is not None
    return data


def _holds_store(path: Path) -> bool:
    """Does ``path`` hold an Oxigraph (RocksDB) store? Its CURRENT file says so."""
    return path.is_dir() and os.path.isfile(path / "CURRENT")


def _quads_as_graph_blocks(nquads: str) -> str:
    """N-Quads lines as ``GRAPH <g> { ... }`` blocks of INSERT DATA (each line ends ``<g> .``)."""
    blocks: dict[str, list[str]] = {}
    for line in nquads.splitlines():
        if not line.strip():
            continue
        head, _, graph = line.rstrip()[:-1].rstrip().rpartition(" ")
        blocks.setdefault(graph, []).append(head + " .")
    return " ".join(f"GRAPH {graph} {{ {' '.join(lines)} }}" for graph, lines in blocks.items())
