"""Clinical concepts with spans, steps linked to what they mention, anatomy and condition queries."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from codegraph import MemoryStore, run_named_query
from codegraph.rdf import CG
from conftest import SEED

UBERON = "http://purl.obolibrary.org/obo/UBERON_"


def test_seed_concepts_recognised_with_spans(seed_facts):
    text = SEED.read_text(encoding="utf-8")
    found = {(c.role, c.label, c.asserted) for c in seed_facts.concepts}
    expected = {
        ("condition", "fecal incontinence", True),
        ("prior-treatment", "pelvic floor physical therapy", True),
        ("prior-treatment", "biofeedback", True),
        ("diagnostic-evaluation", "anorectal manometry", True),
        ("diagnostic-evaluation", "endoanal ultrasound", True),
        ("anesthesia", "local anesthesia", True),
        ("anesthesia", "sedation", False),
        ("position", "lithotomy position", True),
        ("position", "prone jackknife position", True),
        ("harvest-site", "thigh", True),
        ("complication", "bleeding", True),
        ("complication", "pain", True),
        ("complication", "infection", True),
    }
    assert expected <= found, expected - found
    assert any(role == "imaging-guidance" and "ultrasound" in label for role, label, _a in found)
    for concept in seed_facts.concepts:
        assert text[concept.evidence.start:concept.evidence.end] == concept.evidence.quote
    thigh = next(c for c in seed_facts.concepts if c.label == "thigh")
    assert thigh.iri and thigh.iri.startswith(UBERON)


def test_steps_link_to_the_concepts_they_mention(seed_build):
    rows = seed_build.dataset.query(
        """SELECT ?order ?label WHERE { ?step cg:stepOrder ?order ; cg:mentions/rdfs:label ?label }""",
        initNs={"cg": CG._NS, "rdfs": URIRef("http://www.w3.org/2000/01/rdf-schema#")},
    )
    by_step: dict[int, set[str]] = {}
    for order, label in rows:
        by_step.setdefault(int(order), set()).add(str(label))
    assert {"thigh"} <= by_step[3]  # the harvest step names the thigh
    assert {"local anesthesia", "sedation"} <= by_step[6]
    assert {"bleeding", "pain", "infection"} <= by_step[9]


@pytest.mark.parametrize(
    ("anatomy", "codes"),
    [
        ("external anal sphincter", ["1001T"]),
        ("<http://purl.obolibrary.org/obo/UBERON_0001367>", ["1001T"]),
        ("anal region", ["1001T"]),  # UBERON: the sphincter is part_of the anal region
        ("anal sphincter", ["1001T"]),  # ... and is_a anal sphincter
        ("<http://purl.obolibrary.org/obo/UBERON_0004590>", ["1001T"]),  # sphincter muscle, two is_a up
        ("anal canal", []),  # not part of the anal canal, so no row
        ("thigh", []),  # the thigh is the harvest site, never a target
        ('anal" } } #', []),
    ],
)
def test_codes_for_anatomy_follows_part_of(seed_build, anatomy, codes):
    rows = run_named_query(MemoryStore(seed_build.dataset), "codes-for-anatomy", {"anatomy": anatomy}).as_dicts()
    assert sorted({str(r["code"]) for r in rows}) == codes


@pytest.mark.parametrize(("condition", "codes"), [("R15", ["1001T"]), ("fecal incontinence", ["1001T"]), ("R15.9", []), ("K59", [])])
def test_codes_for_condition(seed_build, condition, codes):
    rows = run_named_query(MemoryStore(seed_build.dataset), "codes-for-condition", {"condition": condition}).as_dicts()
    assert sorted({str(r["code"]) for r in rows}) == codes
    for row in rows:
        assert row["icd10"] == Literal("R15") and row["asserted"] == Literal(True)
