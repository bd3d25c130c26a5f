"""The shipped UBERON subset (data/vocab/anatomy.csv) is whole and consistent: every parent is
shipped, no cycles, labels non-empty, is-a and part-of kept apart, every seed present, and what
UBERON entails is reachable (the external anal sphincter is part of the anal region)."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from codegraph.resources import vocab_dir
from codegraph.vocab.anatomy import anatomy_parents, is_a_closure, part_of_closure

ROOT = Path(__file__).resolve().parents[1]


def rows() -> list[dict[str, str]]:
    with (vocab_dir() / "anatomy.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_several_hundred_structures_with_labels_and_sources():
    shipped = rows()
    assert len(shipped) >= 300
    for row in shipped:
        assert re.fullmatch(r"UBERON:\d{7}", row["id"]), row["id"]
        assert row["label"].strip(), row["id"]
        assert row["verified_source"].startswith("UBERON "), row["id"]


def test_every_parent_is_shipped_and_relations_are_kept_apart():
    parents = anatomy_parents()
    for curie, (is_a, part_of, _label) in parents.items():
        missing = [p for p in is_a + part_of if p not in parents]
        assert not missing, f"{curie}: parents {missing} are not shipped: rerun scripts/build_anatomy_subset.py"
        assert not set(is_a) & set(part_of), curie


def test_no_cycles():
    for curie in anatomy_parents():
        assert curie not in is_a_closure(curie), f"is_a cycle through {curie}"


def test_every_seed_is_shipped_and_recognised():
    with (vocab_dir() / "anatomy-seeds.csv").open(newline="", encoding="utf-8") as handle:
        seeds = [row["id"] for row in csv.DictReader(handle)]
    shipped = {row["id"]: row for row in rows()}
    for curie in seeds:
        assert curie in shipped and shipped[curie]["synonyms"], curie


@pytest.mark.parametrize(
    ("child", "relation", "ancestor"),
    [
        ("UBERON:0001367", "part_of", "UBERON:0001353"),  # external anal sphincter, anal region
        ("UBERON:0001367", "is_a", "UBERON:0004916"),  # ... is an anal sphincter
        ("UBERON:0002060", "is_a", "UBERON:0001637"),  # femoral artery is an artery (was "part of")
        ("UBERON:0001066", "part_of", "UBERON:0001130"),  # intervertebral disk, vertebral column
        ("UBERON:0001066", "is_a", "UBERON:0011135"),  # ... is an intervertebral cartilage (was "part of")
        ("UBERON:0004919", "part_of", "UBERON:0000057"),  # external urethral sphincter, urethra
        ("UBERON:0001485", "is_a", "UBERON:0002217"),  # knee joint is a synovial joint
        ("UBERON:0009625", "is_a", "UBERON:0001780"),  # sacral nerve is a spinal nerve
    ],
)
def test_entailed_ancestors(child, relation, ancestor):
    closure = is_a_closure(child) if relation == "is_a" else part_of_closure(child)
    assert ancestor in closure


def test_the_two_named_hierarchy_errors_are_gone():
    parents = anatomy_parents()
    assert "UBERON:0001637" not in parents["UBERON:0002060"][1]  # femoral artery not part_of artery
    assert "UBERON:0011135" not in parents["UBERON:0001066"][1]  # disk not part_of intervertebral cartilage


OBO = """format-version: 1.2
data-version: uberon/releases/test/uberon-basic.obo
synonymtypedef: PLURAL "plural"

[Term]
id: UBERON:0000001
name: region
synonym: "area" EXACT LATIN []
xref: http://example.org/a\\,b

[Term]
id: UBERON:0000002
name: sphincter
is_a: UBERON:0000001 ! region
def: "free text with [brackets" [http://example.org/ x]

[Term]
id: UBERON:0000003
name: outer sphincter
is_a: UBERON:0000002 ! sphincter
relationship: part_of UBERON:0000004 ! canal

[Term]
id: UBERON:0000004
name: canal

[Typedef]
id: part_of
name: part of
is_a: RO:0002131
"""


@pytest.mark.skipif(importlib.util.find_spec("pronto") is None, reason="the generator needs pronto (pip install pronto)")
def test_generator_reads_a_release_file_with_pronto(tmp_path):
    spec = importlib.util.spec_from_file_location("build_anatomy_subset", ROOT / "scripts" / "build_anatomy_subset.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    (tmp_path / "u.obo").write_text(OBO, encoding="utf-8")
    (tmp_path / "seeds.csv").write_text("id,label,group,synonyms,exclude\nUBERON:0000003,outer sphincter,x,eos,\n", encoding="utf-8")
    out = tmp_path / "anatomy.csv"
    assert module.main(["--obo", str(tmp_path / "u.obo"), "--seeds", str(tmp_path / "seeds.csv"), "--out", str(out)]) == 0
    got = {row["id"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(got) == {"UBERON:0000001", "UBERON:0000002", "UBERON:0000003", "UBERON:0000004"}
    assert got["UBERON:0000003"]["is_a"] == "UBERON:0000002" and got["UBERON:0000003"]["part_of"] == "UBERON:0000004"
    assert got["UBERON:0000003"]["synonyms"] == "outer sphincter|eos" and not got["UBERON:0000002"]["synonyms"]
    (tmp_path / "seeds.csv").write_text("id,label,group,synonyms,exclude\nUBERON:0000003,wrong label,x,,\n", encoding="utf-8")
    assert module.main(["--obo", str(tmp_path / "u.obo"), "--seeds", str(tmp_path / "seeds.csv"), "--out", str(out)]) == 1
