"""The reader's fast paths give exactly what the plain ways give.

Each fast path of reading and extraction is checked here against the plain way of doing the same
thing, kept in this file as the reference: on every line of the test corpus and on arbitrary text.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from codegraph.vocab import anatomy_lexicon, clinical_lexicon
from codegraph.vocab.lexicon import Lexicon, LexiconEntry

CORPUS = Path(__file__).parent / "corpus" / "documents"
LINES = [line for path in sorted(CORPUS.iterdir()) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the lexicon -------------------------------------------------------------------------------


def reference_mentions(lexicon: Lexicon, text: str) -> list[tuple[str, int, int]]:
    """Mentions as the matcher first found them: the text as it is, case ignored by the engine."""
    return [(lexicon._entries[m.group(0).lower()].label, m.start(), m.end()) for m in lexicon._pattern.finditer(text)]


def mentions(lexicon: Lexicon, text: str) -> list[tuple[str, int, int]]:
    return [(mention.entry.label, mention.start, mention.end) for mention in lexicon.find(text)]


def test_the_shipped_lexicons_search_lowered_text():
    assert anatomy_lexicon()._lower_pattern is not None
    assert clinical_lexicon()._lower_pattern is not None


def test_lexicon_mentions_on_the_corpus_are_the_case_ignoring_ones():
    found = 0
    for lexicon in (anatomy_lexicon(), clinical_lexicon()):
        for text in LINES + [line.upper() for line in LINES]:
            expected = reference_mentions(lexicon, text)
            assert mentions(lexicon, text) == expected, text
            found += len(expected)
    assert found > 100


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdegiklnorstuvyzACEIKLNS -_.,'\u00e6\u00c6\u0130\u017f\u212a", max_size=60))
def test_lexicon_mentions_on_arbitrary_text_are_the_case_ignoring_ones(text):
    lexicon = Lexicon({form: LexiconEntry(form, "anatomy", None) for form in ("knee", "knee joint", "skin", "anal", "carpometacarpe\u00e6")})
    assert lexicon._lower_pattern is not None
    assert mentions(lexicon, text) == reference_mentions(lexicon, text)


def test_a_form_that_matches_ascii_regardless_of_case_keeps_the_case_ignoring_search():
    # "\u017f" (long s) matches "s" and "S" when case is ignored; lowered text would lose that.
    lexicon = Lexicon({"\u017fpine": LexiconEntry("spine", "anatomy", None)})
    assert lexicon._lower_pattern is None
    assert lexicon._pattern.search("the SPINE").span() == (4, 9)


def test_a_lowered_search_keeps_offsets_and_word_boundaries():
    lexicon = Lexicon({form: LexiconEntry(form, "anatomy", None) for form in ("knee", "knee joint")})
    assert mentions(lexicon, "Into the KNEE JOINT, not knee-deep or KNEEs; the Knee.") == [("knee joint", 9, 19), ("knee", 49, 53)]
