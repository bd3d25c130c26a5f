"""The same page saved as plain text, Markdown and HTML gives the same facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegraph import extract_document
from codegraph.read.formats import html_to_text, markdown_to_text

PAGES = Path(__file__).parent / "data" / "formats"


def _facts(path: Path) -> dict:
    data = extract_document(path).to_json()
    data.pop("source")
    # Warnings name lines, and line numbers differ between the renderings of one page.
    data["warnings"] = [w.split(":", 1)[1] for w in data["warnings"]]
    return data


def test_plain_text_facts():
    data = _facts(PAGES / "cpt-20610.txt")
    assert data["code"] == {"system": "CPT", "code": "20610", "category": "I", "title": "Large Joint Arthrocentesis or Injection"}
    assert data["site_of_service"]["pos"] == ["11", "19", "22"]
    assert data["payers"] == ["Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare"]
    assert [(c["payer"], c["status"], c["prior_auth"], c["policy_id"], c["effective_date"]) for c in data["coverage"]] == [
        ("Aetna", "conditional", "not-required", "CPB 0123", "2025-01-01"),
        ("Blue Cross Blue Shield", "not-stated", "unknown", None, None),  # "recognize and reimburse" is boilerplate
        ("Cigna", "experimental", "unknown", None, None),
        ("UnitedHealthcare", "covered", "required", "MP-456", "2024-07-01"),
    ]
    assert data["modifiers"] == [
        {"code": "50", "description": "Bilateral", "when_to_use": "Both knees injected in the same session"},
        {"code": "RT", "description": "Right side", "when_to_use": "Right joint"},
    ]
    assert data["taxonomies"] == [
        {"code": "207X00000X", "description": "Orthopaedic Surgery"},
        {"code": "208100000X", "description": "Physical Medicine & Rehabilitation"},
    ]
    assert data["icd10"] == [
        {"code": "M17.11", "description": "unilateral primary osteoarthritis, right knee"},
        {"code": "M17.12", "description": None},
    ]
    assert data["related_codes"] == [
        {"system": "CPT", "code": "20611", "description": "with ultrasound guidance"},
        {"system": "HCPCS", "code": "J7321", "description": None},
    ]
    assert [s["kind"] for s in data["steps"]] == ["consent", "preparation", "injection", "observation", "discharge"]
    assert data["warnings"] == [
        " unknown section 'Reimbursement Outlook' (1 line(s)): its text is kept in the document but no facts were read from it"
    ]


@pytest.mark.parametrize("twin", ["cpt-20610.md", "cpt-20610.html"])
def test_markdown_and_html_give_the_same_facts(twin):
    assert _facts(PAGES / twin) == _facts(PAGES / "cpt-20610.txt")


def test_html_rendering_skips_scripts_and_decodes_entities():
    text = html_to_text("<html><head><script>alert('Aetna covers')</script></head><body><h1>A &amp; B</h1>"
                        "<p>x&nbsp;y &rsquo;</p><table><tr><th>Code</th><th>Description</th></tr><tr><td>25</td><td>E/M</td></tr></table></body></html>")
    assert text == "A & B\nx y \u2019\n| Code | Description |\n|---|---|\n| 25 | E/M |\n"


def test_markdown_rendering():
    assert markdown_to_text("## Title\n\n**Service type:** x\n* item\n---\n[a](http://b)\n") == "Title\nService type: x\n- item\na\n"
