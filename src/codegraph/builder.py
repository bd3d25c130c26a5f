"""Building the graph: documents in, one named graph per source, into a store or a file.

A build walks its inputs once, reads and maps each page in a worker (facts become N-Quads there,
once), and keeps each page under its **source key**: the page's own URL when it states one,
else its path relative to the folder given (``source_id`` overrides it for a single file). A
source's graph IRI comes from its key, so a rebuild after an edit replaces that graph; its
version is the SHA-256 of its bytes.

Loading into a store keeps **one current version of every source**:

- the registry graph (``iris.SOURCES_GRAPH``) lists each current source's graph with its key,
  version, kind and the codegraph version that built it;
- a source whose key and version are listed and whose graph is present is left alone;
- a changed source is replaced in one SPARQL Update (its graph dropped, its new quads and its
  registry entry written), so a crash leaves the old version or the new, never both;
- new sources go in through the store's bulk loader in batches, each streamed from the build's
  spool; each batch is entered in the registry only after it is in, so a batch cut short is
  replaced whole by the next build. The lines pages give shared graphs go in once, with the
  first batch (before any new page is registered), not once per page that gives them;
- sources listed in the registry that this build did not see are reported as absent, and
  retired (graph and entry dropped) with ``prune=True``. The default keeps them: building one
  new page into a store must not empty it;
- afterwards the shared graphs (a graph per code, the payers', the activities') lose the nodes
  no current source points at.

Writing a file writes the same graphs in the canonical order of ``export.py``, so a build's file
and an export of the store it filled are the same bytes.

A build holds its pages' N-Quads on disk, not in memory (``PageSpool``): each worker sorts its
page's own graph once, the build appends it to a temporary file and keeps only the offsets and
the small shared graphs (a graph per code, the payers', the activities'). A file is then written
graph by graph in IRI order, reading each page's graph back; a store is bulk-loaded from the same
bytes. Measured at 10,000 pages: the N-Quads text alone took 740 MB in memory, and the sets of
lines the file writer sorted took the peak to 3.6 GB.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import PROV

from .errors import DocumentError
from .export import write_export
from .extract import extract
from .model import DocumentFacts
from .rdf import iris
from .rdf.mapper import facts_to_graph_lines
from .rdf.namespaces import CG, bind_prefixes
from .rdf.terms import nquad_line, nquad_lines, nt_term
from .read import read_document
from .reference import dataset_nquads, reference_nquads
from .store.base import GraphStore
from .store.replace import replace_source

DOCUMENT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
BULK_BATCH_DOCUMENTS = 1000
"""Pages handed to the bulk loader at once. The loader holds a call's quads in memory while it sorts
them (about 0.45 GB per 1,000 generated pages); each call's files then overlap the store's, and
RocksDB's compactions make later calls cost up to twice the first (10,000 pages: 138 s of CPU in
ten calls, 107 s in one call that peaked at 1.8 GB)."""
SPOOL_READ_BUFFER = 1 << 20
"""Bytes the bulk loader's stream of a batch reads from the spool at a time."""
SOURCE_KIND_DOCUMENT = "document"

ProgressCallback = Callable[[int, int, str], None]  # (done, total, path)


# -- finding the inputs -----------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentInput:
    """A file to read, the key it is known by, and the name to show for it."""

    path: Path
    key: str
    display: str


@dataclass(frozen=True)
class Skipped:
    """Something under the inputs that is not a document codegraph can read, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def display_path(path: Path | str) -> str:
    """A path as text that can always be printed and stored: bytes that are not UTF-8 (a file
    name from another system) are shown as ``\\xNN``."""
    return os.fsdecode(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def collect_documents(paths: Iterable[str | Path], source_id: str | None = None) -> tuple[list[DocumentInput], list[Skipped]]:
    """The documents under ``paths`` (files named directly, and the documents found under
    folders, following links to folders once), in a stable order, with what was skipped and why.

    A file's key is its path relative to the folder given, or its name when given directly;
    ``source_id`` names a single file's source instead."""
    found: list[DocumentInput] = []
    skipped: list[Skipped] = []
    given = [Path(p) for p in paths]
    if source_id is not None and (len(given) != 1 or given[0].is_dir()):
        raise DocumentError(", ".join(map(str, given)), "a source id names one file; give one file with it")
    for path in given:
        try:
            info = path.stat()
        except OSError as error:
            raise DocumentError(display_path(path), _os_reason(error)) from None
        if stat.S_ISDIR(info.st_mode):
            found.extend(_walk(path, skipped))
        elif stat.S_ISREG(info.st_mode):
            found.append(DocumentInput(path, source_id or display_path(path.name), display_path(path)))
        else:
            raise DocumentError(display_path(path), "not a regular file (a device, a pipe or a socket)",
                                hint="give a page or a folder of pages")
    return found, skipped


def _walk(root: Path, skipped: list[Skipped]) -> Iterator[DocumentInput]:
    seen_folders: set[tuple[int, int]] = set()
    pending = [root]
    files: list[DocumentInput] = []
    while pending:
        folder = pending.pop()
        try:
            identity = folder.stat()
        except OSError as error:
            skipped.append(Skipped(display_path(folder), _os_reason(error)))
            continue
        if (identity.st_dev, identity.st_ino) in seen_folders:
            skipped.append(Skipped(display_path(folder), "a link back to a folder already read (a symlink loop); read once"))
            continue
        seen_folders.add((identity.st_dev, identity.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            skipped.append(Skipped(display_path(folder), _os_reason(error)))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                info = path.stat()  # follows links: a dangling link or a loop fails here
            except OSError as error:
                skipped.append(Skipped(display_path(path), _os_reason(error)))
                continue
            if stat.S_ISDIR(info.st_mode):
                pending.append(path)
            elif path.suffix.lower() not in DOCUMENT_SUFFIXES:
                continue  # not a page by its name: images, notes, the build's own outputs
            elif not stat.S_ISREG(info.st_mode):
                skipped.append(Skipped(display_path(path), "not a regular file (a device, a pipe or a socket)"))
            else:
                key = display_path(path.relative_to(root).as_posix())
                files.append(DocumentInput(path, key, display_path(path)))
    yield from sorted(files, key=lambda item: item.key)


def _os_reason(error: OSError) -> str:
    if error.errno is not None and error.errno == getattr(os, "ELOOP", -1):
        return "a symlink loop; fix or remove the link"
    if isinstance(error, FileNotFoundError):
        return "no such file or folder (a dangling symlink?)"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or str(error)


# -- reading ----------------------------------------------------------------------------------


@dataclass
class DocumentStatus:
    """One line of the build report."""

    path: str
    status: str  # "built" | "failed" | "duplicate" | "skipped"
    key: str | None = None
    code: str | None = None
    sha256: str | None = None
    graph: str | None = None
    duplicate_of: str | None = None
    error: str | None = None
    line: int | None = None
    warnings: list[str] = field(default_factory=list)


class PageSpool(Mapping[str, str]):
    """Each page's N-Quads by source key, kept in a temporary file (deleted when closed or when
    the process ends), with the lines of the shared graphs merged in memory.

    A page is stored as its own graph's lines, sorted and each once (the canonical order of
    ``export.py``), followed by the lines it adds to shared graphs. ``self[key]`` gives both as
    text (what replacing the source in a store writes)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="codegraph-build-")
        self._size = 0
        # key -> (graph IRI, offset, bytes of the own graph, bytes in all, lines of the own graph)
        self._index: dict[str, tuple[str, int, int, int, int]] = {}
        self.shared: dict[str, set[str]] = {}  # shared graph IRI -> its lines

    def add(self, key: str, graph: str, own: bytes, own_lines: int, shared: str) -> None:
        """Keep a page: its own graph's sorted lines and its lines of shared graphs."""
        data = own + shared.encode("utf-8")
        self._file.seek(self._size)
        self._file.write(data)
        self._index[key] = (graph, self._size, len(own), len(data), own_lines)
        self._size += len(data)
        for line in nquad_lines(shared, keepends=True):
            self.shared.setdefault(_graph_of(line), set()).add(line)

    def _read(self, offset: int, length: int) -> bytes:
        self._file.flush()
        return os.pread(self._file.fileno(), length, offset)

    def raw(self, key: str) -> bytes:
        """A page's N-Quads as bytes (own graph, then shared lines)."""
        _graph, offset, _own, length, _lines = self._index[key]
        return self._read(offset, length)

    def own_graphs(self) -> Iterator[tuple[str, str, int]]:
        """(graph IRI, key, lines) of every page's own graph."""
        for key, (graph, _offset, _own, _length, lines) in self._index.items():
            yield graph, key, lines

    def own_graph(self, key: str) -> bytes:
        """A page's own graph: its lines sorted, each once."""
        _graph, offset, own, _length, _lines = self._index[key]
        return self._read(offset, own)

    def shared_nquads(self) -> bytes:
        """Every page's lines of shared graphs, each once (pages about one code, or naming one
        payer, give the same lines), sorted."""
        return "".join(sorted(line for lines in self.shared.values() for line in lines)).encode("utf-8")

    def own_graphs_stream(self, keys: Sequence[str], head: bytes = b"") -> BinaryIO:
        """``head``, then these pages' own graphs, as one file to read: the bulk loader reads a
        batch from the spool as it parses, so the batch is never also a bytes object in memory."""
        self._file.flush()
        pieces: list[bytes | tuple[int, int]] = [head] if head else []
        for key in keys:
            _graph, offset, own, _length, _lines = self._index[key]
            pieces.append((offset, own))
        return io.BufferedReader(_PiecesReader(self._file.fileno(), pieces), SPOOL_READ_BUFFER)

    def close(self) -> None:
        self._file.close()

    def __getitem__(self, key: str) -> str:
        return self.raw(key).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: object) -> bool:
        return key in self._index


@dataclass
class BuildResult:
    """What a build read: each source's facts and its named graphs as N-Quads (``nquads``, kept on
    disk: what a store bulk-loads and a file is written from; facts are mapped to RDF once, in the
    worker)."""

    documents: list[DocumentFacts] = field(default_factory=list)
    nquads: PageSpool = field(default_factory=PageSpool)  # source key -> its graphs' N-Quads
    errors: list[DocumentError] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, path of the same content)
    skipped: list[Skipped] = field(default_factory=list)
    report: list[DocumentStatus] = field(default_factory=list)
    include_reference: bool = True
    version: str = "0+unknown"
    # Large reference graphs (the ICD-10-CM scheme) as N-Triples text, by named graph.
    extra_graphs: dict[URIRef, str] = field(default_factory=dict)
    _dataset: Dataset | None = field(default=None, repr=False)

    @property
    def codes(self) -> list[str]:
        return sorted({f"{d.code.system} {d.code.code}" for d in self.documents})

    @property
    def dataset(self) -> Dataset:
        """The build as an rdflib dataset, parsed from its N-Quads on first use (small builds)."""
        if self._dataset is None:
            dataset = bind_prefixes(Dataset(default_union=True))
            dataset.parse(data=b"".join(self.canonical_nquads()).decode("utf-8"), format="nquads")
            self._dataset = dataset
        return self._dataset

    def _small_graphs(self) -> dict[str, set[str]]:
        """The graphs that are not a page's own, by IRI: the shared graphs, the registry, the
        reference graphs and the extra graphs (lines as N-Quads)."""
        by_graph = {name: set(lines) for name, lines in self.nquads.shared.items()}
        registry = by_graph.setdefault(str(iris.SOURCES_GRAPH), set())
        activity = iris.extraction_activity_iri(self.version)
        for facts in self.documents:
            registry.update(registry_lines(facts.source.identity, facts.source.sha256, SOURCE_KIND_DOCUMENT, activity))
        if self.include_reference:
            for name, lines in reference_nquads().items():
                by_graph.setdefault(str(name), set()).update(lines)
            by_graph[str(iris.DATASET_GRAPH)] = set(dataset_nquads(self.version))
        for name, ntriples in self.extra_graphs.items():
            suffix = f" {nt_term(name)} .\n"
            by_graph.setdefault(str(name), set()).update(line[: line.rfind(" .")] + suffix for line in nquad_lines(ntriples) if line.strip())
        return by_graph

    def graphs(self) -> dict[str, list[str]]:
        """Every graph the build writes, by IRI: each source's graph, the shared graphs, the
        registry, the reference graphs and the extra graphs; lines as N-Quads (small builds:
        ``canonical_nquads`` streams)."""
        return {name: nquad_lines(chunk.decode("utf-8"), keepends=True) for name, chunk in self._canonical_graphs()}

    def _canonical_graphs(self) -> Iterator[tuple[str, bytes]]:
        small = self._small_graphs()
        pages = {graph: key for graph, key, _lines in self.nquads.own_graphs()}
        for name in sorted(small.keys() | pages.keys()):
            key = pages.get(name)
            if key is None:
                yield name, "".join(sorted(small[name])).encode("utf-8")
            elif name in small:  # a page's graph that something else also wrote to: merge
                lines = set(nquad_lines(self.nquads.own_graph(key).decode("utf-8"), keepends=True)) | small[name]
                yield name, "".join(sorted(lines)).encode("utf-8")
            else:
                yield name, self.nquads.own_graph(key)

    def canonical_nquads(self) -> Iterator[bytes]:
        """The build in the canonical order of ``export.py``, a graph at a time: each page's graph
        is read back from disk, so memory holds one graph (and the small shared ones) at a time."""
        for _name, chunk in self._canonical_graphs():
            if chunk:
                yield chunk

    def quad_count(self) -> int:
        """Quads the build writes (each quad once), as a file or a fresh store holds them."""
        small = self._small_graphs()
        count = sum(len(lines) for lines in small.values())
        for graph, key, lines in self.nquads.own_graphs():
            if graph in small:
                count += len(set(nquad_lines(self.nquads.own_graph(key).decode("utf-8"), keepends=True)) - small[graph])
            else:
                count += lines
        return count

    def report_json(self) -> dict[str, Any]:
        return {
            "documents": len(self.report),
            "built": len(self.documents),
            "failed": len(self.errors),
            "duplicates": len(self.duplicates),
            "skipped": len(self.skipped),
            "items": [asdict(item) for item in self.report],
        }


class _PiecesReader(io.RawIOBase):
    """Bytes, and (offset, length) ranges of the file ``fd``, read one after the other."""

    def __init__(self, fd: int, pieces: list[bytes | tuple[int, int]]) -> None:
        super().__init__()
        self._fd = fd
        # The next piece last (popped in O(1)); bytes as views, so reading on in one is no copy
        self._pieces: list[memoryview | tuple[int, int]] = [
            piece if isinstance(piece, tuple) else memoryview(piece) for piece in reversed(pieces)]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._pieces:
            piece = self._pieces.pop()
            data: bytes | memoryview
            if isinstance(piece, tuple):
                offset, length = piece
                data = os.pread(self._fd, min(len(buffer), length), offset)
                if not data:
                    raise OSError(f"the build's spool ends before offset {offset}")
                rest: memoryview | tuple[int, int] = (offset + len(data), length - len(data))
                left = length - len(data)
            else:
                data, rest = piece[: len(buffer)], piece[len(buffer) :]
                left = len(rest)
            if left:
                self._pieces.append(rest)
            if data:
                buffer[: len(data)] = data
                return len(data)
        return 0


def _graph_of(line: str) -> str:
    """The graph IRI of an N-Quads line that codegraph wrote (it always ends ``<graph> .``)."""
    body = line.rstrip()[:-1].rstrip()
    return body[body.rfind(" <") + 2 : -1]


@dataclass(frozen=True)
class PageGraphs:
    """A page's N-Quads as a worker hands them over: its own graph's lines sorted and each once
    (UTF-8, ready to write), and its lines of shared graphs."""

    graph: str
    own: bytes
    own_lines: int
    shared: str


def _read_one(item: DocumentInput, version: str) -> tuple[DocumentFacts, PageGraphs] | DocumentError:
    """Worker body: the facts and their N-Quads, or the error as a value, so one bad page never
    stops the others."""
    try:
        facts = extract(read_document(item.path))
    except DocumentError as error:
        return DocumentError(item.display, error.reason, error.line, error.hint)
    key = facts.source.url or item.key
    facts = replace(facts, source=replace(facts.source, key=key, path=item.display))
    graph = str(iris.document_graph_iri(facts.source.identity))
    own_lines, shared = facts_to_graph_lines(facts, version)
    # Sorted, then each once: the same lines as sorting a set, a third less time (the mapper's
    # lines come nearly in order; a set's are in hash order).
    own = dict.fromkeys(sorted(own_lines))
    return facts, PageGraphs(graph, "".join(own).encode("utf-8"), len(own), shared)


def _read_all(items: list[DocumentInput], version: str, jobs: int,
              progress: ProgressCallback | None) -> Iterator[tuple[DocumentFacts, PageGraphs] | DocumentError]:
    """Each item's outcome, in the order of ``items``, as soon as it is read (a generator: the
    caller keeps what it needs and lets the rest go)."""
    if jobs <= 1 or len(items) < 2:
        for done, item in enumerate(items, start=1):
            yield _read_one(item, version)
            if progress:
                progress(done, len(items), item.display)
        return
    # Reading and mapping are pure Python and CPU bound: processes, not threads, use every core.
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, min(64, len(items) // (jobs * 4) or 1))
        versions = [version] * len(items)
        for done, result in enumerate(pool.map(_read_one, items, versions, chunksize=chunk), start=1):
            yield result
            if progress:
                progress(done, len(items), items[done - 1].display)


def build(paths: Iterable[str | Path], *, version: str, include_reference: bool = True, jobs: int = 1,
          progress: ProgressCallback | None = None, source_id: str | None = None) -> BuildResult:
    """Read every document under ``paths``: one named graph per source.

    A bad document is recorded in ``errors`` (and the report) and the others are still built;
    what is not a readable file is in ``skipped``. The same page saved twice (same words, any file
    name) is built once, under the first key. Two files that give the same source key (a page
    and its copy stating one URL) are built once too. ``jobs`` > 1 reads the documents in that
    many processes; the result is the same as with one."""
    items, skipped = collect_documents(paths, source_id)
    result = BuildResult(include_reference=include_reference, version=version, skipped=skipped)
    result.report.extend(DocumentStatus(item.path, "skipped", error=item.reason) for item in skipped)
    seen_content: dict[str, str] = {}
    seen_key: dict[str, str] = {}
    for item, outcome in zip(items, _read_all(items, version, jobs, progress), strict=True):
        if isinstance(outcome, DocumentError):
            result.errors.append(outcome)
            result.report.append(DocumentStatus(item.display, "failed", error=outcome.reason, line=outcome.line))
            continue
        facts, page = outcome
        content = facts.source.content_sha256 or facts.source.sha256
        key = facts.source.identity
        original = seen_content.get(content) or seen_key.get(key)
        if original is not None:
            result.duplicates.append((item.display, original))
            result.report.append(DocumentStatus(item.display, "duplicate", key=key, code=facts.code.code,
                                                sha256=facts.source.sha256, duplicate_of=original))
            continue
        seen_content[content] = seen_key[key] = item.display
        result.documents.append(facts)
        result.nquads.add(key, page.graph, page.own, page.own_lines, page.shared)
        result.report.append(
            DocumentStatus(item.display, "built", key=key, code=f"{facts.code.system} {facts.code.code}",
                           sha256=facts.source.sha256, graph=str(iris.document_graph_iri(key)), warnings=list(facts.warnings))
        )
    return result


# -- the source registry -----------------------------------------------------------------------


def registry_lines(key: str, sha256: str, kind: str, activity: URIRef) -> list[str]:
    """The registry entry of a current source: its graph, key, version, kind and maker."""
    graph = iris.document_graph_iri(key) if kind == SOURCE_KIND_DOCUMENT else iris.import_graph_iri(key)
    registry = iris.SOURCES_GRAPH
    return [
        nquad_line(graph, RDF.type, CG.SourceGraph, registry),
        nquad_line(graph, CG.sourceKey, Literal(key), registry),
        nquad_line(graph, CG.sha256, Literal(sha256), registry),
        nquad_line(graph, CG.sourceKind, Literal(kind), registry),
        nquad_line(graph, PROV.wasGeneratedBy, activity, registry),
    ]


@dataclass(frozen=True)
class RegisteredSource:
    """A source the store's registry lists as current: its graph, key, version, kind and maker."""
    graph: URIRef
    key: str
    sha256: str
    kind: str
    activity: URIRef


_REGISTRY_QUERY = f"""
SELECT ?graph ?key ?sha ?kind ?activity WHERE {{
  GRAPH <{iris.SOURCES_GRAPH}> {{
    ?graph a <{CG.SourceGraph}> ; <{CG.sourceKey}> ?key ; <{CG.sha256}> ?sha ; <{CG.sourceKind}> ?kind ;
           <http://www.w3.org/ns/prov#wasGeneratedBy> ?activity .
  }}
}}"""


def registered_sources(store: GraphStore) -> dict[URIRef, RegisteredSource]:
    """The store's current sources, by graph."""
    sources = {}
    for graph, key, sha, kind, activity in store.select(_REGISTRY_QUERY).rows:
        if isinstance(graph, URIRef) and isinstance(activity, URIRef):
            sources[graph] = RegisteredSource(graph, str(key), str(sha), str(kind), activity)
    return sources


def retire_sources(store: GraphStore, graphs: Sequence[URIRef]) -> None:
    """Drop these sources' graphs and registry entries (one update each), then the shared nodes
    nobody points at any more."""
    for graph in graphs:
        store.update(f"DROP SILENT GRAPH {nt_term(graph)} ;\n"
                     f"DELETE WHERE {{ GRAPH {nt_term(iris.SOURCES_GRAPH)} {{ {nt_term(graph)} ?p ?o }} }}")
    collect_shared_garbage(store)


_UNUSED_CODE_GRAPHS = f"""
SELECT DISTINCT ?g WHERE {{
  GRAPH ?g {{ ?code <http://www.w3.org/2004/02/skos/core#inScheme> ?scheme }}
  FILTER(STRSTARTS(STR(?g), "{iris.CODE_GRAPHS}"))
  FILTER NOT EXISTS {{ GRAPH ?h {{ ?x ?p ?code }} FILTER(?h != ?g) }}
}}"""


def collect_shared_garbage(store: GraphStore) -> None:
    """Remove from the shared graphs what no current source points at: a code's graph once no
    page or table is about it or names it, a payer or an activity no source refers to."""
    unused = [row[0] for row in store.select(_UNUSED_CODE_GRAPHS).rows if isinstance(row[0], URIRef)]
    if unused:
        store.drop_graphs(unused)
    for graph, kind in ((iris.PAYERS_GRAPH, CG.Payer), (iris.ACTIVITY_GRAPH, PROV.Activity)):
        kind_term = nt_term(kind)
        store.update(
            f"DELETE {{ GRAPH {nt_term(graph)} {{ ?node ?p ?o }} }} WHERE {{ GRAPH {nt_term(graph)} {{ ?node a {kind_term} ; ?p ?o }}"
            f" FILTER NOT EXISTS {{ GRAPH ?h {{ ?x ?q ?node }} FILTER(?h != {nt_term(graph)}) }} }}"
        )


# -- loading into a store ----------------------------------------------------------------------


@dataclass
class LoadReport:
    """What loading a build changed in a store."""

    new: list[str] = field(default_factory=list)  # source keys
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # in the store, not in this build
    retired: list[str] = field(default_factory=list)
    quads: int = 0  # the store's quads afterwards


def load_into_store(result: BuildResult, store: GraphStore, *, prune: bool = False,
                    progress: ProgressCallback | None = None) -> LoadReport:
    """Make ``store`` hold this build's sources (module docstring: one current version each).
    ``progress`` hears ``(documents done, documents, source key)`` as they go in."""
    report = LoadReport()
    total = len(result.documents)
    done = 0
    if result.include_reference:
        for name, lines in reference_nquads().items():
            store.load_nquads("".join(lines).encode("utf-8"), [name])
        store.load_nquads("".join(dataset_nquads(result.version)).encode("utf-8"), [iris.DATASET_GRAPH])
    _load_extra_graphs(result, store)
    registered = registered_sources(store)
    present = set(store.graph_names())
    activity = iris.extraction_activity_iri(result.version)
    fresh: list[DocumentFacts] = []
    for facts in result.documents:
        key = facts.source.identity
        graph = iris.document_graph_iri(key)
        entry = registered.pop(graph, None)
        if entry is not None and entry.sha256 == facts.source.sha256 and entry.activity == activity and graph in present:
            report.unchanged.append(key)
        elif entry is not None or graph in present:
            entry_lines = "".join(registry_lines(key, facts.source.sha256, SOURCE_KIND_DOCUMENT, activity))
            replace_source(store, graph, result.nquads[key] + entry_lines)
            report.replaced.append(key)
        else:
            fresh.append(facts)
            continue
        done += 1
        if progress:
            progress(done, total, key)
    for start in range(0, len(fresh), BULK_BATCH_DOCUMENTS):
        batch = fresh[start : start + BULK_BATCH_DOCUMENTS]
        keys = [facts.source.identity for facts in batch]
        # The shared graphs' lines go in once, with the first batch: before any new page is
        # registered (so a registered page has them), and not once per page that gives them.
        head = result.nquads.shared_nquads() if start == 0 else b""
        with result.nquads.own_graphs_stream(keys, head) as stream:
            store.bulk_load(stream, [iris.document_graph_iri(key) for key in keys])
        entries = "".join(line for facts in batch
                          for line in registry_lines(facts.source.identity, facts.source.sha256, SOURCE_KIND_DOCUMENT, activity))
        store.load_nquads(entries.encode("utf-8"), [])
        report.new.extend(keys)
        done += len(keys)
        if progress:
            progress(done, total, keys[-1])
    absent = sorted((entry for entry in registered.values() if entry.kind == SOURCE_KIND_DOCUMENT), key=lambda e: e.key)
    report.absent = [entry.key for entry in absent]
    if prune and absent:
        retire_sources(store, [entry.graph for entry in absent])
        report.retired = list(report.absent)
    elif report.replaced:
        collect_shared_garbage(store)
    report.quads = store.triple_count()
    return report


def _load_extra_graphs(result: BuildResult, store: GraphStore) -> None:
    """Large versioned reference graphs: a release already loaded is left alone; older releases
    of the same vocabulary go once the new one is in."""
    present = set(store.graph_names())
    for name, ntriples in result.extra_graphs.items():
        if name not in present:
            suffix = f" {nt_term(name)} .\n"
            nquads = "".join(line[: line.rfind(" .")] + suffix for line in nquad_lines(ntriples) if line.strip())
            store.bulk_load(nquads.encode("utf-8"), [name])
        family = str(name).rsplit("/", 1)[0] + "/"
        older = [other for other in present if str(other).startswith(family) and other != name]
        if older:
            store.drop_graphs(older)


def write_build(result: BuildResult, path: str | Path, fmt: str | None = None) -> int:
    """Write the build to ``path`` (format from its extension unless ``fmt``), atomically, in
    the canonical order. Returns the bytes written."""
    return write_export(path, result.canonical_nquads(), fmt)


def run_metadata(result: BuildResult, started: datetime, ended: datetime) -> bytes:
    """One build run as a PROV activity, with its times, in a named graph of its own
    (``iris.RUN_GRAPHS``) as N-Quads: what ``build --run-metadata FILE`` writes. Kept out of the
    data graphs: they stay byte-identical from run to run, the run's times do not."""
    sources = sorted(facts.source.identity for facts in result.documents)
    run = iris.run_iri(started.isoformat(), "\n".join(sources))
    graph = URIRef(str(iris.RUN_GRAPHS) + str(run).rsplit("/", 1)[-1])
    lines = [
        nquad_line(run, RDF.type, PROV.Activity, graph),
        nquad_line(run, RDFS.label, Literal(f"codegraph build ({len(sources)} sources)", lang="en"), graph),
        nquad_line(run, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime), graph),
        nquad_line(run, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime), graph),
        nquad_line(run, PROV.wasAssociatedWith, iris.agent_iri(result.version), graph),
        nquad_line(run, PROV.wasInformedBy, iris.extraction_activity_iri(result.version), graph),
        nquad_line(run, PROV.generated, iris.DATASET, graph),
    ]
    lines += [nquad_line(run, PROV.used, iris.document_iri(key), graph) for key in sources]
    return "".join(sorted(lines)).encode("utf-8")
