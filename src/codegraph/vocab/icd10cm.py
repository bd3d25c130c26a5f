"""The whole ICD-10-CM release as a SKOS concept scheme, from the PyPI package
``simple-icd-10-cm`` (the CMS/CDC tabular list ships inside it: nothing is downloaded).

The scheme is ``cgid:scheme/icd10cm``, the one ICD-10-CM scheme (the ontology gives it its FHIR
system URI and OID). Chapters, blocks, categories and codes each become a ``skos:Concept`` with a
``skos:notation`` typed ``cg:ICD10CMNotation``,
``skos:prefLabel``, ``skos:broader`` (the tabular hierarchy) and, for categories and codes,
``cg:billable`` (true for the leaves of the tabular list, which are the codes a claim can carry).
Codes and blocks keep their BioPortal IRIs; chapters, which have no such IRI, are minted.

Half a million triples: it is written as N-Triples text in one pass (a store bulk-loads that
far faster than rdflib builds a graph), and loaded only when asked (``build --icd10cm``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import version
from typing import Any

from rdflib import Graph, Literal, URIRef

from ..rdf import iris
from ..rdf.namespaces import BIOPORTAL, CG
from ..rdf.terms import string_term

SCHEME = iris.scheme_iri("icd10cm")
GRAPH = iris.vocab_graph_iri("icd10cm")
RELEASE_KEY = "2026-04"
"""Each release loads into a graph of its own (``GRAPH/<release>``): loading the same release
again is a no-op, and a new release replaces the old one without moving 590,000 triples."""
RELEASE_GRAPH = iris.vocab_release_graph_iri("icd10cm", RELEASE_KEY)
SOURCE = "https://www.cdc.gov/nchs/icd/icd-10-cm/files.html"

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_CONCEPT = f"<{_SKOS}Concept>"
_IN_SCHEME = f"<{_SKOS}inScheme>"
_NOTATION = f"<{_SKOS}notation>"
_PREF_LABEL = f"<{_SKOS}prefLabel>"
_BROADER = f"<{_SKOS}broader>"
_TOP_CONCEPT_OF = f"<{_SKOS}topConceptOf>"
_BILLABLE = f"<{CG.billable}>"
_TRUE = Literal(True).n3()
_FALSE = Literal(False).n3()
_NOTATION_TYPE = f"^^<{CG.ICD10CMNotation}>"
_CODE_BASE = str(BIOPORTAL["ICD-10-CM"])
_SAFE_ITEM = re.compile(r"[A-Z0-9][A-Z0-9.-]*")


def _module() -> Any:
    import simple_icd_10_cm as cm  # imported late: reading the XML costs a moment

    return cm


def concept_iri(item: str) -> URIRef:
    """IRI of an ICD-10-CM item: a chapter number ("18"), a block ("R10-R19") or a code ("R15.9")."""
    if item.isdigit():
        return iris.icd10cm_chapter_iri(item)
    return BIOPORTAL["ICD-10-CM"][item]


def _node(item: str) -> str:
    """``concept_iri(item)`` in N-Triples form; a code or block is one IRI-safe token (letters,
    digits, '.', '-'), checked so that a release with other characters fails loudly here."""
    if item.isdigit():
        return f"<{iris.icd10cm_chapter_iri(item)}>"
    if not _SAFE_ITEM.fullmatch(item):
        raise ValueError(f"ICD-10-CM item {item!r} is not a code or block")
    return f"<{_CODE_BASE}{item}>"


def release() -> str:
    """The ICD-10-CM release shipped, as a label."""
    return f"ICD-10-CM April 2026 (simple-icd-10-cm {version('simple-icd-10-cm')})"


def icd10cm_ntriples() -> str:
    """The scheme as N-Triples text (about 560,000 triples)."""
    cm = _module()
    scheme = SCHEME.n3()
    lines = [
        f"{scheme} {_RDF_TYPE} <{_SKOS}ConceptScheme> .",
        f"{scheme} {_PREF_LABEL} {Literal('ICD-10-CM', lang='en').n3()} .",
        f"{scheme} <http://purl.org/dc/terms/source> <{SOURCE}> .",
        f"{scheme} <http://www.w3.org/2002/07/owl#versionInfo> {Literal(release()).n3()} .",
        f"{scheme} <http://purl.org/dc/terms/license> <https://creativecommons.org/publicdomain/mark/1.0/> .",
        f"{scheme} <http://purl.org/dc/terms/rights> {Literal('US government work, public domain.', lang='en').n3()} .",
    ]
    append = lines.append
    seen: set[str] = set()
    for item in cm.get_all_codes(with_dots=True):
        # 39 items name both a one-category block and its category ("B10"); one concept each.
        if item in seen:
            continue
        seen.add(item)
        # Terms written as text, not made as rdflib terms: 200,000 of those took most of the time.
        node = _node(item)
        append(f"{node} {_RDF_TYPE} {_CONCEPT} .")
        append(f"{node} {_IN_SCHEME} {scheme} .")
        append(f"{node} {_NOTATION} {string_term(item)}{_NOTATION_TYPE} .")
        append(f"{node} {_PREF_LABEL} {string_term(cm.get_description(item))}@en .")
        parent = cm.get_parent(item)
        if parent == item:  # the category under its same-named block: the block's parent is the chapter
            parent = next((a for a in cm.get_ancestors(item) if a != item), "")
        if parent:
            append(f"{node} {_BROADER} {_node(parent)} .")
        else:
            append(f"{node} {_TOP_CONCEPT_OF} {scheme} .")
        if cm.is_category_or_subcategory(item):
            append(f"{node} {_BILLABLE} {_TRUE if cm.is_leaf(item) else _FALSE} .")
    return "\n".join(lines) + "\n"


@cache
def icd10cm_graph() -> Graph:
    """The scheme as an rdflib graph (cached; treat as read-only). Slower than the N-Triples."""
    graph = Graph(identifier=RELEASE_GRAPH)
    graph.parse(data=icd10cm_ntriples(), format="nt")
    return graph
