"""Which IRIs from the graph a page may turn into links.

Escaping stops a label from becoming markup, but not an IRI such as ``javascript:alert(1)`` from
becoming a link that runs script when clicked: IRIs are data too. Only absolute http(s) IRIs
become links; anything else is shown as text.
"""

from __future__ import annotations

import re

_WEB_IRI = re.compile(r"^https?://[^\s<>\"'`{}|\\^]+$", re.IGNORECASE)


def safe_href(iri: str | None) -> str | None:
    """``iri`` when it is safe to link to (an absolute http or https IRI), else None."""
    if iri and _WEB_IRI.match(iri):
        return iri
    return None
