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
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMAT_CHOICES),
              help="The RDF format [default: the one the -o file's extension names (.ttl .trig .nt .nq .jsonld .rdf), else turtle].")
@click.option("--expanded", is_flag=True, help="JSON-LD in expanded form (full IRIs, no @context) instead of compacted with codegraph's context.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (atomically) instead of stdout.")
@quiet_option
def export(data_file: Path | None, store_dir: Path | None, code: str | None, fmt: str | None, expanded: bool,
           output: Path | None) -> None:
    """Export --data FILE, --store DIR or --endpoint URL as Turtle, TriG, N-Triples, N-Quads,
    JSON-LD or RDF/XML. Every format is written in one canonical order: two exports of the same
    graph are byte-identical, and equal to the file the build wrote. JSON-LD is compacted with
    codegraph's context (https://w3id.org/codegraph/context.jsonld, written inline) unless --expanded."""
    from ..api import code_neighbourhood, export_graph, serialize

    fmt = _format(fmt, output)
    if expanded:
        if fmt != "jsonld":
            raise click.UsageError("--expanded applies to --format jsonld only")
        fmt = "jsonld-expanded"
    source = open_source(data_file, store_dir)
    with stage("exporting", "graph") as progress:
        data = serialize(code_neighbourhood(source, code), fmt) if code is not None else export_graph(source, fmt, progress=progress)
    emit_bytes(data, output)


def _format(given: str | None, output: Path | None) -> str:
    """--format, or the one the output's extension names; the two must not disagree (a .nq file
    holding Turtle would mislead whoever opens it)."""
    from ..choices import EXPORT_FORMATS, RDF_FILE_FORMATS

    named = RDF_FILE_FORMATS.get(output.suffix.lower()) if output is not None else None
    if given is None:
        return {"json-ld": "jsonld", "xml": "rdfxml"}.get(named, named) if named else "turtle"
    if named is not None and EXPORT_FORMATS[given] != named:
        raise click.UsageError(f"--format {given} does not match {output}, whose extension names {named}; "
                               "drop --format or change the file's extension")
    return given
