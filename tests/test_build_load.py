"""What a build hands the store's bulk loader: each batch streamed from the build's spool, each
line once, the shared graphs' lines with the first batch; and a batch that fails leaves the store
as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegraph import OxigraphStore, build, export_graph, load_into_store, write_build
from codegraph import builder as builder_module
from codegraph.builder import PageSpool
from codegraph.rdf import iris

CORPUS = Path(__file__).resolve().parent / "corpus" / "documents"


def _graph(line: str) -> str:
    return line.rstrip()[:-1].rstrip().rsplit(" ", 1)[1].strip("<>")


def test_a_batch_stream_is_its_head_then_its_pages_own_graphs_in_order(monkeypatch):
    spool = PageSpool()
    spool.add("a", "urn:g:a", b"<urn:a> <urn:p> <urn:o> <urn:g:a> .\n", 1, "<urn:c> <urn:p> <urn:a> <urn:g:code> .\n")
    spool.add("b", "urn:g:b", b"<urn:b> <urn:p> <urn:o> <urn:g:b> .\n<urn:b> <urn:q> \"x\" <urn:g:b> .\n", 2, "")
    spool.add("c", "urn:g:c", b"<urn:c> <urn:p> <urn:o> <urn:g:c> .\n", 1, "<urn:c> <urn:p> <urn:c> <urn:g:code> .\n")
    # A buffer shorter than a page: every page is read in several pieces
    monkeypatch.setattr(builder_module, "SPOOL_READ_BUFFER", 5)
    with spool.own_graphs_stream(["c", "a"], b"HEAD\n") as stream:
        assert stream.read() == b"HEAD\n" + spool.own_graph("c") + spool.own_graph("a")
    with spool.own_graphs_stream(["b"]) as stream:
        assert [stream.read(7) for _ in range(3)] == [b"<urn:b>", b" <urn:p", b"> <urn:"]
        assert stream.read() == spool.own_graph("b")[21:]
    assert spool.shared_nquads() == (b"<urn:c> <urn:p> <urn:a> <urn:g:code> .\n"
                                     b"<urn:c> <urn:p> <urn:c> <urn:g:code> .\n")
    spool.close()


def test_the_bulk_loader_gets_each_line_once_and_the_shared_lines_first(tmp_path, monkeypatch):
    result = build([CORPUS], jobs=1)
    monkeypatch.setattr(builder_module, "BULK_BATCH_DOCUMENTS", 4)  # several batches
    handed: list[tuple[list[str], list[str]]] = []
    original = OxigraphStore.bulk_load

    def recording(self, nquads, graphs):
        data = nquads if isinstance(nquads, bytes) else nquads.read()
        handed.append((data.decode("utf-8").splitlines(keepends=True), [str(g) for g in graphs]))
        return original(self, data, graphs)

    monkeypatch.setattr(OxigraphStore, "bulk_load", recording)
    with OxigraphStore(tmp_path / "store") as store:
        load_into_store(result, store)
        exported = export_graph(store, "nquads")
    lines = [line for batch, _graphs in handed for line in batch]
    assert len(handed) == -(-len(result.documents) // 4) > 2
    assert len(lines) == len(set(lines))  # the pages about one code shared lines: each went in once
    shared = {line for batch in result.nquads.shared.values() for line in batch}
    assert len(shared) > 100
    first_lines, _graphs = handed[0]
    assert shared <= set(first_lines)
    for batch, graphs in handed:
        page_lines = [line for line in batch if line not in shared]
        assert page_lines and {_graph(line) for line in page_lines} == set(graphs)
    # The store holds exactly what the build's file holds
    write_build(result, tmp_path / "graph.nq")
    assert exported == (tmp_path / "graph.nq").read_bytes()


def test_a_batch_that_fails_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    pages = sorted(CORPUS.iterdir())
    first = tmp_path / "first"
    first.mkdir()
    for page in pages[:10]:
        (first / page.name).write_bytes(page.read_bytes())
    with OxigraphStore(tmp_path / "store") as store:
        load_into_store(build([first]), store)
        before = export_graph(store, "nquads")
    result = build([CORPUS])
    assert len(result.documents) > 20

    class Broken(builder_module._PiecesReader):  # the spool cannot be read past its first pages (a disk error)
        def __init__(self, fd, pieces):
            super().__init__(fd, pieces)
            self.left = 200_000

        def readinto(self, buffer):
            if self.left <= 0:
                raise OSError("read error")
            count = super().readinto(buffer)
            self.left -= count
            return count

    monkeypatch.setattr(builder_module, "_PiecesReader", Broken)
    with OxigraphStore(tmp_path / "store") as store, pytest.raises(OSError, match="read error"):
        load_into_store(result, store)
    with OxigraphStore(tmp_path / "store") as store:
        assert export_graph(store, "nquads") == before
        assert iris.document_graph_iri(result.documents[-1].source.identity) not in store.graph_names()
