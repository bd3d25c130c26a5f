"""What a page says about each facet: read, cut off, declared unavailable, not reached, missing.

Nearly every page reaches us cut off, and a facet whose section lies past the cut is neither
"missing" (the page went past its section without giving it) nor "declared unavailable" (the page
says the data is missing): it was not reached. Keeping the three apart stops validation from
blaming the reader, or the source, for what the cut took away.

Each facet has home sections, where the family gives it (DOCUMENTS.md). A facet is "not reached"
when the page is cut, nothing of it was read or declared unavailable, none of its home sections
is complete on the page, and the cut falls no later than its last home section in the family's
order. A facet whose value or row the cut interrupts is "cut off": what was read is kept, but it
is not complete.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import CutOff, DocumentFacts
from ..read import Document
from ..read.sections import SECTION_ORDER
from .evidence import evidence
from .payer_names import payer_names_in

# Facet -> the sections that give it, in the family's order.
HOME_SECTIONS: dict[str, tuple[str, ...]] = {
    "service-type": ("overview",),
    "site-of-service": ("overview",),
    "anatomical-target": ("overview",),
    "modifiers": ("coding-specifications", "modifiers"),
    "provider-taxonomies": ("coding-specifications", "provider-taxonomies"),
    "icd10-mappings": ("coding-specifications", "icd10-mappings"),
    "related-codes": ("coding-specifications", "related-codes"),
    "payer-policies": ("payer-coverage", "prior-authorization", "policy-updates"),
}
_ROW_FACETS = (("modifiers", "modifiers"), ("taxonomies", "provider-taxonomies"), ("icd10", "icd10-mappings"),
               ("related_codes", "related-codes"))
_DECIDED = ("covered", "not-covered", "conditional", "experimental")


def cut_off_record(doc: Document) -> CutOff | None:
    """Where the page is cut off, if it is, as a fact with its evidence."""
    cut = doc.cut
    if cut is None:
        return None
    # The span's section is the cut's: a heading cut mid-word ("Clinic") opens the section it names.
    span = replace(evidence(doc, cut.start, cut.offset), section=cut.section)
    return CutOff(kind=cut.kind, section=cut.section, heading=cut.heading, offset=cut.offset, line=cut.line,
                  evidence=span)


def mark_cut_rows(doc: Document, facts: DocumentFacts) -> set[str]:
    """Mark the table or list row the cut interrupts (``cut_off``); returns its facet."""
    cut = doc.cut
    if cut is None or cut.kind != "mid-row":
        return set()
    for attribute, facet in _ROW_FACETS:
        rows = getattr(facts, attribute)
        if rows and rows[-1].evidence.end >= cut.offset:
            rows[-1] = replace(rows[-1], cut_off=True)
            return {facet}
    line = doc.lines[doc.line_at(cut.start) - 1]
    first_cell = line.text.strip().strip("|").split("|")[0]
    if "|" in line.text and payer_names_in(first_cell):
        return {"payer-policies"}  # a payer coverage row (its whole cells were read, the cut one not)
    return set()


def _position(section: str, doc: Document) -> int:
    """The family-order position of ``section``; an unknown section takes the one before it."""
    if section in SECTION_ORDER:
        return SECTION_ORDER.index(section)
    before = -1
    for candidate in doc.sections:
        if candidate.name == section:
            break
        if candidate.name in SECTION_ORDER:
            before = SECTION_ORDER.index(candidate.name)
    return before


def facet_states(doc: Document, facts: DocumentFacts, cut_facets: set[str],
                 declared_facets: frozenset[str] = frozenset()) -> dict[str, str]:
    """Facet -> "read", "cut-off", "declared-unavailable", "not-reached" or "missing".

    ``declared_facets``: facets declared unavailable beyond ``facts.unavailable`` (a label whose
    value says the page does not know).
    """
    read = {
        "service-type": facts.service_type is not None,
        "site-of-service": facts.site_of_service is not None,
        "anatomical-target": bool(facts.anatomy),
        "modifiers": bool(facts.modifiers),
        "provider-taxonomies": bool(facts.taxonomies),
        "icd10-mappings": bool(facts.icd10),
        "related-codes": bool(facts.related_codes),
        "payer-policies": any(c.status in _DECIDED or c.prior_auth != "unknown" for c in facts.coverage),
    }
    declared = set(facts.unavailable) | declared_facets
    cut = doc.cut
    cut_position = _position(cut.section, doc) if cut else len(SECTION_ORDER)
    complete = {s.name for s in doc.sections if cut is None or s.end <= cut.start and s.name != cut.section}
    states: dict[str, str] = {}
    for facet, homes in HOME_SECTIONS.items():
        if facet in cut_facets:
            states[facet] = "cut-off"
        elif read[facet]:
            states[facet] = "read"
        elif facet in declared:
            states[facet] = "declared-unavailable"
        elif (
            cut is not None
            and not complete.intersection(homes)
            and cut_position <= max(SECTION_ORDER.index(home) for home in homes)
        ):
            states[facet] = "not-reached"
        else:
            states[facet] = "missing"
    return states
