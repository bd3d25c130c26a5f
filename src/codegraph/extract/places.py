"""Site-of-service text to CMS place-of-service (POS) codes.

Explicit numbers ("POS 11", "place of service 22", "POS 19/22") map exactly. A setting named in
words maps exactly only when it names one POS code; a setting that fits several codes (a "clinic"
may be a physician office, 11, or an independent clinic, 49; a "hospital outpatient department" is
on-campus 22 or off-campus 19) is kept as a candidate with every code it could be, so nothing is
asserted that the page does not say.
"""

from __future__ import annotations

import re

from ..model import PosCandidate

_EXPLICIT = re.compile(
    r"\b(?:POS|place\s++of\s++service)(?:\s++codes?)?+\s*+[:#]?+\s*+"
    r"(?P<codes>\d{1,2}(?:\s*+(?:/|,|or|and|&)\s*+\d{1,2})*+)\b",
    re.IGNORECASE,
)

_EXACT_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"\bambulatory\s+surg(?:ery|ical)\s+(?:center|centre)s?\b|\bASCs?\b", "24"),
        (r"\bindependent\s+clinics?\b", "49"),
        (r"\b(?:physician'?s?\s+)?offices?\b", "11"),
        (r"\binpatient\s+hospital\b", "21"),
        (r"\bemergency\s+(?:room|department)\b", "23"),
        (r"\bskilled\s+nursing\s+facilit(?:y|ies)\b", "31"),
        (r"\b(?:patient'?s?\s+)?home\b", "12"),
    )
)

_AMBIGUOUS_PHRASES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(?<!independent )\bclinic(?:\s+procedure\s+rooms?)?\b", re.IGNORECASE), ("11", "49")),
    (
        re.compile(r"\bhospital\s+outpatient(?:\s+departments?)?\b|\boutpatient\s+hospital\b", re.IGNORECASE),
        ("19", "22"),
    ),
)


_NUMBER_FOLLOWS = re.compile(r"\s*+[(,]?+\s*+(?:POS|place\s++of\s++service)\s*+\d", re.IGNORECASE)


def map_places(text: str) -> tuple[tuple[str, ...], tuple[PosCandidate, ...]]:
    """(exact POS codes, ambiguous candidates) named in ``text``."""
    exact: set[str] = set()
    for match in _EXPLICIT.finditer(text):
        exact.update(f"{int(n):02d}" for n in re.findall(r"\d{1,2}", match["codes"]))
    for pattern, code in _EXACT_PHRASES:
        if pattern.search(text):
            exact.add(code)
    candidates: list[PosCandidate] = []
    for pattern, codes in _AMBIGUOUS_PHRASES:
        for match in pattern.finditer(text):
            # "outpatient hospital (POS 22)": the number right after the phrase settles it.
            if _NUMBER_FOLLOWS.match(text, match.end()) or set(codes) <= exact:
                continue
            candidates.append(PosCandidate(phrase=match.group(0).lower(), pos=codes))
            break
    return tuple(sorted(exact)), tuple(candidates)
