"""The embedded default store: pyoxigraph on disk.

Loads are transactions: a document's named graph is replaced by one SPARQL Update
(``DROP SILENT GRAPH`` then ``INSERT DATA``), so a failure leaves the previous version whole.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import GraphInputError
from ..rdf.mapper import bind_prefixes
from .base import QueryRows


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # RDF 1.1 simple literal: rdflib writes it without datatype
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term from Oxigraph: {term!r}")


def _to_oxigraph(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r} in Oxigraph")


class OxigraphStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.store = ox.Store(str(self.path))
        except OSError as exc:
            raise GraphInputError(f"{self.path}: cannot open the store: {exc}") from exc

    def replace_graph(self, name: URIRef, graph: Graph) -> None:
        body = graph.serialize(format="nt")
        self.store.update(f"DROP SILENT GRAPH {name.n3()} ; INSERT DATA {{ GRAPH {name.n3()} {{ {body} }} }}")

    def add_triples(self, name: URIRef, triples) -> None:
        """Add triples to the named graph ``name`` in one transaction (keeping what is there)."""
        graph = ox.NamedNode(str(name))
        self.store.extend(ox.Quad(_to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o), graph) for s, p, o in triples)

    def has_graph(self, name: URIRef) -> bool:
        return self.store.contains_named_graph(ox.NamedNode(str(name)))

    def bulk_load_graph(self, name: URIRef, ntriples: str) -> None:
        """Load a large graph (the ICD-10-CM scheme) with the bulk loader, which is much faster
        than a transaction but not atomic: on failure the partial graph is dropped again, so
        the graph is either complete or absent. Callers give each version its own graph name."""
        try:
            self.store.bulk_load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
        except (OSError, SyntaxError, ValueError):
            self.store.update(f"DROP SILENT GRAPH {name.n3()}")
            raise

    def bulk_load_nquads(self, nquads: str, graphs: list[URIRef]) -> None:
        """Bulk-load N-Quads that fill ``graphs``, which must be new to the store; on failure
        those graphs are dropped again, so the store is left as it was."""
        try:
            self.store.bulk_load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError):
            for graph in graphs:
                self.drop_graph(graph)
            raise

    def drop_graph(self, name: URIRef) -> None:
        self.store.update(f"DROP SILENT GRAPH {name.n3()}")

    def select(self, sparql: str) -> QueryRows:
        solutions = self.store.query(sparql, use_default_graph_as_union=True)
        if not isinstance(solutions, ox.QuerySolutions):
            raise TypeError("select() runs SELECT queries only")
        variables = [v.value for v in solutions.variables]
        rows = [tuple(to_rdflib(solution[v]) for v in variables) for solution in solutions]
        return QueryRows(variables, rows)

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        return len(self.store)

    def dump_nquads(self) -> bytes:
        """Every quad as N-Quads, in the store's own order (a bulk call: no per-quad Python work)."""
        return self.store.dump(format=ox.RdfFormat.N_QUADS)

    def dump_ntriples(self) -> bytes:
        """The union of the graphs as N-Triples (a triple several graphs hold comes once per
        graph; a graph is a set, so readers drop the repeats)."""
        quads = ox.parse(self.dump_nquads(), format=ox.RdfFormat.N_QUADS)
        return ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES)

    def to_dataset(self) -> Dataset:
        dataset = bind_prefixes(Dataset(default_union=True))
        data = self.store.dump(format=ox.RdfFormat.N_QUADS)
        dataset.parse(data=data.decode("utf-8") if isinstance(data, bytes) else data, format="nquads")
        return dataset

    def close(self) -> None:
        self.store.flush()
