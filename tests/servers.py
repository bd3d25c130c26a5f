"""Real servers for the endpoint tests, each on a free port on 127.0.0.1, started and stopped here.

- ``OxigraphServer``: the Oxigraph SPARQL server from the PyPI package ``oxigraph`` (a project
  dependency, so it is there wherever the tests run).
- ``VirtuosoServer``: Virtuoso Open Source 7 (``apt-get install virtuoso-opensource-7-bin``), when
  ``virtuoso-t`` is installed; the fixture skips with the reason otherwise.
- ``RecordingServer``: a tiny ``http.server`` that records each request's headers and answers
  with statuses the test scripts (auth headers, retries on 502/503/504).

Fixtures are defined here and imported by the test modules that use them.
"""

from __future__ import annotations

import http.server
import json
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codegraph.store.remote import RemoteStore

HOST = "127.0.0.1"
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary of the running environment."""
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        if (folder / "oxigraph").is_file():
            return str(folder / "oxigraph")
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail("the Oxigraph server is missing: 'pip install -e .[test]' installs the oxigraph package")
    return found


def _wait_until_answers(url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering {url}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # it answers, if only to say the request was incomplete
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s:\n{log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class OxigraphServer:
    """``oxigraph serve`` on a data folder. ``kill()`` simulates a crash; ``start()`` again
    reopens the same folder (on a new port)."""

    def __init__(self, location: Path, *, union_default_graph: bool = False):
        self.location = location
        self.union_default_graph = union_default_graph
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.log = location.parent / f"{location.name}.server.log"

    def start(self) -> OxigraphServer:
        self.port = free_port()
        command = [oxigraph_binary(), "serve", "--location", str(self.location), "--bind", f"{HOST}:{self.port}"]
        if self.union_default_graph:
            command.append("--union-default-graph")
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _wait_until_answers(self.base_url + "/", self.process, self.log)
        return self

    def stop(self) -> None:
        _stop(self.process)

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything, as when a server dies."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/query"

    def remote(self, **options) -> RemoteStore:
        options.setdefault("backoff", 0.05)
        return RemoteStore.at(self.query_url, **options)


class VirtuosoServer:
    """Virtuoso Open Source 7 with a fresh database in ``folder``; the anonymous SPARQL user may
    update (what a team would grant its loader account), so push and queries run as elsewhere."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.http_port = free_port()
        self.sql_port = free_port()
        self.log = folder / "server.log"

    def start(self) -> VirtuosoServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        d = self.folder
        ini.write_text(
            f"[Database]\nDatabaseFile = {d}/virtuoso.db\nErrorLogFile = {d}/virtuoso.log\nLockFile = {d}/virtuoso.lck\n"
            f"TransactionFile = {d}/virtuoso.trx\nxa_persistent_file = {d}/virtuoso.pxa\nErrorLogLevel = 7\nFileExtend = 200\n"
            f"MaxCheckpointRemap = 2000\nStriping = 0\nTempStorage = TempDatabase\n\n"
            f"[TempDatabase]\nDatabaseFile = {d}/virtuoso-temp.db\nTransactionFile = {d}/virtuoso-temp.trx\n"
            f"MaxCheckpointRemap = 2000\nStriping = 0\n\n"
            f"[Parameters]\nServerPort = {HOST}:{self.sql_port}\nNumberOfBuffers = 20000\nMaxDirtyBuffers = 15000\n"
            f"DirsAllowed = ., {d}\nCheckpointInterval = 60\n\n"
            f"[HTTPServer]\nServerPort = {HOST}:{self.http_port}\nServerRoot = {d}\nMaxClientConnections = 4\nServerThreads = 4\n\n"
            f"[SPARQL]\nResultSetMaxRows = 1000000\nMaxQueryExecutionTime = 120\n",
            encoding="utf-8",
        )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=d,
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _wait_until_answers(f"{self.base_url}/sparql?query=ASK%7B%7D", self.process, self.log, timeout=120)
        grants = "grant SPARQL_UPDATE to \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
        subprocess.run([shutil.which("isql-vt") or "isql", f"{HOST}:{self.sql_port}", "dba", "dba", f"exec={grants}"],
                       check=True, capture_output=True, timeout=60)
        return self

    def stop(self) -> None:
        _stop(self.process)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/sparql"

    @property
    def gsp_url(self) -> str:
        return self.base_url + "/sparql-graph-crud"

    def remote(self, **options) -> RemoteStore:
        options.setdefault("backoff", 0.05)
        return RemoteStore.at(self.query_url, gsp_url=self.gsp_url, **options)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingServer:
    """Answers each request with the next status of ``statuses`` (then 200 for ever); a 200 to
    a query is a one-row SPARQL JSON result. Every request is recorded."""

    statuses: list[int] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    port: int = 0

    @property
    def query_url(self) -> str:
        return f"http://{HOST}:{self.port}/query"


_ONE_ROW = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
    {"n": {"type": "literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}]}}).encode()


def _handler(recording: RecordingServer):
    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            recording.requests.append(RecordedRequest(self.command, self.path, dict(self.headers.items()), body))
            status = recording.statuses.pop(0) if recording.statuses else 200
            payload = _ONE_ROW if status == 200 and self.path.startswith("/query") else f"status {status}".encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format, *args) -> None:  # keep the test output clean
            pass

    return Handler


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server") / "data").start()
    yield server
    server.stop()


@pytest.fixture()
def own_oxigraph_server(tmp_path) -> Iterator[OxigraphServer]:
    """A server of the test's own, which it may kill and restart."""
    server = OxigraphServer(tmp_path / "data").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    if shutil.which("virtuoso-t") is None:
        pytest.skip("Virtuoso is not installed (virtuoso-t not on PATH); apt-get install virtuoso-opensource-7-bin runs these tests")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


@pytest.fixture()
def recording_server() -> Iterator[RecordingServer]:
    recording = RecordingServer()
    server = http.server.ThreadingHTTPServer((HOST, 0), _handler(recording))
    recording.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recording
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def codegraph_command(*args: str) -> list[str]:
    """The ``codegraph`` CLI as a separate process (for commands that replace their process)."""
    return [sys.executable, "-c", "from codegraph.cli import main; main()", *args]


def wait_until_answers(url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> None:
    _wait_until_answers(url, process, log, timeout)


def start_serve(store: Path, port: int, log: Path, *options: str) -> subprocess.Popen:
    """``codegraph serve --store STORE --port PORT [options]``, its output in ``log``, answering
    (stop it with ``terminate``)."""
    with log.open("wb") as output:
        server = subprocess.Popen(codegraph_command("serve", "--store", str(store), "--port", str(port), *options),
                                  stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/", server, log)
    except BaseException:
        server.terminate()
        server.wait(timeout=30)
        raise
    return server


__all__ = [
    "OxigraphServer", "RecordingServer", "VirtuosoServer", "codegraph_command", "free_port", "oxigraph_server",
    "own_oxigraph_server", "recording_server", "start_serve", "virtuoso_server", "wait_until_answers",
]
