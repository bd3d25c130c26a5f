"""A document's text as far as the graph holds it, cut into pieces that each evidence span marks.

The graph keeps each fact's span (character offsets, line, section and the exact quote), not the
whole page. So a page's text is rebuilt from the quotes: overlapping or touching spans merge into
one *excerpt* whose characters the quotes give, and what lies between two excerpts is not in the
graph (the page says how many characters are missing there, never guesses them). Within an
excerpt the text is split at every span boundary, so each piece knows which spans cover it: a
span's pieces, joined, are exactly its quote, however spans nest or cross.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .data import Span


@dataclass(frozen=True)
class Piece:
    """A run of source text and the fact spans that cover it."""
    text: str
    keys: tuple[str, ...]  # the spans covering this piece, outermost first
    anchors: tuple[str, ...]  # the spans that start here (an id to jump to)


@dataclass(frozen=True)
class Excerpt:
    """A line of the source rebuilt from evidence quotes, split into pieces."""
    start: int
    end: int
    line: int  # 1-based line of the excerpt's first character
    sections: tuple[str, ...]
    missing_before: int  # characters between the previous excerpt (or the start) and this one
    pieces: tuple[Piece, ...]

    @property
    def last_line(self) -> int:
        return self.line + sum(piece.text.count("\n") for piece in self.pieces)


@dataclass(frozen=True)
class Block:
    """Excerpts on a run of lines the graph holds without a line break missing between them
    (clauses of one sentence, say): shown as one paragraph with the gaps marked inline."""

    excerpts: tuple[Excerpt, ...]
    missing_lines: int  # whole lines between the previous block and this one (0: none, or unknown)

    @property
    def line(self) -> int:
        return self.excerpts[0].line

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(section for excerpt in self.excerpts for section in excerpt.sections))

    @property
    def missing_before(self) -> int:
        return self.excerpts[0].missing_before


def _extent(span: Span) -> tuple[int, int]:
    # Placed by its start and its quote's own length: the quote is what the graph vouches for.
    return span.start, span.start + len(span.quote)


def excerpts(spans: list[Span]) -> list[Excerpt]:
    """The excerpts of one document's spans, in document order."""
    ordered = sorted(spans, key=lambda s: (s.start, -_extent(s)[1], s.key))
    groups: list[list[Span]] = []
    group_end = -1
    for span in ordered:
        start, end = _extent(span)
        if groups and start <= group_end:
            groups[-1].append(span)
            group_end = max(group_end, end)
        else:
            groups.append([span])
            group_end = end
    result: list[Excerpt] = []
    previous_end = 0
    for group in groups:
        excerpt = _excerpt(group, previous_end)
        result.append(excerpt)
        previous_end = excerpt.end
    return result


def blocks(spans: list[Span]) -> list[Block]:
    """One document's excerpts, gathered into blocks of lines (a new block where a line is skipped
    or a line break falls in what the graph does not hold)."""
    result: list[list[Excerpt]] = []
    missing_lines: list[int] = []
    for excerpt in excerpts(spans):
        if result and excerpt.line == result[-1][-1].last_line:
            result[-1].append(excerpt)
            continue
        previous_last = result[-1][-1].last_line if result else 0
        missing_lines.append(max(0, excerpt.line - previous_last - 1))
        result.append([excerpt])
    return [Block(tuple(group), missing) for group, missing in zip(result, missing_lines, strict=True)]


def _excerpt(group: list[Span], previous_end: int) -> Excerpt:
    start = min(_extent(s)[0] for s in group)
    end = max(_extent(s)[1] for s in group)
    chars: list[str | None] = [None] * (end - start)
    for span in group:  # the first span to cover a character gives it (quotes agree in a sound graph)
        for offset, char in enumerate(span.quote, start=span.start - start):
            if chars[offset] is None:
                chars[offset] = char
    boundaries = sorted({start, end, *(b for s in group for b in _extent(s))})
    pieces: list[Piece] = []
    for left, right in pairwise(boundaries):
        covering = [s for s in group if _extent(s)[0] <= left and right <= _extent(s)[1]]
        covering.sort(key=lambda s: (_extent(s)[0], -_extent(s)[1], s.key))
        anchors = tuple(s.key for s in group if _extent(s)[0] == left)
        text = "".join(c or "" for c in chars[left - start : right - start])
        pieces.append(Piece(text=text, keys=tuple(s.key for s in covering), anchors=anchors))
    if not pieces:  # only empty quotes: keep somewhere to jump to
        pieces.append(Piece(text="", keys=tuple(s.key for s in group), anchors=tuple(s.key for s in group)))
    first = min(group, key=lambda s: (s.start, s.line))
    sections = tuple(dict.fromkeys(s.section for s in sorted(group, key=lambda s: s.start)))
    return Excerpt(start=start, end=end, line=first.line, sections=sections,
                   missing_before=max(0, start - previous_end), pieces=tuple(pieces))
