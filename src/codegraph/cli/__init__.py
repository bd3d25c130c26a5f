"""The ``codegraph`` command line: thin commands over the public API.

Exit codes (also in ``codegraph --help``):
  0  success
  1  validation findings at or above --fail-on
  2  usage or input error (bad document, bad RDF file, unknown query or parameter)
  3  SPARQL endpoint error
Diagnostics go to stderr, data to stdout. ``--debug`` shows the traceback of an error.
"""

from __future__ import annotations

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


_register()


def main(argv: list[str] | None = None) -> None:
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
        click.echo(f"codegraph: endpoint error: {error}", err=True)
        code = EXIT_ENDPOINT
    except (CodegraphError, OSError) as error:
        if debug:
            traceback.print_exc()
        click.echo(f"codegraph: error: {error}", err=True)
        code = EXIT_INPUT
    sys.exit(code if isinstance(code, int) else EXIT_OK)
