"""Progress on long commands: a bar with counts on a terminal, nothing otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click


@contextmanager
def progress_reporter(label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A ``(done, total, item)`` callback drawing a bar on stderr when it is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None
    try:
        def report(done: int, total: int, _item: str) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True)
                bar.__enter__()
            bar.update(done - bar.pos)

        yield report
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
