"""``codegraph validate``: the SHACL report, and an exit code a pipeline can gate on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..choices import DEFAULT_ENGINE, ENGINES, REPORT_FORMATS, SEVERITIES
from . import EXIT_FINDINGS, EXIT_OK
from .options import date_option, graph_source_options, open_source, source_label
from .output import emit
from .progress import quiet_option, stage
from .tables import findings_table, gaps_table, tabular_options, write_rows


@click.command()
@graph_source_options
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
              help="text: summary then findings by code; json; turtle: the sh:ValidationReport; html: a self-contained page; "
                   "csv, xlsx: one row per finding (xlsx needs -o).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="violation", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="fast: the native engine (same answers as pySHACL, much faster); pyshacl: the reference engine.")
@date_option("Judge time-dependent shapes (a code past its sunset date, an expired policy) as of this day.")
@click.option("--gaps", is_flag=True,
              help="Instead of the SHACL report: per code, the facets that are missing and whether the source declares them unavailable.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Cores for a --store of more than 1,000 pages, checked in parts [default: all].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@tabular_options
@quiet_option
@click.pass_context
def validate(ctx: click.Context, data_file: Path | None, store_dir: Path | None, fmt: str, fail_on: str, engine: str,
             day: date | None, gaps: bool, jobs: int | None, output: Path | None, bom: bool, raw_csv: bool) -> None:
    """Check --data FILE, --store DIR or --endpoint URL against the shapes in ontology/shapes."""
    from ..api import missing_facets, validate_graph

    source = open_source(data_file, store_dir)
    if gaps:
        if fmt not in ("text", "json", "csv", "xlsx"):
            raise click.UsageError("--gaps writes text, json, csv or xlsx; drop --format turtle/html")
        from ..validate.gaps import render_gaps_json, render_gaps_text

        found = missing_facets(source)
        if fmt in ("csv", "xlsx"):
            write_rows(gaps_table(found), fmt, output, bom=bom, raw=raw_csv, title="gaps")
            ctx.exit(EXIT_OK)
        emit(render_gaps_json(found) if fmt == "json" else render_gaps_text(found), output, f"{len(found)} missing facet(s)",
             human=fmt == "text")
        ctx.exit(EXIT_OK)

    with stage("validating", "part") as progress:
        report = validate_graph(source, engine=engine, as_of=day, jobs=jobs, progress=progress)
    counts = report.counts()
    if fmt in ("csv", "xlsx"):
        write_rows(findings_table(report), fmt, output, bom=bom, raw=raw_csv, title="findings")
        ctx.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)
    text = report.render(fmt, title=f"codegraph validation: {source_label(data_file, store_dir)}")
    emit(text, output, f"{counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info",
         human=fmt == "text")
    ctx.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)
