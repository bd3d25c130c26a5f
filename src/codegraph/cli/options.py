"""Options shared by several commands: where a command reads (or pushes) the graph.

A graph comes from exactly one of ``--data FILE`` (rdflib in memory), ``--store DIR`` (the
embedded Oxigraph store) or ``--endpoint URL`` (a SPARQL 1.1 server). The endpoint options are
kept in the click context rather than passed as arguments, so every command that takes
``graph_source_options`` (or ``endpoint_options``) gains ``--endpoint`` without its signature
changing; ``open_source`` and ``open_endpoint`` read them back. ``--wait`` (how long to wait for
the codegraph processes that hold a store) is kept the same way and read by ``store_wait``.

A command that only reads opens ``--store`` read-only, so any number of them run at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..choices import STORE_WAIT_SECONDS

if TYPE_CHECKING:  # the stores load rdflib: imported when a command runs, not for --help
    from ..store import GraphStore
    from ..store.remote import RemoteStore

_ENDPOINT_KEY = "codegraph.endpoint"
_WAIT_KEY = "codegraph.wait"


@dataclass
class EndpointOptions:
    """The ``--endpoint`` options of one command, gathered by their callbacks."""
    url: str | None = None
    update_url: str | None = None
    gsp_url: str | None = None
    union_default_graph: bool = False
    timeout: float = 60.0
    retries: int = 3
    max_answer_mb: int = 512


F = TypeVar("F", bound=Callable[..., Any])


def _remember(field_name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        options = ctx.meta.setdefault(_ENDPOINT_KEY, EndpointOptions())
        if value is not None:
            setattr(options, field_name, value)
        return value

    return callback


def endpoint_options(command: F) -> F:
    """``--endpoint URL`` and what goes with it (auth comes from the environment only)."""
    specs: list[tuple[str, str, dict[str, Any]]] = [
        ("--endpoint-retries", "retries", dict(type=click.IntRange(min=0), default=3, show_default=True,
                                               help="Retries, with back-off, on connection refused and HTTP 502/503/504.")),
        ("--endpoint-max-answer", "max_answer_mb", dict(type=click.IntRange(min=1), default=512, show_default=True, metavar="MB",
                                               help="The largest answer to read from the endpoint, in MB.")),
        ("--endpoint-timeout", "timeout", dict(type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
                                               help="Seconds for each request to the endpoint, all retries included.")),
        ("--union-default-graph", "union_default_graph", dict(is_flag=True, default=False,
                                               help="The server's default graph is the union of its named graphs "
                                                    "(Virtuoso, QLever, 'codegraph serve', Fuseki with unionDefaultGraph): "
                                                    "query it as is without asking the server first.")),
        ("--gsp-endpoint", "gsp_url", dict(metavar="URL", help="The Graph Store Protocol URL, for push (default for an "
                                               "Oxigraph server: /store; Fuseki: /ds/data; Virtuoso: /sparql-graph-crud).")),
        ("--update-endpoint", "update_url", dict(metavar="URL", help="The SPARQL Update URL where the server splits it "
                                               "from queries (default: /update for an Oxigraph server, else the query URL).")),
        ("--endpoint", "url", dict(metavar="URL", help="A SPARQL 1.1 query endpoint, e.g. http://127.0.0.1:7878/query. "
                                   "Credentials come from CODEGRAPH_ENDPOINT_TOKEN (bearer) or "
                                   "CODEGRAPH_ENDPOINT_USER + CODEGRAPH_ENDPOINT_PASSWORD (basic).")),
    ]
    for flag, field_name, settings in specs:
        command = click.option(flag, expose_value=False, callback=_remember(field_name), **settings)(command)
    return command


def _remember_wait(ctx: click.Context, _param: click.Parameter, value: float) -> float:
    ctx.meta[_WAIT_KEY] = value
    return value


def wait_option(help_text: str) -> Callable[[F], F]:
    """``--wait SECONDS``: how long opening the store waits for the processes that hold it."""
    return click.option("--wait", type=click.FloatRange(min=0), default=STORE_WAIT_SECONDS, show_default=True,
                        metavar="SECONDS", expose_value=False, callback=_remember_wait, help=help_text)


READER_WAIT_HELP = "While a codegraph process writes --store DIR (build, import), wait this long for it to finish."
WRITER_WAIT_HELP = ("While other codegraph processes read or write --store DIR, wait this long for them to finish "
                    "('codegraph serve' reads until stopped: then this stops at once).")


def store_wait() -> float:
    """The ``--wait`` of the running command (the default outside one)."""
    ctx = click.get_current_context(silent=True)
    return float(ctx.meta.get(_WAIT_KEY, STORE_WAIT_SECONDS)) if ctx is not None else STORE_WAIT_SECONDS


def file_source_options(command: F) -> F:
    """``--data FILE`` or ``--store DIR``: a local graph."""
    command = wait_option(READER_WAIT_HELP)(command)
    command = click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Read the embedded Oxigraph store in this folder (made by 'codegraph build --store').",
    )(command)
    command = click.option(
        "--data",
        "data_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Read this RDF file (Turtle, TriG, N-Triples, N-Quads, JSON-LD) into memory.",
    )(command)
    return command


def graph_source_options(command: F) -> F:
    """``--data FILE``, ``--store DIR`` or ``--endpoint URL``: where a command reads the graph from."""
    return file_source_options(endpoint_options(command))


def _endpoint_settings() -> EndpointOptions:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return EndpointOptions()
    return ctx.meta.get(_ENDPOINT_KEY) or EndpointOptions()


def open_endpoint(required: bool = True) -> RemoteStore | None:
    """The ``RemoteStore`` the ``--endpoint`` options name (None when none was given and not required)."""
    settings = _endpoint_settings()
    if settings.url is None:
        if required:
            raise click.UsageError("give the server with --endpoint URL, e.g. --endpoint http://127.0.0.1:7878/query")
        return None
    from ..api import open_endpoint as open_remote

    return open_remote(settings.url, settings.update_url, settings.gsp_url, timeout=settings.timeout,
                       retries=settings.retries, union_default_graph=settings.union_default_graph or None,  # None: ask the server
                       max_answer_mb=settings.max_answer_mb)


def open_file_source(data_file: Path | None, store_dir: Path | None) -> GraphStore:
    """``--data FILE`` or ``--store DIR``, exactly one; a store must exist already, and is opened
    read-only (beside other readers), waiting ``--wait`` seconds for a writer."""
    from ..api import open_graph_file, open_store

    if (data_file is None) == (store_dir is None):
        raise click.UsageError("give the graph with exactly one of --data FILE or --store DIR")
    if store_dir is not None:
        return open_store(store_dir, read_only=True, timeout=store_wait())
    assert data_file is not None
    return open_graph_file(data_file)


def open_source(data_file: Path | None, store_dir: Path | None) -> GraphStore:
    """The graph a command reads: exactly one of --data FILE, --store DIR or --endpoint URL."""
    settings = _endpoint_settings()
    given = sum(x is not None for x in (data_file, store_dir, settings.url))
    if given != 1:
        raise click.UsageError("give the graph with exactly one of --data FILE or --store DIR, or --endpoint URL")
    if settings.url is not None:
        remote = open_endpoint()
        assert remote is not None
        return remote
    return open_file_source(data_file, store_dir)


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def date_option(help_text: str) -> Callable[[F], F]:
    """``--date YYYY-MM-DD``: the one way every command takes a day (default: today)."""
    return click.option("--date", "day", callback=_parse_day, metavar="YYYY-MM-DD", help=f"{help_text} [default: today]")


def source_label(data_file: Path | None, store_dir: Path | None) -> str:
    """How reports name the graph they were made from."""
    if data_file is not None:
        return f"the file {data_file.name}"
    if store_dir is not None:
        return f"the store {store_dir.name}"
    settings = _endpoint_settings()
    if not settings.url:
        return "a SPARQL endpoint"
    from ..store.endpoint import redact_url

    return f"the endpoint {redact_url(settings.url)}"
