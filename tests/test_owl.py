"""The ontology is OWL 2 DL and its axioms catch real errors: a DL reasoner (HermiT, through the OWL
API both bundled in owlready2's HermiT.jar) runs on it, on the graphs codegraph builds, and on
graphs with a planted error.

``tests/owl/DLCheck.java`` prints the OWL 2 DL profile violations, whether the ontology (with any
data files) is consistent, and the unsatisfiable classes. It needs a JDK (javac) and owlready2 (the
``test`` extra); without them these tests skip, saying why.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from codegraph import build, import_dataset, import_payer_policy, serialize
from codegraph.rdf import iris
from codegraph.rdf.namespaces import CG
from codegraph.resources import ontology_file

ROOT = Path(__file__).resolve().parent.parent
CHECKER = Path(__file__).parent / "owl" / "DLCheck.java"


def _hermit_jar() -> Path | None:
    try:
        import owlready2
    except ImportError:
        return None
    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    return jar if jar.is_file() else None


@pytest.fixture(scope="module")
def dl_check(tmp_path_factory):
    """Check files in one JVM; returns {file name: its output lines, without the name}."""
    jar = _hermit_jar()
    if jar is None:
        pytest.skip("owlready2 (with its HermiT.jar) is not installed: pip install -e '.[test]'")
    if shutil.which("java") is None or shutil.which("javac") is None:
        pytest.skip("no JDK here (java and javac): apt-get install default-jdk-headless runs the DL reasoner tests")
    classes = tmp_path_factory.mktemp("dlcheck")
    subprocess.run(["javac", "-nowarn", "-cp", str(jar), "-d", str(classes), str(CHECKER)], check=True, capture_output=True)

    def run(*files: Path, data: bool = False) -> dict[str, list[str]]:
        """``data``: the files hold data, whose xsd:date values HermiT may leave aside (DLCheck.java)."""
        done = subprocess.run(["java", "-cp", f"{jar}:{classes}", "DLCheck", *(["--data"] if data else []), *map(str, files)],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        out: dict[str, list[str]] = {path.name: [] for path in files}
        for line in done.stdout.splitlines():
            path, _, rest = line.partition(" ")
            out[Path(path).name].append(rest)
        return out

    return run


def _with_ontology(data: Graph, path: Path) -> Path:
    """The ontology and ``data`` in one RDF/XML file: parsed alone, data would not know which of
    its properties are object or data properties. (RDF/XML: the OWL API 3.4 Turtle parser rejects
    some escapes Turtle allows.)"""
    merged = Graph().parse(ontology_file())
    for triple in data:
        merged.add(triple)
    path.write_bytes(serialize(merged, "xml"))
    return path


def test_the_ontology_is_owl2_dl_and_consistent(dl_check):
    lines = dl_check(ontology_file())[ontology_file().name]
    assert [line for line in lines if line.startswith("violation")] == []
    assert "consistent: true" in lines
    assert [line for line in lines if line.startswith("unsatisfiable")] == []


def test_the_built_graph_is_consistent_with_the_ontology(dl_check, tmp_path):
    """The corpus of pages and an imported payer-policy table, with the ontology's axioms: no
    disjointness or one-value axiom is broken (HermiT finds the graph consistent)."""
    result = build([ROOT / "tests" / "corpus" / "documents"], include_reference=False)
    with contextlib.chdir(ROOT):
        batch = import_payer_policy(["tests/fixtures/payer-policy/payer-policies.csv"])
    data = Graph()
    for s, p, o, _g in result.dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    for s, p, o, _g in import_dataset(batch, include_reference=False).quads((None, None, None, None)):
        data.add((s, p, o))
    assert len(data) > 10_000
    assert "consistent: true" in dl_check(_with_ontology(data, tmp_path / "data.rdf"), data=True)["data.rdf"]


@pytest.fixture(scope="module")
def seed_fact_graph(seed_build) -> Graph:
    graph = Graph()
    for s, p, o, g in seed_build.dataset.quads((None, None, None, None)):
        if str(g).startswith(str(iris.DOCUMENT_GRAPHS)):
            graph.add((s, p, o))
    return graph


def _first(graph: Graph, kind: URIRef) -> URIRef:
    node = sorted(graph.subjects(RDF.type, kind))[0]
    assert isinstance(node, URIRef)
    return node


PLANTED = {
    "step-is-also-a-coverage-assertion": lambda g: g.add((_first(g, CG.ProcedureStep), RDF.type, CG.CoverageAssertion)),
    "evidence-is-also-a-fact": lambda g: g.add((_first(g, CG.Evidence), RDF.type, CG.CodeOverview)),
    "step-with-two-orders": lambda g: g.add((_first(g, CG.ProcedureStep), CG.stepOrder, Literal(99))),
    "evidence-with-two-starts": lambda g: g.add((_first(g, CG.Evidence), CG.startOffset, Literal(-1))),
    "assertion-with-two-statuses": lambda g: g.add((_first(g, CG.CoverageAssertion), CG.coverageStatus, iris.value_iri("coverage-status", "covered"))),
    "step-of-two-kinds": lambda g: g.add((_first(g, CG.ProcedureStep), CG.stepKind, iris.value_iri("step-kind", "discharge"))),
}


def test_a_planted_error_makes_the_graph_inconsistent(dl_check, seed_fact_graph, tmp_path):
    """The seed's own facts are consistent; each planted error breaks one axiom (disjoint classes,
    a one-value property, distinct vocabulary values)."""
    files = [_with_ontology(seed_fact_graph, tmp_path / "seed.rdf")]
    for name, plant in PLANTED.items():
        planted = Graph()
        for triple in seed_fact_graph:
            planted.add(triple)
        plant(planted)
        files.append(_with_ontology(planted, tmp_path / f"{name}.rdf"))
    out = dl_check(*files, data=True)
    assert "consistent: true" in out["seed.rdf"]
    assert {name: "consistent: false" in out[f"{name}.rdf"] for name in PLANTED} == dict.fromkeys(PLANTED, True)


def test_the_readme_diagram_is_made_from_the_ontology():
    """docs/images/ontology.dot (drawn as ontology.png in the README) is what
    scripts/ontology_diagram.py makes from the ontology today: rerun it after changing the model."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ontology_diagram", ROOT / "scripts" / "ontology_diagram.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.dot_source(Graph().parse(ontology_file()))
    assert (ROOT / "docs" / "images" / "ontology.dot").read_text(encoding="utf-8") == expected
    assert '"cg:Fact" -> "cg:Evidence" [label="cg:evidence"]' in expected
