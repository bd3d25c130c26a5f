"""Every path to the same answer gives the same answer: an export of the embedded store is the
same bytes as one of an rdflib copy, validation of the store equals validation of the copy, and
validation in parts on several cores gives the findings of one whole run."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from codegraph import export_graph, serialize
from codegraph.validate import partition
from codegraph.validate.check import validate_dataset, validate_store


@pytest.mark.parametrize("fmt", ["nquads", "nt"])
def test_line_formats_are_byte_identical(corpus_store, fmt):
    fast = export_graph(corpus_store, fmt)
    assert fast == serialize(corpus_store.to_dataset(), fmt)
    assert fast.count(b"\n") > 10_000


def test_turtle_export_is_the_union_of_the_graphs(corpus_store):
    exported = Graph().parse(data=export_graph(corpus_store, "turtle"), format="turtle")
    union = Graph()
    for s, p, o, _g in corpus_store.to_dataset().quads((None, None, None, None)):
        union.add((s, p, o))
    assert len(exported) == len(union) > 10_000
    assert isomorphic(exported, union)
    assert export_graph(corpus_store, "turtle") == export_graph(corpus_store, "turtle")


def test_store_validation_matches_dataset_validation(corpus_store):
    from_store = validate_store(corpus_store, jobs=1)
    from_dataset = validate_dataset(corpus_store.to_dataset())
    assert from_store.findings == from_dataset.findings
    assert from_store.counts()["warning"] > 0
    # A finding is placed on its code and facet by looking in the store.
    placed = [f for f in from_store.findings if f.code == "1001T"]
    assert placed and all(f.facet != "other" for f in placed)


def test_validation_in_parts_gives_the_whole_run_findings(corpus_store, monkeypatch):
    whole = validate_store(corpus_store, jobs=1)
    monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 10)
    parts, shared = partition.plan_parts(corpus_store, 2)
    assert len(parts) >= 5 and all(parts) and shared
    owned = [graph for part in parts for graph in part]
    assert len(owned) == len(set(owned))  # each code's graphs in one part only
    in_parts = validate_store(corpus_store, jobs=2)
    assert in_parts.findings == whole.findings
    assert {(f.focus_node, f.path) for f in in_parts.findings} == {(f.focus_node, f.path) for f in whole.findings}


def test_no_room_for_a_checkpoint_means_one_whole_run(corpus_store, monkeypatch):
    whole = validate_store(corpus_store, jobs=1)
    monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 10)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr("codegraph.store.oxigraph.tempfile.mkdtemp", refuse)
    assert corpus_store.checkpoint() is None
    assert partition.validate_parts(corpus_store, [], date(2026, 1, 1), "fast", 2) is None
    assert validate_store(corpus_store, jobs=2).findings == whole.findings
