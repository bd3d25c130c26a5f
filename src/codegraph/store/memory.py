"""An rdflib ``Dataset`` in memory: for small jobs, tests, and files given with ``--data``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from rdflib import Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import ResultRow
from rdflib.term import Identifier, Node

from ..choices import RDF_FILE_FORMATS
from ..errors import GraphInputError
from ..rdf.iris import is_codegraph_graph
from ..rdf.namespaces import bind_prefixes
from ..rdf.terms import nquad_line, ntriple_line
from .base import GraphStore, Quad, QueryRows, Triple

QUAD_FORMATS = {"trig", "nquads", "json-ld"}


def rdf_format_for(path: str | Path) -> str:
    """The RDF format a file's extension names (rdflib's name for it)."""
    suffix = Path(path).suffix.lower()
    if suffix not in RDF_FILE_FORMATS:
        raise GraphInputError(
            f"{path}: cannot tell the RDF format from the extension {suffix or '(none)'}; "
            f"use one of {', '.join(sorted(RDF_FILE_FORMATS))}"
        )
    return RDF_FILE_FORMATS[suffix]


@lru_cache(maxsize=128)
def _prepared(sparql: str) -> Query:
    """``sparql`` parsed and translated once (the catalog's queries are asked again and again)."""
    return prepareQuery(sparql)


class MemoryStore(GraphStore):
    """A store in memory. A file's triples outside any named graph are kept too (a Turtle file
    has only those), so reading and querying see them; ``graph_names`` lists named graphs."""

    def __init__(self, dataset: Dataset | None = None):
        self.dataset = dataset if dataset is not None else bind_prefixes(Dataset(default_union=True))

    @classmethod
    def from_file(cls, path: str | Path) -> MemoryStore:
        """Load a Turtle, TriG, N-Triples, N-Quads, JSON-LD or RDF/XML file."""
        fmt = rdf_format_for(path)
        dataset = bind_prefixes(Dataset(default_union=True))
        try:
            dataset.parse(str(path), format=fmt)
        except FileNotFoundError:
            raise GraphInputError(f"{path}: no such file; build a graph first with 'codegraph build'") from None
        except Exception as exc:  # rdflib raises many parser-specific types; name the file either way
            raise GraphInputError(f"{path}: not valid {fmt}: {exc}") from exc
        return cls(dataset)

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> QueryRows:
        # rdflib's own binding on a query parsed once: the values never become query text, and
        # parsing (0.1-1.7 s a catalog query) is paid once (query/binding.py has the figures).
        if bindings:
            from ..query.binding import check_bindings

            result = self.dataset.query(_prepared(sparql), initBindings=check_bindings(bindings))
        else:
            result = self.dataset.query(_prepared(sparql))
        variables = [str(v) for v in (result.vars or [])]
        rows: list[tuple[Node | None, ...]] = [tuple(row) for row in result if isinstance(row, ResultRow)]
        return QueryRows(variables, rows)

    def graph_names(self) -> list[URIRef]:
        return sorted(g.identifier for g in self.dataset.graphs()
                      if isinstance(g.identifier, URIRef) and is_codegraph_graph(str(g.identifier)) and len(g))

    def quads(self, subject: Node | None = None, predicate: Node | None = None, obj: Node | None = None,
              graph: URIRef | None = None) -> Iterator[Quad]:
        if graph is not None:  # one graph: its own index (a union dataset's quads() ignores the context)
            for s, p, o in self.dataset.graph(graph).triples((subject, predicate, obj)):
                yield s, p, o, graph
            return
        for s, p, o, g in self.dataset.quads((subject, predicate, obj, None)):
            name = getattr(g, "identifier", g)
            if isinstance(name, URIRef):
                yield s, p, o, name

    def replace_graphs(self, graphs: Mapping[URIRef, Iterable[Triple]]) -> None:
        staged = {name: list(triples) for name, triples in graphs.items()}  # read and check every input first
        for name, triples in staged.items():
            for triple in triples:
                if not all(isinstance(term, Node) for term in triple):
                    raise GraphInputError(f"not an RDF triple for <{name}>: {triple!r}; no graph was changed")
        for name, triples in staged.items():
            self.dataset.remove_graph(self.dataset.graph(name))
            if triples:
                target = self.dataset.graph(name)
                for triple in triples:
                    target.add(triple)

    def add_triples(self, name: URIRef, triples: Iterable[Triple]) -> None:
        target = self.dataset.graph(name)
        for triple in triples:
            target.add(triple)

    def drop_graphs(self, names: Iterable[URIRef]) -> None:
        for name in list(names):
            self.dataset.remove_graph(self.dataset.graph(name))

    def update(self, sparql_update: str) -> None:
        self.dataset.update(sparql_update)

    def unnamed_triples(self) -> list[Triple]:
        return list(self.dataset.graph(DATASET_DEFAULT_GRAPH_ID))

    def dump(self, graphs: Sequence[URIRef] | None = None) -> bytes:
        """N-Quads; a file's triples outside any named graph are written as triples (no graph)."""
        if graphs is not None:
            return super().dump(graphs)
        lines = []
        for s, p, o, g in self.quads():
            lines.append(ntriple_line(s, p, o) if g == DATASET_DEFAULT_GRAPH_ID else nquad_line(s, p, o, g))
        return "".join(lines).encode("utf-8")

    def to_dataset(self) -> Dataset:
        return self.dataset
