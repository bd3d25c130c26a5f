"""Remote SPARQL endpoints, against real servers on 127.0.0.1: push, the same rows as in memory
and in the embedded store for every query, validate and export through --endpoint, a push
interrupted part-way, errors that name the endpoint, auth from the environment, retries.

The Oxigraph server (PyPI ``oxigraph``) always runs; the Virtuoso set runs when ``virtuoso-t``
is installed and is skipped, saying so, when it is not.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import subprocess
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from codegraph import (
    EndpointError,
    MemoryStore,
    OxigraphStore,
    add_import,
    build,
    import_mcd,
    import_payer_policy,
    load_import_into_store,
    load_into_store,
    run_named_query,
)
from codegraph.api import serialize, write_graph
from codegraph.query import get_query, load_catalog
from codegraph.rdf.iris import PAYERS_GRAPH, document_graph_iri, staging_graph_iri
from codegraph.rdf.namespaces import ID
from codegraph.store import remote as remote_module
from codegraph.store.push import push
from codegraph.store.remote import Endpoint, RemoteStore, ntriples_chunks, stage_and_swap
from coverage_data import BULLETIN, MCD, POLICIES, ROOT, SEED
from servers import RecordingServer, codegraph_command, free_port, start_serve

SAMPLE_PARAMS = {"code": "1001T", "anatomy": "external anal sphincter", "condition": "R15",
                 "payer": "Aetna", "date": "2025-06-01", "since": "2024-01-01"}
FIVE = ["Aetna", "Blue Cross Blue Shield", "Cigna", "Medicare", "UnitedHealthcare"]
CATALOG = sorted(load_catalog())


def _params(name: str) -> dict[str, str]:
    """Values that return rows on the fixture graph: the header's example, else a sample."""
    spec = get_query(name)
    return {p: spec.examples.get(p, SAMPLE_PARAMS.get(p, "")) for p in spec.params if p in spec.examples or p in spec.required}


def _rows(store, name: str) -> list[str]:
    return sorted(map(repr, run_named_query(store, name, _params(name)).rows))


class Graphs:
    """The seed page and the coverage imports, in memory, in the embedded store and as a file."""

    def __init__(self, folder: Path):
        with contextlib.chdir(ROOT):  # paths in the evidence stay relative, as in the other tests
            result = build([SEED])
            # "@Aetna" beside "Aetna": possible-duplicate-payers has a row to compare
            batches = [import_payer_policy([POLICIES, BULLETIN, "tests/fixtures/payer-policy/look-alike-payer.csv"]),
                       import_mcd(MCD)]
        dataset = result.dataset
        for batch in batches:
            add_import(dataset, batch)
        self.memory = MemoryStore(dataset)
        self.embedded = OxigraphStore(folder / "embedded")  # held open here, for the in-process comparisons
        self.store_dir = folder / "store"  # the same, closed again: a store opens in one place at a time, and the CLI opens this one
        cli_store = OxigraphStore(self.store_dir)
        for store in (self.embedded, cli_store):
            load_into_store(result, store)
            for batch in batches:
                load_import_into_store(batch, store, include_reference=False)
        cli_store.close()
        del cli_store
        gc.collect()
        self.file = folder / "graph.nq"
        write_graph(dataset, self.file)
        self.document_graph = document_graph_iri(result.documents[0].source.identity)


@pytest.fixture(scope="module")
def graphs(tmp_path_factory) -> Graphs:
    return Graphs(tmp_path_factory.mktemp("endpoint-graphs"))


@pytest.fixture(autouse=True)
def _release_stores():
    """An in-process command that opened --store may leave it in a reference cycle (pySHACL's
    frames after a validation) until the collector runs; the next open would find it locked."""
    yield
    gc.collect()


@pytest.fixture(scope="module")
def pushed(graphs, oxigraph_server) -> RemoteStore:
    remote = oxigraph_server.remote()
    report = push(graphs.embedded, remote, chunk_triples=400)
    assert report.triples == graphs.memory.triple_count()
    return remote


# -- push, then the same rows everywhere ---------------------------------------------------


def test_push_sends_every_named_graph(graphs, pushed):
    assert pushed.graph_names() == graphs.memory.graph_names() == graphs.embedded.graph_names()
    assert pushed.triple_count() == graphs.memory.triple_count() == graphs.embedded.triple_count()
    assert serialize(pushed.to_dataset(), "nquads") == serialize(graphs.memory.to_dataset(), "nquads")


@pytest.mark.parametrize("name", CATALOG)
def test_every_query_same_rows_in_memory_embedded_and_server(graphs, pushed, name):
    memory = _rows(graphs.memory, name)
    assert memory, f"{name} returns no rows on the fixture graph, so the comparison would prove nothing"
    assert _rows(graphs.embedded, name) == memory
    assert _rows(pushed, name) == memory


def test_payers_for_code_through_the_cli(run_cli, graphs, pushed, oxigraph_server):
    by_endpoint = run_cli("query", "run", "payers-for-code", "--param", "code=1001T",
                          "--endpoint", oxigraph_server.query_url, "--format", "csv")
    by_store = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--store", graphs.store_dir, "--format", "csv")
    assert by_endpoint == by_store
    assert by_endpoint[0] == 0
    assert set(FIVE) <= {line.split(",")[0] for line in by_endpoint[1].splitlines()[1:]}


def test_server_default_graph_as_union_gives_the_same_rows(graphs, tmp_path):
    from servers import OxigraphServer

    server = OxigraphServer(tmp_path / "union", union_default_graph=True).start()
    try:
        push(graphs.memory, server.remote())
        asked = server.remote()
        for name in ("payers-for-code", "coverage-assertions", "code-neighbourhood"):
            assert _rows(asked, name) == _rows(graphs.memory, name)
        told = server.remote(union_default_graph=True)
        assert _rows(told, "payers-for-code") == _rows(graphs.memory, "payers-for-code")
    finally:
        server.stop()


def test_validate_through_the_endpoint_gives_the_same_findings(run_cli, graphs, pushed, oxigraph_server):
    by_endpoint = run_cli("validate", "--endpoint", oxigraph_server.query_url, "--format", "json")
    by_store = run_cli("validate", "--store", graphs.store_dir, "--format", "json")
    assert by_endpoint == by_store
    findings = json.loads(by_endpoint[1])["findings"]
    # the seed page declares its ICD-10 mappings unavailable: a warning on the code, with the path
    assert ("http://purl.bioontology.org/ontology/CPT/1001T", "https://w3id.org/codegraph/ontology#icd10Mapping") in {
        (f["focus_node"], f["path"]) for f in findings if f["severity"] == "warning"}


def test_html_report_through_the_endpoint_and_jobs_on_a_store(run_cli, graphs, pushed, oxigraph_server):
    code, page, _err = run_cli("validate", "--endpoint", oxigraph_server.query_url, "--format", "html")
    assert code == 0 and f"<title>codegraph validation: the endpoint {oxigraph_server.query_url}</title>" in page
    assert run_cli("validate", "--store", graphs.store_dir, "--jobs", "1", "--format", "json") == \
        run_cli("validate", "--store", graphs.store_dir, "--format", "json")
    assert run_cli("validate", "--store", graphs.store_dir, "--jobs", "0")[0] == 2


def test_export_through_the_endpoint_is_byte_identical(run_cli, graphs, pushed, oxigraph_server, tmp_path):
    outputs = {}
    for source, args in {"endpoint": ("--endpoint", oxigraph_server.query_url), "store": ("--store", graphs.store_dir),
                         "file": ("--data", graphs.file)}.items():
        outputs[source] = tmp_path / f"{source}.nq"
        result = run_cli("export", *args, "--format", "nquads", "-o", outputs[source])
        assert result[0] == 0, result[2]
    assert outputs["endpoint"].read_bytes() == outputs["store"].read_bytes() == outputs["file"].read_bytes()


def test_export_one_code_is_deterministic_and_reimports(run_cli, graphs, pushed, oxigraph_server, tmp_path):
    first, second, from_store = tmp_path / "a.ttl", tmp_path / "b.ttl", tmp_path / "c.ttl"
    assert run_cli("export", "--code", "1001T", "--endpoint", oxigraph_server.query_url, "-o", first)[0] == 0
    assert run_cli("export", "--code", "1001T", "--endpoint", oxigraph_server.query_url, "-o", second)[0] == 0
    assert run_cli("export", "--code", "1001T", "--store", graphs.store_dir, "-o", from_store)[0] == 0
    assert first.read_bytes() == second.read_bytes() == from_store.read_bytes()
    exported = Graph().parse(first, format="turtle")
    expected = Graph()
    for s, p, o, _g in run_named_query(graphs.memory, "code-neighbourhood", {"code": "1001T"}).rows:
        expected.add((s, p, o))
    assert isomorphic(exported, expected)
    code = URIRef("http://purl.bioontology.org/ontology/CPT/1001T")
    assert (code, URIRef("http://www.w3.org/2004/02/skos/core#notation"), Literal("1001T")) in exported
    payer_names = {str(o) for o in exported.objects(None, URIRef("http://schema.org/name"))}
    assert set(FIVE) <= payer_names
    assert not set(exported.subjects(URIRef("http://www.w3.org/2004/02/skos/core#notation"), Literal("J7321")))
    # the named graphs are kept in TriG
    trig = tmp_path / "code.trig"
    assert run_cli("export", "--code", "1001T", "--store", graphs.store_dir, "--format", "trig", "-o", trig)[0] == 0
    names = {g.identifier for g in Dataset().parse(trig, format="trig").graphs()}
    assert graphs.document_graph in names and PAYERS_GRAPH in names


def test_export_unknown_code_is_exit_2(run_cli, graphs):
    code, _out, err = run_cli("export", "--code", "9999T", "--store", graphs.store_dir)
    assert code == 2 and "no code '9999T'" in err


# -- push semantics --------------------------------------------------------------------------


def _store_with(graphs: dict[URIRef, list[tuple]]) -> MemoryStore:
    store = MemoryStore()
    for name, triples in graphs.items():
        target = store.dataset.graph(name)
        for triple in triples:
            target.add(triple)
    return store


def _synthetic(name: str, count: int, version: str) -> list[tuple]:
    subject = ID[f"test/{name}"]
    return [(subject, URIRef(f"https://example.org/p{i}"), Literal(f"{version}-{i}")) for i in range(count)]


def _server_triples(remote: RemoteStore, name: URIRef) -> set[tuple]:
    return set(remote.client.gsp_get(name))


def test_push_cli_sends_one_named_graph(run_cli, graphs, own_oxigraph_server):
    code, out, err = run_cli("push", "--data", graphs.file, "--endpoint", own_oxigraph_server.query_url,
                             "--graph", str(graphs.document_graph), "--chunk-triples", "100")
    assert code == 0, err
    expected = len(graphs.memory.dataset.graph(graphs.document_graph))
    assert f"pushed:    1 graph(s), {expected} triples" in out
    remote = own_oxigraph_server.remote()
    assert remote.graph_names() == [graphs.document_graph]
    assert _server_triples(remote, graphs.document_graph) == set(graphs.memory.dataset.graph(graphs.document_graph))


def test_push_replaces_the_graphs_it_sends_and_leaves_the_others(own_oxigraph_server):
    first, second = ID["graph/document/test-first"], ID["graph/document/test-second"]
    remote = own_oxigraph_server.remote()
    push(_store_with({first: _synthetic("a", 30, "v1"), second: _synthetic("b", 20, "v1")}), remote, chunk_triples=7)
    push(_store_with({first: _synthetic("a", 10, "v2")}), remote, graphs=[first], chunk_triples=7)
    assert _server_triples(remote, first) == set(_synthetic("a", 10, "v2"))
    assert _server_triples(remote, second) == set(_synthetic("b", 20, "v1"))
    assert remote.graph_names() == [first, second]  # no staging graph is left behind


def test_pushing_a_whole_store_mirrors_it_and_leaves_foreign_graphs_alone(own_oxigraph_server):
    first, second = ID["graph/document/test-first"], ID["graph/document/test-second"]
    foreign = URIRef("https://example.org/someone-elses-graph")
    remote = own_oxigraph_server.remote()
    remote.client.gsp_put(foreign, b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    push(_store_with({first: _synthetic("a", 30, "v1"), second: _synthetic("b", 20, "v1")}), remote)
    report = push(_store_with({first: _synthetic("a", 10, "v2")}), remote)
    assert report.dropped == [second]
    assert remote.graph_names() == [first]
    assert _server_triples(remote, first) == set(_synthetic("a", 10, "v2"))
    assert len(remote.client.gsp_get(foreign)) == 1  # not codegraph's: never touched


def test_server_killed_in_the_middle_of_a_push_keeps_the_previous_graph(own_oxigraph_server):
    target = ID["graph/document/test-fault"]
    previous = _synthetic("fault", 300, "v1")
    remote = own_oxigraph_server.remote(retries=1, backoff=0.01)
    push(_store_with({target: previous}), remote)
    sent: list[int] = []

    def kill_after_first_chunk(_name, chunks_sent, chunks_total):
        sent.append(chunks_sent)
        assert chunks_total == 10
        if chunks_sent == 1:
            own_oxigraph_server.kill()

    with pytest.raises(EndpointError) as failure:
        stage_and_swap(remote.client, target, _synthetic("fault", 5000, "v2"), chunk_triples=500, on_chunk=kill_after_first_chunk)
    assert sent == [1]
    message = str(failure.value)
    assert "connection refused" in message and f"<{target}> keeps its previous version" in message
    own_oxigraph_server.start()  # the same data folder, as after a crash
    restarted = own_oxigraph_server.remote()
    assert _server_triples(restarted, target) == set(previous)
    assert restarted.graph_triple_count(staging_graph_iri(target)) == 500  # the upload did stop part-way
    assert restarted.graph_names() == [target]  # and the staging graph is not part of the store
    stage_and_swap(restarted.client, target, _synthetic("fault", 5000, "v2"), chunk_triples=500)  # the next push cleans up
    assert restarted.graph_triple_count(target) == 5000
    assert restarted.graph_triple_count(staging_graph_iri(target)) == 0


def test_a_wrong_staged_count_drops_the_staging_graph_and_keeps_the_previous(own_oxigraph_server, monkeypatch):
    target = ID["graph/document/test-count"]
    previous = _synthetic("count", 40, "v1")
    remote = own_oxigraph_server.remote()
    push(_store_with({target: previous}), remote)
    real_count = remote_module._graph_triple_count
    monkeypatch.setattr(remote_module, "_graph_triple_count",
                        lambda client, name: real_count(client, name) - (1 if name == staging_graph_iri(target) else 0))
    with pytest.raises(EndpointError, match=r"holds 79 triples after the upload, but 80 were sent"):
        stage_and_swap(remote.client, target, _synthetic("count", 80, "v2"), chunk_triples=25)
    monkeypatch.undo()
    assert _server_triples(remote, target) == set(previous)
    assert remote.graph_triple_count(staging_graph_iri(target)) == 0


def test_blank_nodes_survive_a_chunked_push(own_oxigraph_server):
    name = ID["graph/document/test-blank"]
    graph = Graph(identifier=name)
    head = BNode()
    Collection(graph, head, [Literal(i) for i in range(12)])
    graph.add((ID["test/list-owner"], URIRef("https://example.org/items"), head))
    for i in range(10):
        graph.add((ID[f"test/plain/{i}"], RDF.type, URIRef("https://example.org/Thing")))
    chunks = ntriples_chunks(list(graph), 3)
    assert any(chunk.count(b"\n") > 3 for chunk in chunks)  # the 25-triple list went whole
    remote = own_oxigraph_server.remote()
    remote.replace_graph(name, graph)
    assert isomorphic(remote.client.gsp_get(name), graph)


# -- errors, auth, retries -----------------------------------------------------------------


def test_an_unreachable_endpoint_is_exit_3_naming_the_url(run_cli):
    url = f"http://127.0.0.1:{free_port()}/query"
    code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--endpoint", url, "--endpoint-retries", "0")
    assert code == 3
    assert url in err and "connection refused" in err


def test_a_wrong_path_is_exit_3_with_the_http_status(run_cli, oxigraph_server):
    url = f"{oxigraph_server.base_url}/sparql-nowhere"
    code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--endpoint", url)
    assert code == 3
    assert url in err and "HTTP 404" in err


def test_exactly_one_graph_source(run_cli, graphs, oxigraph_server):
    code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T",
                              "--store", graphs.store_dir, "--endpoint", oxigraph_server.query_url)
    assert code == 2 and "exactly one of --data FILE or --store DIR, or --endpoint URL" in err


def test_push_needs_a_graph_store_url_where_none_can_be_derived(graphs):
    remote = RemoteStore.at("http://127.0.0.1:9/sparql")
    with pytest.raises(EndpointError, match="give the Graph Store URL"):
        push(graphs.memory, remote)


def test_endpoint_urls_follow_the_server_layout():
    oxigraph = Endpoint.from_urls("http://127.0.0.1:7878/query")
    assert (oxigraph.update_url, oxigraph.gsp_url) == ("http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")
    virtuoso = Endpoint.from_urls("http://127.0.0.1:8890/sparql", gsp_url="http://127.0.0.1:8890/sparql-graph-crud")
    assert (virtuoso.update_url, virtuoso.gsp_url) == ("http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/sparql-graph-crud")
    fuseki = Endpoint.from_urls("http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data")
    assert (fuseki.query_url, fuseki.update_url, fuseki.gsp_url) == ("http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data")
    with pytest.raises(EndpointError, match="not an http"):
        Endpoint.from_urls("file:///etc/passwd")


def test_bearer_token_from_the_environment(recording_server: RecordingServer, monkeypatch):
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_TOKEN", "s3cret-token")
    remote = RemoteStore.at(recording_server.query_url)
    assert remote.client.select_raw("SELECT (1 AS ?n) WHERE {}").rows == [(Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),)]
    remote.client.gsp_put(ID["graph/x"], b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    assert [r.headers.get("Authorization") for r in recording_server.requests] == ["Bearer s3cret-token"] * 2
    put = recording_server.requests[1]
    assert put.method == "PUT" and put.path == "/store?graph=https%3A%2F%2Fw3id.org%2Fcodegraph%2Fid%2Fgraph%2Fx"


def test_basic_auth_from_the_environment_through_the_cli(run_cli, recording_server: RecordingServer, monkeypatch):
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_USER", "loader")
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_PASSWORD", "pa:ss")
    code, _out, err = run_cli("query", "run", "missing-facets", "--endpoint", recording_server.query_url, "--union-default-graph")
    assert code == 0, err
    expected = "Basic " + base64.b64encode(b"loader:pa:ss").decode()
    assert {r.headers.get("Authorization") for r in recording_server.requests} == {expected}


def test_credentials_never_show_in_errors(recording_server: RecordingServer, monkeypatch):
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_TOKEN", "s3cret-token")
    recording_server.statuses = [401]
    with pytest.raises(EndpointError) as failure:
        RemoteStore.at(recording_server.query_url, union_default_graph=True).select("SELECT * WHERE { ?s ?p ?o }")
    assert "HTTP 401" in str(failure.value) and recording_server.query_url in str(failure.value)
    assert "s3cret-token" not in str(failure.value) and "CODEGRAPH_ENDPOINT_TOKEN" in str(failure.value)


@pytest.mark.parametrize(("env", "message"), [
    ({"CODEGRAPH_ENDPOINT_TOKEN": "t", "CODEGRAPH_ENDPOINT_USER": "u"}, "set only one kind"),
    ({"CODEGRAPH_ENDPOINT_USER": "u"}, "go together"),
])
def test_half_set_credentials_are_an_error(env, message):
    with pytest.raises(EndpointError, match=message):
        RemoteStore.at("http://127.0.0.1:9/query", environ=env)


def test_transient_errors_are_retried_with_back_off(recording_server: RecordingServer):
    recording_server.statuses = [503, 502]
    pauses: list[float] = []
    remote = RemoteStore(Endpoint.from_urls(recording_server.query_url, backoff=0.5), union_default_graph=True, sleep=pauses.append)
    assert len(remote.client.select_raw("SELECT (1 AS ?n) WHERE {}").rows) == 1
    assert pauses == [0.5, 1.0]
    assert len(recording_server.requests) == 3


def test_retries_run_out_with_an_error_naming_url_and_status(recording_server: RecordingServer):
    recording_server.statuses = [504, 504, 504]
    remote = RemoteStore(Endpoint.from_urls(recording_server.query_url, retries=2), union_default_graph=True, sleep=lambda _s: None)
    with pytest.raises(EndpointError, match=r"/query: HTTP 504 Gateway Timeout.*\(after 3 tries\)"):
        remote.select("SELECT * WHERE { ?s ?p ?o }")


def test_an_upload_that_may_have_arrived_is_not_repeated(recording_server: RecordingServer):
    recording_server.statuses = [502]  # a proxy lost the answer: the server may have added the triples
    remote = RemoteStore(Endpoint.from_urls(recording_server.query_url), sleep=lambda _s: None)
    with pytest.raises(EndpointError, match="HTTP 502"):
        remote.client.gsp_post(ID["graph/x"], b"<https://example.org/s> <https://example.org/p> _:b .\n")
    assert len(recording_server.requests) == 1


# -- serve -----------------------------------------------------------------------------------


def test_serve_runs_the_oxigraph_server_read_only(tmp_path):
    store = tmp_path / "store"
    subprocess.run(codegraph_command("build", str(ROOT / SEED), "--store", str(store), "--no-validate"),
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    log = tmp_path / "serve.log"
    server = start_serve(store, port, log)
    try:
        remote = RemoteStore.at(f"http://127.0.0.1:{port}/query", union_default_graph=True, retries=0)
        rows = run_named_query(remote, "payers-for-code", {"code": "1001T"}).as_dicts()
        assert [str(r["payer"]) for r in rows] == FIVE
        with pytest.raises(EndpointError, match=r"HTTP \d{3}"):
            remote.update("DROP ALL")
        assert len(run_named_query(remote, "payers-for-code", {"code": "1001T"}).rows) == 5
        assert "read only" in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)


# -- the same against Virtuoso (when installed) ----------------------------------------------

# Queries Virtuoso 7.2 cannot run as written (its own limits, found by this test set).
VIRTUOSO_FAILS = {
    "category-iii-coverage": "Virtuoso 7.2 returns two extra rows (expired policies): it evaluates the date filter differently",
    "missing-facets": "Virtuoso 7.2: 'SQ074' on BIND(... && EXISTS { ?codeNode ?property ?anything })",
    # Reported by the issue-18 check (Virtuoso is not installed on this project's machines, so this
    # set skips here): MIN() over long strings returns an empty string in Virtuoso 7.2, so the
    # title site-codes picks for a code differs. The query is standard SPARQL; not worked around.
    "site-codes": "Virtuoso 7.2: MIN() over long strings returns an empty string, so another title is picked",
}


@pytest.fixture(scope="module")
def virtuoso_pushed(graphs, virtuoso_server) -> RemoteStore:
    remote = virtuoso_server.remote()
    report = push(graphs.memory, remote, chunk_triples=400)
    assert report.triples == graphs.memory.triple_count()
    return remote


def test_virtuoso_holds_what_was_pushed(graphs, virtuoso_pushed):
    assert virtuoso_pushed.graph_names() == graphs.memory.graph_names()
    assert serialize(virtuoso_pushed.to_dataset(), "nquads") == serialize(graphs.memory.to_dataset(), "nquads")


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=False, reason=VIRTUOSO_FAILS[name])) if name in VIRTUOSO_FAILS else name
    for name in CATALOG
])
def test_virtuoso_every_query_same_rows(graphs, virtuoso_pushed, name):
    assert _rows(virtuoso_pushed, name) == _rows(graphs.memory, name)


def test_virtuoso_push_failure_keeps_the_previous_graph(virtuoso_server, monkeypatch):
    target = ID["graph/document/test-virtuoso-count"]
    remote = virtuoso_server.remote()
    previous = _synthetic("virtuoso", 30, "v1")
    push(_store_with({target: previous}), remote, chunk_triples=8)
    assert _server_triples(remote, target) == set(previous)
    monkeypatch.setattr(RemoteStore, "graph_triple_count", lambda self, name: 0)
    with pytest.raises(EndpointError, match="was not changed"):
        stage_and_swap(remote.client, target, _synthetic("virtuoso", 60, "v2"), chunk_triples=8)
    monkeypatch.undo()
    assert _server_triples(remote, target) == set(previous)
    assert remote.graph_triple_count(staging_graph_iri(target)) == 0


def test_coverage_check_through_the_endpoint(run_cli, graphs, pushed, oxigraph_server):
    question = ("coverage", "check", "--code", "J7321", "--payer", "Cigna", "--date", "2025-06-01", "--format", "json")
    by_endpoint = run_cli(*question, "--endpoint", oxigraph_server.query_url)
    by_store = run_cli(*question, "--store", graphs.store_dir)
    assert by_endpoint == by_store
    assert by_endpoint[0] == 0 and json.loads(by_endpoint[1])["code"] == "J7321"
