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
    "BuildResult", "CodegraphError", "CoverageAnswer", "DocumentError", "DocumentFacts", "DocumentStatus",
    "EndpointError", "Evidence", "Finding", "GraphInputError", "GraphStore", "ImportBatch", "LoadReport",
    "MemoryStore", "OutputError", "OxigraphStore", "QueryError", "QueryRows", "RemoteStore", "ResourceError",
    "RowError", "SiteSummary", "Skipped", "StoreNotFoundError", "ValidationReport", "__version__", "add_import",
    "build", "build_site", "check_coverage", "code_neighbourhood", "export_graph", "extract_document",
    "import_dataset", "import_mcd", "import_payer_policy", "load_import_into_store", "load_into_store",
    "open_graph_file", "open_store", "reference_graphs", "run_named_query", "serialize", "validate_graph",
    "write_atomically", "write_build", "write_graph",
]
# Where a public name is defined: the first of these modules that has it (api first: it is light).
_HOMES = ("api", "errors", "builder", "store", "validate", "coverage", "imports", "site", "model")


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
    from .api import *  # noqa: F403
    from .builder import BuildResult, DocumentStatus, LoadReport, Skipped
    from .coverage import CoverageAnswer
    from .errors import *  # noqa: F403
    from .imports import ImportBatch, RowError
    from .model import DocumentFacts, Evidence
    from .site import SiteSummary
    from .store import GraphStore, MemoryStore, OxigraphStore, QueryRows, RemoteStore
    from .validate import Finding, ValidationReport
