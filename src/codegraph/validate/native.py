"""SHACL-SPARQL constraints checked as one store-wide query on the embedded store.

A SHACL engine runs a SPARQL constraint once per focus node. For ``cgsh:CoverageDecisionShape``
that is once per coverage assertion, each time looking for a decision among all the others: at
1,000 pages it was half of shifty's time (and grows faster than the store). Run once over the
whole store instead, with ``$this`` a variable bound by the shape's target (``rdf:type/
rdfs:subClassOf*`` its class), the query gives every focus node's solutions at once; each becomes
the result an engine gives for it (SHACL 5.3.2: focus node ``$this``, path ``?path``, value
``?value`` or else the focus node, the shape's severity, the message with its ``{?var}`` filled
in), kept once per distinct solution as pySHACL does. Its negations are first written the way
Oxigraph evaluates fastest (``validate/negation.py``). ``tests/test_engines.py`` checks the results
equal the engines' own, and ``benchmarks`` compares the findings with pySHACL's.

It applies to an embedded store that holds every triple the queries could read from the
reference graphs the engine is also given (a store built with them does); otherwise, and for
any shape not listed here, the engine checks the shape as before.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..rdf.terms import to_rdflib
from ..store import GraphStore, OxigraphStore
from . import annotation
from .engines.base import EngineResult
from .negation import rewrite_negations
from .shapes import CGSH, SH

STORE_WIDE = (CGSH.CoverageDecisionShape, CGSH.DiagnosisCodeShape, CGSH.FacetDeclaredUnavailableShape, CGSH.FacetNotFoundShape,
              CGSH.FacetNotReachedShape, CGSH.NamedPayerCoverageShape, CGSH.SourceDisagreementShape, CGSH.UnnamedGapShape)
"""The node shapes whose SPARQL constraints are checked as one query over the store: those the
query checks in less CPU time than shifty (``cgsh:ProcedureStepSequenceShape`` costs both the same
at 1,000 pages, and its query 26 s at 10,000). At 100,000 pages the queries take about 580 s of
CPU together (``cgsh:EvidenceAnnotationShape`` 224 s, ``cgsh:CoverageDecisionShape`` 151 s,
``cgsh:SourceDisagreementShape`` 74 s), while the parts are checked on the other cores.

``cgsh:EvidenceAnnotationShape``, whose constraints are core ones, is checked by queries of its
own (``validate/annotation.py``) where its definition is the one they were written for."""

_DECIDED = "VALUES ?decided { cgstatus:covered cgstatus:not-covered cgstatus:conditional cgstatus:experimental }"
_OPPOSED = ("VALUES (?statusNode ?otherNode) { (cgstatus:covered cgstatus:not-covered) (cgstatus:covered cgstatus:experimental) "
            "(cgstatus:conditional cgstatus:not-covered) (cgstatus:conditional cgstatus:experimental) (cgstatus:not-covered cgstatus:covered) "
            "(cgstatus:not-covered cgstatus:conditional) (cgstatus:experimental cgstatus:covered) (cgstatus:experimental cgstatus:conditional) }")
_OPPOSED_PAIRS = f"""{{ SELECT ?this ?value ?code ?payer ?statusNode ?otherNode WHERE {{
    {{ SELECT ?this ?code ?payer ?statusNode WHERE {{ ?this cg:billingCode ?code ; cg:payer ?payer ; cg:coverageStatus ?statusNode }} }}
    {{ SELECT ?value ?code ?payer ?otherNode WHERE {{ ?value cg:billingCode ?code ; cg:payer ?payer ; cg:coverageStatus ?otherNode }} }}
    {_OPPOSED}
}} }}"""
_PLANNED = {
    # cgsh:SourceDisagreementShape: the pairs of assertions on one code and payer whose statuses
    # its FILTER lets through, found by a hash join on (code, payer) before anything else. Left
    # to Oxigraph's own plan the query grew much faster than the store (0.7 s at 1k pages, 10.8 s
    # at 10k, more than 25 min unfinished at 100k); this way 0.5 s, 4.9 s and 74 s.
    "c2aedd522aa2271c7963bb21a22fed28a0a785dbe4455388a108f9537dafd0ca": ("WHERE {", _OPPOSED_PAIRS),
    # cgsh:CoverageDecisionShape's three constraints: the decisions their OPTIONAL's FILTER lets through.
    "ec9d38e85df2408b6fc22027cc3d8b728973e09f31b871d6bc52c2675caabbe6": ("OPTIONAL {", _DECIDED),
    "a0951210cc089800ee99e535c1872bf584ed3e8af3256fb9560eb0b1ff0f4c66": ("OPTIONAL {", _DECIDED),
    "a7c977fe30da43260526560ad51c858119ac6fa4d993868a9a8b92bb740e5b8a": ("OPTIONAL {", _DECIDED),
}
"""sha256 of a constraint's ``sh:select`` as written in the shapes -> (the text after which a
pattern is added in the store-wide query, the pattern). Each pattern restates what the query
already requires, so the answers are the same: a VALUES block restating a FILTER of the same
group (the terms that FILTER lets through are IRIs, which its ``=`` and VALUES' sameTerm compare
alike), or a sub-select of the query's own triple patterns and that VALUES block, which Oxigraph
evaluates first and joins by hash. A shape's query edited since no longer matches its digest and
runs as written."""

_THIS = re.compile(r"\$this\b")
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z_0-9]*)\}")
_PREDICATES = re.compile(r"(?<![?$\w])((?:[A-Za-z][\w-]*)?:[A-Za-z_][\w-]*|<[^>\s]+>|\ba\b)")


def store_wide_results(store: GraphStore, shapes: Graph, reference: Iterable[Graph]) -> tuple[list[EngineResult], list[URIRef]]:
    """(the results of the store-wide shapes, the shapes checked) over ``store`` plus ``reference``;
    no shapes when the store is not an embedded one or lacks reference triples the queries read."""
    done = store_wide_shapes(store, shapes, reference)
    return run_store_wide(store, shapes, done), done


def store_wide_shapes(store: GraphStore, shapes: Graph, reference: Iterable[Graph]) -> list[URIRef]:
    """The shapes of ``STORE_WIDE`` (and ``validate/annotation.py``'s) that can be checked over
    ``store`` (see ``store_wide_results``)."""
    if not isinstance(store, OxigraphStore):
        return []
    done: list[URIRef] = []
    reference = list(reference)
    held: dict[Node, bool] = {}  # predicate -> are its reference triples in the store (the shapes share most)
    for shape in STORE_WIDE:
        if (shape, RDF.type, SH.NodeShape) not in shapes or shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        constraints = _constraints(shapes, shape)
        if constraints is None or not _store_holds(store, reference, [text for text, _m, _p in constraints], shapes, held):
            continue
        done.append(shape)
    if annotation.applies(shapes) and (annotation.SHAPE, RDF.type, SH.NodeShape) in shapes \
            and shapes.value(annotation.SHAPE, SH.deactivated) != Literal(True) \
            and _store_holds(store, reference, annotation.QUERIES, shapes, held):
        done.append(annotation.SHAPE)
    return done


def run_store_wide(store: GraphStore, shapes: Graph, chosen: Iterable[URIRef]) -> list[EngineResult]:
    """The results of the shapes ``chosen`` (from ``store_wide_shapes``), each as one query over ``store``."""
    results: list[EngineResult] = []
    for shape in chosen:
        assert isinstance(store, OxigraphStore)
        if shape == annotation.SHAPE:
            results.extend(annotation.annotation_results(store.store, shapes))
            continue
        constraints = _constraints(shapes, shape)
        assert constraints is not None
        severity = shapes.value(shape, SH.severity)
        severity = severity if isinstance(severity, URIRef) else SH.Violation
        targets = [c for c in shapes.objects(shape, SH.targetClass) if isinstance(c, URIRef)]
        for text, message, prefixes in constraints:
            results.extend(_run(store.store, shape, text, message, prefixes, targets, severity))
    return results


def _constraints(shapes: Graph, shape: URIRef) -> list[tuple[str, str, str]] | None:
    """Each SPARQL constraint of ``shape`` as (SELECT text, message, PREFIX lines); None when the
    shape has anything else this module does not evaluate (then the engine checks it)."""
    allowed = {RDF.type, SH.severity, SH.targetClass, SH.sparql, SH.deactivated, SH.message, RDFS.label, RDFS.comment}
    if any(p not in allowed for p in shapes.predicates(shape, None)):
        return None
    found = []
    for constraint in shapes.objects(shape, SH.sparql):
        select = shapes.value(constraint, SH.select)
        messages = list(shapes.objects(constraint, SH.message))
        if select is None or len(messages) != 1 or shapes.value(constraint, SH.deactivated) == Literal(True):
            return None
        lines = []
        for declarer in shapes.objects(constraint, SH.prefixes):
            for declaration in shapes.objects(declarer, SH.declare):
                lines.append(f"PREFIX {shapes.value(declaration, SH.prefix)}: <{shapes.value(declaration, SH.namespace)}>")
        found.append((str(select), str(messages[0]), "\n".join(sorted(set(lines)))))
    return found or None


def _store_holds(store: OxigraphStore, reference: list[Graph], queries: list[str], shapes: Graph, held: dict[Node, bool]) -> bool:
    """Whether every reference triple with a predicate the queries name (or that types a node) is
    in the store too, so the store alone answers them as the engine's data would. ``held`` keeps
    the answer per predicate for the next shape."""
    names = set()
    for declarer in shapes.subjects(SH.declare, None):
        for declaration in shapes.objects(declarer, SH.declare):
            names.add((str(shapes.value(declaration, SH.prefix)), str(shapes.value(declaration, SH.namespace))))
    namespaces = dict(names)
    predicates: set[Node] = {RDF.type, RDFS.subClassOf}
    for text in queries:
        for token in _PREDICATES.findall(text):
            if token.startswith("<"):
                predicates.add(URIRef(token[1:-1]))
            elif token != "a":
                prefix, _, local = token.partition(":")
                if prefix in namespaces:
                    predicates.add(URIRef(namespaces[prefix] + local))
    for predicate in predicates:
        if predicate not in held:
            held[predicate] = _reference_held(store, reference, predicate)
        if not held[predicate]:
            return False
    return True


def _reference_held(store: OxigraphStore, reference: list[Graph], predicate: Node) -> bool:
    for graph in reference:
        for s, p, o in graph.triples((None, predicate, None)):
            if isinstance(s, BNode) or isinstance(o, BNode):
                if p in (RDF.type, RDFS.subClassOf):
                    continue  # the ontology's OWL restrictions: no focus node is one, or a subclass of one
                return False  # a blank node's label differs between the store and the reference graph
            if next(store.quads(s, p, o), None) is None:
                return False
    return True


def _run(store: ox.Store, shape: URIRef, select: str, message: str, prefixes: str, targets: list[URIRef],
         severity: URIRef) -> list[EngineResult]:
    target = " UNION ".join(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}" for cls in targets)
    body = _planned(select, _THIS.sub("?this", rewrite_negations(select)))
    # The shape's query as a sub-select over every target at once; DISTINCT as pySHACL keeps each
    # distinct solution once (and the union of the store's graphs may repeat a triple).
    query = f"{prefixes}\nSELECT DISTINCT * WHERE {{ {{ {target} }} {{ {body} }} }}"
    solutions = store.query(query, use_default_graph_as_union=True)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("a SPARQL constraint is a SELECT query")
    # Only the variables a result is made of; each distinct term converted once (at 10,000 pages
    # the conversions of every variable of every solution took longer than the queries).
    used = {"this", "path", "value", *_TEMPLATE.findall(message)}
    variables = [v.value for v in solutions.variables if v.value in used]
    terms: dict[object, Node] = {}
    results = []
    for solution in solutions:
        row = {}
        for name in variables:
            term = solution[name]
            if term is not None:
                row[name] = terms[term] if term in terms else terms.setdefault(term, to_rdflib(term))
        focus = row["this"]
        results.append(EngineResult(
            focus=focus, path=row.get("path"), value=row.get("value", focus), source_shape=shape, severity=severity,
            component=SH.SPARQLConstraintComponent,
            message=_fill(message, row)))
    return results


def _planned(select: str, body: str) -> str:
    """``body`` (``select`` as it will run) with the pattern ``_PLANNED`` adds for ``select``, if any."""
    plan = _PLANNED.get(hashlib.sha256(select.encode("utf-8")).hexdigest())
    if plan is None:
        return body
    anchor, pattern = plan
    at = body.index(anchor) + len(anchor)
    return f"{body[:at]}\n{pattern}\n{body[at:]}"


def _fill(message: str, row: dict[str, Node]) -> str:
    """The message with each ``{?var}`` replaced by the variable's value (left as written when unbound)."""
    return _TEMPLATE.sub(lambda m: str(row[m.group(1)]) if m.group(1) in row else m.group(0), message)


__all__ = ["STORE_WIDE", "run_store_wide", "store_wide_results", "store_wide_shapes"]
