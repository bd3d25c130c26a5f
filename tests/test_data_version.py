"""An embedded store's data version (``OxigraphStore.data_version``, read by ``rocksdb_state.py``),
which stamps the files derived from it: every write changes it, whoever makes it; RocksDB
rewriting its files with the same data (a compaction, a reopen) does not.
"""

from __future__ import annotations

import struct

import pytest
from rdflib import Literal, URIRef

from codegraph import OxigraphStore, hold_store
from codegraph.store import rocksdb_state
from codegraph.store.oxigraph import SERVER_WRITES_FILE

G1, G2 = URIRef("https://w3id.org/codegraph/graph/test/one"), URIRef("https://w3id.org/codegraph/graph/test/two")
P = URIRef("https://w3id.org/codegraph/ontology#label")


def _triples(prefix: str, count: int):
    return [(URIRef(f"https://w3id.org/codegraph/id/test/{prefix}{n}"), P, Literal(f"{prefix} {n}")) for n in range(count)]


def _nquads(graph: URIRef, prefix: str, count: int) -> bytes:
    return "".join(f"<{s}> <{p}> {o.n3()} <{graph}> .\n" for s, p, o in _triples(prefix, count)).encode()


WRITES = {
    "replace_graphs": lambda store: store.replace_graphs({G1: _triples("r", 3)}),
    "add_triples": lambda store: store.add_triples(G1, _triples("a", 1)),
    "drop_graphs": lambda store: store.drop_graphs([G2]),
    "update": lambda store: store.update(f'INSERT DATA {{ GRAPH <{G1}> {{ <urn:x> <{P}> "u" }} }}'),
    "load_nquads": lambda store: store.load_nquads(_nquads(G1, "n", 2), replace=[G1]),
    "bulk_load": lambda store: store.bulk_load(_nquads(URIRef(f"{G1}-bulk"), "b", 2), [URIRef(f"{G1}-bulk")]),
    "bulk_load_graph": lambda store: store.bulk_load_graph(URIRef(f"{G1}-graph"), b'<urn:s> <urn:p> "g" .\n'),
}


@pytest.fixture()
def folder(tmp_path):
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        for prefix in ("w", "v", "x"):  # in files of their own, for a compaction to merge
            store.replace_graphs({G1: _triples(prefix, 5)})
            store.store.flush()
            store.replace_graphs({G2: _triples("y", 5)})
            store.store.flush()
    return path


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_changes_it_in_this_process_and_the_next(folder, write):
    with OxigraphStore(folder) as store:
        before = store.data_version()
        dump = store.dump()
        WRITES[write](store)
        assert store.dump() != dump  # the write changed data
        during = store.data_version()
        assert during != before
    with OxigraphStore(folder, read_only=True) as store:
        assert store.data_version() == during
    with OxigraphStore(folder) as store:  # undone: the data as before, yet never the same version again
        store.update("DROP SILENT ALL")
        store.replace_graphs({G1: _triples("x", 5), G2: _triples("y", 5)})
        assert store.dump() == dump and store.data_version() not in (before, during)


@pytest.mark.parametrize("write", ["bulk_load", "bulk_load_graph"])
def test_a_bulk_load_into_an_empty_store_changes_it(tmp_path, write):
    # RocksDB gives files whose keys fall beside every key there no sequence number of their own
    with OxigraphStore(tmp_path / "store") as store:
        before = store.data_version()
        WRITES[write](store)
        assert store.triple_count() > 0 and store.data_version() != before


def test_reopening_and_compacting_leave_it(folder):
    with OxigraphStore(folder, read_only=True) as store:
        version = store.data_version()
        assert version is not None and version[1].startswith("rocksdb ")
    files = sorted(path.name for path in folder.glob("*.sst"))
    for compact in (True, False, True):
        with OxigraphStore(folder) as store:
            assert store.data_version() == version
            if compact:
                store.store.optimize()
                assert store.data_version() == version
        with OxigraphStore(folder, read_only=True) as store:
            assert store.data_version() == version
    assert sorted(path.name for path in folder.glob("*.sst")) != files  # the files did change


def test_a_writable_server_changes_it_each_time_a_read_only_one_does_not(folder):
    def version():
        with OxigraphStore(folder, read_only=True) as store:
            return store.data_version()

    before = version()
    hold_store(folder, write=False).release()
    assert version() == before
    marks = set()
    for _ in range(2):
        hold_store(folder, write=True).release()
        marks.add((folder / SERVER_WRITES_FILE).read_text())
        assert version() not in (before, *marks)
        before = version()
    assert len(marks) == 2


def test_where_the_manifest_cannot_be_read_the_data_files_stamp_it(folder, monkeypatch):
    def unknown(_folder):
        raise rocksdb_state.UnknownStoreFiles("MANIFEST tag 999")

    monkeypatch.setattr("codegraph.store.oxigraph.data_state", unknown)
    with OxigraphStore(folder) as store:
        before = store.data_version()
        assert before is not None and before[1].startswith("files ") and ".sst:" in before[1]
        store.add_triples(G1, _triples("f", 1))
        assert store.data_version() != before


def test_the_manifest_reader_refuses_what_it_does_not_know_and_leaves_out_a_record_cut_short(folder):
    state = rocksdb_state._State()
    state.apply(bytes([4, 0x96, 0x01]))  # last sequence number 150
    assert state.last_sequence == 150
    with pytest.raises(rocksdb_state.UnknownStoreFiles):
        state.apply(bytes([99, 1]))
    with pytest.raises(rocksdb_state.UnknownStoreFiles):
        state.apply(bytes([4, 0x96]))  # a number that runs past its record
    record = bytes([4, 7])
    whole = struct.pack("<IHB", 0, len(record), 1) + record
    assert rocksdb_state._records(whole + whole) == [record, record]
    assert rocksdb_state._records(whole + whole[:-1]) == [record]
    assert rocksdb_state._records(whole + struct.pack("<IHB", 0, 2, 2) + record) == [record]  # a first piece, no last


def test_a_reused_log_counts_only_once_written_under_its_own_number(tmp_path):
    log = tmp_path / "000018.log"
    payload = b"\x05" * 20

    def record(number: int) -> bytes:
        return struct.pack("<IHBI", 0xABCD, len(payload), 5, number) + payload  # a reused log's full record

    log.write_bytes(record(4) * 3)  # what the log numbered 4 held: RocksDB replays none of it
    assert rocksdb_state._log_records(log, 18) == ""
    log.write_bytes(record(18) + record(4) * 2)  # one write under its own number, over the old ones: same size
    assert rocksdb_state._log_records(log, 18) == f"{len(record(18))}:0000abcd"
    log.write_bytes(b"")
    assert rocksdb_state._log_records(log, 18) == ""


def test_the_search_index_outlives_a_compaction(folder, monkeypatch):
    from codegraph.search import cache

    with OxigraphStore(folder) as store:
        index = cache.search_index(store)
        store.store.optimize()
    monkeypatch.setattr(cache, "build_index", lambda _store: pytest.fail("the index was built again"))
    with OxigraphStore(folder) as store:
        assert cache.search_index(store).to_json(normalised=True) == index.to_json(normalised=True)
