"""Every IRI codegraph mints, in one place.

IRIs derive from stable keys, never from counters or dates, so the same input always gives the
same graph:

- a **source** (a page, a policy table, an MCD export) by its *source key*: the page's own URL
  when it states one, else its path relative to the folder given to ``build``/``import`` (or what
  ``source_id`` says). Its *version* is the SHA-256 of its bytes, recorded as ``cg:sha256``. So
  an edited page keeps its IRIs and its named graph, and a rebuild replaces that graph;
- a **fact** by its source and its kind and key within the source;
- a **code** by code system and code; a **payer** by its canonical name (``payers.py``): a
  readable slug plus a hash of the exact normalised name, so names that only look alike
  (``Aetna``, ``@Aetna``, two names in other scripts) never share a node;
- a **policy** by its publisher and its identifier normalised per publisher.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

from .namespaces import BASE, BIOPORTAL, CGV, ID

_KEY_HEX = 16  # hex digits of a SHA-256 in an IRI: 64 bits, ample for any corpus


_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]*")


def _key(text: str) -> str:
    # Most keys need no escape at all; ``quote`` costs ten times the check.
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="-._~")


@lru_cache(maxsize=4096)
def _hash(text: str) -> str:
    # Cached: a source's key is hashed for every IRI minted from it.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_KEY_HEX]


def slug(text: str) -> str:
    """A readable ASCII slug (may be empty for names in other scripts: never an identity alone)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def normalise_name(name: str) -> str:
    """A name as identity compares it: Unicode-normalised (NFKC), case-folded, spaces collapsed.
    Punctuation and script are kept, so ``@Aetna`` and ``Aetna`` stay two names."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


# -- named graphs ---------------------------------------------------------------------------

GRAPHS = ID["graph/"]
"""Every named graph codegraph writes has an IRI starting with this."""
DOCUMENT_GRAPHS = ID["graph/document/"]
IMPORT_GRAPHS = ID["graph/import/"]
CODE_GRAPHS = ID["graph/code/"]
VOCAB_GRAPHS = ID["graph/vocab/"]
STAGING_GRAPHS = ID["graph/staging/"]
"""Graphs a remote store uploads into before swapping them in; never part of what a store holds."""
ONTOLOGY_GRAPH = ID["graph/ontology"]
PAYERS_GRAPH = ID["graph/payers"]
"""The payer nodes every source points at."""
ACTIVITY_GRAPH = ID["graph/activity"]
"""The extraction and import activities (one per kind and codegraph version)."""
DATASET_GRAPH = ID["graph/dataset"]
"""The VoID/DCAT description of the dataset (licence, versions, vocabularies)."""
DATASET = ID["dataset"]
"""The dataset a build writes, as VoID and DCAT describe it."""
RUN_GRAPHS = ID["graph/run/"]
"""Run metadata (a build's times): never in the data graphs, so builds stay byte-identical."""
SOURCES_GRAPH = ID["graph/sources"]
"""The registry of current sources: one ``cg:SourceGraph`` node per source, with its key,
version and kind. A source's graph is current exactly when the registry lists it."""
NO_GRAPH = ID["graph/none"]
"""Named as a query's whole dataset when a store holds no graph: empty on every server."""


def source_id(key: str) -> str:
    """The short, IRI-safe identity of a source key."""
    return _hash(key)


def document_iri(key: str) -> URIRef:
    """A source (page or table file), by its source key."""
    return ID[f"document/{source_id(key)}"]


def document_graph_iri(key: str) -> URIRef:
    """The named graph holding everything read from one page."""
    return ID[f"graph/document/{source_id(key)}"]


def import_graph_iri(key: str) -> URIRef:
    """The named graph holding everything one import (a table, or one MCD export) gave."""
    return ID[f"graph/import/{source_id(key)}"]


def code_graph_iri(system: str, code: str) -> URIRef:
    """The named graph holding what every source says identically about a code (its type,
    notation, scheme, category): shared, so two pages for one code do not store it twice."""
    return ID[f"graph/code/{_key(system)}/{_key(code)}"]


def vocab_graph_iri(name: str) -> URIRef:
    """The named graph of one shipped code set (``place-of-service``, ``anatomy``, ...)."""
    return ID[f"graph/vocab/{_key(name)}"]


def vocab_release_graph_iri(name: str, release: str) -> URIRef:
    """One release of a large code set (ICD-10-CM): each release has a graph of its own."""
    return ID[f"graph/vocab/{_key(name)}/{_key(release)}"]


def staging_graph_iri(target: URIRef) -> URIRef:
    """The staging graph for ``target``: derived from its name, so an upload killed part-way is
    cleaned up by the next upload of the same graph."""
    return ID[f"graph/staging/{_hash(str(target))}"]


def is_codegraph_graph(name: str) -> bool:
    """Is ``name`` a graph codegraph wrote (and not a staging graph)?"""
    return name.startswith(str(GRAPHS)) and not name.startswith(str(STAGING_GRAPHS))


# -- facts and evidence --------------------------------------------------------------------


def fact_iri(key: str, kind: str, fact_key: str | int) -> URIRef:
    """A fact read from a page: its source, its kind and its key within the page."""
    return URIRef(document_node_prefix(key) + fact_path(kind, fact_key))


def document_node_prefix(key: str) -> str:
    """How every fact and evidence IRI of a source starts, as text: ``fact_iri`` is this plus
    ``fact_path``, ``evidence_iri`` this plus ``evidence/START-END`` (the page mapper writes them
    as text, without making a URIRef)."""
    return f"{ID}document/{source_id(key)}/"


def fact_path(kind: str, fact_key: str | int) -> str:
    """The part of a fact's IRI after ``document_node_prefix``."""
    return f"{kind}/{_key(str(fact_key))}"


def evidence_iri(key: str, start: int, end: int) -> URIRef:
    """The evidence node of a character span of a source."""
    return URIRef(f"{document_node_prefix(key)}evidence/{start}-{end}")


def position_selector_iri(evidence: URIRef) -> URIRef:
    """The Web Annotation ``oa:TextPositionSelector`` of an evidence node (its offsets)."""
    return URIRef(f"{evidence}/position")


def quote_selector_iri(evidence: URIRef) -> URIRef:
    """The Web Annotation ``oa:TextQuoteSelector`` of an evidence node (its quote)."""
    return URIRef(f"{evidence}/quote")


def imported_fact_iri(key: str, kind: str, *fact_key: str) -> URIRef:
    """A node an import made, e.g. (key, "coverage", "aetna", "CPT-20610", "line-4")."""
    return ID["/".join([f"import/{source_id(key)}/{kind}", *(_key(part) for part in fact_key)])]


def imported_assertion_iri(key: str, *fact_key: str) -> URIRef:
    """A coverage assertion an import made."""
    return imported_fact_iri(key, "coverage", *fact_key)


# -- shared nodes ----------------------------------------------------------------------------


def code_iri(system: str, code: str) -> URIRef:
    """A billing or diagnosis code (BioPortal-style IRI of its system)."""
    return BIOPORTAL[system][_key(code)]


def code_page_iri(system: str, code: str) -> URIRef:
    """The resolvable name of a code (``codegraph serve --resolve`` answers it; docs/w3id): a
    code node keeps its BioPortal-style IRI and points here with ``rdfs:seeAlso``."""
    return URIRef(f"{BASE}code/{_key(system)}/{_key(code)}")


def payer_iri(canonical_name: str) -> URIRef:
    """A payer, by its canonical name (``payers.canonical_payer`` applies the alias table first)."""
    readable = slug(canonical_name) or "payer"
    return ID[f"payer/{readable}-{_hash(normalise_name(canonical_name))[:8]}"]


def place_of_service_iri(code: str) -> URIRef:
    """A CMS place of service, by its two-digit code."""
    return ID[f"pos/{_key(code)}"]


def modifier_iri(code: str) -> URIRef:
    """A CPT/HCPCS modifier, by its code."""
    return ID[f"modifier/{_key(code)}"]


def taxonomy_iri(code: str) -> URIRef:
    """A NUCC provider taxonomy code."""
    return ID[f"nucc/{_key(code)}"]


def scheme_iri(name: str) -> URIRef:
    """A shipped concept scheme (``place-of-service``, ``anatomy``, ``icd10cm``, ...)."""
    return ID[f"scheme/{_key(name)}"]


def icd10cm_chapter_iri(number: str) -> URIRef:
    """An ICD-10-CM chapter (chapters have no BioPortal IRI)."""
    return ID[f"icd10cm/chapter/{_key(number)}"]


def extraction_activity_iri(version: str) -> URIRef:
    """The activity of reading pages with one codegraph version."""
    return ID[f"activity/extract/{_key(version)}"]


def import_activity_iri(kind: str, version: str) -> URIRef:
    """The activity of importing one kind of table with one codegraph version."""
    return ID[f"activity/import/{_key(kind)}/{_key(version)}"]


def agent_iri(version: str) -> URIRef:
    """codegraph itself, one version of it, as the PROV software agent of its activities."""
    return ID[f"agent/codegraph/{_key(version)}"]


def run_iri(started: str, sources: str) -> URIRef:
    """One run of a build (its start time and the hash of what it read): run metadata only."""
    return ID[f"run/{_hash(started + sources)}"]


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


def normalise_policy_identifier(identifier: str) -> str:
    """A policy number as its publisher means it: case, spaces, hyphens, underscores and dots
    between its parts do not make another policy (``CPB 0179`` = ``cpb-0179``)."""
    return re.sub(r"[\s\-_.]+", "", unicodedata.normalize("NFKC", identifier)).upper()


def policy_iri(publisher: str, identifier: str, version: str) -> URIRef:
    """One version of a policy document: publisher (canonical payer name or "cms-mcd"), its
    identifier (policy number, LCD or article number) and a version key (effective date or
    version number)."""
    publisher_key = f"{slug(publisher) or 'publisher'}-{_hash(normalise_name(publisher))[:8]}"
    return ID[f"policy/{publisher_key}/{_key(normalise_policy_identifier(identifier))}/{_key(version)}"]


def contractor_iri(number: str) -> URIRef:
    """A Medicare Administrative Contractor, by its CMS contractor number."""
    return ID[f"contractor/{_key(number)}"]
