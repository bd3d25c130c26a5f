"""``codegraph vocab list|export``: the reference code sets on their own."""

from __future__ import annotations

from pathlib import Path

import click

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
    from ..api import write_atomically
    from ..errors import ResourceError
    from ..rdf.mapper import bind_prefixes
    from ..vocab import SCHEMES, scheme_graph
    from ..vocab.icd10cm import icd10cm_graph, icd10cm_ntriples

    if name == ICD10CM and fmt == "nt":
        data = icd10cm_ntriples()
    elif name == ICD10CM:
        data = bind_prefixes(icd10cm_graph()).serialize(format="json-ld" if fmt == "jsonld" else fmt)
    elif name in SCHEMES:
        data = scheme_graph(name).serialize(format="json-ld" if fmt == "jsonld" else fmt)
    else:
        raise ResourceError(f"unknown vocabulary {name!r}; 'codegraph vocab list' shows them")
    if output is None:
        click.echo(data, nl=False)
    else:
        write_atomically(output, data.encode("utf-8"))
        click.echo(f"written: {output}", err=True)
