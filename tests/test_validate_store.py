"""How a store validation spends its time: the store's N-Triples written graph by graph, and the
store-wide queries run while the parts are checked in other processes. Same findings either way
(tests/test_store_paths.py compares whole and parted runs)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from codegraph import OxigraphStore, build, load_into_store
from codegraph.validate import partition
from codegraph.validate.check import _ntriples
from codegraph.validate.shapes import ontology_graph

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory) -> OxigraphStore:
    store = OxigraphStore(tmp_path_factory.mktemp("store") / "store")
    load_into_store(build([CORPUS], jobs=1), store)
    return store


def test_the_engine_gets_the_lines_of_the_store_dump(corpus_store):
    lines = _ntriples(corpus_store).splitlines()
    assert len(lines) > 10_000
    assert sorted(lines) == sorted(corpus_store.dump_ntriples().splitlines())


def test_work_meanwhile_runs_once_the_parts_are_started(corpus_store, monkeypatch):
    started: list[int] = []
    submit = partition.ProcessPoolExecutor.submit

    def counted(self, *args, **kwargs):
        future = submit(self, *args, **kwargs)
        started.append(1)
        return future

    monkeypatch.setattr(partition.ProcessPoolExecutor, "submit", counted)
    monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 10)
    seen: list[int] = []
    results = partition.validate_parts(corpus_store, [ontology_graph()], date(2026, 1, 1), "fast", 2,
                                       meanwhile=lambda: seen.append(len(started)))
    assert results
    parts, _shared = partition.plan_parts(corpus_store, 2)
    assert seen == [len(parts)]  # called once, after every part was handed out


def test_no_work_meanwhile_without_parts(corpus_store):
    seen: list[int] = []
    assert partition.validate_parts(corpus_store, [], date(2026, 1, 1), "fast", 2, meanwhile=lambda: seen.append(1)) is None
    assert seen == []
