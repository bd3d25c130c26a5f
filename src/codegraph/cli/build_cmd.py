"""``codegraph build PATH...``: documents into a graph file and/or the embedded store."""

from __future__ import annotations

from pathlib import Path

import click

from . import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the graph here; the extension picks the format (.ttl, .trig, .nt, .nq, .jsonld).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Load the graph into the embedded Oxigraph store in this folder (one named graph per document).")
@click.option("--no-reference", is_flag=True, help="Leave out the ontology and the reference code sets.")
@click.option("--icd10cm", is_flag=True,
              help="Also load the whole ICD-10-CM scheme (about 590,000 triples; a few seconds into --store).")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check that counts gaps in the summary.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Read documents in this many processes [default: the number of cores].")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the per-document build report (status, code, graph, error, warnings) as JSON.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info", "never"]), default="never", show_default=True,
              help="Exit 1 when the check finds anything at or above this severity.")
@click.pass_context
def build(ctx: click.Context, paths: tuple[Path, ...], output: Path | None, store_dir: Path | None,
          no_reference: bool, icd10cm: bool, no_validate: bool, jobs: int | None, report_path: Path | None, fail_on: str) -> None:
    """Read the documents under PATHS (files or folders of .txt, .md, .html pages) and build the
    knowledge graph. A bad document is reported and skipped; the exit code is 2 if any failed."""
    import json
    import os
    import sys

    from ..api import build as build_graph
    from ..api import collect_documents, load_into_store, validate_graph, write_atomically, write_build
    from ..store import OxigraphStore

    if output is None and store_dir is None:
        raise click.UsageError("say where the graph goes: -o FILE, --store DIR, or both")
    jobs = jobs or os.cpu_count() or 1
    total = len(collect_documents(paths))
    if sys.stderr.isatty() and total > 1:
        with click.progressbar(length=total, label="reading", file=sys.stderr) as bar:
            result = build_graph(paths, include_reference=not no_reference, jobs=jobs,
                                 progress=lambda done, _total, _path: bar.update(1))
    else:
        result = build_graph(paths, include_reference=not no_reference, jobs=jobs)
    if report_path is not None:
        write_atomically(report_path, (json.dumps(result.report_json(), indent=2) + "\n").encode("utf-8"))
    for error in result.errors:
        click.echo(f"codegraph: skipped {error}", err=True)
    for duplicate, original in result.duplicates:
        click.echo(f"codegraph: {duplicate} has the same content as {original}; built once", err=True)
    if not result.documents:
        click.echo("codegraph: error: no document could be read; nothing was written", err=True)
        ctx.exit(EXIT_INPUT)

    # The gap check runs on the documents and the small code sets; the ICD-10-CM scheme joins after.
    report = None if no_validate else validate_graph(result.dataset)
    if icd10cm:
        from ..vocab.icd10cm import GRAPH, RELEASE_GRAPH, icd10cm_ntriples

        result.extra_graphs[RELEASE_GRAPH] = icd10cm_ntriples()
    if output is not None:
        write_build(result, output)
    if store_dir is not None:
        store = OxigraphStore(store_dir)
        load_into_store(result, store)
        if icd10cm:  # an older release goes once the new one is in
            for old in store.graph_names():
                if str(old).startswith(f"{GRAPH}/") and old != RELEASE_GRAPH:
                    store.drop_graph(old)
        store.close()

    click.echo(f"documents: {len(result.documents)} built, {len(result.errors)} failed, {len(result.duplicates)} duplicate")
    codes = result.codes
    shown = ", ".join(codes[:10]) + (f" and {len(codes) - 10} more" if len(codes) > 10 else "")
    click.echo(f"codes:     {len(codes)} ({shown})" if len(codes) > 1 else f"codes:     {shown}")
    click.echo(f"triples:   {result.triple_count()}")
    exit_code = EXIT_OK
    if report is not None:
        counts = report.counts()
        click.echo(f"gaps:      {counts['warning']} warning(s), {counts['violation']} violation(s), {counts['info']} info "
                   "('codegraph validate' lists them)")
        if fail_on != "never" and report.fails(fail_on):
            exit_code = EXIT_FINDINGS
    if output is not None:
        click.echo(f"written:   {output}")
    if store_dir is not None:
        click.echo(f"store:     {store_dir}")
    if result.errors:
        exit_code = EXIT_INPUT
    ctx.exit(exit_code)
