"""The code systems codegraph knows, with the one pattern each code must match.

Every reader of codes (the page reader, the table imports, the coverage check, the shapes through
``cg:notationPattern`` in ``ontology/codegraph.ttl``) takes its pattern from here;
``tests/test_codes.py`` checks each pattern against its examples and against the ontology's copy.
Light on purpose (``re`` only), so the command line can use it without loading rdflib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


def _alternates_at_top(pattern: str) -> bool:
    """Whether ``pattern`` has a ``|`` outside any group (then anchors need a group around it)."""
    depth = 0
    for char in pattern:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            return True
    return False


@dataclass(frozen=True)
class CodePattern:
    """A code system's notation: its pattern (no anchors), examples that match and some that don't."""

    name: str
    pattern: str
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]

    @cached_property
    def exact(self) -> re.Pattern[str]:
        """Matches a whole value: use with ``fullmatch``."""
        return re.compile(self.pattern)

    @cached_property
    def in_text(self) -> re.Pattern[str]:
        """Finds codes inside text: a code is not part of a longer word or number."""
        return re.compile(rf"(?<![0-9A-Za-z])(?:{self.pattern})(?![0-9A-Za-z])")

    def matches(self, value: str) -> bool:
        return self.exact.fullmatch(value) is not None

    @property
    def anchored(self) -> str:
        """The pattern as ``sh:pattern``/``cg:notationPattern`` write it (an XPath regex)."""
        return f"^({self.pattern})$" if _alternates_at_top(self.pattern) else f"^{self.pattern}$"


CPT = CodePattern("CPT", r"[0-9]{5}|[0-9]{4}[FTU]", ("20610", "99213", "1001T", "0627T", "3074F", "0001U"),
                  ("2061", "206100", "1001X", "J7321"))
HCPCS = CodePattern("HCPCS", r"[A-V][0-9]{4}", ("J7321", "J0585", "A0425", "G0283"), ("J732", "W1234", "20610"))
# A letter, a digit, a digit or letter; or (since the April 2026 release: QA0.0 ...) two letters
# and a digit. Plain groups only: the same text is an XPath regex in cg:notationPattern.
ICD10CM = CodePattern("ICD-10-CM", r"([A-Z][0-9][0-9A-Z]|[A-Z][A-Z][0-9])(\.[0-9A-Z]{1,4})?",
                      ("M17.11", "M51.36", "R10", "S72.001A", "U07.1", "QA0.0101"), ("BAN.ANA", "M1", "17.11", "M17.11234"))
MODIFIER = CodePattern("modifier", r"[0-9A-Z]{2}", ("25", "59", "RT", "KX", "XS"), ("2", "255", "rt"))
TAXONOMY = CodePattern("NUCC taxonomy", r"[0-9]{3}[0-9A-Z]{6}X", ("207Q00000X", "208100000X", "2084P0800X"),
                       ("207Q00000", "207Q00000Y"))
PLACE_OF_SERVICE = CodePattern("place of service", r"[0-9]{2}", ("11", "22", "24", "02"), ("1", "111"))

BILLING_SYSTEMS = {"CPT": CPT, "HCPCS": HCPCS}
"""The systems of the codes pages and tables are about."""
ALL = (CPT, HCPCS, ICD10CM, MODIFIER, TAXONOMY, PLACE_OF_SERVICE)


def billing_system_of(code: str) -> str | None:
    """``CPT`` or ``HCPCS`` for a code of that shape, else None."""
    for name, system in BILLING_SYSTEMS.items():
        if system.matches(code):
            return name
    return None


def code_category(system: str, code: str) -> str | None:
    """The category a code's system and shape tell: ``HCPCS Level II``, or CPT's I, II, III, PLA;
    None for a shape the system does not have."""
    if system == "HCPCS":
        return "HCPCS Level II" if HCPCS.matches(code) else None
    return cpt_category(code)


def cpt_category(code: str) -> str | None:
    """The CPT category a code's shape tells: I (five digits), II (…F), III (…T), PLA (…U)."""
    if not CPT.matches(code):
        return None
    return {"F": "II", "T": "III", "U": "PLA"}.get(code[-1], "I")
