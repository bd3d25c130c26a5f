"""A push leaves alone each graph the server already holds exactly as the source does (store/push.py),
read from what the server holds at push time: nothing is sent for an unchanged store, only the
edited graphs for an edited one, a graph another client changed on the server is put back, a
graph with blank nodes is always sent, and ``replace_all`` sends every graph. Both ways of reading
the server are covered: Oxigraph's whole dataset in one answer (more than
``GRAPHS_READ_ONE_BY_ONE`` graphs held) and one Graph Store GET per graph (fewer)."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from codegraph.rdf.namespaces import ID
from codegraph.store import MemoryStore, OxigraphStore
from codegraph.store.base import GraphStore
from codegraph.store.endpoint import EndpointClient
from codegraph.store.push import GRAPHS_READ_ONE_BY_ONE, _DatasetDigests, _digest, push

MANY = GRAPHS_READ_ONE_BY_ONE + 10  # read as one whole dataset
FEW = 5  # read one graph at a time


def _synthetic(name: str, count: int, version: str) -> list[tuple]:
    subject = ID[f"test/{name}"]
    return [(subject, URIRef(f"https://example.org/p{i}"), Literal(f"{version}-{i}")) for i in range(count)]


def _graphs(count: int, version: str = "v1") -> dict[URIRef, list[tuple]]:
    return {ID[f"graph/document/doc-{i:03d}"]: _synthetic(f"doc-{i}", 8, version) for i in range(count)}


def _store(graphs: dict[URIRef, list[tuple]], kind: str, tmp_path) -> GraphStore:
    store: GraphStore = MemoryStore() if kind == "memory" else OxigraphStore(tmp_path / f"store-{len(list(tmp_path.iterdir()))}")
    store.replace_graphs(graphs)
    return store


def _server_nquads(client: EndpointClient) -> bytes:
    pieces: list[bytes] = []
    client.read_dataset(pieces.append)
    return b"".join(pieces)


def _held(remote, name: URIRef) -> set[tuple]:
    return set(remote.client.gsp_get(name))


class Writes:
    """Counts the requests of a push that may write: N-Quads posts, updates, Graph Store PUT/POST."""

    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        for method in ("post_quads", "update", "gsp_put", "gsp_post"):
            real = getattr(EndpointClient, method)

            def counted(client, *args, _real=real, _name=method, **kwargs):
                self.calls.append(_name)
                return _real(client, *args, **kwargs)

            monkeypatch.setattr(EndpointClient, method, counted)


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
@pytest.mark.parametrize("count", [MANY, FEW])
def test_an_unchanged_store_pushed_again_sends_nothing_and_leaves_the_server_byte_identical(
        own_oxigraph_server, monkeypatch, tmp_path, kind, count):
    graphs = _graphs(count)
    remote = own_oxigraph_server.remote()
    first = push(_store(graphs, kind, tmp_path), remote)
    assert len(first.added) == count and first.unchanged == [] and first.replaced == []
    before = _server_nquads(remote.client)
    writes = Writes(monkeypatch)
    again = push(_store(graphs, kind, tmp_path), remote)
    assert writes.calls == []
    assert again.graphs == [] and again.added == [] and again.dropped == []
    assert again.unchanged == list(graphs)
    assert _server_nquads(remote.client) == before


@pytest.mark.parametrize("count", [MANY, FEW])
def test_after_editing_two_graphs_exactly_those_two_are_replaced(own_oxigraph_server, tmp_path, count):
    graphs = _graphs(count)
    remote = own_oxigraph_server.remote()
    push(_store(graphs, "oxigraph", tmp_path), remote)
    names = list(graphs)
    edited = {**graphs, names[1]: _synthetic("doc-1", 8, "v2"), names[3]: _synthetic("doc-3", 5, "v2")}
    fresh = ID["graph/document/doc-new"]
    edited[fresh] = _synthetic("doc-new", 3, "v2")
    report = push(_store(edited, "oxigraph", tmp_path), remote)
    assert report.replaced == [names[1], names[3]]
    assert report.added == [fresh]
    assert report.unchanged == [name for name in names if name not in (names[1], names[3])]
    assert report.triples == 8 + 5 + 3
    for name, triples in edited.items():
        assert _held(remote, name) == set(triples)
    assert remote.graph_names() == sorted(edited)  # no staging graph left


@pytest.mark.parametrize("count", [MANY, FEW])
def test_a_graph_another_client_changed_on_the_server_is_put_back(own_oxigraph_server, tmp_path, count):
    graphs = _graphs(count)
    store = _store(graphs, "oxigraph", tmp_path)
    remote = own_oxigraph_server.remote()
    push(store, remote)
    names = list(graphs)
    other = own_oxigraph_server.remote().client  # another client: one triple added, one removed
    other.update(f"INSERT DATA {{ GRAPH <{names[2]}> {{ <https://example.org/s> <https://example.org/p> \"theirs\" }} }}")
    subject, predicate, value = graphs[names[4]][0]
    other.update(f"DELETE DATA {{ GRAPH <{names[4]}> {{ <{subject}> <{predicate}> \"{value}\" }} }}")
    report = push(store, remote)
    assert report.replaced == [names[2], names[4]]
    assert len(report.unchanged) == count - 2
    for name, triples in graphs.items():
        assert _held(remote, name) == set(triples)


def test_a_graph_with_blank_nodes_is_always_sent_and_ends_isomorphic(own_oxigraph_server, tmp_path):
    graphs = _graphs(MANY)
    listed = ID["graph/document/doc-list"]
    graph = Graph(identifier=listed)
    head = BNode()
    Collection(graph, head, [Literal(i) for i in range(6)])
    graph.add((ID["test/list-owner"], URIRef("https://example.org/items"), head))
    graphs[listed] = list(graph)
    remote = own_oxigraph_server.remote()
    push(_store(graphs, "memory", tmp_path), remote)
    report = push(_store(graphs, "memory", tmp_path), remote)
    assert report.replaced == [listed]
    assert len(report.unchanged) == MANY
    assert isomorphic(remote.client.gsp_get(listed), graph)
    assert len(remote.client.gsp_get(listed)) == len(graph)


def test_replace_all_replaces_every_graph(own_oxigraph_server, monkeypatch, tmp_path):
    graphs = _graphs(MANY)
    store = _store(graphs, "oxigraph", tmp_path)
    remote = own_oxigraph_server.remote()
    push(store, remote)
    writes = Writes(monkeypatch)
    report = push(store, remote, replace_all=True)
    assert report.replaced == list(graphs) and report.unchanged == [] and report.added == []
    assert report.triples == 8 * MANY
    assert "update" in writes.calls and "post_quads" in writes.calls  # staged, then swapped in
    for name, triples in graphs.items():
        assert _held(remote, name) == set(triples)


def test_the_cli_says_how_many_graphs_were_replaced_new_and_unchanged(run_cli, own_oxigraph_server, tmp_path):
    graphs = _graphs(4)
    data = tmp_path / "graphs.nq"
    data.write_bytes(_store(graphs, "memory", tmp_path).dump())
    endpoint = ("--endpoint", own_oxigraph_server.query_url)
    code, out, err = run_cli("push", "--data", data, *endpoint)
    assert code == 0, err
    assert "pushed:    4 graph(s), 32 triples (0 replaced, 4 new); 0 unchanged graph(s) skipped" in out
    names = list(graphs)
    graphs[names[0]] = _synthetic("doc-0", 2, "v2")
    data.write_bytes(_store(graphs, "memory", tmp_path).dump())
    code, out, err = run_cli("push", "--data", data, *endpoint)
    assert code == 0, err
    assert "pushed:    1 graph(s), 2 triples (1 replaced, 0 new); 3 unchanged graph(s) skipped" in out
    code, out, err = run_cli("push", "--data", data, *endpoint, "--replace-all")
    assert code == 0, err
    assert "pushed:    4 graph(s), 26 triples (4 replaced, 0 new); 0 unchanged graph(s) skipped" in out


def test_dataset_digests_match_graph_digests_and_distrust_a_graph_whose_quads_come_apart():
    a, b = b"<https://example.org/g/a>", b"<https://example.org/g/b>"
    line_1 = b'<https://example.org/s> <https://example.org/p> "x y <z>" '
    line_2 = b"<https://example.org/s> <https://example.org/p> <https://example.org/g/b> "
    digests = _DatasetDigests()
    digests.take(line_1 + a + b" .\n" + line_2[:20])  # a line split between two pieces
    digests.take(line_2[20:] + a + b" .\n" + line_1 + b + b" .\n")
    digests.take(line_2 + b".\n" + line_1 + a + b" .\n")  # a quad of the default graph, then a again
    found = digests.finish()
    assert found[b] is not None and found[b] != _digest([line_1.rstrip()])  # the default graph's "S P" joined b
    assert found[a] is None  # a came apart: unknown, so pushed
    whole = _DatasetDigests()
    whole.take(line_1 + a + b" .\n" + line_2 + a + b" .\n")
    assert whole.finish()[a] == _digest([line_2.rstrip(), line_1.rstrip()])
