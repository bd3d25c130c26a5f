"""CSV tables read with the position of every record, so each row can be cited as evidence.

``csv.reader`` does not say where a record starts, so records are first cut from the decoded text
(a newline outside double quotes ends one; a quoted field may span lines) and each is then parsed
on its own. A record keeps its 1-based start line, its character span and its raw text.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .records import RowError, RowEvidence, SourceFile


@dataclass(frozen=True)
class Row:
    """One CSV record of a table: where it was read, and its cells by column name."""
    evidence: RowEvidence
    values: dict[str, str]  # header name -> stripped cell text

    @property
    def line(self) -> int:
        return self.evidence.line

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    """A CSV table read whole: its source file, header, good rows and the rows it could not use."""
    source: SourceFile
    header: list[str]
    header_line: int
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped); exports from older systems fall back to Windows-1252, then Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # maps every byte: never fails


def _records(text: str) -> Iterator[tuple[int, int, int, str]]:
    """(start line, start offset, end offset, raw text) of each non-blank record.

    A record ends at a newline outside double quotes. Whether a newline is inside quotes is the
    parity of the quotes before it in the record (a doubled ``""`` counts twice), so the text is
    read a line at a time with ``str.find``/``str.count`` rather than a character at a time."""
    length = len(text)
    start, start_line, line, position, in_quotes = 0, 1, 1, 0, False
    while True:
        newline = text.find("\n", position)
        end = length if newline < 0 else newline
        if text.count('"', position, end) % 2:
            in_quotes = not in_quotes
        if not in_quotes or newline < 0:
            stop = end - 1 if end > start and text[end - 1] == "\r" else end
            raw = text[start:stop]
            if raw.strip():
                yield start_line, start, stop, raw
            if newline < 0:
                return
            start, start_line, in_quotes = newline + 1, line + 1, False
        line += 1
        position = end + 1


def _fields(raw: str) -> list[str] | None:
    if '"' not in raw and "\r" not in raw and "\0" not in raw:
        return raw.split(",")  # what csv.reader gives for a record without quotes
    try:
        parsed = list(csv.reader([raw], strict=True))
    except csv.Error:
        return None
    return parsed[0] if len(parsed) == 1 else None


def read_table(path: Path, table: str, required: tuple[str, ...], key: str) -> Table | RowError:
    """Read ``path`` as the table ``table`` of the source ``key``; a missing file or required
    column is a ``RowError``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return RowError(str(path), None, None, f"cannot read the file: {error.strerror or error}")
    source = SourceFile(str(path), hashlib.sha256(data).hexdigest(), table, key)
    records = _records(decode(data))
    first = next(records, None)
    if first is None:
        return RowError(str(path), None, None, "the file is empty: expected a header row naming the columns")
    header_line, _start, _end, header_raw = first
    header = [name.strip().lower() for name in (_fields(header_raw) or [])]
    missing = [name for name in required if name not in header]
    if missing:
        return RowError(str(path), header_line, missing[0],
                        f"the header has no column {missing[0]!r}; it needs {', '.join(required)}")
    result = Table(source, header, header_line)
    for line, start, end, raw in records:
        cells = _fields(raw)
        if cells is None:
            result.errors.append(RowError(str(path), line, None, "not a well-formed CSV record (check the double quotes)"))
            continue
        if len(cells) != len(header):
            result.errors.append(RowError(str(path), line, None,
                                          f"the row has {len(cells)} fields but the header has {len(header)}; "
                                          "quote cells that contain commas"))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        result.rows.append(Row(RowEvidence(source, line, start, end, raw), values))
    return result
