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
