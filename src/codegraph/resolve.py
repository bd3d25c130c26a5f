"""Resolvable IRIs: a small HTTP front that answers a GET on a codegraph IRI by content
negotiation, and passes everything else to the Oxigraph SPARQL server behind it.

``https://w3id.org/codegraph/<path>`` redirects (``docs/w3id/.htaccess``) to ``<server>/<path>``,
and the front answers:

- ``/code/<system>/<code>`` (e.g. ``/code/CPT/1001T``): the code's neighbourhood (the
  ``code-neighbourhood`` query: the code, its facts, their evidence, documents, payers, policies)
  as Turtle or JSON-LD, or as HTML: the site's code page when ``site`` is given, else a page of
  the code's triples;
- ``/id/...``, ``/vocab/...``: the triples whose subject is that IRI (every named graph);
- ``/ontology``: the ontology file; ``/context.jsonld``: the published JSON-LD context;
- anything else (``/query``, ``/update``, ``/store``, the query UI at ``/``): proxied to Oxigraph.

Media types: ``text/turtle``, ``application/ld+json``, ``application/n-triples``, ``text/html``
(the default for a browser's ``Accept``), chosen by the ``Accept`` header's q-values. Standard
library only (``http.server``): one process, a thread per request, for local use and behind a
proxy; not an internet-facing server.
"""

from __future__ import annotations

import html
import http.server
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from .export import serialize
from .rdf.namespaces import BASE, bind_prefixes
from .resources import context_file, ontology_file
from .store.base import GraphStore

TURTLE, JSONLD, NTRIPLES, HTML = "text/turtle", "application/ld+json", "application/n-triples", "text/html"
_FORMATS = {TURTLE: "turtle", JSONLD: "jsonld", NTRIPLES: "nt"}
_OFFERED = [HTML, TURTLE, JSONLD, NTRIPLES]
_CODE_PATH = re.compile(r"^/code/(CPT|HCPCS|ICD-10-CM)/([A-Za-z0-9.\-]+)$")


def negotiate(accept: str | None, offered: list[str] = _OFFERED) -> str:
    """The offered media type the ``Accept`` header prefers (q-values, then the client's order;
    ``*/*`` or no header: the first offered)."""
    if not accept:
        return offered[0]
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, quality = fields[0].lower(), 1.0
        for parameter in fields[1:]:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        for candidate in offered:
            if media in (candidate, "*/*") or (media.endswith("/*") and candidate.startswith(media[:-1])):
                key = (-quality, position if media != "*/*" else len(offered) + offered.index(candidate), candidate)
                if best is None or key < best:
                    best = key
    return best[2] if best else offered[0]


def describe(store: GraphStore, iri: URIRef) -> Dataset:
    """The triples whose subject is ``iri``, each in its named graph."""
    dataset = bind_prefixes(Dataset(default_union=True))
    for s, p, o, g in store.quads(subject=iri):
        if isinstance(g, URIRef):
            dataset.graph(g).add((s, p, o))
    return dataset


def _html_page(title: str, dataset: Dataset | Graph) -> bytes:
    rows = []
    for s, p, o in sorted(set(dataset.triples((None, None, None))), key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        cells = []
        for term in (s, p, o):
            text = html.escape(str(term))
            cells.append(f'<a href="{text}">{text}</a>' if isinstance(term, URIRef) and str(term).startswith(("http://", "https://")) else text)
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\"></head><body>"
            f"<h1>{html.escape(title)}</h1><p>Also as <code>text/turtle</code> and <code>application/ld+json</code> (Accept header).</p>"
            f"<table><tr><th>subject</th><th>predicate</th><th>object</th></tr>{''.join(rows)}</table></body></html>")
    return body.encode("utf-8")


class Front:
    """What the HTTP handler asks: a store to read (the SPARQL server's), where to proxy, the site."""

    def __init__(self, store: GraphStore, backend: str, site: Path | None = None):
        self.store = store
        self.backend = backend.rstrip("/")
        self.site = site

    def answer(self, path: str, accept: str | None) -> tuple[int, str, bytes] | None:
        """(status, media type, body) for a codegraph IRI's path, or None to proxy it."""
        path = urllib.parse.unquote(path.split("?", 1)[0])
        if path == "/context.jsonld":
            return 200, JSONLD, context_file().read_bytes()
        if path in ("/ontology", "/ontology/"):
            media = negotiate(accept, [TURTLE, JSONLD, NTRIPLES, HTML])
            graph = Graph().parse(ontology_file())
            if media == HTML:
                return 200, HTML, _html_page("codegraph ontology", graph)
            return 200, media, serialize(graph, _FORMATS[media])
        code = _CODE_PATH.match(path)
        if code:
            return self._code(code.group(1), code.group(2), negotiate(accept))
        if path.startswith(("/id/", "/vocab/")):
            iri = URIRef(BASE + path[1:])
            dataset = describe(self.store, iri)
            if not len(dataset):
                return 404, "text/plain", f"no such IRI in this store: {iri}\n".encode()
            media = negotiate(accept)
            return 200, media, _html_page(str(iri), dataset) if media == HTML else serialize(dataset, _FORMATS[media])
        return None

    def _code(self, system: str, notation: str, media: str) -> tuple[int, str, bytes]:
        from .errors import QueryError
        from .export import code_neighbourhood

        try:
            dataset = code_neighbourhood(self.store, notation)
        except QueryError:
            return 404, "text/plain", f"no {system} code {notation} in this store\n".encode()
        if media != HTML:
            return 200, media, serialize(dataset, _FORMATS[media])
        page = self.site / "codes" / f"{system}-{notation}.html" if self.site else None
        if page is not None and page.is_file():
            return 200, HTML, page.read_bytes()
        return 200, HTML, _html_page(f"{system} {notation}", dataset)

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        front = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
                pass

            def _send(self, status: int, media: str, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                textual = media in (TURTLE, HTML, NTRIPLES, "text/plain")
                self.send_header("Content-Type", f"{media}; charset=utf-8" if textual else media)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Vary", "Accept")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _proxy(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else None
                request = urllib.request.Request(front.backend + self.path, data=data, method=self.command)
                for name in ("Accept", "Content-Type", "Authorization"):
                    if self.headers.get(name):
                        request.add_header(name, self.headers[name])
                try:
                    with urllib.request.urlopen(request, timeout=300) as response:
                        status, media, body = response.status, response.headers.get("Content-Type", "application/octet-stream"), response.read()
                except urllib.error.HTTPError as error:
                    status, media, body = error.code, error.headers.get("Content-Type", "text/plain"), error.read()
                self._send(status, media, body)

            def _get(self) -> None:
                answer = front.answer(self.path, self.headers.get("Accept"))
                if answer is None:
                    self._proxy()
                else:
                    self._send(*answer)

            do_GET = _get
            do_HEAD = _get
            do_POST = _proxy
            do_PUT = _proxy
            do_DELETE = _proxy

        return Handler


def serve_front(store: GraphStore, backend: str, host: str, port: int, site: Path | None = None) -> http.server.ThreadingHTTPServer:
    """An HTTP server (not yet started: call ``serve_forever``) answering codegraph IRIs from
    ``store`` and proxying the rest to ``backend``, the Oxigraph server's base URL."""
    return http.server.ThreadingHTTPServer((host, port), Front(store, backend, site).handler())
