"""RDF terms in their three forms (rdflib, pyoxigraph, N-Triples text) and the one writer of
N-Triples/N-Quads lines, so every path that writes a line writes the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

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


def ntriple_line(s: Node, p: Node, o: Node) -> str:
    """One N-Triples line."""
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"


def nquad_line(s: Node, p: Node, o: Node, graph: Node) -> str:
    """One N-Quads line."""
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {nt_term(graph)} .\n"


def to_rdflib(term: object) -> Node:
    """A pyoxigraph term as the rdflib term the other stores give for it."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # RDF 1.1 simple literal: rdflib writes it without datatype
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected term from Oxigraph: {term!r}")


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
