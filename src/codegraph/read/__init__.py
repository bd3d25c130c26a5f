"""Reading: bytes to a ``Document`` with normalised text, lines and sections."""

from .document import Document, Line, document_from_bytes, read_document
from .sections import Section, heading_section

__all__ = ["Document", "Line", "Section", "document_from_bytes", "heading_section", "read_document"]
