"""Parameter binding: a value is a value, never query text.

``parameter_terms`` turns a catalog query's parameters into checked rdflib terms, and the store
binds them (``GraphStore.select(sparql, bindings)``):

- The embedded Oxigraph store and a SPARQL server get a one-row ``VALUES`` block right after the
  query's first ``WHERE {``, each value written by ``rdf.terms.sparql_term``, which checks the term
  whole, escapes it (immune to engines that expand ``\\u`` escapes before parsing, as rdflib
  does), and matches the result against the grammar's own token. So a value ``x\\n\\"`` with a
  second value ``) (UNDEF UNDEF) } #`` stays two literals to match, and ``SERVICE`` in a value is
  text. pyoxigraph's own ``substitutions`` was measured and not taken: it refuses a variable the
  query does not project ("The SPARQL query does not contains variable ?code in its SELECT
  projection", pyoxigraph 0.5.13), and 19 of the 24 catalog queries with parameters do not project
  them all (two ways for one store would be two meanings to keep equal).
- rdflib (``MemoryStore``) takes them as ``initBindings`` on a query parsed once: no query text at
  all, and the same rows. Measured on the test fixtures over the 24 queries with parameters:
  51 s with the ``VALUES`` text, 10 s to parse them all once plus 16 s to run them
  (code-neighbourhood 35 s -> 3.3 s); only codes-for-anatomy is slower (1.0 s -> 8.3 s: rdflib
  joins its property path row by row when the variable comes bound).

``tests/test_hostile.py`` feeds arbitrary strings to every parameter of every catalog query on
all three stores.

Every store checks the same way, so a value one store refuses, every store refuses: text must be
characters (a lone surrogate, from bytes that are not UTF-8, is an error naming the parameter); a
value written ``<...>`` is an IRI and must be an absolute one with no spaces, controls or
``<>"{}|^`\\``.

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
from ..rdf.terms import iri_problem, sparql_term
from .catalog import VARIABLE_NAME, QuerySpec, code_only

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def to_term(value: str | Identifier, name: str = "value") -> Identifier:
    """A parameter value as an rdflib term: a value written ``<...>`` is an IRI (and must be an
    absolute one: ``QueryError`` naming the parameter ``name`` otherwise), the rest literals."""
    if isinstance(value, Identifier):
        return value
    if value.startswith("<") and value.endswith(">") and len(value) > 1:
        problem = iri_problem(value[1:-1])
        if problem:
            raise QueryError(f"parameter {name} must be an absolute IRI when written <...>: {value!r} {problem}; "
                             "write a label without the angle brackets, or a full IRI such as <http://purl.obolibrary.org/obo/UBERON_0001353>")
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
        return to_term(value, name)
    check, expected = _TYPED[xsd_type]
    try:
        lexical = check(value)
    except ValueError:
        raise QueryError(f"parameter {name} must be {expected}; got {value!r}") from None
    return Literal(lexical, datatype=XSD[xsd_type.split(":", 1)[1]])


def check_bindings(bindings: Mapping[str, Identifier]) -> dict[str, Identifier]:
    """``bindings`` checked: each name a variable name, each term one a query can hold (the
    ``QueryError`` names the parameter). What every store's ``select`` does first."""
    checked: dict[str, Identifier] = {}
    for name, term in bindings.items():
        if not isinstance(name, str) or not VARIABLE_NAME.fullmatch(name):
            raise QueryError(f"{name!r} is not a variable name (letters, digits and _)")
        try:
            sparql_term(term)
        except QueryError as error:
            raise QueryError(f"parameter {name} cannot be bound: {error}") from None
        checked[name] = term
    return checked


def parameter_terms(spec: QuerySpec, params: Mapping[str, str | Identifier]) -> dict[str, Identifier]:
    """``params`` as the checked terms ``spec``'s variables bind to (names and types from its header)."""
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise QueryError(
            f"query {spec.name!r} has no parameter {', '.join(unknown)}; its parameters: {', '.join(spec.params) or 'none'}"
        )
    missing = [name for name in spec.required if name not in params]
    if missing:
        raise QueryError(f"query {spec.name!r} needs parameter {missing[0]} ({spec.param_docs.get(missing[0], 'required')})")
    return check_bindings({name: typed_term(name, params[name], spec.param_types.get(name)) for name in params})


def bind_parameters(spec: QuerySpec, params: Mapping[str, str | Identifier]) -> str:
    """The query text of ``spec`` with ``params`` bound in a ``VALUES`` block (what the embedded
    store and a server run; checked against the header's names and types)."""
    terms = parameter_terms(spec, params)
    return inject_values(spec.text, terms, where=str(spec.path)) if terms else spec.text


def values_block(bindings: Mapping[str, Identifier]) -> str:
    """A one-row ``VALUES`` block binding each variable to its term, every term one SPARQL token."""
    checked = check_bindings(bindings)
    names = sorted(checked)
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(sparql_term(checked[name]) for name in names)
    return f"VALUES ({variables}) {{ ({values}) }}"


def inject_values(sparql: str, bindings: Mapping[str, Identifier], where: str = "the query") -> str:
    """``sparql`` with a one-row ``VALUES`` block binding each variable to its term, right after
    its first ``WHERE {`` (outside comments and strings), so every backend evaluates it the same way."""
    if not bindings:
        return sparql
    block = values_block(bindings)
    match = _WHERE.search(code_only(sparql))
    if not match:
        raise QueryError(f"{where}: no 'WHERE {{' to bind parameters into")
    return f"{sparql[: match.end()]}\n  {block}\n{sparql[match.end() :]}"
