"""The site in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright with
that system browser (no browser download). Pages open from disk (file://), a fact click marks its
evidence, tables sort and filter, nothing is fetched from the network, no console errors, and a
page built from a document holding ``<script>alert(1)</script>`` runs no script.

Skipped, saying why, where /usr/bin/chromium is absent; ``.ci/run`` installs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codegraph import build, build_site

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install chromium); .ci/run installs it",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
# No sandbox (CI runs as root), no GPU, and none of Chromium's own background traffic.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Watched:
    """A page with everything that went wrong on it recorded: console errors, uncaught
    exceptions, dialogs (an ``alert`` is a script that ran) and requests that left the disk."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def off_disk(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file://")]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def watched(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield Watched(context.new_page())
    context.close()


@pytest.fixture(scope="module")
def seed_site(seed_build, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("browser-site") / "site"
    build_site(seed_build.dataset, output, source_label="the seed")
    return output


def test_index_sorts_and_filters_and_opens_a_code(watched, seed_site):
    page = watched.page
    page.goto((seed_site / "index.html").as_uri())
    rows = page.locator("#codes tbody tr:not([hidden])")
    assert rows.count() == 1
    page.fill("form.filters input[type=search]", "sphincter")
    assert rows.count() == 1 and page.text_content(".shown-count") == "1"
    page.fill("form.filters input[type=search]", "no such words")
    assert rows.count() == 0 and page.text_content(".shown-count") == "0"
    page.fill("form.filters input[type=search]", "")
    page.click("#codes thead th:nth-child(6) button")  # sort by gaps
    assert page.get_attribute("#codes thead th:nth-child(6)", "aria-sort") == "ascending"
    page.click("#codes tbody a")
    assert page.url.endswith("/codes/CPT-1001T.html")
    assert watched.errors == [] and watched.off_disk() == []


@pytest.fixture(scope="module")
def coverage_site(tmp_path_factory) -> Path:
    """The seed and the payer policy fixtures: four codes, Cigna on three of them."""
    from codegraph import add_import, import_payer_policy

    policies = ROOT / "tests" / "fixtures" / "payer-policy" / "payer-policies.csv"
    dataset = add_import(build([SEED]).dataset, import_payer_policy([policies]))
    output = tmp_path_factory.mktemp("browser-coverage-site") / "site"
    build_site(dataset, output, source_label="the seed and payer policies", diagrams=False)
    return output


def _shown_codes(page) -> list[str]:
    return page.eval_on_selector_all("#codes tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.code)")


def test_the_search_box_finds_payers_aliases_typos_and_policies(watched, coverage_site):
    page = watched.page
    page.goto((coverage_site / "index.html").as_uri())
    search = "form.filters input[type=search]"
    assert sorted(_shown_codes(page)) == ["0627T", "1001T", "20610", "J7321"]
    page.fill(search, "Cigna")
    assert sorted(_shown_codes(page)) == ["1001T", "20610", "J7321"]  # the rows with Cigna: 0 before
    assert page.text_content(".shown-count") == "3"
    first = page.locator("#search-results li").first
    assert first.locator(".kind").text_content() == "payer" and first.locator("button").text_content() == "Cigna"
    page.fill(search, "Cigna Health")  # an alias (payer-aliases.csv)
    assert sorted(_shown_codes(page)) == ["1001T", "20610", "J7321"]
    assert "alias \u201cCigna Health\u201d" in page.text_content("#search-results li")
    page.fill(search, "cigan")  # a typo
    assert sorted(_shown_codes(page)) == ["1001T", "20610", "J7321"]
    page.fill(search, "UHC")
    assert sorted(_shown_codes(page)) == ["0627T", "1001T", "20610"]
    page.fill(search, "hyaluronic")  # a policy title: found nothing before
    assert _shown_codes(page) == ["J7321"]
    page.fill(search, "bowel incontinence")  # a synonym of fecal incontinence, named on 1001T's page
    assert _shown_codes(page) == ["1001T"]
    page.fill(search, "1001")
    page.click("#search-results li a")
    assert page.url.endswith("/codes/CPT-1001T.html")
    assert watched.errors == [] and watched.off_disk() == []


def test_selecting_a_fact_marks_its_evidence(watched, seed_site, seed_facts, tmp_path):
    page = watched.page
    page.goto((seed_site / "codes" / "CPT-1001T.html").as_uri())
    assert page.locator(".ev.active").count() == 0
    step = seed_facts.steps[4]  # "On the day of injection, the patient is positioned ..."
    page.click(f'#steps li[value="{step.order}"] a.fact')
    marked = page.locator(".ev.active")
    assert "".join(marked.all_text_contents()) == step.evidence.quote == step.text
    assert marked.first.is_visible()
    assert _in_view(page, ".ev.active")
    assert page.locator("a.fact.selected").all_text_contents() == [step.text]
    assert page.text_content(".evidence-status") == f"Evidence (line {step.evidence.line} · clinical-context): \u201c{step.text}\u201d"
    assert page.url.endswith(f"#{page.get_attribute('a.fact.selected', 'data-evidence')}")

    # another fact moves the mark: a coverage statement, whose span is shared by all five payers
    page.click('#coverage tr[data-payer="Cigna"] td.evidence a.fact')
    text = SEED.read_text(encoding="utf-8")
    assert "".join(page.locator(".ev.active").all_text_contents()) == text.splitlines()[4]
    # the five payers' rows, the declaration that names payer policies, and the five gaps about them
    assert page.locator("a.fact.selected").count() == 5 + 1 + 5
    page.screenshot(path=str(tmp_path / "code-page.png"))
    assert (tmp_path / "code-page.png").stat().st_size > 10_000
    assert watched.errors == [] and watched.off_disk() == []


def test_opening_a_fact_link_from_another_page_marks_it(watched, seed_site):
    page = watched.page
    page.goto((seed_site / "codes" / "CPT-1001T.html").as_uri())
    key = page.get_attribute("#anatomy a.fact", "data-evidence")
    page.goto((seed_site / "codes" / "CPT-1001T.html").as_uri() + f"#{key}")
    page.reload()
    assert "".join(page.locator(".ev.active").all_text_contents()) == "External Anal Sphincter"
    assert watched.errors == []


def test_the_diagram_links_steps_to_their_evidence(watched, seed_site):
    page = watched.page
    page.goto((seed_site / "codes" / "CPT-1001T.html").as_uri())
    if page.locator("#diagram svg").count() == 0:
        pytest.skip("the site was built without diagrams")
    page.locator('#diagram svg a[*|href^="#ev-"]').first.click()
    assert page.locator(".ev.active").count() >= 1
    assert "arrives" in "".join(page.locator(".ev.active").all_text_contents())
    assert watched.errors == []


def test_matrix_and_validation_report_open(watched, seed_site):
    page = watched.page
    page.goto((seed_site / "matrix.html").as_uri())
    assert page.locator("#matrix-table tbody tr").count() == 1
    page.click("text=Validation report")
    assert page.url.endswith("/validation.html")
    assert page.locator("li.finding").count() == 9
    assert watched.errors == [] and watched.off_disk() == []


def test_a_page_from_a_document_with_a_script_runs_none(watched, tmp_path):
    document = tmp_path / "docs" / "cpt-1001T-hostile.txt"
    document.parent.mkdir()
    text = SEED.read_text(encoding="utf-8").replace("CPT 1001T: Autologous", "CPT 1001T: <script>alert(1)</script> <img src=x onerror=alert(2)> Autologous")
    document.write_text(text.replace("Service type: ", "Service type: <script>alert(3)</script> "), encoding="utf-8")
    build_site(build([document]).dataset, tmp_path / "site")
    page = watched.page
    for name in ("index.html", "codes/CPT-1001T.html", "matrix.html", "validation.html"):
        page.goto((tmp_path / "site" / name).as_uri())
        page.wait_for_timeout(100)
    page.goto((tmp_path / "site" / "codes" / "CPT-1001T.html").as_uri())
    assert page.text_content("h1 .title").startswith("<script>alert(1)</script> <img src=x onerror=alert(2)>")
    page.click("#overview dd a.fact >> nth=0")
    assert "<script>alert(1)</script>" in "".join(page.locator(".ev.active").all_text_contents())
    assert watched.dialogs == []
    assert watched.errors == [] and watched.off_disk() == []


def _in_view(page, selector: str) -> bool:
    """Whether the first element matching ``selector`` is inside the window and its scroll box."""
    return page.eval_on_selector(selector, """element => {
        const box = element.getBoundingClientRect();
        const pane = element.closest('.source-column').getBoundingClientRect();
        return box.top >= Math.max(0, pane.top) && box.bottom <= Math.min(window.innerHeight, pane.bottom);
    }""")
