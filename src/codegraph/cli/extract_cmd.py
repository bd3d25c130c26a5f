"""``codegraph extract DOC``: the facts read from one document.

``--format text`` is for reading: one line per fact, and with ``--evidence`` each fact followed
by where it was read (section, line, character span) and the words themselves. The page is
someone else's text, so control characters in it are shown as escapes, never sent raw.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..tabular import printable
from .output import echo


def _where(evidence: dict[str, Any] | None) -> str:
    if not evidence:
        return ""
    quote = " ".join(str(evidence["quote"]).split())
    return f"\n      <- {evidence['section']}, line {evidence['line']}, characters {evidence['start']}-{evidence['end']}: \u201c{quote}\u201d"


def render_text(payload: dict[str, Any], evidence: bool) -> str:
    """The facts as lines for people; with ``evidence``, each fact's source span under it."""
    def ev(item: dict[str, Any] | None, key: str = "evidence") -> str:
        return _where(item.get(key) if item else None) if evidence else ""

    code = payload["code"]
    lines = [f"{code['system']} {code['code']} (category {code['category']}): {code['title']}{ev(code)}"]
    if payload.get("description"):
        lines.append(f"description: {payload['description']}{ev(payload, 'description_evidence')}")
    lines.append(f"service type: {payload['service_type'] or '-'}{ev(payload, 'service_type_evidence')}")
    site = payload["site_of_service"]
    if site:
        candidates = "".join(f"; {c['phrase']!r} -> POS {' or '.join(c['pos'])}" for c in site.get("pos_candidates", []))
        lines.append(f"site of service: {site['text']} -> POS {', '.join(site['pos']) or '-'}{candidates}{ev(site)}")
    else:
        lines.append("site of service: -")
    if payload["anatomy"]:
        for item in payload["anatomy"]:
            lines.append(f"anatomy: {item['label']}{ev(item)}")
    else:
        lines.append("anatomy: -")
    for step in payload["steps"]:
        lines.append(f"  step {step['order']:>2} [{step['kind']}] {step['text']}{ev(step)}")
    for concept in payload.get("concepts", []):
        hedge = "" if concept.get("asserted", True) else " (not asserted)"
        lines.append(f"concept [{concept['role']}] {concept['label']}{hedge}{ev(concept)}")
    lines.append(f"payers: {', '.join(payload['payers']) or '-'}")
    for item in payload.get("coverage", []):
        policy = f", policy {item['policy_id']}" if item.get("policy_id") else ""
        lines.append(f"coverage: {item['payer']}: {item['status']}, prior authorization {item['prior_auth']}{policy}{ev(item)}")
    for key, label, field in (("modifiers", "modifier", "code"), ("taxonomies", "taxonomy", "code"),
                              ("icd10", "ICD-10-CM", "code"), ("related_codes", "related code", "code")):
        for item in payload.get(key, []):
            text = item.get(field) or item.get("text") or ""
            description = f" ({item['description']})" if item.get("description") else ""
            lines.append(f"{label}: {text}{description}{ev(item)}")
    lines.append(f"declared unavailable: {', '.join(payload['unavailable']) or '-'}")
    if evidence:
        for statement in payload.get("unavailable_statements", []):
            lines.append(f"  unavailable: {', '.join(statement['facets'])}{ev(statement)}")
    return "\n".join(lines) + "\n"


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
        echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        click.echo(printable(render_text(payload, evidence)), nl=False)
    for warning in payload["warnings"]:
        click.echo(f"warning: {printable(warning)}", err=True)
