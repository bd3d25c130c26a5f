"""Helpers shared by the extractors: evidence spans and sentence boundaries."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Evidence
from ..read import Document, Line


def evidence(doc: Document, start: int, end: int) -> Evidence:
    """Evidence for the span ``[start, end)`` of ``doc``, trimmed of surrounding spaces."""
    while start < end and doc.text[start].isspace():
        start += 1
    while end > start and doc.text[end - 1].isspace():
        end -= 1
    return Evidence(
        section=doc.section_at(start).name,
        start=start,
        end=end,
        line=doc.line_at(start),
        quote=doc.original[start:end],
    )


def line_evidence(doc: Document, line: Line) -> Evidence:
    return evidence(doc, line.start, line.end)


# A sentence ends at . ! or ? followed by space and something that starts a sentence; "R15.9"
# and "e.g. the" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])")


def sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int, str]]:
    """Sentences of ``text`` as (start, end, sentence), offsets shifted by ``offset``."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield offset + start, offset + match.start(), text[start : match.start()]
        start = match.end()
    if start < len(text) and text[start:].strip():
        yield offset + start, offset + len(text), text[start:]
