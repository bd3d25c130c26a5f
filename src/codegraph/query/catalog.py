"""The ``.rq`` query library: one query per file under ``queries/<topic>/``, with a grlc-style
header the catalog parses into a ``QuerySpec``::

    #+ summary: Payers named for a code, with coverage status and evidence
    #+ params: code
    #+ param.code: the code's notation, e.g. 1001T
    #+ optional: payer
    #+ columns: payer, status, prior_auth, quote
    #+ tags: coverage

A parameter description may start with its type, ``xsd:date``, ``xsd:integer`` or
``xsd:boolean`` (``#+ param.date: xsd:date the day to check``): the value is then bound as a
literal of that datatype and checked first, so ``2025-13-01`` is an error, not an empty result.
``#+ example: code=20610, payer=Aetna`` gives values that return rows on the coverage fixtures;
the README and the tests use them.

A query runs where its caller's data is, so it must not reach out: a ``SERVICE`` clause makes the
engine (rdflib, the embedded Oxigraph store, or a server) send an HTTP request to the address it
names, and a ``FROM <url>`` makes rdflib fetch that URL. The catalog refuses both, unless the
header names the endpoint (``#+ service: <https://sparql.example.org/query>``); ``SERVICE ?var``
is always refused. Parameter names must be plain SPARQL variable names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import CatalogError, UnknownQueryError
from ..resources import queries_dir

_HEADER = re.compile(r"^#\+\s*(?P<key>[\w.-]+)\s*:\s*(?P<value>.*?)\s*$")
PARAM_TYPES = ("xsd:string", "xsd:date", "xsd:integer", "xsd:boolean")
_TYPED_DOC = re.compile(r"^(?P<type>xsd:\w+)(?:\s+(?P<doc>.*))?$")
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# SPARQL's lexical pieces that can hide a keyword: long and short strings, IRIs, comments.
_LEXEME = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')'''
    r'''|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)|(?P<comment>\#[^\n]*)''',
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:.-])SERVICE\s+(?:SILENT\s+)?(?P<target><[^>]*>|[?$]\w*)", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:.-])FROM\s+(?:NAMED\s+)?<", re.IGNORECASE)


@lru_cache(maxsize=256)  # each run of a catalog query binds into the same text: scan it once
def code_only(text: str) -> str:
    """``text`` with its comments and string literals blanked out (same length, same offsets), so a
    keyword found in it is a keyword of the query, not words in a comment or a string."""

    def blank(match: re.Match[str]) -> str:
        if match["iri"]:
            return match[0]
        return "".join(char if char == "\n" else " " for char in match[0])

    return _LEXEME.sub(blank, text)


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class QuerySpec:
    """One catalog query: its text and what its header says (summary, parameters with types and examples, columns, tags)."""
    name: str
    topic: str
    path: Path
    text: str
    summary: str
    params: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    param_docs: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    param_types: dict[str, str] = field(default_factory=dict)  # name -> "xsd:date", ... (absent: plain string)
    examples: dict[str, str] = field(default_factory=dict)  # name -> a value that returns rows on the fixtures
    services: tuple[str, ...] = ()  # endpoints its SERVICE clauses may call (the header's '#+ service:')

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in self.optional)


def parse_query_file(path: Path) -> QuerySpec:
    """Read one ``.rq`` file and its header into a ``QuerySpec``; a malformed header is a ``CatalogError``."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    param_docs: dict[str, str] = {}
    param_types: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match["key"], match["value"]
        if key.startswith("param."):
            name = key[len("param."):]
            typed = _TYPED_DOC.match(value)
            if typed:
                if typed["type"] not in PARAM_TYPES:
                    raise CatalogError(f"{path}: parameter {name!r} has type {typed['type']}; use one of {', '.join(PARAM_TYPES)}")
                param_types[name] = typed["type"]
                value = typed["doc"] or ""
            param_docs[name] = value
        else:
            header[key] = value
    if "summary" not in header:
        raise CatalogError(f"{path}: the query has no '#+ summary:' header line")
    params = _list(header.get("params", ""))
    optional = _list(header.get("optional", ""))
    unknown = set(optional) - set(params)
    if unknown:
        raise CatalogError(f"{path}: '#+ optional:' names {sorted(unknown)} that '#+ params:' does not list")
    examples = _examples(path, header.get("example", ""))
    stray = sorted((set(param_types) | set(examples)) - set(params))
    if stray:
        raise CatalogError(f"{path}: the header describes parameter(s) {stray} that '#+ params:' does not list")
    odd = [name for name in params if not VARIABLE_NAME.fullmatch(name)]
    if odd:
        raise CatalogError(f"{path}: parameter {odd[0]!r} is not a variable name (letters, digits and _)")
    services = _list(header.get("service", ""))
    _check_reach(path, text, services)
    return QuerySpec(
        name=path.stem,
        topic=path.parent.name,
        path=path,
        text=text,
        summary=header["summary"],
        params=params,
        optional=optional,
        param_docs=param_docs,
        columns=_list(header.get("columns", "")),
        tags=_list(header.get("tags", "")),
        param_types=param_types,
        examples=examples,
        services=services,
    )


def _check_reach(path: Path, text: str, services: tuple[str, ...]) -> None:
    """Refuse a query that would send requests elsewhere: a SERVICE the header does not name, or a
    dataset clause (FROM <url>, which rdflib fetches; codegraph's queries read the store's graphs)."""
    code = code_only(text)
    for match in _SERVICE.finditer(code):
        target = match["target"]
        if not target.startswith("<"):
            raise CatalogError(f"{path}: 'SERVICE {target}' may call any address; name the endpoint, and declare it "
                               "in the header ('#+ service: <https://...>')")
        if target not in services:
            raise CatalogError(f"{path}: the query calls SERVICE {target}, which its header does not declare; "
                               f"add '#+ service: {target}' if it is meant to, or remove it")
    if _FROM.search(code):
        raise CatalogError(f"{path}: the query names its dataset (FROM <...>); codegraph's queries read the store's "
                           "graphs, and rdflib would fetch a FROM address from the network: remove the FROM clause")


def _examples(path: Path, value: str) -> dict[str, str]:
    examples: dict[str, str] = {}
    for item in _list(value):
        name, sep, example = item.partition("=")
        if not sep or not name.strip():
            raise CatalogError(f"{path}: '#+ example:' takes NAME=VALUE pairs separated by commas, got {item!r}")
        examples[name.strip()] = example.strip()
    return examples


def load_catalog(directory: Path | None = None) -> dict[str, QuerySpec]:
    """Every query under ``directory`` (default: the shipped ``queries/``), by name."""
    root = directory or queries_dir()
    paths = sorted(root.glob("*/*.rq"))
    # Parsing every file costs ~2 ms, more than a point query on the store: reuse the last parse
    # while no file was added, removed or changed.
    stamp = frozenset((path, path.stat().st_mtime_ns) for path in paths)
    cached = _PARSED.get(root)
    if cached is not None and cached[0] == stamp:
        return dict(cached[1])
    catalog = _parse_all(paths)
    _PARSED[root] = (stamp, catalog)
    return dict(catalog)


_PARSED: dict[Path, tuple[frozenset[tuple[Path, int]], dict[str, QuerySpec]]] = {}


def _parse_all(paths: list[Path]) -> dict[str, QuerySpec]:
    catalog: dict[str, QuerySpec] = {}
    for path in paths:
        spec = parse_query_file(path)
        if spec.name in catalog:
            raise CatalogError(f"two queries are named {spec.name!r}: {catalog[spec.name].path} and {path}")
        catalog[spec.name] = spec
    return catalog


def get_query(name: str) -> QuerySpec:
    """The catalog query ``name``; an unknown name is a ``QueryError`` listing the known ones."""
    cached = _PARSED.get(queries_dir())
    if cached is not None and name in cached[1]:
        # One stat of the query's own file, not of all 30: a point query takes about 3 ms, and
        # checking every file took 2 ms more. An edit, a removal or an unknown name reads all again.
        spec = cached[1][name]
        try:
            if (spec.path, spec.path.stat().st_mtime_ns) in cached[0]:
                return spec
        except OSError:
            pass
    catalog = load_catalog()
    if name not in catalog:
        from ..search.match import suggest

        close = tuple(suggest(name, catalog))
        raise UnknownQueryError(f"no query named {name!r} (the query list shows them: {', '.join(sorted(catalog))})", close)
    return catalog[name]
