"""How a store validation spends its time: the store's N-Triples written graph by graph, and the
store-wide queries run while the parts are checked in other processes. Same findings either way
(tests/test_store_paths.py compares whole and parted runs)."""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox

from codegraph.validate import partition
from codegraph.validate.shapes import ontology_graph


def test_the_engine_gets_the_lines_of_the_store_dump(corpus_store):
    lines = corpus_store.dump_ntriples().splitlines()
    assert len(lines) > 10_000
    quads = ox.parse(corpus_store.dump(), format=ox.RdfFormat.N_QUADS)  # the N-Quads dump, its triples rewritten
    assert sorted(lines) == sorted(ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES).splitlines())


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


def test_a_part_reads_its_shapes_once_and_gets_only_what_they_read(corpus_store, monkeypatch):
    """Which predicates the shapes read is worked out once per part (0.2 s each time), not once
    per graph of the part, and the engine gets the part's triples with those predicates."""
    from codegraph.validate import reads
    from codegraph.validate.shapes import shapes_for_run

    calls: list[int] = []
    given: list[bytes] = []
    read_predicates = reads.read_predicates

    def counted(shapes):
        calls.append(1)
        return read_predicates(shapes)

    monkeypatch.setattr(reads, "read_predicates", counted)
    monkeypatch.setattr(partition, "run_engine", lambda _engine, data, _shapes: given.extend(data.raw_ntriples) or [])
    parts, shared = partition.plan_parts(corpus_store, 2)
    graphs = parts[0] + shared
    checkpoint = corpus_store.checkpoint()
    try:
        shapes = shapes_for_run(date(2026, 1, 1))
        partition._check_part(checkpoint, graphs, b"", "fast", date(2026, 1, 1), shapes)
        everything = b"".join(checkpoint.dump_ntriples(graphs))
    finally:
        checkpoint.close()
    assert len(graphs) > 10 and calls == [1]
    assert sorted(b"".join(given).splitlines()) == sorted(reads.only_read(everything, shapes).splitlines())
