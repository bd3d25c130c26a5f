"""Files derived from an embedded store, kept in its folder beside its data (the search index, the
coverage matrix's tables), each stamped with what it was derived from.

A stamp covers where the store's data stands (``GraphStore.data_version``: any write moves it, a
compaction or a reopen does not), the codegraph version, the file's own format and whatever else
went into it; a file whose stamp differs is never used. ``read`` also checks a digest of the
content, so a file cut short or changed by hand is not used either. Where the folder cannot be written, nothing is kept and the
caller derives the data each time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import OutputError


def stamp(data_version: str, *parts: Any, files: Iterable[Path] = ()) -> str:
    """The stamp of data derived from a store at this data version, ``parts`` (a format number,
    the kind of file: anything JSON can write) and the bytes of ``files`` (tables it was built with)."""
    from ..api import __version__

    digest = hashlib.sha256(json.dumps([*parts, __version__, data_version]).encode("utf-8"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read(path: Path, stamp: str) -> tuple[dict[str, Any], bytes] | None:
    """The header and content ``keep`` wrote to ``path`` with this stamp; None when the file is
    missing, unreadable, stamped otherwise or not whole."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, _newline, body = data.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("stamp") != stamp or header.get("sha256") != hashlib.sha256(body).hexdigest():
        return None
    return header, body


def keep(path: Path, stamp: str, body: bytes, **header: Any) -> bool:
    """Write ``body`` to ``path`` (atomically) under a first line holding the stamp, a digest of
    ``body`` and ``header``. False where the folder cannot be written (nothing is kept)."""
    from ..files import write_atomically

    line = json.dumps({**header, "stamp": stamp, "sha256": hashlib.sha256(body).hexdigest()}).encode("utf-8")
    try:
        write_atomically(path, [line, b"\n", body])
    except OutputError:
        return False
    return True
