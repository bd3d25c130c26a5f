"""``codegraph push``: send the graph to a SPARQL 1.1 server, each named graph replaced atomically."""

from __future__ import annotations

from pathlib import Path

import click

from .options import endpoint_options, file_source_options, open_endpoint, open_file_source
from .progress import quiet_option, stage


@click.command()
@file_source_options
@endpoint_options
@click.option("--graph", "graphs", multiple=True, metavar="IRI",
              help="Push only this named graph (repeatable), e.g. one document's graph; default: every graph.")
@click.option("--chunk-triples", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Triples per Graph Store request.")
@click.option("--replace-all", is_flag=True,
              help="Replace every graph, even one the server already holds exactly as the source does.")
@quiet_option
def push(data_file: Path | None, store_dir: Path | None, graphs: tuple[str, ...], chunk_triples: int, replace_all: bool) -> None:
    """Push --data FILE or --store DIR to --endpoint URL with the Graph Store HTTP Protocol.

    Each named graph goes into a staging graph first (PUT, then POST in chunks), its triple count
    is checked, and one SPARQL Update MOVE swaps it in: a failure part-way leaves the previous
    version of that graph on the server. Pushing the whole source also drops the codegraph graphs
    the server holds that the source no longer has (retired pages), so the server mirrors the
    store; other graphs on the server are never touched. A graph the server already holds exactly
    as the source does (compared with what the server holds now) is skipped, unless
    --replace-all. Credentials come from
    CODEGRAPH_ENDPOINT_TOKEN or CODEGRAPH_ENDPOINT_USER/PASSWORD.
    """
    from ..api import push as push_graphs

    source = open_file_source(data_file, store_dir)
    remote = open_endpoint()
    assert remote is not None
    with stage("pushing", "graph") as progress:
        report = push_graphs(source, remote, graphs or None, chunk_triples=chunk_triples, progress=progress,
                             replace_all=replace_all)
    click.echo(f"pushed:    {len(report.graphs)} graph(s), {report.triples} triples "
               f"({len(report.replaced)} replaced, {len(report.added)} new); {len(report.unchanged)} unchanged graph(s) skipped"
               + (f"; dropped {len(report.dropped)} graph(s) the source no longer has" if report.dropped else ""))
    click.echo(f"endpoint:  {report.endpoint}")
