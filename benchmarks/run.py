"""codegraph's benchmark: one run, one machine, a table of figures (not part of the test suite).

    python -m benchmarks [--sizes 1000,10000] [--pyshacl-size 1000] [--rdflib-size 1000] [--work DIR]

Each step runs in its own process (its wall time and peak RSS are its own); figures are printed
as a table and written to benchmarks/results/<date>.json so runs can be compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import tempfile
from pathlib import Path

from .child import run_child
from .generate_corpus import generate

RESULTS = Path(__file__).resolve().parent / "results"


def step(*args: str) -> dict:
    """One step of ``benchmarks/steps.py`` in its own process, with its peak memory."""
    return run_child("benchmarks.steps", *args)


def exponent(small: float, large: float, ratio: float) -> float:
    return math.log(large / small) / math.log(ratio) if small > 0 and large > 0 else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description="codegraph benchmark")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--pyshacl-size", type=int, default=1000, help="largest corpus pySHACL is run on")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--rdflib-size", type=int, default=1000,
                        help="largest corpus queried through rdflib's in-memory graph (one call there takes about a minute at 1k pages)")
    parser.add_argument("--rdflib-repeat", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="codegraph-bench-"))
    cores = os.cpu_count() or 1
    results: dict = {
        "date": dt.date.today().isoformat(),
        "machine": {"cores": cores, "python": platform.python_version(), "platform": platform.platform()},
        "sizes": {},
    }
    rows: list[tuple[str, str]] = []

    for size in sizes:
        corpus = work / f"corpus-{size}"
        if not corpus.exists():
            generate(size, corpus)
        store = work / f"store-{size}"
        shutil.rmtree(store, ignore_errors=True)
        figures: dict = {}
        figures["extract_1"] = step("extract", str(corpus), "1")
        figures["extract_all"] = step("extract", str(corpus), str(cores))
        figures["build_store"] = step("build", str(corpus), str(store), str(cores))
        figures["build_file"] = step("build", str(corpus), str(work / f"graph-{size}.nq"), str(cores))
        figures["validate_fast"] = step("validate", str(store), "fast", str(cores))
        if size <= args.pyshacl_size:
            figures["validate_fast_1"] = step("validate", str(store), "fast", "1")
            figures["validate_pyshacl"] = step("validate", str(store), "pyshacl", "1")
        codes = ",".join(p.stem.split("-", 1)[1] for p in sorted(corpus.iterdir())[:25])
        figures["queries_oxigraph"] = step("queries", str(store), "oxigraph", codes, str(args.repeat))
        if size <= args.rdflib_size:
            figures["queries_rdflib"] = step("queries", str(work / f"graph-{size}.nq"), "rdflib", codes, str(args.rdflib_repeat))
        figures["export_turtle"] = step("export", str(store), "turtle", str(work / f"export-{size}.ttl"))
        figures["export_nquads"] = step("export", str(store), "nquads", str(work / f"export-{size}.nq"))
        results["sizes"][str(size)] = figures

        f = figures
        rows += [
            (f"[{size}] extract, 1 core", f"{f['extract_1']['documents_per_second']:.0f} docs/s"),
            (f"[{size}] extract, {cores} cores", f"{f['extract_all']['documents_per_second']:.0f} docs/s"),
            (f"[{size}] build -> embedded store",
                f"{f['build_store']['seconds']:.1f} s, {f['build_store']['peak_mb']:.0f} MB, {f['build_store']['triples']:,} quads"),
            (f"[{size}] build -> N-Quads file", f"{f['build_file']['seconds']:.1f} s, {f['build_file']['peak_mb']:.0f} MB"),
        ]
        rows.append((f"[{size}] validate, fast engine, {cores} cores",
            f"{f['validate_fast']['seconds']:.1f} s, {f['validate_fast']['peak_mb']:.0f} MB, {f['validate_fast']['findings']:,} findings"))
        if "validate_pyshacl" in f:
            one, p = f["validate_fast_1"], f["validate_pyshacl"]
            rows.append((f"[{size}] validate, fast engine, 1 core", f"{one['seconds']:.1f} s, {one['peak_mb']:.0f} MB"))
            rows.append((f"[{size}] validate, pySHACL, 1 core", f"{p['seconds']:.1f} s, {p['peak_mb']:.0f} MB, {p['findings']:,} findings"))
            same = p["fingerprint"] == one["fingerprint"] == f["validate_fast"]["fingerprint"]
            rows.append((f"[{size}] pySHACL / fast",
                f"{p['seconds'] / one['seconds']:.1f}x on one core, {p['seconds'] / f['validate_fast']['seconds']:.1f}x on {cores}; same findings: {same}"))
        for name, q in f["queries_oxigraph"]["queries"].items():
            r = f.get("queries_rdflib", {}).get("queries", {}).get(name)
            ratio = f"; rdflib {r['median_ms']:,.0f} ms ({r['median_ms'] / q['median_ms']:,.0f}x)" if r else ""
            rows.append((f"[{size}] {name}", f"median {q['median_ms']:.2f} ms, p95 {q['p95_ms']:.2f} ms (Oxigraph){ratio}"))
        rows += [
            (f"[{size}] export Turtle", f"{f['export_turtle']['seconds']:.1f} s"),
            (f"[{size}] export N-Quads", f"{f['export_nquads']['seconds']:.1f} s"),
        ]

    icd = step("icd10cm", str(work / "store-icd10cm"))
    results["icd10cm"] = icd
    rows.append(("ICD-10-CM load",
        f"{icd['seconds']:.1f} s ({icd['generate_seconds']:.1f} s generate, {icd['load_seconds']:.1f} s bulk load), {icd['triples']:,} triples"))

    if len(sizes) >= 2:
        small, large = results["sizes"][str(sizes[0])], results["sizes"][str(sizes[-1])]
        ratio = sizes[-1] / sizes[0]
        growth = {name: exponent(small[name]["seconds"], large[name]["seconds"], ratio)
                  for name in ("build_store", "build_file", "validate_fast", "export_turtle", "export_nquads")}
        growth["payers-for-code"] = exponent(small["queries_oxigraph"]["queries"]["payers-for-code"]["median_ms"],
                                             large["queries_oxigraph"]["queries"]["payers-for-code"]["median_ms"], ratio)
        results["growth_exponent"] = growth
        rows += [(f"growth {sizes[0]} -> {sizes[-1]}: {name}", f"exponent {value:.2f}") for name, value in growth.items()]

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{results['date']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    width = max(len(name) for name, _ in rows)
    print(f"codegraph benchmark, {results['date']}, {cores} cores, Python {results['machine']['python']}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"figures: {out}")
    print(f"work files (corpora, stores, exports; delete when done): {work}")


if __name__ == "__main__":
    main()
