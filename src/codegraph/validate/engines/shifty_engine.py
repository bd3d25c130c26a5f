"""shifty (PyPI ``pyshifty``), a native SHACL engine with SHACL-SPARQL support: the fast default.

It is handed the data as N-Triples bytes (no rdflib graph is built for it) and evaluates over the
data graph only (``graph_mode="data"``), like pySHACL: the shapes are not data. SHACL-AF rules are
off (``infer=False``; our shapes have none), and a shape feature it does not support is an error
(``on_unsupported="error"``), never a silent pass. Its report is the W3C ``sh:ValidationReport``.
"""

from __future__ import annotations

import warnings

from rdflib import Graph

from .base import EngineError, EngineResult, ValidationData, results_from_report

NAME = "shifty"


def _module():
    try:
        import shifty
    except ImportError as error:  # an optional speed-up: say how to get it, or how to do without
        raise EngineError("the 'shifty' engine needs the pyshifty package: pip install 'pyshifty==0.5.1', "
                          "or validate with --engine pyshacl") from error
    return shifty


def validate(data: ValidationData, shapes: Graph) -> list[EngineResult]:
    shifty = _module()
    shapes_turtle = shapes.serialize(format="turtle").encode("utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", shifty.ShaclDiagnosticWarning)
        try:
            validator = shifty.PreparedValidator(shapes_turtle)
            _conforms, report, _text = validator.validate(
                data.ntriples(), graph_mode="data", infer=False, on_unsupported="error"
            )
        except (ValueError, RuntimeError) as error:
            raise EngineError(f"shifty could not validate: {error}; try --engine pyshacl") from error
    diagnostics = [str(w.message) for w in caught if issubclass(w.category, shifty.ShaclDiagnosticWarning)]
    if diagnostics:  # something it could not evaluate: its report may be incomplete
        raise EngineError(f"shifty reported: {'; '.join(diagnostics)}; try --engine pyshacl")
    return results_from_report(report)
