"""An rdflib ``Dataset`` in memory: for small jobs, tests, and files given with ``--data``."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.query import ResultRow

from ..errors import GraphInputError
from ..rdf.mapper import bind_prefixes
from .base import QueryRows

# File extension -> rdflib parser/serialiser name.
RDF_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}
QUAD_FORMATS = {"trig", "nquads", "json-ld"}


def rdf_format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in RDF_FORMATS:
        raise GraphInputError(
            f"{path}: cannot tell the RDF format from the extension {suffix or '(none)'}; "
            f"use one of {', '.join(sorted(RDF_FORMATS))}"
        )
    return RDF_FORMATS[suffix]


class MemoryStore:
    def __init__(self, dataset: Dataset | None = None):
        self.dataset = dataset if dataset is not None else bind_prefixes(Dataset(default_union=True))

    @classmethod
    def from_file(cls, path: str | Path) -> "MemoryStore":
        """Load a Turtle, TriG, N-Triples, N-Quads or JSON-LD file."""
        fmt = rdf_format_for(path)
        dataset = bind_prefixes(Dataset(default_union=True))
        try:
            dataset.parse(str(path), format=fmt)
        except FileNotFoundError:
            raise GraphInputError(f"{path}: no such file; build a graph first with 'codegraph build'") from None
        except Exception as exc:  # rdflib raises many parser-specific types; name the file either way
            raise GraphInputError(f"{path}: not valid {fmt}: {exc}") from exc
        return cls(dataset)

    def replace_graph(self, name: URIRef, graph: Graph) -> None:
        self.dataset.remove_graph(name)
        target = self.dataset.graph(name)
        for triple in graph:
            target.add(triple)

    def add_triples(self, name: URIRef, triples) -> None:
        """Add triples to the named graph ``name`` (keeping what is there)."""
        target = self.dataset.graph(name)
        for triple in triples:
            target.add(triple)

    def select(self, sparql: str) -> QueryRows:
        result = self.dataset.query(sparql)
        variables = [str(v) for v in (result.vars or [])]
        rows = [tuple(row) for row in result if isinstance(row, ResultRow)]
        return QueryRows(variables, rows)

    def graph_names(self) -> list[URIRef]:
        return sorted(g.identifier for g in self.dataset.graphs() if isinstance(g.identifier, URIRef) and len(g))

    def triple_count(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    def to_dataset(self) -> Dataset:
        return self.dataset

    def close(self) -> None:
        pass
