"""Writing the graph out: one canonical N-Quads order, every format made from it.

The canonical order is: graphs by IRI (triples outside any named graph first), and within a
graph its N-Quads lines sorted, each once. A build's file and an export of the store it built
are then the same bytes, two exports of one graph are the same bytes, and an export streams one
graph at a time instead of sorting the whole store in memory. Turtle, TriG and RDF/XML are
written by pyoxigraph from that order (so every source of the same graph gives the same file);
JSON-LD by ``rdf/jsonld.py``, compacted with codegraph's published context (``--expanded``: expanded),
in the same order.

What it costs: an export is the store's own dump of each graph plus work done in C on whole
graphs (``bytes.splitlines``, ``sorted``, ``bytes.replace``): no Python step per line. Sorting a
graph's lines costs about a tenth of dumping them (measured at 1,000 pages: 0.5 s of CPU against
4.3 s). The triple formats hold the union of the graphs, each triple once and sorted; that sort
runs outside Python, in ``sort`` (GNU coreutils, byte order, on every core, spilling to disk), so
memory stays bounded; where there is no GNU ``sort`` Python sorts the same lines the same way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import chain
from pathlib import Path
from typing import IO

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
_BLOCK = 1 << 22  # bytes read at a time from a scratch file
_SORT_MEMORY = "512M"  # GNU sort's buffer; it spills sorted runs to disk beyond it


def format_name(fmt: str) -> str:
    """rdflib's name for a ``--format`` value; refuses an unknown one."""
    if fmt not in EXPORT_FORMATS:
        raise GraphInputError(f"unknown format {fmt!r}; use one of {', '.join(sorted(set(EXPORT_FORMATS)))}")
    return EXPORT_FORMATS[fmt]


def store_nquads(store: GraphStore, progress: Callable[[int, int, str], None] | None = None) -> Iterator[bytes]:
    """The store in canonical order, one graph at a time (bounded memory); ``progress`` hears
    each graph read."""
    unnamed = store.unnamed_triples()
    if unnamed:
        yield "".join(sorted({ntriple_line(*triple) for triple in unnamed})).encode("utf-8")
    names = store.graph_names()
    for done, name in enumerate(names, start=1):
        yield b"".join(sorted(set(store.dump([name]).splitlines(keepends=True))))  # a store's graph is a set; a file's may repeat
        if progress is not None:
            progress(done, len(names), str(name))


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
    """Canonical N-Quads chunks (each chunk one graph's lines) in ``fmt`` (a ``--format`` name)."""
    rdf_format = format_name(fmt)
    if rdf_format == "nquads":
        yield from chunks
        return
    if rdf_format in ("json-ld", "json-ld-expanded"):
        yield write_jsonld(b"".join(chunks), expanded=rdf_format == "json-ld-expanded")
        return
    if rdf_format == "trig":
        quads = chain.from_iterable(ox.parse(chunk, format=ox.RdfFormat.N_QUADS) for chunk in chunks)
        yield _written(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_PREFIXES))
        return
    # Triple formats hold the union of the graphs: each triple once, sorted, so the Turtle writer
    # groups a subject's triples together.
    with tempfile.TemporaryDirectory(prefix="codegraph-export-") as scratch:
        union = os.path.join(scratch, "union.nt")
        sort_unique((as_ntriples(chunk) for chunk in chunks), union, scratch)
        if rdf_format != "nt":
            written = os.path.join(scratch, "written")
            ox.serialize(ox.parse(path=union, format=ox.RdfFormat.N_TRIPLES), written,
                         format=_OXIGRAPH_FORMATS[rdf_format], prefixes=_PREFIXES)
            union = written
        with open(union, "rb") as handle:
            yield from line_blocks(handle)


def as_ntriples(chunk: bytes) -> bytes:
    """N-Quads lines as N-Triples lines (the graph dropped). A chunk of one named graph, as the
    canonical chunks are, is done in one ``bytes.replace``; anything else is parsed."""
    if not chunk:
        return b""
    first = chunk[: chunk.find(b"\n") + 1]
    graph = next(iter(ox.parse(first, format=ox.RdfFormat.N_QUADS)), None) if first else None
    if graph is not None and isinstance(graph.graph_name, ox.NamedNode) and chunk.endswith(b"\n"):
        suffix = f" <{graph.graph_name.value}> .\n".encode()
        # A line's last bytes are its graph and " .\n" (no raw newline inside a line), so
        # the suffix occurs exactly once per line when every line is in that graph.
        if chunk.count(suffix) == chunk.count(b"\n"):
            return chunk.replace(suffix, b" .\n")
    return _written(ox.serialize((quad.triple for quad in ox.parse(chunk, format=ox.RdfFormat.N_QUADS)),
                                 format=ox.RdfFormat.N_TRIPLES))


def line_blocks(handle: IO[bytes], size: int = _BLOCK) -> Iterator[bytes]:
    """A file's bytes in blocks of about ``size`` that end at a line's end."""
    while block := handle.read(size):
        if not block.endswith(b"\n"):
            block += handle.readline()
        yield block


def sort_unique(chunks: Iterable[bytes], target: str, scratch: str) -> None:
    """Write the lines of ``chunks`` to the file ``target`` sorted by their bytes, each once."""
    command = _gnu_sort()
    if command is None:
        lines = b"".join(chunks).split(b"\n")  # as sort reads them: a line ends at a newline only
        if lines and not lines[-1]:
            lines.pop()
        with open(target, "wb") as out:
            out.write(b"".join(line + b"\n" for line in dict.fromkeys(sorted(lines))))
        return
    with open(target, "wb") as out, tempfile.TemporaryFile(dir=scratch) as errors:
        process = subprocess.Popen([command, "-u", "-S", _SORT_MEMORY, f"--parallel={os.cpu_count() or 1}", "-T", scratch],
                                   stdin=subprocess.PIPE, stdout=out, stderr=errors, env={**os.environ, "LC_ALL": "C"})
        stdin: IO[bytes] = process.stdin  # type: ignore[assignment]
        try:
            for chunk in chunks:
                stdin.write(chunk)
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            try:
                stdin.close()
            except BrokenPipeError:
                pass
        if process.wait() != 0:
            errors.seek(0)
            raise OSError(f"sort failed ({process.returncode}): {errors.read().decode('utf-8', 'replace').strip()}")


@cache
def _gnu_sort() -> str | None:
    """GNU sort's path, when there is one: its byte order (LC_ALL=C) is Python's order of bytes."""
    command = shutil.which("sort")
    if command is None:
        return None
    try:
        version = subprocess.run([command, "--version"], capture_output=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return command if b"GNU coreutils" in version else None


def _written(data: bytes | None) -> bytes:
    """pyoxigraph returns the bytes when given no file to write to."""
    assert data is not None
    return data


def export_store(store: GraphStore, fmt: str, progress: Callable[[int, int, str], None] | None = None) -> bytes:
    """The whole of ``store`` in ``fmt``; N-Quads, N-Triples and Turtle are byte-stable."""
    return b"".join(convert_nquads(store_nquads(store, progress), fmt))


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
