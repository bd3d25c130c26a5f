"""``cgsh:EvidenceAnnotationShape`` (provenance.ttl) checked as two queries over the embedded store.

Its qualified value shapes make an engine judge every selector of every evidence node against a
nested shape (shifty 0.5.1: 3.5 s of its 15 s at 1,000 pages), and the selectors' triples (a
quarter of the store: ``oa:hasSelector``, ``oa:start``, ``oa:end``, ``oa:exact``, ``oa:hasSource``)
are read by no other shape, so once this shape is checked here the engine need not load them
(``validate/reads.py``). The queries give the results an engine gives (SHACL 4.8.1 ``sh:equals``,
4.7.3 qualified counts):

- ``-source`` (``sh:path oa:hasSource ; sh:equals cg:inDocument``): one result per value in one
  set and not the other, that value as ``sh:value``;
- ``-position`` and ``-quote`` (``sh:qualifiedValueShape``, min and max 1): one result, without a
  value, when the evidence's ``oa:hasSelector`` values that conform to the selector shape (its
  class, and exactly one offset or quote of the right datatype) are none (qualified min count) or
  more than one (qualified max count).

The queries are written for the shape as it is now: ``SHAPE_DIGEST`` is a digest of its triples
(comments and labels aside), and a shapes graph whose digest differs is left to the engine.
``tests/test_validate_annotation.py`` checks the results equal pySHACL's on planted defects.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import XSD

from ..rdf.namespaces import CG, OA
from ..rdf.terms import to_rdflib
from .engines.base import EngineResult
from .shapes import CGSH, SH, shapes_subset

SHAPE = CGSH.EvidenceAnnotationShape
SHAPE_DIGEST = "7ce505b6847cc298d20f2ad139f90959dcfc0d34c24611b6cff3f58428e6f0b9"
"""sha256 of the shape's sorted N-Triples (``shape_digest``) the queries were written for."""

_EVIDENCE = f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{CG.Evidence}> ."

# sh:equals both ways; MINUS is the anti-join Oxigraph evaluates once (validate/negation.py).
_EQUALS = f"""SELECT DISTINCT ?this ?value WHERE {{
  {{ SELECT DISTINCT ?this WHERE {{ {_EVIDENCE} }} }}
  {{ ?this <{OA.hasSource}> ?value MINUS {{ ?this <{CG.inDocument}> ?value }} }}
  UNION
  {{ ?this <{CG.inDocument}> ?value MINUS {{ ?this <{OA.hasSource}> ?value }} }}
}}"""


def _one_value(predicate: URIRef, test: str) -> str:
    """The selectors with exactly one ``predicate`` value (as terms: sh:maxCount counts distinct
    nodes) that passes ``test`` (written with ``?v``). A grouped sub-select is evaluated once for
    the whole store; FILTER NOT EXISTS per selector took 3 s at 1,000 pages instead of 0.3 s."""
    return (f"{{ SELECT ?selector WHERE {{ ?selector <{predicate}> ?v }} GROUP BY ?selector\n"
            f"      HAVING (COUNT(DISTINCT ?v) = 1 && {test.replace('?v', 'SAMPLE(?v)')}) }}")


def _instances(cls: URIRef) -> str:
    return f"{{ SELECT DISTINCT ?selector WHERE {{ ?selector <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }} }}"


_NON_NEGATIVE_INTEGER = f"DATATYPE(?v) = <{XSD.integer}> && ?v >= 0"
_CONFORMING = {
    CGSH["EvidenceAnnotationShape-position"]: "\n    ".join([
        _instances(OA.TextPositionSelector), _one_value(OA.start, _NON_NEGATIVE_INTEGER), _one_value(OA.end, _NON_NEGATIVE_INTEGER)]),
    CGSH["EvidenceAnnotationShape-quote"]: "\n    ".join([
        _instances(OA.TextQuoteSelector), _one_value(OA.exact, f"DATATYPE(?v) = <{XSD.string}>")]),
}
"""Per qualified property shape: the patterns that hold when ``?selector`` conforms to its
qualified value shape (``cgsh:TextPositionSelectorShape``, ``cgsh:TextQuoteSelectorShape``). A
value that is not a literal, or an ill-formed integer, fails the comparison, as it fails
``sh:datatype``."""


def _counts(conforming: str) -> str:
    """Each evidence node with its number of conforming selectors, when that is not one."""
    return f"""SELECT ?this (COUNT(DISTINCT ?selector) AS ?count) WHERE {{
  {{ SELECT DISTINCT ?this WHERE {{ {_EVIDENCE} }} }}
  OPTIONAL {{
    ?this <{OA.hasSelector}> ?selector .
    {conforming}
  }}
}} GROUP BY ?this HAVING (COUNT(DISTINCT ?selector) != 1)"""


QUERIES = [_EQUALS, *(_counts(conforming) for conforming in _CONFORMING.values())]
"""Every query this module runs (``validate/native.py`` checks the store holds what they read)."""


def shape_digest(shapes: Graph) -> str:
    """A digest of ``SHAPE``'s triples in ``shapes``: its property shapes, the qualified value
    shapes and theirs, and the prefix declarations, without comments and labels."""
    subset = shapes_subset(shapes, [SHAPE])
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in subset if p not in (RDFS.comment, RDFS.label))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def applies(shapes: Graph) -> bool:
    """Whether ``shapes`` hold ``SHAPE`` as the queries were written for it."""
    return shape_digest(shapes) == SHAPE_DIGEST


def annotation_results(store: ox.Store, shapes: Graph) -> list[EngineResult]:
    """The results an engine gives for ``SHAPE`` over ``store`` (the union of its graphs)."""
    results = []
    source = CGSH["EvidenceAnnotationShape-source"]
    for row in _select(store, _EQUALS):
        results.append(_result(shapes, source, to_rdflib(row["this"]), SH.EqualsConstraintComponent, to_rdflib(row["value"])))
    for shape, conforming in _CONFORMING.items():
        for row in _select(store, _counts(conforming)):
            component = SH.QualifiedMinCountConstraintComponent if int(row["count"].value) < 1 else SH.QualifiedMaxCountConstraintComponent
            results.append(_result(shapes, shape, to_rdflib(row["this"]), component, None))
    return results


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _result(shapes: Graph, shape: URIRef, focus: object, component: URIRef, value: object) -> EngineResult:
    severity = shapes.value(shape, SH.severity)
    return EngineResult(focus=focus, path=shapes.value(shape, SH.path), value=value, source_shape=shape,  # type: ignore[arg-type]
                        severity=severity if isinstance(severity, URIRef) else SH.Violation, component=component,
                        message=str(shapes.value(shape, SH.message) or ""))


__all__ = ["QUERIES", "SHAPE", "annotation_results", "applies", "shape_digest"]
