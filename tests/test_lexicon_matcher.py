"""The lexicon finds the same mentions on ASCII text through its lowered, case-sensitive pattern
as through the IGNORECASE pattern it keeps for every other text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codegraph.vocab.lexicon import Lexicon, LexiconEntry, anatomy_lexicon, clinical_lexicon

SENTENCES = [
    "Ultrasound-guided injection into the KNEE joint; watch for Infection and bleeding.",
    "The Lumbar Facet joint at L4-L5, not the sacroiliac joint (SI joint).",
    "Autologous fat harvested from the abdomen is injected into the Anal Sphincter.",
    "knee-joint pain, hip, HIP. Knees",
]


def spans(lexicon: Lexicon, text: str) -> list[tuple[str, int, int]]:
    return [(mention.entry.label, mention.start, mention.end) for mention in lexicon.find(text, 7)]


def reference_spans(lexicon: Lexicon, text: str) -> list[tuple[str, int, int]]:
    return [(lexicon._entries[m.group(0).lower()].label, 7 + m.start(), 7 + m.end()) for m in lexicon._pattern.finditer(text)]


def test_the_shipped_lexicons_find_what_ignorecase_finds():
    for lexicon in (anatomy_lexicon(), clinical_lexicon()):
        assert lexicon._lowered is not None
        for text in SENTENCES:
            assert spans(lexicon, text) == reference_spans(lexicon, text)
    assert ("knee joint", 44, 54) in [(label.lower(), start, end) for label, start, end in spans(anatomy_lexicon(), SENTENCES[0])]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["knee", "KNEE", "Knee", "joint", "hip", "-", " ", ".", "s", "x", "facet", "Facet", "é"]), max_size=12))
def test_any_text_gives_the_mentions_ignorecase_gives(words):
    text = " ".join(words)
    for lexicon in (anatomy_lexicon(), clinical_lexicon()):
        assert spans(lexicon, text) == reference_spans(lexicon, text)


def test_a_form_that_folds_to_ascii_keeps_the_ignorecase_pattern():
    entry = LexiconEntry(label="Long s", role="anatomy", iri=None)
    lexicon = Lexicon({"\u017fpine": entry})  # the long s matches "s" and "S" under IGNORECASE
    assert lexicon._lowered is None
    assert lexicon._pattern.search("The Spine.")  # what the lowered pattern would miss
    assert spans(lexicon, "The \u017fpine.") == [("Long s", 11, 16)]
