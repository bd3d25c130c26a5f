"""codegraph: billing-code overview documents into a validated, queryable RDF knowledge graph.

The public API lives in ``codegraph.api`` and is re-exported here lazily (PEP 562), so that
``codegraph --help`` does not pay for importing rdflib and pySHACL.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "api": (
        "BuildResult",
        "GraphStore",
        "MemoryStore",
        "OxigraphStore",
        "QueryRows",
        "RemoteStore",
        "__version__",
        "add_import",
        "build",
        "build_site",
        "check_coverage",
        "code_neighbourhood",
        "collect_documents",
        "document_graph",
        "extract_document",
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
    ),
    "errors": ("CodegraphError", "DocumentError", "EndpointError", "GraphInputError", "QueryError", "ResourceError"),
    "model": ("DocumentFacts", "Evidence"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF:
        return getattr(import_module(f".{_MODULE_OF[name]}", __name__), name)
    raise AttributeError(f"module 'codegraph' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from .api import *  # noqa: F403
    from .errors import *  # noqa: F403
    from .model import DocumentFacts, Evidence  # noqa: F401
