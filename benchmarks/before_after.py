"""The same commands on two commits of codegraph, measured in one run: did a change make them slower?

Each side runs from its own source tree (a git worktree of the commit, put first on PYTHONPATH)
with the same installed dependencies, on the same generated pages. The sides alternate for every
repetition (before, after, before, after, ...), so load on the machine falls on both alike; the
table gives each side's median wall time and peak memory, and the ratio after/before.

    python -m benchmarks.before_after --before 15066bc --pages 1000 --repeat 3

Only commands and options both commits have are run: build into a store and to an N-Quads file,
validate the store (fast engine), export it as N-Quads and Turtle, one query, and ``--help``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate_corpus import generate

ROOT = Path(__file__).resolve().parent.parent


def _worktree(revision: str, work: Path) -> Path:
    """The source tree of ``revision`` (HEAD with uncommitted changes: this checkout itself)."""
    if revision == "WORKTREE":
        return ROOT / "src"
    tree = work / f"tree-{revision}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(tree), revision],
                   check=True, capture_output=True)
    return tree / "src"


_CLI = "import sys; from codegraph.cli import main; sys.exit(main())"
# The reader alone, in one process: every page read and its facts extracted (no RDF, no store).
_READ = ("import sys; from pathlib import Path; from codegraph.extract import extract_file\n"
         "for path in sorted(Path(sys.argv[1]).iterdir()):\n"
         "    try: extract_file(path)\n"
         "    except Exception: pass\n")


def _run(src: Path, argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one ``codegraph`` command run from ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    started = time.perf_counter()
    # The console script's entry point, so both sides start the way a user's shell starts them.
    command = [sys.executable, "-c", _READ, *argv[1:]] if argv[0] == "<read>" else [sys.executable, "-c", _CLI, *argv]
    process = subprocess.Popen(command, cwd=cwd, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):  # 1: findings, 2: a page failed to read (the older reader fails more)
        raise SystemExit(f"{' '.join(argv)} exited {code} from {src}:\n{stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def steps(pages: Path, out: Path) -> list[tuple[str, list[str]]]:
    store = str(out / "store")
    return [
        ("codegraph --help", ["--help"]),
        ("read the pages (1 process, no RDF)", ["<read>", str(pages)]),
        ("build into the store", ["build", str(pages), "--store", store, "--no-validate"]),
        ("build to an N-Quads file", ["build", str(pages), "-o", str(out / "graph.nq"), "--no-validate"]),
        ("validate the store (fast engine)", ["validate", "--store", store]),
        ("export N-Quads", ["export", "--store", store, "--format", "nquads", "-o", str(out / "export.nq")]),
        ("export Turtle", ["export", "--store", store, "--format", "turtle", "-o", str(out / "export.ttl")]),
        ("query payers-for-code", ["query", "run", "payers-for-code", "--param", "code=1001T", "--store", store,
                                   "--format", "csv"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier commit")
    parser.add_argument("--after", default="WORKTREE", help="the later commit [default: this checkout]")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="codegraph-before-after-"))
    try:
        sides = {"before": _worktree(args.before, work), "after": _worktree(args.after, work)}
        pages = work / "pages"
        generate(args.pages, pages)
        figures: dict[str, dict[str, list[tuple[float, float]]]] = {}
        for repetition in range(args.repeat):
            for side, src in sides.items():
                out = work / f"out-{side}-{repetition}"
                out.mkdir()
                for name, argv in steps(pages, out):
                    figures.setdefault(name, {}).setdefault(side, []).append(_run(src, argv, work))
                shutil.rmtree(out)
        print(f"{args.pages} generated pages, {args.repeat} runs per side, alternating; before = {args.before}, "
              f"after = {args.after}; {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"{'step':36} {'before s':>9} {'after s':>9} {'ratio':>6} {'before MB':>10} {'after MB':>9}")
        for name, by_side in figures.items():
            before = statistics.median(s for s, _ in by_side["before"]), max(m for _, m in by_side["before"])
            after = statistics.median(s for s, _ in by_side["after"]), max(m for _, m in by_side["after"])
            print(f"{name:36} {before[0]:9.2f} {after[0]:9.2f} {after[0] / before[0]:6.2f} {before[1]:10.0f} {after[1]:9.0f}")
    finally:
        for tree in work.glob("tree-*"):
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
