"""A payer-policy analyst's morning: build the bundled page and the policy tables into a store,
look a payer up by a name they half remember, ask which payers say what about a code, and hand
the answer to a colleague as a spreadsheet.

    python examples/analyst.py [WORK_FOLDER]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import codegraph

REPOSITORY = Path(__file__).resolve().parent.parent


def main(work: Path) -> None:
    """Run the example, writing into the folder ``work``."""
    with codegraph.open_store(work / "store", create=True) as store:
        codegraph.load_into_store(codegraph.build([REPOSITORY / "data" / "documents"]), store)
        policies = REPOSITORY / "tests" / "fixtures" / "payer-policy" / "payer-policies.csv"
        codegraph.load_import_into_store(codegraph.import_payer_policy([policies]), store)

        # "Cigan"? "UHC"? find knows the payers, their aliases, and typos.
        for text in ("cigan", "UHC", "hyaluronic"):
            hit = codegraph.find(store, text)[0]
            print(f"{text!r:13} -> {hit.entry.kind} {hit.entry.name} ({hit.match}, {hit.entry.codes} code(s))")

        rows = codegraph.run_named_query(store, "payers-for-code", {"code": "J7321"})
        print(codegraph.format_query_rows(rows, "table", width=100), end="")
        sheet = work / "J7321-payers.xlsx"
        codegraph.write_atomically(sheet, codegraph.query_rows_xlsx(rows, title="J7321 payers"))
        print(f"spreadsheet: {sheet}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="codegraph-analyst-")))
