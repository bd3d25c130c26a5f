"""A store's validation report kept beside it, so checking unchanged data again (``validate`` then
``site``, or ``validate`` twice) answers at once instead of running the engine again.

A report follows from the store's data, the shapes, the ontology and code sets they are checked
with, the engine (and its package's version) and the as-of day. The stamp covers every one of
them (``store/derived.py``: the data by ``GraphStore.data_version``, which any write moves), so a
kept report is used only for exactly the inputs it was made from; anything else runs the engine
and keeps the new report. Stores without a folder (in memory, remote) keep nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import astuple
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..collector import paused_cycle_collection
from ..resources import ontology_file, shapes_dir, vocab_dir
from ..store import GraphStore, derived
from .engines import resolve
from .engines.base import EngineResult
from .report import Finding, ValidationReport

REPORT_FILE = "codegraph-validation-report.json"
FORMAT = 1
_ENGINE_PACKAGES = ("pyshifty", "pyshacl")


def validated(store: GraphStore, engine: str, as_of: date, check: Callable[[], ValidationReport]) -> ValidationReport:
    """The report of ``check()`` (a run of ``engine`` over ``store`` as of ``as_of``): the one
    kept beside the store when it was made from these very inputs, else ``check()``'s, kept."""
    found = store.data_version()
    if found is None:
        return check()
    folder, data = found
    stamp = derived.stamp(data, FORMAT, "validation-report", resolve(engine), as_of.isoformat(), _engine_versions(),
                          files=_input_files())
    kept = derived.read(folder / REPORT_FILE, stamp)
    if kept is not None:
        try:
            return _decode(kept[1])
        except (ValueError, TypeError, KeyError, IndexError):
            pass  # not what this version writes: checked again below
    report = check()
    if report.engine_results is not None:
        derived.keep(folder / REPORT_FILE, stamp, _encode(report))
    return report


def _input_files() -> list[Path]:
    """The files a run reads besides the store: ontology, shapes and code sets."""
    return [ontology_file(), *sorted(shapes_dir().glob("*.ttl")), *sorted(vocab_dir().glob("*.csv"))]


def _engine_versions() -> list[str]:
    versions = []
    for package in _ENGINE_PACKAGES:
        try:
            versions.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            versions.append(f"{package} absent")
    return versions


def _term(node: Node | None) -> list[str] | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return ["u", str(node)]
    if isinstance(node, BNode):
        return ["b", str(node)]
    if isinstance(node, Literal):
        return ["l", str(node), str(node.datatype or ""), node.language or ""]
    raise TypeError(f"not a term a report holds: {node!r}")


def _node(value: list[str] | None) -> Node | None:
    if value is None:
        return None
    kind = value[0]
    if kind == "u":
        return URIRef(value[1])
    if kind == "b":
        return BNode(value[1])
    if kind == "l":
        return Literal(value[1], datatype=URIRef(value[2]) if value[2] else None, lang=value[3] or None)
    raise ValueError(f"unknown term kind {kind!r}")


def _encode(report: ValidationReport) -> bytes:
    assert report.as_of is not None and report.engine_results is not None
    body: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "engine": report.engine,
        "findings": [list(astuple(finding)) for finding in report.findings],
        "results": [[_term(r.focus), _term(r.path), _term(r.value), _term(r.source_shape), str(r.severity),
                     str(r.component), r.message] for r in report.engine_results],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode(data: bytes) -> ValidationReport:
    from .check import report_graph

    with paused_cycle_collection():
        body = json.loads(data)
        findings = [Finding(*row) for row in body["findings"]]
        results = []
        for focus, path, value, shape, severity, component, message in body["results"]:
            focus_node, shape_node = _node(focus), _node(shape)
            if focus_node is None or shape_node is None:
                raise ValueError("a kept result without focus node or shape")
            results.append(EngineResult(focus=focus_node, path=_node(path), value=_node(value), source_shape=shape_node,
                                        severity=URIRef(severity), component=URIRef(component), message=str(message)))
    return ValidationReport(findings=findings, results_graph_source=lambda: report_graph(results),
                            as_of=date.fromisoformat(body["as_of"]), engine=body["engine"], engine_results=results)
