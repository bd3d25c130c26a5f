"""The validation report as one self-contained HTML page an analyst opens in a browser.

No external resources (styles and the filter script are inline), every value from the graph is
HTML-escaped, and the page reads without JavaScript: the script only adds the severity filter.
Findings are grouped by code, then by facet (modifiers, payer policies, procedure steps, ...).
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from html import escape
from itertools import groupby

from .report import SEVERITY_RANK, Finding, ValidationReport, short_iri

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; color: #444; }
.meta { color: #555; margin-top: 0; }
.counts span, .badge { display: inline-block; border-radius: .3rem; padding: .05rem .45rem; font-size: .85rem; font-weight: 600; }
.violation { background: #fde2e1; color: #8a1c17; }
.warning { background: #fff1cc; color: #7a5300; }
.info { background: #e3eefc; color: #1d4f91; }
fieldset { border: 1px solid #ddd; border-radius: .4rem; display: inline-block; padding: .3rem .8rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
th { font-size: .85rem; color: #555; }
td.where { font-family: ui-monospace, monospace; font-size: .85rem; word-break: break-all; width: 32%; }
li.finding { list-style: none; border-left: 4px solid #ccc; margin: .4rem 0; padding: .3rem .6rem; }
li.finding.violation { border-color: #c9302c; background: none; }
li.finding.warning { border-color: #e0a800; background: none; }
li.finding.info { border-color: #3a78c3; background: none; }
.finding .message { margin: .2rem 0; }
.finding .where { font-family: ui-monospace, monospace; font-size: .8rem; color: #555; word-break: break-all; }
ul.findings { padding-left: 0; }
[hidden] { display: none !important; }
"""

# Hides the findings of unticked severities, and a facet or code section left with none showing.
_SCRIPT = """
(function () {
  var boxes = document.querySelectorAll('input[name=severity]');
  function apply() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.value] = box.checked; });
    document.querySelectorAll('li.finding').forEach(function (item) {
      item.hidden = !shown[item.dataset.severity];
    });
    document.querySelectorAll('.facet, .code').forEach(function (section) {
      section.hidden = section.querySelectorAll('li.finding:not([hidden])').length === 0;
    });
    var visible = document.querySelectorAll('li.finding:not([hidden])').length;
    document.getElementById('visible').textContent = visible;
  }
  boxes.forEach(function (box) { box.addEventListener('change', apply); });
  document.getElementById('filters').hidden = false;
  apply();
})();
"""


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# Only this page's own style and script may run, and nothing is fetched: a finding's message or
# value that slipped through escaping still could not run a script or call out.
_CSP = f"default-src 'none'; style-src {_digest(_STYLE)}; script-src {_digest(_SCRIPT)}; img-src 'self' data:"


def render_html(report: ValidationReport, title: str = "codegraph validation report", index_href: str | None = None) -> str:
    """The report as one self-contained page; ``index_href`` adds a link back (the site's index)."""
    counts = report.counts()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        *([f'<p><a href="{escape(index_href)}">&larr; all codes</a></p>'] if index_href else []),
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{"Conforms" if report.conforms else "Does not conform"}'
        + (f" &middot; as of {escape(report.as_of.isoformat())}" if report.as_of else "")
        + (f" &middot; engine {escape(report.engine)}" if report.engine else "")
        + "</p>",
        '<p class="counts">'
        + " ".join(f'<span class="{s}">{counts[s]} {s}{"" if s == "info" else "(s)"}</span>' for s in ("violation", "warning", "info"))
        + "</p>",
        # Hidden until the script runs: without JavaScript every finding is shown and there is nothing to filter.
        '<form id="filters" hidden><fieldset><legend>Show</legend>'
        + "".join(
            f'<label><input type="checkbox" name="severity" value="{s}" checked> {s}</label> '
            for s in ("violation", "warning", "info")
        )
        + ' &middot; <span id="visible">0</span> shown</fieldset></form>',
    ]
    parts += _summary(report.findings)
    for code, findings in groupby(report.findings, key=lambda f: f.code):
        parts += _code_section(code, list(findings))
    if not report.findings:
        parts.append("<p>No findings.</p>")
    parts += [f"<script>{_SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _summary(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    by_shape = Counter((f.severity, short_iri(f.shape)) for f in findings)
    rows = [
        f'<tr><td><span class="badge {escape(severity)}">{escape(severity)}</span></td><td>{count}</td><td>{escape(shape)}</td></tr>'
        for (severity, shape), count in sorted(by_shape.items(), key=lambda item: (-SEVERITY_RANK[item[0][0]], item[0][1]))
    ]
    return ["<h2>By shape</h2>", "<table><thead><tr><th>severity</th><th>findings</th><th>shape</th></tr></thead><tbody>",
            *rows, "</tbody></table>"]


def _code_section(code: str | None, findings: list[Finding]) -> list[str]:
    counts = Counter(f.severity for f in findings)
    label = f"code {code}" if code else "not tied to a code"
    parts = [
        f'<section class="code" data-code="{escape(code or "")}">',
        f"<h2>{escape(label)} "
        + " ".join(f'<span class="badge {s}">{counts[s]}</span>' for s in ("violation", "warning", "info") if counts[s])
        + "</h2>",
    ]
    for facet, in_facet in groupby(sorted(findings, key=lambda f: (f.facet or "other", -f.severity_rank)), key=lambda f: f.facet or "other"):
        parts += [f'<div class="facet"><h3>{escape(facet)}</h3>', '<ul class="findings">']
        parts += [_finding_item(finding) for finding in in_facet]
        parts += ["</ul>", "</div>"]
    parts.append("</section>")
    return parts


def _finding_item(finding: Finding) -> str:
    where = short_iri(finding.focus_node)
    if finding.path:
        where += f" \u2192 {short_iri(finding.path)}"
    if finding.value and finding.value != finding.focus_node:  # SHACL-SPARQL reports $this when no ?value is bound
        where += f" = {short_iri(finding.value)}"
    return (
        f'<li class="finding {escape(finding.severity)}" data-severity="{escape(finding.severity)}">'
        f'<span class="badge {escape(finding.severity)}">{escape(finding.severity)}</span> '
        f'<span class="shape">{escape(short_iri(finding.shape))}</span>'
        f'<p class="message">{escape(finding.message)}</p>'
        f'<div class="where">{escape(finding.where)} \u00b7 {escape(where)}</div>'
        "</li>"
    )
