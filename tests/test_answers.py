"""Answers per code an analyst can trust (issue 14): one coverage rule for the check, the matrix,
the disagreements and the site; gaps judged per code and per document, each naming its document;
refusals of what the graph does not hold, with the closest matches; one build gate with
ICD-10-CM; spec-true reports; queries that read only codegraph's graphs on a shared server; code
pages that keep each source's steps together, name each structure once and mark cut-off values.

Expected answers come from the fixture files (tests/fixtures/payer-policy, tests/fixtures/mcd, the
corpus pages), read by hand: which policy is in effect on which day, for which line of business.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import json
import random
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from codegraph import (
    MemoryStore,
    NotFoundError,
    OxigraphStore,
    QueryError,
    UnknownCodeError,
    UnknownDiagnosisError,
    UnknownPayerError,
    UnknownPlaceOfServiceError,
    build,
    build_site,
    check_build,
    check_coverage,
    coverage_matrix,
    import_mcd,
    import_payer_policy,
    load_import_into_store,
    load_into_store,
    missing_facets,
    open_store,
    run_named_query,
    validate_graph,
)
from codegraph.query import bind_parameters, get_query, load_catalog
from codegraph.rdf.namespaces import CG
from codegraph.store.scope import Unscoped, scope_query
from coverage_data import BULLETIN, MCD, POLICIES, ROOT, SEED, build_coverage_fixture, generated_policies

JUNE_2025, JUNE_2024 = date(2025, 6, 1), date(2024, 6, 1)
CORPUS = ROOT / "tests" / "corpus" / "documents"
CGSH = "https://w3id.org/codegraph/shapes#"


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    memory, oxigraph = build_coverage_fixture(tmp_path_factory.mktemp("answers-store"))
    return {"memory": memory, "oxigraph": oxigraph}


def cells(matrix) -> list[tuple]:
    return [(c.code, c.payer, c.line_of_business, c.status, c.prior_authorization, c.assertions) for c in matrix.cells]


# ---------------------------------------------------------------- one coverage rule


def test_matrix_on_a_date_keeps_lines_of_business_apart(stores):
    on_june_2025 = coverage_matrix(stores["oxigraph"], on=JUNE_2025)
    assert cells(on_june_2025) == cells(coverage_matrix(stores["memory"], on=JUNE_2025))
    assert cells(on_june_2025) == [
        ("0627T", "Aetna", "commercial", "not-covered", "unknown", 1),  # CPB-0999: experimental since 2025-01-01
        ("0627T", "Medicare", "medicare-ffs", "not-covered", "unknown", 1),
        ("0627T", "UnitedHealthcare", "commercial", "conditional", "required", 1),  # the 2025 version; the 2023 one ended
        ("1001T", "Aetna", "commercial", "not-covered", "unknown", 1),  # the seed's "not available" is no decision
        ("1001T", "Blue Cross Blue Shield", "commercial", "unknown", "unknown", 0),
        ("1001T", "Cigna", None, "unknown", "unknown", 0),  # only the seed names Cigna, with no line of business
        ("1001T", "Medicare", "medicare-ffs", "not-covered", "unknown", 1),  # A58002; A58003 ended 2023-12-31
        ("1001T", "UnitedHealthcare", "commercial", "conditional", "required", 1),
        ("20610", "Aetna", "commercial", "covered", "not-required", 1),
        ("20610", "Blue Cross Blue Shield", "commercial", "covered", "not-required", 1),
        ("20610", "Cigna", "commercial", "covered", "not-required", 2),  # CIG-0201 and the 2025 bulletin agree
        ("20610", "Medicare", "medicare-ffs", "conditional", "unknown", 1),
        ("20610", "UnitedHealthcare", "medicare-advantage", "covered", "not-required", 1),
        ("J7321", "Aetna", "commercial", "conditional", "required", 1),
        ("J7321", "Cigna", "commercial", "conflict", "required", 2),  # CIG-0032 not covered, the bulletin covers it
        ("J7321", "Example State Medicaid", "medicaid", "conditional", "required", 1),  # covered only with M17.x
        ("J7321", "Medicare", "medicare-ffs", "conditional", "unknown", 1),  # the J7321 at Medicare: conditional
    ]
    unknown = on_june_2025.cell("1001T", "Blue Cross Blue Shield", "commercial")
    assert unknown is not None and unknown.reason == "the sources that apply state no decision"
    assert on_june_2025.cell("J7321", "Cigna", "commercial").policies == ("CIG-0032", "CIG-2025-07")
    on_june_2024 = {(c.code, c.payer): (c.status, c.assertions, c.reason) for c in coverage_matrix(stores["oxigraph"], on=JUNE_2024).cells}
    assert on_june_2024[("0627T", "UnitedHealthcare")] == ("not-covered", 1, "")  # the 2023 version, not yet replaced
    assert on_june_2024[("J7321", "Cigna")] == ("not-covered", 1, "")  # the bulletin starts 2025-03-01
    assert on_june_2024[("0627T", "Aetna")] == ("unknown", 0, "no assertion is in effect or applies")


def test_the_check_says_what_the_matrix_says_for_j7321_at_medicare(stores):
    answer = check_coverage(stores["oxigraph"], "J7321", "Medicare", on=JUNE_2025)
    cell = coverage_matrix(stores["oxigraph"], on=JUNE_2025, code="J7321", payer="medicare").cells
    assert [(c.status, c.assertions, c.policies) for c in cell] == [("conditional", 1, ("A58001",))]
    assert (answer.coverage, len(answer.rests_on)) == ("conditional", 1)
    assert "covered only with one of 3 supporting diagnoses" in answer.used[0].note


def test_payer_disagreements_come_from_the_matrix(stores):
    def pairs(day):
        return [(d.code, d.payer, d.status, d.policies, d.other_payer, d.other_status, d.other_policies)
                for d in coverage_matrix(stores["oxigraph"], on=day).disagreements()]

    assert pairs(JUNE_2025) == [
        ("0627T", "Aetna", "not-covered", ("CPB-0999",), "UnitedHealthcare", "conditional", ("UHC-2024T034",)),
        ("0627T", "Medicare", "not-covered", ("A58002",), "UnitedHealthcare", "conditional", ("UHC-2024T034",)),
        ("1001T", "Aetna", "not-covered", ("CPB-0999",), "UnitedHealthcare", "conditional", ("UHC-2025T001",)),
        ("1001T", "Medicare", "not-covered", ("A58002",), "UnitedHealthcare", "conditional", ("UHC-2025T001",)),
    ]  # J7321 at Cigna is a conflict between Cigna's own sources, not a position to compare
    assert pairs(JUNE_2024) == [
        ("J7321", "Aetna", "conditional", ("CPB-0179",), "Cigna", "not-covered", ("CIG-0032",)),
        ("J7321", "Cigna", "not-covered", ("CIG-0032",), "Medicare", "conditional", ("A58001",)),
    ]


@pytest.fixture(scope="module")
def two_lines(tmp_path_factory):
    """The fixture plus UnitedHealthcare not covering 20610 for its commercial plans (it covers it
    for Medicare Advantage): one payer, two lines of business, two answers."""
    folder = tmp_path_factory.mktemp("two-lines")
    extra = folder / "uhc-commercial.csv"
    header = (ROOT / POLICIES).read_text(encoding="utf-8").splitlines()[0]
    extra.write_text(header + "\nCPT,20610,UnitedHealthcare,commercial,not-covered,unknown,UHC-C-0610,Joint injections,"
                     "https://example.org/uhc/c-0610,2024-01-01,,,,,,\n", encoding="utf-8")
    with contextlib.chdir(ROOT):
        result = build([SEED])
        batches = [import_payer_policy([POLICIES, BULLETIN, str(extra)]), import_mcd(MCD)]
    with OxigraphStore(folder / "store") as store:
        load_into_store(result, store)
        for batch in batches:
            load_import_into_store(batch, store, include_reference=False)
    return folder


@pytest.fixture()
def two_lines_store(two_lines):
    """The two-lines store opened for one test (closed again, so the command line can open it)."""
    with open_store(two_lines / "store") as store:
        yield store, two_lines
    gc.collect()


def test_lines_of_business_are_answered_apart_never_as_a_conflict(two_lines_store):
    store, folder = two_lines_store
    uhc = [(c.line_of_business, c.status) for c in coverage_matrix(store, on=JUNE_2025, code="20610", payer="UHC").cells]
    assert uhc == [("commercial", "not-covered"), ("medicare-advantage", "covered")]
    answer = check_coverage(store, "20610", "UHC", on=JUNE_2025)
    assert answer.coverage == "varies" and answer.prior_authorization == "varies"
    assert [(line.line_of_business, line.coverage) for line in answer.by_line_of_business] == uhc
    assert "varies by line of business" in answer.summary and "give a line of business" in answer.summary
    assert check_coverage(store, "20610", "UHC", on=JUNE_2025, line_of_business="commercial").coverage == "not-covered"
    # The site's matrix shows the two positions in one cell, each in its own colour, the cell not as a conflict.
    report = validate_graph(store, as_of=JUNE_2025)
    from codegraph.site.build import build_site as write_site

    write_site(store, folder / "site", report=report, version="test", source_label="test", diagrams=False)
    page = BeautifulSoup((folder / "site" / "matrix.html").read_text(encoding="utf-8"), "html.parser")
    assert page.h1.get_text() == "Coverage matrix on 2025-06-01"
    payers = [th.get_text(strip=True) for th in page.select("#matrix-table thead th")][1:]
    cell = page.select_one('tr[data-code="20610"]').find_all("td")[payers.index("UnitedHealthcare")]
    assert "several" in cell["class"] and not any(name.startswith("status-") for name in cell["class"])
    assert [(p.select_one(".lob").get_text(), p["data-status"]) for p in cell.select(".position")] == uhc


def test_cli_matrix_takes_a_date_and_defaults_to_today(run_cli, two_lines):
    store_dir = two_lines / "store"
    code, out, err = run_cli("coverage", "matrix", "--code", "J7321", "--date", "2024-06-01", "--store", store_dir, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(out.splitlines()))
    assert [(r["date"], r["payer"], r["line_of_business"], r["status"], r["assertions"]) for r in rows] == [
        ("2024-06-01", "Aetna", "commercial", "conditional", "1"),
        ("2024-06-01", "Cigna", "commercial", "not-covered", "1"),
        ("2024-06-01", "Example State Medicaid", "medicaid", "unknown", "0"),  # PH-112 starts 2024-07-01
        ("2024-06-01", "Medicare", "medicare-ffs", "conditional", "1"),
    ]
    code, out, _err = run_cli("coverage", "matrix", "--store", store_dir)
    assert code == 0 and out.startswith(f"coverage on {date.today().isoformat()}")
    code, out, _err = run_cli("coverage", "disagreements", "--date", "2024-06-01", "--code", "J7321", "--store", store_dir,
                              "--format", "json")
    assert code == 0
    assert [(d["code"], d["payer"], d["other_payer"]) for d in json.loads(out)["disagreements"]] == [
        ("J7321", "Aetna", "Cigna"), ("J7321", "Cigna", "Medicare")]
    # Every code: UnitedHealthcare's commercial plans do not cover 20610 where Aetna's and Cigna's do.
    code, out, _err = run_cli("coverage", "disagreements", "--date", "2024-06-01", "--store", store_dir, "--format", "json")
    pairs = {(d["code"], d["payer"], d["line_of_business"], d["other_payer"], d["other_line_of_business"], d["other_status"])
             for d in json.loads(out)["disagreements"]}
    assert ("20610", "Aetna", "commercial", "UnitedHealthcare", "commercial", "not-covered") in pairs
    assert not any(pair[2] == "medicare-advantage" or pair[4] == "medicare-advantage" for pair in pairs)  # UHC covers MA


# ---------------------------------------------------------------- the agreement test


def test_check_and_matrix_agree_on_every_code_payer_and_line_of_business(tmp_path):
    from benchmarks.generate_corpus import generate

    generate(40, tmp_path / "pages", seed=14)
    with contextlib.chdir(ROOT):
        result = build([str(tmp_path / "pages"), SEED])
    codes = sorted({facts.code.code for facts in result.documents})
    policies = tmp_path / "generated-policies.csv"
    policies.write_text(generated_policies(codes[:25], random.Random(14)), encoding="utf-8")
    with contextlib.chdir(ROOT):
        batches = [import_payer_policy([POLICIES, BULLETIN, str(policies)]), import_mcd(MCD)]
    assert not any(batch.errors for batch in batches)
    store = OxigraphStore(tmp_path / "store")
    load_into_store(result, store)
    for batch in batches:
        load_import_into_store(batch, store, include_reference=False)

    days = [date(2023, 6, 1), date(2024, 6, 1), date(2025, 1, 15), date(2025, 6, 1), date.today()]
    checked, statuses, sizes = 0, set(), []
    for day in days:
        matrix = coverage_matrix(store, on=day)
        sizes.append((len(matrix.codes), len(matrix.payers), len({c.line_of_business for c in matrix.cells})))
        by_pair: dict[tuple[str, str], list] = {}
        for cell in matrix.cells:
            answer = check_coverage(store, cell.code, cell.payer, on=day, line_of_business=cell.line_of_business)
            assert (answer.coverage, answer.prior_authorization, set(answer.rests_on)) == \
                (cell.status, cell.prior_authorization, set(cell.rests_on)), (day, cell)
            by_pair.setdefault((cell.code, cell.payer), []).append(cell)
            statuses.add(cell.status)
            checked += 1
        for (code, payer), found in by_pair.items():  # asked without a line of business
            answer = check_coverage(store, code, payer, on=day)
            agreed = {cell.status for cell in found}
            assert answer.coverage == (agreed.pop() if len(agreed) == 1 else "varies"), (day, code, payer)
            checked += 1
    print(f"\nagreement: {checked} checks; codes x payers x lines of business per date: {sizes}; {len(days)} dates")
    assert {"covered", "conditional", "not-covered", "conflict", "unknown"} <= statuses  # every answer was exercised
    assert checked > 500


# ---------------------------------------------------------------- code-level knowledge


@pytest.fixture(scope="module")
def pages_1001t():
    """Every corpus page about 1001T and the seed (the same bytes as one of them: built once)."""
    with contextlib.chdir(ROOT):
        return build(sorted(str(path.relative_to(ROOT)) for path in CORPUS.glob("cpt-1001T-*")) + [str(SEED)])


@pytest.fixture(scope="module")
def two_pages_1001t():
    """The seed and one other 1001T page, both declaring ICD-10 mappings unavailable."""
    with contextlib.chdir(ROOT):
        return build(["tests/corpus/documents/cpt-1001T-labelled-summary-payor-spelling.txt", str(SEED)])


def test_a_facet_one_page_declares_unavailable_and_another_supplies_is_no_gap_of_the_code(pages_1001t):
    report = validate_graph(pages_1001t.dataset, as_of=JUNE_2025)
    # Three pages declare modifiers, ICD-10 mappings or related codes unavailable; another page of
    # 1001T supplies each, so the code has no such gap.
    assert [f for f in report.findings if f.shape == CGSH + "FacetDeclaredUnavailableShape"] == []
    gaps = missing_facets(MemoryStore(pages_1001t.dataset), "1001T")
    assert [g for g in gaps if g.level == "code"] == []
    notes = {(Path(g.document).name, g.facet): (g.state, g.line, g.elsewhere) for g in gaps if g.level == "document"}
    assert notes[("cpt-1001T-seed-truncated-modifier-row.txt", "modifiers")] == ("declared-unavailable (partial data read)", 5, False)
    assert notes[("cpt-1001T-seed-truncated-modifier-row.txt", "icd10-mappings")] == ("declared-unavailable", 5, True)
    assert notes[("cpt-1001T-labelled-summary-payor-spelling.txt", "modifiers")][0] == "not-found"
    assert notes[("cpt-1001T-labelled-summary-payor-spelling.txt", "modifiers")][2] is True  # another page supplies them


def test_a_facet_every_speaking_source_declares_unavailable_is_a_gap_of_the_code_naming_each(two_pages_1001t):
    report = validate_graph(two_pages_1001t.dataset, as_of=JUNE_2025)
    declared = [f for f in report.findings if f.shape == CGSH + "FacetDeclaredUnavailableShape"]
    assert {f.level for f in declared} == {"code"}
    icd10 = sorted(f.message.split(" declares")[0].split(": ", 1)[1] for f in declared if f.path == str(CG.icd10Mapping))
    assert icd10 == ["data/documents/cpt-1001T-overview.txt", "tests/corpus/documents/cpt-1001T-labelled-summary-payor-spelling.txt"]
    assert all("(line " in f.message for f in declared)
    per_code = {(g.facet, g.document, g.line) for g in missing_facets(MemoryStore(two_pages_1001t.dataset), "1001T")
                if g.level == "code" and g.state == "declared-unavailable"}
    assert ("icd10-mappings", "tests/corpus/documents/cpt-1001T-labelled-summary-payor-spelling.txt", 7) in per_code
    assert ("icd10-mappings", "data/documents/cpt-1001T-overview.txt", 5) in per_code


def test_gaps_text_labels_both_levels(run_cli, two_pages_1001t, tmp_path):
    graph = tmp_path / "1001T.trig"
    from codegraph import write_build

    write_build(two_pages_1001t, graph)
    code, out, _err = run_cli("validate", "--data", graph, "--gaps")
    assert code == 0
    block = out.split("code 1001T", 1)[1]
    assert block.index("  per code") < block.index("  per document")
    assert "    tests/corpus/documents/cpt-1001T-labelled-summary-payor-spelling.txt" in block
    assert "not found here; another source of the code supplies it" in block
    data = json.loads(run_cli("validate", "--data", graph, "--gaps", "--format", "json")[1])["codes"]["1001T"]
    assert data["per_code"] and data["per_document"]
    assert all(item["document"] for item in data["per_document"])


def test_every_finding_names_its_document_and_line(pages_1001t, run_cli, tmp_path):
    report = validate_graph(pages_1001t.dataset, as_of=JUNE_2025)
    paths = {str(Path(d.source.path)) for d in pages_1001t.documents} | {d.source.path for d in pages_1001t.documents}
    for finding in report.findings:
        if finding.level == "document":
            assert finding.document in paths, finding
        else:
            assert finding.document is None and finding.focus_node.endswith("/1001T")
        if "line " in finding.message:
            assert any(path in finding.message for path in paths), finding.message
    coverage = [f for f in report.findings if f.shape == CGSH + "CoverageDecisionShape"]
    assert coverage and all(f.line is not None and f.document for f in coverage)
    text = report.render_text()
    first = coverage[0]
    assert f"{first.document} line {first.line}: {first.message}" in text


def test_code_overview_gives_each_fact_its_document(pages_1001t):
    rows = run_named_query(MemoryStore(pages_1001t.dataset), "code-overview", {"code": "1001T"}).as_dicts()
    steps = [(Path(str(r["document"])).name, int(r["order"])) for r in rows if str(r["facet"]) == "procedure step"]
    # each page's steps together and in order, never 1, 1, 2, 2, ...
    assert steps == [("cpt-1001T-complete-coverage-label-blocks.txt", n) for n in (1, 2, 3)] + \
        [("cpt-1001T-seed-truncated-modifier-row.txt", n) for n in range(1, 12)]
    assert all(r["document"] is not None for r in rows)


# ---------------------------------------------------------------- refuse what is not there


@pytest.mark.parametrize(("options", "error", "message", "suggestion"), [
    ({"code": "1002T"}, UnknownCodeError, "code: '1002T' is not in the graph", "1001T (CPT Autologous"),
    ({"payer": "Cigan"}, UnknownPayerError, "payer: 'Cigan' is not in the graph", "Cigna"),
    ({"payer": "Humana"}, UnknownPayerError, "payer: 'Humana' is not in the graph", None),
    ({"place_of_service": "office"}, UnknownPlaceOfServiceError, "place_of_service: 'office' is not in the graph", "11 (Office)"),
    ({"place_of_service": "30"}, UnknownPlaceOfServiceError, "place_of_service: '30' is not in the graph", None),
])
def test_what_the_graph_does_not_hold_is_refused_with_the_closest_matches(stores, options, error, message, suggestion):
    arguments = {"code": "J7321", "payer": "Aetna", **options}
    with pytest.raises(error) as raised:
        check_coverage(stores["oxigraph"], arguments.pop("code"), arguments.pop("payer"), on=JUNE_2025, **arguments)
    assert isinstance(raised.value, NotFoundError) and isinstance(raised.value, LookupError)
    assert str(raised.value).startswith(message)
    if suggestion is not None:
        assert raised.value.suggestions[0].startswith(suggestion)


def test_a_diagnosis_must_look_like_icd10cm(stores):
    with pytest.raises(QueryError, match=r"diagnosis: 'banana' is not an ICD-10-CM code"):
        check_coverage(stores["oxigraph"], "J7321", "Aetna", diagnosis="banana")
    # without a release loaded, the shape is all that can be checked, and the answer says so
    answer = check_coverage(stores["oxigraph"], "J7321", "Aetna", on=JUNE_2025, diagnosis="M17.11")
    assert answer.notes == ("diagnosis M17.11 was checked for its shape only: no ICD-10-CM release is loaded (build --icd10cm)",)


def test_refusals_on_the_command_line_exit_2(run_cli, two_lines):
    store_dir = two_lines / "store"
    code, out, err = run_cli("coverage", "check", "--code", "J7321", "--payer", "Cigan", "--store", store_dir)
    assert (code, out) == (2, "")
    assert err.startswith("codegraph: error: --payer: 'Cigan' is not in the graph; did you mean Cigna?")
    code, _out, err = run_cli("coverage", "check", "--code", "20611", "--payer", "Aetna", "--store", store_dir)
    assert code == 2 and "--code: '20611' is not in the graph; did you mean 20610" in err
    code, _out, err = run_cli("coverage", "matrix", "--code", "J7322", "--store", store_dir)
    assert code == 2 and "--code: 'J7322' is not in the graph; did you mean J7321" in err
    code, _out, err = run_cli("coverage", "check", "--code", "J7321", "--payer", "Aetna", "--pos", "ofice", "--store", store_dir)
    assert code == 2 and "--pos: 'ofice' is not in the graph's place-of-service codes; did you mean 11 (Office)?" in err
    code, _out, err = run_cli("coverage", "check", "--code", "J7321", "--payer", "Aetna", "--dx", "banana", "--store", store_dir)
    assert code == 2 and "--dx: 'banana' is not an ICD-10-CM code" in err


def test_matrix_refuses_an_unknown_code_or_payer(stores):
    with pytest.raises(UnknownCodeError):
        coverage_matrix(stores["memory"], code="1002T")
    with pytest.raises(UnknownPayerError):
        coverage_matrix(stores["memory"], payer="Aetnna")


# ---------------------------------------------------------------- ICD-10-CM: one gate, billable diagnoses

RETIRED_MAPPINGS = """Summary & Overview
CPT 0627T: Allogeneic Cell Product Injection into the Lumbar Disc, First Level
Key payers covered: Aetna and Medicare
Billing Code Overview
-
Service type: Percutaneous intradiscal cell-based injection
-
Typical site of service: Ambulatory surgical center (POS 24)
Payer Coverage
| Payer | Coverage Status | Prior Authorization | Policy | Effective Date |
|---|---|---|---|---|
| Aetna | Experimental/investigational | Not required | CPB 0016 | 2024-11-01 |
| Medicare | Conditional (clinical study participation) | Not required | L38901 | 2025-02-01 |
ICD-10 Mappings
| ICD-10 Code | Description |
|---|---|
| M51.36 | Other intervertebral disc degeneration, lumbar region |
| M51.37 | Other intervertebral disc degeneration, lumbosacral region |
| M54.59 | Other low back pain |
"""


@pytest.fixture(scope="module")
def icd_store(tmp_path_factory):
    """A page mapping to M51.36 and M51.37 (not billable since FY2025), built with --icd10cm."""
    folder = tmp_path_factory.mktemp("icd")
    (folder / "pages").mkdir()
    (folder / "pages" / "cpt-0627T-retired-diagnoses.txt").write_text(RETIRED_MAPPINGS, encoding="utf-8")
    return folder


def _violations(findings) -> list[tuple]:
    return sorted((f.shape, f.focus_node, f.path, f.value, f.message) for f in findings if f.severity == "violation")


def test_build_gate_gives_the_findings_validate_gives_with_icd10cm(run_cli, icd_store):
    pages, store_dir = icd_store / "pages", icd_store / "store"
    code, out, err = run_cli("build", pages, "--icd10cm", "--store", store_dir, "--fail-on", "violation")
    assert code == 1, err
    assert "gaps:      2 violation(s)" in out
    code, out, _err = run_cli("validate", "--store", store_dir, "--format", "json")
    assert code == 1
    by_validate = [f for f in json.loads(out)["findings"] if f["severity"] == "violation"]
    assert sorted((f["shape"].removeprefix(CGSH), f["value"].rsplit("/", 1)[-1], f["document"]) for f in by_validate) == [
        ("DiagnosisCodeShape", "M51.36", str(pages / "cpt-0627T-retired-diagnoses.txt")),
        ("DiagnosisCodeShape", "M51.37", str(pages / "cpt-0627T-retired-diagnoses.txt")),
    ]
    # A build that writes only a file checks the same graph the same way (api.check_build).
    from codegraph import build as build_pages

    result = build_pages([pages], icd10cm=True)
    by_build = check_build(result)
    assert _violations(by_build.findings) == sorted(
        (f["shape"], f["focus_node"], f["path"], f["value"], f["message"]) for f in by_validate)


def test_a_diagnosis_is_checked_against_the_loaded_release(run_cli, icd_store):
    store_dir = icd_store / "store"
    if not store_dir.exists():
        assert run_cli("build", icd_store / "pages", "--icd10cm", "--store", store_dir, "--no-validate")[0] == 0
    code, out, err = run_cli("coverage", "check", "--code", "0627T", "--payer", "Medicare", "--dx", "M51.36",
                             "--date", "2025-06-01", "--store", store_dir, "--format", "json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["notes"] == ["diagnosis M51.36 is not billable in the loaded ICD-10-CM release (a category, or a code "
                               "retired into more specific ones): a claim cannot carry it; use one of its subcodes"]
    code, _out, err = run_cli("coverage", "check", "--code", "0627T", "--payer", "Medicare", "--dx", "M51.399", "--store", store_dir)
    assert code == 2 and "--dx: 'M51.399' is not in the loaded ICD-10-CM release; did you mean M51." in err
    with open_store(store_dir) as store, pytest.raises(UnknownDiagnosisError) as raised:
        check_coverage(store, "0627T", "Medicare", diagnosis="M51.399")
    suggested = raised.value.suggestions  # the closest billable codes of the category first
    assert suggested[0].startswith("M51.3") and all(s.startswith("M51.") for s in suggested)
    gc.collect()
    code, out, _err = run_cli("coverage", "check", "--code", "0627T", "--payer", "Medicare", "--dx", "M51.369",
                              "--date", "2025-06-01", "--store", store_dir)
    assert code == 0 and "note:" not in out  # billable: nothing to say


# ---------------------------------------------------------------- spec-true reports


def test_sh_conforms_is_false_whenever_there_is_a_result(seed_report, run_cli, tmp_path, seed_copy):
    assert seed_report.counts() == {"violation": 0, "warning": 8, "info": 1}
    turtle = Graph().parse(data=seed_report.render_turtle(), format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    (conforms,) = list(turtle.objects(None, URIRef(sh + "conforms")))
    assert conforms == Literal(False) and len(list(turtle.objects(None, URIRef(sh + "result")))) == 9
    graph = tmp_path / "graph.nq"
    assert run_cli("build", seed_copy.parent, "-o", graph, "--no-validate")[0] == 0
    code, out, _err = run_cli("validate", "--data", graph, "--format", "json", "--fail-on", "violation")
    assert code == 0 and json.loads(out)["conforms"] is False  # the exit code follows --fail-on, conforms the spec
    empty = validate_graph(Dataset())
    assert empty.findings == [] and empty.conforms
    (conforms,) = list(Graph().parse(data=empty.render_turtle(), format="turtle").objects(None, URIRef(sh + "conforms")))
    assert conforms == Literal(True)


# ---------------------------------------------------------------- only codegraph's graphs


def test_a_foreign_copy_on_a_union_default_graph_server_changes_no_answer(stores, tmp_path):
    from codegraph.rdf.terms import ntriple_line
    from codegraph.store.push import push
    from servers import OxigraphServer

    memory = stores["memory"]
    server = OxigraphServer(tmp_path / "union", union_default_graph=True).start()
    try:
        remote = server.remote()
        push(memory, remote)
        copy = "".join(ntriple_line(s, p, o) for s, p, o, _g in memory.quads()).encode("utf-8")
        remote.client.gsp_post(URIRef("https://example.org/someone-elses/copy"), copy)
        overview = bind_parameters(get_query("code-overview"), {"code": "1001T"})
        # The copy is there: the query as written, on the union default graph, sees it twice over.
        assert len(remote.client.select_raw(overview).rows) > 2 * len(memory.select(overview).rows)
        assert remote.graph_names() == memory.graph_names()
        for name in sorted(load_catalog()):
            spec = get_query(name)
            samples = {"code": "1001T", "anatomy": "external anal sphincter", "condition": "R15", "payer": "Aetna"}
            params = dict(spec.examples) or {name: samples[name] for name in spec.required}
            assert sorted(map(repr, run_named_query(remote, name, params).rows)) == \
                sorted(map(repr, run_named_query(memory, name, params).rows)), name
    finally:
        server.stop()


def test_scoping_rewrites_each_pattern_and_keeps_the_answers():
    ex = "https://example.org/"
    ours, foreign = URIRef("https://w3id.org/codegraph/id/graph/document/x"), URIRef(ex + "foreign")
    data = Dataset(default_union=True)
    for graph, name in ((ours, "Aetna"), (foreign, "Not ours")):
        data.graph(graph).add((URIRef(ex + "a"), URIRef(ex + "payer"), URIRef(ex + f"p-{name}")))
        data.graph(graph).add((URIRef(ex + f"p-{name}"), URIRef(ex + "name"), Literal(name)))
    data.graph(ours).add((URIRef(ex + "a"), RDF.type, URIRef(ex + "Assertion")))
    query = f"""PREFIX ex: <{ex}>
        SELECT DISTINCT ?name WHERE {{ ?a ex:payer/ex:name ?name ; a [] . FILTER EXISTS {{ ?a a ex:Assertion }}
          BIND(IF(EXISTS {{ ?a ex:payer ?p }}, "yes", "no") AS ?has) OPTIONAL {{ ?a ex:none ?n }} }} ORDER BY ?name"""
    assert [str(row[0]) for row in data.query(query)] == ["Aetna", "Not ours"]
    scoped = scope_query(query)
    assert scoped.count("GRAPH ?") == 6  # payer and name (the path split), the type, two EXISTS, the OPTIONAL
    assert [str(row[0]) for row in data.query(scoped)] == ["Aetna"]
    with pytest.raises(Unscoped):
        scope_query("SELECT * WHERE { ?s ?p ?o }")


# ---------------------------------------------------------------- code pages


@pytest.fixture(scope="module")
def site_1001t(pages_1001t, tmp_path_factory):
    output = tmp_path_factory.mktemp("site-1001T") / "site"
    dataset = Dataset(default_union=True)
    for s, p, o, g in pages_1001t.dataset.quads((None, None, None, None)):
        dataset.graph(g).add((s, p, o))
    # The reader marks a value the end of its page interrupts (cg:valueCutOff) and the page itself
    # (cg:cutKind, cg:cutOffAt): here on the page that stops in "Ambulatory surgery cen".
    cut = next(d for d in pages_1001t.documents if d.source.path.endswith("cpt-1001T-ends-mid-word-in-site-line.txt"))
    code = URIRef("http://purl.bioontology.org/ontology/CPT/1001T")
    for site in dataset.objects(code, CG.siteOfService):
        evidence = dataset.value(site, CG.evidence)
        document = dataset.value(evidence, CG.inDocument)
        if str(dataset.value(document, CG.sourcePath)) == cut.source.path:
            graph = next(g for _s, _p, _o, g in dataset.quads((site, CG.evidence, None, None)))
            dataset.graph(graph).add((site, CG.valueCutOff, Literal(True)))
            dataset.graph(graph).add((document, CG.cutKind, Literal("mid-word")))
            dataset.graph(graph).add((document, CG.cutOffAt, evidence))
    build_site(dataset, output, as_of=JUNE_2025, diagrams=False)
    return BeautifulSoup((output / "codes" / "CPT-1001T.html").read_text(encoding="utf-8"), "html.parser"), dataset


def test_code_page_keeps_each_sources_steps_together_in_order(site_1001t):
    page, _dataset = site_1001t
    groups = page.select("#steps ol.steps")
    assert [h3.get_text() for h3 in page.select("#steps h3.step-source")] == [
        "as tests/corpus/documents/cpt-1001T-complete-coverage-label-blocks.txt describes it",
        "as tests/corpus/documents/cpt-1001T-seed-truncated-modifier-row.txt describes it",
    ]
    assert [[int(li["value"]) for li in group.select("li")] for group in groups] == [[1, 2, 3], list(range(1, 12))]


def test_code_page_names_each_structure_once_with_every_source(site_1001t):
    page, _dataset = site_1001t
    items = {li.select_one("a.fact").get_text(): li for li in page.select("#anatomy li")}
    assert sorted(items) == ["anal sphincter", "external anal sphincter"]
    sources = [a.get_text() for a in items["external anal sphincter"].select(".sources a.fact")]
    assert [name.split(" line ")[0] for name in sources] == ["cpt-1001T-ends-mid-word-in-site-line.txt",
                                                             "cpt-1001T-seed-truncated-modifier-row.txt"]


def test_a_value_cut_off_by_the_end_of_its_page_is_marked(site_1001t):
    page, dataset = site_1001t
    sites = [dd for dt, dd in zip(page.select("#overview dt"), page.select("#overview dd"), strict=True)
             if dt.get_text(strip=True) == "Site of service"]
    marked = [dd.select_one("a.fact").get_text() for dd in sites if dd.select_one(".cut-off")]
    assert marked == ["Ambulatory surgery cen"]
    ends = [div.get_text(" ", strip=True) for div in page.select(".source-column div.missing.cut")]
    assert ends and ends[0].startswith("⋯ the page ends here: it reached us cut off (mid-word, line")
    rows = run_named_query(MemoryStore(dataset), "code-overview", {"code": "1001T"}).as_dicts()
    cut = sorted((str(r["value"]), r["cut_off"]) for r in rows if r["cut_off"] is not None)
    # The site line cut mid-word, and the seed's last modifier row, which its page's end interrupts.
    assert cut == [("25", Literal(True)), ("Ambulatory surgery cen", Literal(True))]
