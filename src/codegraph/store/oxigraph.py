"""The embedded default store: pyoxigraph on disk.

Writes are transactions: ``replace_graphs`` is one SPARQL Update (``DROP SILENT GRAPH`` then
``INSERT DATA`` for every graph), so a failure or a crash leaves every graph as it was. Only
``bulk_load`` (pyoxigraph's bulk loader, much faster, for graphs new to the store) is not atomic;
on failure it drops the graphs it was filling.

A store on disk opens for writing (alone) or read-only (beside any number of readers): the locks
that keep the two apart, and why pyoxigraph needs them, are in ``locking.py``.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Identifier, Node

from ..choices import STORE_WAIT_SECONDS
from ..errors import GraphInputError, StoreBusyError, StoreNotFoundError, StoreReadOnlyError
from ..rdf.iris import is_codegraph_graph
from ..rdf.terms import nquad_lines, nt_term, ntriple_line, rdflib_terms, to_oxigraph, to_rdflib
from .base import Checkpoint, GraphStore, Quad, QueryRows, Triple
from .locking import StoreLock, lock_store
from .rocksdb_state import data_state

BULK_LOAD_BLOCK = 64 << 20
"""Bytes of N-Quads a file is handed to the bulk loader in."""

SERVER_WRITES_FILE = "codegraph-server-writes"
"""A mark ``hold_store`` leaves in the folder of a store it holds for a writable server: part of
``data_version``, new for each server, since the server's writes are not codegraph's to follow."""

_NEVER_STORED = ox.Quad(ox.NamedNode("urn:codegraph:sequence-mark"), ox.NamedNode("urn:codegraph:sequence-mark"),
                        ox.NamedNode("urn:codegraph:sequence-mark"), ox.NamedNode("urn:codegraph:sequence-mark"))
"""A quad no store holds: removing it changes no data but takes a RocksDB sequence number."""


class OxigraphStore(GraphStore):
    """The store in the folder ``path``. ``create=False`` refuses a folder that holds no store
    (a mistyped path should not quietly become a new, empty store).

    ``read_only=True`` opens it beside any other readers (never creating it); otherwise this
    handle is the one writer. Either way the open first waits up to ``timeout`` seconds (None: no
    limit) for the codegraph processes that hold the store in the other way, then raises
    ``StoreBusyError``. ``close()`` lets the others in."""

    def __init__(self, path: str | Path | None, *, create: bool = True, read_only: bool = False,
                 timeout: float | None = STORE_WAIT_SECONDS):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._store: ox.Store | None = None  # before _lock: a collected handle closes RocksDB first
        self._lock: StoreLock | None = None
        if self.path is None:  # in memory: scratch work, gone when closed
            if read_only:
                raise ValueError("a store in memory cannot be read-only: give it a folder")
            self._store = ox.Store()
            return
        if (read_only or not create) and not _holds_store(self.path):
            raise StoreNotFoundError(self.path)
        try:
            if not read_only:
                self.path.mkdir(parents=True, exist_ok=True)
            lock = lock_store(self.path, write=not read_only, timeout=timeout)
            try:
                self._store = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))
            finally:
                if self._store is None:  # not opened: let the others in again
                    lock.release()
            self._lock = lock
        except StoreBusyError:
            raise
        except OSError as exc:
            if _rocksdb_locked(exc):
                raise StoreBusyError(self.path, "another process has the store open for writing without codegraph's "
                                     "locks (an Oxigraph server started by hand, or an older codegraph)",
                                     "stop it, then try again") from exc
            raise GraphInputError(f"{self.path}: cannot open the store: {exc}") from exc

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store (only this package's code uses it)."""
        if self._store is None:
            raise GraphInputError(f"{self.path}: the store is closed")
        return self._store

    @property
    def _writable(self) -> ox.Store:
        """The pyoxigraph store, to write to: refused on a read-only handle."""
        if self.read_only:
            raise StoreReadOnlyError(self.path or "")
        return self.store

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        """A store in memory (no files): fast scratch space, e.g. to check a build before writing it."""
        return cls(None)

    # -- reading ------------------------------------------------------------------------------

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryRows:
        if bindings:  # a VALUES block of checked, escaped terms (query/binding.py says why not substitutions)
            from ..query.binding import inject_values

            sparql = inject_values(sparql, bindings)
        solutions = self.store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("select() runs SELECT queries only")
        variables = [v.value for v in solutions.variables]
        term = rdflib_terms()  # each distinct term made once per query
        # A solution iterates its values in the order of ``variables``: no look-up by name per value
        rows = [tuple(None if value is None else term(value) for value in solution) for solution in solutions]
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
        # Each N-Triples line ends " .\n" and holds no other newline: one replace in C adds the
        # graph to every line.
        return b"".join(self.graph_ntriples(name).replace(b" .\n", f" {nt_term(name)} .\n".encode()) for name in graphs)

    def graph_ntriples(self, name: URIRef) -> bytes:
        return _dumped(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(name))))

    def dump_ntriples(self) -> bytes:
        # Each graph written as N-Triples by the store itself: a fifth less time than reading back
        # and rewriting its N-Quads dump.
        graphs = [ox.DefaultGraph(), *self.store.named_graphs()]
        return b"".join(_dumped(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)) for graph in graphs)

    def data_version(self) -> tuple[Path, str] | None:
        """The store's folder, and where its data stands after a flush (so a write made in this
        process counts too): RocksDB's last sequence number, which every write moves and a
        compaction or a reopen leaves alone (``rocksdb_state.py``), its logs that still hold
        writes, and the mark a writable server left (``hold_store``). Where RocksDB's files are
        not what that reads, its data files by name and size instead: any write makes new ones
        (and so does a compaction: slower then, never stale)."""
        if self.path is None:
            return None
        if not self.read_only:  # a read-only handle has written nothing (and pyoxigraph refuses its flush)
            self.store.flush()
        try:
            version = data_state(self.path)
        except (ValueError, OSError, struct.error):  # UnknownStoreFiles among them
            version = "files " + _data_files(self.path)
        try:
            version += " server-writes " + (self.path / SERVER_WRITES_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError):  # a mark that cannot be read vouches for nothing: matches no stamp
            version += " server-writes unreadable " + uuid.uuid4().hex
        return self.path, version

    def checkpoint(self) -> Checkpoint | None:
        """A backup beside the store (hard links: well under a second), which other processes
        open read-only while this one goes on. None when no folder can be made there.

        A read-only handle gives the store itself instead: its read lock keeps every writer out
        while it is open, and a backup taken from it would lose what RocksDB replayed from its log."""
        if self.path is None:
            return None
        if self.read_only:
            return OxigraphCheckpoint(None, str(self.path))
        _sweep_checkpoints(self.path.parent)
        try:
            scratch = tempfile.mkdtemp(prefix=CHECKPOINT_PREFIX, dir=self.path.parent)
            Path(scratch, CHECKPOINT_OWNER).write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
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
            self._writable.update("\n".join(parts).rstrip(" ;"))

    def add_triples(self, name: URIRef, triples: Iterable[Triple]) -> None:
        graph = ox.NamedNode(str(name))
        quads: list[Any] = [(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples]
        self._writable.extend(ox.Quad(s, p, o, graph) for s, p, o in quads)

    def drop_graphs(self, names: Iterable[URIRef]) -> None:
        drops = " ; ".join(f"DROP SILENT GRAPH {nt_term(name)}" for name in names)
        if drops:
            self._writable.update(drops)

    def update(self, sparql_update: str) -> None:
        self._writable.update(sparql_update)

    def load_nquads(self, nquads: bytes, replace: Sequence[URIRef]) -> None:
        """Drop ``replace``, then add the quads of ``nquads``, in one transaction."""
        parts = [f"DROP SILENT GRAPH {nt_term(name)}" for name in replace]
        body = nquads.decode("utf-8")
        if body.strip():
            parts.append(f"INSERT DATA {{ {_quads_as_graph_blocks(body)} }}")
        if parts:
            self._writable.update(" ;\n".join(parts))

    def bulk_load(self, nquads: bytes | Path | BinaryIO, graphs: Sequence[URIRef]) -> None:
        store = self._writable
        _take_sequence_number(store)
        try:
            if isinstance(nquads, Path):
                # In blocks: the bulk loader holds what it is given in memory (a 2.4M-quad file
                # at once peaked at 1.6 GB; in 64 MB blocks at 355 MB, for 8 % more time).
                with nquads.open("rb") as handle:
                    while block := handle.read(BULK_LOAD_BLOCK):
                        store.bulk_load(block + handle.readline(), format=ox.RdfFormat.N_QUADS)
            else:  # bytes, or a stream the loader reads as it parses
                store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError):
            self.drop_graphs(graphs)
            raise

    def bulk_load_graph(self, name: URIRef, ntriples: bytes) -> None:
        """Load one large graph (a code set release) with the bulk loader; on failure the partial
        graph is dropped again. Callers give each version its own graph name."""
        store = self._writable
        _take_sequence_number(store)
        try:
            store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
        except (OSError, SyntaxError, ValueError):
            self.drop_graph(name)
            raise

    def close(self) -> None:
        """Flush and release the store, so another process (or this one) can open it."""
        if self._store is not None:
            if self.path is not None and not self.read_only:
                self._store.flush()
            self._store = None  # the last reference: RocksDB closes and releases its lock
        if self._lock is not None:  # only now: no writer may start while RocksDB still has the files open
            self._lock.release()
            self._lock = None

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"OxigraphStore({str(self.path) if self.path else None!r}{mode})"


def hold_store(path: str | Path, *, write: bool, timeout: float | None = STORE_WAIT_SECONDS) -> StoreLock:
    """The locks a server holds on the store folder ``path`` for its lifetime, without opening
    the store here (``codegraph serve`` execs the Oxigraph server, which inherits them): shared,
    marked as a server's so writers refuse at once, or, with ``write``, the writer's. Reading
    needs a store there (``StoreNotFoundError``); raises ``StoreBusyError`` as opening does."""
    folder = Path(path)
    if not _holds_store(folder) and not (write and folder.is_dir()):
        raise StoreNotFoundError(folder)
    lock = lock_store(folder, write=write, timeout=timeout, server=not write)
    if write:  # whatever the server writes, files derived before it are not used after it
        from ..files import write_atomically

        try:
            write_atomically(folder / SERVER_WRITES_FILE, uuid.uuid4().hex.encode("ascii"))
        except BaseException:
            lock.release()
            raise
    return lock


CHECKPOINT_PREFIX = ".codegraph-checkpoint-"
CHECKPOINT_OWNER = "owner"
"""A checkpoint folder names the process that made it (its pid and host), so one left by a run
that was killed (``close`` never ran) can be told from one in use."""


def _sweep_checkpoints(folder: Path) -> None:
    """Remove the checkpoints beside a store whose process on this host is gone. Each holds hard
    links to the store's files as they were, so it keeps their disk space after the store moves on
    (at 100,000 pages two left by stopped validations held 26 GB). A folder that names no owner, or
    a process elsewhere or still running, is left alone."""
    try:
        candidates = [entry for entry in folder.iterdir() if entry.name.startswith(CHECKPOINT_PREFIX)]
    except OSError:
        return
    host = socket.gethostname()
    for entry in candidates:
        try:
            pid_text, _, owner_host = Path(entry, CHECKPOINT_OWNER).read_text(encoding="utf-8").strip().partition(" ")
            pid = int(pid_text)
        except (OSError, ValueError):
            continue
        if owner_host == host and pid != os.getpid() and not _running(pid):
            shutil.rmtree(entry, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class OxigraphCheckpoint(Checkpoint):
    """A hard-linked backup of an embedded store (in the folder ``scratch``), opened read-only by
    other processes; or, with no ``scratch``, a store that a read lock keeps unchanged."""
    def __init__(self, scratch: str | None, path: str):
        self.scratch = scratch
        self.path = path

    def close(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def dump_ntriples(self, graphs: Sequence[str]) -> list[bytes]:
        store = ox.Store.read_only(self.path)
        try:
            return [_dumped(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))) for graph in graphs]
        finally:
            del store

    def construct_ntriples(self, graphs: Sequence[str], pattern: str) -> list[bytes]:
        # A query per graph: one over every graph with VALUES ?g ran a third slower (1,700 graphs, 10k pages).
        store = ox.Store.read_only(self.path)
        try:
            written: list[bytes] = []
            for graph in graphs:
                triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ {pattern} }} }}")
                assert isinstance(triples, ox.QueryTriples)
                written.append(triples.serialize(format=ox.RdfFormat.N_TRIPLES) or b"")
                del triples
            return written
        finally:
            del store

    def dump_subjects(self, graph: str, subjects: Sequence[str]) -> bytes:
        store = ox.Store.read_only(self.path)
        try:
            named = ox.NamedNode(graph)
            triples = (quad.triple for subject in subjects for quad in store.quads_for_pattern(ox.NamedNode(subject), None, None, named))
            return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        finally:
            del store


def _take_sequence_number(store: ox.Store) -> None:
    """Move RocksDB's last sequence number (part of ``data_version``), without changing any data,
    before a bulk load: the bulk loader's files may land with no number of their own. Before, not
    after: a loader that dies midway has still changed the number, and no derived file is kept
    while this handle is loading."""
    store.remove(_NEVER_STORED)


def _dumped(data: bytes | None) -> bytes:
    """pyoxigraph returns the bytes when given no file to write to."""
    assert data is not None
    return data


def _data_files(folder: Path) -> str:
    """The store's data files by name and size: RocksDB's finished ``.sst`` files (a compaction
    running in the background writes new ones while the store is open: until one is finished it
    holds none of the store's data) and any log (``.log``) that still holds writes RocksDB has
    not flushed (a writer that died before closing: a read-only handle reads them from the log,
    a writing one flushes them into new files)."""
    files: list[str] = []
    unfinished: list[str] = []
    tables = 0
    for path in folder.iterdir():
        if path.suffix not in (".sst", ".log"):
            continue
        try:
            size = path.stat().st_size
            if path.suffix == ".log" and size == 0:  # nothing waiting to be flushed
                continue
            if path.suffix == ".sst" and not _finished_table(path, size):
                unfinished.append(f"{path.name}:{size}")
                continue
            tables += path.suffix == ".sst"
        except FileNotFoundError:  # removed by a compaction running in the background: not part of the data
            continue
        files.append(f"{path.name}:{size}")
    if unfinished and not tables:
        files += unfinished  # no file ends as RocksDB ends a table: a format this does not know, so count every file
    return " ".join(sorted(files))


_TABLE_MAGIC = (bytes.fromhex("f7cff485b741e288"), bytes.fromhex("57fb808b247547db"))
"""The last 8 bytes of a finished RocksDB table file (block-based, and its legacy format): its magic number."""


def _finished_table(path: Path, size: int) -> bool:
    """Has RocksDB finished writing the table file ``path`` (is its footer there)?"""
    if size < 8:
        return False
    with path.open("rb") as handle:
        handle.seek(size - 8)
        return handle.read(8) in _TABLE_MAGIC


def _rocksdb_locked(error: OSError) -> bool:
    """Is this RocksDB refusing a read-write open because its LOCK file is held (by another
    process, or by this one: "lock hold by current process")?"""
    return "lock file" in str(error).lower() or "lock hold by" in str(error).lower()


def _holds_store(path: Path) -> bool:
    """Does ``path`` hold an Oxigraph (RocksDB) store? Its CURRENT file says so."""
    return path.is_dir() and os.path.isfile(path / "CURRENT")


def _quads_as_graph_blocks(nquads: str) -> str:
    """N-Quads lines as ``GRAPH <g> { ... }`` blocks of INSERT DATA (each line ends ``<g> .``)."""
    blocks: dict[str, list[str]] = {}
    for line in nquad_lines(nquads):
        if not line.strip():
            continue
        head, _, graph = line.rstrip()[:-1].rstrip().rpartition(" ")
        blocks.setdefault(graph, []).append(head + " .")
    return " ".join(f"GRAPH {graph} {{ {' '.join(lines)} }}" for graph, lines in blocks.items())
