"""The site's pages as HTML, from Jinja2 templates with autoescaping on.

Every value from the graph reaches a page through ``{{ ... }}``, which HTML-escapes it; nothing
from the graph is marked safe except the diagram's SVG, which ``diagram.py`` writes with every
label escaped as XML text. IRIs become links only through ``safe_href``. Each page also
carries a Content-Security-Policy that allows only the site's own script and stylesheet files:
no inline script runs and nothing is fetched from the network, even if something slipped through.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..coverage.matrix import MatrixCell
from .data import CodePage, SiteData
from .diagram import Diagram
from .excerpts import blocks
from .fragments import block_text, cut_mark, fact_link
from .links import safe_href

# facet key (site-code-facts.rq) -> heading on the code page
FACET_LABELS = {
    "anatomy": "Anatomy",
    "step": "Procedure steps",
    "concept": "Clinical concepts",
    "modifier": "Modifiers",
    "taxonomy": "Provider taxonomies",
    "icd10": "ICD-10-CM mappings",
    "related-code": "Related codes",
    "unavailable": "Declared unavailable",
}
# coverage-matrix and cg:coverageStatus values, in the order a summary lists them
STATUS_ORDER = ["covered", "conditional", "not-covered", "experimental", "conflict", "varies", "not-stated",
                "source-declares-unavailable", "unknown"]
MATRIX_STATUSES = ["covered", "conditional", "not-covered", "conflict", "unknown"]  # what a matrix cell answers (coverage/rule.py)
STATUS_LABELS = {"covered": "covered", "conditional": "conditional", "not-covered": "not covered",
                 "experimental": "experimental", "conflict": "conflict", "varies": "varies by line of business",
                 "not-stated": "not stated", "source-declares-unavailable": "declared unavailable", "unknown": "unknown"}


@dataclass(frozen=True)
class SiteContext:
    """What every page says about the build in its footer."""

    version: str
    source: str
    as_of: str | None
    engine: str | None


@dataclass(frozen=True)
class StatusCount:
    """How many codes of the matrix have one coverage status."""
    status: str
    label: str
    count: int
    payers: str


def status_summary(cells: list[MatrixCell]) -> list[StatusCount]:
    """A code's coverage-matrix rows as counts by status, each with the payers it covers."""
    by_status: dict[str, list[str]] = defaultdict(list)
    for cell in cells:
        by_status[cell.status].append(cell.payer + (f" ({cell.line_of_business})" if cell.line_of_business else ""))
    ordered = sorted(by_status, key=lambda s: (STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER), s))
    return [StatusCount(s, STATUS_LABELS.get(s, s), len(by_status[s]), ", ".join(by_status[s])) for s in ordered]


class SiteRenderer:
    """Renders the site's pages from its data with autoescaped Jinja2 templates."""
    def __init__(self, data: SiteData, context: SiteContext):
        self.data = data
        self.context = context
        self.env = Environment(
            loader=PackageLoader("codegraph.site", "templates"),
            autoescape=select_autoescape(["html"], default_for_string=True, default=True),
            undefined=StrictUndefined,  # a misspelt name in a template fails the build, not a blank cell
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # the templates do not change during a build: no file check per page
        )
        self.env.filters["safe_href"] = safe_href
        self.env.globals.update(site=context, facet_labels=FACET_LABELS, status_labels=STATUS_LABELS,
                                status_summary=status_summary, fact_link=fact_link, cut_mark=cut_mark, block_text=block_text)

    @cached_property
    def _pages_by_iri(self) -> dict[str, CodePage]:
        return {page.iri: page for page in self.data.codes}

    def index(self) -> str:
        systems = sorted({page.system for page in self.data.codes if page.system})
        return self.env.get_template("index.html").render(root="", data=self.data, systems=systems,
                                                          counts=self.data.report.counts())

    def matrix(self) -> str:
        payers = self.data.payers
        cells: dict[tuple[str, str], list[MatrixCell]] = defaultdict(list)
        for cell in self.data.matrix:
            cells[(cell.code, cell.payer)].append(cell)
        rows = [page for page in self.data.codes if page.matrix]
        return self.env.get_template("matrix.html").render(root="", payers=payers, cells=cells, rows=rows,
                                                           legend=MATRIX_STATUSES, matrix_date=self.data.matrix_date)

    def code_page(self, page: CodePage, diagram: Diagram) -> str:
        related = {fact.link: self._pages_by_iri[fact.link] for fact in page.facts_of("related-code")
                   if fact.link in self._pages_by_iri}
        sources = [(document, blocks(document.spans)) for document in page.sources]
        gaps = [(finding, page.span_of_node(finding.focus_node)) for finding in page.gaps]
        return self.env.get_template("code.html").render(root="../", page=page, diagram=diagram, related=related,
                                                         sources=sources, gaps=gaps, counts=page.gap_counts(),
                                                         matrix_date=self.data.matrix_date)
