"""A shape's SELECT with its negations written the way Oxigraph evaluates fastest, same answers.

Oxigraph evaluates ``MINUS { P }`` as one anti-join: ``P`` is evaluated once, alone, which is
cheap when every triple of ``P`` has a fixed predicate and ruinous when one has a variable
predicate (a scan of the whole store). It evaluates ``FILTER NOT EXISTS { P }`` once per solution
with the solution's values put into ``P``: a point lookup when they make ``P`` selective, but a
search over a whole property path or pattern otherwise. Measured at 1,000 pages:
``cgsh:NamedPayerCoverageShape`` 6.9 s with NOT EXISTS, 0.13 s with MINUS;
``cgsh:FacetDeclaredUnavailableShape`` 2.2 s with OPTIONAL + !BOUND, 0.27 s with NOT EXISTS.

So, in the top-level group of the WHERE clause (only there: a FILTER inside an OPTIONAL also
sees the outer solution):

- ``FILTER NOT EXISTS { P }`` becomes ``MINUS { P }`` when every triple of ``P`` has a fixed
  predicate;
- ``OPTIONAL { P } FILTER (!BOUND(?v))``, with ``?v`` used nowhere else, becomes
  ``FILTER NOT EXISTS { P }`` when a triple of ``P`` has a variable predicate.

Each is the same query (SPARQL 1.1, 8.3) when ``P`` is triples only (no group, FILTER, BIND or
blank node) and every variable ``P`` shares with the rest of the query is bound, in every
solution, by a triple pattern of the group that comes before it (and there is one such variable):
then ``P``'s solutions are compatible with a solution exactly when ``P`` with its values has a
solution. Anything else is left as written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"""
    (?P<space>\s+) | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z_0-9\u00b7\u00c0-\uffff]+)
  | (?P<punct>[{}().;,])
  | (?P<word>[^\s{}().;,<"'\#]+)
""", re.VERBOSE)

# Words that make the bindings of a group more than its triple patterns say: left alone.
_UNHANDLED = {"VALUES", "GRAPH", "SERVICE", "SELECT"}
# Words that make a pattern more than triples (brackets there only group a property path).
_NOT_TRIPLES = {"FILTER", "BIND", "OPTIONAL", "MINUS", "VALUES", "GRAPH", "SERVICE", "SELECT", "UNION", "EXISTS"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()

    @property
    def variable(self) -> str | None:
        return "?" + self.text[1:] if self.kind == "var" else None


def rewrite_negations(select: str) -> str:
    """``select`` with the rewrites above made (or as it is, when none applies)."""
    tokens = _tokens(select)
    if tokens is None:
        return select
    opening = next((i for i, t in enumerate(tokens) if t.text == "{"), None)
    if opening is None:
        return select
    uses: Counter[str] = Counter(t.variable for t in tokens if t.variable)
    bound: set[str] = set()  # variables of the group's triple patterns so far
    edits: list[tuple[int, int, str]] = []
    i = opening + 1
    while i < len(tokens) and tokens[i].text != "}":
        token = tokens[i]
        if token.upper in _UNHANDLED:
            return select
        if token.text == "{":
            i = _closing(tokens, i) + 1
            continue
        if token.text == "(":
            i = _closing(tokens, i) + 1
            continue
        if token.upper == "FILTER" and _words(tokens, i + 1, ("NOT", "EXISTS", "{")):
            close = _closing(tokens, i + 3)
            inner = tokens[i + 4:close]
            if not _one_lookup(inner) and _fixed_predicates(inner) is True and _safe(inner, inner_uses=Counter[str](), uses=uses, bound=bound):
                edits.append((token.start, tokens[i + 3].end, "MINUS {"))
            i = close + 1
            continue
        if token.upper == "OPTIONAL" and i + 1 < len(tokens) and tokens[i + 1].text == "{":
            close = _closing(tokens, i + 1)
            inner = tokens[i + 2:close]
            unbound = _not_bound_filter(tokens, close + 1)
            if unbound is not None:
                variable, end = unbound
                checked: Counter[str] = Counter({variable: 1})  # the !BOUND filter goes with the OPTIONAL
                if (variable in {t.variable for t in inner} and uses[variable] == _count(inner, variable) + 1
                        and _one_lookup(inner) and _safe(inner, inner_uses=checked, uses=uses, bound=bound)):
                    body = select[inner[0].start:inner[-1].end]
                    edits.append((token.start, tokens[end].end, "FILTER NOT EXISTS { " + body + " }"))
                i = end + 1
                continue
            i = close + 1
            continue
        if token.variable:
            bound.add(token.variable)
        i += 1
    for start, end, text in sorted(edits, reverse=True):
        select = select[:start] + text + select[end:]
    return select


def _tokens(text: str) -> list[_Token] | None:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            return None  # something this reader does not know: leave the query as written
        kind = match.lastgroup or ""
        if kind not in ("space", "comment"):
            tokens.append(_Token(kind, match.group(), match.start(), match.end()))
        position = match.end()
    return tokens


def _closing(tokens: list[_Token], opening: int) -> int:
    """The index of the bracket that closes the one at ``opening`` (the last token if none does)."""
    pairs = {"{": "}", "(": ")"}
    depth = 0
    for index in range(opening, len(tokens)):
        if tokens[index].text in pairs:
            depth += 1
        elif tokens[index].text in pairs.values():
            depth -= 1
            if depth == 0:
                return index
    return len(tokens) - 1


def _words(tokens: list[_Token], start: int, words: tuple[str, ...]) -> bool:
    return all(start + n < len(tokens) and tokens[start + n].upper == word for n, word in enumerate(words))


def _not_bound_filter(tokens: list[_Token], start: int) -> tuple[str, int] | None:
    """(?v, index of the last token) when ``FILTER (!BOUND(?v))`` starts at ``start``."""
    shape = ["FILTER", "(", "!BOUND", "(", None, ")", ")"]
    if start + len(shape) > len(tokens):
        return None
    for offset, expected in enumerate(shape):
        token = tokens[start + offset]
        if expected is None:
            if not token.variable:
                return None
        elif token.upper != expected:
            return None
    variable = tokens[start + 4].variable
    assert variable is not None
    return variable, start + len(shape) - 1


def _count(tokens: list[_Token], variable: str) -> int:
    return sum(1 for t in tokens if t.variable == variable)


def _safe(inner: list[_Token], inner_uses: Counter[str], uses: Counter[str], bound: set[str]) -> bool:
    """Whether ``inner`` is triples only (brackets only around a property path) and every variable it shares with the rest of the query
    (``uses`` counts every occurrence; ``inner_uses`` those that go away with it besides its own)
    is in ``bound``, with at least one shared."""
    if not inner or any(t.text in ("{", "}") or t.upper in _NOT_TRIPLES or t.text.startswith(("_:", "[")) for t in inner):
        return False
    own: Counter[str] = Counter(t.variable for t in inner if t.variable)
    shared = {v for v in own if uses[v] > own[v] + inner_uses[v]}
    return bool(shared) and shared <= bound


def _one_lookup(inner: list[_Token]) -> bool:
    """Whether ``inner`` is one triple pattern with a plain predicate (a variable or one IRI, no
    property path): with the solution's values put in, one index lookup."""
    triple = inner[:-1] if inner and inner[-1].text == "." else inner
    if len(triple) != 3:
        return False
    verb = triple[1]
    return verb.kind in ("var", "iri") or (verb.kind == "word" and not any(c in verb.text for c in "/|^*+?!"))


def _fixed_predicates(inner: list[_Token]) -> bool | None:
    """True when every triple of ``inner`` has a fixed predicate (an IRI, a prefixed name, ``a``,
    a path of them), False when one has a variable; None when ``inner`` is not plain triples."""
    triples: list[list[list[_Token]]] = [[[]]]
    for token in inner:
        if token.text == ".":
            triples.append([[]])
        elif token.text == ";":
            triples[-1].append([])
        else:
            triples[-1][-1].append(token)
    fixed = True
    for triple in triples:
        if not triple[0]:
            if len(triple) == 1:
                continue  # after the last "."
            return None
        for number, segment in enumerate(triple):
            verb_at = 1 if number == 0 else 0
            if not segment and number > 0:
                continue  # a trailing ";"
            if len(segment) <= verb_at:
                return None
            if segment[verb_at].kind == "var":
                fixed = False
    return fixed


__all__ = ["rewrite_negations"]
