"""A table that fits the terminal.

Columns keep their natural width while the table fits; when it does not, the widest columns are
narrowed first (down to their header, or 6 cells), and a cell that no longer fits is cut with
an ellipsis: at its end for prose, in its middle for an IRI or a path (whose end tells them
apart). The footer says when cells were cut; the csv, json and xlsx formats carry them whole.
Widths are display cells (wide CJK characters count two), measured with rich.
"""

from __future__ import annotations

import shutil

from rich.cells import cell_len

from .cells import printable
from .table import Table

GAP = "  "
MIN_WIDTH = 6
DEFAULT_WIDTH = 100  # when there is no terminal to ask (a pipe, a file)


def terminal_width() -> int:
    """The terminal's width in columns (``COLUMNS`` when set), else 100."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` display cells with an ellipsis."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "\u2026"[:width]
    middle = " " not in text and ("/" in text or ":" in text)
    if middle:
        head_cells = (width - 1) // 2
        tail_cells = width - 1 - head_cells
        return _take(text, head_cells) + "\u2026" + _take(text[::-1], tail_cells)[::-1]
    return _take(text, width - 1) + "\u2026"


def _take(text: str, cells: int) -> str:
    taken, used = [], 0
    for char in text:
        size = cell_len(char)
        if used + size > cells:
            break
        taken.append(char)
        used += size
    return "".join(taken)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def fit_widths(natural: list[int], floors: list[int], available: int) -> list[int]:
    """Column widths summing to at most ``available`` (when the floors allow): the largest cap
    such that every column gets ``max(floor, min(natural, cap))``."""
    if sum(natural) <= available:
        return natural
    low, high = 0, max(natural, default=0)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)) <= available:
            low = cap
        else:
            high = cap - 1
    return [max(f, min(n, low)) for n, f in zip(natural, floors, strict=True)]


def render(table: Table, width: int | None = None) -> str:
    """``table`` as aligned text no wider than ``width`` (default: the terminal's), header
    underlined, a footer counting rows."""
    width = width or terminal_width()
    header = [printable(c, one_line=True) for c in table.columns]
    body = [[printable(cell, one_line=True) for cell in row] for row in table.text_rows()]
    natural = [max([cell_len(h)] + [cell_len(row[i]) for row in body]) for i, h in enumerate(header)]
    floors = [min(n, max(MIN_WIDTH, cell_len(h))) for n, h in zip(natural, header, strict=True)]
    widths = fit_widths(natural, floors, width - len(GAP) * max(0, len(header) - 1))
    cut = any(cell_len(cell) > w for row in [header, *body] for cell, w in zip(row, widths, strict=True))
    lines = [GAP.join(_pad(_cut(cell, w), w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [header, *body]]
    lines.insert(1, GAP.join("-" * w for w in widths))
    count = len(body)
    footer = f"({count} {table.noun}{'' if count == 1 else 's'}"
    if cut:
        footer += f"; long cells cut to fit {width} columns: the csv, json and xlsx formats give them whole"
    lines.append(footer + ")")
    return "\n".join(lines) + "\n"
