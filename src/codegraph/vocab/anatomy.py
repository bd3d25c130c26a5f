"""The shipped UBERON subset as a hierarchy: is-a and part-of parents, and what UBERON entails.

``data/vocab/anatomy.csv`` keeps the two relations apart (``is_a`` and ``part_of`` columns, as
UBERON asserts them). A structure is part of everything its parts-of are part of, and of
everything any of its is-a ancestors is part of (the external anal sphincter is an anal
sphincter, which is part of the anal region), so ``part_of_closure`` follows both. The tests use
these to check the subset is whole; the SPARQL queries follow the same two properties.
"""

from __future__ import annotations

import csv
from functools import cache

from ..resources import vocab_dir


@cache
def anatomy_parents() -> dict[str, tuple[tuple[str, ...], tuple[str, ...], str]]:
    """UBERON CURIE -> (is_a parents, part_of parents, label), from the shipped CSV."""
    with (vocab_dir() / "anatomy.csv").open(newline="", encoding="utf-8") as handle:
        return {
            row["id"].strip(): (
                tuple(p for p in row["is_a"].split("|") if p),
                tuple(p for p in row["part_of"].split("|") if p),
                row["label"].strip(),
            )
            for row in csv.DictReader(handle)
        }


def is_a_closure(curie: str) -> set[str]:
    """Every is-a ancestor of ``curie`` (not itself)."""
    parents = anatomy_parents()
    seen: set[str] = set()
    todo = list(parents[curie][0])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(parents.get(node, ((), (), ""))[0])
    return seen


def part_of_closure(curie: str) -> set[str]:
    """Every structure UBERON entails ``curie`` is part of: part_of, through is_a and part_of."""
    parents = anatomy_parents()
    seen: set[str] = set()
    todo = [p for node in {curie} | is_a_closure(curie) for p in parents[node][1]]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for up in {node} | is_a_closure(node):
            todo.extend(parents.get(up, ((), (), ""))[1])
    return seen
