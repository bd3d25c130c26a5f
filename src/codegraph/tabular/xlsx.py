"""xlsx workbooks with openpyxl: a header row in bold, frozen below it, filter buttons, and
columns sized to their content (at most 60 characters wide; longer cells wrap).

Text is always stored as text (openpyxl would store a string starting with ``=`` as a formula),
and a cell that would read as a formula if retyped is marked with Excel's quote prefix unless
``raw``; control characters, which xlsx cannot hold, are written as escapes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .cells import FORMULA_STARTS, printable
from .table import Table

MAX_COLUMN_WIDTH = 60


def workbook(sheets: Sequence[tuple[str, Table]], *, raw: bool = False) -> bytes:
    """A workbook with one sheet per ``(title, table)``, as bytes."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, table in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(c) for c in table.columns]
        for row_number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, (bool, int, float, date)) or value is None:
                    cell.value = value
                    if isinstance(value, date):
                        cell.number_format = "yyyy-mm-dd"
                    shown = len(str(value)) if value is not None else 0
                else:
                    text = printable(str(value))
                    cell.value = text
                    cell.data_type = "s"  # never a formula, whatever it starts with
                    if not raw and text.startswith(FORMULA_STARTS):
                        cell.quotePrefix = True
                    if "\n" in text or len(text) > MAX_COLUMN_WIDTH:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                    shown = max(len(line) for line in text.splitlines() or [""])
                widths[column - 1] = max(widths[column - 1], shown)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(MAX_COLUMN_WIDTH, width + 2)
        sheet.freeze_panes = "A2"
        if table.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(1, len(table.rows) + 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
