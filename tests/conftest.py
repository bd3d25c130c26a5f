from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegraph import build, extract_document
from codegraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
CPT_1001T = "http://purl.bioontology.org/ontology/CPT/1001T"


@pytest.fixture(scope="session")
def seed_facts():
    return extract_document(SEED)


@pytest.fixture(scope="session")
def seed_build():
    """The seed built once; tests must not change its dataset."""
    return build([SEED])


@pytest.fixture(scope="session")
def seed_report(seed_build):
    from codegraph import validate_graph

    return validate_graph(seed_build.dataset)


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    """The test corpus (tests/corpus) built into an embedded store, once per module; tests must not change it."""
    from codegraph import OxigraphStore, load_into_store

    store = OxigraphStore(tmp_path_factory.mktemp("store") / "store")
    load_into_store(build([ROOT / "tests" / "corpus"], jobs=1), store)
    return store


@pytest.fixture()
def seed_copy(tmp_path) -> Path:
    target = tmp_path / "docs" / SEED.name
    target.parent.mkdir()
    shutil.copy(SEED, target)
    return target


@pytest.fixture()
def run_cli(capsys):
    """Run the codegraph CLI in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_info:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        return exit_info.value.code, captured.out, captured.err

    return run


# Server fixtures (Oxigraph, Virtuoso, a recording HTTP server) for every test module.
from servers import own_oxigraph_server, oxigraph_server, recording_server, virtuoso_server  # noqa: E402, F401
