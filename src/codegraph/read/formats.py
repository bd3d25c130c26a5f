"""Markdown and saved HTML pages to the plain-text form of the same page.

The result has the layout of the family's plain-text pages (a heading per line, paragraphs per
line, ``- `` bullets, pipe tables), so one set of extractors reads all three formats and a page
gives the same facts whatever format it was saved in. Evidence offsets of such a page point into
this text form.
"""

from __future__ import annotations

import html as html_entities
import re

from .wrap import wrapped_breaks

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
}
_SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "template", "svg"}
# Elements whose content is raw text up to their end tag (no markup inside).
_RAW_TEXT_TAGS = {"script", "style"}
_WHITESPACE = re.compile(r"\s+")


class _TextRenderer:
    """Collects the lines of the plain-text rendering from a stream of tags and text."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.header_row = False
        self.table_rows = 0

    def _flush(self) -> None:
        text = _WHITESPACE.sub(" ", "".join(self.current)).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def start(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
            return
        if self.skipping:
            return
        if tag == "br":
            self._flush()
        elif tag == "table":
            self._flush()
            self.table_rows = 0
        elif tag == "tr":
            self._flush()
            self.row, self.header_row = [], False
        elif tag in ("td", "th"):
            self.cell = []
            self.header_row = self.header_row or tag == "th"
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag == "li":
                self.current.append("- ")

    def end(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(_WHITESPACE.sub(" ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.lines.append("| " + " | ".join(self.row) + " |")
            if self.header_row and self.table_rows == 0:
                self.lines.append("|" + "|".join("---" for _ in self.row) + "|")
            self.table_rows += 1
            self.row = None
        elif tag in _BLOCK_TAGS:
            self._flush()

    def data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)

    def text(self) -> str:
        if self.cell is not None and self.row is not None:  # a page cut inside a table cell
            self.end("td")
        if self.row is not None:
            self.end("tr")
        self._flush()
        return "\n".join(self.lines) + "\n"


_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")


def html_to_text(html: str) -> str:
    """The plain-text rendering of a saved HTML page.

    A single forward scan, not ``html.parser``: the standard parser rescans an unclosed tag each
    time more input arrives, and 400 KB of ``<a<a<a...`` took 104 s. Here every ``find`` starts
    where the last one ended, so the work is linear. A tag ends at the first ``>`` (quoted ``>``
    inside attribute values is not honoured: saved pages hardly use it, and the text is all we
    keep). Entities are decoded in text only.
    """
    renderer = _TextRenderer()
    length = len(html)
    last_gt = html.rfind(">")
    pos = 0
    while pos < length:
        lt = html.find("<", pos)
        if lt < 0:
            renderer.data(html_entities.unescape(html[pos:]))
            break
        if lt > pos:
            renderer.data(html_entities.unescape(html[pos:lt]))
        if lt > last_gt:  # no ">" after here: the rest is text (a page cut inside a tag)
            renderer.data(html_entities.unescape(html[lt:]))
            break
        if html.startswith("<!--", lt):
            close = html.find("-->", lt + 4)
            if close < 0:
                break  # an unclosed comment hides the rest of the page, as in a browser
            pos = close + 3
            continue
        tag = _TAG_NAME.match(html, lt)
        if tag is None and not html.startswith(("<!", "<?"), lt):
            renderer.data("<")  # "a < b": a literal less-than sign
            pos = lt + 1
            continue
        gt = html.find(">", lt + 1)
        pos = gt + 1
        if tag is None:
            continue  # <!DOCTYPE ...>, <?xml ...?>
        name = tag.group(2).lower()
        if tag.group(1):
            renderer.end(name)
            continue
        renderer.start(name)
        if html[gt - 1] == "/":  # <br/>, <p/>: self-closing
            renderer.end(name)
        elif name in _RAW_TEXT_TAGS:
            close_match = re.compile(rf"</{name}\b", re.IGNORECASE).search(html, pos)
            if close_match is None:
                break
            gt = html.find(">", close_match.end())
            pos = length if gt < 0 else gt + 1
            renderer.end(name)
    return renderer.text()


# Linear forms: no lazy group before an optional tail, no bracket class that can run past the
# next opening bracket (each was quadratic on a long run of spaces or brackets).
_MD_HEADING = re.compile(r"\s{0,3}#{1,6}(?:\s+|$)")
_MD_RULE = re.compile(r"\s{0,3}(?:[-*_]\s*){3,}$")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")
_MD_BULLET = re.compile(r"(\s*)[*+]\s+")
_MD_QUOTE = re.compile(r"\s*>\s?")


def _md_heading_text(line: str, marker_end: int) -> str:
    """The text of an ATX heading: the line after its ``#``s, without a closing run of ``#``."""
    text = line[marker_end:].strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1] == " "):
        text = closed.rstrip()
    return text


def markdown_to_text(markdown: str) -> str:
    """The plain-text rendering of a Markdown page: one line per heading, paragraph, item or row.

    Lines of one paragraph that only wrap a sentence are joined (see ``wrap.py``); a blank line
    ends a paragraph.
    """
    paragraphs: list[list[str]] = [[]]
    for line in markdown.splitlines():
        if not line.strip():
            paragraphs.append([])
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            paragraphs.append([_md_heading_text(line, heading.end())])
            paragraphs.append([])
            continue
        if _MD_RULE.match(line) and "|" not in line:
            paragraphs.append([])
            continue
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub("", line)
        line = _MD_BULLET.sub(r"\1- ", line, count=1) if _MD_BULLET.match(line) else line
        line = _MD_QUOTE.sub("", line, count=1) if _MD_QUOTE.match(line) else line
        paragraphs[-1].append(line.rstrip())
    lines: list[str] = []
    for paragraph in paragraphs:
        if not paragraph:
            continue
        joined = [paragraph[0]]
        for wraps, line in zip(wrapped_breaks(paragraph), paragraph[1:], strict=False):
            if wraps:
                joined[-1] = f"{joined[-1]} {line.strip()}"
            else:
                joined.append(line)
        lines.extend(line for line in joined if line.strip())
    return "\n".join(lines) + "\n"


def detect_format(path: str, text: str) -> str:
    """The page's format (html, markdown or text), by extension, then by content."""
    lower = path.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


def to_plain_text(path: str, text: str) -> tuple[str, str]:
    """(format, plain text) of a decoded page."""
    fmt = detect_format(path, text)
    if fmt == "html":
        return fmt, html_to_text(text)
    if fmt == "markdown":
        return fmt, markdown_to_text(text)
    return fmt, text
