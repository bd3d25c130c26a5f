"""Many readers or one writer on an embedded store, across processes.

What pyoxigraph 0.5 (0.5.13) offers, tried here: ``Store(path)`` opens read-write and takes
RocksDB's ``LOCK`` file (a POSIX record lock), so a second read-write open in any process fails
("While lock file: LOCK: Resource temporarily unavailable"). ``Store.read_only(path)`` takes no
lock; it replays the write-ahead log and then shows the store as it was when opened, never a later
commit. There is no secondary (follow-the-writer) mode: Oxigraph removed it in 0.4. A read-only
open while another process writes is "undefined behaviour", and it is: of 33 read-only opens made
while a writer committed, 4 failed with "Corruption: IO error: No such file or directory: While
open a file for random read" (a table file compacted away under them); and ``backup`` from a
read-only handle leaves out what it replayed from the log (1,001 triples backed up as 0).

So codegraph keeps readers and writers apart itself, with advisory ``flock`` locks on three small
files in the store folder (RocksDB leaves files it does not name alone):

- ``codegraph-read.lock``: each reader holds it shared for as long as its store is open; a writer
  holds it exclusive, so it waits until the readers have closed, and readers open only a store
  nobody writes: they see the graph as it was before a write or after it, never part of one.
- ``codegraph-write.lock``: a writer holds it exclusive from the moment it asks, so a second
  writer waits for the first, and new readers queue behind a waiting writer (a steady stream of
  overlapping readers cannot keep it out); a reader holds it shared only while it takes its read lock.
- ``codegraph-serve.lock``: ``codegraph serve`` holds it shared for its lifetime (the lock files
  are inherited by the server it execs). A writer that finds it held refuses at once instead of
  waiting for a server that reads until it is stopped.

flock has no timeout, so a wait polls (10 ms at first, then every 100 ms) until its deadline. The
kernel drops a lock when its holder exits, however it exits: a killed process leaves no stale
lock. A flock belongs to an open file, so two handles in one process conflict like two
processes; this module counts the handles of its own process and reports such a conflict at once
rather than waiting out the timeout. Processes other than codegraph (an ``oxigraph`` server
started by hand) take none of these locks. POSIX only (``fcntl``).
"""

from __future__ import annotations

import errno
import fcntl
import gc
import os
import time
import weakref
from pathlib import Path

from ..errors import StoreBusyError

READ_LOCK = "codegraph-read.lock"
WRITE_LOCK = "codegraph-write.lock"
SERVE_LOCK = "codegraph-serve.lock"

_FIRST_PAUSE, _LONGEST_PAUSE = 0.01, 0.1

# The store folders (device, inode) this process holds locks on: [readers, writers].
_held: dict[tuple[int, int], list[int]] = {}


class StoreLock:
    """The locks one open store holds. ``release()`` lets them go (so does the collector)."""

    def __init__(self, path: Path, fds: list[int], key: tuple[int, int], write: bool):
        self.path = path
        self.write = write
        self._fds = fds
        _held.setdefault(key, [0, 0])[1 if write else 0] += 1
        self._finalizer = weakref.finalize(self, _release, fds, key, write)
        self._finalizer.atexit = False  # at exit the system lets go, after RocksDB has closed

    @property
    def held(self) -> bool:
        return self._finalizer.alive

    def release(self) -> None:
        self._finalizer()

    def keep_across_exec(self) -> None:
        """Let a program this process execs inherit the locks (``codegraph serve``)."""
        for fd in self._fds:
            os.set_inheritable(fd, True)


def lock_store(path: Path, *, write: bool, timeout: float | None, server: bool = False) -> StoreLock:
    """Take the store folder ``path`` for writing (alone) or reading (beside other readers),
    waiting up to ``timeout`` seconds (None: as long as it takes) for the processes that hold it.
    ``server``: a reader that stays until stopped (writers refuse at once instead of waiting).
    Raises ``StoreBusyError`` when the wait runs out, or at once when a server reads the store
    (for a writer) or this process already holds it in a conflicting way."""
    key = _folder_key(path)
    _refuse_conflict_in_process(path, key, write)
    deadline = None if timeout is None else time.monotonic() + timeout
    fds: list[int] = []
    taken = False
    try:
        if write:
            _write_lock(path, fds, deadline, timeout)
        else:
            _read_lock(path, fds, deadline, timeout, server)
        taken = True
    finally:
        if not taken:
            for fd in fds:
                os.close(fd)
    return StoreLock(path, fds, key, write)


def _write_lock(path: Path, fds: list[int], deadline: float | None, timeout: float | None) -> None:
    queue = _open(path / WRITE_LOCK, required=True)
    assert queue is not None
    fds.append(queue)
    if not _wait(queue, fcntl.LOCK_EX, deadline):
        raise _busy_writing(path, timeout)
    serving = _open(path / SERVE_LOCK, required=True)
    assert serving is not None
    try:
        if not _wait(serving, fcntl.LOCK_EX, time.monotonic()):
            raise StoreBusyError(path, "'codegraph serve' is serving the store and reads it until it stops",
                                 "stop the server, write, then start it again (a running server shows the "
                                 "store as it was when it started)")
    finally:
        os.close(serving)  # also lets go of the probe
    readers = _open(path / READ_LOCK, required=True)
    assert readers is not None
    fds.append(readers)
    if not _wait(readers, fcntl.LOCK_EX, deadline):
        raise StoreBusyError(path, "other codegraph processes are reading the store",
                             f"waited {_seconds(timeout)} for them to finish; try again when they have, "
                             "or wait longer (timeout=SECONDS)")


def _read_lock(path: Path, fds: list[int], deadline: float | None, timeout: float | None, server: bool) -> None:
    queue = _open(path / WRITE_LOCK, required=False)
    try:
        if queue is not None and not _wait(queue, fcntl.LOCK_SH, deadline):
            raise _busy_writing(path, timeout)
        for name in (READ_LOCK, SERVE_LOCK) if server else (READ_LOCK,):
            fd = _open(path / name, required=False)
            if fd is None:
                continue
            fds.append(fd)
            if not _wait(fd, fcntl.LOCK_SH, deadline):  # only a writer (holding the queue) blocks these
                raise _busy_writing(path, timeout)
    finally:
        if queue is not None:
            os.close(queue)


def _busy_writing(path: Path, timeout: float | None) -> StoreBusyError:
    return StoreBusyError(path, "another codegraph process is writing the store",
                          f"waited {_seconds(timeout)} for it to finish; try again when it has, or wait longer "
                          "(timeout=SECONDS)")


def _seconds(timeout: float | None) -> str:
    return f"{timeout:g} s" if timeout is not None else "without limit"


def _open(file: Path, *, required: bool) -> int | None:
    """A descriptor for the lock file ``file``, made if missing. A folder this process may not
    write (a store on a read-only disk) gives the file read-only, or, when it was never made and
    ``required`` is false, None: then no process can write there, so a reader needs no lock."""
    try:
        return os.open(file, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
    try:
        return os.open(file, os.O_RDONLY)
    except FileNotFoundError:
        if required:
            raise
        return None


def _wait(fd: int, mode: int, deadline: float | None) -> bool:
    """Take a flock of ``mode`` on ``fd``, polling until ``deadline`` (monotonic; None: no limit)."""
    pause = _FIRST_PAUSE
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return False
            time.sleep(pause if deadline is None else min(pause, deadline - now))
            pause = min(pause * 2, _LONGEST_PAUSE)


def _folder_key(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_dev, status.st_ino


def _refuse_conflict_in_process(path: Path, key: tuple[int, int], write: bool) -> None:
    for attempt in range(2):
        readers, writers = _held.get(key, (0, 0))
        if not writers and not (write and readers):
            return
        if attempt == 0:
            gc.collect()  # a store left in a reference cycle (a traceback's frames) lets go when collected
    holder = "writing" if writers else "reading"
    raise StoreBusyError(path, f"this process already has the store open for {holder}",
                         "close that store first (store.close(), or open it in a with block)")


def _release(fds: list[int], key: tuple[int, int], write: bool) -> None:
    for fd in fds:
        os.close(fd)
    counts = _held.get(key)
    if counts is not None:
        counts[1 if write else 0] -= 1
        if counts == [0, 0]:
            del _held[key]
