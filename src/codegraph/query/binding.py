"""Parameter binding: values go into a ``VALUES`` block built from rdflib terms.

User text is never formatted into query text: each value becomes an rdflib ``Literal`` (or
``URIRef``) and is written with ``term.n3()``, which escapes quotes, newlines and backslashes,
so a value such as ``1001T" } DROP ALL #`` is a string to match, not SPARQL. The block is put
right after the query's first ``WHERE {`` so every backend (rdflib, Oxigraph, a remote
endpoint) evaluates it the same way.

A parameter the query header types (``#+ param.date: xsd:date ...``) is checked and bound as a
literal of that datatype (``"2025-06-01"^^xsd:date``), so date comparisons work on every backend
and a malformed date is an error naming the parameter, never an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from rdflib import XSD, Literal, URIRef
from rdflib.term import Identifier

from ..errors import QueryError
from .catalog import QuerySpec

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_ABSOLUTE_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s<>\"{}|\\^`]+$")


def to_term(value: str | Identifier) -> Identifier:
    """A parameter value as an rdflib term: IRIs written ``<...>`` become URIRefs, the rest literals."""
    if isinstance(value, Identifier):
        return value
    if value.startswith("<") and value.endswith(">") and _ABSOLUTE_IRI.match(value[1:-1]):
        return URIRef(value[1:-1])
    return Literal(value)


def _check_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise ValueError(text)
    return date.fromisoformat(text.strip()).isoformat()  # also rejects 2025-02-30


def _check_integer(text: str) -> str:
    if not re.fullmatch(r"[+-]?\d+", text.strip()):
        raise ValueError(text)
    return str(int(text))


def _check_boolean(text: str) -> str:
    if text.strip().lower() not in ("true", "false"):
        raise ValueError(text)
    return text.strip().lower()


# type -> (lexical-form check, what to tell the user)
_TYPED: dict[str, tuple[Callable[[str], str], str]] = {
    "xsd:date": (_check_date, "a date YYYY-MM-DD, e.g. 2025-06-01"),
    "xsd:integer": (_check_integer, "a whole number"),
    "xsd:boolean": (_check_boolean, "true or false"),
}


def typed_term(name: str, value: str | Identifier, xsd_type: str | None) -> Identifier:
    """``value`` as the term parameter ``name`` of type ``xsd_type`` binds to (plain: ``to_term``)."""
    if isinstance(value, Identifier) or xsd_type in (None, "xsd:string"):
        return to_term(value)
    check, expected = _TYPED[xsd_type]
    try:
        lexical = check(value)
    except ValueError:
        raise QueryError(f"parameter {name} must be {expected}; got {value!r}") from None
    return Literal(lexical, datatype=XSD[xsd_type.split(":", 1)[1]])


def bind_parameters(spec: QuerySpec, params: Mapping[str, str | Identifier]) -> str:
    """The query text of ``spec`` with ``params`` bound (checked against the header's names and types)."""
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise QueryError(
            f"query {spec.name!r} has no parameter {', '.join(unknown)}; its parameters: {', '.join(spec.params) or 'none'}"
        )
    missing = [name for name in spec.required if name not in params]
    if missing:
        raise QueryError(f"query {spec.name!r} needs parameter {missing[0]} ({spec.param_docs.get(missing[0], 'required')})")
    if not params:
        return spec.text
    terms = {name: typed_term(name, params[name], spec.param_types.get(name)) for name in params}
    return inject_values(spec.text, terms, where=str(spec.path))


def inject_values(sparql: str, bindings: Mapping[str, Identifier], where: str = "the query") -> str:
    """``sparql`` with a one-row ``VALUES`` block binding each variable to its term, right after
    its first ``WHERE {`` (so every backend evaluates it the same way)."""
    if not bindings:
        return sparql
    names = sorted(bindings)
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(bindings[name].n3() for name in names)
    block = f"\n  VALUES ({variables}) {{ ({values}) }}\n"
    match = _WHERE.search(_strip_comments(sparql))
    if not match:
        raise QueryError(f"{where}: no 'WHERE {{' to bind parameters into")
    return sparql[: match.end()] + block + sparql[match.end() :]


def _strip_comments(text: str) -> str:
    """Blank out comment lines (keeping offsets) so a '# ... WHERE {' header is never matched."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), text)
