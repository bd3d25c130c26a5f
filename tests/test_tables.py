"""Output that people and spreadsheets read: tables sized to the terminal, CSV with formulas
neutralised (OWASP) and an optional BOM, xlsx read back with openpyxl, and graph values holding
terminal escape sequences that never reach a terminal raw."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from rdflib import Literal, URIRef

from codegraph import build, format_query_rows, query_rows_xlsx
from codegraph.query import rows_table
from codegraph.store import QueryRows
from codegraph.tabular import Table, neutralise_formula, printable
from codegraph.tabular.terminal import fit_widths

XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
OSC_TITLE = "\x1b]0;owned\x07\x1b[31m"  # set the window title, then turn the text red
HOSTILE_TITLE = f'{OSC_TITLE}=HYPERLINK("http://evil.example/")\u202e Autologous'


def _rows() -> QueryRows:
    long_quote = "The patient arrives to an ambulatory surgical center or hospital outpatient department " * 3
    return QueryRows(["payer", "status", "line", "effective", "document", "quote"], [
        (Literal("Aetna"), Literal("covered"), Literal(5, datatype=XSD_INTEGER), Literal("2025-01-01", datatype=XSD_DATE),
         URIRef("https://w3id.org/codegraph/id/document/b44937521e40b04e/evidence/2293-2304"), Literal(long_quote)),
        (Literal("=cmd|' /C calc'!A0"), Literal("-2+3"), Literal(-1, datatype=XSD_INTEGER), None,
         Literal("@SUM(A1:A2)"), Literal("Caf\u00e9 \u2014 \u00e9")),
    ])


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_a_table_fits_the_width_it_is_given(width):
    text = format_query_rows(_rows(), "table", width=width)
    lines = text.splitlines()
    assert max(len(line) for line in lines[:-1]) <= width
    assert lines[0].split()[:3] == ["payer", "status", "line"]
    assert "\u2026" in lines[2]  # the long quote is cut ...
    assert "the csv, json and xlsx formats give them whole" in lines[-1]
    assert lines[-1].startswith("(2 rows; long cells cut to fit")


def test_a_table_that_fits_is_not_cut_and_an_iri_is_cut_in_its_middle():
    small = QueryRows(["code", "payer"], [(Literal("1001T"), Literal("Cigna"))])
    assert format_query_rows(small, "table", width=80) == "code   payer\n-----  -----\n1001T  Cigna\n(1 row)\n"
    cut = format_query_rows(QueryRows(["iri"], [(URIRef("https://w3id.org/codegraph/id/document/abc/evidence/2293-2304"),)]),
                            "table", width=30)
    cell = cut.splitlines()[2]
    assert cell.startswith("https://w3id.") and cell.endswith("2293-2304") and "\u2026" in cell and len(cell) == 30


def test_widths_narrow_the_widest_columns_first():
    assert fit_widths([10, 50, 100], [6, 6, 6], 200) == [10, 50, 100]
    assert fit_widths([10, 50, 100], [6, 6, 6], 90) == [10, 40, 40]
    assert fit_widths([10, 50, 100], [8, 8, 8], 10) == [8, 8, 8]  # floors win: the terminal wraps


def test_the_terminal_width_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    assert max(len(line) for line in format_query_rows(_rows(), "table").splitlines()[:-1]) <= 70


def test_csv_neutralises_formulas_unless_raw_and_keeps_numbers():
    text = format_query_rows(_rows(), "csv")
    row = list(csv.reader(io.StringIO(text)))[2]
    assert row[0] == "'=cmd|' /C calc'!A0"
    assert row[1] == "'-2+3"  # a formula, not a number
    assert row[2] == "-1"  # a number, left alone
    assert row[4] == "'@SUM(A1:A2)"
    raw = list(csv.reader(io.StringIO(format_query_rows(_rows(), "csv", raw=True))))[2]
    assert raw[:2] == ["=cmd|' /C calc'!A0", "-2+3"] and raw[4] == "@SUM(A1:A2)"
    assert [neutralise_formula(v) for v in ["\tx", "\rx", "+1", "+1+1", "plain", ""]] == ["'\tx", "'\rx", "+1", "'+1+1", "plain", ""]


def test_csv_has_a_bom_only_when_asked():
    assert not format_query_rows(_rows(), "csv").startswith("\ufeff")
    with_bom = format_query_rows(_rows(), "csv", bom=True)
    assert with_bom.startswith("\ufeffpayer,status")
    assert "Caf\u00e9 \u2014 \u00e9" in with_bom.encode("utf-8").decode("utf-8-sig")


def test_json_keeps_numbers_and_dates_and_every_value_whole():
    rows = json.loads(format_query_rows(_rows(), "json"))
    assert rows[0]["line"] == 5 and rows[0]["effective"] == "2025-01-01" and rows[1]["effective"] is None
    assert rows[0]["quote"].count("The patient arrives") == 3


def test_xlsx_has_a_header_frozen_panes_widths_and_no_formulas(tmp_path):
    path = tmp_path / "rows.xlsx"
    path.write_bytes(query_rows_xlsx(_rows(), title="payers-for-code"))
    book = openpyxl.load_workbook(path)
    sheet = book["payers-for-code"]
    assert [cell.value for cell in sheet[1]] == ["payer", "status", "line", "effective", "document", "quote"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"
    assert sheet["C2"].value == 5 and sheet["D2"].value.date() == date(2025, 1, 1)
    assert sheet["A3"].value == "=cmd|' /C calc'!A0" and sheet["A3"].data_type == "s" and sheet["A3"].quotePrefix
    assert sheet["E3"].quotePrefix and sheet["C3"].value == -1
    assert sheet.column_dimensions["A"].width == len("=cmd|' /C calc'!A0") + 2
    assert sheet.column_dimensions["F"].width == 60  # the long quote: capped, and wrapped
    assert sheet["F2"].alignment.wrap_text
    raw = openpyxl.load_workbook(io.BytesIO(query_rows_xlsx(_rows(), raw=True))).active
    assert raw["A3"].data_type == "s" and not raw["A3"].quotePrefix  # raw: as written, still never a formula


def test_printable_escapes_control_characters():
    assert printable(HOSTILE_TITLE) == '\\u001b]0;owned\\u0007\\u001b[31m=HYPERLINK("http://evil.example/")\\u202e Autologous'
    assert printable("two\nlines\tand tab") == "two\nlines\tand tab"
    assert printable("two\nlines", one_line=True) == "two\\nlines"
    assert printable("\u009b31m caf\u00e9") == "\\u009b31m caf\u00e9"  # C1 CSI escaped, letters kept


def test_a_table_renders_every_value_type():
    table = Table(["a", "b", "c", "d"], [[True, 1.5, date(2024, 1, 2), None]])
    assert table.to_terminal(40).splitlines()[2].split() == ["true", "1.5", "2024-01-02"]
    assert table.to_csv().splitlines()[1] == "true,1.5,2024-01-02,"


# -- graph values holding terminal escapes, end to end -----------------------------------------


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    page = folder / "cpt-1001T-hostile.txt"
    page.write_text(SEED.read_text(encoding="utf-8").replace("CPT 1001T: Autologous", f"CPT 1001T: {HOSTILE_TITLE}"), encoding="utf-8")
    from codegraph import write_build

    graph = folder / "graph.trig"
    write_build(build([page]), graph)
    return graph


def _raw_controls(text: str) -> list[str]:
    return [char for char in text if (ord(char) < 32 and char not in "\n\t") or 0x7F <= ord(char) <= 0x9F or char == "\u202e"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_run_never_prints_a_raw_escape_sequence_to_a_terminal(run_cli, hostile_graph, monkeypatch, fmt):
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _err = run_cli("query", "run", "code-overview", "--param", "code=1001T", "--data", hostile_graph, "--format", fmt)
    assert code == 0
    assert _raw_controls(out) == []
    assert "\\u001b]0;owned\\u0007" in out


def test_tables_and_text_reports_escape_control_characters_even_into_a_file_or_pipe(run_cli, hostile_graph, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _err = run_cli("query", "run", "code-overview", "--param", "code=1001T", "--data", hostile_graph)
    assert code == 0 and _raw_controls(out) == [] and "\\u001b]0;owned" in out
    code, out, _err = run_cli("extract", hostile_graph.parent / "cpt-1001T-hostile.txt", "--format", "text")
    assert code == 0 and _raw_controls(out) == [] and out.startswith("CPT 1001T (category III): \\u001b]0;owned\\u0007")
    code, out, _err = run_cli("find", "autologous", "--data", hostile_graph)
    assert code == 0 and _raw_controls(out) == []
    # csv and json written to a file keep the value as it is (json escapes C0 itself); csv neutralises nothing here
    code, _out, _err = run_cli("query", "run", "code-overview", "--param", "code=1001T", "--data", hostile_graph,
                               "--format", "csv", "-o", tmp_path / "rows.csv")
    assert code == 0 and OSC_TITLE in (tmp_path / "rows.csv").read_text(encoding="utf-8")


def test_query_run_writes_xlsx_and_refuses_it_on_a_terminal(run_cli, hostile_graph, tmp_path, monkeypatch):
    code, _out, err = run_cli("query", "run", "code-overview", "--param", "code=1001T", "--data", hostile_graph,
                              "--format", "xlsx", "-o", tmp_path / "rows.xlsx")
    assert code == 0 and "rows.xlsx" in err
    sheet = openpyxl.load_workbook(tmp_path / "rows.xlsx")["code-overview"]
    titles = [row[2].value for row in sheet.iter_rows(min_row=2) if row[0].value == "title"]
    assert titles and titles[0].startswith("\\u001b]0;owned\\u0007")  # xlsx cannot hold control characters
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, _out, err = run_cli("query", "run", "code-overview", "--param", "code=1001T", "--data", hostile_graph, "--format", "xlsx")
    assert code == 2 and "-o FILE.xlsx" in err


def test_validate_writes_findings_and_gaps_as_csv_and_xlsx(run_cli, hostile_graph, tmp_path):
    code, out, _err = run_cli("validate", "--data", hostile_graph, "--format", "csv", "--fail-on", "violation")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 9 and {r["severity"] for r in rows} == {"warning", "info"}
    assert rows[0]["code"] == "1001T"
    code, _out, _err = run_cli("validate", "--data", hostile_graph, "--gaps", "--format", "xlsx", "-o", tmp_path / "gaps.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "gaps.xlsx").active
    assert code == 0 and [c.value for c in sheet[1]] == ["code", "level", "facet", "state", "document", "line", "elsewhere", "quote"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(row[1], row[2]) for row in rows] == [("code", "icd10-mappings"), ("code", "payer-policies"), ("code", "provider-taxonomies"),
                                                  ("code", "related-codes"), ("document", "icd10-mappings"), ("document", "modifiers"),
                                                  ("document", "provider-taxonomies"), ("document", "related-codes")]
    assert all(row[5] == 5 for row in rows)  # each names the line that says so


def test_rows_table_types_literals():
    table = rows_table(_rows())
    assert table.rows[0][2] == 5 and table.rows[0][3] == date(2025, 1, 1) and table.rows[1][3] is None


def test_extract_text_honours_evidence(run_cli, seed_facts):
    code, plain, _err = run_cli("extract", SEED, "--format", "text")
    assert code == 0 and "<-" not in plain
    assert plain.splitlines()[0] == "CPT 1001T (category III): Autologous Muscle Progenitor Injection into External Anal Sphincter"
    code, with_evidence, _err = run_cli("extract", SEED, "--format", "text", "--evidence")
    lines = with_evidence.splitlines()
    assert code == 0 and lines[1] == ('      <- summary, line 2, characters 19-97: '
                                      '\u201cCPT 1001T: Autologous Muscle Progenitor Injection into External Anal Sphincter\u201d')
    step = seed_facts.steps[0]
    at = lines.index(f"  step  1 [{step.kind}] {step.text}")
    assert lines[at + 1] == (f"      <- {step.evidence.section}, line {step.evidence.line}, characters "
                             f"{step.evidence.start}-{step.evidence.end}: \u201c{step.evidence.quote}\u201d")
    assert sum(line.startswith("      <- ") for line in lines) > sum(1 for line in plain.splitlines()) // 2
