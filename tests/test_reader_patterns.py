"""The literal-first rewrite of ``\\b`` (read/patterns.py) matches exactly what the plain pattern
matches: same spans on every line of the test corpus and on arbitrary text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegraph.extract import payers, steps, unavailable
from codegraph.extract.overview import _REPORT_CONTENT, _SERVICE_LEADS, _SITE_LEADS
from codegraph.read.patterns import word_start

CORPUS = Path(__file__).parent / "corpus" / "documents"
LINES = [line for path in sorted(CORPUS.iterdir()) for line in path.read_text(encoding="utf-8").splitlines()]

PATTERNS = {
    "steps cue": [cue for _kind, cue in steps.STEP_CUES],
    "missing-data marker": [unavailable._MARKER, unavailable._ABOUT_DATA],
    "facet words": [pattern for _facet, pattern in unavailable._FACET_WORDS],
    "coverage status": [pattern for _status, pattern in payers._STATUS_RULES],
    "prior authorization": [pattern for _value, pattern in payers._PRIOR_AUTH],
    "overview leads": [_SERVICE_LEADS, _SITE_LEADS, _REPORT_CONTENT],
}


def _plain(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern as written, whichever form it was compiled in."""
    source = re.sub(r"([A-Za-z])\(\?<!\\w\1\)", r"\\b\1", pattern.pattern)
    return re.compile(source, pattern.flags)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@pytest.mark.parametrize("group", list(PATTERNS))
def test_same_matches_on_the_corpus(group):
    for pattern in PATTERNS[group]:
        plain = _plain(pattern)
        fast = re.compile(word_start(plain.pattern), plain.flags)
        for text in LINES + [line.lower() for line in LINES]:
            assert _spans(fast, text) == _spans(plain, text), (plain.pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeinoprstuvyACEIP -_.,;:'\u00e9\u0130109", max_size=80))
def test_same_matches_on_arbitrary_text(text):
    for patterns in PATTERNS.values():
        for pattern in patterns:
            plain = _plain(pattern)
            fast = re.compile(word_start(plain.pattern), plain.flags)
            assert _spans(fast, text) == _spans(plain, text), plain.pattern


def test_rewrite():
    assert word_start(r"\bconsent\b") == r"c(?<!\wc)onsent\b"
    assert word_start(r"\b(?:a|b)\b") == r"\b(?:a|b)\b"  # only a boundary before a letter
