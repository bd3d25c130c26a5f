"""``codegraph find`` and ``codegraph.find``: codes (exact, prefix), titles, payers and their
aliases, policies, concepts and anatomy with their synonyms, fuzzily; the same index in every
store; the index kept beside an embedded store and rebuilt when the store changes; and
``codegraph.suggest``, the "did you mean" of refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codegraph import (
    MemoryStore,
    SearchHit,
    SearchIndex,
    build,
    find,
    import_payer_policy,
    load_import_into_store,
    load_into_store,
    open_store,
    search_index,
    suggest,
)
from codegraph.search import cache as search_cache

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "tests" / "fixtures" / "payer-policy" / "payer-policies.csv"


@pytest.fixture(scope="module")
def store(seed_build, tmp_path_factory):
    path = tmp_path_factory.mktemp("find") / "store"
    with open_store(path, create=True) as opened:
        load_into_store(seed_build, opened)
        load_import_into_store(import_payer_policy([POLICIES]), opened)
    return path


def _top(hits: list[SearchHit]) -> tuple[str, str, str, str]:
    hit = hits[0]
    return hit.entry.kind, hit.entry.name, hit.match, hit.via


@pytest.mark.parametrize("text, expected", [
    ("1001T", ("code", "1001T", "exact", "code")),
    ("1001t", ("code", "1001T", "exact", "code")),  # any case
    ("cpt 1001T", ("code", "1001T", "exact", "code")),
    ("J73", ("code", "J7321", "prefix", "code")),
    ("Cigna", ("payer", "Cigna", "exact", "name")),
    ("cigan", ("payer", "Cigna", "fuzzy", "name")),  # a typo
    ("UHC", ("payer", "UnitedHealthcare", "exact", "alias")),  # an alias from payer-aliases.csv
    ("cigna healthcare", ("payer", "Cigna", "exact", "alias")),
    ("hyaluronic", ("policy", "Hyaluronic acid injections", "prefix", "name")),  # found nothing before
    ("CIG-0032", ("policy", "Hyaluronic acid injections", "exact", "identifier")),
    ("bowel incontinence", ("concept", "fecal incontinence", "exact", "synonym")),  # a lexicon synonym
    ("external sphincter ani", ("anatomy", "external anal sphincter", "exact", "synonym")),  # an UBERON synonym
    ("autologous muscle", ("code", "1001T", "prefix", "title")),
    ("sphincter external anal", ("anatomy", "external anal sphincter", "fuzzy", "name")),  # words in another order
])
def test_find_ranks_what_the_text_names_first(store, text, expected):
    with open_store(store) as opened:
        hits = find(opened, text)
    assert _top(hits) == expected
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert hits[0].entry.codes >= 1 and hits[0].entry.first_code


def test_scores_order_exact_prefix_fuzzy(store):
    with open_store(store) as opened:
        index = search_index(opened)
    exact, prefix, fuzzy = index.find("Cigna")[0], index.find("Cig")[0], index.find("Cignna")[0]
    assert exact.score == 100 and 90 <= prefix.score < 100 and fuzzy.score <= 85
    assert {h.entry.name for h in index.find("UHC", kinds=["payer"])} == {"UnitedHealthcare"}
    assert index.find("UHC", kinds=["policy"])[0].entry.detail.startswith("UHC-")
    assert index.find("zzzzqqq") == []
    assert index.find("") == []
    payer = index.find("Cigna")[0].entry
    assert payer.codes == 3 and payer.first_code == "1001T"  # the seed page, and two policy rows


def test_every_store_gives_the_same_index(seed_build, store):
    with open_store(store) as opened:
        on_disk = search_index(opened).to_json()
    in_memory = SearchIndex.from_json(json.loads(json.dumps(search_index(MemoryStore(seed_build.dataset)).to_json())))
    seed_only = {(e["kind"], e["name"]) for e in on_disk["entries"] if e["first_code"] == "1001T" and e["kind"] != "policy"}
    assert seed_only <= {(e.kind, e.name) for e in in_memory.entries}
    assert ("code", "1001T") in seed_only and ("payer", "Medicare") in seed_only


def test_the_index_is_kept_beside_the_store_and_rebuilt_when_it_changes(store, tmp_path, seed_copy):
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    cache = copy / "codegraph-search-index.json"
    cache.unlink(missing_ok=True)
    with open_store(copy) as opened:
        assert [h.entry.name for h in find(opened, "0777T")] == []
    assert cache.is_file()
    # a stale file is never used: the stamp no longer matches once the store changes
    other = seed_copy.parent / "cpt-0777T.txt"
    other.write_text(seed_copy.read_text(encoding="utf-8").replace("1001T", "0777T"), encoding="utf-8")
    with open_store(copy) as opened:
        load_into_store(build([other]), opened)
        assert [h.entry.name for h in find(opened, "0777T")] == ["0777T"]  # same process, same store object
    with open_store(copy) as opened:
        assert [h.entry.name for h in find(opened, "0777T")] == ["0777T"]
    # A current stamp is trusted: the file is read, not rebuilt. Read-only, so no background
    # compaction changes the data files (and the stamp) between writing the file and reading it.
    with open_store(copy, read_only=True) as opened:
        data = json.loads(cache.read_text(encoding="utf-8"))
        version = opened.data_version()
        assert version is not None and version[0] == copy
        data["stamp"] = search_cache._stamp(version[1])
        data["index"]["entries"] = data["index"]["normalised"] = []
        cache.write_text(json.dumps(data), encoding="utf-8")
        assert find(opened, "0777T") == []


def test_suggest_gives_did_you_mean(store):
    assert suggest("payers-for-cod", ["payers-for-code", "coverage-matrix", "related-codes"]) == ["payers-for-code"]
    assert suggest("Cigan", ["Aetna", "Cigna", "Medicare"]) == ["Cigna"]
    assert suggest("zzz", ["Aetna", "Cigna"]) == []
    with open_store(store) as opened:
        assert search_index(opened).suggest("Medicair", kinds=["payer"])[0] == "Medicare"


def test_find_on_the_command_line(run_cli, store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    code, out, _err = run_cli("find", "UHC", "--store", store)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["kind", "name", "detail", "codes", "first_code", "matched", "score"]
    assert lines[2].split()[:2] == ["payer", "UnitedHealthcare"] and "alias 'UHC'" in lines[2]
    code, out, _err = run_cli("find", "autologous", "muscle", "--store", store, "--format", "json")
    hits = json.loads(out)
    assert code == 0 and hits[0]["name"] == "1001T" and hits[0]["via"] == "title" and "forms" not in hits[0]
    code, out, err = run_cli("find", "qqqzzz", "--store", store)
    assert code == 1 and "nothing in the graph matches 'qqqzzz'" in err
    code, out, _err = run_cli("find", "joint", "--kind", "policy", "--store", store, "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "kind,name,detail,codes,first_code,matched,score"
    assert {line.split(",")[0] for line in out.splitlines()[1:]} == {"policy"}


def test_an_unknown_query_name_suggests_the_closest(run_cli):
    code, _out, err = run_cli("query", "run", "payers-for-cod", "--data", ROOT / "data" / "documents" / "cpt-1001T-overview.txt")
    assert code == 2 and "did you mean payers-for-code?" in err


def test_the_sites_search_index_is_the_same_index_as_a_script(seed_build, tmp_path):
    from codegraph import build_site

    build_site(seed_build.dataset, tmp_path / "site", diagrams=False)
    script = (tmp_path / "site" / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.codegraphSearch = {") and script.endswith("};\n")
    data = json.loads(script[len("window.codegraphSearch = "):-2])
    by_name = {(e["k"], e["n"]): e for e in data["entries"]}
    assert by_name[("code", "1001T")]["p"] == "codes/CPT-1001T.html"
    assert ["UHC", "alias"] in by_name[("payer", "UnitedHealthcare")]["f"]
    assert ["bowel incontinence", "synonym"] in by_name[("concept", "fecal incontinence")]["f"]
    index = search_index(MemoryStore(seed_build.dataset))
    assert {(e.kind, e.name) for e in index.entries} == set(by_name)


def test_a_title_cannot_close_the_script_it_is_written_into(seed_copy, tmp_path):
    from codegraph import build_site

    seed_copy.write_text(seed_copy.read_text(encoding="utf-8").replace("CPT 1001T: Autologous", "CPT 1001T: </script><script>alert(1)</script> Autologous"),
                         encoding="utf-8")
    build_site(build([seed_copy]).dataset, tmp_path / "site", diagrams=False)
    script = (tmp_path / "site" / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "</script>" not in script and "<\\/script><script>alert(1)<\\/script>" in script
