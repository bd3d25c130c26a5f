"""Extraction: a ``Document`` to ``DocumentFacts``, one module per kind of fact. No RDF here."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..model import CodeFact, DocumentFacts, Source, TextFact
from ..read import Document, read_document
from .code import extract_code
from .code_lists import extract_code_lists
from .concepts import extract_anatomy, extract_concepts
from .facets import cut_off_record, facet_states, mark_cut_rows
from .overview import extract_description, read_overview
from .payers import extract_coverage, extract_payers
from .steps import extract_steps
from .tables import extract_tables
from .unavailable import extract_unavailable


def extract(doc: Document) -> DocumentFacts:
    """All facts of one document. Raises ``DocumentError`` when it is not a billing-code page."""
    code = extract_code(doc)
    description = extract_description(doc)
    overview = read_overview(doc)
    service_type, site = overview.service_type, overview.site_of_service
    unavailable = extract_unavailable(doc)
    payers = extract_payers(doc)
    tables = extract_tables(doc)
    extract_code_lists(doc, tables)
    anatomy_sources: list[CodeFact | TextFact] = [code]
    anatomy_sources += [fact for fact in (description, service_type) if fact is not None]
    facts = DocumentFacts(
        source=Source(path=doc.path, sha256=doc.sha256, content_sha256=content_key(doc)),
        code=code,
        description=description,
        service_type=service_type,
        site_of_service=site,
        anatomy=extract_anatomy(doc, anatomy_sources),
        steps=extract_steps(doc),
        concepts=extract_concepts(doc),
        payers=payers,
        coverage=extract_coverage(doc, payers, unavailable),
        modifiers=tables.modifiers,
        taxonomies=tables.taxonomies,
        icd10=tables.icd10,
        related_codes=tables.related_codes,
        unavailable_statements=unavailable,
        warnings=tables.warnings + unread_section_warnings(doc),
        cut_off=cut_off_record(doc),
    )
    cut_facets = overview.cut_facets | mark_cut_rows(doc, facts)
    facts.facet_states = facet_states(doc, facts, cut_facets, frozenset(overview.declared))
    return facts


def content_key(doc: Document) -> str:
    """SHA-256 of the page's words: the same page saved twice (other host, other line endings) matches."""
    return hashlib.sha256(" ".join(doc.text.split()).encode("utf-8")).hexdigest()


def unread_section_warnings(doc: Document) -> list[str]:
    """Text under a heading codegraph does not know is kept in the document, and said so."""
    warnings = []
    for section in doc.sections:
        lines = [line for line in section.lines if line.text.strip()]
        if section.name == "unknown" and lines:
            warnings.append(
                f"line {section.heading_line}: unknown section '{section.heading}' ({len(lines)} line(s)): "
                "its text is kept in the document but no facts were read from it"
            )
        elif section.name == "preamble" and lines:
            warnings.append(
                f"line {lines[0].number}: {len(lines)} line(s) before the first heading were not read"
            )
    return warnings


def extract_file(path: str | Path) -> DocumentFacts:
    """Read the document at ``path`` and extract its facts."""
    return extract(read_document(path))


__all__ = ["extract", "extract_file"]
