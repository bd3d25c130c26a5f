"""The command line as a user runs it: build summary, export round trips, clear errors, atomic writes."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import SEED


def test_build_prints_summary_and_writes_graph(run_cli, tmp_path, seed_copy):
    output = tmp_path / "out" / "graph.trig"
    code, out, _err = run_cli("build", seed_copy.parent, "-o", output, "--store", tmp_path / "store")
    assert code == 0
    assert "documents: 1 built, 0 failed, 0 duplicate" in out
    assert "codes:     CPT 1001T" in out
    assert "gaps:      0 violation(s), 8 warning(s), 1 info in the store" in out
    written = next(line for line in out.splitlines() if line.startswith("written:"))
    stored = next(line for line in out.splitlines() if line.startswith("store:"))
    dataset = Dataset()
    dataset.parse(output, format="trig")
    quads = sum(1 for _ in dataset.quads((None, None, None, None)))
    assert f"({quads} quads)" in written  # the figures printed are the quads written
    assert f"({quads} quads; sources: 1 new, 0 replaced, 0 unchanged)" in stored


def test_extract_json_is_the_contract(run_cli):
    code, out, _err = run_cli("extract", SEED, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {
        "source", "code", "service_type", "site_of_service", "anatomy", "steps", "payers", "coverage",
        "modifiers", "taxonomies", "icd10", "related_codes", "unavailable", "warnings",
    }
    code, out, _err = run_cli("extract", SEED, "--evidence")
    assert json.loads(out)["code"]["evidence"] == {
        "section": "summary", "start": 19, "end": 97, "line": 2,
        "quote": "CPT 1001T: Autologous Muscle Progenitor Injection into External Anal Sphincter",
    }


@pytest.mark.parametrize(("fmt", "parse_as"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("trig", "trig"), ("nquads", "nquads")])
def test_export_round_trips_and_is_byte_stable(run_cli, tmp_path, seed_copy, fmt, parse_as):
    graph = tmp_path / "graph.trig"
    assert run_cli("build", seed_copy.parent, "-o", graph, "--no-validate")[0] == 0
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert run_cli("export", "--data", graph, "--format", fmt, "-o", first)[0] == 0
    assert run_cli("export", "--data", graph, "--format", fmt, "-o", second)[0] == 0
    if fmt in ("turtle", "nt", "nquads"):
        assert first.read_bytes() == second.read_bytes()
    original = Dataset()
    original.parse(graph, format="trig")
    union = Graph()
    for s, p, o, _g in original.quads((None, None, None, None)):
        union.add((s, p, o))
    exported = Dataset()
    exported.parse(first, format=parse_as)
    reloaded = Graph()
    for s, p, o, _g in exported.quads((None, None, None, None)):
        reloaded.add((s, p, o))
    assert isomorphic(union, reloaded)


def test_export_takes_its_format_from_the_file_name_and_refuses_a_mismatch(run_cli, tmp_path, seed_copy):
    graph = tmp_path / "graph.trig"
    assert run_cli("build", seed_copy.parent, "-o", graph, "--no-validate")[0] == 0
    quads = tmp_path / "graph.nq"
    assert run_cli("export", "--data", graph, "-o", quads)[0] == 0
    exported = Dataset()
    exported.parse(quads, format="nquads")  # N-Quads, not the Turtle a default would have written
    assert len(list(exported.graphs())) > 3 and sum(1 for _ in exported.quads((None, None, None, None))) > 1000
    code, _out, err = run_cli("export", "--data", graph, "--format", "turtle", "-o", tmp_path / "graph.jsonld")
    assert code == 2 and "--format turtle does not match" in err and "json-ld" in err
    assert not (tmp_path / "graph.jsonld").exists()


def test_bad_document_is_exit_2_and_keeps_the_previous_output(run_cli, tmp_path, seed_copy):
    output = tmp_path / "graph.ttl"
    assert run_cli("build", seed_copy.parent, "-o", output, "--no-validate")[0] == 0
    before = output.read_bytes()
    bad = tmp_path / "bad" / "notes.txt"
    bad.parent.mkdir()
    bad.write_text("Meeting notes\nnothing to see\n", encoding="utf-8")
    code, _out, err = run_cli("build", bad.parent, "-o", output)
    assert code == 2
    assert f"{bad}:1: no title line" in err
    assert output.read_bytes() == before


def test_mixed_folder_builds_the_good_and_reports_the_bad(run_cli, tmp_path, seed_copy):
    (seed_copy.parent / "empty.txt").write_bytes(b"")
    code, out, err = run_cli("build", seed_copy.parent, "-o", tmp_path / "g.ttl", "--no-validate")
    assert code == 2
    assert "documents: 1 built, 1 failed, 0 duplicate" in out
    assert "empty.txt: the file is empty" in err


def test_usage_errors_are_exit_2(run_cli, tmp_path):
    assert run_cli("build", SEED)[0] == 2  # no -o and no --store
    code, _out, err = run_cli("query", "run", "payers-for-code", "--param", "code=1001T", "--store", tmp_path / "nope")
    assert code == 2 and "no codegraph store there" in err
    assert not (tmp_path / "nope").exists()  # a mistyped path is not made into an empty store
    code, _out, err = run_cli("validate", "--data", tmp_path / "missing.ttl")
    assert code == 2 and "no such file" in err
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    code, _out, err = run_cli("validate", "--data", broken)
    assert code == 2 and "broken.ttl: not valid turtle" in err


def test_help_loads_no_rdf_library():
    """``codegraph --help`` (and every command's help) answers without importing rdflib,
    pyoxigraph, pySHACL or SPARQLWrapper: the command line imports them when a command runs."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from codegraph.cli import cli\n"
        "for args in ([], ['build'], ['validate'], ['query', 'run'], ['coverage', 'check'], ['export'], ['site']):\n"
        "    try:\n"
        "        cli.main(args=[*args, '--help'], prog_name='codegraph', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('loaded:', ','.join(sorted(m for m in ('rdflib', 'pyoxigraph', 'pyshacl', 'SPARQLWrapper', 'jinja2') if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.splitlines()[-1] == "loaded: "
    assert "Usage: codegraph" in done.stdout
