"""Write a site folder so that a failure leaves the previous site whole.

The site is built into a staging folder beside the target (same file system, so renames are
cheap and never copy), then swapped in: the old site is renamed aside, the new one renamed into
its place, and the old one removed. A failure while building removes the staging folder and
leaves the old site untouched. A folder is replaced only if it is empty or carries the marker
file a previous build left, so ``-o`` pointed at a folder of someone's files refuses rather than
deleting them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import SiteOutputError

MARKER = ".codegraph-site"


def check_output(target: Path) -> None:
    """Raise ``SiteOutputError`` unless ``target`` is missing, empty, or a previous codegraph site."""
    if not target.exists():
        return
    if not target.is_dir():
        raise SiteOutputError(f"{target}: exists and is not a folder; give 'codegraph site -o' a new or site folder")
    if any(target.iterdir()) and not (target / MARKER).is_file():
        raise SiteOutputError(
            f"{target}: the folder holds files and is not a site codegraph wrote (no {MARKER} file); "
            "give -o a new or empty folder, or remove this one first"
        )


@contextmanager
def replacing_directory(target: str | Path) -> Iterator[Path]:
    """Yield an empty staging folder; on normal exit it becomes ``target`` (the old one is removed)."""
    target = Path(target).absolute()
    check_output(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        yield staging
        (staging / MARKER).write_text("written by 'codegraph site'; the next build replaces this folder\n", encoding="utf-8")
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is meant to be read
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rmdir(old)  # only its unique name is wanted
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)
