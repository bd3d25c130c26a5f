"""A checkpoint left by a killed run (its ``close`` never ran) is removed by the next one, since
its hard links keep the store's old files on disk; a checkpoint another live process may be
reading, or one whose owner cannot be told, is left alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from codegraph import OxigraphStore
from codegraph.store.oxigraph import CHECKPOINT_OWNER, CHECKPOINT_PREFIX


def _left_behind(folder: Path, name: str, owner: str | None) -> Path:
    scratch = folder / f"{CHECKPOINT_PREFIX}{name}"
    (scratch / "store").mkdir(parents=True)
    (scratch / "store" / "000001.sst").write_bytes(b"old table")
    if owner is not None:
        (scratch / CHECKPOINT_OWNER).write_text(owner + "\n", encoding="utf-8")
    return scratch


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_killed_runs_checkpoint_is_removed_and_live_ones_are_kept(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    host = socket.gethostname()
    killed = _left_behind(tmp_path, "killed", f"{_dead_pid()} {host}")
    running = _left_behind(tmp_path, "running", f"{os.getppid()} {host}")
    elsewhere = _left_behind(tmp_path, "elsewhere", f"{_dead_pid()} another-host.example")
    unowned = _left_behind(tmp_path, "unowned", None)

    checkpoint = store.checkpoint()
    assert checkpoint is not None
    try:
        assert not killed.exists()
        assert running.exists() and elsewhere.exists() and unowned.exists()
        scratch = Path(checkpoint.scratch)  # type: ignore[attr-defined]
        assert (scratch / CHECKPOINT_OWNER).read_text(encoding="utf-8").split() == [str(os.getpid()), host]
        # A second checkpoint of the same, still running, process leaves the first alone.
        second = store.checkpoint()
        assert second is not None
        assert scratch.exists()
        second.close()
    finally:
        checkpoint.close()
    assert not scratch.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(CHECKPOINT_PREFIX)) == [
        f"{CHECKPOINT_PREFIX}elsewhere", f"{CHECKPOINT_PREFIX}running", f"{CHECKPOINT_PREFIX}unowned"]
