"""The coverage fixture several test files share: the seed page, the two payer policy tables and
the MCD article tables, read with paths relative to the repository so rows name them stably."""

from __future__ import annotations

import contextlib
import random
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


def generated_policies(codes: list[str], rng: random.Random) -> str:
    """Payer policy rows for generated codes: several payers, lines of business (or none), every
    status, effective periods that start, end and overlap around the test's dates."""
    header = (ROOT / POLICIES).read_text(encoding="utf-8").splitlines()[0]
    payers = ["Aetna", "Cigna", "UnitedHealthcare", "Humana", "Blue Cross Blue Shield"]
    lines = ["commercial", "medicare-advantage", "medicaid", ""]
    statuses = ["covered", "conditional", "not-covered", "experimental", "not-stated"]
    periods = [("2023-01-01", ""), ("2024-01-01", "2024-12-31"), ("2025-01-01", ""), ("2025-03-01", "2025-12-31"), ("", "")]
    rows = [header]
    for number, code in enumerate(codes):
        for _ in range(rng.randint(1, 4)):
            start, end = rng.choice(periods)
            status = rng.choice(statuses)
            system = "HCPCS" if code[0].isalpha() else "CPT"
            supporting = "M17.11;M17.12" if status in ("covered", "conditional") and rng.random() < 0.3 else ""
            rows.append(",".join([system, code, rng.choice(payers), rng.choice(lines), status,
                                  rng.choice(["required", "not-required", "unknown"]), f"GEN-{number}-{rng.randint(1, 3)}",
                                  "Generated policy", "", start, end, supporting, "", "", "", ""]))
    return "\n".join(rows) + "\n"


def line_of(path: str, number: int) -> str:
    """Line ``number`` of a fixture file: the quote its evidence must carry."""
    return (ROOT / path).read_text(encoding="utf-8").splitlines()[number - 1]
