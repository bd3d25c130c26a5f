"""Reading runs in time linear in its input (issue 16).

Each case grows one hostile feature of a page (a run of spaces inside a sentence, unclosed HTML
tags, brackets, line ends, list items, ...) from N to 4N characters and bounds the ratio of the
times: linear work takes about 4x, quadratic work 16x; the bound is 8x. Absolute times are not
asserted, so a slow or busy machine does not fail the test. Before the fix a line of 80,000
spaces took 96 s and 400 KB of ``<a<a<a...`` 259 s on the development machine.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

from codegraph import DocumentError
from codegraph.extract import extract
from codegraph.read import document_from_bytes

HEAD = "Summary & Overview\nCPT 64493: Lumbar Facet Joint Injection, Single Level\n"
OVERVIEW = HEAD + "The page names Aetna and Cigna.\nBilling Code Overview\n"


def _taxonomies(n: int) -> str:
    codes = ", ".join(f"{index:09d}X" for index in range(n // 12))
    return OVERVIEW + f"Provider Taxonomies\nTaxonomy codes: {codes}\n"


CASES: dict[str, tuple[Callable[[int], str], str]] = {
    "spaces inside a sentence": (lambda n: OVERVIEW + "The code" + " " * n + "applies.\n", "txt"),
    "spaces around a table pipe": (
        lambda n: OVERVIEW + "Coding Specifications\n| Modifier | Description |\n|---|---|\n| 25" + " " * n + "|" + " " * n + "x\n",
        "txt",
    ),
    "spaces after a facet word in a missing-data sentence": (
        lambda n: OVERVIEW + "Data not available for payer" + " " * n + "x and the payer" + " " * n + "rates.\n", "txt",
    ),
    "spaces after POS and effective date": (
        lambda n: OVERVIEW + "Typical site of service: office POS" + " " * n + "x\nPayer Coverage\nAetna covers it, effective date"
        + " " * n + "x.\n",
        "txt",
    ),
    "spaces before a clause turn": (
        lambda n: OVERVIEW + "The service type is injection" + " " * n + "x and" + " " * n + "the rest.\n", "txt",
    ),
    "unclosed tags": (lambda n: "<html><body>" + "<a" * (n // 2), "html"),
    "literal less-than signs": (lambda n: "<p>" + HEAD.replace("\n", "</p><p>") + "<" * n + "</p>", "html"),
    "unclosed comment after text": (lambda n: "<p>" + HEAD.replace("\n", "</p><p>") + "x" * n + "<!--" + "y" * n, "html"),
    "nested brackets": (lambda n: "# " + HEAD + "[" * n + "\n", "md"),
    "link openings": (lambda n: "# " + HEAD + "[a](" * (n // 4) + "\n", "md"),
    "heading of spaces": (lambda n: "# " + HEAD + "## x" + " " * n + "y\n", "md"),
    "CR-only line ends": (lambda n: (OVERVIEW + "Line.\n" * (n // 6)).replace("\n", "\r"), "txt"),
    "hard-wrapped paragraph": (lambda n: OVERVIEW + "word wraps here\n" * (n // 16) + "end.\n", "txt"),
    "long label value": (lambda n: OVERVIEW + "Service type: " + "a " * (n // 2) + "\n", "txt"),
    "distinct list items": (_taxonomies, "txt"),
}


def _seconds(text: str, suffix: str) -> float:
    data = text.encode("utf-8")
    best = float("inf")
    # The best of three runs with the collector paused: on a busy machine one run of two was seen
    # taking 10x for 4x the input (a linear case: 3.2x when measured alone).
    gc.disable()
    try:
        for _ in range(3):
            start = time.perf_counter()
            try:
                extract(document_from_bytes(data, f"page.{suffix}", max_bytes=len(data)))
            except DocumentError:
                pass  # refusing a page is fine; it must still be quick
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best


@pytest.mark.parametrize("name", list(CASES))
def test_four_times_the_input_takes_at_most_eight_times_as_long(name):
    build, suffix = CASES[name]
    small = _seconds(build(10_000), suffix)
    large = _seconds(build(40_000), suffix)
    # A floor of 5 ms keeps timer noise on tiny times from failing the ratio.
    assert large / max(small, 0.005) < 8, f"{name}: {small:.4f}s for N, {large:.4f}s for 4N"
