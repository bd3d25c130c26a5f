"""Talking to a SPARQL 1.1 server: where it answers, with which credentials, how patiently.

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol); graph uploads through the
SPARQL 1.1 Graph Store HTTP Protocol. Every request carries the auth the environment gives
(``CODEGRAPH_ENDPOINT_TOKEN`` for a bearer token, or ``CODEGRAPH_ENDPOINT_USER`` and
``CODEGRAPH_ENDPOINT_PASSWORD`` for HTTP basic: never on the command line, where ``ps`` and shell
history would show them), a timeout, and retries with back-off on transient failures
(connection refused or reset, HTTP 502/503/504). Anything else is an ``EndpointError`` that
names the URL and the HTTP status. ``remote.py`` builds the store on top of this client.
"""

from __future__ import annotations

import ast
import base64
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import INSERT, JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ..errors import EndpointError
from .base import QueryRows

ENV_USER = "CODEGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "CODEGRAPH_ENDPOINT_PASSWORD"
ENV_TOKEN = "CODEGRAPH_ENDPOINT_TOKEN"

TRANSIENT_STATUS = frozenset({502, 503, 504})
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SPARQLWRAPPER_STATUS = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414, EndPointInternalError: 500}

T = TypeVar("T")


def auth_headers(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``Authorization`` header the environment asks for (none when nothing is set)."""
    env = os.environ if environ is None else environ
    token, user, password = (env.get(name) or None for name in (ENV_TOKEN, ENV_USER, ENV_PASSWORD))
    if token and (user or password):
        raise EndpointError(f"both {ENV_TOKEN} and {ENV_USER}/{ENV_PASSWORD} are set; set only one kind of endpoint credentials")
    if token:
        return {"Authorization": f"Bearer {token}"}
    if user or password:
        if not (user and password):
            raise EndpointError(f"{ENV_USER} and {ENV_PASSWORD} go together: set both for HTTP basic auth (or {ENV_TOKEN} for a bearer token)")
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")}
    return {}


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{what} {url!r} is not an http(s) URL; give e.g. http://127.0.0.1:7878/query")
    return url


def _sibling(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


@dataclass(frozen=True)
class Endpoint:
    """Where a server answers queries, updates and Graph Store requests, and how patiently."""

    query_url: str
    update_url: str
    gsp_url: str | None = None
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubles each time

    @classmethod
    def from_urls(cls, query_url: str, update_url: str | None = None, gsp_url: str | None = None, *,
                  timeout: float = 60.0, retries: int = 3, backoff: float = 0.5) -> Endpoint:
        """The endpoint at ``query_url``. An Oxigraph server's query URL (``http://host:port/query``)
        implies its ``/update`` and ``/store``; for other servers a missing update URL means the
        query URL takes updates too (Virtuoso, QLever), and a Graph Store URL must be given to push
        (Fuseki: ``/ds/data``, Virtuoso: ``/sparql-graph-crud``)."""
        _check_url(query_url, "endpoint")
        oxigraph_layout = urlsplit(query_url).path == "/query"
        if update_url is None:
            update_url = _sibling(query_url, "update") if oxigraph_layout else query_url
        if gsp_url is None and oxigraph_layout:
            gsp_url = _sibling(query_url, "store")
        _check_url(update_url, "update endpoint")
        if gsp_url is not None:
            _check_url(gsp_url, "Graph Store endpoint")
        if timeout <= 0 or retries < 0:
            raise EndpointError(f"timeout must be > 0 and retries >= 0 (got {timeout}, {retries})")
        return cls(query_url, update_url, gsp_url, timeout, retries, backoff)


def _from_json(binding: dict[str, str] | None) -> Node | None:
    """One SPARQL JSON results term as the rdflib term the local stores give for it."""
    if binding is None:
        return None
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):  # "typed-literal": SPARQL 1.0-era servers (Virtuoso)
        if binding.get("xml:lang"):
            return Literal(value, lang=binding["xml:lang"])
        datatype = binding.get("datatype")
        if datatype is None or datatype == _XSD_STRING:  # a simple literal: rdflib writes it without datatype
            return Literal(value)
        return Literal(value, datatype=URIRef(datatype))
    raise EndpointError(f"the endpoint returned a term of type {kind!r}, which codegraph does not read (RDF-star?)")


def _response_text(body: bytes | str | None) -> str:
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = " ".join(text.split())
    return text[:300] + ("..." if len(text) > 300 else "")


def _sparqlwrapper_body(error: SPARQLWrapperException) -> str:
    """SPARQLWrapper folds the server's answer into its message as a bytes repr; get it back."""
    message = str(error)
    _head, sep, raw = message.partition("Response:\n")
    if not sep:
        return ""
    try:
        return _response_text(ast.literal_eval(raw.strip()))
    except (ValueError, SyntaxError):
        return _response_text(raw)


READ_ONLY_HINT = ("; the server is read only and takes no updates: push to a writable endpoint "
                  "('codegraph serve --writable', 'oxigraph serve')")


def _status_hint(status: int, body: str = "") -> str:
    if status in (403, 405) and re.search(r"read[- ]only", body, re.IGNORECASE):  # Oxigraph's serve-read-only
        return READ_ONLY_HINT
    if status in (401, 403):
        return f"; check the credentials in {ENV_TOKEN} or {ENV_USER}/{ENV_PASSWORD}, and that they may do this"
    if status == 404:
        return "; check the URL (Oxigraph: /query /update /store; Fuseki: /ds/sparql /ds/update /ds/data; Virtuoso: /sparql /sparql-graph-crud)"
    if status in (405, 415):
        return "; this URL does not take this request: give the update endpoint or the Graph Store URL, or serve the store writable"
    return ""


@dataclass(frozen=True)
class _Failure:
    """What went wrong with one request: the error to raise, and whether a retry may help."""

    error: EndpointError
    transient: bool = False
    status: int | None = None
    refused: bool = False  # the request surely never reached the server


def _failure(url: str, error: BaseException, timeout: float) -> _Failure:
    """Translate what urllib or SPARQLWrapper raised into an ``EndpointError`` naming the URL."""
    if isinstance(error, urllib.error.HTTPError):
        status, body = error.code, _response_text(error.read() if error.fp else None)
        message = f"{url}: HTTP {status} {error.reason}" + (f": {body}" if body else "") + _status_hint(status, body)
        return _Failure(EndpointError(message), status in TRANSIENT_STATUS, status)
    if isinstance(error, SPARQLWrapperException):
        status = next((code for kind, code in _SPARQLWRAPPER_STATUS.items() if isinstance(error, kind)), 0)
        body = _sparqlwrapper_body(error)
        message = f"{url}: HTTP {status or '?'} {http.client.responses.get(status, 'error')}" + (f": {body}" if body else "")
        return _Failure(EndpointError(message + _status_hint(status, body)), False, status)
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):  # not retried: a query that ran out of time would again
        return _Failure(EndpointError(f"{url}: no answer within {timeout:g} s; raise the endpoint timeout or ask the server less"))
    if isinstance(reason, ConnectionRefusedError):
        return _Failure(EndpointError(f"{url}: cannot reach the endpoint: connection refused; is the server running there?"), True, None, True)
    if isinstance(reason, (ConnectionError, http.client.HTTPException)):
        what = str(reason) or type(reason).__name__
        return _Failure(EndpointError(f"{url}: the connection to the endpoint was lost ({what})"), True, None)
    return _Failure(EndpointError(f"{url}: cannot reach the endpoint: {reason}"))


def _set_query(wrapper: SPARQLWrapper, text: str, form: str) -> None:
    """Give SPARQLWrapper the query and its form: its own guess reads words in comments (a header
    that says "description" made a SELECT a DESCRIBE)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        wrapper.setQuery(text)
    wrapper.queryType = form


class EndpointClient:
    """Requests to one server: SELECT, Update and Graph Store calls, with auth, timeout and retries."""

    def __init__(self, endpoint: Endpoint, *, environ: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.endpoint = endpoint
        self.headers = auth_headers(environ)
        self._sleep = sleep
        self.on_write: Callable[[], None] | None = None  # told after every request that may change the store

    # -- requests -------------------------------------------------------------------------

    def _retrying(self, url: str, request: Callable[[], T], idempotent: bool = True) -> T:
        """Run ``request``, retrying transient failures with exponential back-off. A request that
        may have changed the store (``idempotent=False``) is retried only when it surely did not
        arrive (connection refused, 503)."""
        attempts = self.endpoint.retries + 1
        for attempt in range(attempts):
            try:
                return request()
            except EndpointError:
                raise
            except (urllib.error.URLError, SPARQLWrapperException, ConnectionError, TimeoutError, http.client.HTTPException) as raw:
                failure = _failure(url, raw, self.endpoint.timeout)
            surely_not_applied = failure.refused or failure.status == 503
            if not failure.transient or not (idempotent or surely_not_applied):
                raise failure.error
            if attempt + 1 == attempts:
                raise EndpointError(f"{failure.error} (after {attempts} tries)") from failure.error
            self._sleep(self.endpoint.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _wrapper(self, url: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(url, updateEndpoint=self.endpoint.update_url)
        wrapper.setMethod(POST)  # long queries and dataset lists fit in a form body, not a URL
        wrapper.setOnlyConneg(True)  # content negotiation only: no format=/output= parameters
        wrapper.setTimeout(int(max(1, round(self.endpoint.timeout))))
        for name, value in self.headers.items():
            wrapper.addCustomHttpHeader(name, value)
        return wrapper

    def select_raw(self, sparql: str, dataset: list[URIRef] | None = None) -> QueryRows:
        """Run a SELECT on the server's own dataset, or with ``dataset`` as its default and named graphs."""
        url = self.endpoint.query_url
        wrapper = self._wrapper(url)
        _set_query(wrapper, sparql, SELECT)
        wrapper.setReturnFormat(JSON)
        for graph in dataset or ():
            wrapper.addParameter("default-graph-uri", str(graph))
            wrapper.addParameter("named-graph-uri", str(graph))

        def run() -> Any:
            response = wrapper.query().response
            try:
                return json.loads(response.read().decode("utf-8"))
            finally:
                response.close()

        try:
            result = self._retrying(url, run)
        except json.JSONDecodeError as error:
            raise EndpointError(f"{url}: the answer is not SPARQL JSON results ({error}); is this a SPARQL query endpoint?") from error
        if not isinstance(result, dict) or "head" not in result or "results" not in result:
            raise EndpointError(f"{url}: the answer is not a SELECT result (no 'head'/'results'); is this a SPARQL query endpoint?")
        variables = list(result["head"].get("vars", []))
        rows = [tuple(_from_json(binding.get(v)) for v in variables) for binding in result["results"].get("bindings", [])]
        return QueryRows(variables, rows)

    def update(self, sparql_update: str, idempotent: bool = True) -> None:
        """Run a SPARQL Update at the update endpoint."""
        url = self.endpoint.update_url
        wrapper = self._wrapper(self.endpoint.query_url)
        _set_query(wrapper, sparql_update, INSERT)  # any update form: SPARQLWrapper then posts it as update=

        def run() -> None:
            wrapper.query().response.close()

        self._retrying(url, run, idempotent=idempotent)
        self._written()

    def _written(self) -> None:
        if self.on_write is not None:
            self.on_write()

    def require_graph_store(self) -> str:
        """The Graph Store Protocol URL, or an error saying how to give it."""
        if self.endpoint.gsp_url is None:
            raise EndpointError(
                f"{self.endpoint.query_url}: no Graph Store endpoint known for this server; give the Graph Store URL "
                "(Fuseki: http://host:3030/ds/data, Virtuoso: http://host:8890/sparql-graph-crud)"
            )
        return self.endpoint.gsp_url

    def _gsp(self, method: str, graph: URIRef, body: bytes | None = None, idempotent: bool = True) -> bytes:
        gsp_url = self.require_graph_store()
        separator = "&" if "?" in gsp_url else "?"
        url = f"{gsp_url}{separator}graph={quote(str(graph), safe='')}"
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "text/turtle; charset=utf-8"  # N-Triples is Turtle, and every server reads Turtle
        else:
            headers["Accept"] = "application/n-triples, text/turtle;q=0.9"

        def run() -> bytes:
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            with urllib.request.urlopen(request, timeout=self.endpoint.timeout) as response:
                data: bytes = response.read()
                return data

        answer = self._retrying(gsp_url, run, idempotent=idempotent)
        if method != "GET":
            self._written()
        return answer

    def gsp_put(self, graph: URIRef, ntriples: bytes) -> None:
        """Graph Store PUT: ``graph`` becomes exactly these triples."""
        self._gsp("PUT", graph, ntriples)

    def gsp_post(self, graph: URIRef, ntriples: bytes) -> None:
        """Graph Store POST: add these triples to ``graph``."""
        self._gsp("POST", graph, ntriples, idempotent=False)

    def gsp_get(self, graph: URIRef) -> Graph:
        """Graph Store GET of one graph."""
        data = self._gsp("GET", graph)
        result = Graph(identifier=graph)
        result.parse(data=data.decode("utf-8"), format="turtle")
        return result
