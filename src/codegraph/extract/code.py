"""The billing code a page is about: system, code, category and the page's own title."""

from __future__ import annotations

import re

from ..codes import code_category
from ..errors import DocumentError
from ..model import CodeFact
from ..read import Document
from ..read.normalize import clean_value
from .evidence import line_evidence

# "CPT 1001T: Title", "CPT code 20610: Title", "HCPCS Level II J7321: Title"
_TITLE = re.compile(
    r"\s*+(?:#++\s*+)?(?P<system>CPT|HCPCS(?:\s++Level\s++II)?)\s++(?:code\s++)?(?P<code>[0-9A-Z]{5})\s*+:\s*+(?P<title>.*\S)\s*$",
    re.IGNORECASE,
)

# How many lines from the top the title may appear on (after "Summary & Overview").
_TITLE_SEARCH_LINES = 6


def extract_code(doc: Document) -> CodeFact:
    """The code the page is about: its system, notation and title, from the first lines."""
    for line in doc.lines[:_TITLE_SEARCH_LINES]:
        match = _TITLE.match(line.text)
        if match:
            system = "CPT" if match["system"].upper() == "CPT" else "HCPCS"
            code = match["code"].upper()
            return CodeFact(
                system=system,
                code=code,
                category=code_category(system, code),
                title=clean_value(match["title"]),
                evidence=line_evidence(doc, line),
            )
    raise DocumentError(
        doc.path,
        "no title line such as 'CPT 1001T: <title>' or 'HCPCS J0585: <title>' "
        f"in the first {_TITLE_SEARCH_LINES} lines, so this is not a billing-code overview page",
        line=1,
        hint="check that the file is a code overview document",
    )
