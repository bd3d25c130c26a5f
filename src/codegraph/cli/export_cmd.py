"""``codegraph export``: the graph (or one code's neighbourhood) in another RDF format."""

from __future__ import annotations

from pathlib import Path

import click

from ..choices import EXPORT_FORMAT_CHOICES
from .options import graph_source_options, open_source
from .output import emit_bytes
from .progress import quiet_option, stage


@click.command()
@graph_source_options
@click.option("--code", help="Only this code's neighbourhood: the code, its facts and coverage assertions, their evidence, "
                             "documents, payers and policies (e.g. --code 1001T).")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMAT_CHOICES), default="turtle", show_default=True)
@click.option("--expanded", is_flag=True, help="JSON-LD in expanded form (full IRIs, no @context) instead of compacted with codegraph's context.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (atomically) instead of stdout.")
@quiet_option
def export(data_file: Path | None, store_dir: Path | None, code: str | None, fmt: str, expanded: bool, output: Path | None) -> None:
    """Export --data FILE, --store DIR or --endpoint URL as Turtle, TriG, N-Triples, N-Quads,
    JSON-LD or RDF/XML. Every format is written in one canonical order: two exports of the same
    graph are byte-identical, and equal to the file the build wrote. JSON-LD is compacted with
    codegraph's context (https://w3id.org/codegraph/context.jsonld, written inline) unless --expanded."""
    from ..api import code_neighbourhood, export_graph, serialize

    if expanded:
        if fmt != "jsonld":
            raise click.UsageError("--expanded applies to --format jsonld only")
        fmt = "jsonld-expanded"
    source = open_source(data_file, store_dir)
    with stage("exporting", "graph") as progress:
        data = serialize(code_neighbourhood(source, code), fmt) if code is not None else export_graph(source, fmt, progress=progress)
    emit_bytes(data, output)
