"""RDF terms in their forms (rdflib, pyoxigraph, N-Triples text, SPARQL query text) and the one
writer of N-Triples/N-Quads lines, so every path that writes a line writes the same bytes.

``sparql_term`` is the one way a value becomes query text: the term is checked whole (an IRI must
be an absolute IRI Oxigraph accepts; text must be Unicode characters, not the lone surrogates a
non-UTF-8 command line gives), then written with the escapes below, and the result is matched
against the SPARQL grammar's own token before it is returned, so it is one IRI or one literal
token whatever the value holds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError

_XSD_STRING = str(XSD.string)
# Escapes exactly as pyoxigraph writes N-Triples, so a line written here and the same triple
# dumped by the store are the same bytes (a build's file equals an export of its store).
_NT_ESCAPES = str.maketrans(
    {**{chr(code): f"\\u{code:04X}" for code in [*range(0x20), 0x7F]},
     "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
)


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')  # a text without these is written as it is
_XSD_INTEGER = str(XSD.integer)
_XSD_DATE = str(XSD.date)


def _escaped(text: str) -> str:
    return text.translate(_NT_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


def string_term(text: str) -> str:
    """``Literal(text)`` in N-Triples form, without making the Literal."""
    return f'"{_escaped(text)}"'


def integer_term(value: int) -> str:
    """``Literal(value)`` of an int in N-Triples form."""
    return f'"{int(value)}"^^<{_XSD_INTEGER}>'


def date_term(iso: str) -> str:
    """``Literal(iso, datatype=XSD.date)`` in N-Triples form."""
    return f'"{_escaped(iso)}"^^<{_XSD_DATE}>'


def nt_term(term: Node) -> str:
    """A term as N-Triples writes it (``Literal.n3()`` may use Turtle's long strings, which N-Quads forbids)."""
    if isinstance(term, Literal):
        text = f'"{_escaped(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    return term.n3()


# SPARQL query text. SPARQL 1.1 (section 19.2) lets an engine expand \uXXXX escapes across the
# whole query text before parsing it; rdflib does so with one regex that ignores a preceding
# backslash and reads four *or eight* digits. So a code point is written \UXXXXXXXX (eight
# digits: "\u0001" followed by a value's "0022" would be read as one code point), and a "u" or
# "U" right after a value's backslash is written as an escape too (\\\U00000075), so that a
# value holding the six characters \u0022 stays those six characters however the engine reads
# escapes (expanding first, expanding with backslash parity, or lexing escapes in strings only).
_SPARQL_ESCAPES = str.maketrans(
    {**{chr(code): f"\\U{code:08X}" for code in [*range(0x20), 0x7F]},
     "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"'}
)
_ESCAPED_LETTER = {"u": "\\U00000075", "U": "\\U00000055"}
# The grammar's tokens (SPARQL 1.1 section 19.8): IRIREF, and STRING_LITERAL_QUOTE with LANGTAG
# or ^^IRIREF, as the escapes above write them.
_IRIREF = r'<[^<>"{}|^`\\\x00-\x20]*>'
_STRING = r'"(?:[^"\\\n\r]|\\[tbnrf"\\]|\\U[0-9A-F]{8})*"'
_SPARQL_TOKEN = re.compile(rf"{_IRIREF}|{_STRING}(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*|\^\^{_IRIREF})?")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
_NOT_IN_IRI = frozenset("<>\"{}|^`\\")
_NOT_IN_IRI_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})  # controls, formatting, surrogates, spaces


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a literal's lexical form (None: it can). Any string of characters
    can; a lone surrogate (what Python makes of bytes that are not UTF-8) cannot be sent anywhere."""
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return (f"holds {char!r}, which is not a character (bytes that are not UTF-8 in the "
                    "command line or file?); give the value as UTF-8 text")
    return None


def iri_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute IRI codegraph writes into a query (None: it is one): a
    scheme, no ``<>"{}|^`\\``, no spaces, controls or formatting characters, and one Oxigraph's IRI
    parser accepts (RFC 3987)."""
    problem = text_problem(text)
    if problem:
        return problem
    for char in text:
        if char in _NOT_IN_IRI or unicodedata.category(char) in _NOT_IN_IRI_CATEGORIES:
            return f"holds {char!r}, which an IRI cannot hold"
    try:
        ox.NamedNode(text)
    except ValueError as error:
        return f"is not an absolute IRI ({error})"
    return None


def _sparql_string(text: str) -> str:
    pieces = text.split("\\")
    out = [pieces[0].translate(_SPARQL_ESCAPES)]
    for piece in pieces[1:]:
        out.append("\\\\")
        if piece[:1] in _ESCAPED_LETTER:
            out.append(_ESCAPED_LETTER[piece[0]])
            piece = piece[1:]
        out.append(piece.translate(_SPARQL_ESCAPES))
    return "".join(out)


def sparql_term(term: Node) -> str:
    """``term`` as one SPARQL token (an IRI or a literal), for a ``VALUES`` block. Raises
    ``QueryError`` for a term no query can hold: a blank node, an IRI that is not absolute or
    holds spaces, controls or ``<>"{}|^`\\``, text with lone surrogates, a malformed language tag."""
    if isinstance(term, URIRef):
        problem = iri_problem(str(term))
        if problem:
            raise QueryError(f"the IRI {str(term)!r} {problem}")
        token = f"<{term}>"
    elif isinstance(term, Literal):
        problem = text_problem(str(term))
        if problem:
            raise QueryError(f"the text {str(term)!r} {problem}")
        token = f'"{_sparql_string(str(term))}"'
        if term.language:
            if not _LANGUAGE.fullmatch(term.language):
                raise QueryError(f"{term.language!r} is not a language tag")
            token += f"@{term.language}"
        elif term.datatype is not None and str(term.datatype) != _XSD_STRING:
            problem = iri_problem(str(term.datatype))
            if problem:
                raise QueryError(f"the datatype IRI {str(term.datatype)!r} {problem}")
            token += f"^^<{term.datatype}>"
    else:
        raise QueryError(f"{term!r} cannot be bound: give an IRI or a literal (a blank node names nothing outside its graph)")
    if not _SPARQL_TOKEN.fullmatch(token):  # the proof that the value stays one token
        raise QueryError(f"{term!r} cannot be written as one SPARQL term")
    return token


def nquad_lines(text: str, keepends: bool = False) -> list[str]:
    """The lines of N-Triples or N-Quads text. Only ``\n`` ends a line: N-Triples escapes line
    feeds and carriage returns in literals but leaves U+2028, U+2029 and NEL as they are (a file
    name may hold them), and ``str.splitlines`` would break a line at each of them."""
    lines = text.split("\n")
    last = lines.pop()  # "" when the text ends with a newline
    if keepends:
        lines = [line + "\n" for line in lines]
    if last:
        lines.append(last)
    return lines


def ntriple_line(s: Node, p: Node, o: Node) -> str:
    """One N-Triples line."""
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"


def nquad_line(s: Node, p: Node, o: Node, graph: Node) -> str:
    """One N-Quads line."""
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {nt_term(graph)} .\n"


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as the rdflib term the other stores give for it."""
    if isinstance(term, ox.NamedNode):
        # Oxigraph has checked the IRI already: skip rdflib's check (a third of a row's cost)
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # RDF 1.1 simple literal: rdflib writes it without datatype
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term from Oxigraph: {term!r}")


def rdflib_terms() -> Callable[[object], Node]:
    """``to_rdflib`` that makes each distinct term once: rows of one query repeat their terms
    (codes, documents, statuses, small numbers), and a typed literal costs ~13 us to make."""
    made: dict[object, Node] = {}

    def term(value: object) -> Node:
        found = made.get(value)
        if found is None:
            found = made[value] = to_rdflib(value)
        return found

    return term


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as pyoxigraph's term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot give {term!r} to Oxigraph")


def parse_nquads(data: bytes) -> Iterator[tuple[Node, Node, Node, URIRef]]:
    """The quads of N-Quads text, as rdflib terms (pyoxigraph's parser: fast and strict)."""
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):
            raise ValueError("a quad in the default graph: codegraph writes named graphs only")
        yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object), URIRef(graph.value)
