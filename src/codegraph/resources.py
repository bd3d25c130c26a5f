"""Where the ontology, shapes, queries and reference data live.

A wheel carries them under ``codegraph/_resources``; an editable install (or a checkout on
``PYTHONPATH``) reads them from the repository root. One function decides, so nothing else
guesses paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import ResourceError

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resource_root() -> Path:
    """The folder holding ontology/, queries/ and data/vocab/: in the wheel, or the repository."""
    bundled = _PACKAGE_DIR / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    repository = _PACKAGE_DIR.parent.parent
    if (repository / "ontology").is_dir():
        return repository
    raise ResourceError(
        f"cannot find codegraph's ontology/ folder next to {_PACKAGE_DIR}; reinstall the package"
    )


def ontology_file() -> Path:
    """The ontology, ``ontology/codegraph.ttl``."""
    return resource_root() / "ontology" / "codegraph.ttl"


def context_file() -> Path:
    """The published JSON-LD context, ``ontology/context.jsonld`` (made from the ontology by
    ``rdf/jsonld.py``; a test keeps the two in step)."""
    return resource_root() / "ontology" / "context.jsonld"


def shapes_dir() -> Path:
    """The SHACL shapes folder, ``ontology/shapes``."""
    return resource_root() / "ontology" / "shapes"


def queries_dir() -> Path:
    """The query library, ``queries/``."""
    return resource_root() / "queries"


def vocab_dir() -> Path:
    """The shipped code sets, ``data/vocab``."""
    return resource_root() / "data" / "vocab"
