"""Run one measurement in a child process, so its wall time and peak memory are its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run_child(module: str, *args: str, cwd: Path | None = None) -> dict:
    """``python -m module args...`` prints one JSON object; return it with the child's peak
    resident memory added as ``peak_mb`` and the CPU time it and its children used as
    ``cpu_seconds`` (on a shared machine, wall time grows with the load; CPU time much less)."""
    process = subprocess.Popen([sys.executable, "-m", module, *args], cwd=cwd, stdout=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed with status {status}")
    figures = json.loads(output)
    figures["peak_mb"] = usage.ru_maxrss / 1024
    figures["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return figures
