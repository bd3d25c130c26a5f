"""Progress on long commands, drawn one way everywhere with rich.

Library functions take a ``ProgressCallback`` (``done, total, item``) and know nothing of
terminals; the commands open one ``stage`` per long step (reading, loading, validating, writing,
pushing). On a terminal a stage is a bar with its count, rate and time left (a pulsing bar with
the time spent while the library has not said how much there is), replaced at the end by one
summary line: ``reading: 10,000 documents in 17.2 s (581/s)``. When stderr is not a terminal, or
with ``--quiet``, nothing is drawn and nothing is said: the command's own output is unchanged.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

ProgressCallback = Callable[[int, int, str], None]
F = TypeVar("F", bound=Callable[..., Any])

_QUIET_KEY = "codegraph.quiet"


def quiet_option(command: F) -> F:
    """``-q/--quiet``: no progress bars or progress summaries (the command's output stays)."""
    def remember(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
        ctx.meta[_QUIET_KEY] = bool(value)
        return value

    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=remember,
                        help="Draw no progress (it is drawn only on a terminal anyway).")(command)


def showing() -> bool:
    """Whether progress is drawn: stderr is a terminal and the command was not given --quiet."""
    ctx = click.get_current_context(silent=True)
    quiet = bool(ctx is not None and ctx.meta.get(_QUIET_KEY))
    return not quiet and sys.stderr.isatty()


def _count(number: float) -> str:
    return f"{number:,.0f}"


def summary_line(label: str, done: int, noun: str, seconds: float) -> str:
    """``label: N nouns in S s (R/s)``: what a finished stage leaves on the terminal."""
    rate = f" ({_count(done / seconds)}/s)" if seconds > 0 and done > 1 else ""
    counted = f"{_count(done)} {noun}{'' if done == 1 else 's'} in " if done else ""
    return f"{label}: {counted}{seconds:.1f} s{rate}"


@contextmanager
def stage(label: str, noun: str = "item", *, total: int | None = None) -> Iterator[ProgressCallback | None]:
    """A ``(done, total, item)`` callback drawing ``label``'s bar on stderr, or None when progress
    is not shown (the library then skips its reports). ``total`` when known up front."""
    if not showing():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=sys.stderr)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                   console=console, transient=True)
    task = bar.add_task(label, total=total, rate="")
    started = time.monotonic()
    state = {"done": 0}

    def report(done: int, total: int, _item: str) -> None:
        state["done"] = done
        elapsed = time.monotonic() - started
        rate = f"{done / elapsed:,.0f}/s" if elapsed > 0.5 and done else ""
        bar.update(task, completed=done, total=total or None, rate=rate)

    bar.start()
    try:
        yield report
    finally:
        bar.stop()
    console.print(summary_line(label, state["done"], noun, time.monotonic() - started), highlight=False, markup=False)
