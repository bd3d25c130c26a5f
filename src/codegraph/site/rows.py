"""The rows of the site's catalog queries, each run in the form its store answers fastest.

The site reads every code at once, store-wide. Oxigraph answers the catalog texts (above all
``site-code-facts``, ``site-code-coverage`` and ``site-spans``) with a lookup per row and pattern:
seconds at 1,000 pages. The same query written with each pattern in a sub-select of its own
makes it read each property once and hash-join them, four times faster; rdflib, on the other
hand, answers that form many times slower than the catalog text. So the embedded store runs the
form kept in ``queries/site/oxigraph/<name>.rq`` where there is one, and every other store (rdflib
in memory, a SPARQL endpoint) the catalog text; ``tests/test_site.py`` checks that both texts give
the same rows.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..query import run_query
from ..resources import queries_dir
from ..store import GraphStore, OxigraphStore


@cache
def oxigraph_text(name: str) -> str | None:
    """The Oxigraph form of the site's catalog query ``name``, or None where it has none."""
    path = queries_dir() / "site" / "oxigraph" / f"{name}.rq"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def catalog_rows(store: GraphStore, name: str) -> list[dict[str, Any]]:
    """The rows of the site's catalog query ``name`` (``run_query(store, name).as_dicts()``, the
    same rows whichever text ran; their order where the query has no ORDER BY may differ)."""
    text = oxigraph_text(name) if isinstance(store, OxigraphStore) else None
    if text is None:
        return run_query(store, name).as_dicts()
    return store.select(text).as_dicts()
