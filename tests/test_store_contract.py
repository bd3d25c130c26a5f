"""One contract for every store (in the style of pyoxigraph's ``TestAbstractStore``): the memory
store, the embedded store and a remote Oxigraph server each pass the same tests, so nothing
above the store needs to know which one it holds."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from codegraph import MemoryStore, OxigraphStore
from codegraph.export import export_store
from codegraph.rdf.iris import ID
from codegraph.rdf.terms import nquad_line
from codegraph.store.base import GraphStore

G1, G2, G3 = ID["graph/document/contract-1"], ID["graph/document/contract-2"], ID["graph/document/contract-3"]
FOREIGN = URIRef("https://example.org/not-codegraphs")
P = URIRef("https://example.org/p")


def triples(name: str, count: int, version: str = "v1") -> list[tuple]:
    return [(ID[f"test/{name}/{i}"], P, Literal(f"{version}-{i}")) for i in range(count)]


class StoreContract:
    """What every ``GraphStore`` must do. Subclasses give ``store``."""

    @pytest.fixture()
    def store(self) -> GraphStore:  # pragma: no cover - replaced in each subclass
        raise NotImplementedError

    def test_replace_graph_then_read_it_back(self, store):
        store.replace_graph(G1, triples("a", 5))
        assert sorted(store.triples(G1)) == sorted(triples("a", 5))
        assert store.graph_names() == [G1]
        assert store.triple_count() == 5

    def test_replace_replaces_whole_and_leaves_other_graphs(self, store):
        store.replace_graphs({G1: triples("a", 5), G2: triples("b", 3)})
        store.replace_graph(G1, triples("a", 2, "v2"))
        assert sorted(store.triples(G1)) == sorted(triples("a", 2, "v2"))
        assert sorted(store.triples(G2)) == sorted(triples("b", 3))

    def test_replacing_with_nothing_drops_the_graph(self, store):
        store.replace_graph(G1, triples("a", 5))
        store.replace_graph(G1, [])
        assert store.graph_names() == []

    def test_add_triples_keeps_what_is_there(self, store):
        store.replace_graph(G1, triples("a", 2))
        store.add_triples(G1, triples("b", 2))
        assert len(store.triples(G1)) == 4

    def test_drop_graphs(self, store):
        store.replace_graphs({G1: triples("a", 2), G2: triples("b", 2), G3: triples("c", 1)})
        store.drop_graphs([G1, G3])
        assert store.graph_names() == [G2]

    def test_quads_match_a_pattern(self, store):
        store.replace_graphs({G1: triples("a", 3), G2: triples("a", 3)})
        subject = ID["test/a/1"]
        assert sorted(g for _s, _p, _o, g in store.quads(subject=subject)) == [G1, G2]
        assert [o for _s, _p, o, _g in store.quads(subject, P, None, G2)] == [Literal("v1-1")]

    def test_select_over_the_union_with_bound_values(self, store):
        store.replace_graphs({G1: triples("a", 3), G2: triples("b", 2)})
        rows = store.select("SELECT ?s WHERE { ?s <https://example.org/p> ?o } ORDER BY ?s")
        assert len(rows) == 5
        bound = store.select("SELECT ?s WHERE { ?s <https://example.org/p> ?o }", {"o": Literal("v1-1")})
        assert sorted(row[0] for row in bound.rows) == [ID["test/a/1"], ID["test/b/1"]]

    def test_load_nquads_replaces_the_named_graphs_and_adds_the_rest(self, store):
        store.replace_graphs({G1: triples("a", 4), G2: triples("b", 1)})
        data = "".join(nquad_line(*t, G1) for t in triples("a", 2, "v2")) + "".join(nquad_line(*t, G2) for t in triples("c", 1))
        store.load_nquads(data.encode("utf-8"), [G1])
        assert sorted(store.triples(G1)) == sorted(triples("a", 2, "v2"))
        assert len(store.triples(G2)) == 2  # added to, not replaced

    def test_bulk_load_new_graphs(self, store):
        data = "".join(nquad_line(*t, G3) for t in triples("c", 50))
        store.bulk_load(data.encode("utf-8"), [G3])
        assert len(store.triples(G3)) == 50

    def test_update_runs_sparql_update(self, store):
        store.replace_graph(G1, triples("a", 3))
        store.update(f"DELETE WHERE {{ GRAPH <{G1}> {{ <{ID['test/a/0']}> ?p ?o }} }}")
        assert len(store.triples(G1)) == 2

    def test_dump_and_export_are_the_same_bytes_on_every_store(self, store):
        store.replace_graphs({G1: triples("a", 3), G2: triples("b", 2)})
        assert export_store(store, "nquads") == b"".join(sorted(
            nquad_line(s, p, o, g).encode("utf-8") for g, items in ((G1, triples("a", 3)), (G2, triples("b", 2))) for s, p, o in items
        ))

    def test_a_failed_replace_changes_nothing(self, store):
        store.replace_graphs({G1: triples("a", 3), G2: triples("b", 2)})
        with pytest.raises(Exception):  # noqa: B017 - each store raises its own parser error
            store.replace_graphs({G1: triples("a", 1, "v2"), G2: [(ID["test/x"], P, "not a term")]})  # type: ignore[list-item]
        assert sorted(store.triples(G1)) == sorted(triples("a", 3))
        assert sorted(store.triples(G2)) == sorted(triples("b", 2))


class TestMemoryStore(StoreContract):
    @pytest.fixture()
    def store(self):
        return MemoryStore()

    def test_it_keeps_no_derived_files(self, store):
        assert store.data_version() is None


class TestOxigraphStore(StoreContract):
    @pytest.fixture()
    def store(self, tmp_path):
        with OxigraphStore(tmp_path / "store") as store:
            yield store

    def test_its_data_version_changes_with_every_write(self, store, tmp_path):
        before = store.data_version()
        assert before is not None and before[0] == tmp_path / "store"
        store.replace_graph(G1, triples("a", 2))
        after = store.data_version()
        assert after is not None and after[1] != before[1]
        assert OxigraphStore.in_memory().data_version() is None

    def test_a_store_that_is_not_there_is_refused(self, tmp_path):
        from codegraph import StoreNotFoundError, open_store

        with pytest.raises(StoreNotFoundError, match="no codegraph store there"):
            open_store(tmp_path / "typo")
        assert not (tmp_path / "typo").exists()
        open_store(tmp_path / "new", create=True).close()
        open_store(tmp_path / "new").close()


class TestRemoteStore(StoreContract):
    @pytest.fixture()
    def store(self, own_oxigraph_server):
        remote = own_oxigraph_server.remote()
        remote.client.gsp_put(FOREIGN, b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
        yield remote
        assert len(remote.client.gsp_get(FOREIGN)) == 1  # another's graph is never touched, nor listed
