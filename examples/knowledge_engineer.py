"""A knowledge engineer's check before publishing: build the graph, validate it against the
shapes, list the gaps per code, and export one code's neighbourhood as Turtle for a triple store.

    python examples/knowledge_engineer.py [WORK_FOLDER]
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

import codegraph

REPOSITORY = Path(__file__).resolve().parent.parent


def main(work: Path) -> None:
    """Run the example, writing into the folder ``work``."""
    result = codegraph.build([REPOSITORY / "data" / "documents"])
    store = codegraph.MemoryStore(result.dataset)
    report = codegraph.validate_graph(store)
    counts = report.counts()
    print(f"validation: {counts['violation']} violation(s), {counts['warning']} warning(s), {counts['info']} info")
    for shape, number in sorted(Counter(finding.shape.rsplit('#', 1)[-1] for finding in report.findings).items()):
        print(f"  {number:>3}  {shape}")
    for gap in codegraph.missing_facets(store):
        print(f"gap: {gap.code} {gap.facet}: {gap.state}")
    neighbourhood = codegraph.code_neighbourhood(store, "1001T")
    target = work / "1001T.ttl"
    codegraph.write_graph(neighbourhood, target)
    print(f"neighbourhood: {len(neighbourhood)} triples -> {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="codegraph-engineer-")))
