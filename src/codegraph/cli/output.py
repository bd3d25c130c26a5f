"""Where a command's text goes: stdout, or a file written whole with a one-line summary to stderr."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def emit(text: str, output: Path | None, summary: str) -> None:
    """The report to ``output`` (and a one-line summary to stderr), or to stdout."""
    if output is None:
        click.echo(text, nl=False)
        return
    from ..files import write_atomically

    write_atomically(output, text.encode("utf-8"))
    click.echo(f"{summary} -> {output}", err=True)


def emit_bytes(data: bytes, output: Path | None) -> None:
    """Bytes to ``output`` (atomically) or to stdout."""
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from ..files import write_atomically

    write_atomically(output, data)
    click.echo(f"written: {output}", err=True)
