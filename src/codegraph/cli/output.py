"""Where a command's text goes: stdout, or a file written whole with a one-line summary to stderr.

Text that reaches a terminal passes through ``tabular.printable`` first: graph values are other
people's text, and an escape sequence in a page title must show as text, not act on the
terminal. Files and pipes get the text as it is (JSON escapes control characters itself; the
human formats, tables and text reports, escape them wherever they go).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..tabular import printable


def to_terminal(text: str, err: bool = False) -> str:
    """``text`` made safe for the terminal when the stream is one; unchanged for a file or pipe."""
    stream = sys.stderr if err else sys.stdout
    return printable(text) if stream.isatty() else text


def echo(text: str, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` with control characters escaped when the stream is a terminal."""
    click.echo(to_terminal(text, err), err=err, nl=nl)


def emit(text: str, output: Path | None, summary: str, *, human: bool = False) -> None:
    """The report to ``output`` (and a one-line summary to stderr), or to stdout. A ``human``
    format (a text report, a table) has its control characters escaped wherever it goes."""
    if human:
        text = printable(text)
    if output is None:
        echo(text, nl=False)
        return
    from ..files import write_atomically

    write_atomically(output, text.encode("utf-8"))
    click.echo(f"{summary} -> {output}", err=True)


def emit_bytes(data: bytes, output: Path | None, *, binary: bool = False) -> None:
    """Bytes to ``output`` (atomically) or to stdout. Text bytes going to a terminal are made
    safe; ``binary`` data (a workbook) is refused there: it needs -o FILE or a pipe."""
    if output is None:
        if sys.stdout.isatty():
            if binary:
                raise click.UsageError("this format is binary: write it to a file with -o FILE.xlsx (or pipe it)")
            data = printable(data.decode("utf-8", errors="replace")).encode("utf-8")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from ..files import write_atomically

    write_atomically(output, data)
    click.echo(f"written: {output}", err=True)
