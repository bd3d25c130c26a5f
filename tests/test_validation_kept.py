"""A store's validation report kept beside it (validate/kept.py): served again only for exactly
the inputs it was made from (data, engine, as-of day, shapes and code sets), never after a write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import codegraph.validate as validate_package
from codegraph import build, load_into_store, open_store, validate_graph
from codegraph.rdf.iris import DOCUMENT_GRAPHS
from codegraph.validate import kept

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
DAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def built():
    return build([SEED, ROOT / "tests" / "corpus" / "documents"])


@pytest.fixture()
def store_dir(built, tmp_path) -> Path:
    folder = tmp_path / "store"
    with open_store(folder, create=True) as store:
        load_into_store(built, store)
    return folder


@pytest.fixture()
def engine_runs(monkeypatch) -> list[date]:
    """The days the engine was really run for (the kept report answers without it)."""
    runs: list[date] = []
    check = validate_package.validate_store

    def counted(store, **options):
        runs.append(options["as_of"])
        return check(store, **options)

    monkeypatch.setattr(validate_package, "validate_store", counted)
    return runs


def _same(first, second) -> None:
    assert second.findings == first.findings and second.as_of == first.as_of and second.engine == first.engine
    assert isomorphic(second.results_graph, first.results_graph)


def test_unchanged_data_is_answered_from_the_kept_report(store_dir, engine_runs):
    with open_store(store_dir) as store:
        first = validate_graph(store, as_of=DAY)
    assert engine_runs == [DAY] and (store_dir / kept.REPORT_FILE).is_file()
    assert first.counts()["warning"] > 0  # the corpus has gaps: the kept report holds real findings
    with open_store(store_dir, read_only=True) as store:
        again = validate_graph(store, as_of=DAY)
    with open_store(store_dir) as store:  # a writer's reopen (RocksDB may compact) writes no data
        third = validate_graph(store, as_of=DAY)
    assert engine_runs == [DAY]
    _same(first, again)
    _same(first, third)
    assert isinstance(again.results_graph, Graph) and len(again.results_graph) == len(first.results_graph)


def test_a_write_another_day_or_another_engine_checks_again(store_dir, engine_runs):
    with open_store(store_dir) as store:
        first = validate_graph(store, as_of=DAY)
        later = validate_graph(store, as_of=date(2026, 6, 1))
        assert engine_runs == [DAY, date(2026, 6, 1)]
        graph = next(name for name in store.graph_names() if str(name).startswith(str(DOCUMENT_GRAPHS)))
        store.drop_graph(graph)
        after_write = validate_graph(store, as_of=DAY)
    assert engine_runs == [DAY, date(2026, 6, 1), DAY]
    assert after_write.findings != first.findings  # a whole page gone: its facts' findings went with it
    assert later.as_of == date(2026, 6, 1)
    with open_store(store_dir) as store:
        validate_graph(store, as_of=DAY, engine="pyshacl")
    assert engine_runs[-1] == DAY and len(engine_runs) == 4


def test_a_kept_report_cut_short_or_edited_is_not_used(store_dir, engine_runs):
    with open_store(store_dir) as store:
        first = validate_graph(store, as_of=DAY)
    path = store_dir / kept.REPORT_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with open_store(store_dir) as store:
        again = validate_graph(store, as_of=DAY)
    path.write_bytes(path.read_bytes().replace(b'"warning"', b'"info"', 1))
    with open_store(store_dir) as store:
        third = validate_graph(store, as_of=DAY)
    assert engine_runs == [DAY, DAY, DAY]
    _same(first, again)
    _same(first, third)


def test_edited_shapes_are_inputs_too(store_dir, engine_runs, tmp_path, monkeypatch):
    with open_store(store_dir) as store:
        validate_graph(store, as_of=DAY)
        shapes = tmp_path / "edited-shapes.ttl"
        shapes.write_text("# a shapes file edited since the report was kept\n", encoding="utf-8")
        inputs = kept._input_files()
        monkeypatch.setattr(kept, "_input_files", lambda: [*inputs, shapes])
        validate_graph(store, as_of=DAY)
    assert engine_runs == [DAY, DAY]
