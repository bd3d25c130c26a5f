"""Two engines, one answer: the fast default gives pySHACL's findings on our shapes.

Run over fixture graphs that exercise every shape: the seed, the seed with one planted defect per
shape (tests/test_validate.py), and the imported payer-policy and MCD fixtures (policies, dates,
places of service, modifiers). Findings are compared as (focus node, path, shape, severity) and,
stricter than that, with their message and value, shape by shape so a disagreement names the shape
to route to pySHACL (codegraph.validate.engines.ROUTED_TO_PYSHACL).
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from codegraph import import_dataset, import_mcd, import_payer_policy, validate_graph
from codegraph.validate import shapes_graph
from codegraph.validate.engines import ENGINE_NAMES, ENGINES, FAST, ROUTED_TO_PYSHACL, resolve
from codegraph.validate.engines.base import EngineError
from codegraph.validate.shapes import node_shapes
from conftest import ROOT
from test_validate import AS_OF, planted_defects

FAST_ENGINES = [name for name in ENGINES if name != "pyshacl"]


def _imports():
    dataset = import_dataset(import_payer_policy([ROOT / "tests/fixtures/payer-policy/payer-policies.csv",
                                                  ROOT / "tests/fixtures/payer-policy/payer-bulletin-2025.csv"]))
    mcd = import_mcd(ROOT / "tests/fixtures/mcd")
    for name, graph in [*mcd.graphs.items(), *mcd.shared.items()]:
        target = dataset.graph(name)
        for triple in graph:
            target.add(triple)
    return dataset


@pytest.fixture(scope="module")
def fixture_graphs(seed_build):
    return {"seed": seed_build.dataset, "planted": planted_defects(seed_build)[0], "imports": _imports()}


def _by_shape(report) -> dict[str, list[tuple]]:
    shapes = defaultdict(list)
    for f in report.findings:
        shapes[f.shape].append((f.focus_node, f.path, f.severity, f.source_shape, f.value, f.message))
    return {shape: sorted(found, key=lambda t: tuple(str(x) for x in t)) for shape, found in shapes.items()}


@pytest.mark.parametrize("engine", FAST_ENGINES)
@pytest.mark.parametrize("graph", ["seed", "planted", "imports"])
def test_fast_engine_gives_pyshacls_findings(fixture_graphs, graph, engine):
    reference = validate_graph(fixture_graphs[graph], engine="pyshacl", as_of=AS_OF)
    fast = validate_graph(fixture_graphs[graph], engine=engine, as_of=AS_OF)
    assert reference.engine == "pyshacl" and fast.engine == engine
    expected, got = _by_shape(reference), _by_shape(fast)
    disagreeing = sorted(shape for shape in expected.keys() | got.keys() if expected.get(shape) != got.get(shape))
    assert not disagreeing, f"{engine} disagrees with pySHACL on {disagreeing}: route them to pySHACL"
    assert reference.findings == fast.findings
    assert reference.results_graph.isomorphic(fast.results_graph)


def test_the_fixtures_exercise_the_shapes(fixture_graphs):
    """The comparison means something only if the graphs make shapes fire: every node shape fires
    on the planted graph, and the imports are checked (their coverage assertions and policies)."""
    planted = validate_graph(fixture_graphs["planted"], engine=FAST, as_of=AS_OF)
    assert {f.shape for f in planted.findings} == {str(s) for s in node_shapes(shapes_graph())}
    imports = validate_graph(fixture_graphs["imports"], engine=FAST, as_of=AS_OF)
    # Imported codes have no overview page, so no facet is "not found"; Blue Cross Blue Shield's
    # 'not-stated' row for 1001T is the one missing decision.
    assert [(f.shape.rsplit("#")[-1], f.severity, f.code) for f in imports.findings] == [("CoverageDecisionShape", "warning", "1001T")]


def test_engine_names():
    assert ENGINE_NAMES == ("fast", "pyshacl", "shifty")
    assert resolve("fast") == FAST == "shifty"
    assert ROUTED_TO_PYSHACL[FAST] == frozenset()  # shifty agrees on every shape
    with pytest.raises(EngineError, match="unknown validation engine 'jena'; use one of fast, pyshacl, shifty"):
        resolve("jena")


def test_the_cli_offers_the_same_engines():
    from codegraph.choices import ENGINES

    assert ENGINES == ENGINE_NAMES


@pytest.mark.parametrize("graph", ["seed", "planted", "imports"])
def test_store_wide_shapes_give_the_engines_results(fixture_graphs, graph):
    """The shapes checked as queries over an embedded store (validate/native.py, annotation.py) give exactly
    the results pySHACL and the fast engine give for them, and a store validation with them
    gives pySHACL's findings."""
    from datetime import date

    from rdflib import URIRef

    from codegraph import OxigraphStore
    from codegraph.validate import annotation
    from codegraph.validate.check import validate_store
    from codegraph.validate.engines import ValidationData, run_engine
    from codegraph.validate.native import STORE_WIDE, store_wide_results
    from codegraph.validate.shapes import ontology_graph, shapes_for_run, shapes_subset
    from codegraph.vocab import available_schemes, scheme_graph

    reference = [ontology_graph()] + [scheme_graph(name) for name in available_schemes()]
    dataset = fixture_graphs[graph]
    store = OxigraphStore(None)
    graphs = {URIRef(str(g.identifier)): list(g) for g in dataset.graphs() if len(g)}
    graphs.update({URIRef(f"https://w3id.org/codegraph/graph/test-reference-{n}"): list(g) for n, g in enumerate(reference)})
    store.replace_graphs(graphs)
    shapes = shapes_for_run(date.fromisoformat(str(AS_OF)) if not isinstance(AS_OF, date) else AS_OF)
    native, done = store_wide_results(store, shapes, reference)
    assert done == [*STORE_WIDE, annotation.SHAPE]

    def key(result):
        return tuple(str(x) for x in (result.focus, result.path, result.value, result.source_shape, result.severity,
                                      result.component, result.message))

    for engine in ("pyshacl", FAST):
        own = run_engine(engine, ValidationData(reference, ntriples=[store.dump_ntriples()]), shapes_subset(shapes, done))
        assert sorted(map(key, own)) == sorted(map(key, native)), engine
    assert validate_store(store, engine="fast", as_of=AS_OF, jobs=1).findings == \
        validate_store(store, engine="pyshacl", as_of=AS_OF, jobs=1).findings


@pytest.mark.parametrize("graph", ["planted", "imports"])
def test_the_planned_store_wide_queries_give_the_queries_as_written(fixture_graphs, graph, monkeypatch):
    """The VALUES blocks native.py adds to some shapes' queries (``_PLANNED``) apply to the shapes
    as they are, and change no result: the same results, one by one, as the queries as written."""
    from rdflib import URIRef

    from codegraph import OxigraphStore
    from codegraph.validate import native
    from codegraph.validate.shapes import CGSH, shapes_for_run

    shapes = shapes_for_run(AS_OF)
    planned = [CGSH.SourceDisagreementShape, CGSH.CoverageDecisionShape]
    selects = [text for shape in planned for text, _message, _prefixes in native._constraints(shapes, shape)]
    assert sorted(native._PLANNED) == sorted(native.hashlib.sha256(text.encode("utf-8")).hexdigest() for text in selects)
    assert all(native._planned(text, text) != text for text in selects)

    store = OxigraphStore(None)
    store.replace_graphs({URIRef(str(g.identifier)): list(g) for g in fixture_graphs[graph].graphs() if len(g)})

    def results() -> list[tuple[str, ...]]:
        found = native.run_store_wide(store, shapes, planned)
        return sorted(tuple(str(x) for x in (r.focus, r.path, r.value, r.source_shape, r.message)) for r in found)

    with_plans = results()
    monkeypatch.setattr(native, "_PLANNED", {})
    assert results() == with_plans
    fired = {row[3].rsplit("#")[-1] for row in with_plans}
    assert fired == ({"SourceDisagreementShape", "CoverageDecisionShape"} if graph == "planted" else {"CoverageDecisionShape"})
