"""``codegraph extract DOC``: the facts read from one document."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option("--evidence", is_flag=True, help="Add each fact's evidence (section, character span, line, quote).")
def extract(document: Path, fmt: str, evidence: bool) -> None:
    """Print the facts read from DOCUMENT (the extract JSON contract, docs/extract-contract.md)."""
    from ..api import extract_document

    facts = extract_document(document)
    payload = facts.to_json(evidence=evidence)
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"{payload['code']['system']} {payload['code']['code']} (category {payload['code']['category']}): {payload['code']['title']}")
    click.echo(f"service type: {payload['service_type']}")
    site = payload["site_of_service"]
    click.echo(f"site of service: {site['text']} -> POS {', '.join(site['pos']) or '-'}")
    click.echo(f"anatomy: {', '.join(a['label'] for a in payload['anatomy']) or '-'}")
    for step in payload["steps"]:
        click.echo(f"  step {step['order']:>2} [{step['kind']}] {step['text']}")
    click.echo(f"payers: {', '.join(payload['payers']) or '-'}")
    click.echo(f"declared unavailable: {', '.join(payload['unavailable']) or '-'}")
    for warning in payload["warnings"]:
        click.echo(f"warning: {warning}", err=True)
