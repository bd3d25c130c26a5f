"""How commands write tables: the ``--format`` choices of rows, ``--bom`` and ``--raw-csv``, and
one function that sends a table to stdout or ``-o FILE`` in the format asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .output import emit, emit_bytes

if TYPE_CHECKING:
    from ..store import QueryRows
    from ..tabular import Table
    from ..validate import ValidationReport
    from ..validate.gaps import FacetGap

F = TypeVar("F", bound=Callable[..., Any])


def tabular_options(command: F) -> F:
    """``--bom`` and ``--raw-csv``: CSV and xlsx for spreadsheets (the default) or for machines."""
    command = click.option("--raw-csv", is_flag=True,
                           help="Write cells as they are, for programs: by default a CSV or xlsx cell that starts with "
                                "= + - @ tab or CR gets a leading ' so a spreadsheet does not run it as a formula.")(command)
    command = click.option("--bom", is_flag=True,
                           help="Start CSV with a UTF-8 byte order mark, so Excel reads accents and symbols right.")(command)
    return command


def rows_table_of(rows: QueryRows) -> Table:
    """Query rows as a table of plain values."""
    from ..query import rows_table

    return rows_table(rows)


def findings_table(report: ValidationReport) -> Table:
    """A validation report as one row per finding, for a spreadsheet."""
    from ..tabular import Table
    from ..validate.report import short_iri

    return Table(["severity", "code", "facet", "focus_node", "path", "value", "shape", "message"],
                 [[f.severity, f.code, f.facet, f.focus_node, short_iri(f.path), f.value, short_iri(f.shape), f.message]
                  for f in report.findings], noun="finding")


def gaps_table(gaps: list[FacetGap]) -> Table:
    """The gaps view as one row per finding: per code (no current source supplies the facet) or per
    document (what one page lacks), each with the document and line that say so."""
    from ..tabular import Table

    return Table(["code", "level", "facet", "state", "document", "line", "elsewhere", "quote"],
                 [[g.code, g.level, g.facet, g.state, g.document, g.line, g.elsewhere if g.level == "document" else None, g.quote]
                  for g in gaps], noun="gap")


def write_rows(table: Table, fmt: str, output: Path | None, *, bom: bool = False, raw: bool = False,
               title: str = "results") -> None:
    """``table`` as ``fmt`` (table, csv, json, xlsx) to ``output`` or stdout."""
    count = f"{len(table.rows)} {table.noun}{'' if len(table.rows) == 1 else 's'}"
    if fmt == "xlsx":
        emit_bytes(table.to_xlsx(title=title, raw=raw), output, binary=True)
        return
    emit(table.render(fmt, raw=raw, bom=bom), output, count)
