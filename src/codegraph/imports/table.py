"""CSV tables read with the position of every record, so each row can be cited as evidence.

``csv.reader`` does not say where a record starts, so records are first cut from the decoded text
(a newline outside double quotes ends one; a quoted field may span lines) and each is then parsed
on its own. A record keeps its 1-based start line, its character span and its raw text.

What a table cannot be is said as such, not as a symptom: a header naming a column twice (which
of the two would a row mean?), a cell longer than the csv module reads (131,072 characters), a
UTF-16 file without a byte-order mark (one with a BOM, or UTF-32 with one, is read).
"""

from __future__ import annotations

import codecs
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


# Byte-order marks, longest first: UTF-32's little-endian mark starts with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), or UTF-16/UTF-32 with a BOM (Excel's "Unicode text"); exports
    from older systems fall back to Windows-1252, then Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break  # not that after all: read it as below
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


class _TooLong(ValueError):
    """A cell longer than the csv module's field limit."""


def _fields(raw: str) -> list[str] | None:
    if '"' not in raw and "\r" not in raw and "\0" not in raw:
        return raw.split(",")  # what csv.reader gives for a record without quotes
    try:
        parsed = list(csv.reader([raw], strict=True))
    except csv.Error as error:
        if "field limit" in str(error):
            raise _TooLong(str(error)) from None
        return None
    return parsed[0] if len(parsed) == 1 else None


def _too_long(path: Path, line: int) -> RowError:
    return RowError(str(path), line, None, f"a cell holds more than {csv.field_size_limit():,} characters, more than a "
                                           "table cell should; shorten it (or check for a double quote that is never closed)")


def read_table(path: Path, table: str, required: tuple[str, ...], key: str) -> Table | RowError:
    """Read ``path`` as the table ``table`` of the source ``key``; a missing file or required
    column is a ``RowError``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return RowError(str(path), None, None, f"cannot read the file: {error.strerror or error}")
    source = SourceFile(str(path), hashlib.sha256(data).hexdigest(), table, key)
    text = decode(data)
    if "\x00" in text:
        return RowError(str(path), None, None, "the file holds NUL bytes: UTF-16 without a byte-order mark? Save it as "
                                               "UTF-8 (or as UTF-16 with a byte-order mark)")
    records = _records(text)
    first = next(records, None)
    if first is None:
        return RowError(str(path), None, None, "the file is empty: expected a header row naming the columns")
    header_line, _start, _end, header_raw = first
    try:
        header = [name.strip().lower() for name in (_fields(header_raw) or [])]
    except _TooLong:
        return _too_long(path, header_line)
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name and name in seen:
            return RowError(str(path), header_line, name, f"the header names {name!r} twice (columns {seen[name]} and "
                                                          f"{number}); keep one, so each row says one thing")
        seen.setdefault(name, number)
    missing = [name for name in required if name not in header]
    if missing:
        return RowError(str(path), header_line, missing[0],
                        f"the header has no column {missing[0]!r}; it needs {', '.join(required)}")
    result = Table(source, header, header_line)
    for line, start, end, raw in records:
        try:
            cells = _fields(raw)
        except _TooLong:
            result.errors.append(_too_long(path, line))
            continue
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
