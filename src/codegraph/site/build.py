"""Build the whole site: validate, query, render every page, write the folder in one swap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..store import GraphStore
from ..validate import ValidationReport
from ..validate.html import render_html
from .data import SiteData, collect_site_data
from .diagram import DiagramRenderer
from .render import SiteContext, SiteRenderer
from .write import replacing_directory

ASSETS = ("site.css", "site.js")
SEARCH_INDEX = "search-index.js"
"""The search box's index: the names ``codegraph find`` searches, as one script that sets a global.
A page opened from disk may not fetch a JSON file (file:// has no origin to fetch from, and the
Content-Security-Policy allows no connections), but it may run a script of its own, as Sphinx's
searchindex.js does."""


def search_index_script(store: GraphStore, data: SiteData) -> str:
    """``window.codegraphSearch = {...}``: every entry of the graph's search index with the forms
    it is found by (names, titles, aliases, synonyms), each code with its page."""
    import json

    from ..search import search_index

    pages = {page.code: page.file_name for page in data.codes}
    entries = []
    for entry in search_index(store).entries:
        item: dict[str, object] = {"k": entry.kind, "n": entry.name, "d": entry.detail, "c": entry.codes,
                                   "f": [[text, how] for text, how in entry.forms]}
        if entry.kind == "code" and entry.name in pages:
            item["p"] = "codes/" + pages[entry.name]
        entries.append(item)
    # "</" never appears raw, so the text can never close a script element it is pasted into
    body = json.dumps({"entries": entries}, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"window.codegraphSearch = {body};\n"


@dataclass(frozen=True)
class SiteSummary:
    """What a build wrote."""

    path: Path
    codes: list[str]  # "CPT 1001T", ...
    pages: int  # HTML pages, the index, matrix and validation report included
    diagrams: int  # code pages with a drawn diagram
    diagram_note: str | None  # why pages have none (diagrams turned off)
    counts: dict[str, int]  # validation findings by severity


def build_site(store: GraphStore, output: str | Path, *, report: ValidationReport, version: str, source_label: str,
               diagrams: bool = True, progress: Callable[[int, int, str], None] | None = None) -> SiteSummary:
    """Write the site for the graph in ``store`` to the folder ``output`` (replaced whole, or not at
    all); ``report`` is the graph's SHACL report, whose findings are the pages' gaps."""
    data = collect_site_data(store, report)
    renderer = SiteRenderer(data, SiteContext(version=version, source=source_label,
                                              as_of=report.as_of.isoformat() if report.as_of else None, engine=report.engine))
    drawer = DiagramRenderer(enabled=diagrams)
    drawn = 0
    with replacing_directory(output) as folder:
        assets = folder / "assets"
        assets.mkdir()
        for name in ASSETS:
            (assets / name).write_bytes(resources.files("codegraph.site").joinpath("assets", name).read_bytes())
        (assets / SEARCH_INDEX).write_text(search_index_script(store, data), encoding="utf-8")
        (folder / "index.html").write_text(renderer.index(), encoding="utf-8")
        (folder / "matrix.html").write_text(renderer.matrix(), encoding="utf-8")
        (folder / "validation.html").write_text(render_html(report, title="codegraph validation report", index_href="index.html"), encoding="utf-8")
        codes = folder / "codes"
        codes.mkdir()
        for done, page in enumerate(data.codes, start=1):
            diagram = drawer.render(page)
            drawn += diagram.svg is not None
            (codes / page.file_name).write_text(renderer.code_page(page, diagram), encoding="utf-8")
            if progress is not None:
                progress(done, len(data.codes), page.label)
    return SiteSummary(path=Path(output), codes=[page.label for page in data.codes], pages=3 + len(data.codes),
                       diagrams=drawn, diagram_note=drawer.missing_note, counts=report.counts())
