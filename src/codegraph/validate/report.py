"""The validation report model and its renderings (text, JSON, Turtle ``sh:ValidationReport``;
the HTML page is ``html.py``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rdflib import Graph

if TYPE_CHECKING:
    from .engines.base import EngineResult

SEVERITY_RANK = {"info": 1, "warning": 2, "violation": 3}


@dataclass(frozen=True)
class Finding:
    """One SHACL result, placed on its code and facet, with a message an analyst can act on."""
    severity: str  # "violation" | "warning" | "info"
    focus_node: str
    path: str | None
    shape: str
    component: str
    message: str
    value: str | None
    code: str | None  # notation of the code the finding belongs to, for grouping
    facet: str | None = None  # what part of the code's data it concerns ("modifiers", "payer policies", ...)
    source_shape: str | None = None  # the property shape that fired, when it is not ``shape`` itself
    level: str = "document"  # "code": about the code, all its sources together; "document": about what one source says
    document: str | None = None  # the file or URL the focus node was read from (a document-level finding)
    line: int | None = None  # and its line, where the focus is a fact, statement or span

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    @property
    def where(self) -> str:
        """"per code", or the document (and line) the finding is about."""
        if self.level == "code" or self.document is None:
            return "per code" if self.level == "code" else "in the graph"
        return f"{self.document} line {self.line}" if self.line is not None else self.document


@dataclass
class ValidationReport:
    """The findings of one validation run, with the engine and the day it judged against."""
    findings: list[Finding]
    # The W3C sh:ValidationReport graph, or a function that builds it: on a large store it has
    # half a million triples and most callers never read it, so it is built on first use.
    results_graph_source: Graph | Callable[[], Graph] = field(repr=False)
    as_of: date | None = None  # the date time-dependent shapes were judged against
    engine: str | None = None
    # The engine's results the findings were placed from (a store's report keeps them beside it:
    # validate/kept.py); None where they were not kept.
    engine_results: list[EngineResult] | None = field(default=None, repr=False, compare=False)

    @property
    def results_graph(self) -> Graph:
        if not isinstance(self.results_graph_source, Graph):
            self.results_graph_source = self.results_graph_source()
        return self.results_graph_source

    @property
    def conforms(self) -> bool:
        """SHACL's ``sh:conforms`` (section 3.6): true only when there is no result at all, of any
        severity. Whether a run *fails* is ``fails(fail_on)``, which the exit code follows."""
        return not self.findings

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {severity: counter.get(severity, 0) for severity in ("violation", "warning", "info")}

    def fails(self, fail_on: str) -> bool:
        """True when any finding is at or above the ``fail_on`` severity."""
        threshold = SEVERITY_RANK[fail_on]
        return any(f.severity_rank >= threshold for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "engine": self.engine,
            "findings": [asdict(f) for f in self.findings],
        }

    def render_json(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def render_turtle(self) -> str:
        return self.results_graph.serialize(format="turtle")

    def render_html(self, title: str = "codegraph validation report", index_href: str | None = None) -> str:
        """The report as one self-contained page (``index_href`` adds a link back to a site's index)."""
        from .html import render_html

        return render_html(self, title=title, index_href=index_href)

    def render(self, fmt: str, title: str = "codegraph validation report") -> str:
        """The report in ``fmt``: text, json, turtle or html."""
        if fmt == "html":
            return self.render_html(title)
        return {"text": self.render_text, "json": self.render_json, "turtle": self.render_turtle}[fmt]()

    def render_text(self) -> str:
        counts = self.counts()
        lines = [
            f"{'conforms' if self.conforms else 'does NOT conform'}: "
            f"{counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info"
            + (f" (as of {self.as_of.isoformat()}, engine {self.engine})" if self.as_of and self.engine else "")
        ]
        by_shape = Counter((f.severity, _short(f.shape)) for f in self.findings)
        for (severity, shape), count in sorted(by_shape.items(), key=lambda item: (-SEVERITY_RANK[item[0][0]], item[0][1])):
            lines.append(f"  {severity:<9} {count:>4}  {shape}")
        current = object()
        for finding in self.findings:
            if finding.code != current:
                current = finding.code
                lines.append("")
                lines.append(f"code {finding.code or '(no code)'}")
            path = f" [{_short(finding.path)}]" if finding.path else ""
            value = f" = {_short(finding.value)}" if finding.value and finding.value != finding.focus_node else ""
            lines.append(f"  {finding.severity.upper():<9} {_short(finding.focus_node)}{path}{value}")
            lines.append(f"            {finding.where}: {finding.message}")
        return "\n".join(lines) + "\n"


def short_iri(iri: str | None) -> str:
    """An IRI with one of codegraph's prefixes (cgsh:, cg:, cgid:, cpt:, ...) where one fits."""
    return _short(iri)


def _short(iri: str | None) -> str:
    if iri is None:
        return ""
    for prefix, base in (
        ("cgsh:", "https://w3id.org/codegraph/shapes#"),
        ("cg:", "https://w3id.org/codegraph/ontology#"),
        ("cgid:", "https://w3id.org/codegraph/id/"),
        ("cpt:", "http://purl.bioontology.org/ontology/CPT/"),
        ("hcpcs:", "http://purl.bioontology.org/ontology/HCPCS/"),
        ("icd10cm:", "http://purl.bioontology.org/ontology/ICD10CM/"),
        ("skos:", "http://www.w3.org/2004/02/skos/core#"),
    ):
        if iri.startswith(base):
            return prefix + iri[len(base):]
    return iri
