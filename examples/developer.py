"""A developer wiring codegraph into a service: read one page's facts, build it into an
embedded store with a progress callback, answer a coverage question as a typed dataclass, and
turn a typo into a "did you mean".

    python examples/developer.py [WORK_FOLDER]
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import codegraph

REPOSITORY = Path(__file__).resolve().parent.parent
PAGE = REPOSITORY / "data" / "documents" / "cpt-1001T-overview.txt"


def main(work: Path) -> None:
    """Run the example, writing into the folder ``work``."""
    facts = codegraph.extract_document(PAGE)
    print(f"read: {facts.code.system} {facts.code.code}, {len(facts.steps)} procedure steps, payers {', '.join(p.name for p in facts.payers)}")

    seen: list[str] = []
    result = codegraph.build([PAGE], progress=lambda done, total, item: seen.append(f"{done}/{total} {Path(item).name}"))
    print(f"progress: {', '.join(seen)}")
    try:
        codegraph.open_store(work / "no-such-store")  # a mistyped path is refused, not created
    except codegraph.StoreNotFoundError as error:
        print(f"refused: {error}")
    with codegraph.open_store(work / "store", create=True) as store:
        codegraph.load_into_store(result, store)
        answer: codegraph.CoverageAnswer = codegraph.check_coverage(store, "1001T", "Cigna", on=date(2025, 6, 1))
        print(f"coverage: 1001T at Cigna: {answer.coverage} ({answer.summary})")
        payers = [entry.name for entry in codegraph.search_index(store).entries if entry.kind == "payer"]
    print(f"did you mean: {codegraph.suggest('Cigan', payers)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="codegraph-developer-")))
