"""One benchmark step per process, so each reports its own time and peak memory.

    python -m benchmarks.steps STEP ARGS...   prints one JSON object on stdout
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def _timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def extract(folder: str, jobs: str, limit: str = "0") -> dict:
    """Read and map the pages of ``folder`` (the first ``limit`` of them, when given: a rate)."""
    from codegraph.api import __version__
    from codegraph.builder import _read_all, collect_documents

    paths, _skipped = collect_documents([folder])
    if int(limit):
        paths = paths[:int(limit)]
    seconds, results = _timed(lambda: list(_read_all(paths, __version__, int(jobs), None)))
    return {"documents": len(results), "seconds": seconds, "documents_per_second": len(results) / seconds}


def build(folder: str, target: str, jobs: str) -> dict:
    from codegraph import OxigraphStore, load_into_store, write_build
    from codegraph import build as build_graph

    start = time.perf_counter()
    result = build_graph([folder], jobs=int(jobs))
    figures: dict = {"documents": len(result.documents)}
    if target.endswith((".nq", ".nt", ".ttl", ".trig")):
        write_build(result, target)
        figures["seconds"] = time.perf_counter() - start
        figures["triples"] = result.quad_count()
    else:
        store = OxigraphStore(target)
        report = load_into_store(result, store)
        store.close()
        figures["seconds"] = time.perf_counter() - start
        figures.update(triples=report.quads, new=len(report.new), replaced=len(report.replaced), unchanged=len(report.unchanged))
    return figures


def icd10cm(target: str) -> dict:
    from codegraph import OxigraphStore
    from codegraph.vocab.icd10cm import RELEASE_GRAPH, icd10cm_ntriples

    generate, text = _timed(icd10cm_ntriples)
    store = OxigraphStore(target)
    load, _ = _timed(store.bulk_load_graph, RELEASE_GRAPH, text)
    return {"triples": len(store.store), "generate_seconds": generate, "load_seconds": load, "seconds": generate + load}


def validate(store_dir: str, engine: str, jobs: str) -> dict:
    import hashlib

    from codegraph import OxigraphStore
    from codegraph.validate.check import validate_store

    store = OxigraphStore(store_dir)
    seconds, report = _timed(lambda: validate_store(store, engine=engine, jobs=int(jobs)))
    findings = sorted((f.severity, f.focus_node, f.path or "", f.shape, f.message) for f in report.findings)
    # A digest (not hash(), which Python salts per process) so two steps' findings can be compared.
    digest = hashlib.sha256(json.dumps(findings).encode("utf-8")).hexdigest()[:16]
    return {"seconds": seconds, "findings": len(findings), "counts": report.counts(), "fingerprint": digest}


def queries(source: str, kind: str, codes: str, repeat: str) -> dict:
    from datetime import date

    from codegraph import MemoryStore, OxigraphStore, check_coverage, coverage_matrix, run_named_query
    from codegraph.query import load_catalog

    load_catalog()  # parsed once per process; not part of a query's time
    load, store = _timed(lambda: OxigraphStore(source) if kind == "oxigraph" else MemoryStore.from_file(source))
    sample = codes.split(",")
    payers = ["Aetna", "Cigna", "UnitedHealthcare", "Blue Cross Blue Shield", "Medicare"]
    day = date(2025, 6, 1)
    plans = {
        "payers-for-code": lambda i: run_named_query(store, "payers-for-code", {"code": sample[i % len(sample)]}),
        "coverage check": lambda i: check_coverage(store, sample[i % len(sample)], payers[i % len(payers)], on=day),
        "coverage matrix (one code)": lambda i: coverage_matrix(store, on=day, code=sample[i % len(sample)]),
    }
    figures = {}
    for name, call in plans.items():
        times = sorted(_timed(call, index)[0] for index in range(int(repeat)))
        figures[name] = {"median_ms": statistics.median(times) * 1000, "p95_ms": times[max(0, int(len(times) * 0.95) - 1)] * 1000,
                         "calls": len(times)}
    # One store-wide query and one pass of the coverage rule (coverage/matrix.py), not a query per cell.
    whole, matrix = _timed(lambda: coverage_matrix(store, on=day))
    figures["coverage matrix (every code)"] = {"median_ms": whole * 1000, "p95_ms": whole * 1000, "calls": 1, "cells": len(matrix.cells)}
    # Asked again: the first call kept the matrix beside the store (coverage/table.py), as a
    # build does for today's date; a store changed since (or compacted) makes it a first call again.
    again, kept = _timed(lambda: coverage_matrix(store, on=day))
    assert kept.cells == matrix.cells
    figures["coverage matrix (every code, kept)"] = {"median_ms": again * 1000, "p95_ms": again * 1000, "calls": 1, "cells": len(kept.cells)}
    return {"load_seconds": load, "queries": figures}


def export(store_dir: str, fmt: str, target: str) -> dict:
    from codegraph import export_graph, open_store, write_atomically

    start = time.perf_counter()
    with open_store(store_dir) as store:
        write_atomically(target, export_graph(store, fmt))
    return {"seconds": time.perf_counter() - start, "bytes": Path(target).stat().st_size}


def engine_dump(store_dir: str, fmt: str, target: str) -> dict:
    """The baseline of an export: pyoxigraph alone writing the same store, no order asked for.
    N-Quads is the store's own dump; Turtle (the union of the graphs, which the store cannot dump
    as such) is a CONSTRUCT over every graph serialised by pyoxigraph, never leaving Rust."""
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store.read_only(store_dir)
    if fmt == "nquads":
        store.dump(target, format=ox.RdfFormat.N_QUADS)
    else:
        store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").serialize(target, format=ox.RdfFormat.TURTLE)
    return {"seconds": time.perf_counter() - start, "bytes": Path(target).stat().st_size}


def import_policies(table: str, target: str) -> dict:
    """``codegraph import payer-policy TABLE`` into a store (a folder) or a file, as the command
    line runs it."""
    import contextlib

    from codegraph.cli import main

    start = time.perf_counter()
    where = ["-o", target] if target.endswith((".nq", ".nt", ".ttl", ".trig")) else ["--store", target]
    try:
        with contextlib.redirect_stdout(sys.stderr):  # this step's stdout is its JSON
            main(["import", "payer-policy", table, *where])
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
    seconds = time.perf_counter() - start
    import csv

    with open(table, encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
    return {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds}


def engine_load(nquads: str, target: str) -> dict:
    """The baseline of a store load: pyoxigraph's bulk loader alone reading an N-Quads file into a
    fresh store (what ``oxigraph load`` does)."""
    import shutil

    import pyoxigraph as ox

    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    store = ox.Store(target)
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()
    return {"seconds": time.perf_counter() - start, "quads": len(store)}


def _server(location: str):
    """An Oxigraph server on a free port over ``location``: (process, query URL)."""
    import socket
    import subprocess
    import urllib.request

    from codegraph.cli.serve_cmd import oxigraph_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [oxigraph_server(), "serve", "--location", location, "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}/query"


def push(store_dir: str, location: str) -> dict:
    """``codegraph push`` of the whole store to a fresh Oxigraph server (its own process, whose
    CPU time is not counted here), then the same store again (nothing changed), a copy with a
    tenth of its document graphs edited, and the store with every graph replaced (``replace_all``)."""
    import shutil

    from codegraph import open_endpoint, open_store
    from codegraph import push as send

    edited_dir = f"{location}-edited-store"
    for folder in (location, edited_dir):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(store_dir, edited_dir)
    edited = _edit_documents(edited_dir, every=10)
    server, url = _server(location)

    def timed_push(source_dir: str, **options):
        with open_store(source_dir, read_only=True) as store:
            start = time.perf_counter()
            report = send(store, open_endpoint(url, timeout=600), **options)
            return report, time.perf_counter() - start

    try:
        report, seconds = timed_push(store_dir)
        again, repush = timed_push(store_dir)  # every graph on the server as it is here: none sent
        changed, changed_seconds = timed_push(edited_dir)
        forced, forced_seconds = timed_push(store_dir, replace_all=True)  # also puts the edited graphs back
    finally:
        server.terminate()
        server.wait(timeout=120)
        shutil.rmtree(edited_dir, ignore_errors=True)
    return {"seconds": seconds, "graphs": len(report.graphs), "triples": report.triples,
            "repush_seconds": repush, "repush_triples": again.triples, "repush_unchanged": len(again.unchanged),
            "edited_graphs": edited, "changed_seconds": changed_seconds, "changed_triples": changed.triples,
            "changed_replaced": len(changed.replaced), "changed_unchanged": len(changed.unchanged),
            "forced_seconds": forced_seconds, "forced_triples": forced.triples, "forced_replaced": len(forced.replaced)}


def _edit_documents(store_dir: str, every: int) -> int:
    """Add a triple to every ``every``-th document graph of the store; how many were edited."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    from codegraph import open_store

    with open_store(store_dir) as store:
        documents = [name for name in store.graph_names() if "/graph/document/" in str(name)][::every]
        for name in documents:
            store.add_triples(name, [(URIRef(f"{name}#benchmark-edit"), RDFS.comment, Literal("edited"))])
    return len(documents)


def oxigraph_load(nquads: str, location: str) -> dict:
    """The baseline of a push: ``oxigraph load`` of the same quads into a fresh server location."""
    import shutil
    import subprocess

    from codegraph.cli.serve_cmd import oxigraph_server

    shutil.rmtree(location, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([oxigraph_server(), "load", "--location", location, "--file", nquads], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {"seconds": time.perf_counter() - start}


def site(store_dir: str, target: str) -> dict:
    """``codegraph site`` of the store (validation, pages, diagrams), then again: the second
    reads the validation report the first kept beside the store (``validate`` then ``site``)."""
    import shutil

    from codegraph import build_site, open_store
    from codegraph.validate.kept import REPORT_FILE

    shutil.rmtree(target, ignore_errors=True)
    (Path(store_dir) / REPORT_FILE).unlink(missing_ok=True)  # the first site validates
    with open_store(store_dir) as store:
        start = time.perf_counter()
        summary = build_site(store, target)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        build_site(store, target)
        kept_seconds = time.perf_counter() - start
    return {"seconds": seconds, "kept_report_seconds": kept_seconds, "pages": summary.pages, "codes": len(summary.codes)}


STEPS = {"extract": extract, "build": build, "icd10cm": icd10cm, "validate": validate, "queries": queries, "export": export,
         "engine_dump": engine_dump, "import_policies": import_policies, "engine_load": engine_load, "push": push,
         "oxigraph_load": oxigraph_load, "site": site}

if __name__ == "__main__":
    print(json.dumps(STEPS[sys.argv[1]](*sys.argv[2:])))
