"""A source's new version in place of its old one: one SPARQL Update, so readers see the old
version or the new, never both, that writes only what changed.

Dropping the graph and inserting every new quad made the store parse the whole source again for
a one-cell edit (a 10,000-row policy table: 116 s, 1.5 GB). The update here reads the graph the
store holds, and deletes only the triples the new version no longer has and inserts only those it
gains. Lines spelled alike are one triple; the lines that differ are compared as terms
(``pyoxigraph`` parses them), so two spellings of one term (``"01"`` and ``"1"`` as integers)
cost at most a needless delete and re-insert, never a stale triple: the deletes run first. Where the difference is
larger than the new version, or either side holds a blank node (which ``DELETE DATA`` cannot
name), the graph is dropped and written whole, as before.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef

from ..rdf.iris import SOURCES_GRAPH
from ..rdf.terms import nquad_lines, nt_term
from .base import GraphStore


def replace_source(store: GraphStore, graph: URIRef, nquads: str) -> None:
    """Make ``graph`` exactly the lines of ``nquads`` that name it, rewrite its registry entry
    (the lines naming the sources graph), and add the quads it gives shared graphs, in one
    update."""
    held = store.graph_ntriples(graph) if store.has_graph(graph) else b""
    store.update(source_replacement(graph, nquads, held))


def source_replacement(graph: URIRef, nquads: str, held: bytes) -> str:
    """The update ``replace_source`` runs, given the N-Triples the store ``held`` in ``graph``."""
    own_name = nt_term(graph)
    own: list[str] = []
    others: dict[str, list[str]] = {}
    for line in nquad_lines(nquads):
        if not line.strip():
            continue
        body = line.rstrip()[:-1].rstrip()  # "s p o <graph>"
        split = body.rfind(" <")
        name, triple = body[split + 1 :], body[:split] + " ."
        if name == own_name:
            own.append(triple)
        else:
            others.setdefault(name, []).append(triple)
    deleted, inserted = _difference(own, held)
    if deleted is None:  # written whole
        head = f"DROP SILENT GRAPH {own_name} ;\n"
        inserted = own
    else:
        head = f"DELETE DATA {{ GRAPH {own_name} {{ {' '.join(deleted)} }} }} ;\n" if deleted else ""
    blocks = ([f"GRAPH {own_name} {{ {' '.join(inserted)} }}"] if inserted else [])
    blocks += [f"GRAPH {name} {{ {' '.join(lines)} }}" for name, lines in others.items()]
    return (f"{head}DELETE WHERE {{ GRAPH {nt_term(SOURCES_GRAPH)} {{ {own_name} ?p ?o }} }} ;\n"
            f"INSERT DATA {{ {' '.join(blocks)} }}")


def _difference(own: list[str], held: bytes) -> tuple[list[str] | None, list[str]]:
    """(the held triples to delete, the new lines to insert), as N-Triples statements; (None, [])
    when the graph is better written whole. A line spelled as the store spells it is the same
    triple, so only the lines whose text differs are parsed and compared as terms."""
    if not held:
        return [], own
    held_text = held.decode("utf-8")
    if "_:" in held_text or any("_:" in line for line in own):  # perhaps a blank node (or text that names one)
        return None, []
    held_lines = set(nquad_lines(held_text))
    held_lines.discard("")
    new_lines = dict.fromkeys(own)
    gained = [line for line in new_lines if line not in held_lines]
    lost = held_lines.difference(new_lines)
    try:
        gained_terms = dict(zip(_triples(gained), gained, strict=True))
        lost_terms = dict(zip(_triples(list(lost)), lost, strict=True))
    except (SyntaxError, ValueError):  # not the one-line-per-triple text compared here: write it whole
        return None, []
    inserted = [line for triple, line in gained_terms.items() if triple not in lost_terms]
    deleted = sorted(line for triple, line in lost_terms.items() if triple not in gained_terms)
    if len(inserted) + len(deleted) >= len(own):
        return None, []
    return deleted, inserted


def _triples(lines: list[str]) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
