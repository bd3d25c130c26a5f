"""One table, four renderings: a terminal table that fits, CSV, JSON and xlsx."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .cells import neutralise_formula, printable

Value = str | int | float | bool | date | None
"""A cell: text, a number, a truth value, a date, or nothing."""


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass
class Table:
    """Named columns and rows of plain values, with a noun for the footer ("3 rows")."""

    columns: list[str]
    rows: Sequence[Sequence[Value]] = field(default_factory=list)
    noun: str = "row"

    def text_rows(self) -> list[list[str]]:
        return [[_text(value) for value in row] for row in self.rows]

    def to_terminal(self, width: int | None = None) -> str:
        """The table fitted to ``width`` columns (default: the terminal's); control characters escaped."""
        from .terminal import render

        return render(self, width)

    def to_csv(self, *, raw: bool = False, bom: bool = False) -> str:
        """CSV with a header row. Cells a spreadsheet would run are neutralised unless ``raw``;
        ``bom`` starts the text with a byte order mark, so spreadsheets read it as UTF-8."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns if raw else [neutralise_formula(c) for c in self.columns])
        for row in self.text_rows():
            writer.writerow(row if raw else [neutralise_formula(cell) for cell in row])
        return ("\ufeff" if bom else "") + buffer.getvalue()

    def to_json(self) -> str:
        """A JSON list of objects, one per row; numbers and truth values keep their type."""
        def plain(value: Value) -> object:
            return value.isoformat() if isinstance(value, (date, datetime)) else value

        return json.dumps([{c: plain(v) for c, v in zip(self.columns, row, strict=True)} for row in self.rows],
                          indent=2, ensure_ascii=False) + "\n"

    def to_xlsx(self, *, title: str = "results", raw: bool = False) -> bytes:
        """An xlsx workbook of one sheet: bold header row, frozen below it, filter buttons,
        columns sized to their content. No cell is ever a formula."""
        from .xlsx import workbook

        return workbook([(title, self)], raw=raw)

    def render(self, fmt: str, *, width: int | None = None, raw: bool = False, bom: bool = False) -> str:
        """``table``, ``csv`` or ``json`` text."""
        if fmt == "csv":
            return self.to_csv(raw=raw, bom=bom)
        if fmt == "json":
            return self.to_json()
        if fmt == "table":
            return self.to_terminal(width)
        raise ValueError(f"no text format {fmt!r}: table, csv or json")


def safe_lines(text: str) -> str:
    """A report's text with control characters escaped (newlines and tabs kept)."""
    return printable(text)
