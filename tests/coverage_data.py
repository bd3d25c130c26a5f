"""The coverage fixture several test files share: the seed page, the two payer policy tables and
the MCD article tables, read with paths relative to the repository so rows name them stably."""

from __future__ import annotations

import contextlib
from pathlib import Path

from codegraph import (
    MemoryStore,
    OxigraphStore,
    add_import,
    build,
    import_mcd,
    import_payer_policy,
    load_import_into_store,
    load_into_store,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = "data/documents/cpt-1001T-overview.txt"
POLICIES = "tests/fixtures/payer-policy/payer-policies.csv"
BULLETIN = "tests/fixtures/payer-policy/payer-bulletin-2025.csv"
MCD = "tests/fixtures/mcd"
HCPC = f"{MCD}/article_x_hcpc_code.csv"


def build_coverage_fixture(store_dir: Path) -> tuple[MemoryStore, OxigraphStore]:
    """(memory store, Oxigraph store) holding the seed page and the three coverage imports."""
    with contextlib.chdir(ROOT):
        result = build([SEED])
        batches = [import_payer_policy([POLICIES, BULLETIN]), import_mcd(MCD)]
    assert all(not batch.errors for batch in batches)
    dataset = result.dataset
    for batch in batches:
        add_import(dataset, batch)
    oxigraph = OxigraphStore(store_dir)
    load_into_store(result, oxigraph)
    for batch in batches:
        load_import_into_store(batch, oxigraph, include_reference=False)
    return MemoryStore(dataset), oxigraph


def line_of(path: str, number: int) -> str:
    """Line ``number`` of a fixture file: the quote its evidence must carry."""
    return (ROOT / path).read_text(encoding="utf-8").splitlines()[number - 1]
