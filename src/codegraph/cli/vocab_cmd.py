"""``codegraph vocab list|export``: the reference code sets on their own."""

from __future__ import annotations

from pathlib import Path

import click

from .output import emit_bytes

ICD10CM = "icd10cm"


@click.group()
def vocab() -> None:
    """List and export the reference code sets (SKOS concept schemes)."""


@vocab.command("list")
def list_vocabularies() -> None:
    """Name, size, title and source of each code set."""
    from rdflib import SKOS
    from rdflib.namespace import DCTERMS

    from ..vocab import SCHEMES, scheme_graph
    from ..vocab.icd10cm import SOURCE, release
    from ..vocab.schemes import scheme_iri

    for name in SCHEMES:
        graph = scheme_graph(name)
        size = len(set(graph.subjects(SKOS.inScheme, scheme_iri(name))))
        click.echo(f"{name:<17} {size:>6} concepts  {SCHEMES[name].title}  [{graph.value(scheme_iri(name), DCTERMS.source)}]")
    click.echo(f"{ICD10CM:<17} {'~98500':>6} concepts  {release()}  [{SOURCE}]  (loaded with build --icd10cm)")


@vocab.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "jsonld"]), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def export_vocabulary(name: str, fmt: str, output: Path | None) -> None:
    """Export the code set NAME (see 'codegraph vocab list')."""
    from ..errors import ResourceError
    from ..export import convert_nquads
    from ..rdf.terms import nquad_line
    from ..vocab import SCHEMES, scheme_graph
    from ..vocab.icd10cm import RELEASE_GRAPH, icd10cm_ntriples

    if name == ICD10CM:
        suffix = f" <{RELEASE_GRAPH}> .\n"
        lines = sorted(line[: line.rfind(" .")] + suffix for line in icd10cm_ntriples().splitlines() if line.strip())
    elif name in SCHEMES:
        graph = scheme_graph(name)
        lines = sorted({nquad_line(s, p, o, graph.identifier) for s, p, o in graph})
    else:
        raise ResourceError(f"unknown vocabulary {name!r}; 'codegraph vocab list' shows them")
    emit_bytes(b"".join(convert_nquads(["".join(lines).encode("utf-8")], fmt)), output)
