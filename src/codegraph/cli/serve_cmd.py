"""``codegraph serve``: the embedded store as a local SPARQL endpoint with a query UI.

No server code of our own: this runs the Oxigraph server that the PyPI package ``oxigraph``
installs (a binary named ``oxigraph`` next to the Python interpreter), on the store's folder.
The server inherits codegraph's store locks: served read-only, the store admits other readers
and no writer; served ``--writable``, it is the store's one writer.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys
import sysconfig
from pathlib import Path

import click

from .options import READER_WAIT_HELP, store_wait, wait_option


def oxigraph_server() -> str:
    """The ``oxigraph`` binary of this environment (the ``oxigraph`` package puts it in the
    scripts folder, next to ``python``), else the first on PATH."""
    folders = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
    for folder in folders:
        candidate = folder / "oxigraph"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("oxigraph")
    if found is None:
        raise click.ClickException("the Oxigraph server is not installed here; 'pip install oxigraph' installs it (codegraph depends on it)")
    return found


def server_command(store_dir: Path, bind: str, port: int, writable: bool) -> list[str]:
    """The command line that serves ``store_dir``. The default graph is the union of the named
    graphs, as codegraph's queries expect (clients can pass --union-default-graph)."""
    host = f"[{bind}]" if ":" in bind else bind
    mode = "serve" if writable else "serve-read-only"
    return [oxigraph_server(), mode, "--location", str(store_dir), "--bind", f"{host}:{port}", "--union-default-graph"]


def check_port_free(bind: str, port: int) -> None:
    """Refuse, before anything is printed, an address the server could not listen on: a port in
    use (the server would print its banner, then exit 1), an address not on this machine, a port
    this user may not open. The same socket options the server uses (SO_REUSEADDR on Unix), so a
    port in TIME_WAIT passes and one with a listener does not."""
    try:
        addresses = socket.getaddrinfo(bind, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise click.ClickException(f"--bind {bind}: not an address of this machine ({error.strerror}); give e.g. 127.0.0.1") from None
    family, kind, protocol, _name, address = addresses[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise click.ClickException(f"port {port} on {bind} is in use (another server, or 'codegraph serve' "
                                           f"already running?); stop it or give another --port") from None
            raise click.ClickException(f"cannot listen on {bind} port {port}: {error.strerror or error}; "
                                       "give another --bind or --port") from None


@click.command()
@click.option("--store", "store_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The embedded store folder to serve (made by 'codegraph build --store').")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--writable", is_flag=True, help="Accept SPARQL Update and Graph Store writes (default: read only).")
@wait_option(READER_WAIT_HELP)
@click.option("--resolve", is_flag=True,
              help="Also answer GETs on codegraph IRIs (/code/CPT/1001T, /id/..., /ontology, /context.jsonld) as HTML, Turtle "
                   "or JSON-LD by content negotiation; SPARQL goes on to the Oxigraph server behind.")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              help="With --resolve: a folder written by 'codegraph site', whose code pages answer for codes in HTML.")
def serve(store_dir: Path, port: int, bind: str, writable: bool, resolve: bool, site_dir: Path | None) -> None:
    """Serve --store DIR as a SPARQL 1.1 endpoint with a query UI (the Oxigraph server), read
    only unless --writable. With --resolve, codegraph IRIs resolve too (content negotiation).
    Stops with Ctrl-C."""
    if not store_dir.is_dir():
        raise click.UsageError(f"{store_dir}: no store there; make one with 'codegraph build PATH --store {store_dir}'")
    from ..api import hold_store

    command = server_command(store_dir, bind, port, writable)
    check_port_free(bind, port)
    lock = hold_store(store_dir, write=writable, timeout=store_wait())
    if resolve:  # this process stays, holding the store's locks while its server child runs
        _serve_resolving(store_dir, bind, port, writable, site_dir)
        return
    lock.keep_across_exec()  # the server holds the store's locks until it exits
    host = f"[{bind}]" if ":" in bind else bind
    base = f"http://{host}:{port}"
    if writable and bind not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: anyone who reaches {bind}:{port} can change this store (--writable, no auth)", err=True)
    click.echo(f"SPARQL endpoint: {base}/query ({'read-write: updates at /update, Graph Store at /store' if writable else 'read only'})", err=True)
    click.echo(f"query UI:        {base}/", err=True)
    click.echo(f"try:             codegraph query run payers-for-code --param code=1001T --endpoint {base}/query --union-default-graph", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Replace this process with the server, so Ctrl-C and a supervisor's signals reach it directly.
    os.execv(command[0], command)


def _serve_resolving(store_dir: Path, bind: str, port: int, writable: bool, site_dir: Path | None) -> None:
    """The Oxigraph server on a free local port, and codegraph's front (``resolve.py``) on
    ``bind:port`` before it; both stop together."""
    import socket
    import subprocess
    import time
    import urllib.error
    import urllib.request

    from ..api import linked_data_front

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        inner = probe.getsockname()[1]
    backend = f"http://127.0.0.1:{inner}"
    server = subprocess.Popen(server_command(store_dir, "127.0.0.1", inner, writable))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(backend + "/", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise click.ClickException(f"the Oxigraph server did not start on {backend}") from None
                time.sleep(0.1)
        front = linked_data_front(backend + "/query", bind, port, site_dir)
        host = f"[{bind}]" if ":" in bind else bind
        click.echo(f"codegraph IRIs:  http://{host}:{port}/code/CPT/1001T, /id/..., /ontology, /context.jsonld (HTML, Turtle, JSON-LD)", err=True)
        click.echo(f"SPARQL endpoint: http://{host}:{port}/query (the Oxigraph server, through the front)", err=True)
        try:
            front.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            front.server_close()
    finally:
        server.terminate()
        server.wait(timeout=30)
