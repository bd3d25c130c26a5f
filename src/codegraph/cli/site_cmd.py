"""``codegraph site``: a static, self-contained site of the graph to browse and check facts against their evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..choices import DEFAULT_ENGINE, ENGINES
from .options import date_option, graph_source_options, open_source, source_label
from .progress import quiet_option, stage


@click.command()
@graph_source_options
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The site folder to write (replaced whole when it is a previous site; open OUTPUT/index.html).")
@click.option("--engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="The SHACL engine whose findings are the pages' gaps (as for 'codegraph validate').")
@date_option("Judge time-dependent shapes, and show coverage, as of this day.")
@click.option("--diagrams/--no-diagrams", default=True, show_default=True,
              help="Draw each code's neighbourhood as SVG on its page.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Cores for validation and for writing the code pages [default: all].")
@quiet_option
def site(data_file: Path | None, store_dir: Path | None, output: Path, engine: str, day: date | None, diagrams: bool,
         jobs: int | None) -> None:
    """Write a static site of --data FILE, --store DIR or --endpoint URL to -o OUTPUT.

    An index of codes (sortable, filterable), a page per code with its facts, coverage, gaps,
    neighbourhood diagram and the source text with each fact's evidence marked, the coverage
    matrix and the validation report. No server is needed and no page loads anything from the
    network: open OUTPUT/index.html.
    """
    from ..api import build_site, validate_graph
    from ..site import check_output

    check_output(output)  # refuse a folder of someone's files before the validation run, not after
    source = open_source(data_file, store_dir)
    with stage("validating", "part") as progress:
        report = validate_graph(source, engine=engine, as_of=day, jobs=jobs, progress=progress)
    with stage("writing", "code page") as progress:
        summary = build_site(source, output, engine=engine, as_of=day, diagrams=diagrams, report=report,
                             source_label=source_label(data_file, store_dir), progress=progress, jobs=jobs)
    counts = summary.counts
    click.echo(f"codes:    {len(summary.codes)} page(s)" + (f": {', '.join(summary.codes[:8])}" if summary.codes else "")
               + (" ..." if len(summary.codes) > 8 else ""))
    click.echo(f"gaps:     {counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info")
    click.echo(f"diagrams: {summary.diagrams}" + (f" ({summary.diagram_note})" if summary.diagram_note else ""))
    click.echo(f"written:  {summary.path / 'index.html'}")
