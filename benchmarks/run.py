"""codegraph's benchmark: one run, one machine, a table of figures (not part of the test suite).

    python -m benchmarks [--sizes 1000,10000] [--policy-rows 10000,100000] [--work DIR]
                         [--pyshacl-size 1000] [--rdflib-size 1000] [--push-size 1000] [--site-size 1000]

Each step runs in its own process, so its wall time, CPU time and peak memory (RSS) are its own.
Every figure is printed beside its baseline, measured in the same run just before or after it
(the engine underneath doing the same work alone: pyoxigraph's dump and bulk loader, ``oxigraph
load``, pySHACL, rdflib), with the ratio and the issue's target. The machine is shared, so wall
times grow with its load; the load average is printed with each line and CPU seconds are kept
in the JSON (benchmarks/results/<date>.json). ``--sizes 100000`` runs the large corpus (about
1.5 GB of work files; not in CI).
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import itertools
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .child import run_child
from .generate_corpus import generate
from .generate_policies import generate as generate_policies

RESULTS = Path(__file__).resolve().parent / "results"

# The targets (issue 19), by step: a figure, or a ratio to the step's baseline.
TARGETS = {
    "build_store": {10_000: (60, 4096), 100_000: (360, 4096)},  # seconds, MB
    "build_file_mb": {10_000: 1024},
    "validate_fast": {10_000: 30, 100_000: 360},
    "validate_ratio": 20,  # pySHACL / fast engine, one core
    "export_ratio": 3,  # export / pyoxigraph alone
    "push_ratio": 3,  # push / oxigraph load
    "import": {100_000: (20, 1024)},
    "site": {10_000: 60},
    "matrix_ms": {10_000: 1000},
    "extract_per_core": 1000,
    "payers_ms": {100_000: 5},
}


SAMPLE_CODES = 25


def code_of_page(path: Path) -> str:
    """The code a generated page is about (``generate_corpus`` names it NUMBER-CODE.ext)."""
    return path.stem.split("-", 1)[1]


def sample_codes(corpus: Path, count: int = SAMPLE_CODES) -> list[str]:
    """The codes the queries are timed on: those of the corpus's first ``count`` pages."""
    return [code_of_page(path) for path in sorted(corpus.iterdir())[:count]]


def step(*args: str) -> dict:
    """One step of ``benchmarks/steps.py`` in its own process, with its peak memory, CPU time and
    the machine's load average when it started."""
    load = os.getloadavg()[0]
    figures = run_child("benchmarks.steps", *args)
    figures["load_average"] = load
    print(f"{time.strftime('%H:%M:%S')} {' '.join(args)}: {figures.get('seconds', 0):.1f} s, {figures['peak_mb']:.0f} MB, "
          f"load {load:.1f}", file=sys.stderr, flush=True)  # the table comes at the end; this shows the run going on
    return figures


def save(results: dict, out: Path) -> None:
    out.parent.mkdir(exist_ok=True)
    partial = out.with_suffix(".json.part")
    partial.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, out)


def exponent(small: float, large: float, ratio: float) -> float:
    return math.log(large / small) / math.log(ratio) if small > 0 and large > 0 else float("nan")


class Table:
    """The printed table: a step, its figure, its baseline and ratio, the target and whether it is met."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, name: str, figure: str, baseline: str = "", target: str = "") -> None:
        self.rows.append((name, figure, baseline, target))

    def print(self) -> None:
        widths = [max(len(row[i]) for row in self.rows) for i in range(3)]
        for name, figure, baseline, target in self.rows:
            print(f"{name:<{widths[0]}}  {figure:<{widths[1]}}  {baseline:<{widths[2]}}  {target}")


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _seconds(figures: dict) -> str:
    return f"{figures['seconds']:.1f} s (CPU {figures['cpu_seconds']:.1f} s, load {figures['load_average']:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description="codegraph benchmark")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--policy-rows", default="10000,100000", help="policy table sizes imported (empty: none)")
    parser.add_argument("--pyshacl-size", type=int, default=1000, help="largest corpus pySHACL is run on")
    parser.add_argument("--rdflib-size", type=int, default=1000,
                        help="largest corpus queried through rdflib's in-memory graph (one call there takes about a minute at 1k pages)")
    parser.add_argument("--push-size", type=int, default=1000, help="largest corpus pushed to an Oxigraph server")
    parser.add_argument("--site-size", type=int, default=1000, help="largest corpus a site is built for")
    parser.add_argument("--export-size", type=int, default=10000,
                        help="largest corpus rebuilt, built to a file and exported (above it the engine's dump stands in for the file)")
    parser.add_argument("--extract-pages", type=int, default=10000, help="pages the extraction rate is measured on, at most")
    parser.add_argument("--engine-size", type=int, default=10**9,
                        help="largest corpus the engine's bulk loader is timed on, as the build's baseline (it costs as much as the build)")
    parser.add_argument("--merge", action="store_true",
                        help="add this run's sizes to the day's results file (a run in parts, e.g. the 100k size after the others)")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--rdflib-repeat", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    policy_rows = [int(s) for s in args.policy_rows.split(",") if s]
    work = args.work or Path(tempfile.mkdtemp(prefix="codegraph-bench-"))
    cores = os.cpu_count() or 1
    results: dict = {
        "date": dt.date.today().isoformat(),
        "machine": {"cores": cores, "python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "sizes": {},
        "imports": {},
    }
    table = Table()

    out = RESULTS / f"{results['date']}.json"
    if args.merge and out.exists():
        earlier = json.loads(out.read_text(encoding="utf-8"))
        if earlier["machine"] != results["machine"]:
            raise SystemExit(f"{out} was measured on another machine ({earlier['machine']}); run without --merge")
        results["sizes"] = earlier["sizes"]
        results["imports"] = earlier.get("imports", {})
        for size in sorted(results["sizes"], key=int):
            report_size(int(size), results["sizes"][size], cores, table)
    for size in sizes:
        figures = run_size(size, work, args, cores, table)
        results["sizes"][str(size)] = figures
        save(results, out)  # a long run that fails later keeps the sizes done

    for rows in policy_rows:
        results["imports"][str(rows)] = run_import(rows, work, table)

    icd = step("icd10cm", str(work / "store-icd10cm"))
    results["icd10cm"] = icd
    table.add("ICD-10-CM scheme", f"{icd['triples']:,} triples: {icd['generate_seconds']:.1f} s to generate, "
              f"{icd['load_seconds']:.1f} s to bulk-load (load {icd['load_average']:.1f})")

    for low, high in itertools.pairwise(sorted(int(size) for size in results["sizes"])):
        small, large = results["sizes"][str(low)], results["sizes"][str(high)]
        ratio = high / low
        growth = {name: exponent(small[name]["seconds"], large[name]["seconds"], ratio)
                  for name in ("build_store", "build_file", "validate_fast", "export_turtle", "export_nquads") if name in small and name in large}
        growth["payers-for-code"] = exponent(small["queries_oxigraph"]["queries"]["payers-for-code"]["median_ms"],
                                             large["queries_oxigraph"]["queries"]["payers-for-code"]["median_ms"], ratio)
        results.setdefault("growth_exponent", {})[f"{low}-{high}"] = growth
        for name, value in growth.items():
            table.add(f"growth {low:,} -> {high:,}: {name}", f"exponent {value:.2f}", "",
                      "validation: <= 1.1" if name == "validate_fast" else "")
    if len(policy_rows) >= 2:
        small_import, large_import = results["imports"][str(policy_rows[0])], results["imports"][str(policy_rows[-1])]
        value = exponent(small_import["store"]["seconds"], large_import["store"]["seconds"], policy_rows[-1] / policy_rows[0])
        results.setdefault("growth_exponent", {})["import"] = value
        table.add(f"growth {policy_rows[0]:,} -> {policy_rows[-1]:,} rows: import into a store", f"exponent {value:.2f}", "", "linear")

    save(results, out)
    print(f"codegraph benchmark, {results['date']}, {results['machine']['processor']}, {cores} cores, "
          f"Python {results['machine']['python']}, {results['machine']['platform']}")
    table.print()
    print(f"figures: {out}")
    print(f"work files (corpora, stores, exports; delete when done): {work}")


def run_size(size: int, work: Path, args: argparse.Namespace, cores: int, table: Table) -> dict:
    corpus = work / f"corpus-{size}"
    if not corpus.exists():
        generate(size, corpus)
    store = work / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    nq = work / f"graph-{size}.nq"
    f: dict = {}
    limit = str(args.extract_pages if size > args.extract_pages else 0)
    f["extract_1"] = step("extract", str(corpus), "1", limit)
    f["extract_all"] = step("extract", str(corpus), str(cores), limit)
    f["build_store"] = step("build", str(corpus), str(store), str(cores))
    whole = size <= args.export_size
    if whole:
        f["rebuild_store"] = step("build", str(corpus), str(store), str(cores))
        f["build_file"] = step("build", str(corpus), str(nq), str(cores))
    elif size <= args.engine_size:  # the engine's own dump gives the N-Quads its bulk loader is timed on
        f["engine_nquads"] = step("engine_dump", str(store), "nquads", str(nq))
    if size <= args.engine_size:
        f["engine_load"] = step("engine_load", str(nq), str(work / f"engine-store-{size}"))
    shutil.rmtree(work / f"engine-store-{size}", ignore_errors=True)
    f["validate_fast"] = step("validate", str(store), "fast", str(cores))
    if size <= args.pyshacl_size:
        f["validate_fast_1"] = step("validate", str(store), "fast", "1")
        f["validate_pyshacl"] = step("validate", str(store), "pyshacl", "1")
    codes = ",".join(sample_codes(corpus))
    f["queries_oxigraph"] = step("queries", str(store), "oxigraph", codes, str(args.repeat))
    if size <= args.rdflib_size:
        f["queries_rdflib"] = step("queries", str(nq), "rdflib", codes, str(args.rdflib_repeat))
    if whole:
        for fmt, suffix in (("nquads", "nq"), ("turtle", "ttl")):
            f[f"engine_{fmt}"] = step("engine_dump", str(store), fmt, str(work / f"engine-{size}.{suffix}"))
            f[f"export_{fmt}"] = step("export", str(store), fmt, str(work / f"export-{size}.{suffix}"))
        # Compared a block at a time: read whole here, two 1 GB files made this process 2 GB, and a
        # child started from it afterwards reports that as its own peak (Linux keeps the
        # high-water mark of the memory a process had before exec).
        f["export_equals_build_file"] = filecmp.cmp(work / f"export-{size}.nq", nq, shallow=False)
    if size <= args.push_size:
        f["oxigraph_load"] = step("oxigraph_load", str(nq), str(work / f"server-load-{size}"))
        f["push"] = step("push", str(store), str(work / f"server-push-{size}"))
        shutil.rmtree(work / f"server-load-{size}", ignore_errors=True)
        shutil.rmtree(work / f"server-push-{size}", ignore_errors=True)
    if size <= args.site_size:
        f["site"] = step("site", str(store), str(work / f"site-{size}"))
    for name in (f"engine-{size}.nq", f"engine-{size}.ttl", f"export-{size}.ttl", f"export-{size}.nq", f"graph-{size}.nq"):
        (work / name).unlink(missing_ok=True)
    report_size(size, f, cores, table)
    return f


def report_size(size: int, f: dict, cores: int, table: Table) -> None:
    n = f"[{size:,}]"
    one, both = f["extract_1"], f["extract_all"]
    per_core = TARGETS["extract_per_core"]
    sample = f" (first {one['documents']:,} pages)" if one["documents"] < size else ""
    table.add(f"{n} extract, 1 core{sample}", f"{one['documents_per_second']:.0f} docs/s", "",
              f">= {per_core} docs/s per core: {_met(one['documents_per_second'] >= per_core)}")
    table.add(f"{n} extract, {cores} cores", f"{both['documents_per_second']:.0f} docs/s")

    b, engine = f["build_store"], f.get("engine_load")
    target = TARGETS["build_store"].get(size)
    table.add(f"{n} build -> embedded store", f"{_seconds(b)}, {b['peak_mb']:.0f} MB, {b['triples']:,} quads",
              f"{b['seconds'] / engine['seconds']:.1f}x the bulk loader alone on its N-Quads ({engine['seconds']:.1f} s, {engine['peak_mb']:.0f} MB)"
              if engine else "bulk loader not timed at this size",
              f"<= {target[0]} s, <= {target[1] / 1024:.0f} GB: {_met(b['seconds'] <= target[0] and b['peak_mb'] <= target[1])}" if target else "")
    if "rebuild_store" in f:
        r = f["rebuild_store"]
        table.add(f"{n} rebuild, nothing changed", f"{_seconds(r)}, {r['peak_mb']:.0f} MB ({r['unchanged']:,} unchanged, {r['new']} new)",
                  f"{r['seconds'] / b['seconds']:.2f}x the first build")
        fb = f["build_file"]
        limit = TARGETS["build_file_mb"].get(size)
        table.add(f"{n} build -> N-Quads file", f"{_seconds(fb)}, {fb['peak_mb']:.0f} MB",
                  f"{fb['peak_mb'] / b['peak_mb']:.2f}x the store build's peak; an export of the store is the same bytes: {f['export_equals_build_file']}",
                  f"<= {limit} MB: {_met(fb['peak_mb'] <= limit)}" if limit else "")

    v = f["validate_fast"]
    target_v = TARGETS["validate_fast"].get(size)
    table.add(f"{n} validate, fast engine, {cores} cores", f"{_seconds(v)}, {v['peak_mb']:.0f} MB, {v['findings']:,} findings", "",
              f"<= {target_v} s: {_met(v['seconds'] <= target_v)}" if target_v else "")
    if "validate_pyshacl" in f:
        one_core, p = f["validate_fast_1"], f["validate_pyshacl"]
        same = p["fingerprint"] == one_core["fingerprint"] == v["fingerprint"]
        ratio = p["seconds"] / one_core["seconds"]
        table.add(f"{n} validate, fast engine, 1 core", f"{_seconds(one_core)}, {one_core['peak_mb']:.0f} MB",
                  f"pySHACL, 1 core: {p['seconds']:.1f} s, {p['peak_mb']:.0f} MB: {ratio:.1f}x faster; same findings: {same}",
                  f">= {TARGETS['validate_ratio']}x: {_met(ratio >= TARGETS['validate_ratio'] and same)}")

    for name, q in f["queries_oxigraph"]["queries"].items():
        r_q = f.get("queries_rdflib", {}).get("queries", {}).get(name)
        baseline = f"rdflib {r_q['median_ms']:,.0f} ms ({r_q['median_ms'] / q['median_ms']:,.0f}x)" if r_q else ""
        target_text = ""
        if name == "payers-for-code" and size in TARGETS["payers_ms"]:
            target_text = f"<= {TARGETS['payers_ms'][size]} ms: {_met(q['median_ms'] <= TARGETS['payers_ms'][size])}"
        if name.startswith("coverage matrix (every code"):
            one_code = f["queries_oxigraph"]["queries"]["coverage matrix (one code)"]["median_ms"]
            baseline = (baseline + "; " if baseline else "") + f"{q['median_ms'] / one_code:,.0f}x one code"
            if size in TARGETS["matrix_ms"]:
                target_text = f"<= {TARGETS['matrix_ms'][size]} ms: {_met(q['median_ms'] <= TARGETS['matrix_ms'][size])}"
        figure = (f"{q['median_ms']:,.0f} ms" if q["calls"] == 1 else f"median {q['median_ms']:.2f} ms, p95 {q['p95_ms']:.2f} ms")
        table.add(f"{n} {name}", figure, baseline, target_text)

    for fmt, label in (("turtle", "Turtle"), ("nquads", "N-Quads")):
        if f"export_{fmt}" not in f:
            continue
        e, x = f[f"engine_{fmt}"], f[f"export_{fmt}"]
        ratio = x["seconds"] / e["seconds"]
        alone = "its dump" if fmt == "nquads" else "CONSTRUCT of every graph as Turtle"
        table.add(f"{n} export {label}", f"{_seconds(x)}, {x['peak_mb']:.0f} MB",
                  f"{ratio:.1f}x pyoxigraph alone ({alone}: {e['seconds']:.1f} s, CPU {e['cpu_seconds']:.1f} s)",
                  f"<= {TARGETS['export_ratio']}x: {_met(ratio <= TARGETS['export_ratio'])}")
    if "push" in f:
        p_f, load = f["push"], f["oxigraph_load"]
        ratio = p_f["seconds"] / load["seconds"]
        table.add(f"{n} push to an Oxigraph server", f"{p_f['seconds']:.1f} s, {p_f['triples']:,} triples in {p_f['graphs']:,} graphs",
                  f"{ratio:.1f}x `oxigraph load` of the same quads ({load['seconds']:.1f} s)",
                  f"<= {TARGETS['push_ratio']}x: {_met(ratio <= TARGETS['push_ratio'])}")
        again = p_f["repush_seconds"] / load["seconds"]
        table.add(f"{n} push again, nothing changed", f"{p_f['repush_seconds']:.1f} s, {p_f['repush_triples']:,} triples "
                  f"({p_f['repush_unchanged']:,} graphs unchanged)",
                  f"{again:.1f}x `oxigraph load`", f"<= {TARGETS['push_ratio']}x: {_met(again <= TARGETS['push_ratio'])}")
        changed = p_f["changed_seconds"] / load["seconds"]
        table.add(f"{n} push again, {p_f['edited_graphs']:,} document graphs edited",
                  f"{p_f['changed_seconds']:.1f} s, {p_f['changed_triples']:,} triples in {p_f['changed_replaced']:,} graphs",
                  f"{changed:.1f}x `oxigraph load`", f"<= {TARGETS['push_ratio']}x: {_met(changed <= TARGETS['push_ratio'])}")
        forced = p_f["forced_seconds"] / load["seconds"]
        table.add(f"{n} push again (every graph replaced)", f"{p_f['forced_seconds']:.1f} s, {p_f['forced_triples']:,} triples",
                  f"{forced:.1f}x `oxigraph load`", f"<= {TARGETS['push_ratio']}x: {_met(forced <= TARGETS['push_ratio'])}")
    if "site" in f:
        s_f = f["site"]
        per_10k = s_f["seconds"] / size * 10_000
        table.add(f"{n} site", f"{_seconds(s_f)}, {s_f['pages']:,} pages", f"{per_10k:.0f} s per 10,000 pages at this rate",
                  f"10,000 pages <= {TARGETS['site'][10_000]} s: {_met(per_10k <= TARGETS['site'][10_000])}")
        if "kept_report_seconds" in s_f:
            kept_10k = s_f["kept_report_seconds"] / size * 10_000
            table.add(f"{n} site again (validation report kept)", f"{s_f['kept_report_seconds']:.1f} s",
                      f"{kept_10k:.0f} s per 10,000 pages at this rate",
                      f"10,000 pages <= {TARGETS['site'][10_000]} s: {_met(kept_10k <= TARGETS['site'][10_000])}")


def edit_table(path: Path, edited: Path, kind: str) -> None:
    """``path`` as an analyst edits it: 1 % more rows appended (copies of its first rows), or one
    row's status changed (covered <-> not covered) near its middle. Each edit starts from the
    one before (``edited`` goes when ``path`` is new)."""
    edited.parent.mkdir(parents=True, exist_ok=True)
    lines = (edited if edited.exists() else path).read_text(encoding="utf-8").splitlines(keepends=True)
    if kind == "appended":
        lines += lines[1 : 1 + max(1, (len(lines) - 1) // 100)]
    else:
        middle = next(n for n in range(len(lines) // 2, len(lines)) if ",covered," in lines[n] or ",not-covered," in lines[n])
        swap = (",covered,", ",not-covered,") if ",covered," in lines[middle] else (",not-covered,", ",covered,")
        lines[middle] = lines[middle].replace(*swap, 1)
    edited.write_text("".join(lines), encoding="utf-8")


def run_import(rows: int, work: Path, table: Table) -> dict:
    path = work / f"policies-{rows}.csv"
    if not path.exists():
        generate_policies(rows, path)
    shutil.rmtree(work / f"policies-{rows}-edited", ignore_errors=True)
    f: dict = {}
    target = TARGETS["import"].get(rows)
    n = f"[{rows:,} rows]"
    f["file"] = step("import_policies", str(path), str(work / f"policies-{rows}.nq"))
    store = work / f"policies-store-{rows}"
    shutil.rmtree(store, ignore_errors=True)
    f["store"] = step("import_policies", str(path), str(store))
    f["engine_load"] = step("engine_load", str(work / f"policies-{rows}.nq"), str(work / f"policies-engine-{rows}"))
    shutil.rmtree(work / f"policies-engine-{rows}", ignore_errors=True)
    for where, label in (("file", "-> N-Quads file"), ("store", "-> embedded store")):
        i = f[where]
        table.add(f"{n} import payer-policy {label}", f"{_seconds(i)}, {i['peak_mb']:.0f} MB",
                  f"{i['seconds'] / f['engine_load']['seconds']:.1f}x the bulk loader alone on its N-Quads "
                  f"({f['engine_load']['seconds']:.1f} s, {f['engine_load']['peak_mb']:.0f} MB, {f['engine_load']['quads']:,} quads)",
                  f"<= {target[0]} s, <= {target[1] / 1024:.0f} GB: {_met(i['seconds'] <= target[0] and i['peak_mb'] <= target[1])}" if target else "")
    # The same table edited, imported again into that store (its source key is its file name).
    edited = work / f"policies-{rows}-edited" / path.name
    for kind, label in (("appended", "1 % more rows appended"), ("cell", "one cell edited mid-table")):
        edit_table(path, edited, kind)
        f[f"store_{kind}"] = step("import_policies", str(edited), str(store))
        i = f[f"store_{kind}"]
        table.add(f"{n} import again, {label}", f"{_seconds(i)}, {i['peak_mb']:.0f} MB",
                  f"{i['seconds'] / f['store']['seconds']:.2f}x the first import", "")
    return f


if __name__ == "__main__":
    main()
