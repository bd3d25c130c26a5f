"""Queries that read only codegraph's named graphs, on any SPARQL server.

A server's default graph may be the union of *all* its graphs (Oxigraph
``--union-default-graph``, Virtuoso, QLever), and many users load codegraph's data into a store
that holds other data: one foreign copy of the graph turned ``code-overview 1001T`` from 106 rows
into 64,640. Naming codegraph's graphs as the query's dataset (``default-graph-uri``) is right,
but Oxigraph then reads each pattern once per graph: at 3,000 pages (6,008 graphs)
``payers-for-code`` took 48 s that way, against 48 ms on the union default graph.

So :func:`scope_query` rewrites a query so that each triple pattern reads named graphs only, and
only codegraph's: ``s p o`` becomes ``GRAPH ?g { s p o }``, and where the server also holds other
graphs, ``{ GRAPH ?g { s p o } FILTER(?g NOT IN (<their IRIs>)) }`` (or a test of ?g's IRI against
codegraph's prefix when they are many). The test sits in a group with its pattern, so each
pattern is filtered as it is read; beside the patterns it would run after the joins, which a
foreign copy of every triple multiplies first. Measured on an Oxigraph server at 3,000 pages
(869,250 quads, 6,008 graphs), with and without a foreign copy of every quad in one more graph:

| query | as written, no copy | scoped, no copy | scoped, with the copy | as written, with the copy |
|---|---|---|---|---|
| ``payers-for-code`` | 48-77 ms | 50-97 ms | 66-120 ms | 46 s |
| ``category-iii-coverage`` (whole store) | 7.9-11.5 s | 11.9 s | 14.6 s | (wrong rows) |

A triple several of codegraph's graphs hold is read once per graph, as on a union default graph;
the queries are written for that (DISTINCT, COUNT(DISTINCT)).

The rewrite works on tokens and keeps every group, OPTIONAL, UNION, FILTER and BIND where the
query put them (so the query shapes of ``queries/README.md`` hold). A sequence path
(``cg:payer/schema:name``) becomes one pattern per step, since each step may sit in another
graph; a repeated path (``skos:broader+``) is followed inside one graph: each hierarchy codegraph
ships lives in one. What it cannot rewrite (``SELECT *``, collections, an alternative of
sequences) raises :class:`Unscoped`; the caller then names the graphs instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..rdf.iris import GRAPHS, STAGING_GRAPHS


class Unscoped(ValueError):
    """The query uses a form the rewrite does not handle; run it with the graphs named instead."""


_NAME_CHAR = r"A-Za-z0-9_\-\u00B7-\uFFFF"
_LOCAL_CHAR = rf"(?:[{_NAME_CHAR}:]|%[0-9A-Fa-f]{{2}}|\\.)"
_LOCAL_MIDDLE = rf"(?:[{_NAME_CHAR}.:]|%[0-9A-Fa-f]{{2}}|\\.)"
_PREFIX = rf"[A-Za-z\u00C0-\uFFFF](?:[{_NAME_CHAR}.]*[{_NAME_CHAR}])?"
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<blank>_:[{_NAME_CHAR}](?:[{_NAME_CHAR}.]*[{_NAME_CHAR}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL_CHAR}(?:{_LOCAL_MIDDLE}*{_LOCAL_CHAR})?)?)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\^\^|&&|\|\||!=|<=|>=|[{{}}()\[\].;,|/^*+?!=<>\-])
    """,
    re.VERBOSE,
)

# What starts an element of a group that is not a triples block.
_GROUP_KEYWORDS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"}
_PATH_MODIFIERS = {"*", "+", "?"}


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    space: bool = True  # whitespace or a comment before it (Oxigraph reads "CONCAT (" as an error)

    @property
    def written(self) -> str:
        return (" " if self.space else "") + self.text

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "name" else self.text


def _tokens(sparql: str) -> list[_Tok]:
    found: list[_Tok] = []
    position = 0
    space = True
    while position < len(sparql):
        match = _TOKEN.match(sparql, position)
        if match is None:
            raise Unscoped(f"cannot read the query at {sparql[position:position + 20]!r}")
        kind = match.lastgroup or ""
        if kind in ("ws", "comment"):
            space = True
        else:
            found.append(_Tok(kind, match.group(), space))
            space = False
        position = match.end()
    return _literals_whole(found)


def _literals_whole(tokens: list[_Tok]) -> list[_Tok]:
    """A string with its language tag or datatype as one token, so it is written back whole."""
    out: list[_Tok] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == "string" and following is not None and following.kind == "langtag":
            out.append(_Tok("string", token.text + following.text, token.space))
            index += 2
            continue
        if (token.kind == "string" and following is not None and following.text == "^^" and index + 2 < len(tokens)
                and tokens[index + 2].kind in ("iri", "pname")):
            out.append(_Tok("string", token.text + "^^" + tokens[index + 2].text, token.space))
            index += 3
            continue
        out.append(token)
        index += 1
    return out


def scope_query(sparql: str, foreign: Sequence[str] | None = None) -> str:
    """``sparql`` with every triple pattern reading named graphs only, and only codegraph's.

    ``foreign`` names the graphs that are not codegraph's, when the caller knows them: none means
    every named graph is codegraph's, so the patterns need no test; a few are left out by IRI
    (``?g NOT IN (...)``, a comparison of stored terms). ``None`` (not known, or many) tests each
    graph's IRI against codegraph's prefix instead. Raises :class:`Unscoped` for a form the
    rewrite cannot read."""
    return _Rewriter(_tokens(sparql), foreign).query()


class _Rewriter:
    def __init__(self, tokens: list[_Tok], foreign: Sequence[str] | None):
        self.tokens = tokens
        self.position = 0
        self.taken = {token.text[1:] for token in tokens if token.kind == "var"}
        self.fresh_number = 0
        self.foreign = foreign

    # -- reading ------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> _Tok | None:
        index = self.position + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> _Tok:
        token = self.peek()
        if token is None:
            raise Unscoped("the query ends too early")
        self.position += 1
        return token

    def expect(self, text: str) -> _Tok:
        token = self.take()
        if token.text != text:
            raise Unscoped(f"expected {text!r}, found {token.text!r}")
        return token

    def fresh(self, stem: str) -> str:
        while True:
            self.fresh_number += 1
            name = f"cgscope_{stem}{self.fresh_number}"
            if name not in self.taken:
                self.taken.add(name)
                return "?" + name

    def scoped(self, variable: str) -> str:
        """The test that keeps ``variable``'s graph to codegraph's ("" when every graph is)."""
        if self.foreign is None:
            return f'FILTER(STRSTARTS(STR({variable}), "{GRAPHS}") && !STRSTARTS(STR({variable}), "{STAGING_GRAPHS}"))'
        if not self.foreign:
            return ""
        return f"FILTER({variable} NOT IN ({', '.join(f'<{iri}>' for iri in self.foreign)}))"

    # -- the query ----------------------------------------------------------------------------

    def query(self) -> str:
        out: list[str] = []
        while self.peek() is not None and self.peek().upper not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):  # type: ignore[union-attr]
            out.append(self.take().written)  # the prologue: BASE and PREFIX declarations
        if self.peek() is None or self.peek().upper != "SELECT":  # type: ignore[union-attr]
            raise Unscoped("only SELECT queries are scoped")
        out.extend(self.select_body(top=True))
        if self.peek() is not None:
            raise Unscoped(f"unexpected {self.peek().text!r} after the query")  # type: ignore[union-attr]
        return "".join(out).strip()

    def select_body(self, top: bool) -> list[str]:
        """A query (or a sub-select) from its form keyword: the clause, the WHERE group
        rewritten, then the modifiers, which hold no patterns (a trailing VALUES holds data)."""
        out = [self.take().written]
        depth = 0
        while True:
            token = self.peek()
            if token is None:
                raise Unscoped("no WHERE group")
            if token.text == "*" and depth == 0 and out[0].strip().upper() == "SELECT":
                raise Unscoped("SELECT * would gain the rewrite's variables")
            if token.text == "{" and depth == 0:
                break
            if token.upper in ("EXISTS", "FROM") or token.text == "[":
                raise Unscoped(f"{token.text} in a query clause")
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            out.append(self.take().written)
        out.extend(self.group())
        depth = 0
        while True:
            token = self.peek()
            if token is None:
                if top:
                    return out
                raise Unscoped("a sub-select without its closing brace")
            if token.text == "}" and depth == 0 and not top:
                return out
            if token.upper == "EXISTS":
                raise Unscoped("EXISTS in a solution modifier")
            depth += {"{": 1, "}": -1}.get(token.text, 0)
            out.append(self.take().written)

    # -- groups -------------------------------------------------------------------------------

    def group(self) -> list[str]:
        """A group graph pattern ``{ ... }``, each of its triple patterns scoped."""
        out = [self.expect("{").written]
        if self.peek() is not None and self.peek().upper == "SELECT":  # type: ignore[union-attr]
            out.extend(self.select_body(top=False))
            out.append(self.expect("}").written)
            return out
        while True:
            token = self.peek()
            if token is None:
                raise Unscoped("a group without its closing brace")
            word = token.upper
            if token.text == "}":
                out.append(self.take().written)
                return out
            if token.text == ".":
                out.append(self.take().written)
            elif token.text == "{":
                out.extend(self.group())
                while self.peek() is not None and self.peek().upper == "UNION":  # type: ignore[union-attr]
                    out.append(self.take().written)
                    out.extend(self.group())
            elif word in ("OPTIONAL", "MINUS"):
                out.append(self.take().written)
                out.extend(self.group())
            elif word == "GRAPH":
                out.extend(self.graph_block())
            elif word == "SERVICE":
                raise Unscoped("SERVICE")
            elif word == "FILTER":
                out.append(self.take().written)
                out.extend(self.constraint())
            elif word == "BIND":
                out.append(self.take().written)
                out.extend(self.bracketed())
            elif word == "VALUES":
                out.extend(self.values_block())
            else:
                out.extend(self.triples_block())

    def graph_block(self) -> list[str]:
        """``GRAPH term { ... }``: the query chose the graph itself. Its patterns stay as they are;
        a variable graph is limited to codegraph's graphs like any other."""
        out = [self.take().written]
        name = self.take()
        if name.kind not in ("var", "iri", "pname"):
            raise Unscoped(f"GRAPH {name.text}")
        out.append(name.written)
        out.extend(self.verbatim_group())
        if name.kind == "var" and self.scoped(name.text):
            return [" {", *out, " ", self.scoped(name.text), " }"]
        return out

    def verbatim_group(self) -> list[str]:
        out = [self.expect("{").written]
        depth = 1
        while depth:
            token = self.take()
            depth += {"{": 1, "}": -1}.get(token.text, 0)
            out.append(token.written)
        return out

    def values_block(self) -> list[str]:
        out = [self.take().written]
        while self.peek() is not None and self.peek().text != "{":  # type: ignore[union-attr]
            out.append(self.take().written)
        out.extend(self.verbatim_group())
        return out

    # -- expressions (FILTER, BIND): copied, with the groups of EXISTS scoped -------------------

    def constraint(self) -> list[str]:
        token = self.peek()
        if token is None:
            raise Unscoped("FILTER without a constraint")
        if token.text == "(":
            return self.bracketed()
        if token.upper in ("EXISTS", "NOT"):
            return self.exists()
        out = [self.take().written]  # a function call: name(...) or prefix:name(...)
        out.extend(self.bracketed())
        return out

    def exists(self) -> list[str]:
        out = []
        if self.peek() is not None and self.peek().upper == "NOT":  # type: ignore[union-attr]
            out.append(self.take().written)
        out.append(self.take().written)  # EXISTS
        out.extend(self.group())
        return out

    def bracketed(self) -> list[str]:
        out = [self.expect("(").written]
        depth = 1
        while depth:
            token = self.peek()
            if token is None:
                raise Unscoped("an expression without its closing parenthesis")
            if token.upper == "EXISTS" or (token.upper == "NOT" and (self.peek(1) or token).upper == "EXISTS"):
                out.extend(self.exists())
                continue
            depth += {"(": 1, ")": -1}.get(token.text, 0)
            out.append(self.take().written)
        return out

    # -- triples ------------------------------------------------------------------------------

    def triples_block(self) -> list[str]:
        """Triples up to the next element that is not one, each as its own scoped pattern."""
        patterns: list[tuple[str, list[str], str]] = []
        while True:
            subject = self.node(patterns)
            self.property_list(subject, patterns, closing=None)
            token = self.peek()
            if token is not None and token.text == ".":
                following = self.peek(1)
                if following is None or following.text in ("{", "}") or following.upper in _GROUP_KEYWORDS:
                    break
                self.take()
                continue
            break
        out: list[str] = []
        for subject_text, path, object_text in patterns:
            out.extend(self.scoped_pattern(subject_text, path, object_text))
        return out

    def node(self, patterns: list[tuple[str, list[str], str]]) -> str:
        """A subject or object: a term, or a blank node (``[]``, ``[ p o ]``) as a fresh variable."""
        token = self.take()
        if token.text == "[":
            variable = self.fresh("b")
            if self.peek() is not None and self.peek().text == "]":  # type: ignore[union-attr]
                self.take()
                return variable
            self.property_list(variable, patterns, closing="]")
            self.expect("]")
            return variable
        if token.text == "(":
            raise Unscoped("RDF collections")
        if token.kind == "blank":
            raise Unscoped("blank node labels")
        if token.kind in ("var", "iri", "pname", "number") or token.upper in ("TRUE", "FALSE") or token.text == "a":
            return token.text
        if token.kind == "string":
            return token.text
        if token.text in ("+", "-") and self.peek() is not None and self.peek().kind == "number":  # type: ignore[union-attr]
            return token.text + self.take().written
        raise Unscoped(f"unexpected {token.text!r} in a triple pattern")

    def property_list(self, subject: str, patterns: list[tuple[str, list[str], str]], closing: str | None) -> None:
        while True:
            verb = self.path()
            while True:
                patterns.append((subject, verb, self.node(patterns)))
                if self.peek() is not None and self.peek().text == ",":  # type: ignore[union-attr]
                    self.take()
                    continue
                break
            if self.peek() is not None and self.peek().text == ";":  # type: ignore[union-attr]
                while self.peek() is not None and self.peek().text == ";":  # type: ignore[union-attr]
                    self.take()
                token = self.peek()
                if token is None or token.text in (".", "}", closing) or token.upper in _GROUP_KEYWORDS:
                    return
                continue
            return

    def path(self) -> list[str]:
        """A verb: a variable, or a property path as tokens (read up to where its object starts)."""
        token = self.peek()
        if token is None:
            raise Unscoped("a triple pattern without its predicate")
        if token.kind == "var":
            return [self.take().written]
        out: list[str] = []
        depth = 0
        expect_primary = True
        while True:
            token = self.peek()
            if token is None:
                raise Unscoped("a path without its object")
            if expect_primary:
                if token.text in ("^", "!"):
                    out.append(self.take().written)
                    continue
                if token.text == "(":
                    depth += 1
                    out.append(self.take().written)
                    continue
                if token.kind in ("iri", "pname") or token.text == "a":
                    out.append(self.take().written)
                    expect_primary = False
                    continue
                raise Unscoped(f"unexpected {token.text!r} in a property path")
            if token.text in _PATH_MODIFIERS and token.kind == "op":
                out.append(self.take().written)
                continue
            if token.text == ")" and depth:
                depth -= 1
                out.append(self.take().written)
                continue
            if token.text in ("/", "|"):
                out.append(self.take().written)
                expect_primary = True
                continue
            if depth:
                raise Unscoped(f"unexpected {token.text!r} in a property path")
            return out

    def scoped_pattern(self, subject: str, path: list[str], obj: str) -> list[str]:
        """One triple pattern in a graph of its own; a sequence path one step per graph."""
        steps = _sequence_steps(path)
        nodes = [subject] + [self.fresh("n") for _ in steps[1:]] + [obj]
        out: list[str] = []
        for index, step in enumerate(steps):
            graph = self.fresh("g")
            pattern = f"GRAPH {graph} {{ {nodes[index]} {''.join(step).strip()} {nodes[index + 1]} }}"
            test = self.scoped(graph)
            # A group of its own, so each pattern is tested as it is read: a FILTER beside the
            # patterns is applied after the joins, and a foreign copy of every triple multiplies
            # the rows before it (category-iii-coverage at 3,000 pages: over 300 s instead of 15 s).
            out.append(f" {{ {pattern} {test} }}" if test else f" {pattern}")
        return out


def _split_top(path: list[str], separator: str) -> Iterator[list[str]]:
    depth = 0
    part: list[str] = []
    for text in path:  # tokens as written: with the space before them
        if text.strip() == separator and depth == 0:
            yield part
            part = []
            continue
        depth += {"(": 1, ")": -1}.get(text.strip(), 0)
        part.append(text)
    yield part


def _sequence_steps(path: list[str]) -> list[list[str]]:
    """The steps of a path read one graph each: a sequence splits at its top-level ``/``; an
    alternative of single steps (``cg:a|cg:b``) or a repeated step stays one."""
    alternatives = list(_split_top(path, "|"))
    steps = list(_split_top(path, "/"))
    if len(alternatives) > 1:
        if any(len(list(_split_top(part, "/"))) > 1 for part in alternatives):
            raise Unscoped("an alternative of sequence paths")
        return [path]
    return steps


__all__ = ["Unscoped", "scope_query"]
