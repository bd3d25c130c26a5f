"""Reading: normalisation keeps offsets, headings split sections, bad input names file and line."""

from __future__ import annotations

import pytest
from conftest import SEED

from codegraph import DocumentError, extract_document
from codegraph.read import document_from_bytes, heading_section
from codegraph.read.normalize import normalize_text


def test_normalisation_is_one_character_for_one():
    text = "ICD\u201110 \u201cadd\u2011on\u201d \u2013 patient\u2019s \u2014 x\u00a0y"
    normal = normalize_text(text)
    assert len(normal) == len(text)
    assert normal == "ICD-10 \"add-on\" - patient's - x y"


def test_seed_sections_in_order():
    doc = document_from_bytes(SEED.read_bytes(), str(SEED))
    assert [(s.name, s.heading_line) for s in doc.sections] == [
        ("summary", 1),
        ("overview", 6),
        ("specifications", 13),
        ("clinical-context", 14),
        ("coding-specifications", 17),
    ]


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("CPT Code Overview", "overview"),
        ("  BILLING  code overview: ", "overview"),
        ("## Clinical Context", "clinical-context"),
        ("Clinical context explains the intended therapeutic target.", None),
        ("ICD-10 Mappings", "icd10-mappings"),
    ],
)
def test_headings_are_whole_lines(line, section):
    assert heading_section(line) == section


@pytest.mark.parametrize(
    ("content", "reason", "line"),
    [
        (b"", "the file is empty", None),
        (b"  \n\n", "the file is empty", None),
        (b"Summary & Overview\x00\x01\x02", "binary", None),
        (b"Summary & Overview\nCPT 1001T: caf\xe9 title\n", "not UTF-8", 2),
        (b"Summary & Overview\nA shopping list\nmilk\n", "not a billing-code overview page", 1),
    ],
)
def test_bad_input_names_file_line_and_reason(tmp_path, content, reason, line):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as error:
        extract_document(path)
    assert error.value.path == str(path)
    assert error.value.line == line
    assert reason in str(error.value)
    assert str(path) in str(error.value)
    assert isinstance(error.value, ValueError)


def test_truncated_mid_word_is_still_a_document(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    cut = text[: text.index("Procedure workflow") + 60]  # ends mid-sentence, mid-word
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    facts = extract_document(path)
    assert facts.code.code == "1001T"
    assert facts.steps[0].kind == "arrival"
    assert facts.modifiers == []
