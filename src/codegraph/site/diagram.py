"""A code's neighbourhood in the graph (the code, its anatomy, procedure steps, payers and
policies) drawn as SVG at build time, for inlining into the code page.

The drawing is a fixed left-to-right layout computed here, no external program: the code on the
left, one column of what it points at (each anatomical structure, each page's procedure steps as
a table, each payer) and, right of each payer, its policies. Every edge leaves the code, bends
to its row and ends in a straight run that carries its label, so labels never cross. Text widths
come from Helvetica's font metrics (the diagram asks for Helvetica, sans-serif). A page's diagram
is a pure function of its data: the same graph draws byte-identical SVG on every build.

Every label is data from the graph, so all text and attribute values are XML-escaped (and
characters XML cannot hold dropped); links are kept only when they are http(s) IRIs (``safe_href``)
or anchors on the page. The SVG uses presentation attributes only, no ``style``: the pages'
Content-Security-Policy allows no inline styles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from .data import CodePage, Fact
from .links import safe_href

_STATUS_COLOURS = {
    "covered": "#2e7d32", "conditional": "#00838f", "not-covered": "#c62828", "experimental": "#ad1457",
    "not-stated": "#757575", "source-declares-unavailable": "#757575",
}
_MIXED_COLOUR = "#e65100"  # a payer whose rows state several statuses
_EDGE_COLOUR = "#777777"
_MAX_LABEL = 48
_FONT = "Helvetica,Arial,sans-serif"
_NODE_SIZE = 11.0  # font size of node labels
_EDGE_SIZE = 9.0  # font size of edge labels
_ROW = 36.0  # height of an ellipse or the code's box
_STEP_ROW = 20.0  # height of a row of a steps table
_GAP = 12.0  # vertical space between the items of a column
_BEND = 70.0  # horizontal run in which an edge bends from its source's height to its row's
_ARROW = 8.0
_MARGIN = 4.0

# Helvetica's advance widths (Adobe's AFM, per 1000 units of the font size); others: 556.
_WIDTHS = {" ": 278, "!": 278, '"': 355, "#": 556, "$": 556, "%": 889, "&": 667, "'": 191, "(": 333, ")": 333,
           "*": 389, "+": 584, ",": 278, "-": 333, ".": 278, "/": 278, ":": 278, ";": 278, "<": 584, "=": 584,
           ">": 584, "?": 556, "@": 1015, "[": 278, "\\": 278, "]": 278, "^": 469, "_": 556, "`": 333, "{": 334,
           "|": 260, "}": 334, "~": 584, "\u2026": 1000, "\u2013": 556, "\u2014": 1000, "\u2019": 222, "\u2018": 222}
_WIDTHS.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
                                                   722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611), strict=True))
_WIDTHS.update(zip("abcdefghijklmnopqrstuvwxyz", (556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833,
                                                   556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500), strict=True))
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Diagram:
    """A code's neighbourhood as inline SVG, or the reason there is none."""
    svg: str | None  # inline SVG markup, or None when it was not drawn
    note: str | None = None  # why there is no diagram


def _short(text: str) -> str:
    text = " ".join(_NOT_XML.sub("", text).split())
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "\u2026"


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width ``text`` takes in Helvetica at ``size`` px (bold about 7% wider)."""
    width = sum(_WIDTHS.get(char, 556) for char in text) * size / 1000
    return width * 1.07 if bold else width


def _n(value: float) -> str:
    """A coordinate as short, stable text (one decimal, no trailing .0)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(text: str) -> str:
    return escape(_NOT_XML.sub("", text), quote=True)


def _text(x: float, y: float, text: str, *, size: float = _NODE_SIZE, anchor: str = "middle", fill: str | None = None,
          bold: bool = False) -> str:
    extra = (f' fill="{fill}"' if fill else "") + (' font-weight="bold"' if bold else "")
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-family="{_FONT}" font-size="{_n(size)}"{extra}>'
            f"{escape(_NOT_XML.sub('', text), quote=False)}</text>")


def _linked(parts: list[str], href: str | None, tooltip: str | None, *, new_tab: bool = False) -> str:
    """``parts`` in a group with a tooltip, inside a link when there is one."""
    inner = (f"<title>{escape(_NOT_XML.sub('', tooltip), quote=False)}</title>" if tooltip else "") + "".join(parts)
    if href is None:
        return f"<g>{inner}</g>"
    target = ' target="_blank"' if new_tab else ""
    return f'<a xlink:href="{_attr(href)}"{target}>{inner}</a>'


@dataclass
class _Item:
    """A box in the diagram's middle or right column: its drawing and where edges meet it."""
    width: float
    height: float
    draw: Callable[[float, float], str]  # (x, y) -> SVG markup, y the item's top
    edge_label: str = ""
    edge_colour: str = _EDGE_COLOUR
    policies: list[_Item] = field(default_factory=list)  # a payer's policy notes, drawn right of it


def _ellipse(label: str, tooltip: str | None, href: str | None, fill: str, stroke: str, *, new_tab: bool = False) -> _Item:
    width = text_width(label, _NODE_SIZE) + 28

    def draw(x: float, y: float) -> str:
        cx, cy = x + width / 2, y + _ROW / 2
        return _linked([f'<ellipse cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(width / 2)}" ry="{_n(_ROW / 2)}" fill="{fill}" stroke="{stroke}"/>',
                        _text(cx, cy + 4, label)], href, tooltip, new_tab=new_tab)
    return _Item(width, _ROW, draw)


def _steps_table(title: str, steps: list[Fact]) -> _Item:
    rows = [(f"{fact.order}. {_short(fact.detail or 'step')}", f"#{fact.span.key}" if fact.span else None,
             _short(fact.value) or " ") for fact in sorted(steps, key=lambda f: f.order or 0)]
    width = max([text_width(title, _NODE_SIZE, bold=True)] + [text_width(text, _NODE_SIZE) for text, _, _ in rows]) + 12
    height = _STEP_ROW * (1 + len(rows))

    def draw(x: float, y: float) -> str:
        parts = [f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" fill="#fff8e1" stroke="#b08900"/>',
                 _text(x + 6, y + 14, title, anchor="start", bold=True)]
        for index, (text, href, tooltip) in enumerate(rows, start=1):
            top = y + index * _STEP_ROW
            parts.append(_linked([f'<rect x="{_n(x)}" y="{_n(top)}" width="{_n(width)}" height="{_n(_STEP_ROW)}" fill="#fff8e1" stroke="#b08900"/>',
                                  _text(x + 6, top + 14, text, anchor="start")], href, tooltip))
        return "<g>" + "".join(parts) + "</g>"
    return _Item(width, height, draw, edge_label="workflow")


def _policy_note(policy: str, title: str | None, href: str | None) -> _Item:
    lines = [_short(policy)] + ([_short(title)] if title else [])
    width = max(text_width(line, _NODE_SIZE) for line in lines) + 24
    height = max(_ROW, 14.0 * len(lines) + 12)

    def draw(x: float, y: float) -> str:
        fold = 8.0
        outline = (f'<path d="M{_n(x)},{_n(y)} H{_n(x + width - fold)} L{_n(x + width)},{_n(y + fold)} V{_n(y + height)} '
                   f'H{_n(x)} Z" fill="#ede7f6" stroke="#5e35b1"/>')
        corner = f'<path d="M{_n(x + width - fold)},{_n(y)} V{_n(y + fold)} H{_n(x + width)}" fill="none" stroke="#5e35b1"/>'
        first = y + height / 2 - 7 * (len(lines) - 1) + 4
        texts = [_text(x + width / 2, first + 14 * index, line) for index, line in enumerate(lines)]
        return _linked([outline, corner, *texts], href, policy, new_tab=True)
    return _Item(width, height, draw, edge_label="policy")


def _edge(x0: float, y0: float, x1: float, y1: float, run: float, label: str, colour: str) -> str:
    """An arrow from (x0, y0) to (x1, y1): a bend, then a straight run of ``run`` px carrying the label."""
    bend_end = x1 - run
    middle = (x0 + bend_end) / 2
    path = (f'<path d="M{_n(x0)},{_n(y0)} C{_n(middle)},{_n(y0)} {_n(middle)},{_n(y1)} {_n(bend_end)},{_n(y1)} '
            f'H{_n(x1 - _ARROW)}" fill="none" stroke="{colour}"/>')
    head = (f'<polygon points="{_n(x1)},{_n(y1)} {_n(x1 - _ARROW)},{_n(y1 - 3.5)} {_n(x1 - _ARROW)},{_n(y1 + 3.5)}" '
            f'fill="{colour}" stroke="{colour}"/>')
    text = _text(x1 - _ARROW - 4, y1 - 4, label, size=_EDGE_SIZE, anchor="end",
                 fill=None if colour == _EDGE_COLOUR else colour) if label else ""
    return f"<g>{path}{head}{text}</g>"


def _items(page: CodePage) -> list[_Item]:
    """What the code points at, top to bottom: anatomy, each page's procedure steps, payers."""
    items: list[_Item] = []
    drawn_anatomy: set[str] = set()
    for fact in page.facts_of("anatomy"):  # one node per structure, however many pages name it
        if (fact.link or fact.value) in drawn_anatomy:
            continue
        drawn_anatomy.add(fact.link or fact.value)
        item = _ellipse(_short(fact.value), fact.link or fact.value, safe_href(fact.link), "#e0f2e9", "#2e7d32", new_tab=True)
        item.edge_label = "targets"
        items.append(item)

    steps_by_document: dict[str, list[Fact]] = {}
    for fact in page.facts_of("step"):
        steps_by_document.setdefault(fact.span.document if fact.span else "", []).append(fact)
    for steps in steps_by_document.values():
        title = "procedure steps"
        if len(steps_by_document) > 1 and steps[0].span:  # several pages: say whose workflow
            title += f" ({steps[0].span.path.rsplit('/', 1)[-1]})"
        items.append(_steps_table(_short(title), steps))

    payers: dict[str, _Item] = {}
    statuses: dict[str, list[str]] = {}
    policies: set[tuple[str, str]] = set()
    for row in page.coverage:
        if row.payer not in payers:
            payers[row.payer] = _ellipse(_short(row.payer), row.payer, "#coverage", "#fdebd3", "#b35c00")
            statuses[row.payer] = []
        if row.status not in statuses[row.payer]:
            statuses[row.payer].append(row.status)
        if row.policy and (row.payer, row.policy) not in policies:
            policies.add((row.payer, row.policy))
            payers[row.payer].policies.append(_policy_note(row.policy, row.policy_title, safe_href(row.policy_url)))
    for payer, item in payers.items():
        found = statuses[payer]
        item.edge_label = ", ".join(found)
        item.edge_colour = _STATUS_COLOURS.get(found[0], _EDGE_COLOUR) if len(found) == 1 else _MIXED_COLOUR
        items.append(item)
    return items


def neighbourhood_svg(page: CodePage) -> str:
    """The code's neighbourhood as one ``<svg>`` element (deterministic, well-formed XML)."""
    label = _short(page.label)
    code_width = text_width(label, _NODE_SIZE, bold=True) + 20
    items = _items(page)

    # rows: each item, beside its policies stacked; a row is as tall as the taller of the two
    heights = [max(item.height, sum(p.height for p in item.policies) + _GAP * max(0, len(item.policies) - 1)) for item in items]
    total = sum(heights) + _GAP * max(0, len(items) - 1)
    height = max(total, _ROW) + 2 * _MARGIN
    code_x, code_y = _MARGIN, height / 2 - _ROW / 2
    label_run = max([text_width(item.edge_label, _EDGE_SIZE) for item in items] + [0.0]) + _ARROW + 12
    column = code_x + code_width + _BEND + label_run
    widest = max([item.width for item in items if item.policies] + [0.0])
    policy_run = text_width("policy", _EDGE_SIZE) + _ARROW + 12
    policy_column = column + widest + 40 + policy_run
    right = max([column + item.width for item in items]
                + [policy_column + p.width for item in items for p in item.policies] + [code_x + code_width])

    code = _linked([f'<rect x="{_n(code_x)}" y="{_n(code_y)}" width="{_n(code_width)}" height="{_n(_ROW)}" '
                    f'fill="#1d4f91" stroke="black" stroke-width="2"/>',
                    _text(code_x + code_width / 2, code_y + _ROW / 2 + 4, label, fill="white", bold=True)],
                   None, _short(page.title or page.label))
    parts: list[str] = [code]
    top = (height - total) / 2
    for item, row_height in zip(items, heights, strict=True):
        item_y = top + (row_height - item.height) / 2
        centre = item_y + item.height / 2
        parts.append(_edge(code_x + code_width, height / 2, column, centre, label_run, item.edge_label, item.edge_colour))
        parts.append(item.draw(column, item_y))
        stacked = sum(p.height for p in item.policies) + _GAP * max(0, len(item.policies) - 1)
        policy_y = top + (row_height - stacked) / 2
        for policy in item.policies:
            policy_centre = policy_y + policy.height / 2
            parts.append(_edge(column + item.width, centre, policy_column, policy_centre, policy_run, policy.edge_label,
                               _EDGE_COLOUR))
            parts.append(policy.draw(policy_column, policy_y))
            policy_y += policy.height + _GAP
        top += row_height + _GAP
    width = right + _MARGIN
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{_n(width)}" '
            f'height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label="{_attr("Neighbourhood of " + label)}">'
            f"<title>{escape('Neighbourhood of ' + label, quote=False)}</title>" + "\n".join(parts) + "</svg>")


class DiagramRenderer:
    """Draws pages' diagrams, unless they were turned off."""

    def __init__(self, enabled: bool = True):
        self.missing_note: str | None = None if enabled else "Diagrams were turned off for this build (--no-diagrams)."

    def render(self, page: CodePage) -> Diagram:
        if self.missing_note:
            return Diagram(None, self.missing_note)
        return Diagram(neighbourhood_svg(page))
