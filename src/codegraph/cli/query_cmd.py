"""``codegraph query list|run``: the query library."""

from __future__ import annotations

from pathlib import Path

import click

from ..choices import QUERY_OUTPUT_FORMATS
from .options import graph_source_options, open_source
from .tables import rows_table_of, tabular_options, write_rows


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
@click.option("--format", "fmt", type=click.Choice(QUERY_OUTPUT_FORMATS), default="table", show_default=True,
              help="table: sized to the terminal, long cells cut; csv, json: every value whole; xlsx: a workbook (needs -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the rows to this file (atomically).")
@tabular_options
def run(name: str, params: tuple[str, ...], data_file: Path | None, store_dir: Path | None, fmt: str, output: Path | None,
        bom: bool, raw_csv: bool) -> None:
    """Run the query NAME on --data FILE, --store DIR or --endpoint URL."""
    from ..api import list_queries, run_named_query
    from ..errors import UnknownQueryError

    names = [spec.name for spec in list_queries()]
    if name not in names:  # fail on an unknown name before loading any data
        from ..api import suggest

        raise UnknownQueryError(f"no query named {name!r} ('codegraph query list' shows them)", tuple(suggest(name, names)))
    rows = run_named_query(open_source(data_file, store_dir), name, _parse_params(params))
    write_rows(rows_table_of(rows), fmt, output, bom=bom, raw=raw_csv, title=name)
