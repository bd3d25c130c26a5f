"""Imports of coverage tables: rows become assertions whose evidence names the file and row; bad
rows are reported (file, line, column, reason) and never stop the good ones."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, SKOS, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from codegraph import add_import, import_dataset, import_mcd, import_payer_policy, load_import_into_store, validate_graph
from codegraph.imports.table import read_table
from codegraph.rdf import iris
from codegraph.rdf.namespaces import CG, SCHEMA

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
POLICIES = "tests/fixtures/payer-policy/payer-policies.csv"
BAD_ROWS = "tests/fixtures/payer-policy/bad-rows.csv"
MCD = "tests/fixtures/mcd"
ICD = "http://purl.bioontology.org/ontology/ICD10CM/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")  # rdflib's XSD namespace at module level upsets pytest's collection
HEADER = ("code_system,code,payer,line_of_business,status,prior_auth,policy_id,policy_title,policy_url,"
          "effective_from,effective_through,supporting_icd10,excluding_icd10,documentation,modifiers,place_of_service")


def sha256(path: str | Path) -> str:
    return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()


def lines(path: str | Path) -> list[str]:
    return (ROOT / path).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def policy_batch():
    with contextlib.chdir(ROOT):
        return import_payer_policy([POLICIES])


@pytest.fixture(scope="module")
def policy_graph(policy_batch):
    return import_dataset(policy_batch, include_reference=False)


@pytest.fixture(scope="module")
def mcd_batch():
    with contextlib.chdir(ROOT):
        return import_mcd(MCD)


@pytest.fixture(scope="module")
def mcd_graph(mcd_batch):
    return import_dataset(mcd_batch, include_reference=False)


def assertion_at(graph, line: int) -> URIRef:
    """The assertion whose evidence is row ``line``."""
    (node,) = {a for a, _p, ev in graph.triples((None, CG.evidence, None)) if graph.value(ev, CG.line) == Literal(line)}
    return node


# ---------------------------------------------------------------- payer policy table


def test_every_row_becomes_an_assertion_citing_its_file_and_row(policy_batch, policy_graph):
    assert (policy_batch.rows_read, policy_batch.assertions, policy_batch.errors) == (13, 13, [])
    (graph_name,) = policy_batch.graphs
    assert graph_name == iris.import_graph_iri(Path(POLICIES).name)  # the source key: the table's file name
    text = (ROOT / POLICIES).read_text(encoding="utf-8")
    document = iris.document_iri(Path(POLICIES).name)
    assert (document, CG.sha256, Literal(sha256(POLICIES))) in policy_graph
    assert (document, CG.sourcePath, Literal(POLICIES)) in policy_graph
    assertions = set(policy_graph.subjects(RDF.type, CG.CoverageAssertion))
    assert len(assertions) == 13
    for assertion in assertions:
        (evidence,) = policy_graph.objects(assertion, CG.evidence)
        line = policy_graph.value(evidence, CG.line).toPython()
        quote = str(policy_graph.value(evidence, CG.quote))
        assert quote == lines(POLICIES)[line - 1]
        start, end = (policy_graph.value(evidence, p).toPython() for p in (CG.startOffset, CG.endOffset))
        assert text[start:end] == quote
        assert policy_graph.value(evidence, CG.inDocument) == document
        assert str(assertion).endswith(f"/line-{line}")


def test_a_row_maps_to_the_coverage_model(policy_graph):
    node = assertion_at(policy_graph, 3)  # Aetna J7321, conditional, prior auth required
    expected = {
        (CG.billingCode, URIRef("http://purl.bioontology.org/ontology/HCPCS/J7321")),
        (CG.payer, iris.payer_iri("Aetna")),
        (CG.coverageStatus, iris.value_iri("coverage-status", "conditional")),
        (CG.priorAuthorization, iris.value_iri("prior-auth", "required")),
        (CG.lineOfBusiness, iris.value_iri("line-of-business", "commercial")),
        (CG.policy, iris.policy_iri("Aetna", "CPB-0179", "2024-01-01")),
        (CG.policyIdentifier, Literal("CPB-0179")),
        (CG.effectiveFrom, Literal("2024-01-01", datatype=XSD_DATE)),
        (CG.documentationRequirement,
         Literal("Radiographic knee osteoarthritis, and knee pain not relieved by 3 months of conservative therapy")),
        (CG.supportingDiagnosis, URIRef(ICD + "M17.0")),
        (CG.supportingDiagnosis, URIRef(ICD + "M17.11")),
        (CG.supportingDiagnosis, URIRef(ICD + "M17.12")),
        (CG.excludingDiagnosis, URIRef(ICD + "M17.9")),
        (CG.appliesToModifier, iris.modifier_iri("RT")),
        (CG.appliesToModifier, iris.modifier_iri("LT")),
        (CG.appliesToModifier, iris.modifier_iri("JZ")),
        (CG.appliesToPlaceOfService, iris.place_of_service_iri("11")),
        (CG.appliesToPlaceOfService, iris.place_of_service_iri("22")),
    }
    assert expected <= set(policy_graph.predicate_objects(node))
    assert policy_graph.value(node, CG.effectiveThrough) is None
    # 'UHC' in the payer column is the same payer node documents use.
    assert policy_graph.value(assertion_at(policy_graph, 8), CG.payer) == iris.payer_iri("UnitedHealthcare")
    assert (iris.payer_iri("UnitedHealthcare"), SCHEMA.name, Literal("UnitedHealthcare")) in policy_graph


def test_policy_documents_and_their_revisions(policy_graph):
    policy = iris.policy_iri("Aetna", "CPB-0179", "2024-01-01")
    assert (policy, RDF.type, CG.PolicyDocument) in policy_graph
    assert (policy, DCTERMS.title, Literal("Viscosupplementation", lang="en")) in policy_graph
    assert (policy, DCTERMS.publisher, iris.payer_iri("Aetna")) in policy_graph
    assert (policy, SCHEMA.url, URIRef("https://example.org/aetna/cpb-0179")) in policy_graph
    old = iris.policy_iri("UnitedHealthcare", "UHC-2024T034", "2023-07-01")
    new = iris.policy_iri("UnitedHealthcare", "UHC-2024T034", "2025-01-01")
    assert (old, CG.effectiveThrough, Literal("2024-12-31", datatype=XSD_DATE)) in policy_graph
    assert (new, PROV.wasRevisionOf, old) in policy_graph
    assert policy_graph.value(old, PROV.wasRevisionOf) is None
    (evidence,) = policy_graph.objects(new, PROV.wasDerivedFrom)
    assert policy_graph.value(evidence, CG.line) == Literal(10)


def test_the_same_source_gives_the_same_graph(policy_batch, tmp_path):
    copy = tmp_path / "elsewhere" / Path(POLICIES).name  # the same table read from another folder
    copy.parent.mkdir()
    shutil.copy(ROOT / POLICIES, copy)
    again = import_payer_policy([copy])
    assert list(again.graphs) == list(policy_batch.graphs)
    (first,), (second,) = policy_batch.graphs.values(), again.graphs.values()
    assert len(first) == len(second)
    # Only the path the file was read from differs.
    assert {(s, p) for s, p, o in first ^ second} == {(iris.document_iri(Path(POLICIES).name), CG.sourcePath)}
    renamed = tmp_path / "renamed.csv"
    shutil.copy(ROOT / POLICIES, renamed)
    assert list(import_payer_policy([renamed]).graphs) == [iris.import_graph_iri("renamed.csv")]
    assert list(import_payer_policy([renamed], source_id=Path(POLICIES).name).graphs) == list(policy_batch.graphs)


def test_an_import_conforms_to_the_shapes(policy_batch, mcd_batch):
    dataset = add_import(import_dataset(policy_batch), mcd_batch)
    report = validate_graph(dataset)
    assert report.counts()["violation"] == 0, report.render_text()


def test_bad_rows_are_reported_and_the_good_rows_still_import():
    with contextlib.chdir(ROOT):
        batch = import_payer_policy([BAD_ROWS])
    assert [(e.file, e.line, e.column) for e in batch.errors] == [
        (BAD_ROWS, 3, "code"),
        (BAD_ROWS, 4, "status"),
        (BAD_ROWS, 5, "effective_from"),
        (BAD_ROWS, 6, "effective_through"),
        (BAD_ROWS, 7, "supporting_icd10"),
        (BAD_ROWS, 8, "payer"),
        (BAD_ROWS, 9, "line_of_business"),
        (BAD_ROWS, 10, "place_of_service"),
        (BAD_ROWS, 11, None),
    ]
    reasons = [e.reason for e in batch.errors]
    assert reasons[0] == "'J7321' is not a CPT code (5 digits, or 4 digits and F, T or U)"
    assert reasons[2] == "'2024-13-01' is not a date; write YYYY-MM-DD"
    assert reasons[3] == "2024-01-01 is before effective_from 2025-01-01"
    assert reasons[8] == "the row has 17 fields but the header has 16; quote cells that contain commas"
    assert str(batch.errors[1]).startswith(f"{BAD_ROWS}:4: column status: unknown status 'maybe'")
    graph = import_dataset(batch, include_reference=False)
    assert batch.assertions == 2
    # Line 12 is a record whose quoted diagnosis list spans two lines: it cites line 12, whole.
    humana = assertion_at(graph, 12)
    evidence = graph.value(humana, CG.evidence)
    assert str(graph.value(evidence, CG.quote)) == "\n".join(lines(BAD_ROWS)[11:13])
    assert set(graph.objects(humana, CG.supportingDiagnosis)) == {URIRef(ICD + "M17.11"), URIRef(ICD + "M17.12")}


def test_one_policy_version_cannot_have_two_titles(tmp_path):
    table = tmp_path / "policies.csv"
    table.write_text(
        f"{HEADER}\n"
        "CPT,20610,Aetna,commercial,covered,not-required,P-1,Joint injections,,2024-01-01,,,,,,\n"
        "HCPCS,J7321,Aetna,commercial,covered,not-required,P-1,Knee injections,,2024-01-01,,,,,,\n"
        "HCPCS,J7321,Aetna,commercial,covered,not-required,P-1,Knee injections,,2025-01-01,,,,,,\n",
        encoding="utf-8",
    )
    batch = import_payer_policy([table])
    assert [(e.line, e.column) for e in batch.errors] == [(3, "policy_title")]
    assert "already has policy_title 'Joint injections' at line 2" in batch.errors[0].reason
    assert batch.assertions == 2  # and the 2025 version is a revision of the 2024 one
    graph = import_dataset(batch, include_reference=False)
    assert (iris.policy_iri("Aetna", "P-1", "2025-01-01"), PROV.wasRevisionOf, iris.policy_iri("Aetna", "P-1", "2024-01-01")) in graph


@pytest.mark.parametrize(
    ("header", "column", "reason"),
    [
        ("code_system,code,payer", "status", "the header has no column 'status'"),
        (HEADER + ",effective_form", "effective_form", "unknown column 'effective_form'"),
    ],
)
def test_a_bad_header_stops_that_file_only(tmp_path, header, column, reason):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header}\n", encoding="utf-8")
    batch = import_payer_policy([bad, ROOT / POLICIES])
    assert [(e.file, e.line, e.column) for e in batch.errors] == [(str(bad), 1, column)]
    assert reason in batch.errors[0].reason
    assert batch.assertions == 13 and len(batch.graphs) == 1


def test_the_reader_keeps_offsets_through_crlf_bom_and_windows_1252(tmp_path):
    table = tmp_path / "t.csv"
    table.write_bytes(b"\xef\xbb\xbfa,b\r\n1,\"x\r\ny\"\r\n\r\n2,caf\xc3\xa9\r\n")
    read = read_table(table, "t", ("a", "b"), "t.csv")
    assert [(row.line, row.values, row.evidence.quote) for row in read.rows] == [
        (2, {"a": "1", "b": "x\r\ny"}, '1,"x\r\ny"'),
        (5, {"a": "2", "b": "café"}, "2,café"),
    ]
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(b"a,b\n1,Caf\xe9 \x96 bar\n")  # Windows-1252: é and an en dash
    assert read_table(legacy, "t", ("a", "b"), "legacy.csv").rows[0].values["b"] == "Café \u2013 bar"


# ---------------------------------------------------------------- MCD article export


def test_mcd_articles_become_medicare_assertions(mcd_batch, mcd_graph):
    assert (mcd_batch.assertions, mcd_batch.policies, mcd_batch.errors) == (5, 3, [])
    hcpc = f"{MCD}/article_x_hcpc_code.csv"
    found = {}
    for node in mcd_graph.subjects(RDF.type, CG.CoverageAssertion):
        evidence = mcd_graph.value(node, CG.evidence)
        assert mcd_graph.value(evidence, CG.inDocument) == iris.document_iri("cms-mcd-current-articles/article_x_hcpc_code.csv")
        line = mcd_graph.value(evidence, CG.line).toPython()
        assert str(mcd_graph.value(evidence, CG.quote)) == lines(hcpc)[line - 1]
        assert mcd_graph.value(node, CG.payer) == iris.payer_iri("Medicare")
        assert mcd_graph.value(node, CG.lineOfBusiness) == iris.value_iri("line-of-business", "medicare-ffs")
        assert mcd_graph.value(node, CG.priorAuthorization) == iris.value_iri("prior-auth", "unknown")
        code = str(mcd_graph.value(node, CG.billingCode)).rsplit("/", 1)[1]
        found[(str(mcd_graph.value(node, CG.policyIdentifier)), code)] = (
            str(mcd_graph.value(node, CG.coverageStatus)).rsplit("/", 1)[1],
            sorted(str(d)[len(ICD):] for d in mcd_graph.objects(node, CG.supportingDiagnosis)),
            sorted(str(d)[len(ICD):] for d in mcd_graph.objects(node, CG.excludingDiagnosis)),
            line,
        )
    assert found == {
        ("A58001", "20610"): ("conditional", ["M17.0", "M17.11", "M17.12"], ["M17.9", "M25.561"], 2),
        ("A58001", "J7321"): ("conditional", ["M17.0", "M17.11", "M17.12"], ["M17.9", "M25.561"], 3),
        ("A58002", "0627T"): ("not-covered", [], [], 4),
        ("A58002", "1001T"): ("not-covered", [], [], 5),
        ("A58003", "1001T"): ("conditional", ["R15.9"], [], 6),
    }


def test_mcd_articles_contractors_groups_and_modifiers(mcd_graph):
    article = iris.policy_iri("cms-mcd", "A58001", "2")
    assert (article, DCTERMS.title, Literal("Billing and Coding: Hyaluronic Acid Injections and Arthrocentesis of the Knee", lang="en")) in mcd_graph
    assert (article, PROV.wasRevisionOf, iris.policy_iri("cms-mcd", "A58001", "1")) in mcd_graph
    assert set(mcd_graph.objects(article, DCTERMS.publisher)) == {iris.contractor_iri("12502"), iris.contractor_iri("04412")}
    novitas_jl = iris.contractor_iri("12502")
    assert (novitas_jl, RDF.type, CG.MedicareAdministrativeContractor) in mcd_graph
    assert (novitas_jl, CG.jurisdiction, Literal("J-L")) in mcd_graph
    assert (novitas_jl, SCHEMA.name, Literal("Novitas Solutions, Inc.")) in mcd_graph
    retired = iris.policy_iri("cms-mcd", "A58003", "4")
    assert (retired, CG.effectiveThrough, Literal("2023-12-31", datatype=XSD_DATE)) in mcd_graph
    (article_row,) = mcd_graph.objects(retired, PROV.wasDerivedFrom)
    assert mcd_graph.value(article_row, CG.line) == Literal(4)

    j7321 = next(a for a in mcd_graph.subjects(CG.policy, article)
                 if mcd_graph.value(a, CG.billingCode) == URIRef("http://purl.bioontology.org/ontology/HCPCS/J7321"))
    groups = {str(mcd_graph.value(g, RDFS.label)): sorted(str(m)[len(ICD):] for m in mcd_graph.objects(g, SKOS.member))
              for g in mcd_graph.objects(j7321, CG.diagnosisGroup)}
    assert groups == {
        "Group 1: Primary osteoarthritis of the knee (covered)": ["M17.0", "M17.11", "M17.12"],
        "Group 1: Unspecified osteoarthritis and knee pain alone do not support medical necessity (non-covered)": ["M17.9", "M25.561"],
    }
    assert set(mcd_graph.objects(j7321, CG.appliesToModifier)) == {iris.modifier_iri(m) for m in ("RT", "LT", "JZ")}
    usages = {str(mcd_graph.value(u, CG.notation)): str(mcd_graph.value(u, CG.whenToUse))
              for u in mcd_graph.objects(URIRef("http://purl.bioontology.org/ontology/HCPCS/J7321"), CG.modifierUsage)}
    assert usages == {
        "RT": "Report RT or LT to show which knee was injected.",
        "LT": "Report RT or LT to show which knee was injected.",
        "JZ": "Report JZ on the drug line when none of a single-dose vial was discarded.",
    }


def test_mcd_bad_rows_are_reported_and_the_good_rows_still_import(tmp_path):
    folder = tmp_path / "mcd"
    shutil.copytree(FIXTURES / "mcd", folder)

    def append(table: str, row: str) -> None:
        with (folder / f"{table}.csv").open("a", encoding="utf-8") as handle:
            handle.write(row + "\n")

    append("article", "58004,x,6,Broken article,,2024-01-01,,,,,A,,,N,,,,N,,,,,,,,A58004,N")
    append("article", "58005,1,6,No date,,,,,,,A,,,N,,,,N,,,,,,,,A58005,N")
    append("article_x_hcpc_code", "58009,1,J7321,1,1,N,,,")
    append("article_x_hcpc_code", "58001,2,2061O,1,1,N,,,")
    append("article_x_hcpc_code", "58005,1,J7321,1,1,N,,,")
    append("article_x_icd10_covered", "58001,2,M17-11,1,1,N,,4,Typo,")
    append("article_x_contractor", "58002,1,6,999,1,1,")
    batch = import_mcd(folder)
    assert [(Path(e.file).name, e.line, e.column) for e in batch.errors] == [
        ("article.csv", 5, "article_version"),
        ("article.csv", 6, "article_eff_date"),
        ("article_x_contractor.csv", 6, "contractor_id"),
        ("article_x_hcpc_code.csv", 7, "article_id"),
        ("article_x_hcpc_code.csv", 8, "hcpc_code_id"),
        ("article_x_hcpc_code.csv", 9, "article_id"),
        ("article_x_icd10_covered.csv", 6, "icd10_code_id"),
    ]
    reasons = {(Path(e.file).name, e.line): e.reason for e in batch.errors}
    assert reasons[("article_x_hcpc_code.csv", 7)] == "no article 58009 version 1 in article.csv"
    assert reasons[("article_x_hcpc_code.csv", 9)] == "article 58005 version 1 was not imported (see its error at article.csv line 6)"
    assert batch.assertions == 5


def test_mcd_without_its_required_tables(tmp_path):
    (tmp_path / "article.csv").write_text((FIXTURES / "mcd" / "article.csv").read_text(encoding="utf-8"), encoding="utf-8")
    batch = import_mcd(tmp_path)
    assert batch.assertions == 0 and not batch.graphs
    assert [(Path(e.file).name, e.line) for e in batch.errors] == [("article_x_hcpc_code.csv", None)]
    assert "unzip the 'current articles' download" in batch.errors[0].reason


# ---------------------------------------------------------------- the command line


def test_cli_import_writes_the_good_rows_and_exits_2_on_bad_ones(run_cli, tmp_path):
    output = tmp_path / "out" / "policies.trig"
    report = tmp_path / "report.json"
    code, out, err = run_cli("import", "payer-policy", ROOT / POLICIES, ROOT / BAD_ROWS, "-o", output, "--report", report)
    assert code == 2
    assert "rows:       24 read, 15 coverage assertion(s), 9 failed" in out
    assert f"codegraph: skipped {ROOT / BAD_ROWS}:4: column status: unknown status 'maybe'" in err
    assert err.count("codegraph: skipped") == 9
    dataset = Dataset(default_union=True)
    dataset.parse(output, format="trig")
    assert len(set(dataset.subjects(RDF.type, CG.CoverageAssertion))) == 15
    assert (iris.import_graph_iri(Path(BAD_ROWS).name) in {g.identifier for g in dataset.graphs()})
    import json

    assert json.loads(report.read_text())["failed_rows"] == 9


def test_cli_import_with_no_good_row_leaves_the_old_file_whole(run_cli, tmp_path):
    output = tmp_path / "graph.ttl"
    output.write_text("# the previous graph\n", encoding="utf-8")
    only_bad = tmp_path / "only-bad.csv"
    only_bad.write_text(f"{HEADER}\nCPT,XXXXX,Aetna,,covered,,,,,,,,,,,\n", encoding="utf-8")
    code, _out, err = run_cli("import", "payer-policy", only_bad, "-o", output)
    assert code == 2
    assert "no row could be imported; nothing was written" in err
    assert output.read_text(encoding="utf-8") == "# the previous graph\n"


def test_cli_import_into_a_store_replaces_the_import_graph(run_cli, tmp_path):
    from codegraph import OxigraphStore

    store_dir = tmp_path / "store"
    assert run_cli("import", "mcd", ROOT / MCD, "--store", store_dir)[0] == 0
    store = OxigraphStore(store_dir)
    first = store.triple_count()
    store.close()
    del store
    assert run_cli("import", "mcd", ROOT / MCD, "--store", store_dir)[0] == 0
    store = OxigraphStore(store_dir)
    assert store.triple_count() == first
    with contextlib.chdir(ROOT):
        batch = import_mcd(MCD)
    assert set(batch.graphs) <= set(store.graph_names())
    load_import_into_store(batch, store, include_reference=False)  # the same through the API
    assert store.triple_count() == first


def test_cli_import_needs_an_output(run_cli):
    code, _out, err = run_cli("import", "mcd", ROOT / MCD)
    assert code == 2 and "-o FILE, --store DIR, or both" in err


# ---------------------------------------------------------------- the same quads as before

@pytest.mark.parametrize("table", ["payer-policies", "bad-rows"])
def test_an_import_writes_the_quads_it_wrote_before(table, tmp_path):
    """The quads of an import, in a file and in a store (the bulk loader's path, then the
    replacing update's), are the ones the code before the scaling work wrote: the
    ``.expected.nq`` files beside the tables were written by it (version 0.1.0, no reference)."""
    from codegraph import OxigraphStore
    from codegraph.imports import import_payer_policies, load_import

    expected = (FIXTURES / "payer-policy" / f"{table}.expected.nq").read_bytes()
    with contextlib.chdir(ROOT):
        batch = import_payer_policies([f"tests/fixtures/payer-policy/{table}.csv"], "0.1.0")
    assert b"".join(batch.canonical_nquads(include_reference=False)) == expected
    assert len(expected.splitlines()) > 100  # real rows, not an empty file
    store = OxigraphStore(tmp_path / "store")
    try:
        load_import(batch, store, include_reference=False)  # a new source: the bulk loader
        assert sorted(store.dump().splitlines()) == sorted(expected.splitlines())
        store.update(f"DELETE WHERE {{ GRAPH <{iris.SOURCES_GRAPH}> {{ ?s <{CG.sha256}> ?o }} }}")
        load_import(batch, store, include_reference=False)  # an entry out of date: the replacing update
        assert sorted(store.dump().splitlines()) == sorted(expected.splitlines())
    finally:
        store.close()
