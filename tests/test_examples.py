"""The scripts in examples/ (one per user: analyst, knowledge engineer, developer) run as
documented and print what they promise. Each runs in its own process, as a reader would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(name: str, work: Path) -> str:
    done = subprocess.run([sys.executable, str(EXAMPLES / name), str(work)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_every_example_is_tested():
    assert sorted(path.name for path in EXAMPLES.glob("*.py")) == ["analyst.py", "developer.py", "knowledge_engineer.py"]


def test_the_analyst_example(tmp_path):
    out = _run("analyst.py", tmp_path)
    assert "'cigan'       -> payer Cigna (fuzzy" in out and "'UHC'         -> payer UnitedHealthcare (exact" in out
    assert "(3 rows" in out
    sheet = openpyxl.load_workbook(tmp_path / "J7321-payers.xlsx")["J7321 payers"]
    assert [cell.value for cell in sheet[1]][:3] == ["payer", "status", "prior_auth"] and sheet.max_row == 4


def test_the_knowledge_engineer_example(tmp_path):
    out = _run("knowledge_engineer.py", tmp_path)
    assert out.startswith("validation: 0 violation(s), 8 warning(s), 1 info")
    assert "gap: 1001T payer-policies: declared-unavailable" in out
    assert (tmp_path / "1001T.ttl").read_text(encoding="utf-8").count("1001T") > 10


@pytest.mark.parametrize("line", ["read: CPT 1001T, 11 procedure steps", "progress: 1/1 cpt-1001T-overview.txt",
                                  "refused: ", "coverage: 1001T at Cigna: unknown", "did you mean: ['Cigna']"])
def test_the_developer_example(tmp_path_factory, line):
    out = _developer_output(tmp_path_factory)
    assert any(printed.startswith(line) for printed in out.splitlines()), out


_OUTPUT: dict[str, str] = {}


def _developer_output(tmp_path_factory) -> str:
    if "out" not in _OUTPUT:
        _OUTPUT["out"] = _run("developer.py", tmp_path_factory.mktemp("developer"))
    return _OUTPUT["out"]
