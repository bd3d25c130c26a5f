"""The Python API can be discovered: ``dir(codegraph)`` lists the public names, ``help()`` shows
a docstring for each, every codegraph type a public function returns is importable from
``codegraph``, ``open_store`` refuses a missing store unless asked to create one, and the files
codegraph writes get the user's umask."""

from __future__ import annotations

import inspect
import os
import pydoc
import re
import stat
from pathlib import Path

import pytest

import codegraph

EXTERNAL_TYPES = {"Dataset", "Graph", "URIRef", "None"}  # rdflib's, returned as they are; and nothing


def test_dir_lists_every_public_name():
    listed = dir(codegraph)
    assert set(codegraph.__all__) <= set(listed)
    for name in ("find", "suggest", "search_index", "SearchHit", "CoverageAnswer", "BuildResult", "open_store", "query_rows_xlsx"):
        assert name in listed and name in codegraph.__all__
    assert len(codegraph.__all__) == len(set(codegraph.__all__))


@pytest.mark.parametrize("name", sorted(n for n in codegraph.__all__ if n != "__version__"))
def test_every_public_name_resolves_and_has_a_docstring(name):
    value = getattr(codegraph, name)
    assert inspect.getdoc(value), f"codegraph.{name} has no docstring for help() to show"
    if inspect.isfunction(value):
        assert pydoc.render_doc(value).count(inspect.getdoc(value).splitlines()[0]) >= 1


def test_help_of_the_package_lists_the_api():
    text = pydoc.render_doc(codegraph)
    assert "open_store" in text and "validate_graph" in text and "check_coverage" in text


@pytest.mark.parametrize("name", sorted(n for n in codegraph.__all__ if inspect.isfunction(getattr(codegraph, n))))
def test_every_codegraph_type_a_function_returns_is_importable_from_codegraph(name):
    annotation = getattr(codegraph, name).__annotations__.get("return", "")
    for type_name in re.findall(r"\b[A-Z]\w+", str(annotation)):
        if type_name in EXTERNAL_TYPES:
            continue
        assert type_name in codegraph.__all__, f"codegraph.{name} returns {type_name}, which codegraph does not export"
        assert isinstance(getattr(codegraph, type_name), type)


def test_open_store_refuses_a_missing_store_unless_asked_to_create(tmp_path):
    missing = tmp_path / "no-store-here"
    with pytest.raises(codegraph.StoreNotFoundError, match="no codegraph store there"):
        codegraph.open_store(missing)
    assert not missing.exists()  # a mistyped path is not made into an empty store
    with pytest.raises(FileNotFoundError):  # a StoreNotFoundError is the built-in a caller would catch
        codegraph.open_store(missing)
    with codegraph.open_store(missing, create=True) as store:
        assert store.graph_names() == []
    with codegraph.open_store(missing) as store:  # now there is one
        assert store.graph_names() == []


@pytest.fixture()
def umask_027():
    old = os.umask(0o027)
    yield 0o027
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_files_follow_the_umask(tmp_path, umask_027, run_cli, seed_copy):
    codegraph.write_atomically(tmp_path / "one.txt", b"x")
    assert _mode(tmp_path / "one.txt") == 0o640  # 0666 less the umask, not mkstemp's 0600
    os.umask(0o022)
    codegraph.write_atomically(tmp_path / "two.txt", b"x")
    assert _mode(tmp_path / "two.txt") == 0o644
    code, _out, _err = run_cli("build", seed_copy, "-o", tmp_path / "graph.ttl", "--report", tmp_path / "report.json", "--no-validate")
    assert code == 0 and _mode(tmp_path / "graph.ttl") == 0o644 and _mode(tmp_path / "report.json") == 0o644
    code, _out, _err = run_cli("query", "run", "code-overview", "--param", "code=1001T", "--data", tmp_path / "graph.ttl",
                               "--format", "xlsx", "-o", tmp_path / "rows.xlsx")
    assert code == 0 and _mode(tmp_path / "rows.xlsx") == 0o644
