"""Coverage answers on top of the query library: the coverage check and its rendering."""

from .check import ANSWERS, CoverageAnswer, EvidenceRef, Finding, check_coverage
from .render import render_text

__all__ = ["ANSWERS", "CoverageAnswer", "EvidenceRef", "Finding", "check_coverage", "render_text"]
