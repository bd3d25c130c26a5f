"""``codegraph export``: the graph in another RDF format."""

from __future__ import annotations

from pathlib import Path

import click

from .options import open_source


@click.command()
@click.argument("graph", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), help="Export the embedded store in this folder.")
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nt", "nquads", "jsonld"]), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (atomically) instead of stdout.")
def export(graph: Path | None, store_dir: Path | None, fmt: str, output: Path | None) -> None:
    """Export GRAPH (an RDF file) or --store as Turtle, TriG, N-Triples, N-Quads or JSON-LD."""
    from ..api import serialize, write_atomically

    data = serialize(open_source(graph, store_dir).to_dataset(), fmt)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomically(output, data)
        click.echo(f"written: {output}", err=True)
