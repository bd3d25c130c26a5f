"""Shape cases in the DASH style: each folder of tests/shapes/ holds data.ttl and expected.json
(the findings the named shapes must give, no more, no fewer), run with both engines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph

from codegraph import validate_graph
from codegraph.validate import shapes_graph
from codegraph.validate.shapes import node_shapes

CASES = Path(__file__).parent / "shapes"
CGSH = "https://w3id.org/codegraph/shapes#"
PREFIXES = {
    "ex:": "https://example.org/case/",
    "cg:": "https://w3id.org/codegraph/ontology#",
    "cpt:": "http://purl.bioontology.org/ontology/CPT/",
    "icd10cm:": "http://purl.bioontology.org/ontology/ICD10CM/",
    "skos:": "http://www.w3.org/2004/02/skos/core#",
    "oa:": "http://www.w3.org/ns/oa#",
}
CASE_DIRS = sorted(path for path in CASES.iterdir() if path.is_dir())


def _expand(name: str | None) -> str | None:
    for prefix, base in PREFIXES.items():
        if name is not None and name.startswith(prefix):
            return base + name[len(prefix):]
    return name


def _expected(case: Path) -> dict:
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def case_graphs() -> dict[str, Graph]:
    return {case.name: Graph().parse(case / "data.ttl", format="turtle") for case in CASE_DIRS}


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda path: path.name)
def test_shape_case(case, engine, case_graphs):
    expected = _expected(case)
    report = validate_graph(case_graphs[case.name], engine=engine, as_of=date.fromisoformat(expected["as_of"]))
    about = {CGSH + shape for shape in expected["shapes"]}
    got = sorted(
        (f.shape.removeprefix(CGSH), f.focus_node, f.path, f.severity)
        + ((f.value,) if any("value" in e for e in expected["findings"]) else ())
        for f in report.findings
        if f.shape in about
    )
    want = sorted(
        (e["shape"], _expand(e["focus"]), _expand(e["path"]), e["severity"])
        + ((_expand(e.get("value")),) if any("value" in x for x in expected["findings"]) else ())
        for e in expected["findings"]
    )
    assert got == want, expected["about"]


def test_every_node_shape_has_a_case_that_fires_and_one_that_stays_quiet():
    fires, quiet = set(), set()
    for case in CASE_DIRS:
        expected = _expected(case)
        fired = {e["shape"] for e in expected["findings"]}
        fires |= fired
        quiet |= set(expected["shapes"]) - fired
    shapes = {str(shape).removeprefix(CGSH) for shape in node_shapes(shapes_graph())}
    assert shapes - fires == set(), "shapes without a case that fires"
    assert shapes - quiet == set(), "shapes without a case where they stay quiet"


def test_case_names_are_known_shapes():
    shapes = {str(shape).removeprefix(CGSH) for shape in node_shapes(shapes_graph())}
    for case in CASE_DIRS:
        assert set(_expected(case)["shapes"]) <= shapes, case.name
