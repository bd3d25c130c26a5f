"""The batched push to an Oxigraph server (store/push.py): many graphs per N-Quads request, new
graphs straight into place in atomic requests, graphs the server holds through staging graphs
and batched MOVEs, and a server killed part-way leaving every graph whole (old or new)."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from codegraph.errors import EndpointError
from codegraph.rdf.iris import staging_graph_iri
from codegraph.rdf.namespaces import ID
from codegraph.store import MemoryStore
from codegraph.store.endpoint import Endpoint, EndpointClient
from codegraph.store.push import push


def _synthetic(name: str, count: int, version: str) -> list[tuple]:
    subject = ID[f"test/{name}"]
    return [(subject, URIRef(f"https://example.org/p{i}"), Literal(f"{version}-{i}")) for i in range(count)]


def _store(graphs: dict[URIRef, list[tuple]]) -> MemoryStore:
    store = MemoryStore()
    for name, triples in graphs.items():
        for triple in triples:
            store.dataset.graph(name).add(triple)
    return store


def _graphs(count: int, size: int, version: str) -> dict[URIRef, list[tuple]]:
    return {ID[f"graph/document/batch-{i:03d}"]: _synthetic(f"batch-{i}", size, version) for i in range(count)}


def _held(remote, name: URIRef) -> set[tuple]:
    return set(remote.client.gsp_get(name))


class Posts:
    """Counts the N-Quads requests a push makes, and whether each went to the bulk loader."""

    def __init__(self, monkeypatch):
        self.calls: list[bool] = []
        real = EndpointClient.post_quads

        def counted(client, body, url=None):
            self.calls.append(url is not None and "no_transaction" in url)
            return real(client, body, url)

        monkeypatch.setattr(EndpointClient, "post_quads", counted)


def test_an_oxigraph_endpoint_takes_quads_and_others_do_not():
    assert Endpoint.from_urls("http://127.0.0.1:7878/query").takes_quads
    assert not Endpoint.from_urls("http://127.0.0.1:3030/ds/sparql", gsp_url="http://127.0.0.1:3030/ds/data").takes_quads
    assert not Endpoint.from_urls("http://127.0.0.1:7878/query", gsp_url="http://127.0.0.1:7878/other").takes_quads


def test_many_new_graphs_go_in_few_atomic_requests(own_oxigraph_server, monkeypatch):
    graphs = _graphs(40, 25, "v1")  # 1,000 triples
    posts = Posts(monkeypatch)
    remote = own_oxigraph_server.remote()
    report = push(_store(graphs), remote, chunk_triples=300)
    assert posts.calls == [False] * 4  # 12 graphs of 25 per request of at most 300; none staged
    assert report.triples == 1000 and [g.name for g in report.graphs] == list(graphs)
    assert remote.graph_names() == sorted(graphs)
    for name, triples in graphs.items():
        assert _held(remote, name) == set(triples)


def test_graphs_the_server_holds_are_replaced_through_staging(own_oxigraph_server, monkeypatch):
    remote = own_oxigraph_server.remote()
    push(_store(_graphs(10, 20, "v1")), remote)
    posts = Posts(monkeypatch)
    newer = _graphs(10, 15, "v2")
    newer[ID["graph/document/batch-new"]] = _synthetic("new", 5, "v2")
    report = push(_store(newer), remote, chunk_triples=100)
    assert posts.calls.count(True) == 2 and posts.calls.count(False) == 1  # 150 staged triples; the new graph direct
    assert report.triples == 155
    for name, triples in newer.items():
        assert _held(remote, name) == set(triples)
    assert remote.graph_names() == sorted(newer)  # no staging graph left, nothing of v1
    assert all(remote.graph_triple_count(staging_graph_iri(name)) == 0 for name in newer)


def test_a_graph_larger_than_a_request_keeps_its_blank_nodes_and_is_whole(own_oxigraph_server):
    name = ID["graph/document/batch-blank"]
    graph = Graph(identifier=name)
    head = BNode()
    Collection(graph, head, [Literal(i) for i in range(30)])
    graph.add((ID["test/list-owner"], URIRef("https://example.org/items"), head))
    for i in range(40):
        graph.add((ID[f"test/plain/{i}"], URIRef("https://example.org/n"), Literal(i)))
    store = MemoryStore()
    for triple in graph:
        store.dataset.graph(name).add(triple)
    remote = own_oxigraph_server.remote()
    report = push(store, remote, chunk_triples=10)
    assert report.graphs[0].chunks > 1  # split over several requests (through its staging graph)
    assert isomorphic(remote.client.gsp_get(name), graph)
    assert remote.graph_triple_count(staging_graph_iri(name)) == 0


def test_a_server_killed_part_way_leaves_each_graph_old_or_new_never_a_mix(own_oxigraph_server, monkeypatch):
    remote = own_oxigraph_server.remote(retries=0, backoff=0.01)
    old = _graphs(12, 20, "v1")
    push(_store(old), remote)
    newer = _graphs(12, 20, "v2")
    fresh = {ID[f"graph/document/batch-fresh-{i}"]: _synthetic(f"fresh-{i}", 20, "v2") for i in range(6)}
    real = EndpointClient.post_quads
    posted: list[int] = []

    def die_before_the_second_direct_request(client, body, url=None):
        posted.append(url is None)
        if posted.count(True) == 2:
            own_oxigraph_server.kill()
        return real(client, body, url)

    monkeypatch.setattr(EndpointClient, "post_quads", die_before_the_second_direct_request)
    with pytest.raises(EndpointError) as failure:
        push(_store({**newer, **fresh}), remote, chunk_triples=60)
    assert "keep their previous version" in str(failure.value)
    monkeypatch.undo()
    own_oxigraph_server.start()
    restarted = own_oxigraph_server.remote()
    for name in old:  # held before: never swapped, so still the previous version
        assert _held(restarted, name) == set(old[name])
    arrived = [name for name in fresh if restarted.graph_triple_count(name)]
    for name in fresh:  # new: whole or absent
        assert restarted.graph_triple_count(name) in (0, 20)
    assert posted == [False] * 3 + [True, True]  # 3 full staged requests, then the 6 new graphs (2 direct requests)
    assert len(arrived) == 3  # the first direct request landed whole, the second not at all
    push(_store({**newer, **fresh}), restarted, chunk_triples=60)  # the next push completes it
    for name, triples in {**newer, **fresh}.items():
        assert _held(restarted, name) == set(triples)
    assert restarted.graph_names() == sorted({**newer, **fresh})
