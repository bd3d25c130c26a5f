"""Run the SHACL shapes over a graph and turn pySHACL's report into ``Finding`` records.

The data graph handed to pySHACL is a new graph: the caller's triples plus the ontology (its
subclass axioms drive ``sh:targetClass`` and its facet definitions drive the completeness
constraints) plus the reference code sets (so place-of-service codes can be checked). The
caller's graph is never changed.
"""

from __future__ import annotations

from functools import cache

import pyshacl
from rdflib import RDF, SKOS, Dataset, Graph, Namespace, URIRef
from rdflib.term import Node

from ..errors import ResourceError
from ..rdf.namespaces import CG
from ..resources import ontology_file, shapes_dir
from ..store.base import union_graph
from ..vocab import available_schemes, scheme_graph
from .report import Finding, ValidationReport

SH = Namespace("http://www.w3.org/ns/shacl#")
_SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@cache
def ontology_graph() -> Graph:
    path = ontology_file()
    if not path.is_file():
        raise ResourceError(f"{path} is missing: reinstall codegraph")
    return Graph().parse(path, format="turtle")


@cache
def shapes_graph() -> Graph:
    files = sorted(shapes_dir().glob("*.ttl"))
    if not files:
        raise ResourceError(f"no shapes in {shapes_dir()}: reinstall codegraph")
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    return graph


def _code_of(data: Graph, focus: Node) -> str | None:
    """The notation of the code a focus node belongs to, for grouping findings by code."""
    if (focus, RDF.type, CG.BillingCode) in data:
        return str(data.value(focus, SKOS.notation) or focus)
    code = data.value(focus, CG.billingCode)
    if code is None:
        code = next((s for s, _p in data.subject_predicates(focus) if (s, RDF.type, CG.BillingCode) in data), None)
    return str(data.value(code, SKOS.notation)) if code is not None else None


def validate_dataset(dataset: Dataset | Graph) -> ValidationReport:
    extra = [ontology_graph()] + [scheme_graph(name) for name in available_schemes()]
    if isinstance(dataset, Dataset):
        data = union_graph(dataset, extra)
    else:
        data = Graph()
        for graph in (dataset, *extra):
            for triple in graph:
                data.add(triple)
    conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), inference="none", abort_on_first=False, allow_warnings=True
    )
    shapes = shapes_graph()
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(result, SH.sourceShape)
        # A property shape is a blank node: report the node shape that owns it, whose IRI is stable.
        owner = shapes.value(predicate=SH.property, object=shape) if not isinstance(shape, URIRef) else None
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        findings.append(
            Finding(
                severity=_SEVERITIES.get(results.value(result, SH.resultSeverity), "violation"),
                focus_node=str(focus),
                path=str(path) if isinstance(path, URIRef) else (path.n3() if path is not None else None),
                shape=str(owner if owner is not None else shape),
                component=str(results.value(result, SH.sourceConstraintComponent)),
                message=str(results.value(result, SH.resultMessage) or ""),
                value=str(value) if value is not None else None,
                code=_code_of(data, focus),
            )
        )
    findings.sort(key=lambda f: (f.code or "", f.severity_rank * -1, f.shape, f.focus_node, f.path or "", f.message))
    return ValidationReport(findings=findings, results_graph=results)
