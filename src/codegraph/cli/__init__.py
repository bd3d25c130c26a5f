"""The ``codegraph`` command line: thin commands over the public API.

Exit codes (also in ``codegraph --help``; the README's table lists the cases):
  0  success
  1  validation findings at or above --fail-on
  1  (find) nothing matches
  2  usage or input error (bad document, RDF file, table or parameter; something in a build folder
     that is not a page; an output that cannot be written; serve on a port in use)
  3  SPARQL endpoint error (unreachable, HTTP error, out of time, answer too large or malformed)
Diagnostics go to stderr, data to stdout. ``--debug`` shows the traceback of an error.
"""

from __future__ import annotations

import re
import sys
import traceback

import click

from ..errors import CodegraphError, EndpointError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_ENDPOINT = 0, 1, 2, 3


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 ok; 1 findings at or above --fail-on; 2 usage or input error; 3 endpoint error.",
)
@click.option("--debug", is_flag=True, help="Show the full traceback when a command fails.")
@click.version_option(package_name="codegraph")
def cli(debug: bool) -> None:
    """Turn billing-code overview documents into a validated, queryable RDF knowledge graph."""


def _register() -> None:
    from . import build_cmd, export_cmd, extract_cmd, query_cmd, validate_cmd

    cli.add_command(extract_cmd.extract)
    cli.add_command(build_cmd.build)
    cli.add_command(validate_cmd.validate)
    cli.add_command(query_cmd.query)
    cli.add_command(export_cmd.export)
    from . import vocab_cmd

    cli.add_command(vocab_cmd.vocab)
    from . import coverage_cmd, import_cmd

    cli.add_command(import_cmd.import_group)
    cli.add_command(coverage_cmd.coverage)
    from . import push_cmd, serve_cmd

    cli.add_command(push_cmd.push)
    cli.add_command(serve_cmd.serve)
    from . import site_cmd

    cli.add_command(site_cmd.site)
    from . import find_cmd

    cli.add_command(find_cmd.find)


_register()


# The library's messages name parameters; on the command line they are flags.
_FLAG_WORDS = (
    (re.compile(r"\bneeds parameter (\w+)"), r"needs --param \1=VALUE"),
    (re.compile(r"\bparameter (\w+) must\b"), r"--param \1 must"),
    (re.compile(r"\bthe endpoint timeout\b"), "--endpoint-timeout"),
    (re.compile(r"\bthe endpoint answer limit\b"), "--endpoint-max-answer (MB)"),
    (re.compile(r"\bparameter (\w+) cannot be bound\b"), r"--param \1 cannot be bound"),
    (re.compile(r"\bthe update endpoint or the Graph Store URL\b"), "--update-endpoint or --gsp-endpoint URL"),
    (re.compile(r"\bthe Graph Store URL\b"), "--gsp-endpoint URL"),
    (re.compile(r"\bserve the store writable\b"), "serve the store with --writable"),
    (re.compile(r"\bthe pyshacl engine\b"), "--engine pyshacl"),
    (re.compile(r"\(timeout=SECONDS\)"), "(--wait SECONDS)"),
    (re.compile(r"^(date|code|payer): "), r"--\1: "),
    (re.compile(r"^diagnosis: "), "--dx: "),
    (re.compile(r"^place_of_service: "), "--pos: "),
    (re.compile(r"^line_of_business: "), "--line-of-business: "),
)


def cli_message(error: BaseException) -> str:
    """An error's message in the command line's words (flags, not parameter names), with any
    control characters it quotes shown as escapes."""
    from ..tabular import printable

    message = printable(str(error))
    for pattern, flag in _FLAG_WORDS:
        message = pattern.sub(flag, message)
    return message


def main(argv: list[str] | None = None) -> None:
    """Run the command line with ``argv`` (default: the process's arguments) and exit with its code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        code = cli.main(args=args, prog_name="codegraph", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        code = EXIT_INPUT
    except click.ClickException as error:
        error.show()
        code = EXIT_INPUT
    except EndpointError as error:
        if debug:
            traceback.print_exc()
        click.echo(f"codegraph: endpoint error: {cli_message(error)}", err=True)
        code = EXIT_ENDPOINT
    except (CodegraphError, OSError) as error:
        if debug:
            traceback.print_exc()
        click.echo(f"codegraph: error: {cli_message(error)}", err=True)
        code = EXIT_INPUT
    sys.exit(code if isinstance(code, int) else EXIT_OK)
