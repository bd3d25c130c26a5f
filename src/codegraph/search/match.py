"""Fuzzy matching with rapidfuzz, in one place: the ranking of ``find`` and the suggestions a
refusal prints ("no query named 'payers-for-cod'; did you mean payers-for-code?").

rapidfuzz's ``WRatio`` weighs the whole string, its best-matching part and its words regardless
of order, so "cigan" finds Cigna, "hyaluronic" finds "Hyaluronic acid injections" and "sphincter
external anal" finds "external anal sphincter"; ``default_process`` folds case and punctuation
first. It scores 20,000 names in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

SUGGEST_CUTOFF = 70.0
"""The least ``WRatio`` (0-100) a suggestion needs: below it the names share little more than letters."""


SUGGEST_SPREAD = 10.0
"""Suggestions more than this many points behind the best are left out."""


def normalise(text: str) -> str:
    """``text`` as the matcher compares it: lower case, punctuation to spaces, spaces collapsed."""
    return " ".join(utils.default_process(text).split())


def score(query: str, candidate: str) -> float:
    """How well ``candidate`` matches ``query``, 0-100, both already ``normalise``d."""
    return float(fuzz.WRatio(query, candidate, processor=None))


def phrase_ratio(query: str, candidate: str) -> float:
    """How like ``query`` the closest run of words in ``candidate`` is (0-100; both normalised):
    ``fuzz.ratio`` against every run of one word fewer to one word more than ``query`` has, and
    ``token_sort_ratio`` against the whole (words in any order)."""
    words = candidate.split()
    size = len(query.split())
    best = fuzz.token_sort_ratio(query, candidate, processor=None)
    for length in {max(1, size - 1), size, size + 1}:
        for start in range(0, max(1, len(words) - length + 1)):
            best = max(best, fuzz.ratio(query, " ".join(words[start:start + length]), processor=None))
    return float(best)


def suggest(text: str, choices: Iterable[str], *, limit: int = 3, cutoff: float = SUGGEST_CUTOFF) -> list[str]:
    """The ``choices`` closest to ``text``, best first (at most ``limit``, none below ``cutoff``):
    what a "did you mean" lists.

    >>> suggest("payers-for-cod", ["payers-for-code", "coverage-matrix", "related-codes"])
    ['payers-for-code']
    >>> suggest("Cigan", ["Aetna", "Cigna", "Medicare"])
    ['Cigna']
    """
    names = list(dict.fromkeys(choices))
    wanted = normalise(text)
    if not wanted or not names:
        return []
    found = process.extract(wanted, [normalise(name) for name in names], scorer=fuzz.WRatio, processor=None,
                            limit=limit, score_cutoff=cutoff)
    if not found:
        return []
    best = found[0][1]  # keep those nearly as close as the best: one clear match is one suggestion
    return [names[index] for _match, score, index in found if score >= best - SUGGEST_SPREAD]
