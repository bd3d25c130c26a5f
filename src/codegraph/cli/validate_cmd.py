"""``codegraph validate``: the SHACL report, and an exit code a pipeline can gate on."""

from __future__ import annotations

from pathlib import Path

import click

from . import EXIT_FINDINGS, EXIT_OK
from .options import open_source


@click.command()
@click.argument("graph", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Validate the embedded store in this folder instead of a file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.pass_context
def validate(ctx: click.Context, graph: Path | None, store_dir: Path | None, fmt: str, fail_on: str, output: Path | None) -> None:
    """Check GRAPH (an RDF file) or --store against the shapes in ontology/shapes."""
    from ..api import validate_graph
    from ..api import write_atomically

    report = validate_graph(open_source(graph, store_dir))
    text = {"text": report.render_text, "json": report.render_json, "turtle": report.render_turtle}[fmt]()
    if output is not None:
        write_atomically(output, text.encode("utf-8"))
        counts = report.counts()
        click.echo(f"{counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info -> {output}", err=True)
    else:
        click.echo(text, nl=False)
    ctx.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)
