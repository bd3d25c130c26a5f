"""The HTML a code page repeats most, written here rather than in the templates: a fact's link to
its evidence, the cut-off mark, and the source text's marked pieces.

A page holds hundreds of these; as Jinja macros and loops they were about half of its rendering
time. Each returns ``Markup`` with every value from the graph escaped by ``markupsafe.escape``,
exactly as the templates' autoescaped ``{{ ... }}`` did, so the pages are the same bytes.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .data import Span
from .excerpts import Block

_CUT_MARK = Markup(' <span class="cut-off" title="the page ends inside this value: what was read is incomplete">cut off</span>')


def fact_link(span: Span | None, text: object) -> Markup:
    """A fact's words, as a link to its evidence span in the source column (plain text without one)."""
    if span is None:
        return escape(text)
    return Markup(f'<a class="fact" href="#{escape(span.key)}" data-evidence="{escape(span.key)}" '
                  f'title="{escape(span.path)}, line {escape(span.line)} ({escape(span.section)})">{escape(text)}</a>')


def cut_mark(cut_off: object) -> Markup:
    """A value the end of its page interrupts: kept, and marked so nobody reads it as complete."""
    return _CUT_MARK if cut_off else Markup("")


def block_text(block: Block) -> Markup:
    """A block's text as the ``<pre>`` of the source column holds it: each piece a span naming the
    evidence spans that cover it, an anchor where a span starts, the gaps between excerpts marked."""
    parts: list[str] = []
    for number, excerpt in enumerate(block.excerpts):
        if number:
            missing = excerpt.missing_before
            parts.append(f'<span class="gap" title="{escape(missing)} character{"" if missing == 1 else "s"} '
                         f'not in the graph"> ⋯ </span>')
        for piece in excerpt.pieces:
            parts.extend(f'<a class="anchor" id="{escape(anchor)}"></a>' for anchor in piece.anchors)
            parts.append(f'<span class="ev depth-{min(len(piece.keys), 3)}" data-ev="{escape(" ".join(piece.keys))}">'
                         f'{escape(piece.text)}</span>')
    return Markup("".join(parts))
