"""Point lookups in the embedded store with the few rdflib ``Graph`` reading methods that the
validation report uses to place a finding (``value``, ``subjects``, ``objects``, ``in``), so a
report on a large store needs no rdflib copy of it. Every lookup reads the union of the graphs."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib.term import Node

from .oxigraph import OxigraphStore, _to_oxigraph, to_rdflib


class StoreLookup:
    def __init__(self, store: OxigraphStore):
        self._store = store.store

    def _quads(self, s: Node | None, p: Node | None, o: Node | None):
        return self._store.quads_for_pattern(
            None if s is None else _to_oxigraph(s), None if p is None else _to_oxigraph(p), None if o is None else _to_oxigraph(o), None
        )

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        return next(iter(self._quads(*triple)), None) is not None

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of ``subject predicate`` (the least, so the answer does not depend on
        store order), or None."""
        objects = sorted(set(self.objects(subject, predicate)), key=lambda term: term.n3())
        return objects[0] if objects else None

    def objects(self, subject: Node, predicate: Node | None) -> Iterator[Node]:
        for quad in self._quads(subject, predicate, None):
            yield to_rdflib(quad.object)

    def subjects(self, predicate: Node | None, obj: Node) -> Iterator[Node]:
        for quad in self._quads(None, predicate, obj):
            yield to_rdflib(quad.subject)
