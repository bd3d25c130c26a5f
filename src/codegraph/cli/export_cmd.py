"""``codegraph export``: the graph (or one code's neighbourhood) in another RDF format."""

from __future__ import annotations

from pathlib import Path

import click

from .options import endpoint_options, open_source


@click.command()
@click.argument("graph", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), help="Export the embedded store in this folder.")
@endpoint_options
@click.option("--code", help="Only this code's neighbourhood: the code, its facts and coverage assertions, their evidence, "
                             "documents, payers and policies (e.g. --code 1001T).")
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nt", "nquads", "jsonld"]), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (atomically) instead of stdout.")
def export(graph: Path | None, store_dir: Path | None, code: str | None, fmt: str, output: Path | None) -> None:
    """Export GRAPH (an RDF file), --store or --endpoint as Turtle, TriG, N-Triples, N-Quads or
    JSON-LD. Turtle, N-Triples and N-Quads are written deterministically: two exports of the
    same graph are byte-identical."""
    from ..api import code_neighbourhood, export_source, serialize, write_atomically

    source = open_source(graph, store_dir)
    data = serialize(code_neighbourhood(source, code), fmt) if code is not None else export_source(source, fmt)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomically(output, data)
        click.echo(f"written: {output}", err=True)
