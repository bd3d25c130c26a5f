"""Anatomy with roles and clinical-concept roles on our own pages (tests/anatomy_cases/), one
case per page: what must be a target, what must never be one, and the role each other mention
gets (harvest site or source, approach, indication, avoided)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegraph.extract import extract_file
from codegraph.extract.anatomy import mention_role

CASES = Path(__file__).parent / "anatomy_cases"
EXPECTED = {k: v for k, v in json.loads((CASES / "expected.json").read_text(encoding="utf-8")).items() if not k.startswith("_")}
OBO = "http://purl.obolibrary.org/obo/"


def iri(curie: str) -> str:
    return OBO + curie.replace(":", "_")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_anatomy_case(name):
    expected = EXPECTED[name]
    facts = extract_file(CASES / name)
    payload = facts.to_json()
    targets = {a["iri"] for a in payload["anatomy"]}
    mentions = {(a["iri"], a["role"]) for a in payload["anatomy_mentions"]}
    for curie in expected["targets"]:
        assert iri(curie) in targets, f"{name}: {curie} should be a target; got {sorted(targets)}"
    for curie in expected["not_targets"]:
        assert iri(curie) not in targets, f"{name}: {curie} must not be a target"
    for curie, role in expected["mentions"]:
        assert (iri(curie), role) in mentions, f"{name}: {curie} should be mentioned as {role}; got {sorted(mentions)}"
    concepts = {(c.role, c.label) for c in facts.concepts}
    for role, label in expected["concepts"]:
        assert (role, label) in concepts, f"{name}: ({role}, {label}) not in {sorted(concepts)}"
    # evidence spans quote the words used
    text = (CASES / name).read_text(encoding="utf-8")
    for fact in facts.anatomy:
        assert text[fact.evidence.start : fact.evidence.end] == fact.evidence.quote


@pytest.mark.parametrize(
    ("before", "mention", "after", "group", "role"),
    [
        ("a needle is passed through the ", "skin", " into the knee joint", "skin", "approach"),
        ("the needle goes through the skin into the ", "knee joint", "", "joint", "target"),
        ("treats end-stage peripheral ", "artery", " disease", "artery", "indication"),
        ("fat is harvested by liposuction from the ", "thigh", "", "region", "harvest-site"),
        ("the ", "thigh", " biopsy provides the cells", "region", "harvest-site"),
        ("injects the neurotoxin while avoiding the ", "laryngeal muscles", "", "muscle", "avoided"),
        ("the surgeon harvests ", "fat", " from the abdomen", "material", "harvest-source"),
        ("injects autologous ", "muscle", " progenitor cells", "tissue", "harvest-source"),
        ("injects autologous urethral sphincter ", "muscle", " progenitor cells", "tissue", "harvest-source"),
        ("arthrocentesis via an anterior ", "knee", " approach", "region", "approach"),
        ("aspiration of a ", "joint", "", "joint", "target"),
        ("to treat chronic ", "pelvic", " pain", "region", "indication"),
    ],
)
def test_mention_role_rules(before, mention, after, group, role):
    assert mention_role(before, mention, after, group) == role


def test_pain_is_a_complication_only_among_complications(seed_facts):
    pains = {(c.role, c.iri) for c in seed_facts.concepts if c.label == "pain"}
    assert ("complication", "http://purl.bioontology.org/ontology/ICD10CM/G89.18") in pains
    facts = extract_file(CASES / "cpt-0565T-thigh-fat-harvest-for-knee.txt")
    presenting = [c for c in facts.concepts if c.label == "pain"]
    assert presenting and all(c.role == "condition" and c.iri is None for c in presenting)
