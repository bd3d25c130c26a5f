"""Queries: the ``.rq`` catalog, parameter binding, execution on any store."""

from .binding import bind_parameters, parameter_terms, to_term
from .catalog import QuerySpec, get_query, load_catalog
from .run import format_rows, rows_table, rows_xlsx, run_query

__all__ = ["QuerySpec", "bind_parameters", "format_rows", "get_query", "load_catalog", "parameter_terms", "rows_table", "rows_xlsx",
           "run_query", "to_term"]
