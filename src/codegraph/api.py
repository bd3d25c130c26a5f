"""The public Python API: read, build, validate, query and export."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier

from .coverage import check_coverage  # re-exported: part of the public API
from .errors import DocumentError, GraphInputError
from .extract import extract
from .model import DocumentFacts
from .rdf import bind_prefixes, facts_to_graph
from .rdf.mapper import facts_to_named_graphs, facts_to_nquads, nt_term
from .rdf.iris import document_graph_iri
from .rdf.namespaces import ID, PREFIXES
from .read import read_document
from .store import GraphStore, MemoryStore, OxigraphStore, QueryRows, open_store, rdf_format_for
from .store import RemoteStore
from .validate import ValidationReport, ontology_graph, validate_dataset
from .validate.engine import validate_store
from .vocab import available_schemes, scheme_graph

if TYPE_CHECKING:  # imported where used, so 'codegraph build' does not pay for them
    from .imports import ImportBatch
    from .site import SiteSummary

try:
    __version__ = version("codegraph")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"

DOCUMENT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
ONTOLOGY_GRAPH = ID["graph/ontology"]
BULK_BATCH_DOCUMENTS = 1000


def extract_document(path: str | Path) -> DocumentFacts:
    """The facts of one document. Raises ``DocumentError`` naming the file (and line) on bad input."""
    return extract(read_document(path))


def document_graph(facts: DocumentFacts) -> Graph:
    """The named graph of one document's facts."""
    return facts_to_graph(facts, __version__)


def collect_documents(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the documents found under folders, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise DocumentError(path, "no such file or folder")
    return found


@dataclass
class DocumentStatus:
    """One line of the build report."""

    path: str
    status: str  # "built" | "failed" | "duplicate"
    code: str | None = None
    sha256: str | None = None
    graph: str | None = None
    duplicate_of: str | None = None
    error: str | None = None
    line: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    """What a build read. Each document's named graph is kept as N-Quads text (what a store
    bulk-loads); ``dataset`` makes the rdflib form on first use, for files and small jobs."""

    documents: list[DocumentFacts] = field(default_factory=list)
    nquads: dict[str, str] = field(default_factory=dict)  # document sha256 -> its named graph
    errors: list[DocumentError] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, path of the same content)
    report: list[DocumentStatus] = field(default_factory=list)
    include_reference: bool = True
    # Large reference graphs (the ICD-10-CM scheme) as N-Triples text, by named graph.
    extra_graphs: dict[URIRef, str] = field(default_factory=dict)
    _dataset: Dataset | None = field(default=None, repr=False)
    _extra_loaded: set[URIRef] = field(default_factory=set, repr=False)

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            dataset = bind_prefixes(Dataset(default_union=True))
            for facts in self.documents:
                for name, triples in facts_to_named_graphs(facts, __version__).items():
                    graph = dataset.graph(name)
                    for triple in triples:
                        graph.add(triple)
            if self.include_reference:
                for name, reference in reference_graphs().items():
                    graph = dataset.graph(name)
                    for triple in reference:
                        graph.add(triple)
            self._dataset = dataset
        for name, ntriples in self.extra_graphs.items():  # added after the first use, too
            if name not in self._extra_loaded:
                self._dataset.graph(name).parse(data=ntriples, format="nt")
                self._extra_loaded.add(name)
        return self._dataset

    @property
    def codes(self) -> list[str]:
        return sorted({f"{d.code.system} {d.code.code}" for d in self.documents})

    def triple_count(self) -> int:
        """Quads in the build: each document graph's, plus the reference graphs'."""
        documents = sum(text.count("\n") for text in [*self.nquads.values(), *self.extra_graphs.values()])
        reference = sum(len(graph) for graph in reference_graphs().values()) if self.include_reference else 0
        return documents + reference

    def report_json(self) -> dict:
        return {
            "documents": len(self.report),
            "built": len(self.documents),
            "failed": len(self.errors),
            "duplicates": len(self.duplicates),
            "items": [asdict(item) for item in self.report],
        }


def reference_graphs() -> dict[URIRef, Graph]:
    """The ontology and the shipped code sets, each as its own named graph."""
    graphs: dict[URIRef, Graph] = {ONTOLOGY_GRAPH: ontology_graph()}
    for name in available_schemes():
        graph = scheme_graph(name)
        graphs[graph.identifier] = graph
    return graphs


def _read_one(path: Path) -> tuple[DocumentFacts, str] | DocumentError:
    """Worker body: the facts and their N-Quads, or the error as a value, so one bad page never
    stops the others."""
    try:
        facts = extract_document(path)
    except DocumentError as error:
        return error
    return facts, facts_to_nquads(facts, __version__)


ProgressCallback = Callable[[int, int, str], None]


def _read_all(paths: list[Path], jobs: int, progress: ProgressCallback | None) -> list[tuple[DocumentFacts, str] | DocumentError]:
    if jobs <= 1 or len(paths) < 2:
        results = []
        for done, path in enumerate(paths, start=1):
            results.append(_read_one(path))
            if progress:
                progress(done, len(paths), str(path))
        return results
    # Reading and mapping are pure Python and CPU bound: processes, not threads, use every core.
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = []
        chunk = max(1, min(64, len(paths) // (jobs * 4) or 1))
        for done, result in enumerate(pool.map(_read_one, paths, chunksize=chunk), start=1):
            results.append(result)
            if progress:
                progress(done, len(paths), str(paths[done - 1]))
        return results


def build(
    paths: Iterable[str | Path],
    include_reference: bool = True,
    jobs: int = 1,
    progress: ProgressCallback | None = None,
) -> BuildResult:
    """Read every document under ``paths``: one named graph per document.

    A bad document is recorded in ``errors`` (and the report) and the others are still built.
    The same page saved twice (same words, any file name) is built once. ``jobs`` > 1 reads the
    documents in that many processes; the result is the same as with one.
    """
    result = BuildResult(include_reference=include_reference)
    seen: dict[str, str] = {}
    documents = collect_documents(paths)
    for path, outcome in zip(documents, _read_all(documents, jobs, progress)):
        if isinstance(outcome, DocumentError):
            result.errors.append(outcome)
            result.report.append(DocumentStatus(str(path), "failed", error=outcome.reason, line=outcome.line))
            continue
        facts, nquads = outcome
        key = facts.source.content_sha256 or facts.source.sha256
        if key in seen:
            result.duplicates.append((str(path), seen[key]))
            result.report.append(DocumentStatus(str(path), "duplicate", code=facts.code.code, sha256=facts.source.sha256, duplicate_of=seen[key]))
            continue
        seen[key] = str(path)
        result.documents.append(facts)
        result.nquads[facts.source.sha256] = nquads
        result.report.append(
            DocumentStatus(str(path), "built", code=f"{facts.code.system} {facts.code.code}", sha256=facts.source.sha256,
                           graph=str(document_graph_iri(facts.source.sha256)), warnings=list(facts.warnings))
        )
    return result


def load_into_store(result: BuildResult, store: GraphStore) -> None:
    """Put each document's named graph (and the reference graphs) into ``store``.

    A document graph the store already holds is replaced in one transaction. Graphs new to the
    store go in through the Oxigraph bulk loader in one call (much faster; if it fails, the new
    graphs are dropped again, so the store keeps what it had).
    """
    if result.include_reference:
        for name, graph in reference_graphs().items():
            store.replace_graph(name, graph)
    existing = set(store.graph_names())
    fresh: list[str] = []
    for facts in result.documents:
        name = document_graph_iri(facts.source.sha256)
        if name in existing or not isinstance(store, OxigraphStore):
            for graph_name, triples in facts_to_named_graphs(facts, __version__).items():
                if graph_name == name:
                    graph = Graph(identifier=graph_name)
                    for triple in triples:
                        graph.add(triple)
                    store.replace_graph(graph_name, graph)
                else:  # shared graphs (code, payers, activity) only ever gain the same triples
                    store.add_triples(graph_name, triples)
        else:
            fresh.append(facts.source.sha256)
    for name, ntriples in result.extra_graphs.items():
        if name in existing:
            continue  # versioned graph names: the same release is already loaded
        if isinstance(store, OxigraphStore):
            store.bulk_load_graph(name, ntriples)
        else:
            graph = Graph(identifier=name)
            store.replace_graph(name, graph.parse(data=ntriples, format="nt"))
    # In batches, so the text handed to the loader at once stays small (peak memory).
    for start in range(0, len(fresh), BULK_BATCH_DOCUMENTS):
        batch = fresh[start : start + BULK_BATCH_DOCUMENTS]
        assert isinstance(store, OxigraphStore)
        store.bulk_load_nquads("".join(result.nquads[sha] for sha in batch), [document_graph_iri(sha) for sha in batch])


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure leaves the old file whole."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


EXPORT_FORMATS = {"turtle": "turtle", "ttl": "turtle", "trig": "trig", "nt": "nt", "nquads": "nquads", "nq": "nquads", "jsonld": "json-ld", "json-ld": "json-ld"}


def serialize(dataset: Dataset, fmt: str) -> bytes:
    """Serialise a dataset; triple formats (Turtle, N-Triples) get the union of its graphs."""
    if fmt not in EXPORT_FORMATS:
        raise GraphInputError(f"unknown format {fmt!r}; use one of {', '.join(sorted(set(EXPORT_FORMATS)))}")
    rdflib_format = EXPORT_FORMATS[fmt]
    if rdflib_format in ("nt", "nquads"):
        # Sorted lines written by one term writer: byte-stable, and equal to a build's fast path.
        return _sorted_lines(_quad_lines(dataset.quads((None, None, None, None)), with_graph=rdflib_format == "nquads"))
    if rdflib_format == "turtle":
        union = bind_prefixes(Graph())
        for s, p, o, _g in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        data = union.serialize(format=rdflib_format)
    else:
        data = dataset.serialize(format=rdflib_format)
    return data.encode("utf-8")


def export_source(source: GraphStore, fmt: str) -> bytes:
    """The whole of ``source`` (a store or a file) in ``fmt``, as ``serialize`` writes it.

    The embedded store's N-Quads, N-Triples and Turtle come from its own bulk dump rather than
    an rdflib dataset: the same bytes, ~7x faster for N-Quads and far less memory (README,
    Performance)."""
    rdflib_format = EXPORT_FORMATS.get(fmt)
    if not isinstance(source, OxigraphStore) or rdflib_format not in ("nquads", "nt", "turtle"):
        return serialize(source.to_dataset(), fmt)
    # Triple formats get the union of the graphs; _sorted_lines drops the repeats.
    quads = source.dump_nquads() if rdflib_format == "nquads" else source.dump_ntriples()
    data = _sorted_lines(line + "\n" for line in quads.decode("utf-8").splitlines())
    if rdflib_format != "turtle":
        return data
    # Sorted N-Triples put each subject's triples together, so the Turtle writer groups them.
    triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={name: str(ns) for name, ns in PREFIXES.items()})


def _quad_lines(quads, with_graph: bool):
    for s, p, o, g in quads:
        graph = g.identifier if isinstance(g, Graph) else g
        if with_graph and isinstance(graph, URIRef):
            yield f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {graph.n3()} .\n"
        else:
            yield f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"


def _sorted_lines(lines) -> bytes:
    return "".join(sorted(set(lines))).encode("utf-8")


def write_build(result: BuildResult, path: str | Path) -> None:
    """Write a build to ``path``; N-Quads and N-Triples come straight from the documents' N-Quads
    (no rdflib dataset), other formats through rdflib."""
    fmt = rdf_format_for(path)
    if fmt not in ("nquads", "nt"):
        write_graph(result.dataset, path)
        return
    lines: list[str] = []
    for text in result.nquads.values():
        lines.extend(line + "\n" for line in text.splitlines())
    if fmt == "nt":
        lines = [line.rsplit(" ", 2)[0] + " .\n" for line in lines]  # drop the graph name
    if result.include_reference:
        for name, graph in reference_graphs().items():
            lines.extend(_quad_lines(((s, p, o, name) for s, p, o in graph), with_graph=fmt == "nquads"))
    for name, ntriples in result.extra_graphs.items():
        suffix = f" {name.n3()} .\n" if fmt == "nquads" else " .\n"
        lines.extend(line[: line.rfind(" .")] + suffix for line in ntriples.splitlines() if line)
    write_atomically(path, _sorted_lines(lines))


def write_graph(dataset: Dataset, path: str | Path) -> None:
    """Write ``dataset`` to ``path`` in the format its extension names, atomically."""
    fmt = rdf_format_for(path)
    write_atomically(path, serialize(dataset, {"json-ld": "jsonld", "xml": "turtle"}.get(fmt, fmt)))


def validate_graph(source: Dataset | Graph | GraphStore, engine: str = "fast", as_of: date | None = None,
                   jobs: int | None = None) -> ValidationReport:
    """Check a graph (or a whole store) against the shapes in ``ontology/shapes``.

    ``engine``: "fast" (the default native engine, same answers as pySHACL), "pyshacl" or
    "shifty". ``as_of``: the date time-dependent shapes judge against (default today).
    ``jobs``: cores for an embedded store of more than 1,000 pages, checked in parts (default all).
    """
    if isinstance(source, (Dataset, Graph)):
        return validate_dataset(source, engine=engine, as_of=as_of)
    if isinstance(source, OxigraphStore):
        return validate_store(source, engine=engine, as_of=as_of, jobs=jobs)
    return validate_dataset(source.to_dataset(), engine=engine, as_of=as_of)


def run_named_query(source: GraphStore, name: str, params: Mapping[str, str | Identifier] | None = None) -> QueryRows:
    """Run the catalog query ``name`` with bound parameters."""
    from .query import run_query

    return run_query(source, name, params)


def import_payer_policy(paths: Iterable[str | Path]) -> ImportBatch:
    """Read payer policy CSV files (format: ``docs/imports.md``), each into its own named graph.

    A bad row is a ``RowError`` (file, line, column, reason) in ``batch.errors``; the good rows
    are still read.
    """
    from .imports import import_payer_policies

    return import_payer_policies([Path(path) for path in paths], __version__)


def import_mcd(folder: str | Path) -> ImportBatch:
    """Read an unzipped CMS Medicare Coverage Database "current articles" export into one named graph."""
    from .imports import import_mcd_articles

    return import_mcd_articles(Path(folder), __version__)


def import_dataset(batch: ImportBatch, include_reference: bool = True) -> Dataset:
    """An import's graphs as a dataset (with the ontology and code sets unless told not to)."""
    dataset = bind_prefixes(Dataset(default_union=True))
    _add_graphs(dataset, reference_graphs() if include_reference else {})
    return add_import(dataset, batch)


def add_import(dataset: Dataset, batch: ImportBatch) -> Dataset:
    """Add an import's graphs (its own and the shared ones) to ``dataset``, next to what a build
    put there; returns ``dataset``."""
    _add_graphs(dataset, batch.graphs)
    _add_graphs(dataset, batch.shared)
    return dataset


def _add_graphs(dataset: Dataset, graphs: Mapping[URIRef, Graph]) -> None:
    for name, graph in graphs.items():
        target = dataset.graph(name)
        for triple in graph:
            target.add(triple)


def load_import_into_store(batch: ImportBatch, store: GraphStore, include_reference: bool = True) -> None:
    """Replace each import's named graph in ``store`` (one transaction each); add to the shared ones."""
    if include_reference:
        for name, graph in reference_graphs().items():
            store.replace_graph(name, graph)
    for name, graph in batch.graphs.items():
        store.replace_graph(name, graph)
    for name, graph in batch.shared.items():
        store.add_triples(name, graph)


def code_neighbourhood(source: GraphStore, code: str) -> Dataset:
    """One code's neighbourhood (the code, its facts and coverage assertions, their evidence, the
    documents, payers and policies) as a dataset keeping each triple's named graph: what
    ``codegraph export --code`` writes. Raises ``QueryError`` when the graph has no such code."""
    from .errors import QueryError
    from .query import run_query

    rows = run_query(source, "code-neighbourhood", {"code": code})
    if not rows.rows:
        raise QueryError(f"no code {code!r} in the graph; give a code's notation as the build summary prints it, e.g. 1001T or J7321")
    dataset = bind_prefixes(Dataset(default_union=True))
    for s, p, o, g in rows.rows:
        dataset.graph(g).add((s, p, o))
    return dataset


def build_site(
    source: Dataset | GraphStore,
    output: str | Path,
    *,
    engine: str = "fast",
    as_of: date | None = None,
    diagrams: bool = True,
    source_label: str | None = None,
) -> SiteSummary:
    """Write a static, self-contained site of the graph to the folder ``output``: an index of the
    codes, a page per code (facts, coverage, gaps, neighbourhood diagram, the source text with each
    fact's evidence marked), the coverage matrix and the validation report.

    Every page comes from the graph through the query library, so a site built from a remote
    endpoint shows what one built from a file does. The folder is replaced whole or not at all; a
    folder that holds other files is refused (``SiteOutputError``). ``engine`` and ``as_of`` are
    those of ``validate_graph``; ``diagrams=False`` skips Graphviz.
    """
    from .site import build_site as write_site
    from .site import check_output

    check_output(Path(output))  # refuse a folder of someone's files before the validation run, not after
    store = MemoryStore(source) if isinstance(source, Dataset) else source
    report = validate_graph(store, engine=engine, as_of=as_of)
    return write_site(store, output, report=report, version=__version__, diagrams=diagrams,
                      source_label=source_label or type(store).__name__)


__all__ = [
    "BuildResult",
    "DocumentStatus",
    "GraphStore",
    "MemoryStore",
    "OxigraphStore",
    "QueryRows",
    "RemoteStore",
    "build",
    "build_site",
    "check_coverage",
    "code_neighbourhood",
    "collect_documents",
    "document_graph",
    "extract_document",
    "add_import",
    "import_dataset",
    "import_mcd",
    "import_payer_policy",
    "load_import_into_store",
    "load_into_store",
    "open_store",
    "run_named_query",
    "reference_graphs",
    "serialize",
    "validate_graph",
    "write_atomically",
    "write_build",
    "write_graph",
]
