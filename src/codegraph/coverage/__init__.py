"""Coverage answers on top of the query library: one rule (``rule.py``) for the check, the matrix
and the disagreements; refusals of what the graph does not hold (``names.py``); rendering."""

from .check import CoverageAnswer, EvidenceRef, Finding, LineAnswer, check_coverage
from .matrix import CoverageMatrix, MatrixCell, PayerDisagreement, coverage_matrix
from .render import render_text
from .rule import ANSWERS

__all__ = ["ANSWERS", "CoverageAnswer", "CoverageMatrix", "EvidenceRef", "Finding", "LineAnswer", "MatrixCell",
           "PayerDisagreement", "check_coverage", "coverage_matrix", "render_text"]
