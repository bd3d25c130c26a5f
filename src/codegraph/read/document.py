"""Bytes to a ``Document``: checked, decoded, normalised text split into lines and sections."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DocumentError
from .formats import to_plain_text
from .normalize import normalize_text
from .sections import Section, split_sections


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    start: int  # offset of the first character
    end: int  # offset just past the last character (newline excluded)
    text: str  # normalised text of the line


@dataclass(frozen=True)
class Document:
    path: str
    sha256: str  # of the bytes as received: the document's identity
    format: str  # "text", "markdown" or "html"
    original: str  # decoded text (for Markdown and HTML: their plain-text rendering)
    text: str  # normalised, same length as ``original``
    lines: tuple[Line, ...]
    sections: tuple[Section, ...]

    def line_at(self, offset: int) -> int:
        """The 1-based line number holding ``offset``."""
        for line in self.lines:
            if offset <= line.end:
                return line.number
        return self.lines[-1].number if self.lines else 1

    def section_at(self, offset: int) -> Section:
        for section in self.sections:
            if section.start <= offset < section.end or (offset == section.end == len(self.text)):
                return section
        return self.sections[-1]


def _split_lines(text: str) -> tuple[Line, ...]:
    lines = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        end = start + len(raw)
        stripped = raw[:-1] if raw.endswith("\r") else raw
        lines.append(Line(number, start, start + len(stripped), stripped))
        start = end + 1
    return tuple(lines)


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM); refuse what is clearly not a text page."""
    if not data.strip():
        raise DocumentError(path, "the file is empty", hint="point codegraph at a billing-code page")
    if b"\x00" in data[:8192]:
        raise DocumentError(path, "the file is binary (it contains NUL bytes)", hint="convert it to text first")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(
            path,
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=line,
            hint="re-save it as UTF-8, e.g. iconv -f cp1252 -t utf-8",
        ) from None
    return text


def document_from_bytes(data: bytes, path: str) -> Document:
    fmt, original = to_plain_text(path, decode(data, path))
    if not original.strip():
        raise DocumentError(path, f"the {fmt} file has no text", hint="point codegraph at a billing-code page")
    text = normalize_text(original)
    lines = _split_lines(text)
    sections = split_sections(lines, len(text))
    return Document(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        original=original,
        text=text,
        lines=lines,
        sections=sections,
    )


def read_document(path: str | Path) -> Document:
    """Read one document (plain text, Markdown or saved HTML) from disk."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(p, f"cannot read the file: {exc.strerror}") from None
    return document_from_bytes(data, str(path))
