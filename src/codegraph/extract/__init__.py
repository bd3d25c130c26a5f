"""Extraction: a ``Document`` to ``DocumentFacts``, one module per kind of fact. No RDF here."""

from __future__ import annotations

from pathlib import Path

from ..model import CodeFact, DocumentFacts, Source, TextFact
from ..read import Document, read_document
from .code import extract_code
from .concepts import extract_anatomy, extract_concepts
from .overview import extract_description, extract_service_and_site
from .payers import extract_coverage, extract_payers
from .steps import extract_steps
from .tables import extract_tables
from .unavailable import extract_unavailable


def extract(doc: Document) -> DocumentFacts:
    """All facts of one document. Raises ``DocumentError`` when it is not a billing-code page."""
    code = extract_code(doc)
    description = extract_description(doc)
    service_type, site = extract_service_and_site(doc)
    unavailable = extract_unavailable(doc)
    payers = extract_payers(doc)
    tables = extract_tables(doc)
    anatomy_sources: list[CodeFact | TextFact] = [code]
    anatomy_sources += [fact for fact in (description, service_type) if fact is not None]
    return DocumentFacts(
        source=Source(path=doc.path, sha256=doc.sha256),
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
        warnings=tables.warnings,
    )


def extract_file(path: str | Path) -> DocumentFacts:
    return extract(read_document(path))


__all__ = ["extract", "extract_file"]
