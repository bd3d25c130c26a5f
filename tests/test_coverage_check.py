"""The coverage check on the coverage fixtures: the answer, prior authorization, the assertions
used and set aside (with file and line), the same from the in-memory graph and the Oxigraph store."""

from __future__ import annotations

import json
from datetime import date

import pytest

from codegraph import QueryError, check_coverage
from coverage_data import BULLETIN, HCPC, MCD, POLICIES, ROOT, SEED, build_coverage_fixture, line_of

JUNE_2025 = date(2025, 6, 1)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    memory, oxigraph = build_coverage_fixture(tmp_path_factory.mktemp("check-store"))
    return {"memory": memory, "oxigraph": oxigraph}


@pytest.fixture(params=["memory", "oxigraph"])
def check(request, stores):
    """check(code, payer, **options) on one backend; the other backend must give the same answer."""
    other = stores["oxigraph" if request.param == "memory" else "memory"]

    def run(code, payer, **options):
        answer = check_coverage(stores[request.param], code, payer, **options)
        assert answer.to_json() == check_coverage(other, code, payer, **options).to_json()
        return answer

    return run


def policies(findings):
    return [(f.policy, f.outcome) for f in findings]


def test_supporting_diagnosis_with_documentation_is_conditional_and_needs_prior_auth(check):
    answer = check("J7321", "Aetna", on=JUNE_2025, diagnosis="m1711", place_of_service="11")
    assert (answer.coverage, answer.prior_authorization, answer.diagnosis) == ("conditional", "required", "M17.11")
    (used,) = answer.used
    assert (used.policy, used.policy_title, used.status) == ("CPB-0179", "Viscosupplementation", "conditional")
    assert "diagnosis M17.11 supports coverage" in used.note and "the record must show: Radiographic" in used.note
    assert [(e.document, e.line, e.quote) for e in used.evidence] == [(POLICIES, 3, line_of(POLICIES, 3))]


def test_conflicting_assertions_say_conflict_and_list_both(check):
    answer = check("J7321", "Cigna", on=JUNE_2025)
    assert answer.coverage == "conflict" and answer.conflict
    assert policies(answer.used) == [("CIG-0032", "not-covered"), ("CIG-2025-07", "conditional")]
    assert [e.document for f in answer.used for e in f.evidence] == [POLICIES, BULLETIN]
    assert answer.summary.startswith("conflict: the sources in effect disagree for J7321 at Cigna on 2025-06-01")
    assert answer.prior_authorization == "required"


def test_an_expired_policy_is_not_used_and_the_answer_says_so(check):
    answer = check("0627T", "UnitedHealthcare", on=JUNE_2025)
    assert (answer.coverage, answer.prior_authorization) == ("conditional", "required")
    assert [(f.policy, f.effective_from.isoformat()) for f in answer.used] == [("UHC-2024T034", "2025-01-01")]
    (expired,) = answer.not_used
    assert (expired.policy, expired.status, expired.effective_through) == ("UHC-2024T034", "not-covered", date(2024, 12, 31))
    assert expired.note == "not in effect on 2025-06-01: it ended 2024-12-31"


def test_on_an_earlier_date_the_old_version_answers(check):
    answer = check("0627T", "UHC", on=date(2024, 6, 1))
    assert (answer.payer, answer.coverage, answer.prior_authorization) == ("UnitedHealthcare", "not-covered", "unknown")
    assert [f.note for f in answer.not_used] == ["not in effect on 2024-06-01: it starts 2025-01-01"]


def test_a_diagnosis_that_excludes_coverage(check):
    answer = check("J7321", "Medicare", on=JUNE_2025, diagnosis="M17.9")
    assert answer.coverage == "not-covered"
    (used,) = answer.used
    assert used.note == "diagnosis M17.9 is listed as not supporting coverage"
    assert used.publishers == ("Novitas Solutions, Inc. (J-H)", "Novitas Solutions, Inc. (J-L)")
    assert [(e.document, e.line) for e in used.evidence] == [(HCPC, 3)]


def test_a_supporting_diagnosis_and_one_off_the_list(check):
    assert check("J7321", "medicare", on=JUNE_2025, diagnosis="M17.11").coverage == "covered"
    answer = check("J7321", "Medicare", on=JUNE_2025, diagnosis="M54.50")
    assert answer.coverage == "not-covered"
    assert answer.used[0].note == "diagnosis M54.50 is not among the 3 diagnoses that support coverage"


def test_a_payer_with_no_data_for_the_code_is_unknown(check):
    answer = check("1001T", "Example State Medicaid", on=JUNE_2025)  # in the graph, through its J7321 policy
    assert (answer.coverage, answer.prior_authorization, answer.used, answer.not_used) == ("unknown", "unknown", (), ())
    assert answer.summary == "unknown: the graph has no coverage assertion for 1001T at Example State Medicaid on 2025-06-01"


def test_sources_that_state_no_decision_give_unknown_and_are_listed(check):
    answer = check("1001T", "Blue Cross Blue Shield", on=JUNE_2025)
    assert answer.coverage == "unknown"
    assert sorted((f.status, f.outcome, f.evidence[0].document) for f in answer.used) == [
        ("not-stated", "no-decision", POLICIES),
        ("source-declares-unavailable", "no-decision", SEED),
    ]


def test_medicare_articles_by_date_and_by_jurisdiction(check):
    before = check("1001T", "Medicare", on=date(2023, 6, 1))
    assert before.coverage == "conditional"
    assert policies(before.used) == [("A58003", "conditional"), (None, "no-decision")]
    assert [f.note for f in before.not_used] == ["not in effect on 2023-06-01: it starts 2024-07-01"]
    after = check("1001T", "Medicare", on=JUNE_2025, diagnosis="R15.9")
    assert after.coverage == "not-covered"
    assert policies(after.used) == [("A58002", "not-covered"), (None, "no-decision")]
    assert [(f.policy, f.note) for f in after.not_used] == [("A58003", "not in effect on 2025-06-01: it ended 2023-12-31")]
    by_jurisdiction = check("20610", "J-L", on=JUNE_2025, diagnosis="M17.12")
    assert by_jurisdiction.coverage == "covered"
    assert by_jurisdiction.used[0].publishers == ("Novitas Solutions, Inc. (J-L)",)
    assert check("20610", "01112", on=JUNE_2025).coverage == "unknown"  # Noridian J-E has no article for 20610


def test_place_of_service_outside_the_policy_is_not_used(check):
    office = check("1001T", "UnitedHealthcare", on=JUNE_2025, diagnosis="R15.9", place_of_service="11")
    assert office.coverage == "unknown"
    assert [(f.policy, f.note) for f in office.not_used] == [("UHC-2025T001", "it covers other places of service, not 11")]
    asc = check("1001T", "UnitedHealthcare", on=JUNE_2025, diagnosis="R15.9", place_of_service="24")
    assert (asc.coverage, asc.prior_authorization) == ("conditional", "required")
    assert asc.used[0].note.endswith("covers place of service 24")
    excluded = check("1001T", "UnitedHealthcare", on=JUNE_2025, diagnosis="R15.0", place_of_service="24")
    assert excluded.coverage == "not-covered"


def test_line_of_business(check):
    commercial = check("20610", "UnitedHealthcare", on=JUNE_2025, line_of_business="commercial")
    assert commercial.coverage == "unknown"
    assert [f.note for f in commercial.not_used] == ["it is for medicare-advantage, not commercial"]
    advantage = check("20610", "UnitedHealthcare", on=JUNE_2025, line_of_business="medicare-advantage")
    assert (advantage.coverage, advantage.prior_authorization) == ("covered", "not-required")


def test_covered_outright(check):
    answer = check("20610", "Aetna", on=JUNE_2025, place_of_service="22")
    assert (answer.coverage, answer.prior_authorization) == ("covered", "not-required")
    assert answer.used[0].note == "covered; covers place of service 22"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"code": "ABC12"}, "code: 'ABC12' is not a CPT or HCPCS code"),
        ({"diagnosis": "R15-9"}, "diagnosis: 'R15-9' is not an ICD-10-CM code"),
        ({"place_of_service": "100"}, "place_of_service: '100' is not in the graph's place-of-service codes"),
        ({"place_of_service": "11;22"}, "place_of_service: '11;22' is not in the graph's place-of-service codes"),
        ({"line_of_business": "employer"}, "line_of_business: unknown line of business 'employer'"),
        ({"payer": "  "}, "payer: no payer named"),
    ],
)
def test_bad_inputs_are_errors_that_name_the_option(stores, options, message):
    from codegraph.cli import cli_message

    arguments = {"code": "J7321", "payer": "Aetna", **options}
    with pytest.raises(QueryError) as error:
        check_coverage(stores["memory"], arguments.pop("code"), arguments.pop("payer"), on=JUNE_2025, **arguments)
    assert str(error.value).startswith(message)  # the library names its parameter ...
    flag = {"diagnosis": "dx", "place_of_service": "pos", "line_of_business": "line-of-business"}.get(message.split(":")[0], message.split(":")[0])
    assert cli_message(error.value).startswith(f"--{flag}:")  # ... the command line its flag


# ---------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    """A store made the way a user makes one: build, then the two imports, all through the CLI."""
    from codegraph.cli import main

    store = tmp_path_factory.mktemp("cli") / "store"
    for args in (["build", str(ROOT / SEED), "--store", str(store), "--no-validate"],
                 ["import", "payer-policy", str(ROOT / POLICIES), str(ROOT / BULLETIN), "--store", str(store)],
                 ["import", "mcd", str(ROOT / MCD), "--store", str(store)]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 0, args
    return store


def test_cli_check_conflict_text(run_cli, cli_store):
    code, out, _err = run_cli("coverage", "check", "--code", "J7321", "--payer", "cigna", "--date", "2025-06-01", "--store", cli_store)
    assert code == 0
    assert "coverage:            conflict (sources disagree)" in out
    assert "prior authorization: required" in out
    assert "CIG-0032" in out and "CIG-2025-07" in out
    assert f"from {ROOT / POLICIES} line 7: {line_of(POLICIES, 7)}" in out


def test_cli_check_json_and_unknown_exits_zero(run_cli, cli_store):
    code, out, _err = run_cli("coverage", "check", "--code", "1001T", "--payer", "Example State Medicaid", "--date", "2025-06-01",
                              "--store", cli_store, "--format", "json")
    assert code == 0
    answer = json.loads(out)
    assert (answer["coverage"], answer["prior_authorization"], answer["used"]) == ("unknown", "unknown", [])
    code, out, _err = run_cli("coverage", "check", "--code", "0627T", "--payer", "UnitedHealthcare", "--date", "2025-06-01",
                              "--store", cli_store, "--format", "json")
    answer = json.loads(out)
    assert answer["coverage"] == "conditional"
    assert [(f["policy"], f["effective_through"]) for f in answer["not_used"]] == [("UHC-2024T034", "2024-12-31")]


def test_cli_check_errors(run_cli, cli_store):
    code, _out, err = run_cli("coverage", "check", "--code", "J7321", "--payer", "Aetna", "--dx", "not a code", "--store", cli_store)
    assert code == 2 and "--dx: 'not a code' is not an ICD-10-CM code" in err
    code, _out, err = run_cli("coverage", "check", "--code", "J7321", "--payer", "Aetna")
    assert code == 2 and "--data FILE or --store DIR" in err
