"""``payers-for-code`` per sample code of a benchmark store: how many pages the code has, how many
rows the query returns, and the median of 20 calls after a first one (not a test: it reads a
store ``python -m benchmarks`` built).

    python -m benchmarks.payers_per_code /tmp/bench/store-100000 /tmp/bench/corpus-100000

The benchmark's median mixes codes of one page with codes of many: at 100,000 pages the
generator has only 1,050 Category III codes for the 40 % of pages of that kind, so each has about
40 pages, and the query returns a row per page and payer. This splits the two.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from codegraph import OxigraphStore, run_named_query
from codegraph.query import load_catalog

from .run import SAMPLE_CODES, code_of_page, sample_codes

CALLS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("corpus", type=Path, help="the corpus the store was built from (its file names give the codes)")
    parser.add_argument("--codes", type=int, default=SAMPLE_CODES, help="sample codes: the first N files' codes, as the benchmark takes them")
    args = parser.parse_args()
    load_catalog()
    files = sorted(args.corpus.iterdir())
    pages = Counter(code_of_page(path) for path in files)
    store = OxigraphStore(args.store)
    measured = []
    for code in sample_codes(args.corpus, args.codes):
        run_named_query(store, "payers-for-code", {"code": code})  # the first call apart
        times = []
        for _ in range(CALLS):
            start = time.perf_counter()
            answer = run_named_query(store, "payers-for-code", {"code": code})
            times.append((time.perf_counter() - start) * 1000)
        measured.append((code, pages[code], len(answer.rows), statistics.median(times)))
    for code, count, rows, median in sorted(measured, key=lambda row: (row[1], row[0])):
        print(f"{code:6s} {count:4d} page(s) {rows:5d} rows  median {median:7.2f} ms")
    for label, group in (("one page", [m for m in measured if m[1] == 1]), ("more than one page", [m for m in measured if m[1] > 1])):
        if group:
            print(f"codes with {label}: {len(group)}, median {statistics.median(m[3] for m in group):.2f} ms, "
                  f"{statistics.median(m[2] for m in group):.0f} rows")
    print(f"corpus: {len(files):,} pages, {len(pages):,} codes, at most {max(pages.values())} pages a code")


if __name__ == "__main__":
    main()
