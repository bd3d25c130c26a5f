"""Run a catalog query on any store and format its rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node

from ..store import GraphStore, QueryRows
from ..tabular import Table, Value
from .binding import parameter_terms
from .catalog import get_query

# Literals of these types keep their Python type (decimals stay text: no float rounding).
_TYPED = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.double, XSD.float, XSD.nonNegativeInteger, XSD.positiveInteger,
          XSD.boolean, XSD.date}


def run_query(store: GraphStore, name: str, params: Mapping[str, str | Identifier] | None = None) -> QueryRows:
    """Run the catalog query ``name`` on ``store`` with ``params`` bound (as values: the store
    binds them, ``query/binding.py``)."""
    spec = get_query(name)
    return store.select(spec.text, parameter_terms(spec, params or {}))


def _value(term: Node | None) -> Value:
    """A term as a plain value: integers, doubles, truth values and dates keep their type, the rest is text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython() if term.datatype in _TYPED else None
        if isinstance(value, (bool, int, float, date)):
            return value
        return str(term)
    if isinstance(term, URIRef):
        return str(term)
    return term.n3()


def rows_table(rows: QueryRows) -> Table:
    """Query rows as a ``Table`` of plain values (numbers and dates typed, the rest text)."""
    return Table(list(rows.variables), [[_value(v) for v in row] for row in rows.rows])


def format_rows(rows: QueryRows, fmt: str, *, width: int | None = None, raw: bool = False, bom: bool = False) -> str:
    """Query rows as text: ``table`` (fitted to ``width`` columns, default the terminal's), ``csv``
    (cells a spreadsheet would run neutralised unless ``raw``; ``bom`` for spreadsheets) or ``json``."""
    return rows_table(rows).render(fmt, width=width, raw=raw, bom=bom)


def rows_xlsx(rows: QueryRows, *, title: str = "results", raw: bool = False) -> bytes:
    """Query rows as an xlsx workbook (header row, frozen panes, column widths)."""
    return rows_table(rows).to_xlsx(title=title, raw=raw)
