"""``codegraph site``: the pages' content read back from their HTML (facts, payers, gaps, the
evidence spans with the document's own text), escaping of hostile text and IRIs, the same pages
from every store, the folder replaced whole or not at all, and the text rebuilt from spans."""

from __future__ import annotations

import contextlib
import gc
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rdflib import URIRef

from codegraph import MemoryStore, OxigraphStore, add_import, build, build_site, import_mcd, import_payer_policy, load_into_store
from codegraph.query import run_query
from codegraph.rdf.namespaces import CG
from codegraph.site import SiteOutputError
from codegraph.site.data import Span
from codegraph.site.excerpts import blocks, excerpts
from codegraph.site.render import SiteRenderer
from codegraph.site.rows import catalog_rows, oxigraph_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
FIVE = ["Aetna", "Blue Cross Blue Shield", "Cigna", "Medicare", "UnitedHealthcare"]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def marked_text(page: BeautifulSoup, key: str) -> str:
    """The text of every piece of the source column that the span ``key`` covers, in order."""
    return "".join(piece.get_text() for piece in page.select(".source-column .ev") if key in piece["data-ev"].split())


def offsets(key: str) -> tuple[int, int]:
    start, end = key.rsplit("-", 2)[1:]
    return int(start), int(end)


@pytest.fixture(scope="module")
def seed_site(seed_build, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("seed-site") / "site"
    summary = build_site(seed_build.dataset, output, source_label="the seed")
    assert summary.codes == ["CPT 1001T"] and summary.pages == 4
    return output


@pytest.fixture(scope="module")
def seed_page(seed_site) -> BeautifulSoup:
    return soup(seed_site / "codes" / "CPT-1001T.html")


@pytest.fixture(scope="module")
def corpus_dataset():
    """The test corpus (tests/corpus/documents), the seed and the coverage imports (payer policies, Medicare articles)."""
    with contextlib.chdir(ROOT):
        result = build(["tests/corpus/documents", "data/documents"])
        batches = [import_payer_policy(["tests/fixtures/payer-policy/payer-policies.csv",
                                        "tests/fixtures/payer-policy/payer-bulletin-2025.csv"]),
                   import_mcd("tests/fixtures/mcd")]
    dataset = result.dataset
    for batch in batches:
        add_import(dataset, batch)
    return result, dataset


@pytest.fixture(scope="module")
def corpus_site(corpus_dataset, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("corpus-site") / "site"
    build_site(corpus_dataset[1], output, source_label="the corpus")
    return output


# ---------------------------------------------------------------- the index


def test_index_lists_the_code_with_its_gaps_and_coverage(seed_site):
    index = soup(seed_site / "index.html")
    rows = index.select("#codes tbody tr")
    assert [row["data-code"] for row in rows] == ["1001T"]
    cells = [cell.get_text(" ", strip=True) for cell in rows[0].find_all("td")]
    assert cells[:5] == ["1001T", "CPT", "CPT Category III",
                         "Autologous Muscle Progenitor Injection into External Anal Sphincter", "1"]
    assert cells[5] == "8 warning 1 info"
    assert cells[6] == "5 unknown"  # every payer named, the page declares their policies unavailable: no decision
    assert rows[0].find("a")["href"] == "codes/CPT-1001T.html"
    assert index.select_one("form.filters")["data-table"] == "codes"
    assert [th.get("data-sort") for th in index.select("#codes thead th")] == ["text"] * 4 + ["number"] * 3


def test_index_of_many_codes_and_sources(corpus_site):
    rows = soup(corpus_site / "index.html").select("#codes tbody tr")
    assert [row["data-code"] for row in rows] == [
        "0037U", "0101T", "0213T", "0594T", "0627T", "0628T", "0630T", "0731T", "0732T", "0999T", "1000T", "1001T",
        "20553", "20600", "20605", "20606", "20610", "20612", "27096", "3074F", "62322", "64483", "64484", "64490",
        "64493", "64633", "99213", "J0585", "J1885", "J3301", "J7321", "J7325",
    ]
    by_code = {row["data-code"]: [cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in rows}
    assert by_code["J7321"][1:3] == ["HCPCS", "HCPCS Level II"]
    assert by_code["20610"][4] == "9"  # nine pages describe 20610
    assert "1 conflict" in by_code["J7321"][6]


# ---------------------------------------------------------------- a code page: the facts


def test_code_page_shows_the_overview_facts(seed_page):
    overview = {dt.get_text(strip=True): dd for dt, dd in zip(seed_page.select("#overview dt"), seed_page.select("#overview dd"), strict=True)}
    assert overview["Service type"].a.get_text() == "Autologous cell injection therapy targeting the external anal sphincter muscle"
    site = overview["Site of service"]
    assert site.a.get_text().startswith("Outpatient procedural setting such as an ambulatory surgery center")
    assert [chip.get_text(" ", strip=True) for chip in site.select(".pos .chip:not(.candidate)")] == ["POS 24 Ambulatory Surgical Center"]
    assert [chip.get_text(" ", strip=True) for chip in site.select(".chip.candidate")] == ["POS 11 Office", "POS 49 Independent Clinic"]
    assert "“clinic procedure room”" in site.select_one(".candidates").get_text()


def test_code_page_links_anatomy_to_uberon(seed_page):
    items = seed_page.select("#anatomy li")
    assert [item.select_one("a.fact").get_text() for item in items] == ["external anal sphincter"]
    link = items[0].select_one("a.iri")
    assert link["href"] == "http://purl.obolibrary.org/obo/UBERON_0001367"
    assert link.get_text() == "UBERON:0001367"


def test_code_page_lists_the_steps_in_order(seed_page, seed_facts):
    items = seed_page.select("#steps ol.steps li")
    assert [int(item["value"]) for item in items] == list(range(1, 12))
    assert [item.select_one("a.fact").get_text() for item in items] == [step.text for step in seed_facts.steps]
    assert [item.select_one(".kind").get_text() for item in items][:3] == ["arrival", "informed consent", "tissue harvest"]


def test_code_page_shows_concepts_and_coding_tables(seed_page):
    concepts = {row.select_one("a.fact").get_text(): [td.get_text(" ", strip=True) for td in row.find_all("td")]
                for row in seed_page.select("#concepts tbody tr")}
    assert concepts["fecal incontinence"][1:3] == ["condition treated", "yes"]
    assert concepts["sedation"][1:3] == ["anesthesia", "not asserted"]  # "with or without sedation"
    assert [a.get_text() for a in seed_page.select("#modifier tbody a.fact")] == ["25"]
    named = [item.select_one(".named").get_text() for item in seed_page.select("#unavailable li")]
    assert named == ["names: ICD-10 mappings, modifiers, payer policies, provider taxonomies, related codes", "names no facet"]


def test_code_page_shows_coverage_per_payer_with_evidence(seed_page):
    # The answer per payer, by the coverage rule: every payer named, none with a decision.
    answers = [[td.get_text(" ", strip=True) for td in row.find_all("td")] for row in seed_page.select("#coverage table.coverage-summary tbody tr")]
    assert answers == [[payer, "any", "unknown", "unknown", "the sources that apply state no decision"] for payer in FIVE]
    rows = seed_page.select("#coverage table.coverage-table tbody tr")
    assert [row["data-payer"] for row in rows] == FIVE
    assert {row["data-status"] for row in rows} == {"source-declares-unavailable"}
    text = SEED.read_text(encoding="utf-8")
    for row in rows:
        link = row.select_one("td.evidence a.fact")
        assert link.get_text() == "cpt-1001T-overview.txt, line 5"
        start, end = offsets(link["data-evidence"])
        assert text[start:end].startswith("Data not available in the input is noted where specific payer policies")


def test_code_page_lists_its_gaps_from_the_shacl_report(seed_page, seed_report):
    items = seed_page.select("#gaps li.finding")
    assert [item.select_one(".message").get_text() for item in items] == [f.message for f in seed_report.findings]
    assert [item["class"][1] for item in items] == [f.severity for f in seed_report.findings]
    # a coverage finding links to the statement it is about
    assert items[0].select_one("a.fact").get_text() == "evidence: line 5"
    assert seed_page.select_one('a[href="../validation.html"]') is not None


def test_every_fact_marks_exactly_its_words_in_the_source_text(seed_page):
    text = SEED.read_text(encoding="utf-8")
    links = seed_page.select("a.fact")
    assert len(links) > 50
    for link in links:
        key = link["data-evidence"]
        start, end = offsets(key)
        assert marked_text(seed_page, key) == text[start:end], key
        assert seed_page.find(id=key) is not None  # an anchor to jump to without JavaScript
        assert link["href"] == f"#{key}"


def test_source_text_says_what_the_graph_does_not_hold(seed_page):
    source = seed_page.select_one(".source-column section.source")
    assert source.h3.get_text() == str(SEED)
    missing = [div.get_text(" ", strip=True) for div in source.select("div.missing")]
    # line 1 is the heading "Summary & Overview" (18 characters and its line break): no fact quotes it
    assert missing[0] == "⋯ 1 line, 19 characters not in the graph ⋯"
    first = source.select_one(".excerpt")
    assert first.select_one(".where").get_text() == "line 2 · summary"
    assert first.select_one("pre").get_text() == SEED.read_text(encoding="utf-8").splitlines()[1]
    # clauses of one line read as one paragraph, the gaps between them marked inline
    workflow = [e for e in source.select(".excerpt") if e.select_one(".where").get_text() == "line 16 · clinical-context"]
    assert len(workflow) == 1 and len(workflow[0].select(".gap")) == 10


def test_code_page_draws_the_neighbourhood(seed_page):
    svg = seed_page.select_one("#diagram .diagram svg")
    labels = [text.get_text() for text in svg.find_all("text")]
    assert labels[0] == "CPT 1001T" and "external anal sphincter" in labels
    assert set(FIVE) <= set(labels)
    assert labels.count("source-declares-unavailable") == 5  # each payer's edge says what its rows state
    assert "procedure steps" in labels and "1. arrival" in labels and "11. follow-up" in labels
    hrefs = [a.get("xlink:href") for a in svg.find_all("a")]
    assert "http://purl.obolibrary.org/obo/UBERON_0001367" in hrefs
    assert sum(1 for href in hrefs if href and href.startswith("#ev-")) == 11  # each step links to its evidence
    assert hrefs.count("#coverage") == 5  # each payer links to the coverage table
    steps = {a.find("text").get_text(): a["xlink:href"] for a in svg.find_all("a") if a["xlink:href"].startswith("#ev-")}
    assert all(seed_page.find(id=key[1:]) is not None for key in steps.values())  # anchors of the source column


def _seed_svg(seed_build) -> str:
    from codegraph.api import validate_graph
    from codegraph.site.data import collect_site_data
    from codegraph.site.diagram import neighbourhood_svg
    from codegraph.store import MemoryStore

    store = MemoryStore(seed_build.dataset)
    return neighbourhood_svg(collect_site_data(store, validate_graph(store)).codes[0])


def test_the_diagram_is_well_formed_svg_drawn_the_same_every_time(seed_build):
    import xml.etree.ElementTree as ET

    svg = _seed_svg(seed_build)
    assert svg == _seed_svg(seed_build)  # byte-identical from a second read of the graph
    root = ET.fromstring(svg)  # well-formed XML on its own, not only inside HTML
    ns = {"svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.findtext("svg:title", namespaces=ns) == "Neighbourhood of CPT 1001T"
    texts = [text.text for text in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "external anal sphincter" in texts and set(FIVE) <= set(texts)
    # everything is drawn inside the canvas
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        assert 0 <= float(text.get("x")) <= width and 0 <= float(text.get("y")) <= height
    for rect in root.iter("{http://www.w3.org/2000/svg}rect"):
        assert float(rect.get("x")) + float(rect.get("width")) <= width and float(rect.get("y")) + float(rect.get("height")) <= height
    assert all(element.get("style") is None for element in root.iter())  # the pages' CSP allows no inline style
    links = [a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert links.count("#coverage") == 5 and "http://purl.obolibrary.org/obo/UBERON_0001367" in links


def test_the_diagram_draws_payers_policies_and_each_pages_steps(corpus_site):
    svg = soup(corpus_site / "codes" / "CPT-64493.html").select_one("#diagram svg")
    labels = [text.get_text() for text in svg.find_all("text")]
    assert set(FIVE) <= set(labels)
    assert {"CPB 0016", "MP-140", "MP-022", "L38803", "MP-098"} <= set(labels)  # each payer's policy, beside it
    assert labels.count("policy") == 5
    assert "procedure steps (cpt-64493-complete-page.txt)" in labels  # several pages: whose workflow each table is
    assert "covered, not-stated, source-declares-unavailable" in labels


def test_the_diagram_escapes_hostile_labels():
    import xml.etree.ElementTree as ET

    from codegraph.site.data import CodePage, CoverageRow, Fact
    from codegraph.site.diagram import neighbourhood_svg

    hostile = '<script>alert("x")</script> & \x01'
    page = CodePage(iri="https://example.org/code", code=hostile, system="CPT", category=None, title=hostile,
                    document_count=0, file_name="x.html",
                    facts=[Fact("anatomy", "https://example.org/f", hostile, link="javascript:alert(1)")],
                    coverage=[CoverageRow("https://example.org/a", hostile, "covered", "covered", None, None, hostile,
                                          hostile, "javascript:alert(2)", None, None)])
    svg = neighbourhood_svg(page)
    root = ET.fromstring(svg)
    assert "<script" not in svg and "\x01" not in svg
    links = [a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter("{http://www.w3.org/2000/svg}a")]
    assert links == ["#coverage"]  # neither javascript: IRI became a link
    texts = [text.text for text in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts.count('<script>alert("x")</script> &') >= 2  # the code's anatomy and payer, as text
    assert "CPT " + '<script>alert("x")</script> &' in texts


def test_without_diagrams_the_pages_say_so(seed_build, tmp_path):
    summary = build_site(seed_build.dataset, tmp_path / "site", diagrams=False)
    assert summary.diagrams == 0 and "turned off" in summary.diagram_note
    page = soup(tmp_path / "site" / "codes" / "CPT-1001T.html")
    assert page.select_one("#diagram svg") is None
    assert "--no-diagrams" in page.select_one("#diagram .diagram-missing").get_text()


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_pages_written_by_several_processes_are_the_same_bytes(corpus_dataset, tmp_path, monkeypatch):
    from codegraph.site import build as site_build

    store = MemoryStore(corpus_dataset[1])
    one = build_site(store, tmp_path / "one", source_label="the corpus", jobs=1, as_of=date(2026, 1, 1))
    monkeypatch.setattr(site_build, "PAGES_PER_PROCESS", 2)  # so the test corpus is shared out among processes
    heard: list[tuple[int, int]] = []
    two = build_site(store, tmp_path / "two", source_label="the corpus", jobs=2, as_of=date(2026, 1, 1),
                     progress=lambda done, total, _code: heard.append((done, total)))
    assert len(one.codes) >= 8 and two.codes == one.codes and two.diagrams == one.diagrams == len(one.codes)
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")
    assert heard[-1] == (len(one.codes), len(one.codes)) and [done for done, _ in heard] == sorted(done for done, _ in heard)
    assert gc.get_freeze_count() == 0  # the objects frozen while the workers ran are collectable again


def test_a_page_failing_in_a_worker_leaves_the_previous_site(corpus_dataset, tmp_path, monkeypatch):
    from codegraph.site import build as site_build

    store = MemoryStore(corpus_dataset[1])
    output = tmp_path / "site"
    build_site(store, output, source_label="the corpus", jobs=1, as_of=date(2026, 1, 1))
    before = _tree(output)
    written = SiteRenderer.code_page

    def failing(self, page, diagram):
        if page.code == "1001T":
            raise OSError("No space left on device")
        return written(self, page, diagram)

    monkeypatch.setattr(site_build, "PAGES_PER_PROCESS", 2)
    monkeypatch.setattr(SiteRenderer, "code_page", failing)  # forked workers inherit it
    with pytest.raises(OSError, match="No space left"):
        build_site(store, output, source_label="the corpus", jobs=2, as_of=date(2026, 2, 1))
    assert _tree(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # no staging folder left


def test_the_index_is_rendered_while_workers_write_the_code_pages(corpus_dataset, tmp_path, monkeypatch):
    import multiprocessing

    from codegraph.site import build as site_build

    store = MemoryStore(corpus_dataset[1])
    build_site(store, tmp_path / "one", source_label="the corpus", jobs=1, as_of=date(2026, 1, 1))
    workers_alive: list[int] = []
    index = SiteRenderer.index

    def counting(self):
        workers_alive.append(len(multiprocessing.active_children()))
        return index(self)

    monkeypatch.setattr(site_build, "PAGES_PER_PROCESS", 2)
    monkeypatch.setattr(SiteRenderer, "index", counting)
    build_site(store, tmp_path / "two", source_label="the corpus", jobs=2, as_of=date(2026, 1, 1))
    assert workers_alive == [2]  # rendered in this process after the two workers started, not before
    assert _tree(tmp_path / "two") == _tree(tmp_path / "one")


def test_the_index_failing_while_workers_run_leaves_the_previous_site(corpus_dataset, tmp_path, monkeypatch):
    import multiprocessing

    from codegraph.site import build as site_build

    store = MemoryStore(corpus_dataset[1])
    output = tmp_path / "site"
    build_site(store, output, source_label="the corpus", jobs=1, as_of=date(2026, 1, 1))
    before = _tree(output)

    def failing(self):
        raise OSError("No space left on device")

    monkeypatch.setattr(site_build, "PAGES_PER_PROCESS", 2)
    monkeypatch.setattr(SiteRenderer, "index", failing)
    with pytest.raises(OSError, match="No space left"):
        build_site(store, output, source_label="the corpus", jobs=2, as_of=date(2026, 2, 1))
    assert _tree(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]  # no staging folder left
    assert multiprocessing.active_children() == []  # the workers are stopped, not left running


# ---------------------------------------------------------------- matrix, validation report, other pages


def test_matrix_colours_each_cell_by_status(corpus_site, corpus_dataset):
    from codegraph import coverage_matrix

    matrix = soup(corpus_site / "matrix.html")
    day = matrix.h1.get_text().rsplit(" ", 1)[1]  # "Coverage matrix on YYYY-MM-DD": the report's as-of date
    payers = [th.get_text(strip=True) for th in matrix.select("#matrix-table thead th")][1:]
    assert payers == ["Aetna", "Blue Cross Blue Shield", "Cigna", "Example State Medicaid", "Medicare", "UnitedHealthcare"]
    expected: dict[tuple[str, str], list[str]] = {}
    for cell in coverage_matrix(MemoryStore(corpus_dataset[1]), on=date.fromisoformat(day)).cells:
        expected.setdefault((cell.code, cell.payer), []).append(cell.status)
    for tr in matrix.select("#matrix-table tbody tr"):
        for payer, cell in zip(payers, tr.find_all("td"), strict=True):
            statuses = expected.get((tr["data-code"], payer), [])
            assert [badge["class"][1] for badge in cell.select(".status")] == [f"status-{s}" for s in statuses]
            if len(statuses) == 1:
                assert f"status-{statuses[0]}" in cell["class"]  # the cell itself is coloured
    j7321 = matrix.select_one('tr[data-code="J7321"]').find_all("td")
    assert "status-conditional" in j7321[payers.index("Example State Medicaid")]["class"]  # covered only with its 3 diagnoses
    cigna = j7321[payers.index("Cigna")]  # the pages (no line of business) say conditional; the commercial policies disagree
    assert [(position.select_one(".lob").get_text(), position.select_one(".status")["class"][1])
            for position in cigna.select(".position")] == [("commercial", "status-conflict")]


def test_code_page_with_imported_coverage_quotes_the_table_rows(corpus_site):
    page = soup(corpus_site / "codes" / "HCPCS-J7321.html")
    aetna = [row for row in page.select("#coverage table.coverage-table tbody tr") if row.select_one(".payer").get_text(" ", strip=True) == "Aetna commercial"]
    assert len(aetna) == 1
    assert aetna[0].select_one("a.iri")["href"] == "https://example.org/aetna/cpb-0179"
    key = aetna[0].select_one("td.evidence a.fact")["data-evidence"]
    row = (ROOT / "tests/fixtures/payer-policy/payer-policies.csv").read_text(encoding="utf-8").splitlines()[2]
    assert marked_text(page, key) == row
    tables = [section.h3.get_text() for section in page.select(".source-column section.source.table")]
    assert "tests/fixtures/payer-policy/payer-policies.csv" in tables
    assert len(page.select(".source-column section.source.page")) == 5  # the five J7321 pages


def test_validation_report_page_is_in_the_site(seed_site):
    report = soup(seed_site / "validation.html")
    assert report.find("h1").get_text() == "codegraph validation report"
    assert len(report.select("li.finding")) == 9


def test_pages_load_only_the_sites_own_files(corpus_site):
    for path in [corpus_site / "index.html", corpus_site / "matrix.html", *sorted((corpus_site / "codes").glob("*.html"))]:
        page = soup(path)
        policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert [script.get("src") for script in page.find_all("script")] in (
            ["assets/search-index.js", "assets/site.js"], ["assets/site.js"], ["../assets/site.js"])
        for tag in page.find_all(["link", "img", "iframe", "object", "embed"]):
            source = tag.get("href") or tag.get("src") or ""
            assert not re.match(r"^[a-z]+:", source), f"{path.name} loads {source}"


# ---------------------------------------------------------------- escaping


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("CPT 1001T: Autologous", 'CPT 1001T: <script>alert(1)</script> "q" & <img src=x onerror=alert(2)> Autologous')
    text = text.replace("Service type: ", "Service type: <script>alert(3)</script> ")
    document = folder / "docs" / "cpt-1001T-hostile.txt"
    document.parent.mkdir()
    document.write_text(text, encoding="utf-8")
    result = build([document])
    dataset = result.dataset
    # An IRI is data too: an anatomy "term" that would run script if it became a link.
    for target, _p, _o in list(dataset.triples((None, CG.anatomy, None))):
        for graph in dataset.graphs():
            if (target, CG.anatomy, _o) in graph:
                graph.remove((target, CG.anatomy, _o))
                graph.add((target, CG.anatomy, URIRef("javascript:alert(4)")))
    build_site(dataset, folder / "site")
    return folder / "site"


def test_document_text_with_script_is_shown_as_text(hostile_site):
    page = soup(hostile_site / "codes" / "CPT-1001T.html")
    assert page.select_one("h1 .title").get_text() == (
        '<script>alert(1)</script> "q" & <img src=x onerror=alert(2)> Autologous Muscle Progenitor Injection into External Anal Sphincter')
    overview = {dt.get_text(strip=True): dd for dt, dd in zip(page.select("#overview dt"), page.select("#overview dd"), strict=True)}
    assert overview["Service type"].a.get_text().startswith("<script>alert(3)</script> ")
    assert "<script>alert(3)</script>" in page.select_one(".source-column").get_text()
    for path in [hostile_site / "index.html", hostile_site / "matrix.html", hostile_site / "codes" / "CPT-1001T.html"]:
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
        parsed = soup(path)
        assert [script.get("src") for script in parsed.find_all("script")] in (
            ["assets/search-index.js", "assets/site.js"], ["assets/site.js"], ["../assets/site.js"])
        assert not parsed.find("img")
        for tag in parsed.find_all(True):
            assert not [name for name in tag.attrs if name.lower().startswith("on")], tag.name
            for name in ("href", "xlink:href", "src"):
                assert not str(tag.get(name, "")).lower().startswith("javascript:"), tag
    index = soup(hostile_site / "index.html")
    assert index.select_one("#codes tbody td:nth-of-type(4)").get_text().startswith("<script>alert(1)</script>")
    validation = (hostile_site / "validation.html").read_text(encoding="utf-8")
    assert "<script>alert" not in validation


def test_a_non_web_iri_is_not_a_link(hostile_site):
    page = soup(hostile_site / "codes" / "CPT-1001T.html")
    item = page.select_one("#anatomy li")
    assert item.select_one("a.iri") is None
    assert item.select_one("span.iri").get_text() == "javascript:alert(4)"


# ---------------------------------------------------------------- the same site from any store


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_pages_from_memory_the_embedded_store_and_a_server(seed_build, seed_report, tmp_path, oxigraph_server):
    from codegraph.site import build_site as write_site
    from codegraph.store.push import push

    store = OxigraphStore(tmp_path / "oxigraph")
    load_into_store(seed_build, store)
    remote = oxigraph_server.remote()
    push(store, remote)
    # One report for all three: what is compared is what the site's queries give on each store.
    for name, source in (("memory", MemoryStore(seed_build.dataset)), ("store", store), ("server", remote)):
        write_site(source, tmp_path / "sites" / name, report=seed_report, version="test", source_label="the graph")
    memory = _files(tmp_path / "sites" / "memory")
    assert len(memory) == 8  # marker, 3 assets (style, script, search index), index, matrix, validation, codes/CPT-1001T.html
    assert _files(tmp_path / "sites" / "store") == memory
    assert _files(tmp_path / "sites" / "server") == memory


# ---------------------------------------------------------------- writing the folder


def test_a_failed_build_leaves_the_previous_site_whole(seed_build, tmp_path, monkeypatch):
    output = tmp_path / "site"
    build_site(seed_build.dataset, output, diagrams=False)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}

    def broken(*_args, **_kwargs):
        raise RuntimeError("template failed half-way")

    monkeypatch.setattr(SiteRenderer, "code_page", broken)
    with pytest.raises(RuntimeError, match="half-way"):
        build_site(seed_build.dataset, output, diagrams=False)
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left behind


def test_a_folder_of_other_files_is_refused(seed_build, tmp_path, run_cli):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SiteOutputError, match="not a site codegraph wrote"):
        build_site(seed_build.dataset, precious)
    code, _out, err = run_cli("site", "--data", tmp_path / "missing.ttl", "-o", tmp_path / "x")
    assert code == 2 and "missing.ttl" in err
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_site_command(run_cli, tmp_path, seed_copy):
    graph = tmp_path / "graph.trig"
    assert run_cli("build", seed_copy.parent, "-o", graph, "--no-validate")[0] == 0
    code, out, _err = run_cli("site", "--data", graph, "-o", tmp_path / "site", "--no-diagrams")
    assert code == 0
    assert "codes:    1 page(s): CPT 1001T" in out and "diagrams: 0 (Diagrams were turned off" in out
    assert (tmp_path / "site" / "codes" / "CPT-1001T.html").is_file()
    code, _out, err = run_cli("site", "--data", graph, "-o", tmp_path / "site")  # a rebuild replaces it
    assert code == 0
    code, _out, err = run_cli("site", "-o", tmp_path / "site")
    assert code == 2 and "exactly one of --data FILE or --store DIR" in err


# ---------------------------------------------------------------- the text rebuilt from spans


def span(start: int, quote: str, line: int = 1, section: str = "overview") -> Span:
    return Span(key=f"ev-doc-{start}-{start + len(quote)}", evidence=f"e{start}", document="d", path="p.txt",
                start=start, end=start + len(quote), line=line, section=section, quote=quote)


def test_nested_and_crossing_spans_each_keep_their_words():
    text = "The patient is positioned in the lithotomy position."
    spans = [span(0, text[0:51]), span(33, text[33:42]), span(15, text[15:38]), span(38, text[38:51])]
    [excerpt] = excerpts(spans)
    assert "".join(piece.text for piece in excerpt.pieces) == text[:51]
    for s in spans:
        assert "".join(p.text for p in excerpt.pieces if s.key in p.keys) == s.quote
        assert sum(s.key in p.anchors for p in excerpt.pieces) == 1
    assert excerpt.missing_before == 0


def test_gaps_between_spans_are_counted_never_filled():
    text = "Heading\nFirst clause, second clause.\nOther\nLast line"
    spans = [span(8, text[8:20], line=2), span(22, text[22:35], line=2), span(43, text[43:], line=4)]
    found = blocks(spans)
    assert [(b.line, b.missing_lines, b.missing_before) for b in found] == [(2, 1, 8), (4, 1, 8)]
    assert [e.missing_before for e in found[0].excerpts] == [8, 2]  # ", " between the clauses
    assert "".join(p.text for e in found[0].excerpts for p in e.pieces) == "First clause" + "second clause"
    assert [s.quote for s in spans] == ["First clause", "second clause", "Last line"]


def _row_counts(rows) -> Counter:
    """Rows as a multiset, each term in its N-Triples form (an IRI and a string of the same text differ)."""
    return Counter(tuple(sorted((column, None if value is None else value.n3()) for column, value in row.items())) for row in rows)


@pytest.fixture(scope="module")
def corpus_oxigraph(corpus_dataset) -> OxigraphStore:
    """The corpus with its coverage imports in an embedded store (in memory)."""
    store = OxigraphStore.in_memory()
    store.load_nquads(corpus_dataset[1].serialize(format="nquads", encoding="utf-8"), [])
    return store


@pytest.mark.parametrize("name", ["site-codes", "site-documents", "site-code-facts", "site-code-coverage", "site-spans"])
def test_the_oxigraph_form_of_a_site_query_gives_the_catalog_querys_rows(corpus_oxigraph, name):
    assert oxigraph_text(name) is not None  # the embedded store runs its own form of this query
    rows = catalog_rows(corpus_oxigraph, name)
    assert len(rows) > 20
    assert _row_counts(rows) == _row_counts(run_query(corpus_oxigraph, name).as_dicts())


def test_other_stores_run_the_catalog_text(corpus_dataset):
    store = MemoryStore(corpus_dataset[1])
    assert catalog_rows(store, "site-code-coverage") == run_query(store, "site-code-coverage").as_dicts()
    assert oxigraph_text("site-evidence") is None  # no Oxigraph form: the catalog text everywhere


def test_the_oxigraph_forms_keep_optional_and_repeated_values():
    """Edge cases the corpus may not hold: a node an OPTIONAL reaches without the value it reads
    (prior authorization without a notation, a policy without a title, a facet without a label, a
    cut without a line), a code with nothing but its notation, a fact with two places of service,
    a date under both properties, triples in two graphs."""
    store = OxigraphStore.in_memory()
    cg, skos, ex = "https://w3id.org/codegraph/ontology#", "http://www.w3.org/2004/02/skos/core#", "https://example.org/"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    triples = [
        ("code", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{cg}BillingCode>"), ("code", f"{skos}notation", '"1001T"'),
        ("code", f"{cg}siteOfService", f"<{ex}site>"), ("site", f"{cg}evidence", f"<{ex}ev1>"), ("site", f"{cg}text", '"Office"'),
        ("site", f"{cg}placeOfService", f"<{ex}pos11>"), ("site", f"{cg}placeOfService", f"<{ex}pos22>"),
        ("pos11", f"{skos}notation", '"11"'), ("pos11", f"{skos}prefLabel", '"Office"'), ("pos22", f"{skos}notation", '"22"'),
        ("code", f"{cg}procedureStep", f"<{ex}step>"), ("step", f"{cg}evidence", f"<{ex}ev2>"),
        ("step", f"{cg}stepOrder", f'"2"^^{integer}'), ("step", f"{cg}text", '"Incise"'), ("step", f"{cg}stepKind", f"<{ex}kind>"),
        ("step", f"{cg}valueCutOff", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        ("code", f"{cg}declaredUnavailable", f"<{ex}gap>"), ("gap", f"{cg}evidence", f"<{ex}ev3>"),
        ("gap", f"{cg}text", '"Not stated"'), ("gap", f"{cg}facet", f"<{ex}facet>"),
        ("assertion", f"{cg}billingCode", f"<{ex}code>"), ("assertion", f"{cg}payer", f"<{ex}payer>"),
        ("payer", "http://schema.org/name", '"Aetna"'), ("assertion", f"{cg}coverageStatus", f"<{ex}covered>"),
        ("covered", f"{skos}notation", '"covered"'), ("assertion", f"{cg}priorAuthorization", f"<{ex}auth>"),
        ("assertion", f"{cg}policy", f"<{ex}policy>"), ("policy", "http://schema.org/url", f'"{ex}policy.pdf"'),
        ("assertion", f"{cg}effectiveFrom", '"2025-01-01"'), ("assertion", f"{cg}effectiveDate", '"2025-02-01"'),
        ("assertion", f"{cg}evidence", f"<{ex}ev4>"), ("assertion", f"{cg}evidence", f"<{ex}ev5>"),
        ("code", f"{cg}overview", f"<{ex}overview>"), ("overview", f"{cg}title", '"B title"'),
        ("code", f"{cg}overview", f"<{ex}overview2>"), ("overview2", f"{cg}title", '"A title"'),
        ("bare", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{cg}BillingCode>"), ("bare", f"{skos}notation", '"0002T"'),
        ("doc", f"{cg}sourcePath", '"a.txt"'), ("doc", f"{cg}sha256", '"abc"'), ("doc", f"{cg}describesCode", f"<{ex}code>"),
        ("doc", f"{cg}cutOffAt", f"<{ex}cut>"), ("doc2", f"{cg}sourcePath", '"b.csv"'), ("doc2", f"{cg}sha256", '"def"'),
    ]
    lines = [f"<{ex}{s}> <{p}> {o} <{ex}{graph}> ." for s, p, o in triples for graph in ("g1", "g2")]
    store.load_nquads("\n".join(lines).encode("utf-8") + b"\n", [])
    facts = catalog_rows(store, "site-code-facts")
    assert _row_counts(facts) == _row_counts(run_query(store, "site-code-facts").as_dicts())
    assert sorted((str(r["facet"]), str(r["value"]), str(r["detail"]), str(r["cut_off"])) for r in facts) == [
        ("place-of-service", "11", "Office", "None"), ("place-of-service", "22", "None", "None"),
        ("site-of-service", "Office", "None", "None"), ("step", "Incise", "None", "true"), ("unavailable", "Not stated", "None", "None")]
    codes = catalog_rows(store, "site-codes")
    assert _row_counts(codes) == _row_counts(run_query(store, "site-codes").as_dicts())
    assert [(str(r["code"]), str(r["system"]), str(r["title"]), r["documents"].toPython()) for r in codes] == [
        ("0002T", "None", "None", 0), ("1001T", "None", "A title", 1)]
    documents = catalog_rows(store, "site-documents")
    assert _row_counts(documents) == _row_counts(run_query(store, "site-documents").as_dicts())
    # not DISTINCT: each triple comes twice (two graphs), every combination a row: a.txt's six
    # triples (path, checksum, code, the code's type and notation, cut), b.csv's two
    assert len(documents) == 2**6 + 2**2
    assert sorted({(str(r["path"]), str(r["code"]), str(r["cut_line"])) for r in documents}) == [
        ("a.txt", "1001T", "None"), ("b.csv", "None", "None")]
    coverage = catalog_rows(store, "site-code-coverage")
    assert _row_counts(coverage) == _row_counts(run_query(store, "site-code-coverage").as_dicts())
    assert sorted((str(r["prior_auth"]), str(r["policy_title"]), str(r["policy_url"]), str(r["effective_from"]), str(r["evidence"]))
                  for r in coverage) == [("None", "None", f"{ex}policy.pdf", day, f"{ex}ev{n}")
                                         for day in ("2025-01-01", "2025-02-01") for n in (4, 5)]


def test_span_rows_keep_the_querys_repeats_and_combinations():
    store = OxigraphStore.in_memory()
    cg = "https://w3id.org/codegraph/ontology#"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    lines = []
    for graph in ("https://example.org/g1", "https://example.org/g2"):  # the same span in two graphs
        lines += [f'<https://example.org/e1> <{cg}{p}> {o} <{graph}> .' for p, o in (
            ("inDocument", "<https://example.org/d>"), ("startOffset", f'"1"^^{integer}'), ("endOffset", f'"5"^^{integer}'),
            ("line", f'"2"^^{integer}'), ("section", '"Overview"'), ("quote", '"text"'))]
    lines += [f'<https://example.org/e2> <{cg}{p}> {o} <https://example.org/g1> .' for p, o in (
        ("inDocument", "<https://example.org/d>"), ("startOffset", f'"7"^^{integer}'), ("endOffset", f'"9"^^{integer}'),
        ("line", f'"3"^^{integer}'), ("section", '"Steps"'), ("quote", '"one"'), ("quote", '"two"'))]  # two quotes: two rows
    lines += [f'<https://example.org/e3> <{cg}inDocument> <https://example.org/d> <https://example.org/g1> .']  # no offsets: no row
    store.load_nquads("\n".join(lines).encode("utf-8") + b"\n", [])
    rows = catalog_rows(store, "site-spans")
    assert _row_counts(rows) == _row_counts(run_query(store, "site-spans").as_dicts())
    # e1's six triples each come twice (once per graph): the join repeats every combination, 2**6 rows
    assert Counter(str(row["evidence"]) for row in rows) == {"https://example.org/e1": 64, "https://example.org/e2": 2}
    assert sorted(str(row["quote"]) for row in rows if str(row["evidence"]).endswith("e2")) == ["one", "two"]
