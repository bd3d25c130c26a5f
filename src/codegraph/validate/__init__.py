"""Validation: SHACL shapes over the graph, a report an analyst can act on."""

from .engine import ontology_graph, shapes_graph, validate_dataset
from .report import SEVERITY_RANK, Finding, ValidationReport

__all__ = ["SEVERITY_RANK", "Finding", "ValidationReport", "ontology_graph", "shapes_graph", "validate_dataset"]
