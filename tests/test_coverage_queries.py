"""The coverage questions (queries/coverage/*.rq) on a fixture graph: exact rows, the same in
memory and in the embedded Oxigraph store, and parameters that stay values whatever they hold.

The fixture graph is the seed page (1001T: five payers, policies declared unavailable), the two
payer policy tables under tests/fixtures/payer-policy/ and the MCD article tables under
tests/fixtures/mcd/, read with paths relative to the repository so rows name them stably.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from rdflib import Literal
from rdflib.plugins.sparql import prepareQuery

from codegraph import (
    QueryError,
    run_named_query,
)
from codegraph.query import bind_parameters, get_query, load_catalog
from coverage_data import BULLETIN, HCPC, MCD, POLICIES, ROOT, SEED, build_coverage_fixture, line_of

BACKENDS = ("memory", "oxigraph")
COVERAGE_QUERIES = sorted(name for name, spec in load_catalog().items() if spec.topic == "coverage")


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    memory, oxigraph = build_coverage_fixture(tmp_path_factory.mktemp("coverage-store"))
    return {"memory": memory, "oxigraph": oxigraph}


def rows(store, name: str, **params: str) -> list[tuple[str, ...]]:
    return [tuple("" if value is None else str(value) for value in row) for row in run_named_query(store, name, params).rows]


def same_rows(stores, name: str, **params: str) -> list[tuple[str, ...]]:
    """The rows, after checking that both stores return exactly the same terms in the same order."""
    memory = run_named_query(stores["memory"], name, params)
    oxigraph = run_named_query(stores["oxigraph"], name, params)
    assert memory.variables == oxigraph.variables == list(get_query(name).columns)
    assert memory.rows == oxigraph.rows
    return rows(stores["memory"], name, **params)


# ---------------------------------------------------------------- the catalog


def test_the_coverage_library_has_every_question():
    assert set(COVERAGE_QUERIES) >= {
        "payers-for-code", "prior-auth-required", "coverage-assertions", "source-disagreements",
        "diagnoses-for-coverage", "policies-effective-on", "policies-changed-since", "codes-without-decision",
        "category-iii-coverage", "places-of-service-for-code", "modifiers-for-code", "related-codes",
        "coverage-evidence", "coverage-check",
    }


@pytest.mark.parametrize("name", COVERAGE_QUERIES)
def test_each_example_in_the_header_returns_rows_on_both_stores(stores, name):
    spec = get_query(name)
    assert spec.examples, f"{spec.path}: add an '#+ example:' header (the README quotes it)"
    assert set(spec.required) <= set(spec.examples)
    prepareQuery(bind_parameters(spec, spec.examples))
    assert same_rows(stores, name, **spec.examples), f"{name} returned no rows for its example"


# ---------------------------------------------------------------- one test per question


def test_payers_for_code_lists_every_source_with_its_evidence(stores):
    assert same_rows(stores, "payers-for-code", code="J7321") == [
        ("Aetna", "conditional", "required", "CPB-0179", "2024-01-01", line_of(POLICIES, 3), "3", POLICIES),
        ("Cigna", "covered", "required", "CIG-2025-07", "2025-03-01", line_of(BULLETIN, 2), "2", BULLETIN),
        ("Cigna", "not-covered", "unknown", "CIG-0032", "2024-03-01", line_of(POLICIES, 7), "7", POLICIES),
        ("Example State Medicaid", "covered", "required", "PH-112", "2024-07-01", line_of(POLICIES, 14), "14", POLICIES),
        ("Medicare", "conditional", "unknown", "A58001", "2024-01-01", line_of(HCPC, 3), "3", HCPC),
    ]


def test_prior_auth_required_at_a_payer_and_on_a_date(stores):
    assert same_rows(stores, "prior-auth-required", payer="unitedhealthcare") == [
        ("0627T", "CPT", "commercial", "UHC-2024T034", "2025-01-01", "", POLICIES, "10"),
        ("1001T", "CPT", "commercial", "UHC-2025T001", "2025-01-01", "", POLICIES, "8"),
    ]
    assert same_rows(stores, "prior-auth-required", payer="UnitedHealthcare", date="2024-06-01") == []
    assert same_rows(stores, "prior-auth-required", payer="Example State Medicaid", date="2024-07-01") == [
        ("J7321", "HCPCS", "medicaid", "PH-112", "2024-07-01", "", POLICIES, "14"),
    ]


def test_coverage_assertions_are_the_rows_the_matrix_weighs(stores):
    found = same_rows(stores, "coverage-assertions", code="0627T")
    # every column but the assertion's IRI: code, payer, status, prior auth, line of business, policy, dates, supporting diagnoses
    assert sorted(row[:2] + row[3:] for row in found) == [
        ("0627T", "Aetna", "experimental", "unknown", "commercial", "CPB-0999", "2025-01-01", "", "0"),
        ("0627T", "Medicare", "not-covered", "unknown", "medicare-ffs", "A58002", "2024-07-01", "", "0"),
        ("0627T", "UnitedHealthcare", "conditional", "required", "commercial", "UHC-2024T034", "2025-01-01", "", "2"),
        ("0627T", "UnitedHealthcare", "not-covered", "unknown", "commercial", "UHC-2024T034", "2023-07-01", "2024-12-31", "0"),
    ]


def test_codes_where_two_sources_disagree_for_one_payer(stores):
    expected = [("J7321", "Cigna", "covered", "CIG-2025-07", BULLETIN, "2", "not-covered", "CIG-0032", POLICIES, "7")]
    assert same_rows(stores, "source-disagreements") == expected
    assert same_rows(stores, "source-disagreements", payer="CIGNA", date="2025-06-01") == expected
    # Before the bulletin took effect there was one position only; the old and new UHC 0627T
    # versions never overlap, so they are a change, not a disagreement.
    assert same_rows(stores, "source-disagreements", date="2025-01-15") == []


def test_covered_and_non_covered_diagnoses_for_a_code_and_payer(stores):
    group_yes = "Group 1: Primary osteoarthritis of the knee (covered)"
    group_no = "Group 1: Unspecified osteoarthritis and knee pain alone do not support medical necessity (non-covered)"
    assert same_rows(stores, "diagnoses-for-coverage", code="J7321", payer="Medicare") == [
        ("Medicare", "excludes coverage", "M17.9", "", group_no, "A58001", "2024-01-01", "", HCPC, "3"),
        ("Medicare", "excludes coverage", "M25.561", "", group_no, "A58001", "2024-01-01", "", HCPC, "3"),
        ("Medicare", "supports coverage", "M17.0", "", group_yes, "A58001", "2024-01-01", "", HCPC, "3"),
        ("Medicare", "supports coverage", "M17.11", "", group_yes, "A58001", "2024-01-01", "", HCPC, "3"),
        ("Medicare", "supports coverage", "M17.12", "", group_yes, "A58001", "2024-01-01", "", HCPC, "3"),
    ]
    assert same_rows(stores, "diagnoses-for-coverage", code="1001T", date="2025-06-01") == [
        ("UnitedHealthcare", "excludes coverage", "R15.0", "", "", "UHC-2025T001", "2025-01-01", "", POLICIES, "8"),
        ("UnitedHealthcare", "supports coverage", "R15.2", "", "", "UHC-2025T001", "2025-01-01", "", POLICIES, "8"),
        ("UnitedHealthcare", "supports coverage", "R15.9", "", "", "UHC-2025T001", "2025-01-01", "", POLICIES, "8"),
    ]


def test_policies_effective_on_a_date(stores):
    article = "https://www.cms.gov/medicare-coverage-database/view/article.aspx?articleId=58003&ver=4"
    assert same_rows(stores, "policies-effective-on", date="2023-06-01") == [
        ("A58003", "Billing and Coding: Autologous Cell Injections (Retired)", "Novitas Solutions, Inc.", "J-L",
         "2022-01-01", "2023-12-31", "1", article),
    ]
    on_2025 = same_rows(stores, "policies-effective-on", date="2025-06-01")
    assert [(r[0], r[2], r[3], r[6]) for r in on_2025] == [
        ("A58001", "Novitas Solutions, Inc.", "J-H", "2"),
        ("A58001", "Novitas Solutions, Inc.", "J-L", "2"),
        ("A58002", "Noridian Healthcare Solutions, LLC", "J-E", "2"),
        ("BCBS-7.01.20", "Blue Cross Blue Shield", "", "1"),
        ("CIG-0032", "Cigna", "", "1"),
        ("CIG-0201", "Cigna", "", "1"),
        ("CIG-2025-07", "Cigna", "", "2"),
        ("CPB-0179", "Aetna", "", "1"),
        ("CPB-0673", "Aetna", "", "1"),
        ("CPB-0999", "Aetna", "", "2"),
        ("PH-112", "Example State Medicaid", "", "1"),
        ("UHC-2024T034", "UnitedHealthcare", "", "1"),  # the 2025 version only: the 2023 one ended
        ("UHC-2025T001", "UnitedHealthcare", "", "1"),
        ("UHC-MA-0610", "UnitedHealthcare", "", "1"),
    ]


def test_policies_changed_since_a_date(stores):
    assert same_rows(stores, "policies-changed-since", since="2024-12-01") == [
        ("UHC-2024T034", "Spinal procedures", "UnitedHealthcare", "ends", "2024-12-31", "", "https://example.org/uhc/2024t034"),
        ("CPB-0999", "Emerging technology services", "Aetna", "new", "2025-01-01", "", "https://example.org/aetna/cpb-0999"),
        ("UHC-2024T034", "Spinal procedures", "UnitedHealthcare", "revised", "2025-01-01", "2023-07-01", "https://example.org/uhc/2024t034"),
        ("UHC-2025T001", "Category III codes", "UnitedHealthcare", "new", "2025-01-01", "", "https://example.org/uhc/2025t001"),
        ("CIG-2025-07", "Policy update bulletin July 2025", "Cigna", "new", "2025-03-01", "", "https://example.org/cigna/bulletins/2025-07"),
    ]
    assert same_rows(stores, "policies-changed-since", since="2025-02-01") == [
        ("CIG-2025-07", "Policy update bulletin July 2025", "Cigna", "new", "2025-03-01", "", "https://example.org/cigna/bulletins/2025-07"),
    ]


def test_codes_with_no_coverage_decision_from_a_payer(stores):
    assert same_rows(stores, "codes-without-decision", payer="blue cross blue shield") == [
        ("0627T", "CPT", "no coverage data for this payer", "", "", ""),
        ("1001T", "CPT", "the source states no decision", "not-stated", POLICIES, "13"),
        ("1001T", "CPT", "the source states no decision", "source-declares-unavailable", SEED, "5"),
        ("J7321", "HCPCS", "no coverage data for this payer", "", "", ""),
    ]
    # On 2024-06-01 UHC's 1001T policy had not started, and its old 0627T one was in effect.
    assert same_rows(stores, "codes-without-decision", payer="UnitedHealthcare", date="2024-06-01") == [
        ("1001T", "CPT", "the source states no decision", "source-declares-unavailable", SEED, "5"),
        ("J7321", "HCPCS", "no coverage data for this payer", "", "", ""),
    ]
    assert [r[0] for r in same_rows(stores, "codes-without-decision", payer="Humana")] == ["0627T", "1001T", "20610", "J7321"]


def test_category_iii_codes_and_their_coverage(stores):
    assert same_rows(stores, "category-iii-coverage", payer="medicare") == [
        ("0627T", "Medicare", "not-covered", "unknown", "A58002", "2024-07-01", ""),
        ("1001T", "Medicare", "conditional", "unknown", "A58003", "2022-01-01", "2023-12-31"),
        ("1001T", "Medicare", "not-covered", "unknown", "A58002", "2024-07-01", ""),
        ("1001T", "Medicare", "source-declares-unavailable", "unknown", "", "", ""),
    ]
    on_2025 = same_rows(stores, "category-iii-coverage", date="2025-06-01")
    assert {r[0] for r in on_2025} == {"0627T", "1001T"}  # 20610 and J7321 are not Category III
    assert ("1001T", "Medicare", "conditional", "unknown", "A58003", "2022-01-01", "2023-12-31") not in on_2025


def test_places_of_service_for_a_code(stores):
    assert same_rows(stores, "places-of-service-for-code", code="1001T") == [
        ("11", "Office", "candidate: the source's setting is ambiguous", "", "", SEED, "11"),
        ("22", "On Campus-Outpatient Hospital", "payer policy covers it here", "UnitedHealthcare", "UHC-2025T001", POLICIES, "8"),
        ("24", "Ambulatory Surgical Center", "payer policy covers it here", "UnitedHealthcare", "UHC-2025T001", POLICIES, "8"),
        ("24", "Ambulatory Surgical Center", "site of service the source names", "", "", SEED, "11"),
        ("49", "Independent Clinic", "candidate: the source's setting is ambiguous", "", "", SEED, "11"),
    ]
    assert [(r[0], r[3]) for r in same_rows(stores, "places-of-service-for-code", code="20610")] == [
        ("11", "Aetna"), ("11", "Blue Cross Blue Shield"), ("11", "Cigna"),
        ("19", "Blue Cross Blue Shield"), ("22", "Aetna"), ("22", "Blue Cross Blue Shield"),
    ]


def test_modifiers_for_a_code_and_when_to_use_them(stores):
    modifiers = f"{MCD}/article_x_hcpc_modifier.csv"
    right_or_left = "Report RT or LT to show which knee was injected."
    assert same_rows(stores, "modifiers-for-code", code="J7321") == [
        ("JZ", "Zero drug amount discarded", "", "", "Aetna policy names it", "CPB-0179", POLICIES, "3"),
        ("JZ", "Zero drug amount discarded", "", "", "Example State Medicaid policy names it", "PH-112", POLICIES, "14"),
        ("JZ", "Zero drug amount discarded", "Zero drug amount discarded",
         "Report JZ on the drug line when none of a single-dose vial was discarded.", "policy lists it", "A58001", modifiers, "4"),
        ("LT", "Left side", "", "", "Aetna policy names it", "CPB-0179", POLICIES, "3"),
        ("LT", "Left side", "Left side", right_or_left, "policy lists it", "A58001", modifiers, "3"),
        ("RT", "Right side", "", "", "Aetna policy names it", "CPB-0179", POLICIES, "3"),
        ("RT", "Right side", "Right side", right_or_left, "policy lists it", "A58001", modifiers, "2"),
    ]
    assert same_rows(stores, "modifiers-for-code", code="1001T") == [
        ("25", "Significant, separately identifiable E/M same day", "", "", "document lists it", "", SEED, "20"),
    ]


def test_related_codes(stores):
    assert same_rows(stores, "related-codes", code="J7321") == [
        ("20610", "CPT", "same policy", "A58001", HCPC, "2"),
        ("20610", "CPT", "same policy", "CIG-2025-07", BULLETIN, "3"),
    ]
    assert same_rows(stores, "related-codes", code="1001T") == [
        ("0627T", "CPT", "same policy", "A58002", HCPC, "4"),
        ("0627T", "CPT", "same policy", "CPB-0999", POLICIES, "5"),
    ]


def test_the_evidence_behind_a_coverage_answer(stores):
    article = f"{MCD}/article.csv"

    def sha(path: str) -> str:
        return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()

    assert same_rows(stores, "coverage-evidence", code="1001T", payer="Medicare") == [
        ("Medicare", "source-declares-unavailable", "unknown", "", "", "the coverage statement", SEED, sha(SEED), "5", line_of(SEED, 5)),
        ("Medicare", "not-covered", "unknown", "A58002", "Billing and Coding: Category III CPT Codes", "the coverage statement",
         HCPC, sha(HCPC), "5", line_of(HCPC, 5)),
        ("Medicare", "not-covered", "unknown", "A58002", "Billing and Coding: Category III CPT Codes", "the policy's own record",
         article, sha(article), "3", line_of(article, 3)),
        ("Medicare", "conditional", "unknown", "A58003", "Billing and Coding: Autologous Cell Injections (Retired)", "the coverage statement",
         HCPC, sha(HCPC), "6", line_of(HCPC, 6)),
        ("Medicare", "conditional", "unknown", "A58003", "Billing and Coding: Autologous Cell Injections (Retired)", "the policy's own record",
         article, sha(article), "4", line_of(article, 4)),
    ]


def test_coverage_check_query_says_how_each_assertion_relates_to_the_case(stores):
    found = same_rows(stores, "coverage-check", code="J7321", payer="Medicare", dx="M17.9", pos="11")
    assert [(r[1], r[5], r[8], r[9], r[11], r[12], r[13]) for r in found] == [
        ("Medicare", "A58001", "J-H", "2024-01-01", "excludes", "3", "no-list"),
        ("Medicare", "A58001", "J-L", "2024-01-01", "excludes", "3", "no-list"),
    ]
    by_jurisdiction = same_rows(stores, "coverage-check", code="1001T", payer="j-e")
    assert [(r[5], r[9], r[11]) for r in by_jurisdiction] == [("A58002", "2024-07-01", "not-asked")]


# ---------------------------------------------------------------- parameters are values

HOSTILE = [
    'J7321" } } DROP ALL #',
    "J7321'\n} UNION { ?s ?p ?o }",
    "{ } # SELECT * WHERE { ?s ?p ?o }",
    "Aetna\" . ?x ?y ?z . FILTER(true) #",
    "DELETE WHERE { ?s ?p ?o }",
    "\\u0022) } #",
]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("backend", BACKENDS)
def test_hostile_values_are_matched_as_values(stores, backend, hostile):
    store = stores[backend]
    assert rows(store, "payers-for-code", code=hostile) == []
    assert rows(store, "prior-auth-required", payer=hostile) == []
    assert rows(store, "diagnoses-for-coverage", code="J7321", payer=hostile) == []
    assert rows(store, "coverage-check", code="J7321", payer="Aetna", dx=hostile)[0][11] == "not-listed"
    assert rows(store, "source-disagreements", payer=hostile) == []
    # ... and the store is unchanged: the real questions still get their rows.
    assert len(rows(store, "payers-for-code", code="J7321")) == 5


def test_a_payer_name_with_quotes_and_braces_is_one_literal_in_the_values_block():
    text = bind_parameters(get_query("prior-auth-required"), {"payer": 'A" } ; DROP ALL ; { "'})
    assert 'VALUES (?payer) { ("A\\" } ; DROP ALL ; { \\"") }' in text
    prepareQuery(text)


@pytest.mark.parametrize("bad", ["2025-13-01", "2025-02-30", "yesterday", "2025-06-01\" } #", "20250601", ""])
def test_a_date_parameter_must_be_a_date(bad):
    with pytest.raises(QueryError, match="parameter date must be a date YYYY-MM-DD"):
        bind_parameters(get_query("policies-effective-on"), {"date": bad})


def test_a_date_parameter_is_bound_as_an_xsd_date():
    spec = get_query("policies-changed-since")
    assert spec.param_types == {"since": "xsd:date"}
    assert '"2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in bind_parameters(spec, {"since": " 2025-01-01 "})
    from rdflib.namespace import XSD  # not at module level: pytest's collection probes module attributes

    typed = Literal("2025-01-01", datatype=XSD.date)  # an rdflib term is bound as it is
    assert typed.n3() in bind_parameters(spec, {"since": typed})


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ params: day\n#+ param.day: xsd:dateTime the moment\n", "has type xsd:dateTime"),
        ("#+ params: code\n#+ example: code=1001T, payer=Aetna\n", "parameter(s) ['payer'] that '#+ params:' does not list"),
        ("#+ params: code\n#+ example: code\n", "takes NAME=VALUE pairs"),
    ],
)
def test_header_mistakes_are_catalog_errors(tmp_path, header, message):
    from codegraph import CatalogError, ResourceError
    from codegraph.query.catalog import parse_query_file

    query = tmp_path / "topic" / "q.rq"
    query.parent.mkdir()
    query.write_text(f"#+ summary: s\n{header}SELECT * WHERE {{ ?s ?p ?o }}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape(message)) as raised:
        parse_query_file(query)
    assert isinstance(raised.value, ValueError) and not isinstance(raised.value, ResourceError)  # malformed, not missing
