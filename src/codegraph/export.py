"""Writing the graph out: one canonical N-Quads order, every format made from it.

The canonical order is: graphs by IRI (triples outside any named graph first), and within a
graph its N-Quads lines sorted, each once. A build's file and an export of the store it built
are then the same bytes, two exports of one graph are the same bytes, and an export streams one
graph at a time instead of sorting the whole store in memory. Turtle, TriG and RDF/XML are
written by pyoxigraph from that order (so every source of the same graph gives the same file);
JSON-LD by ``rdf/jsonld.py``, compacted with codegraph's published context (``--expanded``: expanded),
in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from .choices import EXPORT_FORMATS
from .errors import GraphInputError, QueryError
from .files import write_atomically
from .rdf.jsonld import write_jsonld
from .rdf.namespaces import PREFIXES, bind_prefixes
from .rdf.terms import nquad_line, ntriple_line
from .store.base import GraphStore
from .store.memory import rdf_format_for

_OXIGRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "xml": ox.RdfFormat.RDF_XML}
_PREFIXES = {name: str(namespace) for name, namespace in PREFIXES.items()}


def format_name(fmt: str) -> str:
    """rdflib's name for a ``--format`` value; refuses an unknown one."""
    if fmt not in EXPORT_FORMATS:
        raise GraphInputError(f"unknown format {fmt!r}; use one of {', '.join(sorted(set(EXPORT_FORMATS)))}")
    return EXPORT_FORMATS[fmt]


def store_nquads(store: GraphStore) -> Iterator[bytes]:
    """The store in canonical order, one graph at a time (bounded memory)."""
    unnamed = store.unnamed_triples()
    if unnamed:
        yield "".join(sorted({ntriple_line(*triple) for triple in unnamed})).encode("utf-8")
    for name in store.graph_names():
        yield b"".join(sorted(set(store.dump([name]).splitlines(keepends=True))))


def dataset_nquads(dataset: Dataset | Graph) -> Iterator[bytes]:
    """An rdflib dataset (or graph) in canonical order."""
    by_graph: dict[str, set[str]] = {}
    if isinstance(dataset, Dataset):
        for s, p, o, g in dataset.quads((None, None, None, None)):
            graph_name = g.identifier if isinstance(g, Graph) else g
            if isinstance(graph_name, URIRef) and not str(graph_name).startswith("urn:x-rdflib:"):
                by_graph.setdefault(str(graph_name), set()).add(nquad_line(s, p, o, graph_name))
            else:
                by_graph.setdefault("", set()).add(ntriple_line(s, p, o))
    else:
        by_graph[""] = {ntriple_line(s, p, o) for s, p, o in dataset}
    for name in sorted(by_graph):
        yield "".join(sorted(by_graph[name])).encode("utf-8")


def convert_nquads(chunks: Iterable[bytes], fmt: str) -> Iterator[bytes]:
    """Canonical N-Quads chunks in ``fmt`` (a ``--format`` name)."""
    rdf_format = format_name(fmt)
    if rdf_format == "nquads":
        yield from chunks
        return
    if rdf_format in ("json-ld", "json-ld-expanded"):
        yield write_jsonld(b"".join(chunks), expanded=rdf_format == "json-ld-expanded")
        return
    if rdf_format == "trig":
        quads = ox.parse(b"".join(chunks), format=ox.RdfFormat.N_QUADS)
        yield _written(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_PREFIXES))
        return
    # Triple formats hold the union of the graphs: each triple once, sorted, so the Turtle writer
    # groups a subject's triples together.
    quads = ox.parse(b"".join(chunks), format=ox.RdfFormat.N_QUADS)
    written = _written(ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES))
    data = b"".join(sorted(set(written.splitlines(keepends=True))))
    if rdf_format == "nt":
        yield data
        return
    parsed = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    yield _written(ox.serialize(parsed, format=_OXIGRAPH_FORMATS[rdf_format], prefixes=_PREFIXES))


def _written(data: bytes | None) -> bytes:
    """pyoxigraph returns the bytes when given no file to write to."""
    assert data is not None
    return data


def export_store(store: GraphStore, fmt: str) -> bytes:
    """The whole of ``store`` in ``fmt``; N-Quads, N-Triples and Turtle are byte-stable."""
    return b"".join(convert_nquads(store_nquads(store), fmt))


def serialize(dataset: Dataset | Graph, fmt: str) -> bytes:
    """An rdflib dataset in ``fmt``, in the same canonical order as a store export."""
    return b"".join(convert_nquads(dataset_nquads(dataset), fmt))


def write_export(path: str | Path, chunks: Iterable[bytes], fmt: str | None = None) -> int:
    """Canonical N-Quads chunks to ``path`` in ``fmt`` (default: the format its extension names),
    atomically. Returns the bytes written."""
    return write_atomically(path, convert_nquads(chunks, fmt or _format_of_path(path)))


def write_graph(dataset: Dataset | Graph, path: str | Path) -> int:
    """Write ``dataset`` to ``path`` in the format its extension names, atomically."""
    return write_export(path, dataset_nquads(dataset))


def _format_of_path(path: str | Path) -> str:
    return {"json-ld": "jsonld"}.get(rdf_format_for(path), rdf_format_for(path))


def code_neighbourhood(source: GraphStore, code: str) -> Dataset:
    """One code's neighbourhood (the code, its facts and coverage assertions, their evidence, the
    documents, payers and policies) as a dataset keeping each triple's named graph: what
    ``codegraph export --code`` writes. Raises ``QueryError`` when the graph has no such code."""
    from .query import run_query

    rows = run_query(source, "code-neighbourhood", {"code": code})
    if not rows.rows:
        raise QueryError(f"no code {code!r} in the graph; give a code's notation as the build summary prints it, e.g. 1001T or J7321")
    dataset = bind_prefixes(Dataset(default_union=True))
    for s, p, o, g in rows.rows:
        if s is not None and p is not None and o is not None and isinstance(g, URIRef):
            dataset.graph(g).add((s, p, o))
    return dataset
