"""``codegraph coverage check``: is a code covered by a payer, and does it need prior authorization?"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..choices import LINES_OF_BUSINESS
from .options import date_option, graph_source_options, open_source


@click.group()
def coverage() -> None:
    """Coverage answers from the graph's payer policies, Medicare articles and documents."""


@coverage.command("check")
@click.option("--code", required=True, help="The CPT or HCPCS code, e.g. 20610, 0627T, J7321.")
@click.option("--payer", required=True,
              help="A payer's name (any case; UHC = UnitedHealthcare), or a Medicare contractor's jurisdiction (J-L) or number.")
@click.option("--dx", "diagnosis", help="The ICD-10-CM diagnosis on the claim, e.g. M17.11.")
@click.option("--pos", "place_of_service", help="The CMS place of service, e.g. 11 (office).")
@date_option("The date of service.")
@click.option("--line-of-business", type=click.Choice(LINES_OF_BUSINESS), help="Only assertions for this line of business.")
@graph_source_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(code: str, payer: str, diagnosis: str | None, place_of_service: str | None, day: date | None,
          line_of_business: str | None, data_file: Path | None, store_dir: Path | None, fmt: str) -> None:
    """Answer covered / not covered / conditional / conflict / unknown, whether prior authorization
    is needed, why (the assertions and policies used, and those set aside) and where each came from.
    Unknown is an answer, not an error: the exit code is 0."""
    import json

    from ..api import check_coverage

    answer = check_coverage(open_source(data_file, store_dir), code, payer, on=day,
                            diagnosis=diagnosis, place_of_service=place_of_service, line_of_business=line_of_business)
    from ..tabular import printable
    from .output import echo

    if fmt == "json":
        echo(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(printable(answer.render_text()), nl=False)
