"""``codegraph query list|run``: the query library."""

from __future__ import annotations

from pathlib import Path

import click

from .options import graph_source_options, open_source


@click.group()
def query() -> None:
    """List and run the SPARQL queries in queries/."""


@query.command("list")
def list_queries() -> None:
    """List the queries with their parameters and summaries."""
    from ..api import list_queries

    for spec in list_queries():
        params = ", ".join(f"{p}{'?' if p in spec.optional else ''}" for p in spec.params) or "-"
        click.echo(f"{spec.name:<22} [{spec.topic}] params: {params}")
        click.echo(f"    {spec.summary}")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """``--param NAME=VALUE`` options as a dict: each name once, and text that is UTF-8 (a shell
    hands Python bytes that are not UTF-8 as lone surrogates, which no query can hold)."""
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise click.UsageError(f"--param takes NAME=VALUE, got {item!r}")
        if any("\ud800" <= char <= "\udfff" for char in item):
            raise click.UsageError(f"--param {item!r} holds bytes that are not UTF-8 text; give the value in UTF-8")
        if name in params:
            raise click.UsageError(f"--param {name} is given twice ({params[name]!r}, then {value!r}); give it once")
        params[name] = value
    return params


@query.command("run")
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query parameter (repeatable).")
@graph_source_options
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def run(name: str, params: tuple[str, ...], data_file: Path | None, store_dir: Path | None, fmt: str) -> None:
    """Run the query NAME on --data FILE, --store DIR or --endpoint URL."""
    from ..api import format_query_rows, list_queries, run_named_query
    from ..errors import UnknownQueryError

    names = [spec.name for spec in list_queries()]
    if name not in names:  # fail on an unknown name before loading any data
        import difflib

        raise UnknownQueryError(f"no query named {name!r} ('codegraph query list' shows them)",
                                tuple(difflib.get_close_matches(name, names, n=3, cutoff=0.5)))
    rows = run_named_query(open_source(data_file, store_dir), name, _parse_params(params))
    click.echo(format_query_rows(rows, fmt), nl=False)
