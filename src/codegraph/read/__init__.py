"""Reading: bytes to a ``Document`` with normalised text, lines, sections and where it is cut off."""

from .cut import Cut
from .document import (
    MAX_DOCUMENT_BYTES,
    Document,
    Line,
    document_from_bytes,
    read_document,
)
from .sections import Section, heading_section

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "Cut",
    "Document",
    "Line",
    "Section",
    "document_from_bytes",
    "heading_section",
    "read_document",
]
