"""The corpus of hand-written documents: each one's extracted facts equal its expected file.

One case per file in tests/corpus/documents (W3C-manifest style); the expectations were written
by reading the documents, not by running the extractor (tests/corpus/MANIFEST.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegraph import extract_document

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in (CORPUS / "documents").iterdir() if p.is_file())
COMPARED = ("code", "service_type", "site_of_service", "payers", "coverage", "modifiers", "taxonomies", "icd10",
            "related_codes", "unavailable", "service_type_cut_off", "cut_off", "not_reached")
# The anatomical-target state follows the shipped anatomy lexicon, which has tests of its own.
LEXICON_FACETS = ("anatomical-target",)


def test_corpus_size():
    assert len(CASES) >= 40
    assert {p.suffix for p in CASES} == {".txt", ".md", ".html"}
    assert sorted(p.stem for p in CASES) == sorted(p.stem for p in (CORPUS / "expected").glob("*.json"))


@pytest.mark.parametrize("document", CASES, ids=lambda p: p.stem)
def test_document_facts(document):
    expected = json.loads((CORPUS / "expected" / f"{document.stem}.json").read_text(encoding="utf-8"))
    actual = extract_document(document).to_json()
    for key in COMPARED:
        if key == "not_reached":  # lexicon facets apart, as for the states below
            assert [f for f in actual[key] if f not in LEXICON_FACETS] == [f for f in expected[key] if f not in LEXICON_FACETS], key
            continue
        assert actual[key] == expected[key], key
    states = {facet: state for facet, state in actual["facet_states"].items() if facet not in LEXICON_FACETS}
    assert states == expected["facet_states"]
    warnings = " | ".join(actual["warnings"]).lower()
    for fragment in expected["warnings_contain"]:
        assert fragment in warnings
