"""Helpers shared by the extractors: evidence spans and sentence boundaries."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Evidence
from ..read import Document, Line
from ..read.sentences import split_sentences


def evidence(doc: Document, start: int, end: int) -> Evidence:
    """Evidence for the span ``[start, end)`` of ``doc``, trimmed of surrounding spaces."""
    span = doc.text[start:end]
    if span[:1].isspace() or span[-1:].isspace():
        stripped = span.lstrip()
        start += len(span) - len(stripped)
        end = start + len(stripped.rstrip())
    section, line = doc.locate(start)
    return Evidence(section, start, end, line, doc.original[start:end])


def line_evidence(doc: Document, line: Line) -> Evidence:
    """The evidence for a whole line."""
    return evidence(doc, line.start, line.end)


def sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int, str]]:
    """Sentences of ``text`` as (start, end, sentence), offsets shifted by ``offset``.

    For a whole line prefer ``Document.sentences(line)``, which computes them once per line.
    """
    return split_sentences(text, offset)
