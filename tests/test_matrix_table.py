"""The coverage matrix kept beside an embedded store (coverage/table.py): the same cells as the
matrix read from the store, and never a stale one: not after an import, a write by another
process, a file with another stamp or a broken file.
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from codegraph import OxigraphStore, build, coverage_matrix, import_mcd, import_payer_policy, load_import_into_store, load_into_store
from codegraph.coverage import table
from codegraph.store import derived
from coverage_data import BULLETIN, MCD, POLICIES, ROOT, SEED, generated_policies

# Days in different spans of the generated policies' periods, and two in one span (2025-03-01 on).
DAYS = [date(2023, 6, 1), date(2024, 6, 1), date(2025, 1, 15), date(2025, 6, 1), date(2025, 7, 20), date(2026, 2, 1)]
EXTRA_HEADER = (ROOT / POLICIES).read_text(encoding="utf-8").splitlines()[0]


def _extra_row(code: str, status: str) -> str:
    """One Humana policy about ``code`` for every line of business, in effect from 2023."""
    system = "HCPCS" if code[0].isalpha() else "CPT"
    return f"{EXTRA_HEADER}\n{system},{code},Humana,,{status},required,HUM-1,Test policy,,2023-01-01,,,,,,\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A store of 40 generated pages, the seed and the coverage imports (generated policies
    too); and the folder its extra policy table lives in."""
    from benchmarks.generate_corpus import generate

    folder = tmp_path_factory.mktemp("matrix-table")
    generate(40, folder / "pages", seed=14)
    with contextlib.chdir(ROOT):
        result = build([str(folder / "pages"), SEED])
    codes = sorted({facts.code.code for facts in result.documents})
    (folder / "generated-policies.csv").write_text(generated_policies(codes[:25], random.Random(14)), encoding="utf-8")
    (folder / "extra.csv").write_text(_extra_row(codes[30], "covered"), encoding="utf-8")
    with contextlib.chdir(ROOT):
        batches = [import_payer_policy([POLICIES, BULLETIN, str(folder / "generated-policies.csv"), str(folder / "extra.csv")]),
                   import_mcd(MCD)]
    assert not any(batch.errors for batch in batches)
    with OxigraphStore(folder / "store") as store:
        load_into_store(result, store)
        for batch in batches:
            load_import_into_store(batch, store, include_reference=False)
    return folder, codes[30]


@pytest.fixture()
def store_dir(built, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(built[0] / "store", copy)
    for name in (table.ASSERTIONS_FILE, table.MATRIX_FILE):
        (copy / name).unlink(missing_ok=True)
    return copy


def plain(store: OxigraphStore, day: date):
    """The matrix read from the store, no file used or kept."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "data_version", lambda: None)
        return coverage_matrix(store, on=day).cells


def _files_unused(patch: pytest.MonkeyPatch) -> None:
    """From here on, reading the store's assertions fails the test: only the kept files may answer."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the assertions were read from the store")
    patch.setattr(table, "read_assertions", refuse)


def test_the_kept_matrix_is_the_matrix_of_the_store(store_dir):
    with OxigraphStore(store_dir, read_only=True) as store:
        expected = {day: plain(store, day) for day in DAYS}
        statuses = {cell.status for cells in expected.values() for cell in cells}
        assert {"covered", "conditional", "not-covered", "conflict", "unknown"} <= statuses
        assert len(expected[date(2025, 6, 1)]) > 100
        assert coverage_matrix(store, on=date(2025, 6, 1)).cells == expected[date(2025, 6, 1)]  # read, then kept
        assert (store_dir / table.ASSERTIONS_FILE).is_file() and (store_dir / table.MATRIX_FILE).is_file()
        header = json.loads((store_dir / table.MATRIX_FILE).read_bytes().partition(b"\n")[0])
        assert header["from"] == "2025-03-01" and header["until"] == "2026-01-01"  # the generated periods' days
    with OxigraphStore(store_dir, read_only=True) as store, pytest.MonkeyPatch.context() as patch:
        _files_unused(patch)
        for day in DAYS:  # the kept cells in their span, else the kept assertions: each day's own cells
            assert coverage_matrix(store, on=day).cells == expected[day], day
        kept = coverage_matrix(store, on=date(2025, 6, 1), payer="UHC").cells
        assert kept == [cell for cell in expected[date(2025, 6, 1)] if cell.payer == "UnitedHealthcare"] and kept


def _status(store: OxigraphStore, code: str, day: date = date(2025, 6, 1)) -> list[str]:
    return [cell.status for cell in coverage_matrix(store, on=day).cells if (cell.code, cell.payer) == (code, "Humana")]


def test_a_change_to_the_store_is_in_the_next_matrix(built, store_dir):
    folder, code = built
    day = date(2025, 6, 1)
    extra = folder / "extra.csv"
    try:
        with OxigraphStore(store_dir) as store:
            assert _status(store, code) == ["covered"]  # and kept
            # the policy table edited and imported again, into the same open store
            extra.write_text(_extra_row(code, "not-covered"), encoding="utf-8")
            load_import_into_store(import_payer_policy([extra]), store, include_reference=False)
            assert _status(store, code) == ["not-covered"]
            assert coverage_matrix(store, on=day).cells == plain(store, day)
        # edited again and imported by another process
        extra.write_text(_extra_row(code, "conditional"), encoding="utf-8")
        script = ("import sys; from codegraph import OxigraphStore, import_payer_policy, load_import_into_store; "
                  "store = OxigraphStore(sys.argv[1]); "
                  "load_import_into_store(import_payer_policy([sys.argv[2]]), store, include_reference=False); store.close()")
        subprocess.run([sys.executable, "-c", script, str(store_dir), str(extra)], check=True, cwd=ROOT)
        with OxigraphStore(store_dir, read_only=True) as store:
            assert _status(store, code) == ["conditional"]
            assert coverage_matrix(store, on=day).cells == plain(store, day)
        # and through another handle in this process: the status removed (the assertion is left out)
        with OxigraphStore(store_dir) as store:
            store.update('DELETE WHERE { GRAPH ?g { ?a <https://w3id.org/codegraph/ontology#policyIdentifier> "HUM-1" ; '
                         '<https://w3id.org/codegraph/ontology#coverageStatus> ?s } }')
        with OxigraphStore(store_dir) as store:
            assert _status(store, code) == []
            assert coverage_matrix(store, on=day).cells == plain(store, day)
    finally:
        extra.write_text(_extra_row(code, "covered"), encoding="utf-8")


def _rewrite(path: Path, change) -> None:
    head, _newline, body = path.read_bytes().partition(b"\n")
    header, body = change(json.loads(head), body)
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def test_a_file_with_another_stamp_or_broken_content_is_not_used(store_dir):
    day = date(2025, 6, 1)
    with OxigraphStore(store_dir, read_only=True) as store:
        expected = plain(store, day)
        coverage_matrix(store, on=day)
    cells_file, assertions_file = store_dir / table.MATRIX_FILE, store_dir / table.ASSERTIONS_FILE
    good_cells, good_assertions = cells_file.read_bytes(), assertions_file.read_bytes()
    flipped = json.dumps([[*row[:3], "covered" if row[3] != "covered" else "not-covered", *row[4:]]
                          for row in json.loads(good_cells.partition(b"\n")[2])]).encode()

    def digest(body: bytes) -> str:
        import hashlib

        return hashlib.sha256(body).hexdigest()

    broken = {
        # an old stamp, on a file whole in itself (its digest matches): stale, never used
        "old stamp": lambda h, b: ({**h, "stamp": "0" * 64, "sha256": digest(flipped)}, flipped),
        # the current stamp over content that is not what was written: cut short, or changed
        "cut short": lambda h, b: (h, b[: len(b) // 2]),
        "changed": lambda h, b: (h, flipped),
        "not rows": lambda h, b: ({**h, "sha256": digest(b'{"a": 1}')}, b'{"a": 1}'),
        "wrong rows": lambda h, b: ({**h, "sha256": digest(b'[[1, 2]]')}, b'[[1, 2]]'),
        "no span": lambda h, b: ({**{k: v for k, v in h.items() if k not in ("from", "until")}, "sha256": digest(flipped)}, flipped),
        "not the day's span": lambda h, b: ({**h, "from": "2030-01-01", "until": None, "sha256": digest(flipped)}, flipped),
    }
    for name, change in broken.items():
        for path, good in ((cells_file, good_cells), (assertions_file, good_assertions)):
            path.write_bytes(good)
        _rewrite(cells_file, change)
        if name in ("old stamp", "cut short", "not rows"):  # the assertions file too: read from the store again
            _rewrite(assertions_file, change)
        with OxigraphStore(store_dir, read_only=True) as store:
            assert coverage_matrix(store, on=day).cells == expected, name
        assert cells_file.read_bytes() == good_cells, name  # kept again, as it should be
        assert assertions_file.read_bytes() == good_assertions, name
    cells_file.write_bytes(b"")
    assertions_file.unlink()
    with OxigraphStore(store_dir, read_only=True) as store:
        assert coverage_matrix(store, on=day).cells == expected


def test_a_folder_that_cannot_be_written_still_answers(store_dir, monkeypatch):
    from codegraph import files
    from codegraph.errors import OutputError

    def refuse(path, _data):
        raise OutputError(Path(path), PermissionError(13, "Permission denied"))

    monkeypatch.setattr(files, "write_atomically", refuse)
    with OxigraphStore(store_dir, read_only=True) as store:
        for day in (date(2024, 6, 1), date(2025, 6, 1)):
            assert coverage_matrix(store, on=day).cells == plain(store, day)
    assert not (store_dir / table.MATRIX_FILE).exists() and not (store_dir / table.ASSERTIONS_FILE).exists()


def test_the_stamp_leaves_out_unfinished_tables_and_empty_logs(store_dir):
    with OxigraphStore(store_dir, read_only=True) as store:
        version = store.data_version()
        assert version is not None and version[1].startswith("rocksdb ")
        unfinished = store_dir / "999999.sst"  # what a compaction has begun to write: no footer yet
        unfinished.write_bytes(b"\0" * 4096)
        try:
            assert store.data_version() == version
        finally:
            unfinished.unlink()
        log = store_dir / "999999.log"  # a log RocksDB has made and not written to yet
        log.write_bytes(b"")
        try:
            assert store.data_version() == version
        finally:
            log.unlink()
        assert derived.stamp(version[1], 1, "x") != derived.stamp(version[1], 2, "x")


_HUM_1_STATUS = ('DELETE WHERE { GRAPH ?g { ?a <https://w3id.org/codegraph/ontology#policyIdentifier> "HUM-1" ; '
                 '<https://w3id.org/codegraph/ontology#coverageStatus> ?s } }')


def test_reopening_and_compacting_the_store_keep_the_matrix(store_dir):
    day = date(2025, 6, 1)
    with OxigraphStore(store_dir) as store:
        expected = coverage_matrix(store, on=day).cells  # read, then kept
        version = store.data_version()
    for compact in (False, True, False):
        with OxigraphStore(store_dir) as store:  # open for writing: RocksDB may compact in the background
            if compact:
                store.store.optimize()  # every file rewritten: the same data in other files
            assert store.data_version() == version
    with OxigraphStore(store_dir) as store, pytest.MonkeyPatch.context() as patch:
        _files_unused(patch)
        assert coverage_matrix(store, on=day).cells == expected
    with OxigraphStore(store_dir, read_only=True) as store, pytest.MonkeyPatch.context() as patch:
        _files_unused(patch)
        assert coverage_matrix(store, on=day).cells == expected


def test_the_writes_of_a_writer_killed_before_closing_are_in_the_next_matrix(built, store_dir):
    _folder, code = built
    day = date(2025, 6, 1)
    with OxigraphStore(store_dir, read_only=True) as store:
        assert _status(store, code) == ["covered"]  # and kept
    # the status removed by a process that dies at once: its write is only in RocksDB's log
    script = ("import os, sys; from codegraph import OxigraphStore; store = OxigraphStore(sys.argv[1]); "
              "store.update(sys.argv[2]); os._exit(0)")
    subprocess.run([sys.executable, "-c", script, str(store_dir), _HUM_1_STATUS], check=True, cwd=ROOT)
    assert any(path.stat().st_size for path in store_dir.glob("*.log"))
    with OxigraphStore(store_dir, read_only=True) as store:  # reads the log, does not flush it
        assert _status(store, code) == []
        assert coverage_matrix(store, on=day).cells == plain(store, day)
    with OxigraphStore(store_dir) as store:  # flushes the log into files
        assert _status(store, code) == []


def test_the_cells_hold_from_the_day_an_assertion_starts_to_the_day_after_one_ends():
    from codegraph.coverage.rule import Assertion

    grouped = {("X1", "P"): [Assertion("a", "P", "covered", effective_from=date(2025, 3, 1), effective_through=date(2025, 12, 31)),
                             Assertion("b", "P", "covered", effective_through=date.max)]}
    assert table.span(grouped, date(2025, 2, 28)) == (None, date(2025, 3, 1))
    assert table.span(grouped, date(2025, 3, 1)) == (date(2025, 3, 1), date(2026, 1, 1))
    assert table.span(grouped, date(2025, 12, 31)) == (date(2025, 3, 1), date(2026, 1, 1))
    assert table.span(grouped, date(2026, 1, 1)) == (date(2026, 1, 1), None)
    assert table.span({}, date(2026, 1, 1)) == (None, None)


def test_a_build_and_an_import_into_a_store_keep_the_matrix(run_cli, tmp_path, monkeypatch):
    store_dir = tmp_path / "store"
    monkeypatch.chdir(ROOT)
    code, _out, err = run_cli("build", SEED, "--store", store_dir, "--no-validate")
    assert code == 0, err
    kept = (store_dir / table.MATRIX_FILE).read_bytes()
    code, _out, err = run_cli("import", "payer-policy", POLICIES, "--store", store_dir)
    assert code == 0, err
    assert (store_dir / table.MATRIX_FILE).read_bytes() != kept  # the import's assertions are in it
    for _ in range(3):  # opened for writing and closed: RocksDB may compact, the data stays
        OxigraphStore(store_dir).close()
    with pytest.MonkeyPatch.context() as patch:
        _files_unused(patch)  # the matrix the import kept
        code, out, err = run_cli("coverage", "matrix", "--store", store_dir, "--format", "json")
    assert code == 0, err
    with OxigraphStore(store_dir, read_only=True) as store:
        expected = coverage_matrix(store, on=date.today())
        assert json.loads(out) == json.loads(expected.render("json")) and plain(store, date.today()) == expected.cells
    assert {cell["payer"] for cell in json.loads(out)["cells"]} >= {"Aetna", "UnitedHealthcare"}
