"""The coverage matrix of an embedded store, kept beside its data so the whole matrix takes well
under a second.

Reading every coverage assertion out of the store takes most of the matrix's time (at 10,000
pages about 10 s here: pyoxigraph decodes each term of each scan); deciding every cell about 2 s
more. So two files are kept in the store's folder, stamped like the search index
(``store/derived.py``: where the store's data stands, the codegraph version, the file's format),
each read only when its stamp is the store's current one:

- ``codegraph-coverage-assertions.json``: every assertion row ``read_assertions`` gives, by code
  and payer, in its order;
- ``codegraph-coverage-matrix.json``: the cells of the whole matrix for the span of days the
  last matrix's date fell in. Which assertions are in effect changes only on the days some
  assertion starts or the day after one ends; between two such days every cell is the same, so
  the cells hold for every day of that span (and only there).

Any write to the store moves its data version (RocksDB's last sequence number), so neither file
is used after it: the next matrix reads the store again and keeps new files. RocksDB rewriting
its files with the same data (a compaction, a reopen) leaves the version, and the files, as they
are. Where the folder cannot be written, every matrix reads the store. Other stores (in memory, a SPARQL server) have no folder: their matrix reads the store
each time.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from datetime import date, timedelta
from typing import Any

from ..collector import paused_cycle_collection
from ..store import GraphStore, derived
from .matrix import MatrixCell, matrix_cells, read_assertions
from .rule import Assertion

ASSERTIONS_FILE = "codegraph-coverage-assertions.json"
MATRIX_FILE = "codegraph-coverage-matrix.json"
FORMAT = 1

Grouped = dict[tuple[str, str], list[Assertion]]


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _encode_assertions(grouped: Grouped) -> bytes:
    return json.dumps([[code, payer, [[a.assertion, a.status, a.prior_authorization, a.line_of_business, _iso(a.effective_from),
                                        _iso(a.effective_through), a.supporting, a.policy] for a in assertions]]
                       for (code, payer), assertions in grouped.items()], ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_assertions(body: bytes) -> Grouped:
    with paused_cycle_collection():
        return _assertions_of(json.loads(body))


def _assertions_of(data: Any) -> Grouped:
    grouped: Grouped = {}
    days: dict[str | None, date | None] = {None: None}
    for code, payer, rows in data:
        found = []
        for assertion, status, prior_auth, line, start, end, supporting, policy in rows:
            for text in (start, end):
                if text not in days:
                    days[text] = date.fromisoformat(text)
            found.append(Assertion(assertion=assertion, payer=payer, status=status, prior_authorization=prior_auth,
                                   line_of_business=line, effective_from=days[start], effective_through=days[end],
                                   supporting=int(supporting), policy=policy))
        grouped[(str(code), str(payer))] = found
    return grouped


def span(grouped: Grouped, day: date) -> tuple[date | None, date | None]:
    """The days around ``day`` on which the same assertions are in effect: from the first (None:
    every earlier day) up to but not including the second (None: every later day)."""
    changes: set[date] = set()
    for assertions in grouped.values():
        for facts in assertions:
            if facts.effective_from is not None:
                changes.add(facts.effective_from)  # in effect from that day
            if facts.effective_through is not None and facts.effective_through < date.max:
                changes.add(facts.effective_through + timedelta(days=1))  # no longer in effect the day after
    ordered = sorted(changes)
    at = bisect_right(ordered, day)
    return (ordered[at - 1] if at else None), (ordered[at] if at < len(ordered) else None)


def _within(header: dict[str, Any], day: date) -> bool:
    start, until = _day(header["from"]), _day(header["until"])  # both always written (None: no bound)
    return (start is None or start <= day) and (until is None or day < until)


def _cell_row(cell: MatrixCell) -> list[Any]:
    return [cell.code, cell.payer, cell.line_of_business, cell.status, cell.prior_authorization, cell.assertions, cell.reason,
            list(cell.policies), list(cell.rests_on)]


def _decode_cells(body: bytes) -> list[MatrixCell]:
    with paused_cycle_collection():
        return [MatrixCell(code, payer, line, status, prior_auth, int(count), reason, tuple(policies), tuple(rests_on))
                for code, payer, line, status, prior_auth, count, reason, policies, rests_on in json.loads(body)]


def whole_matrix(store: GraphStore, day: date) -> list[MatrixCell]:
    """Every cell of the matrix on ``day``, by code and payer: from the file beside the store
    where it is current and holds ``day``, else decided from the assertions (``assertions``) and
    kept there for the next matrix."""
    version = store.data_version()
    if version is None:
        return all_cells(read_assertions(store), day)
    folder, data_files = version
    stamp = derived.stamp(data_files, FORMAT, "coverage-matrix")
    kept = derived.read(folder / MATRIX_FILE, stamp)
    if kept is not None:
        header, body = kept
        try:
            if _within(header, day):
                return _decode_cells(body)
        except (ValueError, TypeError, KeyError):
            pass  # not what this version writes: decided again below
    grouped = assertions(store)
    cells = all_cells(grouped, day)
    start, until = span(grouped, day)
    body = json.dumps([_cell_row(cell) for cell in cells], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    derived.keep(folder / MATRIX_FILE, stamp, body, **{"from": _iso(start), "until": _iso(until)})
    return cells


def keep_matrix(store: GraphStore) -> None:
    """Keep the files beside an embedded store (the matrix of today's span), as a build or an
    import into it ends: the next whole matrix then answers at once. Other stores keep nothing."""
    if store.data_version() is not None:
        whole_matrix(store, date.today())


def all_cells(grouped: Grouped, day: date) -> list[MatrixCell]:
    """The cells of every code and payer in ``grouped`` on ``day``, by code and payer."""
    return [cell for (code, payer), found in sorted(grouped.items()) for cell in matrix_cells(code, payer, found, day)]


def assertions(store: GraphStore) -> Grouped:
    """Every assertion ``read_assertions`` gives for the store, by code and payer: from the file
    beside it where that is current, else read from the store and kept there for next time."""
    version = store.data_version()
    if version is None:
        return read_assertions(store)
    folder, data_files = version
    stamp = derived.stamp(data_files, FORMAT, "coverage-assertions")
    kept = derived.read(folder / ASSERTIONS_FILE, stamp)
    if kept is not None:
        try:
            return _decode_assertions(kept[1])
        except (ValueError, TypeError):
            pass  # not what this version writes: read again below
    grouped = read_assertions(store)
    derived.keep(folder / ASSERTIONS_FILE, stamp, _encode_assertions(grouped))
    return grouped
