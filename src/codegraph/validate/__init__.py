"""Validation: SHACL shapes over the graph, a report an analyst can act on.

``shapes.py`` loads the shapes library, ``engines/`` runs it (pySHACL, the reference, or a fast
native engine that gives the same answers), ``check.py`` turns the results into ``Finding``s,
``report.py`` renders text, JSON and Turtle, ``html.py`` a self-contained page and ``gaps.py``
the per-code view of missing facets.
"""

from .check import validate_dataset, validate_store
from .engines import DEFAULT as DEFAULT_ENGINE
from .engines import ENGINE_NAMES, EngineError
from .report import SEVERITY_RANK, Finding, ValidationReport
from .shapes import ontology_graph, shapes_graph

__all__ = ["DEFAULT_ENGINE", "ENGINE_NAMES", "SEVERITY_RANK", "EngineError", "Finding", "ValidationReport",
           "ontology_graph", "shapes_graph", "validate_dataset", "validate_store"]
