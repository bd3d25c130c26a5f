"""``codegraph vocab list|export``: the reference code sets on their own."""

from __future__ import annotations

from pathlib import Path

import click

from ..choices import EXPORT_FORMAT_CHOICES
from .output import emit_bytes


@click.group()
def vocab() -> None:
    """List and export the reference code sets (SKOS concept schemes)."""


@vocab.command("list")
def list_vocabularies() -> None:
    """Name, size, title and source of each code set."""
    from ..api import vocabularies

    for summary in vocabularies():
        note = f"  ({summary.note})" if summary.note else ""
        click.echo(f"{summary.name:<17} {summary.concepts:>6} concepts  {summary.title}  [{summary.source}]{note}")


@vocab.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMAT_CHOICES), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
def export_vocabulary(name: str, fmt: str, output: Path | None) -> None:
    """Export the code set NAME (see 'codegraph vocab list')."""
    from ..api import export_vocabulary as export

    emit_bytes(export(name, fmt), output)
