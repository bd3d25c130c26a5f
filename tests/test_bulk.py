"""Bulk builds: parallel reading gives the same graph, bad pages are reported, twins built once,
rebuilding one document replaces exactly its named graph."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from codegraph import OxigraphStore, build, export_graph, load_into_store, serialize
from codegraph.rdf.iris import SOURCES_GRAPH, document_graph_iri
from conftest import SEED

FORMATS = Path(__file__).parent / "data" / "formats"


def _corpus(folder: Path, copies: int = 6) -> Path:
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for number in range(copies):
        (folder / f"page-{number}.txt").write_text(text.replace("1001T", f"10{number:02d}T"), encoding="utf-8")
    shutil.copy(FORMATS / "cpt-20610.html", folder / "cpt-20610.html")
    return folder


def test_parallel_build_equals_sequential(tmp_path):
    folder = _corpus(tmp_path / "docs")
    one, two = build([folder], jobs=1), build([folder], jobs=2)
    assert [d.source.path for d in one.documents] == [d.source.path for d in two.documents]
    assert serialize(one.dataset, "nquads") == serialize(two.dataset, "nquads")
    assert len(one.documents) == 7


def test_bad_pages_are_reported_and_the_rest_built(tmp_path, run_cli):
    folder = _corpus(tmp_path / "docs", copies=2)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Summary & Overview\nCPT 1001T: caf\xe9\n".encode("latin-1"))
    (folder / "same-as-page-0.txt").write_bytes((folder / "page-0.txt").read_bytes().replace(b"\n", b"\r\n"))
    report = tmp_path / "report.json"
    code, out, err = run_cli("build", folder, "-o", tmp_path / "g.trig", "--report", report, "--jobs", "2", "--no-validate")
    assert code == 2
    assert "documents: 3 built, 2 failed, 1 duplicate" in out
    items = {Path(i["path"]).name: i for i in json.loads(report.read_text())["items"]}
    assert items["empty.txt"]["status"] == "failed" and items["empty.txt"]["error"] == "the file is empty"
    assert items["latin1.txt"]["status"] == "failed" and items["latin1.txt"]["line"] == 2
    assert "not UTF-8" in items["latin1.txt"]["error"]
    assert items["same-as-page-0.txt"] == {
        **items["same-as-page-0.txt"], "status": "duplicate", "duplicate_of": str(folder / "page-0.txt")
    }
    assert items["page-1.txt"]["status"] == "built" and items["page-1.txt"]["code"] == "CPT 1001T"


def test_two_different_pages_for_one_code_are_both_kept(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED, folder / "a.txt")
    (folder / "b.txt").write_text(SEED.read_text(encoding="utf-8").replace("Cigna Health", "Cigna Healthcare"), encoding="utf-8")
    result = build([folder])
    assert [d.code.code for d in result.documents] == ["1001T", "1001T"]
    graphs = {document_graph_iri(d.source.identity) for d in result.documents}
    assert len(graphs) == 2


def test_rebuilding_one_document_replaces_exactly_its_graph(tmp_path):
    folder = _corpus(tmp_path / "docs", copies=2)
    store = OxigraphStore(tmp_path / "store")
    first = build([folder])
    load_into_store(first, store)
    before = {g: sorted(store.triples(g)) for g in store.graph_names()}
    page = folder / "page-1.txt"
    graph = document_graph_iri("page-1.txt")  # the source key: the path in the folder
    assert graph in before
    page.write_text(page.read_text(encoding="utf-8").replace("Medicare.", "Medicare and Medicaid."), encoding="utf-8")
    report = load_into_store(build([folder]), store)
    assert (report.replaced, report.new, report.absent) == (["page-1.txt"], [], [])
    assert sorted(report.unchanged) == ["cpt-20610.html", "page-0.txt"]
    after = {g: sorted(store.triples(g)) for g in store.graph_names()}
    changed = {g for g in set(before) | set(after) if before.get(g) != after.get(g)}
    # Only the page's graph and the registry's entry for it change.
    assert changed == {graph, SOURCES_GRAPH}
    fresh = OxigraphStore(tmp_path / "fresh")
    load_into_store(build([folder]), fresh)
    assert export_graph(store, "nquads") == export_graph(fresh, "nquads")


def test_nquads_fast_path_equals_the_rdflib_serialisation(tmp_path):
    from codegraph import write_build

    folder = _corpus(tmp_path / "docs", copies=3)
    result = build([folder])
    fast = tmp_path / "fast.nq"
    write_build(result, fast)
    assert fast.read_bytes() == serialize(result.dataset, "nquads")
    triples = tmp_path / "fast.nt"
    write_build(result, triples)
    assert triples.read_bytes() == serialize(result.dataset, "nt")
