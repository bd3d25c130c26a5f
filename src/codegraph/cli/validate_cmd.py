"""``codegraph validate``: the SHACL report, and an exit code a pipeline can gate on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from . import EXIT_FINDINGS, EXIT_OK
from .options import endpoint_options, open_source

# Kept here (not imported from codegraph.validate) so that '--help' does not load rdflib.
_ENGINES = ["fast", "pyshacl", "shifty"]


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


@click.command()
@click.argument("graph", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Validate the embedded store in this folder instead of a file.")
@endpoint_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle", "html"]), default="text", show_default=True,
              help="text: summary then findings by code; json; turtle: the sh:ValidationReport; html: a self-contained page.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--engine", type=click.Choice(_ENGINES), default="fast", show_default=True,
              help="fast: the native engine (same answers as pySHACL, much faster); pyshacl: the reference engine.")
@click.option("--as-of", "as_of", callback=_parse_day, metavar="YYYY-MM-DD",
              help="Judge time-dependent shapes (a code past its sunset date) as of this day [default: today].")
@click.option("--gaps", is_flag=True,
              help="Instead of the SHACL report: per code, the facets that are missing and whether the source declares them unavailable.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Cores for a --store of more than 1,000 pages, checked in parts [default: all].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@click.pass_context
def validate(ctx: click.Context, graph: Path | None, store_dir: Path | None, fmt: str, fail_on: str, engine: str,
             as_of: date | None, gaps: bool, jobs: int | None, output: Path | None) -> None:
    """Check GRAPH (an RDF file) or --store against the shapes in ontology/shapes."""
    from ..api import validate_graph

    source = open_source(graph, store_dir)
    if gaps:
        if fmt not in ("text", "json"):
            raise click.UsageError("--gaps writes text or json; drop --format turtle/html")
        from ..validate.gaps import facet_gaps, render_gaps_json, render_gaps_text

        found = facet_gaps(source)
        _emit(render_gaps_json(found) if fmt == "json" else render_gaps_text(found), output, f"{len(found)} missing facet(s)")
        ctx.exit(EXIT_OK)

    report = validate_graph(source, engine=engine, as_of=as_of, jobs=jobs)
    if fmt == "html":
        from ..validate.html import render_html

        where = graph or store_dir
        title = f"codegraph validation: {where.name if where is not None else 'SPARQL endpoint'}"
        text = render_html(report, title=title)
    else:
        text = {"text": report.render_text, "json": report.render_json, "turtle": report.render_turtle}[fmt]()
    counts = report.counts()
    _emit(text, output, f"{counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info")
    ctx.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)


def _emit(text: str, output: Path | None, summary: str) -> None:
    """The report to ``output`` (and a one-line summary to stderr), or to stdout."""
    if output is None:
        click.echo(text, nl=False)
        return
    from ..api import write_atomically

    write_atomically(output, text.encode("utf-8"))
    click.echo(f"{summary} -> {output}", err=True)
