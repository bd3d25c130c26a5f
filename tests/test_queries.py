"""The query library: headers parse, parameters are bound safely, every store gives the same rows."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import prepareQuery

from codegraph import MemoryStore, OxigraphStore, QueryError, load_into_store, run_named_query
from codegraph.query import bind_parameters, get_query, load_catalog
from conftest import SEED

SAMPLE_PARAMS = {"code": "1001T", "anatomy": "external anal sphincter", "condition": "R15",
                 # coverage questions (typed xsd:date parameters need dates)
                 "payer": "Aetna", "date": "2025-06-01", "since": "2024-01-01"}
FIVE = ["Aetna", "Blue Cross Blue Shield", "Cigna", "Medicare", "UnitedHealthcare"]


@pytest.fixture(scope="module")
def stores(seed_build, tmp_path_factory):
    memory = MemoryStore(seed_build.dataset)
    oxigraph = OxigraphStore(tmp_path_factory.mktemp("store"))
    load_into_store(seed_build, oxigraph)
    return {"memory": memory, "oxigraph": oxigraph}


def test_catalog_has_the_v1_queries_with_headers():
    catalog = load_catalog()
    assert {"code-overview", "payers-for-code", "missing-facets"} <= set(catalog)
    for spec in catalog.values():
        assert spec.summary and spec.columns, spec.path
        prepareQuery(spec.text)  # parses as SPARQL 1.1
        prepareQuery(bind_parameters(spec, {p: spec.examples.get(p, SAMPLE_PARAMS.get(p, "x")) for p in spec.params}))


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_payers_for_code_returns_the_five_payers(stores, backend):
    rows = run_named_query(stores[backend], "payers-for-code", {"code": "1001T"}).as_dicts()
    assert [str(r["payer"]) for r in rows] == FIVE
    assert {str(r["status"]) for r in rows} == {"source-declares-unavailable"}
    assert {str(r["prior_auth"]) for r in rows} == {"unknown"}
    assert {int(r["line"]) for r in rows} == {5}


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_every_query_same_rows_in_memory_and_in_oxigraph(stores, name):
    spec = get_query(name)
    params = {p: SAMPLE_PARAMS[p] for p in spec.required}
    memory = run_named_query(stores["memory"], name, params)
    oxigraph = run_named_query(stores["oxigraph"], name, params)
    assert memory.variables == oxigraph.variables
    assert sorted(map(repr, memory.rows)) == sorted(map(repr, oxigraph.rows))
    # coverage questions and search-policies need policy data (tests/test_coverage_queries.py,
    # tests/test_find.py); possible-duplicate-payers needs look-alike payers (tests/test_sources.py)
    if spec.topic != "coverage" and name not in ("search-policies", "possible-duplicate-payers"):
        assert memory.rows, f"{name} returned no rows on the seed"


def test_missing_facets_are_judged_per_code_and_name_the_document(stores):
    rows = {(str(r["facet"]), str(r["state"]), str(r["document"]), int(r["line"]))
            for r in run_named_query(stores["memory"], "missing-facets").as_dicts()}
    # the seed lists modifier 25 although it declares modifiers unavailable: the code has modifiers, so no gap
    assert {(facet, state, line) for facet, state, _document, line in rows} == {
        ("icd10-mappings", "declared-unavailable", 5),
        ("payer-policies", "declared-unavailable", 5),
        ("provider-taxonomies", "declared-unavailable", 5),
        ("related-codes", "declared-unavailable", 5),
    }
    assert {document for _facet, _state, document, _line in rows} == {str(SEED)}


@pytest.mark.parametrize("hostile", ['1001T" } } DROP ALL #', "1001T'\n} UNION { ?s ?p ?o", "{ } # SELECT * WHERE", "\\u0022"])
@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_hostile_parameter_values_are_values(stores, backend, hostile):
    assert run_named_query(stores[backend], "payers-for-code", {"code": hostile}).rows == []
    assert len(run_named_query(stores[backend], "payers-for-code", {"code": "1001T"}).rows) == 5


def test_parameter_errors_are_clear():
    with pytest.raises(QueryError, match="needs parameter code"):
        bind_parameters(get_query("payers-for-code"), {})
    with pytest.raises(QueryError, match="has no parameter payer"):
        bind_parameters(get_query("payers-for-code"), {"code": "1001T", "payer": "Aetna"})
    with pytest.raises(QueryError, match="no query named"):
        get_query("payers-for-cod")


def test_query_cli(run_cli, tmp_path, seed_copy):
    store = tmp_path / "store"
    assert run_cli("build", seed_copy.parent, "--store", store, "--no-validate")[0] == 0
    code, out, _err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--store", store, "--format", "csv")
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == FIVE
    code, out, _err = run_cli("query", "list")
    assert code == 0 and "payers-for-code" in out and "missing-facets" in out
    code, _out, err = run_cli("query", "run", "payers-for-code", "--store", store)
    assert code == 2 and "needs --param code" in err


@pytest.fixture(scope="module")
def corpus_stores(tmp_path_factory):
    """The 51-page corpus: many pages share payers, and several share a code."""
    from pathlib import Path

    from codegraph import build

    result = build([Path(__file__).parent / "corpus" / "documents"])
    oxigraph = OxigraphStore(tmp_path_factory.mktemp("corpus-store"))
    load_into_store(result, oxigraph)
    return {"memory": MemoryStore(result.dataset), "oxigraph": oxigraph}


CORPUS_PARAMS = {"code": "20610", "anatomy": "knee joint", "condition": "fecal incontinence",
                 "payer": "Aetna", "date": "2025-06-01", "since": "2024-01-01"}


@pytest.mark.parametrize("name", sorted(load_catalog()))
def test_every_query_same_rows_on_a_many_document_graph(corpus_stores, name):
    spec = get_query(name)
    params = {p: CORPUS_PARAMS.get(p, "20610") for p in spec.required}
    memory = run_named_query(corpus_stores["memory"], name, params)
    oxigraph = run_named_query(corpus_stores["oxigraph"], name, params)
    assert sorted(map(repr, memory.rows)) == sorted(map(repr, oxigraph.rows))


def test_payers_for_a_code_with_several_pages(corpus_stores):
    rows = run_named_query(corpus_stores["oxigraph"], "payers-for-code", {"code": "20610"}).as_dicts()
    # Each page about 20610 contributes one row per payer it names: no duplicates from shared nodes.
    keys = [(str(r["payer"]), str(r["document"])) for r in rows]
    assert len(keys) == len(set(keys))
    assert len({str(r["document"]) for r in rows}) >= 5


def test_a_query_file_edited_or_removed_while_running_is_read_again(tmp_path, monkeypatch):
    """get_query checks only the asked query's own file (a point query is a few ms, checking all
    files was 2 ms more); an edit, a removal or a new name still reads the folder again."""
    import os
    import shutil

    from codegraph.errors import UnknownQueryError
    from codegraph.query import catalog
    from codegraph.resources import queries_dir

    folder = tmp_path / "queries"
    shutil.copytree(queries_dir(), folder)
    monkeypatch.setattr(catalog, "queries_dir", lambda: folder)
    first = catalog.get_query("payers-for-code")
    assert catalog.get_query("payers-for-code") is first  # unchanged: the parse is reused
    path = first.path
    path.write_text(path.read_text(encoding="utf-8").replace("SELECT", "SELECT  ", 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    edited = catalog.get_query("payers-for-code")
    assert edited is not first and "SELECT  " in edited.text
    added = folder / "coverage" / "a-new-query.rq"
    added.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert catalog.get_query("a-new-query").path == added  # a name not seen before reads the folder again
    path.unlink()
    with pytest.raises(UnknownQueryError):
        catalog.get_query("payers-for-code")
