"""Tables for people and for spreadsheets, from one column list and rows of plain values.

Query results and reports leave codegraph in four shapes: a table sized to the terminal, CSV,
JSON and an xlsx workbook. Graph values are data somebody else wrote (a page title, a policy
name), so every shape here neutralises what would act instead of being shown: control
characters never reach a terminal raw (``cells.printable``), and a cell that a spreadsheet would
run as a formula is marked as text the way OWASP recommends (``cells.neutralise_formula``),
unless the caller asks for raw values for a machine.
"""

from __future__ import annotations

from .cells import neutralise_formula, printable
from .table import Table, Value

__all__ = ["Table", "Value", "neutralise_formula", "printable"]
