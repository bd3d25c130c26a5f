"""A code's neighbourhood in the graph (the code, its anatomy, procedure steps, payers and
policies) drawn by Graphviz as SVG at build time, for inlining into the code page.

Graphviz (Debian's ``graphviz`` package, through the PyPI ``graphviz`` binding) lays the graph
out; codegraph only says what is connected to what. Every label is data from the graph, so plain
labels go through ``graphviz.escape`` (no ``<...>`` HTML-label or backslash escapes) and the text
of the HTML-like step tables through ``html.escape``; Graphviz writes them into the SVG as XML
text. Links are kept only when they are http(s) IRIs or anchors on the page. Without Graphviz's
``dot`` the site still builds, and each page says the diagram needs Graphviz.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as html_escape

import graphviz

from .data import CodePage, Fact
from .links import safe_href

_STATUS_COLOURS = {
    "covered": "#2e7d32", "conditional": "#00838f", "not-covered": "#c62828", "experimental": "#ad1457",
    "not-stated": "#757575", "source-declares-unavailable": "#757575",
}
_MAX_LABEL = 48
MISSING_GRAPHVIZ = ("The neighbourhood diagram needs Graphviz's 'dot' program, which was not found when this site "
                    "was built: install Graphviz (Debian: apt-get install graphviz) and run 'codegraph site' again.")


@dataclass(frozen=True)
class Diagram:
    """A code's neighbourhood drawn by Graphviz, or the reason it could not be drawn."""
    svg: str | None  # inline SVG markup, or None when it could not be drawn
    note: str | None = None  # why there is no diagram


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "\u2026"


def neighbourhood_graph(page: CodePage) -> graphviz.Digraph:
    """The code's neighbourhood as a Graphviz graph (not yet laid out)."""
    graph = graphviz.Digraph("neighbourhood", graph_attr={"rankdir": "LR", "bgcolor": "transparent", "fontname": "Helvetica",
                                                          "nodesep": "0.25", "ranksep": "0.6"},
                             node_attr={"fontname": "Helvetica", "fontsize": "11"},
                             edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#777777"})
    counter = iter(range(1_000_000))

    def node_id() -> str:
        return f"n{next(counter)}"

    code = node_id()
    graph.node(code, graphviz.escape(page.label), shape="box", style="filled,bold", fillcolor="#1d4f91",
               fontcolor="white", tooltip=graphviz.escape(_short(page.title or page.label)))

    drawn_anatomy: set[str] = set()
    for fact in page.facts_of("anatomy"):  # one node per structure, however many pages name it
        if (fact.link or fact.value) in drawn_anatomy:
            continue
        drawn_anatomy.add(fact.link or fact.value)
        target = node_id()
        href = safe_href(fact.link)
        graph.node(target, graphviz.escape(_short(fact.value)), shape="ellipse", style="filled", fillcolor="#e0f2e9",
                   color="#2e7d32", tooltip=graphviz.escape(fact.link or fact.value), **({"URL": href, "target": "_blank"} if href else {}))
        graph.edge(code, target, label="targets")

    steps_by_document: dict[str, list[Fact]] = {}
    for fact in page.facts_of("step"):
        steps_by_document.setdefault(fact.span.document if fact.span else "", []).append(fact)
    for steps in steps_by_document.values():
        title = "procedure steps"
        if len(steps_by_document) > 1 and steps[0].span:  # several pages: say whose workflow
            title += f" ({steps[0].span.path.rsplit('/', 1)[-1]})"
        rows = []
        for fact in sorted(steps, key=lambda f: f.order or 0):
            href = f' HREF="#{fact.span.key}"' if fact.span else ""
            rows.append(f'<TR><TD ALIGN="LEFT" BGCOLOR="#fff8e1"{href} TOOLTIP="{html_escape(_short(fact.value) or " ")}">'
                        f"{fact.order}. {html_escape(fact.detail or 'step')}</TD></TR>")
        table = node_id()
        label = ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" BGCOLOR="#fff8e1" COLOR="#b08900">'
                 f'<TR><TD><B>{html_escape(_short(title))}</B></TD></TR>' + "".join(rows) + "</TABLE>>")
        graph.node(table, label, shape="plain")
        graph.edge(code, table, label="workflow")

    payers: dict[str, str] = {}
    statuses: dict[str, list[str]] = {}
    policies: dict[tuple[str, str], str] = {}
    for row in page.coverage:
        if row.payer not in payers:
            payers[row.payer] = node_id()
            graph.node(payers[row.payer], graphviz.escape(_short(row.payer)), shape="ellipse", style="filled",
                       fillcolor="#fdebd3", color="#b35c00", URL="#coverage")
        statuses.setdefault(row.payer, [])
        if row.status not in statuses[row.payer]:
            statuses[row.payer].append(row.status)
        if row.policy and (row.payer, row.policy) not in policies:
            policy = policies[(row.payer, row.policy)] = node_id()
            href = safe_href(row.policy_url)
            label = row.policy + (f"\n{_short(row.policy_title)}" if row.policy_title else "")
            graph.node(policy, graphviz.escape(label), shape="note", style="filled", fillcolor="#ede7f6", color="#5e35b1",
                       **({"URL": href, "target": "_blank"} if href else {}))
            graph.edge(payers[row.payer], policy, label="policy")
    for payer, node in payers.items():
        found = statuses[payer]
        colour = _STATUS_COLOURS.get(found[0], "#777777") if len(found) == 1 else "#e65100"
        graph.edge(code, node, label=graphviz.escape(", ".join(found)), color=colour, fontcolor=colour)
    return graph


class DiagramRenderer:
    """Draws pages' diagrams; after Graphviz is found missing once, stops trying."""

    def __init__(self, enabled: bool = True):
        self.missing_note: str | None = None if enabled else "Diagrams were turned off for this build (--no-diagrams)."

    def render(self, page: CodePage) -> Diagram:
        if self.missing_note:
            return Diagram(None, self.missing_note)
        try:
            svg = neighbourhood_graph(page).pipe(format="svg", encoding="utf-8")
        except graphviz.ExecutableNotFound:
            self.missing_note = MISSING_GRAPHVIZ
            return Diagram(None, self.missing_note)
        except graphviz.CalledProcessError as error:
            stderr = error.stderr.decode("utf-8", "replace") if isinstance(error.stderr, bytes) else str(error.stderr or "")
            first = stderr.strip().splitlines()[:1]
            return Diagram(None, "Graphviz could not draw this diagram" + (f": {first[0]}" if first else "."))
        if "<svg" not in svg:
            return Diagram(None, "Graphviz gave no SVG for this diagram.")
        return Diagram(svg[svg.index("<svg"):])  # inline: without the XML declaration and doctype
