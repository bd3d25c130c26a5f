"""Build the whole site: validate, query, render every page, write the folder in one swap."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..store import GraphStore
from ..validate import ValidationReport
from ..validate.html import render_html
from .data import CodePage, SiteData, collect_site_data
from .diagram import DiagramRenderer
from .render import SiteContext, SiteRenderer
from .write import replacing_directory

ASSETS = ("site.css", "site.js")
PAGES_PER_PROCESS = 250
"""Code pages a process must have to render before the pages are shared out among processes:
below it, starting a process costs more than the pages it would render (about 5 ms each)."""
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
               diagrams: bool = True, progress: Callable[[int, int, str], None] | None = None,
               jobs: int | None = None) -> SiteSummary:
    """Write the site for the graph in ``store`` to the folder ``output`` (replaced whole, or not at
    all); ``report`` is the graph's SHACL report, whose findings are the pages' gaps. The code
    pages are rendered on ``jobs`` cores (default: all) when there are enough of them."""
    data = collect_site_data(store, report)
    renderer = SiteRenderer(data, SiteContext(version=version, source=source_label,
                                              as_of=report.as_of.isoformat() if report.as_of else None, engine=report.engine))
    drawer = DiagramRenderer(enabled=diagrams)
    with replacing_directory(output) as folder:
        codes = folder / "codes"
        codes.mkdir()

        def write_site_pages() -> None:
            assets = folder / "assets"
            assets.mkdir()
            for name in ASSETS:
                (assets / name).write_bytes(resources.files("codegraph.site").joinpath("assets", name).read_bytes())
            (assets / SEARCH_INDEX).write_text(search_index_script(store, data), encoding="utf-8")
            (folder / "index.html").write_text(renderer.index(), encoding="utf-8")
            (folder / "matrix.html").write_text(renderer.matrix(), encoding="utf-8")
            (folder / "validation.html").write_text(render_html(report, title="codegraph validation report", index_href="index.html"),
                                                    encoding="utf-8")

        drawn = _write_code_pages(_PageWork(renderer, drawer, data.codes, codes), jobs or os.cpu_count() or 1, progress,
                                  meanwhile=write_site_pages)
    return SiteSummary(path=Path(output), codes=[page.label for page in data.codes], pages=3 + len(data.codes),
                       diagrams=drawn, diagram_note=drawer.missing_note, counts=report.counts())


@dataclass(frozen=True)
class _PageWork:
    """What rendering the code pages needs: read by forked processes from their copy of memory."""

    renderer: SiteRenderer
    drawer: DiagramRenderer
    pages: list[CodePage]
    folder: Path


_WORK: _PageWork | None = None  # set in the parent just before it forks its workers


def _write_pages(work: _PageWork, start: int, end: int) -> int:
    """Render and write pages ``start``..``end``; the number with a diagram drawn."""
    drawn = 0
    for page in work.pages[start:end]:
        diagram = work.drawer.render(page)
        drawn += diagram.svg is not None
        (work.folder / page.file_name).write_text(work.renderer.code_page(page, diagram), encoding="utf-8")
    return drawn


def _write_slice(bounds: tuple[int, int]) -> tuple[int, int]:
    assert _WORK is not None, "set by the parent before forking"
    return bounds[1] - bounds[0], _write_pages(_WORK, *bounds)


def _write_code_pages(work: _PageWork, jobs: int, progress: Callable[[int, int, str], None] | None,
                      meanwhile: Callable[[], None]) -> int:
    """Write every code page, shared out among ``jobs`` forked processes when there are enough
    pages (each page is a pure function of the site's data, so the files are the same bytes
    whichever process writes them), and run ``meanwhile`` (the site's other pages) in this
    process while they do, rather than before they start; the number with a diagram drawn."""
    total = len(work.pages)
    processes = min(jobs, total // PAGES_PER_PROCESS)
    # fork hands the workers the data without pickling it; where there is no fork, one process
    if processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        meanwhile()
        drawn = 0
        for done, page in enumerate(work.pages, start=1):
            drawn += _write_pages(work, done - 1, done)
            if progress is not None:
                progress(done, total, page.label)
        return drawn
    global _WORK
    step = max(1, min(50, total // (processes * 4)))  # small slices: progress moves, cores stay even
    slices = [(start, min(start + step, total)) for start in range(0, total, step)]
    _WORK = work
    # Frozen, the site's data each worker inherits is left out of every collection in it (and in
    # this process while the workers run): no walk over it, and its memory pages stay shared.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            written = pool.imap(_write_slice, slices)
            meanwhile()
            done = drawn = 0
            for count, slice_drawn in written:
                done += count
                drawn += slice_drawn
                if progress is not None:
                    progress(done, total, work.pages[done - 1].label)
    finally:
        _WORK = None
        gc.unfreeze()
    return drawn
