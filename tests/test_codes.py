"""One pattern per code system (codes.py), and every reader of codes takes it from there."""

from __future__ import annotations

import re

import pytest
import simple_icd_10_cm as icd
from rdflib import Graph, Literal, URIRef

from codegraph import codes
from codegraph.extract.code import code_category
from codegraph.extract.tables import CODE_PATTERNS
from codegraph.imports import fields
from codegraph.rdf.namespaces import CG
from conftest import ROOT

SCHEMES = {"CPT": codes.CPT, "HCPCS": codes.HCPCS, "ICD-10-CM": codes.ICD10CM}


@pytest.mark.parametrize("system", codes.ALL, ids=lambda system: system.name)
def test_each_pattern_takes_its_examples_and_refuses_its_counterexamples(system):
    assert [value for value in system.examples if not system.matches(value)] == []
    assert [value for value in system.counterexamples if system.matches(value)] == []


@pytest.mark.parametrize("system", codes.ALL, ids=lambda system: system.name)
def test_the_anchored_form_matches_exactly_what_the_pattern_matches(system):
    anchored = re.compile(system.anchored)
    for value in (*system.examples, *system.counterexamples, "", f"{system.examples[0]}X", f" {system.examples[0]}"):
        assert bool(anchored.search(value)) == system.matches(value), value


def test_the_ontology_states_the_same_patterns():
    ontology = Graph().parse(ROOT / "ontology" / "codegraph.ttl")
    stated = {str(ontology.value(scheme, URIRef("http://www.w3.org/2004/02/skos/core#notation"))): str(pattern)
              for scheme, pattern in ontology.subject_objects(CG.notationPattern)}
    assert stated == {name: system.anchored for name, system in SCHEMES.items()}
    assert all(isinstance(pattern, Literal) for pattern in ontology.objects(None, CG.notationPattern))


def test_every_icd10cm_code_of_the_shipped_release_fits_the_pattern():
    misfits = [code for code in icd.get_all_codes(with_dots=True)
               if not icd.is_chapter(code) and not icd.is_block(code) and not codes.ICD10CM.matches(code)]
    assert misfits == []
    assert codes.ICD10CM.matches("QA0.0101")  # the release's codes with a letter second
    assert not codes.ICD10CM.matches("BAN.ANA")  # what "--dx banana" became before


def test_the_page_reader_and_the_imports_use_the_same_patterns():
    assert CODE_PATTERNS["icd10"].fullmatch("M17.11") and not CODE_PATTERNS["icd10"].fullmatch("BAN.ANA")
    assert CODE_PATTERNS["related_codes"].search("see 20611 and J7325").group(1) == "20611"
    assert CODE_PATTERNS["taxonomies"].fullmatch("207Q00000X") and not CODE_PATTERNS["taxonomies"].fullmatch("207Q00000Y")
    assert fields.CODE_PATTERNS == {"CPT": codes.CPT.exact, "HCPCS": codes.HCPCS.exact}


@pytest.mark.parametrize(("system", "code", "category"), [
    ("CPT", "20610", "I"), ("CPT", "3074F", "II"), ("CPT", "1001T", "III"), ("CPT", "0001U", "PLA"),
    ("HCPCS", "J7321", "HCPCS Level II"), ("CPT", "J7321", None), ("HCPCS", "W1234", None),
])
def test_a_page_code_s_category_comes_from_its_shape(system, code, category):
    assert code_category(system, code) == category


def test_billing_system_by_shape():
    assert [codes.billing_system_of(code) for code in ("20610", "1001T", "J7321", "M17.11", "W1234")] == \
        ["CPT", "CPT", "HCPCS", None, None]
