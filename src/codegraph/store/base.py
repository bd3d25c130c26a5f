"""The one interface every store offers, so nothing above the store asks which store it is.

A store holds named graphs. It answers SELECT queries over the union of codegraph's graphs,
lists and reads graphs, replaces graphs atomically, loads N-Quads in bulk, dumps itself, and
can hand a validation run a checkpoint to read from other processes. Three implementations:
``MemoryStore`` (rdflib, for files and small jobs), ``OxigraphStore`` (the embedded default) and
``RemoteStore`` (any SPARQL 1.1 server). Each method below that is not abstract has a plain
default built on the abstract ones; a store overrides it where it has a faster way.
``tests/test_store_contract.py`` runs one contract on all three.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier, Node

from ..rdf.namespaces import bind_prefixes
from ..rdf.terms import nquad_line, ntriple_line, parse_nquads

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef]


@dataclass
class QueryRows:
    """SELECT results as rdflib terms, the same type whichever store answered."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


class Checkpoint(ABC):
    """A frozen copy of a store that other processes can read while the store goes on (parallel
    validation). Picklable; ``dump_ntriples`` is called in those processes."""

    @abstractmethod
    def dump_ntriples(self, graphs: Sequence[str]) -> list[bytes]:
        """Each of ``graphs`` as N-Triples."""

    @abstractmethod
    def construct_ntriples(self, graphs: Sequence[str], pattern: str) -> list[bytes]:
        """For each of ``graphs``, the triples ``?s ?p ?o`` the SPARQL graph pattern ``pattern``
        binds in it, as N-Triples."""

    @abstractmethod
    def dump_subjects(self, graph: str, subjects: Sequence[str]) -> bytes:
        """The triples of ``graph`` whose subject is one of ``subjects`` (IRIs), as N-Triples."""

    def close(self) -> None:  # noqa: B027 - a hook: a copy with nothing to remove need not override it
        """Remove the copy."""


class GraphStore(ABC):
    """A set of named graphs that codegraph reads and writes.

    Reading (``select``, ``quads``, ``graph_names``, ``dump``) sees only codegraph's graphs
    (``rdf.iris.GRAPHS``); writing replaces a graph whole, in one step where the store can.
    Use a store as a context manager, or call ``close()``.
    """

    read_only: bool = False

    # -- reading ------------------------------------------------------------------------------

    @abstractmethod
    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryRows:
        """Run a SELECT query over the union of codegraph's graphs. ``bindings`` pre-bind
        variables to terms (values never become query text)."""

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """The named graphs the store holds (codegraph's own), sorted."""

    @abstractmethod
    def quads(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
              graph: URIRef | None = None) -> Iterator[Quad]:
        """The quads matching a pattern (None matches anything) in codegraph's named graphs."""

    def triples(self, graph: URIRef) -> list[Triple]:
        """The triples of one named graph."""
        return [(s, p, o) for s, p, o, _g in self.quads(graph=graph)]

    def unnamed_triples(self) -> list[Triple]:
        """Triples outside any named graph: only a file read into memory (a Turtle file) has them."""
        return []

    def has_graph(self, name: URIRef) -> bool:
        return name in set(self.graph_names())

    def triple_count(self) -> int:
        """Quads in the store (a triple several graphs hold counts once per graph)."""
        return sum(1 for _ in self.quads())

    def dump(self, graphs: Sequence[URIRef] | None = None) -> bytes:
        """Every quad (or those of ``graphs``) as N-Quads, in the store's own order."""
        names = self.graph_names() if graphs is None else list(graphs)
        return "".join(nquad_line(s, p, o, name) for name in names for s, p, o in self.triples(name)).encode("utf-8")

    def graph_ntriples(self, name: URIRef) -> bytes:
        """One graph's triples as N-Triples, each once, in the store's own order."""
        return "".join(ntriple_line(s, p, o) for s, p, o in dict.fromkeys(self.triples(name))).encode("utf-8")

    def dump_ntriples(self) -> bytes:
        """The union of the graphs as N-Triples (a triple several graphs hold comes once per
        graph; a graph is a set, so readers drop the repeats)."""
        return "".join(ntriple_line(s, p, o) for s, p, o, _g in self.quads()).encode("utf-8")

    def to_dataset(self) -> Dataset:
        """A copy of the whole store as an rdflib ``Dataset``."""
        dataset = bind_prefixes(Dataset(default_union=True))
        for s, p, o, g in self.quads():
            dataset.graph(g).add((s, p, o))
        return dataset

    def checkpoint(self) -> Checkpoint | None:
        """A frozen copy for readers in other processes (close it when done), or None when this
        store cannot make one (the caller then works on the store itself)."""
        return None

    def data_version(self) -> tuple[Path, str] | None:
        """Where files derived from this store may be kept (its folder) and a stamp that changes
        whenever its data does; None for a store with no folder (derived data is rebuilt each time)."""
        return None

    # -- writing ------------------------------------------------------------------------------

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> None:
        """Each named graph becomes exactly its triples (an empty one goes), all in one step
        where the store can: a failure leaves every graph as it was."""

    @abstractmethod
    def add_triples(self, name: URIRef, triples: Iterable[Triple]) -> None:
        """Add triples to the named graph ``name``, keeping what is there."""

    @abstractmethod
    def drop_graphs(self, names: Iterable[URIRef]) -> None:
        """Remove these named graphs, in one step where the store can."""

    @abstractmethod
    def update(self, sparql_update: str) -> None:
        """Run a SPARQL 1.1 Update on the store's named graphs (one transaction where the store can)."""

    def replace_graph(self, name: URIRef, triples: Iterable[Triple]) -> None:
        self.replace_graphs({name: triples})

    def drop_graph(self, name: URIRef) -> None:
        self.drop_graphs([name])

    def load_nquads(self, nquads: bytes, replace: Sequence[URIRef]) -> None:
        """Drop the graphs ``replace``, then add every quad of ``nquads`` (to those graphs or
        others), in one step where the store can."""
        grouped: dict[URIRef, list[Triple]] = {name: [] for name in replace}
        for s, p, o, g in parse_nquads(nquads):
            grouped.setdefault(g, []).append((s, p, o))
        self.replace_graphs({name: grouped.pop(name) for name in replace})
        for name, triples in grouped.items():
            self.add_triples(name, triples)

    def bulk_load(self, nquads: bytes | Path | BinaryIO, graphs: Sequence[URIRef]) -> None:
        """Load N-Quads (bytes, a file of them, or a binary stream) that fill ``graphs``, which
        must be new to the store, as fast as the store can. A failure removes those graphs again.
        Not atomic against a crash: callers record a source as current only after its graphs are
        in (``build.py``)."""
        if isinstance(nquads, Path):
            nquads = nquads.read_bytes()
        elif not isinstance(nquads, bytes):
            nquads = nquads.read()
        self.load_nquads(nquads, graphs)

    # -- life ---------------------------------------------------------------------------------

    def close(self) -> None:  # noqa: B027 - a hook: a store holding no files or connections need not override it
        """Release the store (files, connections)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()


def union_graph(dataset: Dataset, extra: Iterable[Graph] = ()) -> Graph:
    """A new graph holding every triple of ``dataset`` and of ``extra``; inputs are not changed."""
    merged = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    for graph in extra:
        for triple in graph:
            merged.add(triple)
    return merged
