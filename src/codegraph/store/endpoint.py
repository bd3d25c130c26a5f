"""Talking to a SPARQL 1.1 server: where it answers, with which credentials, how patiently, how much.

SPARQLWrapper builds each SPARQL 1.1 Protocol request (the query or update as a form post, the
dataset parameters, content negotiation); a small HTTP client of our own (``http.client``) sends
it, and the Graph Store HTTP Protocol requests (graph uploads). SPARQLWrapper's own transport is
urllib, which could not be kept from three faults found by trying hostile servers:

- **One deadline.** urllib's timeout bounds each socket read, so a server trickling one byte a
  second held the client 244 s with ``--endpoint-timeout 3`` (and four tries). Here the timeout
  bounds the whole request: connecting, sending, every read, every retry and the waits between.
- **A bounded answer.** An answer is read in pieces up to ``max_answer_bytes`` (512 MB by
  default; a 1.4 GB answer ended in a MemoryError); past it the request fails saying so.
- **Credentials stay with their origin.** urllib's redirect handler copies every header,
  ``Authorization`` included, to wherever a server redirects. Here a redirect to another scheme,
  host or port is followed without them.

Credentials come from the environment only (``CODEGRAPH_ENDPOINT_TOKEN`` for a bearer token, or
``CODEGRAPH_ENDPOINT_USER`` and ``CODEGRAPH_ENDPOINT_PASSWORD`` for HTTP basic), never from the
command line, where ``ps`` and shell history would show them: an endpoint URL holding a user or
password is refused. Every URL a message shows is redacted (``redact_url``). Transient failures
(connection refused or reset, HTTP 502/503/504) are retried with back-off within the deadline;
anything else is an ``EndpointError`` naming the URL and the HTTP status. An answer that is not
what the protocol promises (not UTF-8, not SPARQL JSON, odd shapes, IRIs no RDF tool can write)
is an ``EndpointError`` too, never a traceback. ``remote.py`` builds the store on this client.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
import threading
import time
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import INSERT, JSON, POST, SELECT, SPARQLWrapper

from ..errors import EndpointError
from .base import QueryRows

ENV_USER = "CODEGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "CODEGRAPH_ENDPOINT_PASSWORD"
ENV_TOKEN = "CODEGRAPH_ENDPOINT_TOKEN"

DEFAULT_MAX_ANSWER_BYTES = 512 * 1024 * 1024
"""The largest answer read (512 MB): SPARQL JSON takes about ten times its size in memory once
parsed, and a whole-store read of 1,000 pages is about 100 MB. ``--endpoint-max-answer`` raises it."""
MAX_REDIRECTS = 5
TRANSIENT_STATUS = frozenset({502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_ERROR_EXCERPT_BYTES = 64 * 1024  # of an error answer: enough for the server's message
_CHUNK_BYTES = 1024 * 1024
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

T = TypeVar("T")

# -- URLs in messages --------------------------------------------------------------------------

_SECRET_NAME = re.compile(r"token|key|secret|pass|auth|sig|session|credential", re.IGNORECASE)
_QUERY_PAIR = re.compile(r"(?P<name>[^&=;]*)=(?P<value>[^&;]*)")


def redact_url(url: str) -> str:
    """``url`` as a message may show it: no user or password, and no value of a query parameter
    whose name says it is a secret (``?access-token=...``, ``?api_key=...``)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unreadable URL (e.g. a bad IPv6 host): keep only what surely holds no secret
        return re.sub(r"//[^/?#]*@", "//***@", url.split("?", 1)[0])
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]

    def hide(match: re.Match[str]) -> str:
        return f"{match['name']}=***" if _SECRET_NAME.search(match["name"]) else match[0]

    return urlunsplit((parts.scheme, netloc, parts.path, _QUERY_PAIR.sub(hide, parts.query), parts.fragment))


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


# -- credentials -------------------------------------------------------------------------------

_TOKEN = re.compile(r"[\x21-\x7e]+")  # RFC 6750 tokens are visible ASCII


def _has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or 0xD800 <= ord(char) < 0xE000 for char in text)


def auth_headers(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``Authorization`` header the environment asks for (none when nothing is set)."""
    env = os.environ if environ is None else environ
    token, user, password = (env.get(name) or None for name in (ENV_TOKEN, ENV_USER, ENV_PASSWORD))
    if token and (user or password):
        raise EndpointError(f"both {ENV_TOKEN} and {ENV_USER}/{ENV_PASSWORD} are set; set only one kind of endpoint credentials")
    if token:
        if not _TOKEN.fullmatch(token):
            raise EndpointError(f"{ENV_TOKEN} holds a space, a line break or another character a token cannot hold; "
                                "set it to the token alone (visible ASCII)")
        return {"Authorization": f"Bearer {token}"}
    if user or password:
        if not (user and password):
            raise EndpointError(f"{ENV_USER} and {ENV_PASSWORD} go together: set both for HTTP basic auth (or {ENV_TOKEN} for a bearer token)")
        if ":" in user or _has_control(user) or _has_control(password):
            raise EndpointError(f"{ENV_USER} or {ENV_PASSWORD} holds a line break or another control character "
                                f"(or the user a ':'); set them to the user name and password alone")
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")}
    return {}


# -- where the server answers ------------------------------------------------------------------


def _check_url(url: str, what: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks it (a port that is not a number raises)
    except ValueError as error:
        raise EndpointError(f"{what} {redact_url(url)!r} is not a URL ({error}); give e.g. http://127.0.0.1:7878/query") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{what} {redact_url(url)!r} is not an http(s) URL; give e.g. http://127.0.0.1:7878/query")
    if "@" in parts.netloc:
        raise EndpointError(f"{what} {redact_url(url)!r} holds a user name or password; give credentials in "
                            f"{ENV_TOKEN}, or {ENV_USER} and {ENV_PASSWORD}, never in the URL")
    if _has_control(url) or " " in url:
        raise EndpointError(f"{what} {redact_url(url)!r} holds a space or a control character")
    return url


def _sibling(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


@dataclass(frozen=True)
class Endpoint:
    """Where a server answers queries, updates and Graph Store requests, how patiently, and how much."""

    query_url: str
    update_url: str
    gsp_url: str | None = None
    timeout: float = 60.0  # seconds for one whole request: connecting, reading, retries
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    takes_quads: bool = False  # the Graph Store URL also takes N-Quads of many graphs in one POST (Oxigraph's /store)

    @classmethod
    def from_urls(cls, query_url: str, update_url: str | None = None, gsp_url: str | None = None, *,
                  timeout: float = 60.0, retries: int = 3, backoff: float = 0.5,
                  max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES) -> Endpoint:
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
        if timeout <= 0 or retries < 0 or max_answer_bytes < 1:
            raise EndpointError(f"timeout must be > 0, retries >= 0 and the answer bound >= 1 byte "
                                f"(got {timeout}, {retries}, {max_answer_bytes})")
        takes_quads = oxigraph_layout and gsp_url == _sibling(query_url, "store")
        return cls(query_url, update_url, gsp_url, timeout, retries, backoff, max_answer_bytes, takes_quads)


# -- answers -----------------------------------------------------------------------------------

_BAD_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20\ud800-\udfff]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")


def _from_json(url: str, binding: object) -> Node | None:
    """One SPARQL JSON results term as the rdflib term the local stores give for it; a term no RDF
    tool could write back (an IRI with spaces or ``<>``, text with lone surrogates) is an error."""
    if binding is None:
        return None
    if not isinstance(binding, dict) or not isinstance(binding.get("type"), str) or not isinstance(binding.get("value", ""), str):
        raise EndpointError(f"{url}: the answer binds a variable to {_excerpt(repr(binding), 80)}, not a term "
                            "({'type': ..., 'value': ...}); is this a SPARQL query endpoint?")
    kind, value = binding["type"], binding.get("value", "")
    if kind == "uri":
        if not value or _BAD_IRI.search(value):
            raise EndpointError(f"{url}: the answer holds the IRI {_excerpt(repr(value), 120)}, which is not one "
                                "(spaces, controls or <>\"{}|^`\\ in it); codegraph cannot use it")
        return URIRef(value)
    if _SURROGATE.search(value):
        raise EndpointError(f"{url}: the answer holds text with a lone surrogate ({_excerpt(repr(value), 80)}), which is not Unicode text")
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):  # "typed-literal": SPARQL 1.0-era servers (Virtuoso)
        language, datatype = binding.get("xml:lang"), binding.get("datatype")
        if language:
            if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
                raise EndpointError(f"{url}: the answer holds the language tag {_excerpt(repr(language), 40)}, which is not one")
            return Literal(value, lang=language)
        if datatype is None or datatype == _XSD_STRING:  # a simple literal: rdflib writes it without datatype
            return Literal(value)
        if not isinstance(datatype, str) or not datatype or _BAD_IRI.search(datatype):
            raise EndpointError(f"{url}: the answer holds the datatype {_excerpt(repr(datatype), 80)}, which is not an IRI")
        return Literal(value, datatype=URIRef(datatype))
    raise EndpointError(f"{url}: the endpoint returned a term of type {_excerpt(repr(kind), 40)}, which codegraph does not read (RDF-star?)")


def _select_rows(url: str, body: bytes) -> QueryRows:
    """SPARQL 1.1 Query Results JSON as rows, every part of its shape checked."""
    not_results = "is this a SPARQL query endpoint?"
    try:
        result = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise EndpointError(f"{url}: the answer is not UTF-8 ({error.reason} at byte {error.start}); {not_results}") from None
    except (ValueError, RecursionError) as error:  # json.JSONDecodeError is a ValueError; deep nesting recurses
        raise EndpointError(f"{url}: the answer is not SPARQL JSON results ({_excerpt(str(error), 120)}); {not_results}") from None
    if not isinstance(result, dict) or not isinstance(result.get("head"), dict) or not isinstance(result.get("results"), dict):
        raise EndpointError(f"{url}: the answer is not a SELECT result (no 'head'/'results' objects); {not_results}")
    variables = result["head"].get("vars", [])
    if not isinstance(variables, list) or not all(isinstance(name, str) for name in variables):
        raise EndpointError(f"{url}: the answer's head.vars is {type(variables).__name__}, not a list of names; {not_results}")
    bindings = result["results"].get("bindings", [])
    if not isinstance(bindings, list) or not all(isinstance(row, dict) for row in bindings):
        raise EndpointError(f"{url}: the answer's results.bindings is not a list of objects; {not_results}")
    return QueryRows(list(variables), [tuple(_from_json(url, row.get(name)) for name in variables) for row in bindings])


def _excerpt(text: str, limit: int = 300) -> str:
    """Server text fit for a terminal: whitespace folded, control characters shown escaped."""
    text = " ".join(text.split())
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return text[:limit] + ("..." if len(text) > limit else "")


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


# -- one HTTP exchange -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    location: str | None
    body: bytes


class _Failed(Exception):
    """What went wrong with one try: the error to raise, and whether another try may help."""

    def __init__(self, error: EndpointError, transient: bool = False, status: int | None = None, refused: bool = False):
        super().__init__(str(error))
        self.error = error
        self.transient = transient
        self.status = status
        self.refused = refused  # the request surely never reached the server


class _Deadline:
    """The end of one request's time, shared by its tries; ``expired`` once a watchdog fired."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False

    def left(self) -> float:
        return self.end - time.monotonic()

    def renew(self) -> None:
        """A whole ``STREAM_RENEW_BYTES`` more of a streamed answer arrived: its time starts again."""
        self.end = time.monotonic() + self.seconds


STREAM_RENEW_BYTES = 8 << 20
"""A streamed answer (the whole dataset, which may be gigabytes) gets the endpoint timeout for
each this many bytes rather than once: a large answer arriving steadily is not cut, while a
server trickling bytes still cannot hold the client past the timeout."""


class _Watchdog:
    """Cuts the connection when the deadline passes: a blocked read then returns, so no server can
    hold a request longer than the deadline, however slowly it sends. A renewed deadline is
    waited for again."""

    def __init__(self, connection: http.client.HTTPConnection, deadline: _Deadline):
        self.connection = connection
        # The socket, once connected: a response that closes the connection when it ends takes the
        # socket from ``connection`` (its ``sock`` is None then), and must still be cut.
        self.sock: socket.socket | None = None
        self.deadline = deadline
        self.lock = threading.Lock()
        self.cancelled = False
        self._arm(deadline.left())

    def _arm(self, seconds: float) -> None:
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _fire(self) -> None:
        with self.lock:
            if self.cancelled:
                return
            left = self.deadline.left()
            if left > 0:  # renewed while waiting
                self._arm(left)
                return
            self.deadline.expired = True
            sock = self.connection.sock or self.sock
            if sock is not None:
                try:
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: safe beside a TLS read in progress
                except OSError:
                    pass  # already closed

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            self.timer.cancel()


def _watchdog(connection: http.client.HTTPConnection, deadline: _Deadline) -> _Watchdog:
    return _Watchdog(connection, deadline)


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection for ``url`` (through the proxy the environment names, as urllib would) and the
    request target to send on it."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parts.scheme == "https":
            tunnel = http.client.HTTPSConnection(via.hostname or "", via.port or 80, timeout=timeout)
            tunnel.set_tunnel(host, port or 443)
            return tunnel, target
        return http.client.HTTPConnection(via.hostname or "", via.port or 80, timeout=timeout), url
    if parts.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout), target
    return http.client.HTTPConnection(host, port, timeout=timeout), target


def _read(response: http.client.HTTPResponse, limit: int, url: str, sink: _Sink | None = None,
          deadline: _Deadline | None = None) -> bytes:
    if sink is not None:  # handed on piece by piece and kept nowhere here: the deadline bounds it, not ``limit``
        arrived = 0
        while chunk := response.read(_CHUNK_BYTES):
            arrived += len(chunk)
            if deadline is not None and arrived >= STREAM_RENEW_BYTES:
                arrived = 0
                deadline.renew()
            sink(chunk)
        return b""
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _Failed(EndpointError(_too_large(url, limit, f"the server announces {int(declared) / 2**20:.1f} MB")))
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(min(_CHUNK_BYTES, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _Failed(EndpointError(_too_large(url, limit, "it goes on past that")))
        chunks.append(chunk)


def _too_large(url: str, limit: int, how: str) -> str:
    return (f"{url}: the answer is larger than {limit / 2**20:g} MB ({how}); ask for less (a narrower query, "
            "one graph at a time) or raise the endpoint answer limit")


class _Sink:
    """Where a streamed answer goes, piece by piece. Once a piece has gone, a failed try is not
    retried: what was handed on cannot be taken back."""

    def __init__(self, take: Callable[[bytes], None]):
        self.take = take
        self.delivered = False

    def __call__(self, chunk: bytes) -> None:
        self.delivered = True
        self.take(chunk)


def _exchange(method: str, url: str, body: bytes | None, headers: Mapping[str, str], deadline: _Deadline,
              limit: int, sink: _Sink | None = None) -> _Answer:
    """One request and its answer, within ``deadline``; a failure is ``_Failed``."""
    shown = redact_url(url)
    if deadline.left() <= 0:
        raise _Failed(_out_of_time(shown, deadline))
    connection, target = _connection(url, deadline.left())
    timer = _watchdog(connection, deadline)
    try:
        connection.request(method, target, body=body, headers=dict(headers))
        timer.sock = connection.sock
        response = connection.getresponse()
        ok = 200 <= response.status < 300
        data = _read(response, limit, shown, sink, deadline) if ok else response.read(_ERROR_EXCERPT_BYTES)
        if deadline.expired:  # cut mid-answer: http.client may take the cut for the end of the headers or body
            raise _Failed(_out_of_time(shown, deadline))
        return _Answer(response.status, response.reason, response.getheader("Location"), data)
    except _Failed:
        raise
    except ConnectionRefusedError:
        raise _Failed(EndpointError(f"{shown}: cannot reach the endpoint: connection refused; is the server running there?"),
                      transient=True, refused=True) from None
    except (OSError, http.client.HTTPException) as error:
        if deadline.expired or isinstance(error, TimeoutError):  # not retried: a request that ran out of time would again
            raise _Failed(_out_of_time(shown, deadline)) from None
        if isinstance(error, (ConnectionError, http.client.HTTPException)):
            what = _excerpt(str(error) or type(error).__name__, 120)
            raise _Failed(EndpointError(f"{shown}: the connection to the endpoint was lost ({what})"), transient=True) from None
        raise _Failed(EndpointError(f"{shown}: cannot reach the endpoint: {_excerpt(str(error), 200)}")) from None
    finally:
        timer.cancel()
        connection.close()


def _out_of_time(shown: str, deadline: _Deadline) -> EndpointError:
    return EndpointError(f"{shown}: no complete answer within {deadline.seconds:g} s (connecting, reading and retries "
                         "together); raise the endpoint timeout or ask the server less")


def _http_error(shown: str, answer: _Answer) -> _Failed:
    text = _excerpt(answer.body.decode("utf-8", "replace")) if answer.body else ""
    reason = _excerpt(answer.reason or http.client.responses.get(answer.status, ""), 80)
    message = f"{shown}: HTTP {answer.status} {reason}" + (f": {text}" if text else "") + _status_hint(answer.status, text)
    return _Failed(EndpointError(message), answer.status in TRANSIENT_STATUS, answer.status)


class EndpointClient:
    """Requests to one server: SELECT, Update and Graph Store calls, with auth, one deadline per
    request, retries and a bounded answer."""

    def __init__(self, endpoint: Endpoint, *, environ: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.endpoint = endpoint
        self.headers = auth_headers(environ)
        self._sleep = sleep
        self.on_write: Callable[[], None] | None = None  # told after every request that may change the store

    # -- requests -------------------------------------------------------------------------

    def _request(self, method: str, url: str, body: bytes | None, headers: Mapping[str, str], deadline: _Deadline,
                 sink: _Sink | None = None) -> _Answer:
        """One try, following redirects: credentials go only to the origin of ``url``; a redirect
        that would turn a POST into a GET (losing the query) is an error naming where it points."""
        origin, target = _origin(url), url
        for _hop in range(MAX_REDIRECTS + 1):
            sent = dict(headers)
            if _origin(target) == origin:
                sent.update(self.headers)
            answer = _exchange(method, target, body, sent, deadline, self.endpoint.max_answer_bytes, sink)
            if answer.status not in _REDIRECT_STATUS or not answer.location:
                if not 200 <= answer.status < 300:
                    raise _http_error(redact_url(target), answer)
                return answer
            following = urljoin(target, answer.location)
            if urlsplit(following).scheme not in ("http", "https"):
                raise _Failed(EndpointError(f"{redact_url(target)}: the server redirects to {redact_url(following)!r}, not an http(s) URL"))
            if method != "GET" and answer.status not in (307, 308):
                raise _Failed(EndpointError(
                    f"{redact_url(target)}: the server redirects this {method} to {redact_url(following)} with HTTP "
                    f"{answer.status}, which would drop the request; give that URL instead"))
            target = following
        raise _Failed(EndpointError(f"{redact_url(url)}: more than {MAX_REDIRECTS} redirects; give the URL the server answers at"))

    def _retrying(self, url: str, method: str, body: bytes | None, headers: Mapping[str, str], idempotent: bool = True,
                  sink: _Sink | None = None) -> bytes:
        """The answer to one request, retrying transient failures with exponential back-off, all
        within one deadline. A request that may have changed the store (``idempotent=False``) is
        retried only when it surely did not arrive (connection refused, 503)."""
        deadline = _Deadline(self.endpoint.timeout)
        attempts = self.endpoint.retries + 1
        for attempt in range(attempts):
            try:
                return self._request(method, url, body, headers, deadline, sink).body
            except _Failed as failure:
                surely_not_applied = failure.refused or failure.status == 503
                if not failure.transient or not (idempotent or surely_not_applied) or (sink is not None and sink.delivered):
                    raise failure.error from None
                if attempt + 1 == attempts:
                    raise EndpointError(f"{failure.error} (after {attempts} tries)") from None
                pause = self.endpoint.backoff * 2**attempt
                if pause >= deadline.left():
                    raise EndpointError(f"{failure.error} (after {attempt + 1} tries: no time left for another "
                                        f"within {deadline.seconds:g} s; raise the endpoint timeout)") from None
                self._sleep(pause)
        raise AssertionError("unreachable")

    def _protocol_request(self, text: str, form: str, dataset: list[URIRef] | None = None) -> tuple[str, bytes, dict[str, str]]:
        """The SPARQL 1.1 Protocol request SPARQLWrapper builds for a query or update (URL, form
        body, headers); credentials are added per origin when it is sent, never here."""
        wrapper = SPARQLWrapper(self.endpoint.query_url, updateEndpoint=self.endpoint.update_url)
        wrapper.setMethod(POST)  # long queries and dataset lists fit in a form body, not a URL
        wrapper.setOnlyConneg(True)  # content negotiation only: no format=/output= parameters
        with warnings.catch_warnings():  # its guess at the form reads words in comments ("describe")
            warnings.simplefilter("ignore", RuntimeWarning)
            wrapper.setQuery(text)
        wrapper.queryType = form
        if form == SELECT:
            wrapper.setReturnFormat(JSON)
        for graph in dataset or ():
            wrapper.addParameter("default-graph-uri", str(graph))
            wrapper.addParameter("named-graph-uri", str(graph))
        url = self.endpoint.query_url if form == SELECT else self.endpoint.update_url
        try:
            request = wrapper._createRequest()  # the Protocol request, without sending it
        except UnicodeEncodeError as error:
            raise EndpointError(f"{redact_url(url)}: the request holds {error.object[error.start:error.end]!r}, "
                                "which is not Unicode text; nothing was sent") from None
        headers = {name.title(): value for name, value in request.header_items()}
        body = request.data
        assert isinstance(body, bytes)  # a POST form SPARQLWrapper has encoded
        return request.full_url, body, headers

    def select_raw(self, sparql: str, dataset: list[URIRef] | None = None) -> QueryRows:
        """Run a SELECT on the server's own dataset, or with ``dataset`` as its default and named graphs."""
        url, body, headers = self._protocol_request(sparql, SELECT, dataset)
        return _select_rows(redact_url(url), self._retrying(url, "POST", body, headers))

    def update(self, sparql_update: str, idempotent: bool = True) -> None:
        """Run a SPARQL Update at the update endpoint."""
        url, body, headers = self._protocol_request(sparql_update, INSERT)  # any update form: posted as update=
        self._retrying(url, "POST", body, headers, idempotent)
        self._written()

    def _written(self) -> None:
        if self.on_write is not None:
            self.on_write()

    def require_graph_store(self) -> str:
        """The Graph Store Protocol URL, or an error saying how to give it."""
        if self.endpoint.gsp_url is None:
            raise EndpointError(
                f"{redact_url(self.endpoint.query_url)}: no Graph Store endpoint known for this server; give the Graph Store URL "
                "(Fuseki: http://host:3030/ds/data, Virtuoso: http://host:8890/sparql-graph-crud)"
            )
        return self.endpoint.gsp_url

    def _gsp(self, method: str, graph: URIRef, body: bytes | None = None, idempotent: bool = True) -> bytes:
        gsp_url = self.require_graph_store()
        separator = "&" if "?" in gsp_url else "?"
        url = f"{gsp_url}{separator}graph={quote(str(graph), safe='')}"
        if body is not None:
            headers = {"Content-Type": "text/turtle; charset=utf-8"}  # N-Triples is Turtle, and every server reads Turtle
        else:
            headers = {"Accept": "application/n-triples, text/turtle;q=0.9"}
        answer = self._retrying(url, method, body, headers, idempotent=idempotent)
        if method != "GET":
            self._written()
        return answer

    def gsp_put(self, graph: URIRef, ntriples: bytes) -> None:
        """Graph Store PUT: ``graph`` becomes exactly these triples."""
        self._gsp("PUT", graph, ntriples)

    def gsp_post(self, graph: URIRef, ntriples: bytes) -> None:
        """Graph Store POST: add these triples to ``graph``."""
        self._gsp("POST", graph, ntriples, idempotent=False)

    def post_quads(self, nquads: bytes, url: str | None = None) -> None:
        """Add N-Quads of any number of named graphs in one request to the Graph Store URL (or
        ``url``, the same with parameters), only where ``Endpoint.takes_quads``: the Graph Store
        Protocol itself names one graph per request."""
        if not self.endpoint.takes_quads:
            raise EndpointError(f"{redact_url(self.require_graph_store())}: this server is not known to take N-Quads in one request")
        self._retrying(url or self.require_graph_store(), "POST", nquads, {"Content-Type": "application/n-quads"}, idempotent=False)
        self._written()

    def read_dataset(self, take: Callable[[bytes], None]) -> None:
        """Graph Store GET of the whole dataset as N-Quads, handed to ``take`` piece by piece as it
        arrives, only where ``Endpoint.takes_quads`` (Oxigraph's ``/store`` without ``?graph=``):
        nothing is kept here, so the deadline bounds it, not the answer limit."""
        if not self.endpoint.takes_quads:
            raise EndpointError(f"{redact_url(self.require_graph_store())}: this server is not known to give its whole dataset as N-Quads")
        self._retrying(self.require_graph_store(), "GET", None, {"Accept": "application/n-quads"}, sink=_Sink(take))

    def gsp_get_bytes(self, graph: URIRef) -> bytes:
        """Graph Store GET of one graph, as the server wrote it (N-Triples, or Turtle)."""
        return self._gsp("GET", graph)

    def gsp_get(self, graph: URIRef) -> Graph:
        """Graph Store GET of one graph."""
        data = self._gsp("GET", graph)
        result = Graph(identifier=graph)
        try:
            result.parse(data=data.decode("utf-8"), format="turtle")
        except (UnicodeDecodeError, SyntaxError, ValueError) as error:
            raise EndpointError(f"{redact_url(self.require_graph_store())}: the graph <{graph}> came back as no Turtle "
                                f"codegraph can read ({_excerpt(str(error), 160)})") from None
        return result
