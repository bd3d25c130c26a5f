"""Progress on long commands: library functions report ``(done, total, item)`` to a callback;
the command line draws a rich bar on a terminal (count, rate, time left) and leaves one summary
line per stage; off a terminal, or with --quiet, it draws and says nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codegraph import build, export_graph, load_into_store, open_store, push
from codegraph.cli.progress import summary_line

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "documents"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int, str]] = []

    def __call__(self, done: int, total: int, item: str) -> None:
        self.calls.append((done, total, item))

    def check_counts_up_to(self, total: int) -> None:
        assert self.calls, "no progress was reported"
        assert [done for done, _t, _i in self.calls] == sorted(done for done, _t, _i in self.calls)
        assert self.calls[-1][:2] == (total, total) and {t for _d, t, _i in self.calls} == {total}


def test_library_functions_report_progress(tmp_path, seed_copy):
    pages = sorted(CORPUS.glob("cpt-0627T*"))[:3]
    reading = Recorder()
    result = build(pages, progress=reading)
    reading.check_counts_up_to(len(pages))
    loading = Recorder()
    with open_store(tmp_path / "store", create=True) as store:
        load_into_store(result, store, progress=loading)
        loading.check_counts_up_to(len(result.documents))
        exporting = Recorder()
        export_graph(store, "nquads", progress=exporting)
        exporting.check_counts_up_to(len(store.graph_names()))


def test_push_reports_each_graph(tmp_path, seed_build, oxigraph_server):
    with open_store(tmp_path / "store", create=True) as store:
        load_into_store(seed_build, store)
        pushing = Recorder()
        report = push(store, oxigraph_server.remote(), progress=pushing)
        pushing.check_counts_up_to(len(report.graphs))
        assert [item for _d, _t, item in pushing.calls] == [str(graph.name) for graph in report.graphs]


def test_summary_lines():
    assert summary_line("reading", 10_000, "document", 17.2) == "reading: 10,000 documents in 17.2 s (581/s)"
    assert summary_line("writing", 1, "file", 0.42) == "writing: 1 file in 0.4 s"
    assert summary_line("validating", 0, "part", 6.61) == "validating: 6.6 s"


def _on_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)


def test_build_draws_progress_on_a_terminal(run_cli, tmp_path, seed_copy, monkeypatch):
    _on_a_terminal(monkeypatch)
    code, out, err = run_cli("build", seed_copy.parent, "--store", tmp_path / "store", "-o", tmp_path / "graph.nq")
    assert code == 0
    text = ANSI.sub("", err)
    for line in ("reading: 1 document in ", "writing: 1 file in ", "loading: 1 document in ", "validating: ", "indexing: "):
        assert line in text, (line, text)
    assert "\x1b[" in err  # the bar was drawn (and erased): rich's cursor and colour codes
    assert out.startswith("documents: 1 built")  # the command's own output is unchanged, on stdout


def test_no_progress_off_a_terminal_or_with_quiet(run_cli, tmp_path, seed_copy, monkeypatch):
    code, _out, err = run_cli("build", seed_copy.parent, "--store", tmp_path / "store")
    assert code == 0 and err == ""
    _on_a_terminal(monkeypatch)
    code, out, err = run_cli("build", seed_copy.parent, "--store", tmp_path / "store", "--quiet")
    assert code == 0 and err == "" and "documents: 1 built" in out
    code, out, err = run_cli("validate", "--store", tmp_path / "store", "-q", "--fail-on", "violation")
    assert code == 0 and err == "" and out.startswith("does NOT conform")  # SHACL 3.6: warnings too; exit 0 by --fail-on


@pytest.mark.parametrize("args, stages", [
    (["validate", "--fail-on", "violation"], ["validating: "]),
    (["export", "--format", "nquads"], ["exporting: "]),
])
def test_other_long_commands_draw_progress_on_a_terminal(run_cli, tmp_path, seed_copy, monkeypatch, args, stages):
    assert run_cli("build", seed_copy.parent, "--store", tmp_path / "store")[0] == 0
    _on_a_terminal(monkeypatch)
    code, _out, err = run_cli(*args, "--store", tmp_path / "store")
    assert code == 0
    for stage in stages:
        assert stage in ANSI.sub("", err)


def test_site_and_import_draw_progress_on_a_terminal(run_cli, tmp_path, seed_copy, monkeypatch):
    assert run_cli("build", seed_copy.parent, "--store", tmp_path / "store")[0] == 0
    _on_a_terminal(monkeypatch)
    code, _out, err = run_cli("site", "--store", tmp_path / "store", "-o", tmp_path / "site", "--no-diagrams")
    assert code == 0 and "writing: 1 code page in " in ANSI.sub("", err)
    policies = ROOT / "tests" / "fixtures" / "payer-policy" / "payer-policies.csv"
    code, _out, err = run_cli("import", "payer-policy", policies, "--store", tmp_path / "store")
    text = ANSI.sub("", err)
    assert code == 0 and "reading: " in text and "loading: 1 source in " in text and "indexing: " in text


def test_push_shows_progress_not_a_line_per_graph(run_cli, tmp_path, seed_copy, oxigraph_server, monkeypatch):
    assert run_cli("build", seed_copy.parent, "--store", tmp_path / "store")[0] == 0
    code, out, err = run_cli("push", "--store", tmp_path / "store", "--endpoint", oxigraph_server.query_url)
    assert code == 0 and err == "" and out.startswith("pushed:")
    _on_a_terminal(monkeypatch)  # the server holds every graph already: only --replace-all sends them again
    code, out, err = run_cli("push", "--store", tmp_path / "store", "--endpoint", oxigraph_server.query_url, "--replace-all")
    graphs = int(re.search(r"pushed:\s+(\d+) graph", out).group(1))
    text = ANSI.sub("", err)
    assert code == 0 and f"pushing: {graphs} graphs in " in text
    assert "triples in" not in text  # no line per graph any more
    code, out, err = run_cli("push", "--store", tmp_path / "store", "--endpoint", oxigraph_server.query_url, "--quiet")
    assert code == 0 and err == "" and out.startswith("pushed:")
