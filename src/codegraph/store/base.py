"""The one interface every store offers: replace a named graph, query, dump."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node


@dataclass
class QueryRows:
    """SELECT results as rdflib terms, the same type whichever store answered."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]


class GraphStore(Protocol):
    def replace_graph(self, name: URIRef, graph: Graph) -> None:
        """Put ``graph`` in the named graph ``name``, replacing what was there, atomically."""

    def add_triples(self, name: URIRef, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        """Add triples to the named graph ``name``, keeping what is there."""

    def select(self, sparql: str) -> QueryRows:
        """Run a SELECT query over the union of all graphs."""

    def graph_names(self) -> list[URIRef]: ...

    def triple_count(self) -> int: ...

    def to_dataset(self) -> Dataset:
        """A copy of the whole store as an rdflib ``Dataset`` (for export and validation)."""

    def close(self) -> None: ...


def union_graph(dataset: Dataset, extra: Iterable[Graph] = ()) -> Graph:
    """A new graph holding every triple of ``dataset`` and of ``extra``; inputs are not changed."""
    merged = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    for graph in extra:
        for triple in graph:
            merged.add(triple)
    return merged
