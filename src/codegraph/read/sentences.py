"""Sentence boundaries inside a line.

A sentence ends at ``.``, ``!`` or ``?`` followed by space and something that starts a sentence;
"R15.9" and "e.g. the" do not end one. The pattern starts with the stop itself, so the engine
skips straight to the next ``.``, ``!`` or ``?`` (with a leading lookbehind it tested every
character: up to twice the time on these pages), and a run of spaces is scanned once: linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SENTENCE_END = re.compile(r"[.!?](\s++)(?=[\"'(]?[A-Z0-9])")


def split_sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int, str]]:
    """Sentences of ``text`` as (start, end, sentence), offsets shifted by ``offset``."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start(1)
        yield offset + start, offset + end, text[start:end]
        start = match.end()
    if start < len(text) and text[start:].strip():
        yield offset + start, offset + len(text), text[start:]
