"""codegraph: billing-code overview documents into a validated, queryable RDF knowledge graph.

Read pages into one named graph per source (``build``), keep them in a store (``open_store``,
``load_into_store``), check them against the SHACL shapes (``validate_graph``), ask the query
library and the coverage check (``run_named_query``, ``check_coverage``), and write the graph out
(``export_graph``, ``build_site``). ``help(codegraph.<name>)`` documents each.

The names are imported on first use (PEP 562), so ``codegraph --help`` does not pay for rdflib.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [  # the one list of public names
    "__version__", "BuildResult", "CatalogError", "CellProblem", "CodegraphError", "CoverageAnswer", "CoverageMatrix",
    "DocumentError", "DocumentFacts", "DocumentStatus", "EndpointError", "EngineError", "Evidence", "FacetGap",
    "Finding", "GraphInputError", "GraphStore", "ImportBatch", "LoadReport", "MatrixCell", "MemoryStore",
    "NotFoundError", "OutputError", "OxigraphStore", "PayerDisagreement", "PushReport", "PushedGraph", "QueryError",
    "QueryRows", "QuerySpec", "RemoteStore", "ResourceError", "RowError", "SearchEntry", "SearchHit", "SearchIndex",
    "SiteOutputError", "SiteSummary", "Skipped", "StoreBusyError", "StoreLock", "StoreNotFoundError",
    "StoreReadOnlyError", "UnknownCodeError", "UnknownDiagnosisError", "UnknownPayerError",
    "UnknownPlaceOfServiceError", "UnknownQueryError", "ValidationReport", "VocabularySummary", "add_import", "build",
    "build_site", "check_build", "check_coverage", "code_neighbourhood", "coverage_matrix", "export_graph",
    "export_vocabulary", "extract_document", "find", "format_query_rows", "hold_store", "import_dataset",
    "import_mcd", "import_payer_policy", "list_queries", "load_import_into_store",
    "load_into_store", "missing_facets", "open_endpoint", "open_graph_file", "open_store", "push", "query_rows_xlsx",
    "reference_graphs", "run_named_query", "search_index", "serialize", "suggest", "validate_graph", "vocabularies",
    "write_atomically", "write_build", "write_graph", "write_import", "write_run_metadata",
]
# Where a public name is defined: the first of these modules that has it (api first: it is light).
_HOMES = ("api", "errors", "builder", "store", "store.push", "store.remote", "validate", "validate.gaps", "query",
          "coverage", "imports", "site", "model", "vocab", "search")


def __getattr__(name: str) -> Any:
    if name in __all__:
        for home in _HOMES:
            module = import_module(f".{home}", __name__)
            if name in vars(module):
                value = vars(module)[name]
                globals()[name] = value  # once found, a plain attribute
                return value
    raise AttributeError(f"module 'codegraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .api import (
        __version__,
        add_import,
        build,
        build_site,
        check_build,
        check_coverage,
        code_neighbourhood,
        coverage_matrix,
        export_graph,
        export_vocabulary,
        extract_document,
        find,
        format_query_rows,
        hold_store,
        import_dataset,
        import_mcd,
        import_payer_policy,
        list_queries,
        load_import_into_store,
        load_into_store,
        missing_facets,
        open_endpoint,
        open_graph_file,
        open_store,
        push,
        query_rows_xlsx,
        reference_graphs,
        run_named_query,
        search_index,
        serialize,
        suggest,
        validate_graph,
        vocabularies,
        write_atomically,
        write_build,
        write_graph,
        write_import,
    )
    from .builder import BuildResult, DocumentStatus, LoadReport, Skipped
    from .coverage import CoverageAnswer, CoverageMatrix, MatrixCell, PayerDisagreement
    from .errors import (
        CatalogError,
        CellProblem,
        CodegraphError,
        DocumentError,
        EndpointError,
        EngineError,
        GraphInputError,
        NotFoundError,
        OutputError,
        QueryError,
        ResourceError,
        SiteOutputError,
        StoreBusyError,
        StoreNotFoundError,
        StoreReadOnlyError,
        UnknownCodeError,
        UnknownDiagnosisError,
        UnknownPayerError,
        UnknownPlaceOfServiceError,
        UnknownQueryError,
    )
    from .imports import ImportBatch, RowError
    from .model import DocumentFacts, Evidence
    from .query import QuerySpec
    from .search import SearchEntry, SearchHit, SearchIndex
    from .site import SiteSummary
    from .store import GraphStore, MemoryStore, OxigraphStore, QueryRows, RemoteStore, StoreLock
    from .store.push import PushReport
    from .store.remote import PushedGraph
    from .validate import Finding, ValidationReport
    from .validate.gaps import FacetGap
    from .vocab import VocabularySummary
