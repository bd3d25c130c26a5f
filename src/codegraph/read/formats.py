"""Markdown and saved HTML pages to the plain-text form of the same page.

The result has the layout of the family's plain-text pages (a heading per line, paragraphs per
line, ``- `` bullets, pipe tables), so one set of extractors reads all three formats and a page
gives the same facts whatever format it was saved in. Evidence offsets of such a page point into
this text form.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
}
_SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "template", "svg"}


class _TextRenderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skipping = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.header_row = False
        self.table_rows = 0

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs) -> None:
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

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.lines.append("| " + " | ".join(self.row) + " |")
            if self.header_row and self.table_rows == 0:
                self.lines.append("|" + "|".join("---" for _ in self.row) + "|")
            self.table_rows += 1
            self.row = None
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines) + "\n"


def html_to_text(html: str) -> str:
    renderer = _TextRenderer()
    renderer.feed(html)
    renderer.close()
    return renderer.text()


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|`)")
_MD_BULLET = re.compile(r"^(\s*)[*+]\s+")


def markdown_to_text(markdown: str) -> str:
    lines = []
    for line in markdown.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
        elif _MD_RULE.match(line) and "|" not in line:
            continue
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPHASIS.sub("", line)
        line = _MD_BULLET.sub(r"\1- ", line)
        line = re.sub(r"^\s*>\s?", "", line)  # block quotes
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    # Blank lines separate Markdown paragraphs; the plain-text family has none.
    return "\n".join(line for line in lines if line.strip()) + "\n"


def detect_format(path: str, text: str) -> str:
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
