"""``codegraph find TEXT``: look a code, payer, policy, concept or anatomical structure up by name."""

from __future__ import annotations

from pathlib import Path

import click

from ..choices import QUERY_OUTPUT_FORMATS
from .options import graph_source_options, open_source
from .tables import tabular_options, write_rows

SEARCH_KINDS = ("code", "payer", "policy", "concept", "anatomy")  # search.index.KINDS, without loading it


@click.command()
@click.argument("text", nargs=-1, required=True)
@graph_source_options
@click.option("--kind", "kinds", multiple=True, type=click.Choice(SEARCH_KINDS),
              help="Only this kind of thing (repeatable) [default: all].")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many results.")
@click.option("--format", "fmt", type=click.Choice(QUERY_OUTPUT_FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the results to this file.")
@tabular_options
@click.pass_context
def find(ctx: click.Context, text: tuple[str, ...], data_file: Path | None, store_dir: Path | None, kinds: tuple[str, ...],
         limit: int, fmt: str, output: Path | None, bom: bool, raw_csv: bool) -> None:
    """Find TEXT among the graph's codes (exact or prefix: 1001T, J73), titles, payers and their
    aliases (UHC), policies, clinical concepts and anatomy and their synonyms, fuzzily (cigan
    finds Cigna), best first. Exit code 1 when nothing matches."""
    from ..api import find as find_names
    from ..tabular import Table, Value

    hits = find_names(open_source(data_file, store_dir), " ".join(text), limit=limit, kinds=kinds or None)
    if fmt == "json":
        import json

        from .output import emit

        emit(json.dumps([hit.to_json() for hit in hits], indent=2, ensure_ascii=False) + "\n", output, f"{len(hits)} result(s)")
    else:
        rows: list[list[Value]] = []
        for hit in hits:
            entry = hit.entry
            how = hit.match if hit.via in ("code", "name", "identifier") else f"{hit.match}, {hit.via} {hit.matched!r}"
            if hit.via == "title" and hit.match != "exact":
                how = f"{hit.match}, title"
            rows.append([entry.kind, entry.name, entry.detail, entry.codes, entry.first_code, how, round(hit.score)])
        table = Table(["kind", "name", "detail", "codes", "first_code", "matched", "score"], rows, noun="result")
        write_rows(table, fmt, output, bom=bom, raw=raw_csv, title="find")
    if not hits:
        click.echo(f"codegraph: nothing in the graph matches {' '.join(text)!r}", err=True)
        ctx.exit(1)
