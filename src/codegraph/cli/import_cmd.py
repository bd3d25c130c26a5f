"""``codegraph import payer-policy|mcd``: coverage data from tables, one named graph per import.

A bad row is reported (file, line, column, reason) and skipped; the good rows are still written,
and the exit code is 2 so a pipeline notices.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import EXIT_INPUT, EXIT_OK
from .options import WRITER_WAIT_HELP, store_wait, wait_option
from .progress import quiet_option, stage

if TYPE_CHECKING:
    from ..imports import ImportBatch

F = TypeVar("F", bound=Callable[..., Any])


@click.group("import")
def import_group() -> None:
    """Import coverage data: payer policy tables, the CMS Medicare Coverage Database (docs/imports.md)."""


def _output_options(command: F) -> F:
    command = wait_option(WRITER_WAIT_HELP)(command)
    command = quiet_option(command)
    command = click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
                           help="Write the import report (rows, errors by file, line and column) as JSON here.")(command)
    command = click.option("--no-reference", is_flag=True,
                           help="Leave out the ontology and reference code sets (they are included by default).")(command)
    command = click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                           help="Load each import's named graph into the embedded Oxigraph store in this folder.")(command)
    command = click.option("--source-id", metavar="ID",
                           help="The source key of this import (default: the table's file name; for the MCD, one "
                                "key, so a newer export replaces the older). Importing the same source again replaces it.")(command)
    command = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                           help="Write the graph here (.ttl .trig .nt .nq .jsonld), atomically.")(command)
    return command


def _finish(ctx: click.Context, batch: ImportBatch, output: Path | None, store_dir: Path | None, no_reference: bool,
            report_path: Path | None) -> None:
    import json

    from ..api import load_import_into_store, open_store, search_index, write_atomically, write_import
    from ..coverage.table import keep_matrix

    if report_path is not None:
        write_atomically(report_path, (json.dumps(batch.report_json(), indent=2) + "\n").encode("utf-8"))
    for error in batch.errors:
        click.echo(f"codegraph: skipped {error}", err=True)
    if not batch.assertions:
        click.echo("codegraph: error: no row could be imported; nothing was written", err=True)
        ctx.exit(EXIT_INPUT)
    if output is not None:
        write_import(batch, output, include_reference=not no_reference)
    quads = None
    if store_dir is not None:
        with open_store(store_dir, create=True, timeout=store_wait()) as store:
            with stage("loading", "source") as progress:
                load_import_into_store(batch, store, include_reference=not no_reference, progress=progress)
            with stage("indexing", "name"):
                search_index(store)  # kept beside the store: 'codegraph find' then answers at once
                keep_matrix(store)  # so is the coverage matrix: 'codegraph coverage matrix' too
            quads = store.triple_count()
    click.echo(f"rows:       {batch.rows_read} read, {batch.assertions} coverage assertion(s), {len(batch.errors)} failed")
    click.echo(f"policies:   {batch.policies}")
    for records in batch.imports:
        files = ", ".join(source.path for source in records.sources[:3]) + (" ..." if len(records.sources) > 3 else "")
        click.echo(f"source:     {records.source_key}  -> {records.graph}  <- {files}")
    if output is not None:
        click.echo(f"written:    {output}")
    if store_dir is not None:
        click.echo(f"store:      {store_dir} ({quads} quads)")
    ctx.exit(EXIT_INPUT if batch.errors else EXIT_OK)


def _need_target(output: Path | None, store_dir: Path | None) -> None:
    if output is None and store_dir is None:
        raise click.UsageError("say where the graph goes: -o FILE, --store DIR, or both")


@import_group.command("payer-policy")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_output_options
@click.pass_context
def payer_policy(ctx: click.Context, files: tuple[Path, ...], output: Path | None, source_id: str | None,
                 store_dir: Path | None, no_reference: bool, report_path: Path | None) -> None:
    """Import payer policy CSV FILES: one row per code and payer (columns in docs/imports.md).
    Each file is a source: importing an edited file again replaces what it gave before."""
    from ..api import import_payer_policy

    _need_target(output, store_dir)
    if source_id is not None and len(files) != 1:
        raise click.UsageError("--source-id names one table; give one file with it")
    with stage("reading", "file", total=len(files)):
        batch = import_payer_policy(files, source_id=source_id)
    _finish(ctx, batch, output, store_dir, no_reference, report_path)


@import_group.command("mcd")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_output_options
@click.pass_context
def mcd(ctx: click.Context, folder: Path, output: Path | None, source_id: str | None, store_dir: Path | None,
        no_reference: bool, report_path: Path | None) -> None:
    """Import the CMS Medicare Coverage Database "current articles" CSV tables unzipped in FOLDER.
    A newer export replaces the one imported before."""
    from ..api import import_mcd

    _need_target(output, store_dir)
    with stage("reading", "table"):
        batch = import_mcd(folder, source_id=source_id)
    _finish(ctx, batch, output, store_dir, no_reference, report_path)
