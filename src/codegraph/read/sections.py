"""Whole-line headings split a document into sections.

A heading is a line whose letters match a known heading, whatever its case, spacing or trailing
punctuation. The same words inside a sentence are not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


def _heading_key(text: str) -> str:
    key = text.strip().lower()
    key = re.sub(r"^[#*\s]+|[\s*:#.]+$", "", key)  # markdown markers, trailing colon/period
    return re.sub(r"\s+", " ", key)


_HEADING_INDEX = {heading: section for section, headings in KNOWN_HEADINGS.items() for heading in headings}


def heading_section(text: str) -> str | None:
    """The section id a whole line announces, or None when it is not a heading."""
    return _HEADING_INDEX.get(_heading_key(text))


_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "&", "vs"}


def looks_like_heading(text: str) -> bool:
    """A short Title Case line without closing punctuation: a heading codegraph does not know.

    Its section is kept as "unknown" (and reported) rather than read as part of the section
    before it.
    """
    stripped = re.sub(r"^#+\s*", "", text.strip())
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
    name: str  # section id from KNOWN_HEADINGS, "unknown" (a heading we do not know), or "preamble"
    heading: str  # heading text as written ("" for the preamble)
    heading_line: int  # 1-based line of the heading (0 for the preamble)
    start: int  # offset of the first character after the heading line
    end: int
    lines: tuple[Line, ...]


# Payer-by-payer sections use payer names ("Aetna") as sub-headings: they stay in the section.
_SECTIONS_WITH_SUBHEADINGS = {"preamble", "payer-coverage", "prior-authorization", "policy-updates"}


def split_sections(lines: tuple[Line, ...], length: int) -> tuple[Section, ...]:
    sections: list[Section] = []
    name, heading, heading_line, start, body = "preamble", "", 0, 0, []

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
