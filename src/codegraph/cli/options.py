"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

from ..store import GraphStore, open_store


def graph_source_options(command):
    """``--data FILE`` or ``--store DIR``: where a command reads the graph from."""
    command = click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Read the embedded Oxigraph store in this folder (made by 'codegraph build --store').",
    )(command)
    command = click.option(
        "--data",
        "data_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read this RDF file (Turtle, TriG, N-Triples, N-Quads, JSON-LD) into memory.",
    )(command)
    return command


def open_source(data_file: Path | None, store_dir: Path | None) -> GraphStore:
    if (data_file is None) == (store_dir is None):
        raise click.UsageError("give the graph with exactly one of --data FILE or --store DIR")
    if store_dir is not None and not store_dir.is_dir():
        raise click.UsageError(f"{store_dir}: no store there; make one with 'codegraph build PATH --store {store_dir}'")
    return open_store(data=data_file, store=store_dir)
