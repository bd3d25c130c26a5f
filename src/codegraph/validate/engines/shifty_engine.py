"""shifty (PyPI ``pyshifty``), a native SHACL engine with SHACL-SPARQL support: the fast default.

It is handed the data as N-Triples bytes (no rdflib graph is built for it) and evaluates over the
data graph only (``graph_mode="data"``), like pySHACL: the shapes are not data. SHACL-AF rules are
off (``infer=False``; our shapes have none), and a shape feature it does not support is an error
(``on_unsupported="error"``), never a silent pass. Its report is the W3C ``sh:ValidationReport``.
"""

from __future__ import annotations

import warnings
from typing import Any

from rdflib import Graph

from ...errors import EngineError
from .base import EngineResult, ValidationData, results_from_ntriples, results_from_report

NAME = "shifty"


def _module() -> Any:
    try:
        import shifty
    except ImportError as error:  # an optional speed-up: say how to get it, or how to do without
        raise EngineError("the 'shifty' engine needs the pyshifty package: pip install 'pyshifty==0.5.1', "
                          "or validate with the pyshacl engine") from error
    return shifty


def validate(data: ValidationData, shapes: Graph) -> list[EngineResult]:
    """Validate ``data`` against ``shapes`` with shifty (the fast native engine)."""
    shifty = _module()
    shapes_turtle = shapes.serialize(format="turtle").encode("utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", shifty.ShaclDiagnosticWarning)
        try:
            validator = shifty.PreparedValidator(shapes_turtle)
            inner = getattr(validator, "_inner", None)
            if inner is not None and hasattr(inner, "validate_w3c"):
                # What validate() does, minus parsing the report into rdflib: the data goes as
                # N-Triples (validate() reads bytes as Turtle) and the report's N-Triples are read
                # by pyoxigraph (results_from_ntriples). Same arguments, in the binding's order.
                result = inner.validate_w3c(data.ntriples(), None, "nt", "data", None, False, "info", True, "error", False)
                diagnostics = [str(message) for message in result.diagnostics]
                report_ntriples = getattr(result, "_report_ntriples", None)
            else:
                report_ntriples = None
            if report_ntriples is None:
                _conforms, report, _text = validator.validate(data.ntriples(), graph_mode="data", infer=False, on_unsupported="error")
                diagnostics = []
        except (ValueError, RuntimeError) as error:
            raise EngineError(f"shifty could not validate: {error}; validate with the pyshacl engine instead") from error
    diagnostics += [str(w.message) for w in caught if issubclass(w.category, shifty.ShaclDiagnosticWarning)]
    if diagnostics:  # something it could not evaluate: its report may be incomplete
        raise EngineError(f"shifty reported: {'; '.join(diagnostics)}; validate with the pyshacl engine instead")
    if report_ntriples is not None:
        return results_from_ntriples(report_ntriples)
    return results_from_report(report)
