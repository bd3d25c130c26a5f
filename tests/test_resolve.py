"""Resolvable IRIs: ``codegraph serve --resolve`` answers GETs on codegraph IRIs by content
negotiation (a code's neighbourhood, a node's triples, the ontology, the JSON-LD context) and
passes SPARQL on to the Oxigraph server behind it. A real server on 127.0.0.1, started and stopped
here; the w3id redirect file is checked for the paths the front answers."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from codegraph import build, load_into_store, open_store
from codegraph.resolve import HTML, JSONLD, TURTLE, negotiate
from conftest import CPT_1001T, ROOT, SEED
from servers import codegraph_command, free_port, wait_until_answers


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, HTML),
        ("*/*", HTML),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSONLD),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML),
        ("application/ld+json;q=0.5, text/turtle", TURTLE),
        ("text/turtle;q=0, application/ld+json", JSONLD),
        ("image/png", HTML),
    ],
)
def test_negotiate(accept, expected):
    assert negotiate(accept) == expected


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    folder = tmp_path_factory.mktemp("resolve")
    store_dir = folder / "store"
    with open_store(store_dir, create=True) as store:
        load_into_store(build([SEED]), store)
    port = free_port()
    log = folder / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(codegraph_command("serve", "--store", str(store_dir), "--port", str(port), "--resolve"),
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(base + "/context.jsonld", process, log)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _get(url: str, accept: str | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_a_code_resolves_to_its_neighbourhood(front):
    status, media, body = _get(front + "/code/CPT/1001T", "text/turtle")
    assert status == 200 and media.startswith("text/turtle")
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert (URIRef(CPT_1001T), URIRef("http://www.w3.org/2004/02/skos/core#notation"), None) in graph
    assert len(graph) > 100  # facts, evidence, payers
    status, media, body = _get(front + "/code/CPT/1001T", "application/ld+json")
    assert status == 200 and media == JSONLD and json.loads(body)["@context"]["cg"] == "https://w3id.org/codegraph/ontology#"
    status, media, body = _get(front + "/code/CPT/1001T", "text/html")
    assert status == 200 and media.startswith("text/html") and b"1001T" in body and b"Content-Security-Policy" in body
    assert _get(front + "/code/CPT/9999T", "text/turtle")[0] == 404


def test_a_node_resolves_to_its_triples(front, seed_build):
    document = next(iter(seed_build.dataset.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                                      URIRef("https://w3id.org/codegraph/ontology#SourceDocument"))))
    path = str(document).removeprefix("https://w3id.org/codegraph")
    status, _media, body = _get(front + path, "text/turtle")
    assert status == 200
    graph = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert {s for s in graph.subjects()} == {document}
    assert _get(front + "/id/no/such/node", "text/turtle")[0] == 404


def test_the_context_and_the_ontology_resolve(front):
    status, media, body = _get(front + "/context.jsonld")
    assert status == 200 and media == JSONLD and "@context" in json.loads(body)
    status, media, body = _get(front + "/ontology", "text/turtle")
    assert status == 200 and b"owl:Ontology" in body or b"Ontology" in body


def test_sparql_goes_on_to_oxigraph(front):
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    status, media, body = _get(f"{front}/query?{query}", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_the_w3id_redirects_name_the_paths_the_front_answers():
    rules = (ROOT / "docs" / "w3id" / ".htaccess").read_text(encoding="utf-8")
    for path in ("code/", "id/", "vocab/", "ontology", "context.jsonld"):
        assert path in rules, path
    assert "RewriteEngine on" in rules
    assert (Path(ROOT / "docs" / "w3id" / "README.md")).is_file()
