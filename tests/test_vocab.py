"""Data integrity of the shipped reference code sets: every file parses, every IRI and notation
is well formed and unique, and known entries are present."""

from __future__ import annotations

import csv
import re

import pytest
from rdflib import SKOS, Literal, URIRef

from codegraph.rdf.namespaces import CG
from codegraph.resources import vocab_dir
from codegraph.vocab import SCHEMES, available_schemes, scheme_graph

PATTERNS = {
    "place-of-service": re.compile(r"^\d{2}$"),
    "modifiers": re.compile(r"^[0-9A-Z]{2}$"),
    "nucc-taxonomy": re.compile(r"^\d{3}[0-9A-Z]{6}X$"),
    "anatomy": re.compile(r"^UBERON:\d{7}$"),
}
KEY_COLUMN = {"place-of-service": "code", "modifiers": "code", "nucc-taxonomy": "code", "anatomy": "id"}


def test_all_schemes_ship():
    assert set(available_schemes()) == set(SCHEMES)


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_keys_are_well_formed_unique_and_sourced(name):
    with (vocab_dir() / SCHEMES[name].file).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, name
    keys = [row[KEY_COLUMN[name]].strip() for row in rows]
    bad = [k for k in keys if not PATTERNS[name].match(k)]
    assert not bad, f"{name}: malformed codes {bad}: fix them in data/vocab/{SCHEMES[name].file}"
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if name == "modifiers":  # a modifier code is unique within its system
        pairs = [(row["system"], row["code"]) for row in rows]
        duplicates = sorted({p for p in pairs if pairs.count(p) > 1})
    assert not duplicates, f"{name}: duplicate codes {duplicates}"
    missing_source = [k for k, row in zip(keys, rows, strict=True) if not row["verified_source"].strip()]
    assert not missing_source, f"{name}: rows without verified_source (write UNVERIFIED if unchecked): {missing_source}"


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_scheme_graph_iris_are_absolute(name):
    graph = scheme_graph(name)
    for term in graph.all_nodes():
        if isinstance(term, URIRef):
            assert re.match(r"^https?://[^\s<>\"{}|\\^`]+$", str(term)), term


def test_known_entries():
    pos = scheme_graph("place-of-service")
    asc = URIRef("https://w3id.org/codegraph/id/pos/24")
    assert (asc, SKOS.notation, Literal("24", datatype=CG.PlaceOfServiceNotation)) in pos
    assert str(pos.value(asc, SKOS.prefLabel)) == "Ambulatory Surgical Center"
    assert len(set(pos.subjects(SKOS.inScheme, None))) >= 50
    anatomy = scheme_graph("anatomy")
    sphincter = URIRef("http://purl.obolibrary.org/obo/UBERON_0001367")
    assert str(anatomy.value(sphincter, SKOS.prefLabel)) == "external anal sphincter"
    nucc = scheme_graph("nucc-taxonomy")
    assert (URIRef("https://w3id.org/codegraph/id/nucc/208C00000X"), SKOS.notation, Literal("208C00000X", datatype=CG.TaxonomyNotation)) in nucc


def test_unverified_rows_are_marked_in_the_graph():
    modifiers = scheme_graph("modifiers")
    with (vocab_dir() / "modifiers.csv").open(newline="", encoding="utf-8") as handle:
        unverified = [row["code"] for row in csv.DictReader(handle) if row["verified_source"].upper().startswith("UNVERIFIED")]
    for code in unverified:
        note = modifiers.value(URIRef(f"https://w3id.org/codegraph/id/modifier/{code}"), SKOS.editorialNote)
        assert note is not None and str(note).startswith("UNVERIFIED"), code
