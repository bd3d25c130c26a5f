"""The reader's fast paths give exactly what the plain ways give.

Each fast path of reading and extraction is checked here against the plain way of doing the same
thing, kept in this file as the reference: on every line of the test corpus and on arbitrary text.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, SKOS

from codegraph.extract import anatomy, concepts
from codegraph.extract.code_lists import _known_modifiers
from codegraph.read import read_document
from codegraph.read.patterns import Caseless, ascii_lower
from codegraph.vocab import anatomy_lexicon, clinical_lexicon, scheme_graph
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


# -- case-ignoring patterns searched on lowered text -------------------------------------------

CASELESS = [value for module in (anatomy, concepts) for value in vars(module).values() if isinstance(value, Caseless)]


def reference_spans(pattern: Caseless, text: str, anchored: bool) -> tuple[int, int] | None:
    match = pattern.pattern.match(text) if anchored else pattern.pattern.search(text)
    return match.span() if match else None


def caseless_spans(pattern: Caseless, text: str, anchored: bool) -> tuple[int, int] | None:
    lower = ascii_lower(text)
    match = pattern.match(text, lower) if anchored else pattern.search(text, lower)
    return match.span() if match else None


def test_every_caseless_pattern_of_the_extractors_is_checked():
    assert len(CASELESS) >= 15


def test_caseless_patterns_match_the_corpus_where_case_ignoring_ones_do():
    matched = 0
    for pattern in CASELESS:
        for line in LINES:
            for text in (line, line.upper()):
                for anchored in (False, True):
                    expected = reference_spans(pattern, text, anchored)
                    assert caseless_spans(pattern, text, anchored) == expected, (pattern.pattern.pattern, text)
                    matched += expected is not None
    assert matched > 100


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefhiknoprstuvwxyINTOAVDHRS -_,;:'\u00e9\u0130\u017f", max_size=60))
def test_caseless_patterns_match_arbitrary_text_where_case_ignoring_ones_do(text):
    for pattern in CASELESS:
        for anchored in (False, True):
            assert caseless_spans(pattern, text, anchored) == reference_spans(pattern, text, anchored)


def test_text_that_is_not_ascii_is_searched_with_case_ignored():
    assert ascii_lower("Into the KNEE") == "into the knee"
    assert ascii_lower("\u017fkin") is None  # long s: matches "s" only when case is ignored
    pattern = Caseless(r"\bskin\b")
    assert pattern.search("\u017fkin", ascii_lower("\u017fkin")) is not None


# -- where a span is ---------------------------------------------------------------------------


def test_locate_is_the_section_and_line_asked_apart():
    checked = 0
    for path in sorted(CORPUS.iterdir()):
        doc = read_document(path)
        for offset in range(0, len(doc.text) + 2, 7):
            assert doc.locate(offset) == (doc.section_at(offset).name, doc.line_at(offset)), (path.name, offset)
            checked += 1
    assert checked > 1000


# -- the shipped modifier list -----------------------------------------------------------------


def test_known_modifiers_are_the_notations_of_the_modifier_concepts():
    graph = scheme_graph("modifiers")
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    expected = {str(notation) for concept, notation in graph.subject_objects(SKOS.notation) if concept in concepts}
    assert _known_modifiers() == expected
    assert {"25", "59", "RT"} <= expected
