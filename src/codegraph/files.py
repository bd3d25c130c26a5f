"""Writing output files: whole or not at all, with the permissions the user's umask gives."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, data: bytes | Iterable[bytes]) -> int:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` through a temporary file in the same
    folder, so a failure (a full disk, a kill) leaves the old file whole. The new file gets the
    mode a plain ``open()`` would give (0666 less the umask), not ``mkstemp``'s private 0600.
    Returns the number of bytes written; raises ``OutputError`` naming the file."""
    target = Path(path)
    written = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as error:
        raise OutputError(target, error) from error
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in [data] if isinstance(data, (bytes, bytearray)) else data:
                out.write(chunk)
                written += len(chunk)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(target, error) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written
