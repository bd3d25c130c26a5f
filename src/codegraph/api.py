"""The public Python API: one function per task, each delegating to the module that does it.

``codegraph`` re-exports these names (``codegraph/__init__.py`` holds the one list). Heavy
modules are imported inside the functions that need them, so ``import codegraph`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from .choices import DEFAULT_ENGINE, STORE_WAIT_SECONDS

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from rdflib import Dataset, Graph, URIRef
    from rdflib.term import Identifier

    from .builder import BuildResult, LoadReport, ProgressCallback
    from .coverage import CoverageAnswer, CoverageMatrix
    from .imports import ImportBatch
    from .model import DocumentFacts
    from .query import QuerySpec
    from .search import SearchHit, SearchIndex
    from .site import SiteSummary
    from .store import GraphStore, OxigraphStore, QueryRows, RemoteStore, StoreLock
    from .store.push import PushReport
    from .store.remote import PushedGraph
    from .validate import ValidationReport
    from .validate.gaps import FacetGap
    from .vocab import VocabularySummary

try:
    __version__ = version("codegraph")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"


# -- read and build -----------------------------------------------------------------------------


def extract_document(path: str | Path) -> DocumentFacts:
    """The facts of one document.

    Raises ``DocumentError`` naming the file (and line) when it cannot be read as a billing-code page.
    """
    from .extract import extract
    from .read import read_document

    return extract(read_document(path))


def build(paths: Iterable[str | Path], include_reference: bool = True, jobs: int = 1,
          progress: ProgressCallback | None = None, *, source_id: str | None = None, icd10cm: bool = False) -> BuildResult:
    """Read every document under ``paths`` (files, or folders of .txt/.md/.html pages) into one
    named graph per source; the result holds each source's N-Quads, the report and the errors.

    A bad document is recorded in ``result.errors`` and the others are still built; what is not a
    readable file is in ``result.skipped``. ``jobs`` > 1 reads in that many processes (same
    result). ``source_id`` names a single file's source (default: its file name, or the URL the
    page states). ``icd10cm`` adds the whole ICD-10-CM scheme. Raises ``DocumentError`` for an
    input path that does not exist.
    """
    from . import builder

    result = builder.build(paths, version=__version__, include_reference=include_reference, jobs=jobs,
                            progress=progress, source_id=source_id)
    if icd10cm:
        from .vocab.icd10cm import RELEASE_GRAPH, icd10cm_ntriples

        result.extra_graphs[RELEASE_GRAPH] = icd10cm_ntriples()
    return result


def load_into_store(result: BuildResult, store: GraphStore, *, prune: bool = False,
                    progress: ProgressCallback | None = None) -> LoadReport:
    """Put a build's sources into ``store``, one current version each: changed sources are
    replaced in one step, unchanged ones left alone, new ones bulk-loaded. Sources the store holds
    that the build did not see are listed in ``report.absent`` and retired when ``prune``.
    ``progress(done, total, key)`` hears each document (or batch of new ones) as it goes in."""
    from .builder import load_into_store as load

    return load(result, store, prune=prune, progress=progress)


def write_build(result: BuildResult, path: str | Path) -> int:
    """Write a build to ``path`` in the format its extension names (.ttl .trig .nt .nq .jsonld
    .rdf), atomically. Returns the bytes written. Raises ``OutputError`` when it cannot be written."""
    from .builder import write_build as write

    return write(result, path)


def write_run_metadata(result: BuildResult, path: str | Path, started: datetime, ended: datetime) -> int:
    """Write one build run (a PROV activity with its times, the sources it used, the codegraph
    agent) to ``path`` in the format its extension names. Returns the bytes written."""
    from .builder import run_metadata
    from .export import write_export

    return write_export(path, [run_metadata(result, started, ended)])


def linked_data_front(query_url: str, host: str, port: int, site: str | Path | None = None) -> ThreadingHTTPServer:
    """An HTTP server on ``host:port`` that answers GETs on codegraph IRIs (a code, a node, the
    ontology, the JSON-LD context) by content negotiation from the SPARQL server at ``query_url``
    (the store's), and proxies everything else to that server (``resolve.py``). Call
    ``serve_forever`` on it; ``site`` is a folder written by ``codegraph site`` (code pages as HTML)."""
    from .resolve import serve_front

    backend = query_url.rsplit("/query", 1)[0]
    return serve_front(open_endpoint(query_url), backend, host, port, Path(site) if site else None)


def reference_graphs() -> dict[URIRef, Graph]:
    """The ontology and the shipped code sets, each as its own named graph (IRI -> rdflib Graph)."""
    from .reference import reference_graphs as graphs

    return graphs()


# -- stores -------------------------------------------------------------------------------------


def open_store(path: str | Path, *, create: bool = False, read_only: bool = False,
               timeout: float | None = STORE_WAIT_SECONDS) -> OxigraphStore:
    """The embedded store in the folder ``path``. Raises ``StoreNotFoundError`` when no store is
    there, unless ``create=True`` (then an empty store is made).

    ``read_only=True`` opens it for reading beside any number of other readers (processes or
    handles); otherwise the handle is the store's one writer. The open waits up to ``timeout``
    seconds (None: no limit) while another codegraph process writes the store (for a writer:
    also while others read it), then raises ``StoreBusyError``; a writer raises it at once while
    ``codegraph serve`` serves the store. A read-only handle raises ``StoreReadOnlyError`` on a
    write. ``close()`` the store (or use it in a ``with`` block) to let the others in."""
    from .store import open_store as open_

    return open_(path, create=create, read_only=read_only, timeout=timeout)


def hold_store(path: str | Path, *, write: bool = False, timeout: float | None = STORE_WAIT_SECONDS) -> StoreLock:
    """Hold the store folder ``path`` for a server this process is about to exec (it inherits
    the locks: ``StoreLock.keep_across_exec``): for reading beside other readers, while writers
    refuse at once, or with ``write`` as its one writer. Raises ``StoreNotFoundError`` and
    ``StoreBusyError`` as ``open_store`` does."""
    from .store import hold_store as hold

    return hold(path, write=write, timeout=timeout)


def open_graph_file(path: str | Path) -> GraphStore:
    """An RDF file (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) as a store in memory.
    Raises ``GraphInputError`` naming the file when it cannot be parsed."""
    from .store import MemoryStore

    return MemoryStore.from_file(path)


# -- validate, query, answer --------------------------------------------------------------------


def validate_graph(source: Dataset | Graph | GraphStore, engine: str = DEFAULT_ENGINE, as_of: date | None = None,
                   jobs: int | None = None, progress: ProgressCallback | None = None) -> ValidationReport:
    """Check a graph (or a whole store) against the shapes in ``ontology/shapes``.

    ``engine``: "fast" (the default native engine, same answers as pySHACL), "pyshacl" or
    "shifty". ``as_of``: the date time-dependent shapes judge against (default today).
    ``jobs``: cores for a large embedded store, checked in parts (default all); ``progress(done,
    total, part)`` hears each part finish (a store small enough to check whole reports nothing).
    An embedded store's report is kept beside it: checking the same data again with the same
    engine, day, shapes and code sets answers from it (``validate/kept.py``).
    Raises ``EngineError`` for an unknown engine.
    """
    from rdflib import Dataset, Graph

    from .validate import validate_dataset, validate_store
    from .validate.kept import validated

    if isinstance(source, (Dataset, Graph)):
        return validate_dataset(source, engine=engine, as_of=as_of)
    day = as_of or date.today()
    return validated(source, engine, day, lambda: validate_store(source, engine=engine, as_of=day, jobs=jobs, progress=progress))


def run_named_query(source: GraphStore, name: str, params: Mapping[str, str | Identifier] | None = None) -> QueryRows:
    """Run the catalog query ``name`` (``codegraph query list``) with bound parameters.
    Raises ``QueryError`` for an unknown query or parameter, or a value of the wrong type."""
    from .query import run_query

    return run_query(source, name, params)


def check_coverage(source: GraphStore, code: str, payer: str, *, on: date | None = None, diagnosis: str | None = None,
                   place_of_service: str | None = None, line_of_business: str | None = None) -> CoverageAnswer:
    """Is ``code`` covered by ``payer`` (for this diagnosis, place of service, line of business
    and date; default today)? The answer is covered, not-covered, conditional, conflict or
    unknown, with prior authorization, the assertions used and those set aside, each with its
    source. Raises ``QueryError`` for a value that is not a code, diagnosis or line of business,
    and a ``NotFoundError`` (``UnknownCodeError``, ``UnknownPayerError``,
    ``UnknownPlaceOfServiceError``, ``UnknownDiagnosisError``) with the closest matches for a code,
    payer, place of service or diagnosis the graph does not hold."""
    from .coverage import check_coverage as check

    return check(source, code, payer, on=on, diagnosis=diagnosis, place_of_service=place_of_service,
                 line_of_business=line_of_business)


def coverage_matrix(source: GraphStore, *, on: date | None = None, code: str | None = None,
                    payer: str | None = None) -> CoverageMatrix:
    """The code × payer × line of business coverage matrix on ``on`` (default today), each cell
    decided by the same rule as ``check_coverage``; ``matrix.disagreements()`` lists the codes
    where payers disagree. Raises ``UnknownCodeError``/``UnknownPayerError`` for a code or payer
    the graph does not hold."""
    from .coverage import coverage_matrix as matrix

    return matrix(source, on=on, code=code, payer=payer)


# -- import ---------------------------------------------------------------------------------------


def import_payer_policy(paths: Iterable[str | Path], *, source_id: str | None = None) -> ImportBatch:
    """Read payer policy CSV files (format: ``docs/imports.md``), each into its own named graph,
    keyed by its file name (``source_id`` names a single file's source instead), so importing an
    edited table again replaces it.

    A bad row is a ``RowError`` (file, line, column, reason) in ``batch.errors``; the good rows
    are still read.
    """
    from .imports import import_payer_policies

    return import_payer_policies([Path(path) for path in paths], __version__, source_id)


def import_mcd(folder: str | Path, *, source_id: str | None = None) -> ImportBatch:
    """Read an unzipped CMS Medicare Coverage Database "current articles" export into one named
    graph. There is one current MCD: a newer export replaces the one imported before."""
    from .imports import import_mcd_articles

    return import_mcd_articles(Path(folder), __version__, source_id)


def import_dataset(batch: ImportBatch, include_reference: bool = True) -> Dataset:
    """An import's graphs as an rdflib dataset (with the ontology and code sets unless told not to)."""
    from rdflib import Dataset

    from .rdf.namespaces import bind_prefixes
    from .reference import reference_graphs as graphs

    dataset = bind_prefixes(Dataset(default_union=True))
    for name, graph in (graphs() if include_reference else {}).items():
        dataset.graph(name).__iadd__(graph)
    return add_import(dataset, batch)


def add_import(dataset: Dataset, batch: ImportBatch) -> Dataset:
    """Add an import's graphs (its own and the shared ones) to ``dataset``, next to what a build
    put there; returns ``dataset``."""
    for graphs in (batch.graphs, batch.shared):
        for name, graph in graphs.items():
            dataset.graph(name).__iadd__(graph)
    return dataset


def write_import(batch: ImportBatch, path: str | Path, include_reference: bool = True) -> int:
    """Write an import to ``path`` in the format its extension names, atomically, in the canonical
    order (with the ontology and code sets unless told not to): the bytes an export of a store
    holding just this import writes. Returns the bytes written; a large table is sorted on disk,
    never held in memory whole."""
    from .export import write_export

    return write_export(path, batch.canonical_nquads(include_reference))


def load_import_into_store(batch: ImportBatch, store: GraphStore, include_reference: bool = True,
                           progress: ProgressCallback | None = None) -> None:
    """Put an import into ``store``: each imported table replaces the previous import of the same
    source in one step (its graph and its registry entry); the shared graphs gain its nodes.
    ``progress(done, total, source)`` hears each imported source go in."""
    from .imports import load_import

    load_import(batch, store, include_reference=include_reference, progress=progress)


# -- export and publish ------------------------------------------------------------------------


def export_graph(source: GraphStore, fmt: str = "turtle", *, progress: ProgressCallback | None = None) -> bytes:
    """The whole of ``source`` in ``fmt`` (turtle, trig, nt, nquads, jsonld, rdfxml). N-Quads,
    N-Triples and Turtle are byte-stable: two exports of one graph are the same bytes.
    ``progress(done, total, graph)`` hears each named graph read. Raises ``GraphInputError`` for
    an unknown format."""
    from .export import export_store

    return export_store(source, fmt, progress=progress)


def serialize(dataset: Dataset | Graph, fmt: str) -> bytes:
    """An rdflib dataset in ``fmt``, in the same order an export of a store writes."""
    from .export import serialize as write

    return write(dataset, fmt)


def write_graph(dataset: Dataset | Graph, path: str | Path) -> int:
    """Write ``dataset`` to ``path`` in the format its extension names, atomically."""
    from .export import write_graph as write

    return write(dataset, path)


def write_atomically(path: str | Path, data: bytes) -> int:
    """Write bytes to ``path`` whole or not at all, with the user's umask. Raises ``OutputError``."""
    from .files import write_atomically as write

    return write(path, data)


def code_neighbourhood(source: GraphStore, code: str) -> Dataset:
    """One code's neighbourhood (the code, its facts and coverage assertions, their evidence, the
    documents, payers and policies) as a dataset keeping each triple's named graph: what
    ``codegraph export --code`` writes. Raises ``QueryError`` when the graph has no such code."""
    from .export import code_neighbourhood as neighbourhood

    return neighbourhood(source, code)


def build_site(source: Dataset | GraphStore, output: str | Path, *, engine: str = DEFAULT_ENGINE,
               as_of: date | None = None, diagrams: bool = True, source_label: str | None = None,
               report: ValidationReport | None = None, progress: ProgressCallback | None = None,
               jobs: int | None = None) -> SiteSummary:
    """Write a static, self-contained site of the graph to the folder ``output``: an index of the
    codes, a page per code (facts, coverage, gaps, neighbourhood diagram, the source text with each
    fact's evidence marked), the coverage matrix and the validation report.

    Every page comes from the graph through the query library, so a site built from a remote
    endpoint shows what one built from a file does. The folder is replaced whole or not at all; a
    folder that holds other files is refused (``SiteOutputError``). ``engine`` and ``as_of`` are
    those of ``validate_graph`` (or pass the ``report`` of a run already made); ``diagrams=False``
    leaves out the neighbourhood diagrams; ``progress(done, total, code)`` hears each code page written.
    ``jobs``: cores for the validation run and for rendering the code pages (default all).
    """
    from rdflib import Dataset

    from .site import build_site as write_site
    from .site import check_output
    from .store import MemoryStore

    check_output(Path(output))  # refuse a folder of someone's files before the validation run, not after
    store = MemoryStore(source) if isinstance(source, Dataset) else source
    if report is None:
        report = validate_graph(store, engine=engine, as_of=as_of, jobs=jobs)
    return write_site(store, output, report=report, version=__version__,
                      source_label=source_label or type(store).__name__, diagrams=diagrams, progress=progress, jobs=jobs)


# -- what the command line needs besides ---------------------------------------------------------


def check_build(result: BuildResult, engine: str = DEFAULT_ENGINE, as_of: date | None = None) -> ValidationReport:
    """Check exactly the graph a build writes (in a scratch store in memory), with the same shapes
    ``validate_graph`` applies: the gate ``build --fail-on`` uses when it writes only a file."""
    from .builder import load_into_store as load
    from .store import OxigraphStore

    with OxigraphStore.in_memory() as scratch:
        load(result, scratch)
        return validate_graph(scratch, engine=engine, as_of=as_of)


def missing_facets(source: GraphStore, code: str | None = None) -> list[FacetGap]:
    """Per code (or for one code), the facets no source supplies, and whether the sources declare them unavailable."""
    from .validate.gaps import facet_gaps

    return facet_gaps(source, code)


def list_queries() -> list[QuerySpec]:
    """The catalog queries (``queries/``), by name."""
    from .query import load_catalog

    return [spec for _name, spec in sorted(load_catalog().items())]


def format_query_rows(rows: QueryRows, fmt: str, *, width: int | None = None, raw: bool = False, bom: bool = False) -> str:
    """Query rows as text: ``table`` (fitted to ``width`` columns, default the terminal's; long
    cells cut, control characters escaped), ``csv`` or ``json`` (every value whole). CSV cells a
    spreadsheet would run as formulas get a leading ``'`` unless ``raw``; ``bom`` starts CSV with
    a byte order mark for Excel."""
    from .query import format_rows

    return format_rows(rows, fmt, width=width, raw=raw, bom=bom)


def query_rows_xlsx(rows: QueryRows, *, title: str = "results", raw: bool = False) -> bytes:
    """Query rows as an xlsx workbook: a bold header row frozen at the top, filter buttons, columns
    sized to their content; numbers and dates typed, no cell ever a formula."""
    from .query import rows_xlsx

    return rows_xlsx(rows, title=title, raw=raw)


# -- finding things -------------------------------------------------------------------------------


def search_index(source: GraphStore) -> SearchIndex:
    """Every code, payer (with its aliases), policy, clinical concept and anatomical structure
    (with their synonyms) of the graph, searchable: ``index.find(text)``, ``index.suggest(text)``.
    An embedded store keeps its index beside its data until the store changes."""
    from .search import search_index as index_of

    return index_of(source)


def find(source: GraphStore, text: str, *, limit: int = 20, kinds: Iterable[str] | None = None) -> list[SearchHit]:
    """What in the graph ``text`` names, best first: codes (exact or prefix notation, or their
    title), payers (or an alias: "UHC"), policies, clinical concepts and anatomy (or a synonym),
    fuzzily ("cigan" finds Cigna). ``kinds`` limits it to some of code, payer, policy, concept,
    anatomy. Each ``SearchHit`` says how it matched and how many codes the entry concerns."""
    return search_index(source).find(text, limit=limit, kinds=list(kinds) if kinds is not None else None)


def suggest(text: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """The ``choices`` closest to ``text``, best first: a "did you mean" for a refusal
    (``suggest("Cigan", ["Aetna", "Cigna"])`` is ``["Cigna"]``)."""
    from .search import suggest as closest

    return closest(text, choices, limit=limit)


def open_endpoint(query_url: str, update_url: str | None = None, gsp_url: str | None = None, *, timeout: float = 60.0,
                  retries: int = 3, union_default_graph: bool | None = None, max_answer_mb: int = 512) -> RemoteStore:
    """A SPARQL 1.1 server as a store (credentials from ``CODEGRAPH_ENDPOINT_TOKEN`` or
    ``CODEGRAPH_ENDPOINT_USER``/``PASSWORD``). ``timeout`` bounds each whole request (retries
    included), ``max_answer_mb`` each answer. Raises ``EndpointError`` for a URL that is not
    http(s) or holds a user or password."""
    from .store import RemoteStore

    return RemoteStore.at(query_url, update_url, gsp_url, timeout=timeout, retries=retries,
                          union_default_graph=union_default_graph, max_answer_bytes=max_answer_mb * 1024 * 1024)


def push(source: GraphStore, remote: RemoteStore, graphs: Iterable[str] | None = None, *, chunk_triples: int = 50_000,
         on_graph: Callable[[PushedGraph], None] | None = None, progress: ProgressCallback | None = None,
         replace_all: bool = False) -> PushReport:
    """Send ``source``'s named graphs (or only ``graphs``) to ``remote``, each replaced all or
    nothing, except those the server already holds exactly so (unless ``replace_all``); pushing
    everything also drops the codegraph graphs the server holds that the source does not. Raises
    ``GraphInputError`` for a graph name that is not an IRI or not in the source, ``EndpointError``
    when the server fails (the graphs not yet swapped keep their old version). ``on_graph``
    hears each graph's ``PushedGraph``; ``progress(done, total, graph)`` counts them."""
    from .store.push import push as send
    from .store.remote import graph_iri

    names = [graph_iri(text) for text in graphs] if graphs else None
    return send(source, remote, names, chunk_triples=chunk_triples, on_graph=on_graph, progress=progress,
                replace_all=replace_all)


def vocabularies() -> list[VocabularySummary]:
    """The reference code sets codegraph ships or can load: name, size, title and source."""
    from .vocab import vocabulary_summaries

    return vocabulary_summaries()


def export_vocabulary(name: str, fmt: str = "turtle") -> bytes:
    """The code set ``name`` (see ``vocabularies()``) in ``fmt``. Raises ``NotFoundError`` for an unknown name."""
    from .export import convert_nquads
    from .vocab import vocabulary_nquads

    return b"".join(convert_nquads([vocabulary_nquads(name)], fmt))
