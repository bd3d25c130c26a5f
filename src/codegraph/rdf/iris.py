"""Every IRI codegraph mints, in one place.

IRIs derive from stable keys (code system + code, normalised payer name, the document's SHA-256,
a fact's kind and key), never from counters or dates, so the same input always gives the same
graph.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from rdflib import URIRef

from .namespaces import BIOPORTAL, CGV, ID

_DOC_KEY_LENGTH = 16  # hex digits of the SHA-256: 64 bits, ample for a corpus of pages


def _key(text: str) -> str:
    return quote(text, safe="-._~")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def document_key(sha256: str) -> str:
    return sha256[:_DOC_KEY_LENGTH]


def document_iri(sha256: str) -> URIRef:
    return ID[f"document/{document_key(sha256)}"]


def document_graph_iri(sha256: str) -> URIRef:
    """The named graph holding everything read from one document."""
    return ID[f"graph/document/{document_key(sha256)}"]


def code_graph_iri(system: str, code: str) -> URIRef:
    """The named graph holding what every page about a code says identically (its type, notation,
    scheme, category): shared, so two pages for one code do not store those triples twice."""
    return ID[f"graph/code/{_key(system)}/{_key(code)}"]


PAYERS_GRAPH = ID["graph/payers"]
"""The named graph of the payer nodes every document points at."""
ACTIVITY_GRAPH = ID["graph/activity"]
"""The named graph describing the extraction activities (one per codegraph version)."""


def fact_iri(sha256: str, kind: str, key: str | int) -> URIRef:
    return ID[f"document/{document_key(sha256)}/{kind}/{_key(str(key))}"]


def evidence_iri(sha256: str, start: int, end: int) -> URIRef:
    return ID[f"document/{document_key(sha256)}/evidence/{start}-{end}"]


def code_iri(system: str, code: str) -> URIRef:
    return BIOPORTAL[system][_key(code)]


def payer_iri(name: str) -> URIRef:
    return ID[f"payer/{slug(name)}"]


def place_of_service_iri(code: str) -> URIRef:
    return ID[f"pos/{_key(code)}"]


def modifier_iri(code: str) -> URIRef:
    return ID[f"modifier/{_key(code)}"]


def taxonomy_iri(code: str) -> URIRef:
    return ID[f"nucc/{_key(code)}"]


def extraction_activity_iri(version: str) -> URIRef:
    return ID[f"activity/extract/{_key(version)}"]


def value_iri(scheme: str, notation: str) -> URIRef:
    """A concept of one of the project's value vocabularies, e.g. ("step-kind", "injection")."""
    return CGV[f"{scheme}/{_key(notation)}"]


CATEGORY_NOTATIONS = {
    "I": "cpt-i",
    "II": "cpt-ii",
    "III": "cpt-iii",
    "PLA": "cpt-pla",
    "HCPCS Level II": "hcpcs-level-ii",
}


# Imports (payer policy tables, the CMS Medicare Coverage Database): an import's key is the
# SHA-256 of its file (or, for a folder of tables, of the tables' names and checksums), so
# re-importing the same bytes gives the same IRIs and replaces the same named graph.


def import_graph_iri(sha256: str) -> URIRef:
    """The named graph holding everything one import (a file, or one folder of tables) gave."""
    return ID[f"graph/import/{document_key(sha256)}"]


def imported_fact_iri(import_sha256: str, kind: str, *key: str) -> URIRef:
    """A node an import made, e.g. ("coverage", "aetna", "CPT-20610", "line-4")."""
    return ID["/".join([f"import/{document_key(import_sha256)}/{kind}", *(_key(part) for part in key)])]


def imported_assertion_iri(import_sha256: str, *key: str) -> URIRef:
    return imported_fact_iri(import_sha256, "coverage", *key)


def policy_iri(publisher: str, identifier: str, version: str) -> URIRef:
    """One version of a policy document: publisher (payer name or "cms-mcd"), its identifier
    (policy number, LCD or article number) and a version key (effective date or version number)."""
    return ID[f"policy/{slug(publisher)}/{_key(identifier)}/{_key(version)}"]


def contractor_iri(number: str) -> URIRef:
    """A Medicare Administrative Contractor, by its CMS contractor number."""
    return ID[f"contractor/{_key(number)}"]


def import_activity_iri(kind: str, version: str) -> URIRef:
    return ID[f"activity/import/{_key(kind)}/{_key(version)}"]
