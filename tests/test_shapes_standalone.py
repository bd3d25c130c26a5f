"""The shapes library works outside codegraph: each shapes file, parsed alone, gives in pySHACL
(and Jena SHACL where it runs) exactly the findings codegraph's own validation gives for its
shapes, on an exported file (which carries the ontology and the shipped code sets); and the
findings are the same again under RDFS entailment (pySHACL ``inference="rdfs"``).

The only input besides the files is the documented as-of parameter: one triple added to the
shapes graph (``cgsh:SunsetCodeShape-passed cgsh:asOf``), never to the data.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pyshacl
import pytest
from rdflib import XSD, Graph, Literal

from codegraph import add_import, import_payer_policy, serialize, validate_graph
from codegraph.resources import shapes_dir
from codegraph.validate.engines.base import results_from_report
from codegraph.validate.shapes import AS_OF_SHAPES, CGSH, node_shapes, owner_shape
from test_validate import planted_defects

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 1, 1)
SHAPE_FILES = sorted(p for p in shapes_dir().glob("*.ttl") if p.name != "prefixes.ttl")


@pytest.fixture(scope="module")
def exported(seed_build, tmp_path_factory) -> tuple[Path, object]:
    """The seed page with one planted defect per shape (tests/test_validate.py) and a payer-policy
    import, exported as Turtle with the reference graphs."""
    planted, _expected, _values = planted_defects(seed_build)
    with contextlib.chdir(ROOT):
        batch = import_payer_policy(["tests/fixtures/payer-policy/payer-policies.csv", "tests/fixtures/payer-policy/payer-bulletin-2025.csv"])
    dataset = add_import(planted, batch)
    path = tmp_path_factory.mktemp("export") / "graph.ttl"
    path.write_bytes(serialize(dataset, "turtle"))
    return path, validate_graph(dataset, engine="pyshacl", as_of=AS_OF)


def _with_as_of(shapes: Graph) -> Graph:
    for shape in AS_OF_SHAPES:
        if (shape, None, None) in shapes:
            shapes.add((shape, CGSH.asOf, Literal(AS_OF.isoformat(), datatype=XSD.date)))
    return shapes


def _findings(report: Graph, shapes: Graph) -> set[tuple[str, ...]]:
    return {(str(owner_shape(shapes, r.source_shape)), str(r.focus), str(r.path or ""), str(r.severity).rsplit("#")[-1].lower(),
             str(r.value or "")) for r in results_from_report(report)}


def _codegraph_findings(report, shapes: Graph) -> set[tuple[str, ...]]:
    mine = {str(s) for s in node_shapes(shapes)}
    return {(f.shape, f.focus_node, f.path or "", f.severity, f.value or "") for f in report.findings if f.shape in mine}


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_each_shapes_file_runs_alone_in_pyshacl(exported, path):
    data_file, report = exported
    shapes = _with_as_of(Graph().parse(path))
    _conforms, results, _text = pyshacl.validate(Graph().parse(data_file), shacl_graph=shapes, inference="none",
                                                 allow_warnings=True, allow_infos=True)
    expected = _codegraph_findings(report, shapes)
    assert _findings(results, shapes) == expected
    assert expected, "the planted defects exercise every file"


def test_the_same_findings_under_rdfs_entailment(exported):
    data_file, report = exported
    shapes = Graph()
    for path in SHAPE_FILES:
        shapes.parse(path)
    _with_as_of(shapes)
    data = Graph().parse(data_file)
    _c, plain, _t = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True)
    _c, entailed, _t = pyshacl.validate(data, shacl_graph=shapes, inference="rdfs", allow_warnings=True, allow_infos=True)
    assert _findings(entailed, shapes) == _findings(plain, shapes) == _codegraph_findings(report, shapes)


def _jena_classpath() -> str | None:
    """The jars of Debian's libapache-jena-java and its dependencies (one SLF4J binding)."""
    if shutil.which("java") is None or not Path("/usr/share/java/jena-shacl.jar").is_file():
        return None
    listing = subprocess.run(["dpkg-query", "-L", "libapache-jena-java"], capture_output=True, text=True).stdout
    jars = {line for line in listing.splitlines() if line.startswith("/usr/share/java/") and line.endswith(".jar")}
    for dependency in ("libcommons-cli-java", "libcommons-codec-java", "libcommons-compress-java", "libcommons-csv-java",
                       "libcommons-io-java", "libcommons-lang3-java", "libdexx-java", "libgoogle-gson-java", "libguava-java",
                       "libhttpclient-java", "libhttpcore-java", "libjackson2-core-java", "libjackson2-databind-java",
                       "libjackson2-annotations-java", "libjsonld-java", "libjsonp2-java", "libprotobuf-java", "libthrift-java",
                       "libtitanium-json-ld-java", "libslf4j-java"):
        listing = subprocess.run(["dpkg-query", "-L", dependency], capture_output=True, text=True).stdout
        jars |= {line for line in listing.splitlines() if line.startswith("/usr/share/java/") and line.endswith(".jar")
                 and ("slf4j" not in line or "slf4j-api" in line or "slf4j-nop" in line)}
    return ":".join(sorted(jars))


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_each_shapes_file_runs_alone_in_jena(exported, path, tmp_path):
    classpath = _jena_classpath()
    if classpath is None:
        pytest.skip("Jena SHACL is not installed (Debian: apt-get install libapache-jena-java, and a JRE)")
    data_file, report = exported
    shapes = _with_as_of(Graph().parse(path))
    shapes_file = tmp_path / path.name
    shapes_file.write_bytes(shapes.serialize(format="turtle").encode("utf-8"))
    done = subprocess.run(["java", "-cp", classpath, "shacl.shacl", "validate", "--shapes", str(shapes_file), "--data", str(data_file)],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "ExceptionInInitializerError" in done.stderr:
        # Debian bookworm's Jena 4.5 package fails to start here: its shaded Xerces throws
        # "internal error" while building the XSD datatypes (before any input is read).
        pytest.skip(f"Jena SHACL does not start on this machine: {done.stderr.splitlines()[0][:200]}")
    assert done.returncode == 0, done.stderr[-2000:]
    results = Graph().parse(data=done.stdout, format="turtle")
    assert _findings(results, shapes) == _codegraph_findings(report, shapes)
