"""Wording rules, case by case: service type and site layouts, missing-data clauses, coverage
wording and hard-wrapped lines (issue 15). Each row is a sentence or short page and the facts a
careful analyst reads from it."""

from __future__ import annotations

import pytest

from codegraph.extract import extract
from codegraph.extract.unavailable import facets_named
from codegraph.read import document_from_bytes
from codegraph.read.wrap import is_wrap

TOP = "Summary & Overview\nCPT 64490: Cervical Facet Joint Injection, Single Level\nThe page names Aetna, Cigna and Medicare.\n"
OVERVIEW = TOP + "Billing Code Overview\n"


def _read(text: str, suffix: str = "txt") -> dict:
    return extract(document_from_bytes(text.encode("utf-8"), f"page.{suffix}")).to_json(evidence=True)


# (overview text, service type, site of service): the value only, never the whole sentence.
LAYOUTS = {
    "label lines with dash separators": (
        "-\nService type: Facet joint injection\n-\nTypical site of service: Office (POS 11)\n",
        "Facet joint injection", "Office (POS 11)"),
    "Title Case labels": (
        "Service Type: Facet joint injection\nTypical Site of Service: Ambulatory surgical center (POS 24)\n",
        "Facet joint injection", "Ambulatory surgical center (POS 24)"),
    "both labels in one line, split at a full stop": (
        "In short, Service type: Facet joint injection. Typical site of service: Office (POS 11). Levels are billed apart.\n",
        "Facet joint injection", "Office (POS 11)"),
    "both labels in one line, split at a semicolon": (
        "Service type: Facet joint injection; Typical site of service: Office (POS 11).\n",
        "Facet joint injection", "Office (POS 11)"),
    "prose with both in one sentence": (
        "The service type is facet joint injection, and the typical site of service is an office (POS 11).\n",
        "facet joint injection", "an office (POS 11)"),
    "prose as two sentences": (
        "The code covers one level. The service type is a facet joint injection. The typical site of service is an office (POS 11).\n",
        "a facet joint injection", "an office (POS 11)"),
    "site sentence with no POS number": (
        "The typical site of service for this procedure is an outpatient setting, including offices or ambulatory surgery centers.\n",
        None, "an outpatient setting, including offices or ambulatory surgery centers"),
    "typical sites of service include": (
        "Typical sites of service include hospital outpatient departments (place of service 22) and offices (place of service 11).\n",
        None, "hospital outpatient departments (place of service 22) and offices (place of service 11)"),
    "typically performed in": (
        "The injection is typically performed in an ambulatory surgery center. Imaging is included.\n",
        None, "an ambulatory surgery center"),
    "falls under": ("The code falls under interventional spine procedures.\n", "interventional spine procedures", None),
    "is categorized as": ("This service is categorized as an image-guided injection.\n", "an image-guided injection", None),
    "a label beats prose for the same facet": (
        "This service is categorized as an injection.\nService type: Facet joint injection\n",
        "Facet joint injection", None),
    "folded place of service: the words after performed in": (
        "It is usually done in an office setting (POS 11) with a C-arm.\n", None, "an office setting (POS 11) with a C-arm"),
    "folded place of service with no lead-in: the sentence": (
        "Most claims come from offices (place of service 11).\n", None, "Most claims come from offices (place of service 11)."),
    "report-content sentences are not statements": (
        "Readers will find typical sites of service and the service type below. The typical site of service is discussed later.\n",
        None, None),
    "performed in a patient group is not a site": (
        "The injection is commonly performed in patients with chronic neck pain. It is typically performed in the prone position.\n",
        None, None),
    "Type of service label": ("Type of service: Facet joint injection\n", "Facet joint injection", None),
    "label alone on its line, value on the next": (
        "Service type:\nFacet joint injection\nTypical site of service:\nOffice (POS 11)\n", "Facet joint injection", "Office (POS 11)"),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_service_type_and_site_layouts(name):
    body, service, site = LAYOUTS[name]
    data = _read(OVERVIEW + body)
    assert data["service_type"] == service
    assert data["site_of_service"]["text"] == site
    if service is not None:  # the evidence span is exactly the words used
        assert data["service_type_evidence"]["quote"] == service
    if site is not None and not site.endswith("."):
        assert data["site_of_service"]["evidence"]["quote"] == site


def test_summary_names_the_sites_when_the_overview_does_not():
    summary = TOP + "The brief also covers typical sites of service\u2014offices and ambulatory surgery centers\u2014and billing.\n"
    data = _read(summary + "Billing Code Overview\nService type: Facet joint injection\n")
    assert data["site_of_service"]["text"] == "offices and ambulatory surgery centers"
    assert data["site_of_service"]["pos"] == ["11", "24"]


def test_an_overview_statement_beats_the_summary():
    summary = TOP + "The procedure is typically performed in a hospital.\n"
    data = _read(summary + "Billing Code Overview\nThe typical site of service is an office (POS 11).\n")
    assert data["site_of_service"]["text"] == "an office (POS 11)"


# (sentence, facets it declares unavailable)
MISSING = {
    "facets in the marker's own clause": (
        "Data not provided in the input for payer policies, modifiers, or related codes.",
        ("modifiers", "payer-policies", "related-codes")),
    "facets before the marker": (
        "Payer policies, modifiers, and provider taxonomies are noted as unavailable.",
        ("modifiers", "payer-policies", "provider-taxonomies")),
    "a chained report clause names modifiers, the marker clause names nothing": (
        ("The publication also outlines common billing modifiers and site considerations, highlights benchmarks where "
         "available, and notes areas where data were not provided."), ()),
    "the clause after the marker names payer policy review": (
        "It also notes where input data are unavailable and identifies areas requiring further payer-specific policy review.",
        ()),
    "a turn after the marker": (
        "ICD-10 mappings were not supplied, so this page concentrates on modifiers.", ("icd10-mappings",)),
    "an 'as are' tail belongs to the clause": (
        "Payer-specific rates are noted as unavailable, as are provider taxonomies.", ("payer-rates", "provider-taxonomies")),
    "the seed's wording": (
        "Data not available in the input is noted where specific payer policies and payer-specific rates would normally be detailed.",
        ("payer-policies", "payer-rates")),
}


@pytest.mark.parametrize("name", list(MISSING))
def test_missing_data_sentences_count_their_own_clause(name):
    sentence, facets = MISSING[name]
    assert facets_named(sentence) == facets


COVERAGE = TOP.replace("Aetna, Cigna and Medicare", "Aetna") + "Billing Code Overview\nService type: Injection\nPayer Coverage\nAetna\n"


# (statement under an "Aetna" sub-heading, status, prior authorization)
WORDING = {
    "covers when criteria are met": ("Aetna covers the injection when the criteria in its facet policy are met.", "conditional", "unknown"),
    "covers if medically necessary": ("Aetna considers it medically necessary for members with documented facet pain.", "conditional", "unknown"),
    "plain covers": ("Aetna covers the injection.", "covered", "unknown"),
    "precertification required": ("Aetna covers it; precertification is required.", "covered", "required"),
    "pre-service review required": ("Aetna requires pre-service review before the first injection.", "not-stated", "required"),
    "prior approval not needed": ("Aetna covers it and no prior approval is needed.", "covered", "not-required"),
    "pre-authorization required": ("Pre-authorization is required for repeat injections.", "not-stated", "required"),
    "investigational": ("Aetna considers the procedure investigational.", "experimental", "unknown"),
    "a missing-data sentence states no position": ("Whether Aetna covers the code is not available in the input.", "source-declares-unavailable", "unknown"),
}


@pytest.mark.parametrize("name", list(WORDING))
def test_coverage_wording(name):
    sentence, status, prior_auth = WORDING[name]
    coverage = _read(COVERAGE + sentence + "\n")["coverage"]
    assert [(c["payer"], c["status"], c["prior_auth"]) for c in coverage] == [("Aetna", status, prior_auth)]


def test_a_not_available_sentence_stays_with_its_payer():
    text = (TOP + "Billing Code Overview\nService type: Injection\nPayer Coverage\n"
            "Cigna's coverage policy for this code is not available in the input.\n"
            "Aetna covers the injection when criteria are met.\n")
    coverage = {c["payer"]: c["status"] for c in _read(text)["coverage"]}
    assert coverage == {"Aetna": "conditional", "Cigna": "source-declares-unavailable", "Medicare": "not-stated"}


def test_a_payer_named_in_one_paragraph_does_not_carry_to_the_next():
    text = (TOP + "Billing Code Overview\nService type: Injection\nPayer Coverage\n"
            "Aetna covers the injection.\nPrior authorization is required for repeat injections.\n")
    coverage = {c["payer"]: (c["status"], c["prior_auth"]) for c in _read(text)["coverage"]}
    assert coverage["Aetna"] == ("covered", "unknown")


# (line, next line, is the break a wrap?)
WRAPS = [
    ("Data not provided in the input for payer", "policies and modifiers.", True),
    ("The page follows Aetna, Cigna and", "UnitedHealthcare.", True),
    ("Service type: Image-guided epidural injection at the lumbar or", "sacral nerve root", True),
    ("Service type: Image-guided epidural injection", "Typical site of service: Office", False),
    ("Service type: Image-guided epidural injection", "Clinical Context", False),
    ("The code covers one level.", "Imaging is included.", False),
    ("Billing Code Overview", "The code covers one level.", False),
    ("CPT 64490: Cervical Facet Joint Injection", "The code covers one level.", False),
    ("| 25 | E/M | Same day", "| 50 | Bilateral |", False),
    ("-", "Service type: Injection", False),
    ("Imaging guidance is", "", False),
    ("- Ambulatory surgery center or", "hospital outpatient department", True),
    ("Aetna", "Aetna covers the injection.", False),
]


@pytest.mark.parametrize(("line", "following", "wraps"), WRAPS)
def test_wrapped_lines(line, following, wraps):
    assert is_wrap(line, following) is wraps


@pytest.mark.parametrize("suffix", ["txt", "md"])
def test_a_sentence_split_over_two_lines_keeps_its_facet(suffix):
    text = OVERVIEW + "Service type: Facet joint injection\nData not provided in the input for payer\npolicies or modifiers.\n"
    data = _read(text, suffix)
    assert data["unavailable"] == ["modifiers", "payer-policies"]
    statement = data["unavailable_statements"][0]["evidence"]
    assert " ".join(statement["quote"].split()) == "Data not provided in the input for payer policies or modifiers."


def test_a_label_that_says_the_page_does_not_know_gives_no_value():
    data = _read(OVERVIEW + "Service type: Data not available in the input.\nTypical site of service: N/A\n")
    assert (data["service_type"], data["site_of_service"]["text"]) == (None, None)
    assert data["facet_states"]["service-type"] == "declared-unavailable"
    assert data["facet_states"]["site-of-service"] == "declared-unavailable"
