"""Run a catalog query on any store and format its rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from ..store import GraphStore, QueryRows
from .binding import parameter_terms
from .catalog import get_query


def run_query(store: GraphStore, name: str, params: Mapping[str, str | Identifier] | None = None) -> QueryRows:
    """Run the catalog query ``name`` on ``store`` with ``params`` bound (as values: the store
    binds them, ``query/binding.py``)."""
    spec = get_query(name)
    return store.select(spec.text, parameter_terms(spec, params or {}))


def _plain(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, (Literal, URIRef)):
        return str(term)
    return term.n3()


def _json_value(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if isinstance(value, (int, float, bool)) else str(term)
    return str(term)


def format_rows(rows: QueryRows, fmt: str) -> str:
    """Query rows as text: a table, CSV or JSON."""
    if fmt == "json":
        return json.dumps([{k: _json_value(v) for k, v in row.items()} for row in rows.as_dicts()], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(rows.variables)
        writer.writerows([_plain(v) for v in row] for row in rows.rows)
        return buffer.getvalue()
    table = [rows.variables] + [[_plain(v) for v in row] for row in rows.rows]
    widths = [min(60, max(len(r[i]) for r in table)) for i in range(len(rows.variables))]

    def cell(text: str, width: int) -> str:
        return (text if len(text) <= width else text[: width - 1] + "\u2026").ljust(width)

    lines = ["  ".join(cell(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"({len(rows.rows)} row{'s' if len(rows.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
