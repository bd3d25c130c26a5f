"""The facts read from the seed document, asserted value by value."""

from __future__ import annotations

from conftest import SEED

UBERON_EXTERNAL_ANAL_SPHINCTER = "http://purl.obolibrary.org/obo/UBERON_0001367"
FIVE_PAYERS = ["Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Medicare"]


def test_code_system_category_and_title(seed_facts):
    data = seed_facts.to_json()
    assert data["code"] == {
        "system": "CPT",
        "code": "1001T",
        "category": "III",
        "title": "Autologous Muscle Progenitor Injection into External Anal Sphincter",
    }
    assert data["source"]["path"] == str(SEED)
    assert len(data["source"]["sha256"]) == 64


def test_service_type_and_site_of_service(seed_facts):
    data = seed_facts.to_json()
    assert data["service_type"] == "Autologous cell injection therapy targeting the external anal sphincter muscle"
    site = data["site_of_service"]
    assert site["text"].startswith("Outpatient procedural setting such as an ambulatory surgery center")
    assert site["pos"] == ["24"]
    assert site["pos_candidates"] == [{"phrase": "clinic procedure room", "pos": ["11", "49"]}]


def test_anatomy_links_to_uberon(seed_facts):
    anatomy = seed_facts.to_json()["anatomy"]
    assert {"label": "external anal sphincter", "iri": UBERON_EXTERNAL_ANAL_SPHINCTER} in anatomy


def test_workflow_becomes_ordered_typed_steps(seed_facts):
    steps = seed_facts.to_json()["steps"]
    assert [s["order"] for s in steps] == list(range(1, len(steps) + 1))
    assert [s["kind"] for s in steps] == [
        "arrival",
        "consent",
        "tissue-harvest",
        "laboratory-processing",
        "positioning",
        "anesthesia",
        "imaging-guidance",
        "injection",
        "observation",
        "discharge",
        "follow-up",
    ]
    assert steps[2]["text"].startswith("the provider harvests a small muscle biopsy (often from the thigh)")
    assert steps[-1]["text"].startswith("follow-up assessments including repeat anorectal manometry")


def test_five_payers_each_with_declared_unavailable_coverage(seed_facts):
    data = seed_facts.to_json()
    assert data["payers"] == FIVE_PAYERS
    assert [(c["payer"], c["status"], c["prior_auth"]) for c in data["coverage"]] == [
        (payer, "source-declares-unavailable", "unknown") for payer in FIVE_PAYERS
    ]


def test_declared_unavailable_facets(seed_facts):
    assert seed_facts.to_json()["unavailable"] == [
        "icd10-mappings",
        "modifiers",
        "payer-policies",
        "provider-taxonomies",
        "related-codes",
    ]
    # The bare "Data not available in the input." line is kept, with no facet named.
    bare = [s for s in seed_facts.unavailable_statements if not s.facets]
    assert [(s.evidence.line, s.evidence.quote) for s in bare] == [(12, "Data not available in the input.")]


def test_truncated_modifier_table_gives_row_and_warning(seed_facts):
    data = seed_facts.to_json()
    assert data["modifiers"] == [{"code": "25", "description": None, "when_to_use": None}]
    assert len(data["warnings"]) == 1
    assert data["warnings"][0].startswith("line 20: modifier table row '25 |' is truncated")


def test_clinical_concepts_with_hedged_sedation(seed_facts):
    concepts = {(c.role, c.label): c for c in seed_facts.concepts}
    assert concepts[("condition", "fecal incontinence")].iri == "http://purl.bioontology.org/ontology/ICD10CM/R15"
    assert concepts[("condition", "fecal incontinence")].asserted
    assert concepts[("diagnostic-evaluation", "anorectal manometry")].asserted
    assert not concepts[("anesthesia", "sedation")].asserted  # "with or without sedation"
    assert concepts[("anesthesia", "local anesthesia")].asserted
    assert {"bleeding", "pain", "infection"} <= {label for role, label in concepts if role == "complication"}


def test_every_fact_quotes_the_original_text(seed_facts):
    original = SEED.read_text(encoding="utf-8")
    data = seed_facts.to_json(evidence=True)
    facts = [data["code"], data["site_of_service"]]
    for key in ("anatomy", "steps", "concepts", "coverage", "modifiers", "unavailable_statements"):
        facts += data[key]
    for fact in facts:
        evidence = fact["evidence"]
        assert original[evidence["start"] : evidence["end"]] == evidence["quote"], fact
        assert original.count("\n", 0, evidence["start"]) + 1 == evidence["line"], fact
    # Offsets are into the original text, curly apostrophe included.
    injection = data["steps"][7]["evidence"]["quote"]
    assert "patient\u2019s autologous" in injection
