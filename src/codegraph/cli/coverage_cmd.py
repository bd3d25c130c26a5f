"""``codegraph coverage check|matrix|disagreements``: coverage answers, all from one rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..choices import LINES_OF_BUSINESS
from .options import date_option, graph_source_options, open_source


@click.group()
def coverage() -> None:
    """Coverage answers from the graph's payer policies, Medicare articles and documents. The check,
    the matrix and the disagreements apply one rule, so they always agree."""


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
    """Answer covered / not covered / conditional / conflict / varies (by line of business) /
    unknown, whether prior authorization is needed, why (the assertions and policies used, and those
    set aside) and where each came from. Unknown is an answer, not an error: the exit code is 0. A
    code, payer, place of service or diagnosis the graph does not hold is refused (exit 2) with the
    closest matches."""
    import json

    from ..api import check_coverage

    with open_source(data_file, store_dir) as source:
        answer = check_coverage(source, code, payer, on=day, diagnosis=diagnosis, place_of_service=place_of_service,
                                line_of_business=line_of_business)
    from ..tabular import printable
    from .output import echo

    if fmt == "json":
        echo(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(printable(answer.render_text()), nl=False)


@coverage.command("matrix")
@date_option("What is in effect on this day.")
@click.option("--code", help="Only this code, e.g. J7321.")
@click.option("--payer", help="Only this payer (any case; UHC = UnitedHealthcare).")
@graph_source_options
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
def matrix(day: date | None, code: str | None, payer: str | None, data_file: Path | None, store_dir: Path | None,
           fmt: str) -> None:
    """The code × payer coverage matrix on a date, one cell per line of business, each decided as
    'coverage check' decides it; ×N counts the assertions the status rests on."""
    from ..api import coverage_matrix

    with open_source(data_file, store_dir) as source:
        found = coverage_matrix(source, on=day, code=code, payer=payer)
    from ..tabular import printable

    # graph values are other people's text: text safe for a terminal, CSV cells never formulas
    click.echo(found.render(fmt) if fmt == "json" else printable(found.render(fmt)), nl=False)


@coverage.command("disagreements")
@date_option("Compare what is in effect on this day.")
@click.option("--code", help="Only this code, e.g. J7321.")
@graph_source_options
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
def disagreements(day: date | None, code: str | None, data_file: Path | None, store_dir: Path | None, fmt: str) -> None:
    """Codes where payers disagree on a date: one covers the code (outright or with conditions)
    while another does not, from the matrix's cells."""
    import csv
    import io
    import json
    from dataclasses import asdict

    from ..api import coverage_matrix
    from ..tabular.cells import neutralise_formula

    with open_source(data_file, store_dir) as source:
        found = coverage_matrix(source, on=day, code=code)
    pairs = found.disagreements()
    if fmt == "json":
        click.echo(json.dumps({"date": found.date.isoformat(), "disagreements": [asdict(pair) for pair in pairs]},
                              indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["date", "code", "payer", "line_of_business", "status", "policies",
                         "other_payer", "other_line_of_business", "other_status", "other_policies"])
        for pair in pairs:
            writer.writerow([neutralise_formula(value) for value in (
                found.date.isoformat(), pair.code, pair.payer, pair.line_of_business or "", pair.status,
                " ".join(pair.policies), pair.other_payer, pair.other_line_of_business or "", pair.other_status,
                " ".join(pair.other_policies))])
        click.echo(buffer.getvalue(), nl=False)
        return
    click.echo(f"payer disagreements on {found.date.isoformat()}: {len(pairs)}")
    for pair in pairs:
        click.echo(f"  {pair.code}: {_side(pair.payer, pair.line_of_business, pair.status, pair.policies)}"
                   f" / {_side(pair.other_payer, pair.other_line_of_business, pair.other_status, pair.other_policies)}")


def _side(payer: str, line: str | None, status: str, policies: tuple[str, ...]) -> str:
    listed = " [" + ", ".join(policies) + "]" if policies else ""
    return f"{payer}{f' ({line})' if line else ''} {status.replace('-', ' ')}{listed}"
