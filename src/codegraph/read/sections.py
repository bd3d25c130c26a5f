"""Whole-line headings split a document into sections.

A heading is a line whose letters match a known heading, whatever its case, spacing or trailing
punctuation. The same words inside a sentence are not a heading.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .document import Line

# Section id -> heading texts (compared after ``_heading_key``).
KNOWN_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": ("summary & overview", "summary and overview", "summary"),
    "overview": ("billing code overview", "cpt code overview", "hcpcs code overview", "code overview"),
    "specifications": ("clinical & coding specifications", "clinical and coding specifications"),
    "clinical-context": ("clinical context",),
    "coding-specifications": ("coding specifications",),
    "payer-coverage": (
        "payer coverage",
        "payer coverage and prior authorization",
        "payer coverage & prior authorization",
        "payer coverage considerations",
        "coverage and prior authorization",
        "coverage & prior authorization",
        "payer policies",
    ),
    "prior-authorization": ("prior authorization", "prior authorization requirements"),
    "policy-updates": ("policy updates", "policy updates and coverage patterns"),
    "benchmarks": ("benchmarks", "reimbursement benchmarks", "utilization and reimbursement benchmarks"),
    "modifiers": ("modifiers", "common modifiers", "modifier guidance"),
    "provider-taxonomies": ("provider taxonomies", "provider taxonomy", "provider taxonomy codes"),
    "icd10-mappings": ("icd-10 mappings", "icd-10-cm mappings", "icd-10 codes", "icd-10 diagnosis codes", "diagnosis codes"),
    "related-codes": ("related codes", "related cpt codes", "related cpt and hcpcs codes"),
    "documentation": ("documentation requirements", "documentation"),
    "claims-processing": ("claims processing", "claims processing expectations", "claims-processing expectations"),
}


# No known heading is longer than this, with Markdown marks and spacing; longer lines are prose.
_MAX_HEADING_CHARS = 80


def _heading_key(text: str) -> str:
    """Lower case, whitespace folded, Markdown markers and a trailing colon or period dropped.

    String methods, not a regular expression: ``[\\s*:#.]+$`` backtracked over every space of a
    long line (80,000 spaces took 110 s).
    """
    key = " ".join(text.lower().split())
    return key.lstrip("#* ").rstrip(" *:#.").strip()


_HEADING_INDEX = {heading: section for section, headings in KNOWN_HEADINGS.items() for heading in headings}

# The order in which the family's pages give their sections (DOCUMENTS.md).
SECTION_ORDER: tuple[str, ...] = tuple(KNOWN_HEADINGS)

# How a section's heading is usually written, for naming a heading the page cut off.
HEADING_TEXT: dict[str, str] = {
    "summary": "Summary & Overview",
    "overview": "Billing Code Overview",
    "specifications": "Clinical & Coding Specifications",
    "clinical-context": "Clinical Context",
    "coding-specifications": "Coding Specifications",
    "payer-coverage": "Payer Coverage",
    "prior-authorization": "Prior Authorization",
    "policy-updates": "Policy Updates",
    "benchmarks": "Benchmarks",
    "modifiers": "Modifiers",
    "provider-taxonomies": "Provider Taxonomies",
    "icd10-mappings": "ICD-10 Mappings",
    "related-codes": "Related Codes",
    "documentation": "Documentation Requirements",
    "claims-processing": "Claims Processing",
}


def heading_section(text: str) -> str | None:
    """The section id a whole line announces, or None when it is not a heading."""
    if len(text) > _MAX_HEADING_CHARS:
        return None
    return _heading_of(text)


@lru_cache(maxsize=4096)
def _heading_of(text: str) -> str | None:
    # Cached: the same heading lines recur on every page, and each line is asked about several
    # times (sections, wrapped lines, the cut).
    return _HEADING_INDEX.get(_heading_key(text))


def cut_heading(text: str, after: str | None = None) -> tuple[str, str] | None:
    """(section id, heading) of the known heading ``text`` is the cut-off start of, or None.

    "Clinic" at the end of a page is the start of "Clinical & Coding Specifications" or "Clinical
    Context"; of several, the first that comes after section ``after`` in the family's order wins.
    """
    if len(text) > _MAX_HEADING_CHARS:
        return None
    key = " ".join(text.lower().split()).lstrip("#* ")
    if len(key) < 3 or key in _HEADING_INDEX:
        return None
    candidates = [(section, heading) for heading, section in _HEADING_INDEX.items() if heading.startswith(key)]
    if not candidates:
        return None
    position = SECTION_ORDER.index(after) if after in SECTION_ORDER else -1
    later = [c for c in candidates if SECTION_ORDER.index(c[0]) > position]
    section, heading = min(later or candidates, key=lambda c: SECTION_ORDER.index(c[0]))
    return section, HEADING_TEXT.get(section, heading)


_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "&", "vs"}


def looks_like_heading(text: str) -> bool:
    """A short Title Case line without closing punctuation: a heading codegraph does not know.

    Its section is kept as "unknown" (and reported) rather than read as part of the section
    before it.
    """
    if len(text) > _MAX_HEADING_CHARS:
        return False
    stripped = text.strip().lstrip("#").strip()
    if not (3 <= len(stripped) <= 60) or stripped[-1] in ".:;,!?)\"'" or stripped[0] in "-*|(":
        return False
    if ":" in stripped or "|" in stripped:
        return False
    words = stripped.split()
    if not (1 <= len(words) <= 7) or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or not w[0].isalpha() or w.lower() in _SMALL_WORDS for w in words)


@dataclass(frozen=True)
class Section:
    """A section of a page: its known name, heading as written, and lines."""
    name: str  # section id from KNOWN_HEADINGS, "unknown" (a heading we do not know), or "preamble"
    heading: str  # heading text as written ("" for the preamble)
    heading_line: int  # 1-based line of the heading (0 for the preamble)
    start: int  # offset of the first character after the heading line
    end: int
    lines: tuple[Line, ...]


# Payer-by-payer sections use payer names ("Aetna") as sub-headings: they stay in the section.
_SECTIONS_WITH_SUBHEADINGS = {"preamble", "payer-coverage", "prior-authorization", "policy-updates"}


def split_sections(lines: tuple[Line, ...], length: int) -> tuple[Section, ...]:
    """The page's sections, split at the headings it uses."""
    sections: list[Section] = []
    name, heading, heading_line, start = "preamble", "", 0, 0
    body: list[Line] = []

    def close(end: int) -> None:
        if name != "preamble" or any(line.text.strip() for line in body):
            sections.append(Section(name, heading, heading_line, start, end, tuple(body)))

    for line in lines:
        section = heading_section(line.text)
        if (
            section is None
            and name not in _SECTIONS_WITH_SUBHEADINGS
            and looks_like_heading(line.text)
            and line.number > 2
        ):
            section = "unknown"
        if section is not None:
            close(line.start)
            name, heading, heading_line, start, body = section, line.text.strip(), line.number, line.end + 1, []
        else:
            body.append(line)
    close(length)
    return tuple(sections)
