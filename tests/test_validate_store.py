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


def _registry_subjects(store) -> set[str]:
    return {str(row[0]) for row in store.select(partition._REGISTERED).rows}


def test_a_part_gets_the_registry_entries_of_its_own_graphs_and_of_graphs_no_part_owns(corpus_store, monkeypatch):
    """The registry grows with the pages (74 MB of N-Triples at 100k), so it is not given whole to
    every part: an entry goes with the graph it describes; one about a graph no part owns goes to
    every part."""
    from codegraph.rdf.iris import SOURCES_GRAPH

    monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 10)
    parts, shared = partition.plan_parts(corpus_store, 2)
    assert str(SOURCES_GRAPH) in shared and len(parts) >= 5
    owned = {graph for part in parts for graph in part}
    # The corpus registers only its pages' graphs; an imported table's graph is owned by no part.
    monkeypatch.setattr(partition, "_REGISTERED", f"""SELECT DISTINCT ?graph WHERE {{
        {{ GRAPH <{SOURCES_GRAPH}> {{ ?graph ?p ?o }} }} UNION {{ VALUES ?graph {{ <urn:test:imported-table> }} }} }}""")
    registered = _registry_subjects(corpus_store)
    unowned = registered - owned
    assert unowned == {"urn:test:imported-table"} and len(registered & owned) > 10
    inputs = partition.part_inputs(corpus_store, parts, shared)
    assert len(inputs) == len(parts)
    for own, (whole, entries) in zip(parts, inputs, strict=True):
        assert str(SOURCES_GRAPH) not in whole
        assert set(whole) == set(own) | (set(shared) - {str(SOURCES_GRAPH)})
        assert entries is not None and set(entries) == set(own) | unowned


def test_a_part_is_given_the_lines_of_its_registry_entries(corpus_store, monkeypatch):
    from codegraph.rdf.iris import SOURCES_GRAPH
    from codegraph.validate.shapes import shapes_for_run

    given: list[bytes] = []
    monkeypatch.setattr(partition, "run_engine", lambda _engine, data, _shapes: given.extend(data.raw_ntriples) or [])
    monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 10)
    parts, shared = partition.plan_parts(corpus_store, 2)
    (graphs, registered), *_others = partition.part_inputs(corpus_store, parts, shared)
    assert registered is not None
    shapes = shapes_for_run(date(2026, 1, 1))
    checkpoint = corpus_store.checkpoint()
    try:
        partition._check_part(checkpoint, graphs, b"", "fast", date(2026, 1, 1), None, registered)
        registry = checkpoint.dump_ntriples([str(SOURCES_GRAPH)])[0].splitlines()
        expected = b"".join(checkpoint.dump_ntriples(graphs)).splitlines()
    finally:
        checkpoint.close()
    mine = [line for line in registry if line.split(b" ", 1)[0][1:-1].decode() in set(registered)]
    theirs = [line for line in registry if line not in set(mine)]
    assert mine and theirs
    from codegraph.validate import reads
    lines = set(b"".join(given).splitlines())
    assert set(reads.only_read(b"\n".join(expected + mine) + b"\n", shapes).splitlines()) == lines
    assert not lines & set(theirs)


def test_findings_about_registry_entries_come_once_from_the_part_that_owns_the_graph(corpus_store, monkeypatch):
    """A shape on the registry's entries (none of codegraph's shapes has one) finds the same in
    parts as in one whole run: each entry once."""
    from rdflib import Graph

    from codegraph.validate.engines import ValidationData, run_engine

    shapes = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix cg: <https://w3id.org/codegraph/ontology#> .
        <urn:test:RegistryShape> a sh:NodeShape ; sh:targetClass cg:SourceGraph ;
            sh:property <urn:test:RegistryShape-key> .
        <urn:test:RegistryShape-key> sh:path cg:sourceKey ; sh:maxCount 0 ; sh:severity sh:Warning .
    """)
    whole = run_engine("fast", ValidationData([ontology_graph()], ntriples=[corpus_store.dump_ntriples()]), shapes)
    monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 10)
    in_parts = partition.validate_parts(corpus_store, [ontology_graph()], date(2026, 1, 1), "fast", 2, shapes=shapes)
    assert in_parts is not None
    assert sorted(map(partition._identity, in_parts), key=str) == sorted(map(partition._identity, whole), key=str)
    assert len(in_parts) == len(_registry_subjects(corpus_store)) > 10


def test_with_a_pattern_a_part_is_written_only_the_triples_its_shapes_read(corpus_store, monkeypatch):
    """The store writes a part's input through the shapes' filter (``reads.filter_pattern``): the
    lines of the unfiltered path, less the ``rdf:type`` triples of classes no shape asks about."""
    from rdflib import RDF

    from codegraph.validate import reads
    from codegraph.validate.native import store_wide_shapes
    from codegraph.validate.shapes import shapes_for_run, shapes_without

    every = shapes_for_run(date(2026, 1, 1))
    shapes = shapes_without(every, store_wide_shapes(corpus_store, every, [ontology_graph()]))
    read = reads.input_filter(corpus_store, shapes, "fast", [ontology_graph()])
    assert read is not None and read[1] is not None
    given: list[bytes] = []
    monkeypatch.setattr(partition, "run_engine", lambda _engine, data, _shapes: given.append(b"".join(data.raw_ntriples)) or [])
    monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 10)
    parts, shared = partition.plan_parts(corpus_store, 2)
    graphs, registered = partition.part_inputs(corpus_store, parts, shared)[0]
    checkpoint = corpus_store.checkpoint()
    try:
        for pattern in (None, reads.filter_pattern(*read)):
            partition._check_part(checkpoint, graphs, b"", "fast", date(2026, 1, 1), shapes, registered, pattern)
    finally:
        checkpoint.close()
    unfiltered, filtered = (set(blob.splitlines()) for blob in given)
    assert filtered < unfiltered and len(filtered) > 1_000
    type_predicate = f"<{RDF.type}>".encode()
    asked = {f"<{cls}>".encode() for cls in read[1]}
    for line in unfiltered - filtered:
        _subject, predicate, rest = line.split(b" ", 2)
        assert predicate == type_predicate and rest[: -2] not in asked
