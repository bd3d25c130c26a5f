"""Where a cut-off page stops: the page's own end, or a cut mid-word, mid-sentence, mid-row or
mid-heading.

Nearly every page of the family reaches us cut off around 2,000 characters, so "cut off" is a
normal state of a document, recorded as a fact (where: section, heading, offset, line) rather
than guessed by each reader of the facts. The last line decides:

- a whole known heading, or a sentence ending in ``.``, ``!`` or ``?``: the page ends there;
- the start of a known heading ("Clinic", "Clinical & Coding Spec"): cut mid-heading, in the
  section that heading opens;
- a table row with fewer cells than its header (or a header with no rows): cut mid-row;
- a label with no value ("Procedure workflow:"): cut mid-sentence;
- stray ``-`` separator lines at the end are skipped: the line before them decides;
- anything else without closing punctuation: cut, unless the source ended the line (a newline,
  or a closing tag in HTML) and the line is a label, bullet or title line, which need no full
  stop. "mid-word" means the text stops right after a letter or digit with nothing after it,
  so its last word may be incomplete; otherwise the cut is "mid-sentence".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .sections import HEADING_TEXT, cut_heading, heading_section

if TYPE_CHECKING:
    from .document import Document, Line

_SEPARATOR = re.compile(r"\s*+\|?+\s*+:?+-{2,}+:?+\s*+(?:\|\s*+:?+-{2,}+:?+\s*+)*+\|?+\s*+$")
_LABEL_ONLY = re.compile(r"\s*(?:[-*\u2022]\s*)?[A-Za-z][\w&/' -]{0,60}:\s*$")
_LABEL_LINE = re.compile(r"\s*(?:[-*\u2022]\s*)?[A-Za-z][\w&/'(),.-]*(?: [\w&/'(),.-]+){0,7}\s*:\s*\S")
_CLOSERS = "\"')]*"
_SEPARATOR_CHARS = set("-*_ \t")


@dataclass(frozen=True)
class Cut:
    """Where a cut-off document stops."""

    kind: str  # "mid-word", "mid-sentence", "mid-row" or "mid-heading"
    section: str  # section id the cut falls in (the cut heading's own section for "mid-heading")
    heading: str  # that section's heading as the page writes it (in full when the cut falls inside it)
    start: int  # offset where the interrupted sentence, row or heading starts
    offset: int  # offset just past the last character the page has
    line: int  # 1-based line of the cut


def _cells(text: str) -> int:
    stripped = text.strip()
    stripped = stripped.removeprefix("|")
    stripped = stripped.removesuffix("|")
    return stripped.count("|") + 1


def _table_header(doc: Document, index: int) -> Line | None:
    """The header line of the pipe table that line ``index`` (0-based) belongs to, if any."""
    lines = doc.lines
    while index > 0 and "|" in lines[index - 1].text:
        index -= 1
        if _SEPARATOR.match(lines[index].text) and index > 0 and "|" in lines[index - 1].text:
            return lines[index - 1]
    return None


def _sentence_start(doc: Document, line: Line) -> int:
    spans = doc.sentences(line)
    return spans[-1][0] if spans else line.start


def find_cut(doc: Document) -> Cut | None:
    """The cut of ``doc``, or None when its text ends where a page may end."""
    index = len(doc.lines) - 1
    while index >= 0 and set(doc.lines[index].text) <= _SEPARATOR_CHARS:
        index -= 1
    if index < 0:
        return None
    line = doc.lines[index]
    ended = doc.ends_with_line_end or index < len(doc.lines) - 1 and doc.content_end > line.end
    end = line.start + len(line.text.rstrip())
    text = line.text.strip()
    section = doc.section_at(max(0, end - 1))
    if heading_section(text) is not None:
        return None

    def cut(kind: str, start: int) -> Cut:
        heading = section.heading or HEADING_TEXT.get(section.name, "")
        return Cut(kind, section.name, heading, start, end, line.number)

    heading_cut = cut_heading(text, after=section.name)
    if heading_cut is not None:
        name, heading = heading_cut
        return Cut("mid-heading", name, heading, line.start, end, line.number)
    if "|" in text:
        if _SEPARATOR.match(text):
            return cut("mid-row", line.start)  # a header and its rule, no rows
        header = _table_header(doc, index)
        if header is not None:
            complete = _cells(text) >= _cells(header.text) and (
                text.endswith("|") or not header.text.strip().endswith("|") or ended
            )
            return None if complete else cut("mid-row", line.start)
    if _LABEL_ONLY.match(text):
        return cut("mid-sentence", line.start)
    if text.rstrip(_CLOSERS).endswith((".", "!", "?")):
        return None
    if ended and (_LABEL_LINE.match(text) or text.startswith(("-", "*", "\u2022"))):
        return None
    bare_end = not ended and (doc.format != "text" or end == len(doc.text))
    kind = "mid-word" if bare_end and doc.text[end - 1].isalnum() else "mid-sentence"
    return cut(kind, _sentence_start(doc, line))
