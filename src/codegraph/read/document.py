"""Bytes to a ``Document``: checked, decoded, normalised text split into lines and sections.

Reading is bounded and strict. A page of this family is a few KB; a file over
``MAX_DOCUMENT_BYTES`` (2 MiB unless ``CODEGRAPH_MAX_DOCUMENT_BYTES`` or the ``max_bytes``
argument says otherwise) is refused as too large, and at most that many bytes plus one are ever
read, so a symlink to ``/dev/zero`` or a growing log cannot exhaust memory. Only regular files are
opened: opening a FIFO would block, and a device has no end. Every refusal is a ``DocumentError``
naming the file, the line where one applies, and what to do.
"""

from __future__ import annotations

import bisect
import codecs
import errno
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ..errors import DocumentError
from .cut import Cut, find_cut
from .formats import to_plain_text
from .normalize import normalize_text
from .sections import Section, split_sections
from .sentences import split_sentences
from .wrap import is_wrap

_T = TypeVar("_T")

#: The default per-document size limit in bytes (2 MiB: the family's pages are 2-20 KB).
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
#: Environment variable that raises (or lowers) the default limit, in bytes.
MAX_BYTES_VARIABLE = "CODEGRAPH_MAX_DOCUMENT_BYTES"


def default_max_bytes(path: str = "") -> int:
    """The size limit in force: ``$CODEGRAPH_MAX_DOCUMENT_BYTES`` if set, else ``MAX_DOCUMENT_BYTES``.

    ``path`` only names the document in the error raised when the variable is not a size.
    """
    raw = os.environ.get(MAX_BYTES_VARIABLE, "").strip()
    if not raw:
        return MAX_DOCUMENT_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise DocumentError(
            path or f"${MAX_BYTES_VARIABLE}", f"${MAX_BYTES_VARIABLE}={raw!r} is not a positive whole number of bytes",
            hint=f"set it to a size such as {MAX_DOCUMENT_BYTES}, or unset it",
        )
    return value


class Line(NamedTuple):
    """One line of the normalised text (a tuple: a page has hundreds and each is read often)."""

    number: int  # 1-based
    start: int  # offset of the first character
    end: int  # offset just past the last character (newline excluded)
    text: str  # normalised text of the line


@dataclass(frozen=True)
class Document:
    """A page as read: its text, lines, sections and where it is cut off."""
    path: str
    sha256: str  # of the bytes as received: the document's identity
    format: str  # "text", "markdown" or "html"
    original: str  # decoded text (for Markdown and HTML: their plain-text rendering)
    text: str  # normalised, same length as ``original``; wrapped paragraph lines joined
    lines: tuple[Line, ...]
    sections: tuple[Section, ...]
    # Whether the page's last line is followed by a line end in the source (Markdown and HTML
    # renderings always end with one, so for them this says what the source file did).
    ends_with_line_end: bool = True

    @cached_property
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def line_at(self, offset: int) -> int:
        """The 1-based line number holding ``offset``."""
        if not self.lines:
            return 1
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return self.lines[max(0, index)].number

    @cached_property
    def _section_starts(self) -> list[int]:
        return [section.start for section in self.sections]

    def section_at(self, offset: int) -> Section:
        """The section holding ``offset`` (a heading line belongs to the section before it)."""
        index = bisect.bisect_right(self._section_starts, offset) - 1
        return self.sections[max(0, index)]

    def locate(self, offset: int) -> tuple[str, int]:
        """(``section_at(offset).name``, ``line_at(offset)``) in one call: every evidence span asks both."""
        section = self.sections[max(0, bisect.bisect_right(self._section_starts, offset) - 1)].name
        if not self.lines:
            return section, 1
        return section, self.lines[max(0, bisect.bisect_right(self._line_starts, offset) - 1)].number

    def sentences(self, line: Line) -> tuple[tuple[int, int, str], ...]:
        """The sentences of ``line`` as (start, end, text), computed once per line and document."""
        cache = self._sentence_cache
        found = cache.get(line.number)
        if found is None:
            found = cache[line.number] = tuple(split_sentences(line.text, line.start))
        return found

    @cached_property
    def _sentence_cache(self) -> dict[int, tuple[tuple[int, int, str], ...]]:
        return {}

    @cached_property
    def _derived(self) -> dict[str, Any]:
        return {}

    def derived(self, key: str, compute: Callable[[], _T]) -> _T:
        """``compute()`` once per document (tables read by two extractors are parsed once)."""
        cache = self._derived
        if key not in cache:
            cache[key] = compute()
        value: _T = cache[key]
        return value

    @cached_property
    def content_end(self) -> int:
        """Offset just past the last non-space character: where a cut-off page stops."""
        return len(self.text.rstrip())

    @cached_property
    def cut(self) -> Cut | None:
        """Where the page is cut off, or None when it ends where a page may end (see ``cut.py``)."""
        return find_cut(self)


_new_line = tuple.__new__  # NamedTuple's own __new__ goes through a Python lambda: twice as slow


def _split_lines(text: str) -> tuple[Line, ...]:
    lines = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        end = start + len(raw)
        stripped = raw.removesuffix("\r")
        lines.append(_new_line(Line, (number, start, start + len(stripped), stripped)))
        start = end + 1
    return tuple(lines)


# Last characters after which a line never continues: a sentence end, a table row, a blank.
_NEVER_WRAPPED = (".", "!", "?", ":", ";", "|", "")


def join_wrapped_lines(text: str) -> str:
    """``text`` with each wrapping line break (and its CR) replaced by spaces: same length."""
    raw = text.split("\n")
    # Most lines end a sentence or a table row: only the others can be wrapped (a cheap test
    # first, so the full one runs on a few lines per page).
    candidates = [
        index for index in range(len(raw) - 1)
        if raw[index].rstrip()[-1:] not in _NEVER_WRAPPED and raw[index + 1].strip()
    ]
    if not candidates:
        return text
    breaks = [False] * (len(raw) - 1)
    for index in candidates:
        breaks[index] = is_wrap(raw[index].removesuffix("\r"), raw[index + 1].removesuffix("\r"))
    if not any(breaks):
        return text
    pieces: list[str] = []
    for index, line in enumerate(raw):
        joined = index < len(breaks) and breaks[index]
        if joined and line.endswith("\r"):
            line = line[:-1] + " "
        pieces.append(line)
        if index < len(breaks):
            pieces.append(" " if joined else "\n")
    return "".join(pieces)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _utf16_without_bom(sample: bytes) -> str | None:
    """"UTF-16LE"/"UTF-16BE" when NUL bytes sit at every other offset, as in UTF-16 text with no BOM."""
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "UTF-16LE"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "UTF-16BE"
    return None


def _line_of(text_before: str) -> int:
    return text_before.count("\n") + 1


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM), or UTF-16/UTF-32 with a BOM; refuse what is not text."""
    if not data.strip():
        raise DocumentError(path, "the file is empty", hint="point codegraph at a billing-code page")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as exc:
                line = _line_of(body[: exc.start].decode(codec, "replace"))
                raise DocumentError(
                    path,
                    f"the file starts with a {name} byte-order mark but byte {exc.start + len(bom)} is not valid {name} "
                    f"({exc.reason})",
                    line=line,
                    hint=f"the file may be cut inside a character or mislabelled; re-save it as UTF-8, e.g. iconv -f {name} -t UTF-8",
                ) from None
            if "\x00" in text:
                raise DocumentError(path, f"the {name} file contains NUL characters", line=_line_of(text[: text.index("\x00")]),
                                    hint="convert it to plain text first")
            return text
    if b"\x00" in data[:8192]:
        utf16 = _utf16_without_bom(data[:8192])
        if utf16:
            raise DocumentError(
                path,
                f"the file looks like {utf16} text without a byte-order mark (every other byte is NUL)",
                hint=f"re-save it as UTF-8, e.g. iconv -f {utf16} -t UTF-8, or as UTF-16 with a byte-order mark",
            )
        raise DocumentError(path, "the file is binary (it contains NUL bytes)", hint="convert it to text first")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(
            path,
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=line,
            hint="re-save it as UTF-8, e.g. iconv -f cp1252 -t utf-8",
        ) from None


def _too_large(path: str, size: str, limit: int) -> DocumentError:
    return DocumentError(
        path,
        f"the file is too large ({size}; the limit is {limit} bytes per document)",
        hint=f"overview pages are a few KB: check that this is one page; to read it anyway raise the limit "
        f"(max_bytes=..., or ${MAX_BYTES_VARIABLE})",
    )


def document_from_bytes(data: bytes, path: str, max_bytes: int | None = None) -> Document:
    """A document from its bytes, refusing one over ``max_bytes`` (default by format)."""
    limit = default_max_bytes(path) if max_bytes is None else max_bytes
    if len(data) > limit:
        raise _too_large(path, f"{len(data)} bytes", limit)
    decoded = decode(data, path)
    fmt, original = to_plain_text(path, decoded)
    if not original.strip():
        raise DocumentError(path, f"the {fmt} file has no text", hint="point codegraph at a billing-code page")
    text = join_wrapped_lines(normalize_text(original))
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
        ends_with_line_end=_source_ends_line(fmt, decoded),
    )


_LINE_ENDS = ("\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c")


def _source_ends_line(fmt: str, decoded: str) -> bool:
    """Whether the source's last line was ended: a line end (text, Markdown) or a closing tag (HTML)."""
    if fmt == "html":
        return decoded.rstrip().endswith(">")
    return decoded.rstrip(" \t").endswith(_LINE_ENDS)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_document(path: str | Path, max_bytes: int | None = None) -> Document:
    """Read one document (plain text, Markdown or saved HTML) from disk.

    ``max_bytes`` is the size limit (default: ``default_max_bytes()``). Raises ``DocumentError``
    for anything that is not a readable regular file of at most that size holding a page.
    """
    p = Path(path)
    name = str(path)
    limit = default_max_bytes(name) if max_bytes is None else max_bytes
    try:
        info = p.stat()
    except OSError as exc:
        raise _unreadable(p, name, exc) from None
    kind = next((label for test, label in _KINDS if test(info.st_mode)), None)
    if kind is not None:
        raise DocumentError(name, f"this is {kind}, not a regular file", hint="point codegraph at a page saved as a file")
    if info.st_size > limit:
        raise _too_large(name, f"{info.st_size} bytes", limit)
    try:
        with p.open("rb") as handle:
            # Never more than limit + 1 bytes: the file may grow while it is read. Asking for
            # its size first (and the rest only if it grew) spares a 2 MiB buffer per page.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(limit + 1 - len(data))
    except OSError as exc:
        raise _unreadable(p, name, exc) from None
    if len(data) > limit:
        raise _too_large(name, f"more than {limit} bytes", limit)
    return document_from_bytes(data, name, max_bytes=limit)


def _unreadable(p: Path, name: str, exc: OSError) -> DocumentError:
    if exc.errno == errno.ELOOP:
        return DocumentError(name, "cannot read the file: its symbolic links form a loop", hint="fix or remove the link")
    if exc.errno == errno.ENOENT and p.is_symlink():
        target = os.readlink(p)
        return DocumentError(name, f"cannot read the file: it is a symbolic link to {target}, which does not exist",
                             hint="fix or remove the link")
    return DocumentError(name, f"cannot read the file: {exc.strerror or exc}")
