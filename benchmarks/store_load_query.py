"""Load and query a ~1M-triple graph in rdflib's in-memory Dataset and in the embedded Oxigraph
store (and, with --server, push it to an Oxigraph server and query that): one run, one table.

    python -m benchmarks.store_load_query [--triples 1000000] [--runs 20] [--server]

The graph is the seed page's graphs replicated under other Category III codes (0001T, 0002T, ...)
and other document keys, plus the reference graphs once: the shape of a real build of many
pages. Load is parsing N-Quads text into the store (rdflib ``Dataset.parse``; Oxigraph's bulk
loader, as ``codegraph build --store`` does). Query is ``payers-for-code`` for one code in the
middle, the median of --runs runs after one warm-up. Not a test: it takes minutes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pyoxigraph
from rdflib import Dataset

from codegraph import MemoryStore, OxigraphStore, build, run_named_query
from codegraph.api import reference_graphs
from codegraph.rdf.namespaces import bind_prefixes
from codegraph.rdf.terms import nt_term

SEED = Path(__file__).resolve().parent.parent / "data" / "documents" / "cpt-1001T-overview.txt"


def synthetic_nquads(target_triples: int) -> tuple[str, int, int]:
    """(N-Quads text, number of pages, number of quads) of about ``target_triples`` quads."""
    result = build([SEED], include_reference=False)
    page = next(iter(result.nquads.values()))
    key = next(iter(result.nquads))[:16]
    per_page = page.count("\n")
    reference = "".join(
        f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {name.n3()} .\n" for name, graph in reference_graphs().items() for s, p, o in graph
    )
    pages = max(1, (target_triples - reference.count("\n")) // per_page)
    if pages > 9999:
        raise SystemExit(f"{pages} pages need more Category III codes than 0001T-9999T; ask for fewer triples")
    parts = [reference]
    for index in range(1, pages + 1):
        new_key = hashlib.sha256(f"synthetic-{index}".encode()).hexdigest()[:16]
        parts.append(page.replace(key, new_key).replace("1001T", f"{index:04d}T"))
    text = "".join(parts)
    return text, pages, len(set(text.splitlines()))  # pages share their payer and activity triples


def median_ms(store, code: str, runs: int) -> tuple[float, int]:
    rows = len(run_named_query(store, "payers-for-code", {"code": code}).rows)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run_named_query(store, "payers-for-code", {"code": code})
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, rows


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--server", action="store_true", help="also push to an Oxigraph server on 127.0.0.1 and query it")
    args = parser.parse_args()

    started = time.perf_counter()
    nquads, pages, quads = synthetic_nquads(args.triples)
    code = f"{pages // 2:04d}T"
    print(f"synthetic graph: {quads:,} quads ({pages:,} pages of the seed + reference graphs), "
          f"{len(nquads.encode()) / 1e6:.0f} MB of N-Quads, made in {time.perf_counter() - started:.1f} s")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    figures: dict[str, dict[str, float]] = {}
    work = Path(tempfile.mkdtemp(prefix="codegraph-bench-"))
    try:
        store = OxigraphStore(work / "store")
        started = time.perf_counter()
        store.store.bulk_load(nquads.encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
        load = time.perf_counter() - started
        assert store.triple_count() == quads, (store.triple_count(), quads)
        query_ms, rows = median_ms(store, code, args.runs)
        figures["Oxigraph (embedded)"] = {"load": load, "query": query_ms, "rows": rows}
        print(f"Oxigraph (embedded): load {load:.2f} s, payers-for-code {query_ms:.2f} ms", flush=True)

        if args.server:
            figures.update(server_figures(store, work, code, args.runs))
        store.close()
        del store

        before = rss_mb()
        started = time.perf_counter()
        dataset = bind_prefixes(Dataset(default_union=True))
        dataset.parse(data=nquads, format="nquads")
        load = time.perf_counter() - started
        print(f"rdflib Dataset: load {load:.2f} s", flush=True)
        memory = MemoryStore(dataset)
        query_ms, rows = median_ms(memory, code, args.runs)
        figures["rdflib Dataset"] = {"load": load, "query": query_ms, "rows": rows, "rss": rss_mb() - before}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rdflib_figures = figures["rdflib Dataset"]
    print(f"\npayers-for-code --param code={code}: median of {args.runs} runs\n")
    print(f"{'store':<24} {'load (s)':>10} {'x faster':>9} {'query (ms)':>11} {'x faster':>9} {'rows':>5}")
    for name, values in figures.items():
        print(f"{name:<24} {values['load']:>10.2f} {rdflib_figures['load'] / values['load']:>9.1f} "
              f"{values['query']:>11.2f} {rdflib_figures['query'] / values['query']:>9.1f} {values['rows']:>5}")
    print(f"\nrdflib's Dataset grew the process by {rdflib_figures['rss']:,.0f} MB for the graph")



def server_figures(store: OxigraphStore, work: Path, code: str, runs: int) -> dict[str, dict[str, float]]:
    """Push every graph of ``store`` to a fresh Oxigraph server (codegraph push: staging graph,
    count, MOVE, per graph), then query it over HTTP; each query reads codegraph's graphs pattern
    by pattern (store/scope.py), so the server's default graph does not matter."""
    import socket
    import urllib.request

    from codegraph.cli.serve_cmd import oxigraph_server
    from codegraph.store.push import push
    from codegraph.store.remote import RemoteStore

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [oxigraph_server(), "serve", "--location", str(work / "server"), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/query"
        started = time.perf_counter()
        report = push(store, RemoteStore.at(url, timeout=600))
        load = time.perf_counter() - started
        print(f"pushed {len(report.graphs):,} graphs, {report.triples:,} triples to the server in {load:.1f} s")
        query_ms, rows = median_ms(RemoteStore.at(url, timeout=600), code, runs)
        return {"Oxigraph server (push)": {"load": load, "query": query_ms, "rows": rows}}
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
