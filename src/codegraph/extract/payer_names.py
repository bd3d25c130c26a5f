"""Payer names as pages spell them, normalised to one name each.

Shared by the payer and coverage reader (``payers.py``) and the missing-data reader
(``unavailable.py``), which both need to know which payer a sentence or sub-heading names.
"""

from __future__ import annotations

import re

from ..read.patterns import compile_fast

PAYER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, compile_fast(pattern, re.IGNORECASE))
    for name, pattern in (
        ("Aetna", r"\bAetna\b"),
        ("Blue Cross Blue Shield", r"\bBlue\s+Cross(?:\s+(?:and\s+|&\s+)?Blue\s+Shield)?\b|\bBCBS\w*\b"),
        ("Cigna", r"\bCigna(?:\s+Health(?:care)?)?\b"),
        ("UnitedHealthcare", r"\bUnited\s?Health\s?care\b|\bUHC\b"),
        ("Medicare", r"\bMedicare\b"),
    )
)
PAYER_REGEX = dict(PAYER_PATTERNS)
# Lower-case words every spelling of the payer starts with: a substring test rules a payer out
# before its pattern runs (most sentences name no payer).
PAYER_ANCHORS: dict[str, tuple[str, ...]] = {
    "Aetna": ("aetna",),
    "Blue Cross Blue Shield": ("blue", "bcbs"),
    "Cigna": ("cigna",),
    "UnitedHealthcare": ("united", "uhc"),
    "Medicare": ("medicare",),
}


def payer_names_in(text: str) -> list[str]:
    """The payers ``text`` names, in the order of PAYER_PATTERNS."""
    lower = text.lower()
    return [
        name
        for name, pattern in PAYER_PATTERNS
        if any(anchor in lower for anchor in PAYER_ANCHORS[name]) and pattern.search(text)
    ]


def first_mentions(text: str) -> dict[str, tuple[int, int]]:
    """Payer -> span of its first mention in ``text``."""
    lower = text.lower()
    found: dict[str, tuple[int, int]] = {}
    for name, pattern in PAYER_PATTERNS:
        starts = [at for at in (lower.find(anchor) for anchor in PAYER_ANCHORS[name]) if at >= 0]
        if not starts:
            continue
        match = pattern.search(text, min(starts))
        if match:
            found[name] = match.span()
    return found


def payer_heading(text: str, name: str) -> bool:
    """True when the line is only the payer's name ("Aetna", "Cigna Health:"): a sub-heading."""
    stripped = text.strip().strip("#*").strip().rstrip(":").strip().strip("*").strip()
    return PAYER_REGEX[name].fullmatch(stripped) is not None
