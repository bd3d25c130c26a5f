"""Hostile input and faults (issue 16): what an attacker or an unlucky user can hand codegraph.

Each case is a regression test, with what it did before the fix in its docstring. The fuzz test
feeds arbitrary strings, and every trick that once broke out of a query, to every parameter of
every catalog query on the three stores (rdflib in memory, the embedded Oxigraph store and an
Oxigraph server), while a recording HTTP server listens for any request a query might send.
Fake servers that trickle, flood, redirect or answer nonsense are sockets of this module's own.
The reader's own limits (sizes, encodings, quadratic inputs) and terminal/CSV output
neutralisation are tested beside their code, not here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from codegraph import (
    CatalogError,
    EndpointError,
    GraphInputError,
    MemoryStore,
    OutputError,
    OxigraphStore,
    QueryError,
    add_import,
    build,
    import_mcd,
    import_payer_policy,
    run_named_query,
)
from codegraph import files as files_module
from codegraph.query import load_catalog, parameter_terms
from codegraph.query.catalog import parse_query_file
from codegraph.rdf.iris import GRAPHS
from codegraph.rdf.namespaces import CG
from codegraph.rdf.terms import sparql_term
from codegraph.store.endpoint import Endpoint, redact_url
from codegraph.store.push import push
from codegraph.store.remote import RemoteStore
from servers import RecordingServer, codegraph_command

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
POLICIES = [ROOT / "tests/fixtures/payer-policy/payer-policies.csv", ROOT / "tests/fixtures/payer-policy/payer-bulletin-2025.csv"]
ANATOMY_GRAPH = URIRef(f"{GRAPHS}vocab/anatomy")
MARKER = "\U0001F9EA"  # a test tube: in no page, table or vocabulary, so a value holding it matches nothing


# == no value becomes query text ==============================================================

# Every trick that broke out of a query, or could: "{service}" becomes the recording server's URL.
TRICKS = [
    'x\n\\"',                                   # with the next one: coverage-evidence gave 249 rows instead of 0
    ") (UNDEF UNDEF) } #",
    '" } SERVICE <{service}> { ?s ?p ?o } #',   # made the embedded store and a server call the address
    '\\" } SERVICE <{service}> { ?s ?p ?o } #',
    "\\u0022 ) } SERVICE <{service}> { } #",    # a quote written as an escape that rdflib expands before parsing
    "\\U00000022 } UNION { ?s ?p ?o } #",
    "\\\\u0022",
    "\\u000A\\u0022",
    "<{service}>",
    "'''", '"""', "\\", "}", "#", "{", "SERVICE", "\r\n", "\x00", "\u2028", "\ufeff",
    "J7321\" || true || \"", "Aetna') || ('", "1001T", "\udcff",
]


def _values(alphabet: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(TRICKS), st.text(alphabet=alphabet, max_size=12) if alphabet else st.text(max_size=12))
    return st.lists(pieces, min_size=1, max_size=4).map("".join)


def _fuzz_dataset():
    """The seed page and the coverage imports, with the anatomy scheme cut to the structures the page
    names (rdflib runs codes-for-anatomy's property path over all 490 structures in 6 s; cut, the
    24 parameterised queries run in about 2 s, so the fuzz test can run them often)."""
    with contextlib.chdir(ROOT):
        result = build([SEED])
        batches = [import_payer_policy(POLICIES), import_mcd(ROOT / "tests/fixtures/mcd")]
    dataset = result.dataset
    anatomy = dataset.graph(ANATOMY_GRAPH)
    named = set(dataset.objects(None, CG.anatomy))
    kept = [triple for triple in anatomy if triple[0] in named]
    dataset.remove_graph(anatomy)
    for triple in kept:
        dataset.graph(ANATOMY_GRAPH).add(triple)
    for batch in batches:
        add_import(dataset, batch)
    return dataset


@pytest.fixture(scope="module")
def stores(oxigraph_server) -> dict[str, object]:
    memory = MemoryStore(_fuzz_dataset())
    embedded = OxigraphStore.in_memory()
    embedded.replace_graphs({name: memory.triples(name) for name in memory.graph_names()})
    server = oxigraph_server.remote()
    push(memory, server)
    assert embedded.triple_count() == server.triple_count() == memory.triple_count() > 3000
    return {"memory": memory, "embedded": embedded, "server": server}


QUERIES = {name: spec for name, spec in sorted(load_catalog().items()) if spec.params}


def _outcome(store, name: str, params: dict[str, str]) -> list[str] | str:
    """The rows (sorted, as text), or the message of the ``QueryError`` that refused a value. Any
    other exception (a syntax error, an HTTP 400 from the server) fails the test."""
    try:
        return sorted(map(repr, run_named_query(store, name, params).rows))
    except QueryError as error:
        return f"QueryError: {error}"


@st.composite
def _calls(draw: st.DrawFn) -> tuple[str, dict[str, str], bool]:
    """A catalog query with hostile values for its parameters (optional ones sometimes left out).
    ``marked``: each text value holds MARKER, so it matches nothing whatever else it holds."""
    name = draw(st.sampled_from(sorted(QUERIES)))
    spec = QUERIES[name]
    marked = draw(st.booleans())
    params: dict[str, str] = {}
    for param in spec.params:
        if param in spec.optional and not draw(st.booleans()):
            continue
        if spec.param_types.get(param) == "xsd:date" and draw(st.booleans()):
            params[param] = draw(st.dates().map(str))
            continue
        value = draw(_values())
        if marked:
            at = draw(st.integers(0, len(value)))
            value = value[:at] + MARKER + value[at:]
        params[param] = value
    return name, params, marked


def _unmarked(name: str, params: dict[str, str]) -> dict[str, str]:
    """What a value matching nothing looks like for each parameter: MARKER, or the typed value itself."""
    typed = QUERIES[name].param_types
    return {param: value if typed.get(param) else MARKER for param, value in params.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(call=_calls())
@example(call=("coverage-evidence", {"code": 'x\n\\"', "payer": ") (UNDEF UNDEF) } #"}, False))
@example(call=("coverage-evidence", {"code": 'x\n\\"' + MARKER, "payer": ") (UNDEF UNDEF) } #" + MARKER}, True))
@example(call=("code-neighbourhood", {"code": '1001T" } SERVICE <{service}> { ?s ?p ?o } #'}, False))
@example(call=("codes-without-decision", {"payer": "\\u0022 ) } SERVICE <{service}> { } #" + MARKER}, True))
@example(call=("codes-for-anatomy", {"anatomy": "<{service}>"}, False))
def test_no_value_changes_a_query_on_any_store(stores, recording_server: RecordingServer, call):
    """Before: a value ending ``\\"`` after a newline and a second ``) (UNDEF UNDEF) } #`` made
    coverage-evidence return every code and payer (249 rows instead of 0) on all three stores,
    and ``SERVICE <http://127.0.0.1:PORT/...>`` in a value made the embedded store and the server
    send requests there. Now: no syntax error, the same rows on every store, only the rows the
    value itself matches, and no request leaves."""
    name, params, marked = call
    params = {param: value.replace("{service}", recording_server.query_url) for param, value in params.items()}
    outcomes = {label: _outcome(store, name, params) for label, store in stores.items()}
    assert outcomes["embedded"] == outcomes["memory"], (name, params)
    assert outcomes["server"] == outcomes["memory"], (name, params)
    if marked:  # a value holding MARKER matches nothing: the rows are those of a value that is only MARKER
        baseline = _outcome(stores["embedded"], name, _unmarked(name, params))
        if not isinstance(outcomes["memory"], str):
            assert outcomes["memory"] == baseline, (name, params)
    assert recording_server.requests == [], "a query sent a request out"


def test_the_original_breakout_returns_nothing(stores):
    """The issue's exact values, on every store: no rows (249 before, on the issue's data)."""
    params = {"code": 'x\n\\"', "payer": ") (UNDEF UNDEF) } #"}
    assert run_named_query(stores["memory"], "coverage-evidence", {"code": "J7321"}).rows  # there are rows to leak
    for store in stores.values():
        assert run_named_query(store, "coverage-evidence", params).rows == []


@settings(max_examples=150, deadline=None)
@given(text=_values().filter(lambda text: not any("\ud800" <= char <= "\udfff" for char in text)))
@example(text="\\u0022")
@example(text="\\U00000022")
@example(text="\\u000A")
@example(text="\\\\u0022")
@example(text="\\")
@example(text="a\\")
@example(text="\x00\x01\x7f\r\n\t\b\f")
def test_a_literal_token_reads_back_as_its_text_on_rdflib_and_oxigraph(text):
    """``sparql_term`` writes one grammar token that both engines read back as exactly the value,
    whether they expand ``\\u`` escapes before parsing (rdflib, by a regex blind to a preceding
    backslash) or lex them in strings."""
    token = sparql_term(Literal(text))
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {token} }} }}"
    rows = list(ox.Store().query(query))
    assert [row[0].value for row in rows] == [text]
    assert [str(row[0]) for row in MemoryStore().dataset.query(prepareQuery(query))] == [text]


@pytest.mark.parametrize(("term", "message"), [
    (Literal("a\udcffb"), "not a character"),
    (URIRef("http://example.org/a b"), "which an IRI cannot hold"),
    (URIRef("http://example.org/a\nb"), "which an IRI cannot hold"),
    (URIRef("http://example.org/a>b"), "which an IRI cannot hold"),
    (URIRef("http://example.org/\u202eevil"), "which an IRI cannot hold"),
    (URIRef("not-absolute"), "not an absolute IRI"),
    (URIRef("http://[::1/"), "not an absolute IRI"),
    (Literal("x", datatype=URIRef("http://example.org/a b")), "which an IRI cannot hold"),
    (BNode("b0"), "cannot be bound"),
])
def test_terms_no_query_can_hold_are_refused(term, message):
    with pytest.raises(QueryError, match=message):
        sparql_term(term)


@pytest.mark.parametrize("label", ["memory", "embedded", "server"])
def test_every_store_refuses_the_same_values_naming_the_parameter(stores, label):
    """Before: a lone surrogate (bytes that are not UTF-8 on the command line) was a
    UnicodeEncodeError traceback on the embedded store and the server, and worked on rdflib."""
    store = stores[label]
    with pytest.raises(QueryError, match="parameter code cannot be bound: .*not a character"):
        run_named_query(store, "payers-for-code", {"code": "J73\udcff21"})
    with pytest.raises(QueryError, match="parameter anatomy must be an absolute IRI"):
        run_named_query(store, "codes-for-anatomy", {"anatomy": "<http://purl.obolibrary.org/obo/UBERON_0001353\n>"})
    with pytest.raises(QueryError, match="is not a variable name"):
        store.select("SELECT ?x WHERE { ?x ?p ?o }", {"x) } #": Literal("a")})


def _catalog_with(folder: Path, text: str) -> Path:
    path = folder / "topic" / "probe.rq"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#+ summary: a probe\n#+ params: code\n" + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "refused"), [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?code } }", "does not declare"),
    ("SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?code } }", "does not declare"),
    ("SELECT * WHERE { SERVICE ?where { ?s ?p ?code } }", "may call any address"),
    ("SELECT * FROM <http://127.0.0.1:9/graph.ttl> WHERE { ?s ?p ?code }", "FROM"),
    ("#+ service: <http://127.0.0.1:9/sparql>\nSELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?code } }", None),
    ("# a SERVICE <http://x/> in a comment\nSELECT * WHERE { ?s ?p \"place of service <x>\" . ?s ?p ?code }", None),
    ("SELECT * WHERE { ?s <http://example.org/service> <http://example.org/o> . ?s ?p ?code }", None),
])
def test_the_catalog_refuses_queries_that_reach_out(tmp_path, text, refused):
    """SERVICE in a catalog query makes the engine send requests; FROM <url> makes rdflib fetch
    one. Before: accepted. Now refused unless the header declares the endpoint."""
    path = _catalog_with(tmp_path, text)
    if refused is None:
        assert parse_query_file(path).name == "probe"
    else:
        with pytest.raises(CatalogError, match=refused):
            parse_query_file(path)


def test_the_shipped_catalog_declares_no_service():
    assert all(not spec.services for spec in load_catalog().values())


def test_a_parameter_name_must_be_a_variable_name(tmp_path):
    path = tmp_path / "topic" / "odd.rq"
    path.parent.mkdir()
    path.write_text("#+ summary: odd\n#+ params: code) } #\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not a variable name"):
        parse_query_file(path)


# == the command line: exit codes and messages, never a traceback =============================


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    """A small graph: one code with its notation, in codegraph's graphs (quick to read with --data)."""
    path = tmp_path_factory.mktemp("hostile-graph") / "graph.trig"
    path.write_text(
        f"<{GRAPHS}code/CPT/1001T> {{\n"
        "  <http://purl.bioontology.org/ontology/CPT/1001T> a <https://w3id.org/codegraph/ontology#BillingCode> ;\n"
        "    <http://www.w3.org/2004/02/skos/core#notation> \"1001T\" .\n}\n", encoding="utf-8")
    return path


def test_export_code_binds_the_code_as_a_value(run_cli, graph_file):
    """Before: ``export --code`` was open to the same breakout."""
    code, out, err = run_cli("export", "--code", "1001T", "--data", graph_file, "--format", "nquads")
    assert code == 0 and out.count("\n") == 2  # the code's two triples: there is something to leak
    code, out, err = run_cli("export", "--code", '1001T" } UNION { ?s ?p ?o } #', "--data", graph_file)
    assert code == 2 and "no code '1001T\" } UNION" in err and out == ""


@pytest.mark.parametrize(("args", "expected"), [
    (["query", "run", "payers-for-code", "--param", "code=J73\udcff21"], "--param 'code=J73\\udcff21' holds bytes that are not UTF-8"),
    (["query", "run", "codes-for-anatomy", "--param", "anatomy=<http://purl.obolibrary.org/obo/UBERON_1\n>"],
     "--param anatomy must be an absolute IRI"),
    (["query", "run", "payers-for-code", "--param", "code=1001T", "--param", "code=J7321"], "--param code is given twice"),
    (["coverage", "check", "--code", "J7321", "--payer", "Cig\udcffna"], "--payer: 'Cig\\udcffna' holds bytes that are not UTF-8"),
])
def test_bad_parameters_are_exit_2_naming_the_option(run_cli, graph_file, args, expected):
    """Before: a surrogate was a UnicodeEncodeError traceback; a newline in an IRI parameter made
    it a literal (0 rows, silently); a second --param silently won."""
    code, out, err = run_cli(*args, "--data", graph_file)
    assert code == 2, err
    assert expected in err and "Traceback" not in err and out == ""


def test_serve_on_a_port_in_use_is_exit_2_before_any_banner(tmp_path):
    """Before: the banner printed, then the server failed to bind and the command exited 1."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        (tmp_path / "store").mkdir()
        done = subprocess.run(codegraph_command("serve", "--store", str(tmp_path / "store"), "--port", str(port)),
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr
    assert "SPARQL endpoint" not in done.stderr and "Traceback" not in done.stderr


# == build folders: everything skipped is named, and the exit code says so =====================


def _folder_with_seed(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    return folder


def _symlink_loop(folder: Path) -> str:
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to("..")
    return "sub/loop: a link back to a folder already read (a symlink loop)"


def _dangling(folder: Path) -> str:
    (folder / "gone.txt").symlink_to("nowhere.txt")
    return "gone.txt: no such file or folder (a dangling symlink?)"


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "pipe.txt")
    return "pipe.txt: not a regular file (a device, a pipe or a socket)"


def _device(folder: Path) -> str:
    (folder / "null.txt").symlink_to("/dev/null")  # a character device, as a build sees it (mknod needs root)
    return "null.txt: not a regular file (a device, a pipe or a socket)"


@pytest.mark.parametrize("plant", [_symlink_loop, _dangling, _fifo, _device], ids=["symlink-loop", "dangling", "fifo", "device"])
def test_what_a_build_folder_cannot_hold_is_named_and_exit_2(run_cli, tmp_path, plant: Callable[[Path], str]):
    """Before: skipped in silence, exit 0."""
    folder = _folder_with_seed(tmp_path)
    reason = plant(folder)
    code, out, err = run_cli("build", folder, "-o", tmp_path / "graph.trig", "--no-validate")
    assert code == 2, err
    assert f"skipped {folder}/{reason}" in err and "1 built" in out and "Traceback" not in err


def test_a_folder_named_like_a_page_is_read_as_a_folder(run_cli, tmp_path):
    """Before: a folder named x.txt was skipped in silence. It is a folder: its pages are built."""
    folder = tmp_path / "pages"
    (folder / "x.txt").mkdir(parents=True)
    (folder / "x.txt" / SEED.name).write_bytes(SEED.read_bytes())
    code, out, err = run_cli("build", folder, "-o", tmp_path / "graph.trig", "--no-validate")
    assert code == 0, err
    assert "documents: 1 built" in out


def test_a_file_name_that_is_not_utf8_builds_and_validates(run_cli, tmp_path):
    """Before: a name that is not UTF-8 aborted the whole build, and with validation on the
    message blamed the SHACL engine. Now the page is built and validated, its name shown as \\xNN."""
    folder = tmp_path / "pages"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    (folder / name).write_bytes(SEED.read_bytes())
    code, out, err = run_cli("build", folder, "-o", tmp_path / "graph.trig", "--report", tmp_path / "report.json")
    assert code == 0, err
    assert "documents: 1 built" in out and "gaps:" in out
    assert "caf\\\\xe9.txt" in (tmp_path / "report.json").read_text(encoding="utf-8")


# == imports ===================================================================================

HEADER = "code_system,code,payer,line_of_business,status\n"
ROW = "HCPCS,J7321,Aetna,commercial,covered\n"


def _errors(path: Path) -> list[str]:
    return [str(error) for error in import_payer_policy([path]).errors]


def test_a_header_naming_a_column_twice_is_refused_naming_both(tmp_path):
    """Before: accepted, the last column won."""
    path = tmp_path / "twice.csv"
    path.write_text("code_system,code,payer,payer,status\nHCPCS,J7321,Aetna,Cigna,covered\n", encoding="utf-8")
    assert _errors(path) == [f"{path}:1: column payer: the header names 'payer' twice (columns 3 and 4); keep one, so each row says one thing"]


def test_an_over_long_cell_is_named_as_such(tmp_path):
    """Before: a cell over 131,072 characters got "check the double quotes"."""
    path = tmp_path / "long.csv"
    path.write_text(HEADER + ROW + f"HCPCS,J7322,Aetna,commercial,\"{'x' * 140_000}\"\n", encoding="utf-8")
    errors = _errors(path)
    assert errors == [f"{path}:3: a cell holds more than 131,072 characters, more than a table cell should; "
                      "shorten it (or check for a double quote that is never closed)"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_utf16_or_utf32_table_with_a_bom_is_read(tmp_path, encoding):
    """Before: a UTF-16 CSV got "no column code_system"."""
    plain, wide = tmp_path / "plain.csv", tmp_path / "wide.csv"
    plain.write_text(HEADER + ROW, encoding="utf-8")
    wide.write_text(HEADER + ROW, encoding=encoding)  # Python writes the byte-order mark
    read = import_payer_policy([wide])
    assert read.errors == [] and read.assertions == import_payer_policy([plain]).assertions == 1


def test_utf16_without_a_bom_names_the_cause(tmp_path):
    path = tmp_path / "bare.csv"
    path.write_bytes((HEADER + ROW).encode("utf-16-le"))
    assert _errors(path) == [f"{path}: the file holds NUL bytes: UTF-16 without a byte-order mark? Save it as UTF-8 "
                             "(or as UTF-16 with a byte-order mark)"]


# == disk full =================================================================================


class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, fd: int):
        os.close(fd)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, _data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_names_the_file_and_keeps_the_old_one(run_cli, graph_file, tmp_path, monkeypatch):
    """Before: "No space left on device", naming no file."""
    target = tmp_path / "out" / "export.ttl"
    target.parent.mkdir()
    target.write_bytes(b"previous\n")
    monkeypatch.setattr(files_module.os, "fdopen", lambda fd, _mode: _FullDisk(fd))
    with pytest.raises(OutputError, match=f"{target}: cannot write it: No space left on device"):
        files_module.write_atomically(target, b"new")
    code, _out, err = run_cli("export", "--data", graph_file, "-o", target)
    assert code == 2 and f"{target}: cannot write it: No space left on device; the previous file, if any, is unchanged" in err
    assert target.read_bytes() == b"previous\n" and sorted(p.name for p in target.parent.iterdir()) == ["export.ttl"]


# == push ======================================================================================


def test_push_of_triples_in_no_named_graph_is_refused_and_the_server_untouched(run_cli, own_oxigraph_server, graph_file, tmp_path):
    """Before: a Turtle file's triples went to ``urn:x-rdflib:default`` on the server, which
    ``export --endpoint`` then omitted. Refused: a name given at push time would make a graph
    no local source has, which the next push of the store drops again."""
    code, _out, err = run_cli("push", "--data", graph_file, "--endpoint", own_oxigraph_server.query_url)
    assert code == 0, err
    before = own_oxigraph_server.remote().triple_count()
    turtle = tmp_path / "plain.ttl"
    turtle.write_text("<https://example.org/s> <https://example.org/p> \"o\" .\n", encoding="utf-8")
    code, _out, err = run_cli("push", "--data", turtle, "--endpoint", own_oxigraph_server.query_url)
    assert code == 2 and "1 triple(s) of the source are in no named graph" in err
    remote = own_oxigraph_server.remote()
    assert remote.triple_count() == before
    assert remote.client.select_raw("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:x-rdflib:default> { ?s ?p ?o } }").rows[0][0] == Literal(0)


def test_push_of_a_source_without_graphs_never_empties_the_server(own_oxigraph_server):
    with pytest.raises(GraphInputError, match="pushing it whole would drop every codegraph graph"):
        push(MemoryStore(), own_oxigraph_server.remote())


# == fake servers ==============================================================================


class FakeServer:
    """A socket on 127.0.0.1 that reads each request and hands the connection to ``behaviour``.
    Records each request's first line and headers."""

    def __init__(self, behaviour: Callable[[socket.socket, FakeServer], None]):
        self.behaviour = behaviour
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stopped.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            length = int(headers.get("Content-Length", "0"))
            while len(body) < length:
                body += connection.recv(65536)
            self.requests.append((lines[0], headers))
            with contextlib.suppress(OSError):
                self.behaviour(connection, self)

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()
        self.thread.join(timeout=5)


@contextlib.contextmanager
def fake_server(behaviour: Callable[[socket.socket, FakeServer], None]) -> Iterator[FakeServer]:
    server = FakeServer(behaviour)
    try:
        yield server
    finally:
        server.close()


def _answer(body: bytes, status: str = "200 OK", headers: str = "Content-Type: application/sparql-results+json\r\n") -> Callable:
    def behaviour(connection: socket.socket, _server: FakeServer) -> None:
        connection.sendall(f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    return behaviour


def _trickle(at_once: bytes) -> Callable:
    """Send ``at_once``, then one byte every 0.2 s (of an endless header line, or of the body
    ``at_once`` announces), for as long as the client reads."""
    def behaviour(connection: socket.socket, server: FakeServer) -> None:
        connection.sendall(at_once)
        for byte in b"X-Slow: " + b"." * 10_000 if not at_once else b" " * 10_000:
            if server.stopped.is_set():
                return
            connection.sendall(bytes([byte]))
            time.sleep(0.2)
    return behaviour


def _flood(size: int, announce: bool) -> Callable:
    def behaviour(connection: socket.socket, _server: FakeServer) -> None:
        length = f"Content-Length: {size}\r\n" if announce else ""
        connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n{length}Connection: close\r\n\r\n".encode())
        piece = b" " * 65536
        for _ in range(size // len(piece)):
            connection.sendall(piece)
    return behaviour


ONE_ROW = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}'


# == deadlines and sizes =======================================================================


@pytest.mark.parametrize("at_once", [b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n"],
                         ids=["trickled-headers", "trickled-body"])
def test_a_trickling_server_is_cut_at_one_total_deadline(run_cli, at_once):
    """Before: a server trickling one byte a second held the client 244 s despite
    ``--endpoint-timeout 3`` (the timeout bounded each read, and was retried four times)."""
    with fake_server(_trickle(at_once)) as server:
        started = time.monotonic()
        code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--endpoint", f"{server.url}/query",
                                  "--union-default-graph", "--endpoint-timeout", "1.5", "--endpoint-retries", "3")
        elapsed = time.monotonic() - started
    assert code == 3 and "no complete answer within 1.5 s (connecting, reading and retries together)" in err
    assert "--endpoint-timeout" in err and "Traceback" not in err
    assert elapsed < 3.0
    assert len(server.requests) == 1  # a request that ran out of time is not repeated


def test_retries_stay_within_the_deadline():
    with fake_server(_answer(b"busy", "503 Service Unavailable", "Content-Type: text/plain\r\n")) as server:
        store = RemoteStore(Endpoint.from_urls(f"{server.url}/query", timeout=1.0, retries=10, backoff=0.4), union_default_graph=True)
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"HTTP 503 .*\(after 2 tries: no time left for another within 1 s"):
            store.select("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 1.0
        assert len(server.requests) == 2  # at 0 s and 0.4 s; the next would wait 0.8 s of the 0.6 s left


def _steady(pieces: int, piece: bytes, pause: float) -> Callable:
    """A streamed N-Quads answer: ``pieces`` times ``piece``, one every ``pause`` seconds."""
    def behaviour(connection: socket.socket, server: FakeServer) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/n-quads\r\nConnection: close\r\n\r\n")
        for _ in range(pieces):
            if server.stopped.is_set():
                return
            connection.sendall(piece)
            time.sleep(pause)
    return behaviour


def test_the_whole_dataset_may_take_longer_than_the_timeout_while_it_keeps_arriving():
    """A push reads the server's whole dataset in one answer (gigabytes at 10,000 pages): the
    timeout bounds the wait for each 8 MB of it, so a steady answer is read whole, while a server
    trickling bytes is still cut at the timeout."""
    from codegraph.store.endpoint import STREAM_RENEW_BYTES, EndpointClient

    line = b"<urn:s> <urn:p> <urn:o> <urn:g> .\n"
    piece = line * (STREAM_RENEW_BYTES // len(line) + 1)
    with fake_server(_steady(6, piece, 0.4)) as server:
        client = EndpointClient(Endpoint.from_urls(f"{server.url}/query", timeout=1.0, retries=0))
        assert client.endpoint.takes_quads
        received: list[int] = []
        started = time.monotonic()
        client.read_dataset(lambda chunk: received.append(len(chunk)))
        assert sum(received) == 6 * len(piece) and time.monotonic() - started > 2.0  # longer than the timeout, read whole
    with fake_server(_trickle(b"HTTP/1.1 200 OK\r\nContent-Type: application/n-quads\r\nConnection: close\r\n\r\n")) as server:
        client = EndpointClient(Endpoint.from_urls(f"{server.url}/query", timeout=1.0, retries=0))
        started = time.monotonic()
        with pytest.raises(EndpointError, match="1 s"):
            client.read_dataset(lambda chunk: None)
        assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("announce", [True, False], ids=["announced", "streamed"])
def test_an_answer_over_the_bound_is_an_error_saying_so(run_cli, announce):
    """Before: a 1.4 GB answer ended in a MemoryError."""
    with fake_server(_flood(3 * 2**20, announce)) as server:
        code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--endpoint", f"{server.url}/query",
                                  "--union-default-graph", "--endpoint-max-answer", "1")
    assert code == 3 and "the answer is larger than 1 MB" in err and "--endpoint-max-answer (MB)" in err
    assert ("announces 3.0 MB" in err) == announce and "Traceback" not in err


# == credentials and URLs ======================================================================


def _redirect(status: int, location: Callable[[FakeServer], str]) -> Callable:
    def behaviour(connection: socket.socket, server: FakeServer) -> None:
        if len(server.requests) == 1:
            connection.sendall(f"HTTP/1.1 {status} Moved\r\nLocation: {location(server)}\r\nContent-Length: 0\r\n\r\n".encode())
        else:
            _answer(ONE_ROW)(connection, server)
    return behaviour


def test_a_redirect_to_another_origin_carries_no_credentials(recording_server: RecordingServer, monkeypatch):
    """Before: urllib's redirect handler copied the bearer token (and basic auth) to whatever
    origin a server redirected to."""
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_TOKEN", "s3cret-token")
    with fake_server(_redirect(307, lambda _s: recording_server.query_url)) as server:
        # The client alone: a store's select first lists the server's graphs (one more request).
        rows = RemoteStore.at(f"{server.url}/query", union_default_graph=True).client.select_raw("SELECT (1 AS ?n) WHERE {}").rows
    assert rows == [(Literal(1),)]
    assert server.requests[0][1]["Authorization"] == "Bearer s3cret-token"
    assert [request.headers.get("Authorization") for request in recording_server.requests] == [None]
    assert recording_server.requests[0].method == "POST" and b"query=" in recording_server.requests[0].body


def test_a_graph_store_get_redirected_elsewhere_carries_no_credentials(monkeypatch):
    """Before: a 302 (or 303, 307) on a Graph Store GET sent the token on to the other origin."""
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_TOKEN", "s3cret-token")
    triples = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"
    with fake_server(_answer(triples, headers="Content-Type: application/n-triples\r\n")) as elsewhere:
        with fake_server(_redirect(302, lambda _s: f"{elsewhere.url}/store?graph=x")) as server:
            graph = RemoteStore.at(f"{server.url}/query").client.gsp_get(URIRef(f"{GRAPHS}x"))
    assert len(graph) == 1
    assert server.requests[0][1]["Authorization"] == "Bearer s3cret-token"
    assert [line for line, _headers in elsewhere.requests] == ["GET /store?graph=x HTTP/1.1"]
    assert "Authorization" not in elsewhere.requests[0][1]


def test_a_redirect_within_the_origin_keeps_the_credentials(monkeypatch):
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_USER", "loader")
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_PASSWORD", "pw")
    with fake_server(_redirect(308, lambda s: f"{s.url}/sparql")) as server:
        RemoteStore.at(f"{server.url}/query", union_default_graph=True).client.select_raw("SELECT (1 AS ?n) WHERE {}")
    assert [line for line, _headers in server.requests] == ["POST /query HTTP/1.1", "POST /sparql HTTP/1.1"]
    assert len({headers["Authorization"] for _line, headers in server.requests}) == 1


def test_a_redirect_that_would_drop_the_query_is_an_error_naming_where():
    with fake_server(_redirect(302, lambda s: f"{s.url}/elsewhere")) as server:
        with pytest.raises(EndpointError, match=rf"redirects this POST to {server.url}/elsewhere with HTTP 302"):
            RemoteStore.at(f"{server.url}/query", union_default_graph=True).select("SELECT (1 AS ?n) WHERE {}")


def test_a_password_in_the_url_is_refused_and_never_echoed(run_cli):
    """Before: ``http://user:pass@host/...`` was echoed in the error message."""
    code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T",
                              "--endpoint", "http://loader:hunter2@127.0.0.1:9/query")
    assert code == 3 and "hunter2" not in err and "loader" not in err
    assert "http://***@127.0.0.1:9/query" in err and "never in the URL" in err


def test_secrets_in_the_query_string_are_redacted_in_messages():
    with fake_server(_answer(b"no such dataset", "404 Not Found", "Content-Type: text/plain\r\n")) as server:
        with pytest.raises(EndpointError) as failure:
            RemoteStore.at(f"{server.url}/query?access_token=s3cret&dataset=ds", union_default_graph=True).select("SELECT * WHERE {}")
    assert "s3cret" not in str(failure.value) and "/query?access_token=***&dataset=ds: HTTP 404" in str(failure.value)
    assert redact_url("https://u:p@h/q?api_key=1&x=2#f") == "https://***@h/q?api_key=***&x=2#f"


@pytest.mark.parametrize("token", ["abc\r\nX-Injected: 1", "abc def", "abc\n"])
def test_a_token_holding_a_line_break_is_exit_3_naming_the_variable(run_cli, monkeypatch, token):
    """Before: a ValueError traceback from http.client ("Invalid header value")."""
    monkeypatch.setenv("CODEGRAPH_ENDPOINT_TOKEN", token)
    code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--endpoint", "http://127.0.0.1:9/query")
    assert code == 3 and "CODEGRAPH_ENDPOINT_TOKEN holds a space, a line break" in err and "Traceback" not in err
    assert "X-Injected" not in err


# == answers that are not what the protocol promises ===========================================

ODD_ANSWERS = {
    "not-utf8": (b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "\xff"}}]}}', "not UTF-8"),
    "not-json": (b"<html>It works!</html>", "not SPARQL JSON results"),
    "a-list": (b"[1, 2]", "no 'head'/'results' objects"),
    "vars-a-string": (b'{"head": {"vars": "n"}, "results": {"bindings": []}}', "head.vars is str, not a list of names"),
    "bindings-strings": (b'{"head": {"vars": ["n"]}, "results": {"bindings": ["n"]}}', "results.bindings is not a list of objects"),
    "binding-a-string": (b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": "1"}]}}', "binds a variable to '1', not a term"),
    "iri-with-space": (b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "uri", "value": "http://a b/"}}]}}',
                       "the IRI 'http://a b/', which is not one"),
    "lone-surrogate": (b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "\\udcff"}}]}}',
                       "lone surrogate"),
    "deep": (b"[" * 100_000, "not SPARQL JSON results"),
    "odd-type": (b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "triple", "value": "x"}}]}}', "type 'triple'"),
}


@pytest.mark.parametrize("case", sorted(ODD_ANSWERS))
def test_an_odd_answer_is_exit_3_naming_the_endpoint(run_cli, case):
    """Before: tracebacks (UnicodeDecodeError, AttributeError, TypeError) or rows made of the
    letters of a string."""
    body, expected = ODD_ANSWERS[case]
    with fake_server(_answer(body)) as server:
        code, out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--endpoint", f"{server.url}/query",
                                 "--union-default-graph")
    assert code == 3, err
    assert f"codegraph: endpoint error: {server.url}/query: " in err and expected in err
    assert "Traceback" not in err and out == ""


def test_a_graph_name_rdflib_refuses_is_exit_3(run_cli):
    """Before: a graph IRI with a space from the server was a traceback when export wrote it."""
    body = b'{"head": {"vars": ["g"]}, "results": {"bindings": [{"g": {"type": "uri", "value": "https://w3id.org/codegraph/id/graph/a b"}}]}}'
    with fake_server(_answer(body)) as server:
        code, _out, err = run_cli("export", "--endpoint", f"{server.url}/query", "--format", "nquads")
    assert code == 3 and "which is not one" in err and "Traceback" not in err


def test_a_server_error_page_is_shown_without_its_control_characters():
    with fake_server(_answer(b"\x1b]0;owned\x07bad query\x1b[2J", "400 Bad Request", "Content-Type: text/plain\r\n")) as server:
        with pytest.raises(EndpointError) as failure:
            RemoteStore.at(f"{server.url}/query", union_default_graph=True).select("SELECT * WHERE {}")
    assert "\x1b" not in str(failure.value) and "\\x1b]0;owned\\x07bad query\\x1b[2J" in str(failure.value)


def test_parameter_terms_is_what_every_store_binds():
    spec = QUERIES["coverage-evidence"]
    assert parameter_terms(spec, {"code": "J7321", "payer": "<https://example.org/p>"}) == {
        "code": Literal("J7321"), "payer": URIRef("https://example.org/p")}
