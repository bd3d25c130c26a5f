"""One current version of every source (issue 13): an edit replaces, a removal is reported and
retired on request, a crash during a replacing rebuild leaves one version, names that differ stay
apart, and every figure a command prints is the number written."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF

from codegraph import (
    MemoryStore,
    OxigraphStore,
    build,
    check_coverage,
    export_graph,
    import_payer_policy,
    load_import_into_store,
    load_into_store,
    open_store,
    run_named_query,
)
from codegraph.rdf import iris
from codegraph.rdf.namespaces import CG

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "documents"
LABELS = CORPUS / "cpt-1001T-complete-coverage-label-blocks.txt"  # UnitedHealthcare: "Coverage status: Conditional ..."
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
TITLE_CASE = CORPUS / "cpt-20610-title-case-labels.txt"
JUNE_2026 = date(2026, 6, 1)
POLICY_HEADER = "code_system,code,payer,line_of_business,status,prior_auth,policy_id,effective_from\n"


def _folder(tmp_path: Path, *pages: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in pages:
        shutil.copy(page, folder / page.name)
    return folder


def _store_export(path: Path) -> bytes:
    with open_store(path) as store:
        return export_graph(store, "nquads")


def _clean_build_export(folder: Path, tmp_path: Path) -> bytes:
    fresh = tmp_path / f"fresh-{time.monotonic_ns()}"
    with OxigraphStore(fresh) as store:
        load_into_store(build([folder]), store)
        return export_graph(store, "nquads")


def test_an_edited_payer_line_replaces_the_old_statement(tmp_path):
    folder = _folder(tmp_path, LABELS, TITLE_CASE)
    store_dir = tmp_path / "store"
    with OxigraphStore(store_dir) as store:
        load_into_store(build([folder]), store)
        before = check_coverage(store, "1001T", "UnitedHealthcare", on=JUNE_2026)
    assert before.coverage == "conditional"
    page = folder / LABELS.name
    page.write_text(page.read_text(encoding="utf-8").replace(
        "Coverage status: Conditional - covered only for members enrolled in an approved clinical trial",
        "Coverage status: Not covered"), encoding="utf-8")
    with OxigraphStore(store_dir) as store:
        report = load_into_store(build([folder]), store)
        after = check_coverage(store, "1001T", "UnitedHealthcare", on=JUNE_2026)
    assert (report.replaced, report.unchanged) == ([LABELS.name], [TITLE_CASE.name])
    # Not "conflict" between the old line and the new one: the old version is gone.
    assert after.coverage == "not-covered"
    assert len(after.used) == 1 and "Not covered" in after.used[0].evidence[0].quote
    assert _store_export(store_dir) == _clean_build_export(folder, tmp_path)


def test_a_title_edit_leaves_no_trace_of_the_old_code(tmp_path):
    folder = _folder(tmp_path, SEED, TITLE_CASE)
    store_dir = tmp_path / "store"
    with OxigraphStore(store_dir) as store:
        load_into_store(build([folder]), store)
    page = folder / TITLE_CASE.name
    page.write_text(page.read_text(encoding="utf-8").replace("CPT 20610", "CPT 20611"), encoding="utf-8")
    with OxigraphStore(store_dir) as store:
        load_into_store(build([folder]), store)
        codes = {str(row[0]) for row in store.select(
            "SELECT ?n WHERE { ?c a <https://w3id.org/codegraph/ontology#BillingCode> ; <http://www.w3.org/2004/02/skos/core#notation> ?n }").rows}
        assert iris.code_graph_iri("CPT", "20610") not in store.graph_names()
    assert codes == {"1001T", "20611"}
    assert _store_export(store_dir) == _clean_build_export(folder, tmp_path)


def test_a_file_build_after_an_edit_equals_a_clean_build(run_cli, tmp_path):
    folder = _folder(tmp_path, LABELS, TITLE_CASE)
    output = tmp_path / "graph.nq"
    assert run_cli("build", folder, "-o", output, "--no-validate")[0] == 0
    page = folder / TITLE_CASE.name
    page.write_text(page.read_text(encoding="utf-8").replace("Aetna", "Aetna Inc."), encoding="utf-8")
    assert run_cli("build", folder, "-o", output, "--no-validate")[0] == 0
    assert output.read_bytes() == b"".join(build([folder]).canonical_nquads())


def test_edit_and_push_gives_the_server_a_clean_build(tmp_path, own_oxigraph_server):
    from codegraph.store.push import push

    folder = _folder(tmp_path, LABELS, TITLE_CASE)
    store_dir = tmp_path / "store"
    remote = own_oxigraph_server.remote()
    with OxigraphStore(store_dir) as store:
        load_into_store(build([folder]), store)
        push(store, remote)
    page = folder / TITLE_CASE.name
    page.write_text(page.read_text(encoding="utf-8").replace("CPT 20610", "CPT 20611"), encoding="utf-8")
    with OxigraphStore(store_dir) as store:
        load_into_store(build([folder]), store)
        report = push(store, remote)
    assert iris.code_graph_iri("CPT", "20610") in report.dropped
    assert export_graph(remote, "nquads") == _clean_build_export(folder, tmp_path)


def test_a_removed_page_is_reported_and_retired_with_prune(run_cli, tmp_path):
    folder = _folder(tmp_path, SEED, TITLE_CASE)
    store_dir = tmp_path / "store"
    assert run_cli("build", folder, "--store", store_dir, "--no-validate")[0] == 0
    (folder / TITLE_CASE.name).unlink()
    code, out, _err = run_cli("build", folder, "--store", store_dir, "--no-validate")
    assert code == 0
    assert f"absent:    1 source(s) in the store were not in this build: {TITLE_CASE.name} (--prune retires them)" in out
    with open_store(store_dir) as store:  # kept by default: building one page must not empty a store
        assert iris.document_graph_iri(TITLE_CASE.name) in store.graph_names()
    code, out, _err = run_cli("build", folder, "--store", store_dir, "--no-validate", "--prune")
    assert code == 0 and "1 retired" in out
    assert _store_export(store_dir) == _clean_build_export(folder, tmp_path)


def _policy_table(path: Path, rows: list[str]) -> Path:
    path.write_text(POLICY_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_a_reimported_edited_table_leaves_only_its_new_rows(tmp_path):
    table = _policy_table(tmp_path / "aetna.csv", ["HCPCS,J7321,Aetna,commercial,covered,not-required,CPB-0179,2024-01-01"])
    with OxigraphStore(tmp_path / "store") as store:
        load_import_into_store(import_payer_policy([table]), store)
        _policy_table(table, ["HCPCS,J7321,Aetna,commercial,not-covered,not-required,CPB-0179,2024-01-01"])
        load_import_into_store(import_payer_policy([table]), store)
        answer = check_coverage(store, "J7321", "Aetna", on=JUNE_2026)
        statuses = {str(row[0]) for row in store.select(
            "SELECT ?s WHERE { ?a a <https://w3id.org/codegraph/ontology#CoverageAssertion> ; "
            "<https://w3id.org/codegraph/ontology#coverageStatus> ?s }").rows}
    assert answer.coverage == "not-covered" and len(answer.used) == 1
    assert statuses == {str(iris.value_iri("coverage-status", "not-covered"))}


def test_names_that_only_look_alike_stay_apart_and_are_reported(tmp_path):
    names = ["Сигна", "安泰", "@Aetna", "Aetna", "Humana!", "Humana"]
    statuses = ["covered", "not-covered", "covered", "conditional", "covered", "not-covered"]
    table = _policy_table(tmp_path / "payers.csv", [f"HCPCS,J7321,{name},commercial,{status},unknown,,2024-01-01"
                                                    for name, status in zip(names, statuses, strict=True)])
    batch = import_payer_policy([table])
    assert not batch.errors
    store = MemoryStore()
    load_import_into_store(batch, store)
    payers = {str(row[0]) for row in store.select("SELECT ?n WHERE { ?p a <https://w3id.org/codegraph/ontology#Payer> ; "
                                                  "<http://schema.org/name> ?n }").rows}
    assert payers == set(names)
    assert len({iris.payer_iri(name) for name in names}) == 6
    answer = check_coverage(store, "J7321", "安泰", on=JUNE_2026)
    assert answer.coverage == "not-covered" and [f.payer for f in answer.used] == ["安泰"]  # no Сигна row
    look_alikes = {tuple(sorted((str(row[0]), str(row[1])))) for row in run_named_query(store, "possible-duplicate-payers").rows}
    assert look_alikes == {("@Aetna", "Aetna"), ("Humana", "Humana!")}


def test_aliases_merge_only_through_the_alias_table(tmp_path):
    table = _policy_table(tmp_path / "uhc.csv", ["HCPCS,J7321,UHC,commercial,covered,unknown,,2024-01-01",
                                                  "HCPCS,J0585,United Healthcare,commercial,covered,unknown,,2024-01-01"])
    store = MemoryStore()
    load_import_into_store(import_payer_policy([table]), store)
    payers = {str(row[0]) for row in store.select("SELECT ?p WHERE { ?p a <https://w3id.org/codegraph/ontology#Payer> }").rows}
    assert payers == {str(iris.payer_iri("UnitedHealthcare"))}


def test_two_spellings_of_one_policy_number_are_one_policy(tmp_path):
    table = _policy_table(tmp_path / "cpb.csv", ["HCPCS,J7321,Aetna,commercial,covered,unknown,CPB 0179,2024-01-01",
                                                  "CPT,20610,Aetna,commercial,covered,unknown,cpb-0179,2024-01-01"])
    batch = import_payer_policy([table])
    assert batch.policies == 1
    (graph,) = batch.graphs.values()
    policies = set(graph.subjects(RDF.type, CG.PolicyDocument))
    assert len(policies) == 1
    assert {str(o) for o in graph.objects(next(iter(policies)), CG.policyIdentifier)} == {"CPB 0179"}  # as first written


def test_the_figures_printed_are_the_quads_written(run_cli, tmp_path):
    folder = _folder(tmp_path, SEED, TITLE_CASE)
    output, store_dir = tmp_path / "graph.nq", tmp_path / "store"
    code, out, _err = run_cli("build", folder, "-o", output, "--store", store_dir, "--no-validate")
    assert code == 0
    lines = output.read_bytes().count(b"\n")
    assert f"written:   {output} ({lines} quads)" in out
    with open_store(store_dir) as store:
        assert store.triple_count() == lines
    assert f"({lines} quads; sources: 2 new" in out


_KILL_SCRIPT = """
import sys
from codegraph import OxigraphStore, build, load_into_store
with OxigraphStore(sys.argv[1]) as store:
    load_into_store(build([sys.argv[2]]), store)
print("done", flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_kill_9_during_a_replacing_rebuild_leaves_one_version(tmp_path):
    folder = _folder(tmp_path, LABELS)
    store_dir = tmp_path / "store"
    with OxigraphStore(store_dir) as store:
        load_into_store(build([folder]), store)
    page = folder / LABELS.name
    versions = [page.read_bytes()]
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0):
        text = page.read_text(encoding="utf-8")
        page.write_text(text + f"\nEdited at {delay}.\n", encoding="utf-8")
        versions.append(page.read_bytes())
        process = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(store_dir), str(folder)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        with open_store(store_dir) as store:
            graph = iris.document_graph_iri(LABELS.name)
            shas = {str(row[0]) for row in store.select(
                f"SELECT ?sha WHERE {{ GRAPH <{graph}> {{ ?d <https://w3id.org/codegraph/ontology#sha256> ?sha }} }}").rows}
            registered = {str(row[0]) for row in store.select(
                f"SELECT ?sha WHERE {{ GRAPH <{iris.SOURCES_GRAPH}> {{ <{graph}> <https://w3id.org/codegraph/ontology#sha256> ?sha }} }}").rows}
            documents = {str(row[0]) for row in store.select(
                "SELECT ?d WHERE { ?d a <https://w3id.org/codegraph/ontology#SourceDocument> }").rows}
        # One version, old or new, never both, and the registry names that same version.
        assert len(shas) == 1 and shas == registered, (delay, shas, registered)
        assert len(documents) == 1
    # And a rebuild after the last kill finishes with the current version.
    with OxigraphStore(store_dir) as store:
        load_into_store(build([folder]), store)
    assert _store_export(store_dir) == _clean_build_export(folder, tmp_path)
