"""Many readers and one writer on one embedded store, from separate processes.

Readers (query, export, validate, serve) open the store read-only and run side by side; a writer
(build, import) waits until they have closed, and new readers queue behind it, so every reader
sees the graph as it was before a write or after it (``store/locking.py`` says why pyoxigraph
needs this). These tests start real processes and compare what each of them saw.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from codegraph import (
    StoreBusyError,
    StoreNotFoundError,
    StoreReadOnlyError,
    build,
    load_into_store,
    open_store,
    validate_graph,
)
from codegraph.rdf.namespaces import ID
from codegraph.store.locking import WRITE_LOCK
from codegraph.validate import partition
from servers import codegraph_command, free_port, start_serve

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
CORPUS = ROOT / "tests" / "corpus" / "documents"
NEW_PAGES = {  # file -> the code it adds to a store that holds the seed page (1001T)
    "cpt-64493-complete-page.txt": "64493",
    "cpt-99213-prose-service-type-pos11.txt": "99213",
    "cpt-20610-complete-coverage-prose.txt": "20610",
    "hcpcs-j0585-onabotulinumtoxina-overview.txt": "J0585",
}
POLICIES = ROOT / "tests" / "fixtures" / "payer-policy" / "payer-policies.csv"
MARKER_GRAPH = ID["graph/test/held-by-a-writer"]

# A process that opens the store (argv[1]) for reading or writing (argv[2]), says so, and holds it
# until told on stdin; a writer then replaces one graph (argv[3]) before it closes.
HOLDER = """
import sys
from rdflib import Literal, URIRef
import codegraph
store = codegraph.open_store(sys.argv[1], read_only=sys.argv[2] == "read")
print("holding", flush=True)
sys.stdin.readline()
if sys.argv[2] == "write":
    store.replace_graph(URIRef(sys.argv[3]), [(URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("held"))])
store.close()
print("released", flush=True)
"""


@pytest.fixture(scope="module")
def seed_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed-store") / "store"
    with open_store(folder, create=True) as store:
        load_into_store(build([SEED]), store)
    return folder


@pytest.fixture()
def seed_store(seed_template, tmp_path) -> Path:
    """A store holding the seed page, closed: each test gets its own copy."""
    target = tmp_path / "store"
    shutil.copytree(seed_template, target)
    return target


@pytest.fixture()
def pages(tmp_path) -> Path:
    """The seed page and four pages of other codes, in one folder to build."""
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    for name in NEW_PAGES:
        shutil.copy(CORPUS / name, folder / name)
    return folder


class Holder:
    """A separate process holding the store open (see ``HOLDER``) until ``release()``."""

    def __init__(self, store: Path, mode: str):
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER, str(store), mode, str(MARKER_GRAPH)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line == "holding\n", self.process.stderr.read() if self.process.stderr else line

    def release(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline() == "released\n"
        assert self.process.wait(timeout=30) == 0


def run(*args: object, timeout: float = 300) -> tuple[int, str, str, float]:
    """A codegraph command in its own process: (exit code, stdout, stderr, seconds it took)."""
    started = time.monotonic()
    done = subprocess.run(codegraph_command(*map(str, args)), capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


# -- eight readers and a writer ------------------------------------------------------------------


@dataclass
class Slot:
    """One reader: runs its command again and again, one process after the other."""

    args: tuple[str, ...]
    folder: Path
    runs: list[tuple[float, int, str, str]] = field(default_factory=list)  # (start, exit code, stdout, stderr)
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0

    def start(self) -> None:
        index = len(self.runs)
        self.out = (self.folder / f"{index}.out").open("wb")
        self.err = (self.folder / f"{index}.err").open("wb")
        self.started = time.monotonic()
        self.process = subprocess.Popen(codegraph_command(*self.args), stdout=self.out, stderr=self.err, cwd=ROOT)

    def finished(self) -> bool:
        """Has the running process ended? Records its run when it has."""
        if self.process is None or self.process.poll() is None:
            return False
        self.out.close()
        self.err.close()
        index = len(self.runs)
        self.runs.append((self.started, self.process.returncode, (self.folder / f"{index}.out").read_text(encoding="utf-8"),
                          (self.folder / f"{index}.err").read_text(encoding="utf-8")))
        self.process = None
        return True


def test_eight_readers_and_a_writer_see_the_graph_before_or_after_never_part(seed_store, pages, tmp_path):
    kinds = {"query": ("query", "run", "missing-facets", "--format", "csv", "--store", str(seed_store)),
             "export": ("export", "--format", "nquads", "--store", str(seed_store))}
    before = {kind: run(*args) for kind, args in kinds.items()}
    assert all(code == 0 for code, _out, _err, _s in before.values())
    old = {kind: out for kind, (_code, out, _err, _s) in before.items()}

    slots = []
    for index, kind in enumerate(["query"] * 4 + ["export"] * 4):
        folder = tmp_path / f"reader-{index}"
        folder.mkdir()
        slots.append((kind, Slot(kinds[kind], folder)))
    # A ninth reader, here, keeps the writer out until every reader has answered once (then those
    # answers are surely the old graph), or until the writer asks for the store (readers not in by
    # then queue behind it, and would wait for the ninth too).
    ninth = open_store(seed_store, read_only=True)
    writer = subprocess.Popen(codegraph_command("build", str(pages), "--store", str(seed_store), "--no-validate",
                                                "--wait", "600"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    for _kind, slot in slots:
        slot.start()
    deadline = time.monotonic() + 600
    while not all(slot.runs for _kind, slot in slots) and not writer_has_asked(seed_store):
        for _kind, slot in slots:
            slot.finished()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first_round_done = all(slot.runs for _kind, slot in slots)
    assert writer.poll() is None  # it cannot write while a reader is in
    ninth.close()

    # Each reader starts again as soon as it ends, until it has run once after the writer ended.
    writer_done = None
    while True:
        if writer_done is None and writer.poll() is not None:
            writer_done = time.monotonic()
        for _kind, slot in slots:
            if slot.process is None or slot.finished():
                if writer_done is None or not any(start > writer_done for start, *_ in slot.runs):
                    slot.start()
        if writer_done is not None and all(slot.process is None for _kind, slot in slots):
            break
        assert time.monotonic() < deadline, "readers or writer did not finish in time"
        time.sleep(0.05)

    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert "sources: 4 new, 0 replaced, 1 unchanged" in out
    new = {kind: next(stdout for start, _c, stdout, _e in slot.runs if start > writer_done)
           for kind, slot in slots}
    for code in NEW_PAGES.values():  # the writer's result: the four codes are in the store now, not before
        assert f"/{code}> " in new["export"] and f"/{code}> " not in old["export"]
    assert new["export"].count("\n") > old["export"].count("\n") > 1000
    assert new["query"] != old["query"]

    for kind, slot in slots:
        answers = []
        for _start, code, stdout, stderr in slot.runs:
            assert code == 0, stderr
            assert stdout in (old[kind], new[kind]), f"a {kind} reader saw neither the old graph nor the new one"
            answers.append("old" if stdout == old[kind] else "new")
        assert answers[-1] == "new"
        if first_round_done:
            assert answers[0] == "old"
        assert answers == sorted(answers, key=["old", "new"].index), f"a reader went back to the old graph: {answers}"
    assert sum(len(slot.runs) for _kind, slot in slots) >= 16


def writer_has_asked(store: Path) -> bool:
    """Does a writer hold (or wait for) the store? It holds the writer queue's lock exclusively."""
    fd = os.open(store / WRITE_LOCK, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


# -- two writers --------------------------------------------------------------------------------


def test_a_second_writer_waits_then_says_another_process_is_writing(seed_store):
    first = Holder(seed_store, "write")
    try:
        code, out, err, seconds = run("import", "payer-policy", POLICIES, "--store", seed_store, "--wait", "4")
        assert code == 2
        assert seconds >= 4  # it waited the time it was given
        assert err.strip().splitlines()[-1] == (
            f"codegraph: error: {seed_store}: another codegraph process is writing the store; waited 4 s for it to "
            "finish; try again when it has, or wait longer (--wait SECONDS)")
        assert "RocksDB" not in err and "LOCK" not in err and "IO error" not in err

        started = time.monotonic()  # the API says the same, after the same wait
        with pytest.raises(StoreBusyError, match="another codegraph process is writing the store; waited 0.5 s"):
            open_store(seed_store, timeout=0.5)
        assert 0.5 <= time.monotonic() - started < 5
        with pytest.raises(StoreBusyError, match="another codegraph process is writing the store"):
            open_store(seed_store, read_only=True, timeout=0.2)

        second = subprocess.Popen(codegraph_command("import", "payer-policy", str(POLICIES), "--store", str(seed_store),
                                                    "--wait", "120"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        time.sleep(6)
        assert second.poll() is None  # waiting for the first writer
    finally:
        first.release()
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    with open_store(seed_store, read_only=True) as store:  # both writes are in
        assert MARKER_GRAPH in store.graph_names()
        assert any("import" in str(name) for name in store.graph_names())
        assert len(store.triples(MARKER_GRAPH)) == 1


def test_a_writer_waits_for_readers_and_a_reader_for_a_writer(seed_store):
    reader = Holder(seed_store, "read")
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusyError, match="other codegraph processes are reading the store; waited 0.5 s"):
            open_store(seed_store, timeout=0.5)
        assert time.monotonic() - started >= 0.5
        with open_store(seed_store, read_only=True, timeout=0) as beside:  # readers never wait for readers
            assert beside.graph_names()
    finally:
        reader.release()
    with open_store(seed_store, timeout=0) as writer:
        writer.replace_graph(MARKER_GRAPH, [(URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("x"))])
    code, out, err, _seconds = run("query", "run", "payers-for-code", "--param", "code=1001T", "--store", seed_store, "--wait", "0")
    assert code == 0, err
    assert "Aetna" in out


def test_a_killed_writer_leaves_no_lock(seed_store):
    holder = Holder(seed_store, "write")
    holder.process.send_signal(signal.SIGKILL)
    holder.process.wait(timeout=30)
    started = time.monotonic()
    with open_store(seed_store, read_only=True, timeout=10) as store:
        assert store.graph_names()
    assert time.monotonic() - started < 5
    with open_store(seed_store, timeout=0):
        pass


def test_a_writer_outside_codegraph_is_named_not_a_rocksdb_error(seed_store):
    """A process that opens the store for writing without codegraph's locks (pyoxigraph itself,
    an Oxigraph server started by hand) still holds RocksDB's own lock; a writer names it."""
    foreign = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); "
                                "print('holding', flush=True); sys.stdin.readline()", str(seed_store)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert foreign.stdout is not None and foreign.stdout.readline() == "holding\n"
        with pytest.raises(StoreBusyError, match="another process has the store open for writing without codegraph's locks"):
            open_store(seed_store, timeout=0)
    finally:
        foreign.communicate("\n", timeout=30)
    with open_store(seed_store, timeout=0):  # the failed open let its own locks go
        pass


# -- serve ----------------------------------------------------------------------------------------


def test_readers_run_beside_serve_and_a_writer_is_told_to_stop_it(seed_store, tmp_path):
    port = free_port()
    server = start_serve(seed_store, port, tmp_path / "serve.log")
    try:
        readers = [subprocess.Popen(codegraph_command("query", "run", "payers-for-code", "--param", "code=1001T", "--format",
                                                      "csv", "--store", str(seed_store), "--wait", "0"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
                   for _ in range(8)]
        answers = [reader.communicate(timeout=300) for reader in readers]
        assert [reader.returncode for reader in readers] == [0] * 8, answers[0][1]
        assert len({out for out, _err in answers}) == 1 and answers[0][0].count("\n") == 6  # a header and five payers

        code, _out, err, seconds = run("import", "payer-policy", POLICIES, "--store", seed_store, "--wait", "120")
        assert code == 2
        assert seconds < 60  # refused at once, not after --wait
        assert "'codegraph serve' is serving the store and reads it until it stops; stop the server" in err
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=30)
    code, _out, err, _seconds = run("import", "payer-policy", POLICIES, "--store", seed_store, "--wait", "10")
    assert code == 0, err


# -- one process ----------------------------------------------------------------------------------


def test_a_read_only_handle_refuses_writes_and_the_process_own_writer(seed_store):
    with open_store(seed_store, read_only=True) as first, open_store(seed_store, read_only=True) as second:
        before = first.triple_count()
        assert first.read_only and second.triple_count() == before
        with pytest.raises(StoreReadOnlyError, match="opened read-only"):
            first.replace_graph(MARKER_GRAPH, [(URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("x"))])
        with pytest.raises(StoreReadOnlyError):
            first.update("DROP ALL")
        started = time.monotonic()
        with pytest.raises(StoreBusyError, match="this process already has the store open for reading"):
            open_store(seed_store, timeout=60)
        assert time.monotonic() - started < 5  # told at once, not after the timeout
        assert first.triple_count() == before
    with open_store(seed_store, timeout=0):  # closed readers let the writer in
        with pytest.raises(StoreBusyError, match="this process already has the store open for writing"):
            open_store(seed_store, read_only=True, timeout=60)


def test_read_only_never_creates_a_store(tmp_path):
    folder = tmp_path / "not-a-store"
    folder.mkdir()
    with pytest.raises(StoreNotFoundError):
        open_store(folder, read_only=True)
    with pytest.raises(ValueError, match="never created"):
        open_store(tmp_path / "new", create=True, read_only=True)
    assert os.listdir(folder) == []  # no lock files left in a folder that is not a store
    assert not (tmp_path / "new").exists()


def test_validation_in_parts_from_a_read_only_store_finds_what_a_whole_run_finds(pages, tmp_path, monkeypatch):
    """A read-only handle hands the workers the store itself (a backup from it would lose what
    RocksDB replayed from its log); its read lock keeps the store unchanged meanwhile."""
    folder = tmp_path / "store"
    with open_store(folder, create=True) as store:
        load_into_store(build([pages]), store)
    with open_store(folder, read_only=True) as store:
        whole = validate_graph(store, jobs=1)
        checkpoint = store.checkpoint()
        assert checkpoint is not None
        graph = str(store.graph_names()[0])
        assert checkpoint.dump_ntriples([graph])[0].count(b"\n") == len(store.triples(URIRef(graph))) > 0
        checkpoint.close()
        assert folder.is_dir()  # closing it removes nothing
        monkeypatch.setattr(partition, "DOCUMENTS_PER_PART", 1)
        assert len(partition.plan_parts(store, 2)[0]) >= 2
        in_parts = validate_graph(store, jobs=2)
    assert in_parts.findings == whole.findings
    assert len(whole.findings) > 0
