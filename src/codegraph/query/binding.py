"""Parameter binding: values go into a ``VALUES`` block built from rdflib terms.

User text is never formatted into query text: each value becomes an rdflib ``Literal`` (or
``URIRef``) and is written with ``term.n3()``, which escapes quotes, newlines and backslashes,
so a value such as ``1001T" } DROP ALL #`` is a string to match, not SPARQL. The block is put
right after the query's first ``WHERE {`` so every backend (rdflib, Oxigraph, a remote
endpoint) evaluates it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Literal, URIRef
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


def bind_parameters(spec: QuerySpec, params: Mapping[str, str | Identifier]) -> str:
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise QueryError(
            f"query {spec.name!r} has no parameter {', '.join(unknown)}; its parameters: {', '.join(spec.params) or 'none'}"
        )
    missing = [name for name in spec.required if name not in params]
    if missing:
        raise QueryError(f"query {spec.name!r} needs --param {missing[0]}=VALUE ({spec.param_docs.get(missing[0], 'required')})")
    if not params:
        return spec.text
    names = sorted(params)
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(to_term(params[name]).n3() for name in names)
    block = f"\n  VALUES ({variables}) {{ ({values}) }}\n"
    match = _WHERE.search(_strip_comments(spec.text))
    if not match:
        raise QueryError(f"{spec.path}: no 'WHERE {{' to bind parameters into")
    return spec.text[: match.end()] + block + spec.text[match.end() :]


def _strip_comments(text: str) -> str:
    """Blank out comment lines (keeping offsets) so a '# ... WHERE {' header is never matched."""
    return re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), text)
