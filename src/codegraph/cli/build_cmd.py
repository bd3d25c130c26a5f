"""``codegraph build PATH...``: documents into a graph file and/or the embedded store."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import click

from ..choices import SEVERITIES
from . import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from .options import WRITER_WAIT_HELP, store_wait, wait_option
from .progress import quiet_option, stage


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the graph here; the extension picks the format (.ttl, .trig, .nt, .nq, .jsonld, .rdf).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Load the graph into the embedded Oxigraph store in this folder (one named graph per source).")
@wait_option(WRITER_WAIT_HELP)
@click.option("--prune", is_flag=True,
              help="Retire the sources the store holds that this build did not see (pages deleted from the folder). "
                   "Without it they stay and are listed.")
@click.option("--source-id", metavar="ID",
              help="The source key of a single page (default: the URL the page states, else its file name).")
@click.option("--no-reference", is_flag=True, help="Leave out the ontology and the reference code sets.")
@click.option("--icd10cm", is_flag=True,
              help="Also load the whole ICD-10-CM scheme (about 590,000 triples; a few seconds into --store).")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check of what was built.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Read documents in this many processes [default: the number of cores].")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the per-document build report (status, key, code, graph, error, warnings) as JSON.")
@click.option("--run-metadata", "run_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write this run as a PROV activity with its start and end times (TriG, N-Quads, ...); kept out of "
                   "the graph, which stays byte-identical from run to run.")
@click.option("--fail-on", type=click.Choice([*SEVERITIES, "never"]), default="never", show_default=True,
              help="Exit 1 when the check (the same as 'codegraph validate') finds anything at or above this severity.")
@quiet_option
@click.pass_context
def build(ctx: click.Context, paths: tuple[Path, ...], output: Path | None, store_dir: Path | None, prune: bool,
          source_id: str | None, no_reference: bool, icd10cm: bool, no_validate: bool, jobs: int | None,
          report_path: Path | None, run_path: Path | None, fail_on: str) -> None:
    """Read the documents under PATHS (files or folders of .txt, .md, .html pages) and build the
    knowledge graph, one named graph per source. Rebuilding after an edit replaces that source's
    graph. A bad document is reported and skipped; the exit code is 2 if any failed or was skipped."""
    import json
    import os
    from datetime import datetime

    from ..api import build as build_graph
    from ..api import check_build, load_into_store, open_store, search_index, validate_graph, write_atomically, write_build, write_run_metadata
    from ..coverage.table import keep_matrix

    if output is None and store_dir is None:
        raise click.UsageError("say where the graph goes: -o FILE, --store DIR, or both")
    if prune and store_dir is None:
        raise click.UsageError("--prune retires sources from a store: give --store DIR")
    jobs = jobs or os.cpu_count() or 1
    started = datetime.now(UTC)
    with stage("reading", "document") as progress:
        result = build_graph(paths, include_reference=not no_reference, jobs=jobs, progress=progress,
                             source_id=source_id, icd10cm=icd10cm)
    if report_path is not None:
        write_atomically(report_path, (json.dumps(result.report_json(), indent=2) + "\n").encode("utf-8"))
    for skipped in result.skipped:
        click.echo(f"codegraph: skipped {skipped}", err=True)
    for error in result.errors:
        click.echo(f"codegraph: skipped {error}", err=True)
    for duplicate, original in result.duplicates:
        click.echo(f"codegraph: {duplicate} has the same content or source as {original}; built once", err=True)
    if not result.documents:
        click.echo("codegraph: error: no document could be read; nothing was written", err=True)
        ctx.exit(EXIT_INPUT)

    written_quads = None
    if run_path is not None:
        write_run_metadata(result, run_path, started, datetime.now(UTC))
    if output is not None:
        with stage("writing", "file", total=1) as progress:
            write_build(result, output)
            if progress:
                progress(1, 1, str(output))
        written_quads = result.quad_count()
    checked = None
    load = None
    if store_dir is not None:
        with open_store(store_dir, create=True, timeout=store_wait()) as store:
            with stage("loading", "document") as progress:
                load = load_into_store(result, store, prune=prune, progress=progress)
            if not no_validate:
                with stage("validating", "part") as progress:
                    checked = validate_graph(store, progress=progress)
            with stage("indexing", "name"):
                search_index(store)  # kept beside the store: 'codegraph find' then answers at once
                keep_matrix(store)  # so is the coverage matrix: 'codegraph coverage matrix' too
    elif not no_validate:
        with stage("validating", "part"):
            checked = check_build(result)

    click.echo(f"documents: {len(result.documents)} built, {len(result.errors)} failed, {len(result.duplicates)} duplicate"
               + (f", {len(result.skipped)} skipped" if result.skipped else ""))
    codes = result.codes
    shown = ", ".join(codes[:10]) + (f" and {len(codes) - 10} more" if len(codes) > 10 else "")
    click.echo(f"codes:     {len(codes)} ({shown})" if len(codes) > 1 else f"codes:     {shown}")
    if output is not None:
        click.echo(f"written:   {output} ({written_quads} quads)")
    if load is not None:
        changes = f"{len(load.new)} new, {len(load.replaced)} replaced, {len(load.unchanged)} unchanged"
        if load.retired:
            changes += f", {len(load.retired)} retired"
        click.echo(f"store:     {store_dir} ({load.quads} quads; sources: {changes})")
        if load.absent and not load.retired:
            names = ", ".join(load.absent[:5]) + (f" and {len(load.absent) - 5} more" if len(load.absent) > 5 else "")
            click.echo(f"absent:    {len(load.absent)} source(s) in the store were not in this build: {names} "
                       "(--prune retires them)")
    exit_code = EXIT_OK
    if checked is not None:
        counts = checked.counts()
        where = "the store" if store_dir is not None else "the graph"
        click.echo(f"gaps:      {counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info "
                   f"in {where} ('codegraph validate' lists them)")
        if fail_on != "never" and checked.fails(fail_on):
            exit_code = EXIT_FINDINGS
    if result.errors or result.skipped:
        exit_code = EXIT_INPUT
    ctx.exit(exit_code)
