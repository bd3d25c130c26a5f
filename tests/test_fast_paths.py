"""The fast paths give exactly what the plain ways give: the same rows, lines and bytes.

Builds keep their pages on disk and sort each page's graph in its worker; exports sort whole
graphs in C and the triple formats' union in GNU sort; the table reader finds records a line at
a time and remembers cell answers; the import mapper writes a row's triples as one block. Each is
checked here against the plain way of doing the same thing, kept in this file as the reference.
"""

from __future__ import annotations

import contextlib
import csv
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, XSD, Literal

from codegraph import (
    OxigraphStore,
    build,
    export_graph,
    import_dataset,
    import_payer_policy,
    load_import_into_store,
    load_into_store,
    serialize,
    write_build,
    write_import,
)
from codegraph import export as export_module
from codegraph.imports import table
from codegraph.imports.graph import _ImportMapper
from codegraph.rdf import iris
from codegraph.rdf.namespaces import CG, OA
from codegraph.rdf.terms import date_term, integer_term, nt_term, string_term
from codegraph.rdf.writer import TripleWriter
from codegraph.store import oxigraph as oxigraph_store

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "documents"
POLICIES = ROOT / "tests" / "fixtures" / "payer-policy" / "payer-policies.csv"
BAD_ROWS = ROOT / "tests" / "fixtures" / "payer-policy" / "bad-rows.csv"


# -- the table reader -----------------------------------------------------------------------


def reference_records(text: str):
    """Records as the reader first cut them: a character at a time, a newline outside quotes ends one."""
    position, line, length = 0, 1, len(text)
    while position < length:
        start, start_line, in_quotes, index = position, line, False, position
        while index < length:
            char = text[index]
            if char == '"':
                in_quotes = not in_quotes
            elif char == "\n":
                if not in_quotes:
                    break
                line += 1
            index += 1
        end = index
        if end > start and text[end - 1] == "\r":
            end -= 1
        raw = text[start:end]
        if raw.strip():
            yield start_line, start, end, raw
        position, line = index + 1, line + 1


def reference_fields(raw: str) -> list[str] | None:
    try:
        parsed = list(csv.reader([raw], strict=True))
    except csv.Error:
        return None
    return parsed[0] if len(parsed) == 1 else None


CSV_PIECES = st.sampled_from(["a", "b", "é", ",", '"', '""', "\n", "\r\n", "\r", " ", "\t", "\x00", "x,y"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(CSV_PIECES, max_size=40).map("".join))
def test_records_and_cells_are_what_a_character_scan_and_csv_give(text):
    records = list(table._records(text))
    assert records == list(reference_records(text))
    for *_where, raw in records:
        assert table._fields(raw) == reference_fields(raw)


# -- terms ------------------------------------------------------------------------------------


@given(st.text())
def test_string_terms_are_what_nt_term_writes_for_a_literal(text):
    assert string_term(text) == nt_term(Literal(text))


@given(st.integers(min_value=0, max_value=10**9))
def test_integer_terms_are_what_nt_term_writes_for_a_literal(number):
    assert integer_term(number) == nt_term(Literal(number))


def test_date_terms_are_what_nt_term_writes_for_a_literal():
    assert date_term("2024-01-31") == nt_term(Literal("2024-01-31", datatype=XSD.date))


def test_a_written_block_is_the_lines_add_writes():
    node = iris.evidence_iri("page.txt", 3, 9)
    one, other = TripleWriter(iris.document_graph_iri("page.txt")), TripleWriter(iris.document_graph_iri("page.txt"))
    one.evidence("page.txt", iris.document_iri("page.txt"), "Overview", 3, 9, 2, 'a "quoted"\tword')
    other.add(node, RDF.type, CG.Evidence)
    other.add(node, CG.inDocument, iris.document_iri("page.txt"))
    other.add(node, CG.section, Literal("Overview"))
    other.add(node, CG.startOffset, Literal(3))
    other.add(node, CG.endOffset, Literal(9))
    other.add(node, CG.line, Literal(2))
    other.add(node, CG.quote, Literal('a "quoted"\tword'))
    position, quote = iris.position_selector_iri(node), iris.quote_selector_iri(node)
    other.add(node, RDF.type, OA.SpecificResource)
    other.add(node, OA.hasSource, iris.document_iri("page.txt"))
    other.add(node, OA.hasSelector, position)
    other.add(node, OA.hasSelector, quote)
    other.add(position, RDF.type, OA.TextPositionSelector)
    other.add(position, OA.start, Literal(3))
    other.add(position, OA.end, Literal(9))
    other.add(quote, RDF.type, OA.TextQuoteSelector)
    other.add(quote, OA.exact, Literal('a "quoted"\tword'))
    assert one.nquads() == other.nquads()


# -- imports ----------------------------------------------------------------------------------


def reference_coverage(writer: _ImportMapper, record) -> None:
    """A row's assertion written triple by triple with the writer's plain methods."""
    node = iris.imported_assertion_iri(writer.key, *record.key)
    writer.add(node, RDF.type, CG.CoverageAssertion)
    writer.add(node, iris_prov("wasGeneratedBy"), writer.activity_node)
    for row in record.evidence:
        writer.add(node, CG.evidence, writer.row(row))
    writer.add(node, CG.billingCode, writer.code(record.system, record.code))
    writer.add(node, CG.payer, writer.payer(record.payer))
    writer.add(node, CG.coverageStatus, iris.value_iri("coverage-status", record.status))
    writer.add(node, CG.priorAuthorization, iris.value_iri("prior-auth", record.prior_auth))
    if record.line_of_business:
        writer.add(node, CG.lineOfBusiness, iris.value_iri("line-of-business", record.line_of_business))
    if record.policy:
        writer.add(node, CG.policy, writer.policy(record.policy))
        writer.add(node, CG.policyIdentifier, Literal(record.policy.identifier))
    writer.day(node, CG.effectiveFrom, record.effective_from)
    writer.day(node, CG.effectiveThrough, record.effective_through)
    writer.text(node, CG.documentationRequirement, record.documentation)
    for code in record.supporting:
        writer.add(node, CG.supportingDiagnosis, iris.code_iri("ICD-10-CM", code))
    for code in record.excluding:
        writer.add(node, CG.excludingDiagnosis, iris.code_iri("ICD-10-CM", code))
    for group in record.groups:
        writer.add(node, CG.diagnosisGroup, writer.diagnosis_group(group))
    for modifier in record.modifiers:
        writer.add(node, CG.appliesToModifier, iris.modifier_iri(modifier))
    for place in record.places_of_service:
        writer.add(node, CG.appliesToPlaceOfService, iris.place_of_service_iri(place))


def iris_prov(name: str):
    from rdflib.namespace import PROV

    return PROV[name]


@pytest.fixture(scope="module")
def generated_policies(tmp_path_factory) -> Path:
    import importlib.util

    # The benchmark's generator (benchmarks/ is not a package the tests import from).
    spec = importlib.util.spec_from_file_location("generate_policies", ROOT / "benchmarks" / "generate_policies.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(600, tmp_path_factory.mktemp("policies") / "generated.csv")


@pytest.mark.parametrize("which", ["fixture", "generated"])
def test_a_row_written_as_a_block_is_the_lines_add_writes(which, generated_policies):
    from codegraph.imports.mcd import read_mcd
    from codegraph.imports.payer_policy import read_payer_policy

    for records in [read_payer_policy(POLICIES if which == "fixture" else generated_policies),
                    *([read_mcd(ROOT / "tests" / "fixtures" / "mcd")] if which == "fixture" else [])]:
        fast, plain = _ImportMapper(records, "test"), _ImportMapper(records, "test")
        for record in records.coverage:
            fast.coverage(record)
            reference_coverage(plain, record)
        assert sorted(fast.nquads().splitlines()) == sorted(set(plain.nquads().splitlines()))


def test_the_generated_table_reads_without_errors(generated_policies):
    batch = import_payer_policy([generated_policies])
    assert batch.errors == [] and batch.rows_read == 600 and batch.assertions == 600
    assert batch.policies > 5


@pytest.mark.parametrize("path", [POLICIES, BAD_ROWS])
def test_an_import_file_is_the_rdflib_serialisation_and_a_store_export(path, tmp_path):
    with contextlib.chdir(ROOT):
        batch = import_payer_policy([path.relative_to(ROOT)])
    written = tmp_path / "import.nq"
    write_import(batch, written)
    assert written.read_bytes() == serialize(import_dataset(batch), "nquads")
    with OxigraphStore(tmp_path / "store") as store:
        load_import_into_store(batch, store)
        assert export_graph(store, "nquads") == written.read_bytes()


def test_a_new_import_is_bulk_loaded_and_then_replaced_in_one_update(tmp_path):
    table_path = tmp_path / "policies.csv"
    shutil.copy(POLICIES, table_path)
    with OxigraphStore(tmp_path / "store") as store:
        load_import_into_store(import_payer_policy([table_path]), store)
        load_import_into_store(import_payer_policy([table_path]), store)  # unchanged: left alone
        first = export_graph(store, "nquads")
        table_path.write_text(table_path.read_text(encoding="utf-8").replace("CPB-0673", "CPB-0674"), encoding="utf-8")
        load_import_into_store(import_payer_policy([table_path]), store)
        edited = export_graph(store, "nquads")
    with OxigraphStore(tmp_path / "fresh") as fresh:
        load_import_into_store(import_payer_policy([table_path]), fresh)
        assert edited == export_graph(fresh, "nquads") != first


def test_a_file_is_bulk_loaded_in_blocks(tmp_path, monkeypatch):
    data = export_graph(_small_store(tmp_path), "nquads")
    (tmp_path / "all.nq").write_bytes(data)
    # About five blocks, each ending mid-line (a block per kilobyte made thousands of SST files: minutes)
    monkeypatch.setattr(oxigraph_store, "BULK_LOAD_BLOCK", len(data) // 5 + 7)
    with OxigraphStore(tmp_path / "blocks") as store:
        store.bulk_load(tmp_path / "all.nq", [])
        assert export_graph(store, "nquads") == data


# -- builds and exports -------------------------------------------------------------------------


def _small_store(tmp_path: Path) -> OxigraphStore:
    store = OxigraphStore(tmp_path / "small")
    load_into_store(build([CORPUS], jobs=2), store)
    return store


def test_a_build_file_is_an_export_of_its_store_in_every_stable_format(tmp_path):
    result = build([CORPUS], jobs=2)
    with OxigraphStore(tmp_path / "store") as store:
        load_into_store(result, store)
        for suffix, fmt in ((".nq", "nquads"), (".nt", "nt"), (".ttl", "turtle")):
            written = tmp_path / f"graph{suffix}"
            write_build(result, written)
            assert written.read_bytes() == export_graph(store, fmt), fmt
    assert result.quad_count() == (tmp_path / "graph.nq").read_bytes().count(b"\n")


def test_the_spooled_build_is_the_sorted_sets_of_its_lines():
    result = build([CORPUS], jobs=2)
    by_graph: dict[str, set[str]] = {}
    for key in result.nquads:
        for line in result.nquads[key].splitlines(keepends=True):
            by_graph.setdefault(line.rstrip()[:-1].rstrip().rsplit(" ", 1)[1].strip("<>"), set()).add(line)
    graphs = result.graphs()
    for name, lines in by_graph.items():
        assert lines <= set(graphs[name])
    assert [line for lines in graphs.values() for line in lines] == b"".join(result.canonical_nquads()).decode().splitlines(keepends=True)


def test_triples_are_sorted_the_same_by_gnu_sort_and_by_python(tmp_path, monkeypatch):
    if export_module._gnu_sort() is None:
        pytest.skip("no GNU sort here: Python sorts (the fallback this test compares with)")
    store = _small_store(tmp_path)
    gnu = export_graph(store, "turtle"), export_graph(store, "nt")
    monkeypatch.setattr(export_module, "_gnu_sort", lambda: None)
    assert (export_graph(store, "turtle"), export_graph(store, "nt")) == gnu


def test_a_chunk_of_one_graph_is_converted_by_replace_as_a_parser_would():
    chunk = (f'<{iris.ID}a> <{CG.quote}> "x <g> .\\n y" <{iris.SOURCES_GRAPH}> .\n'
             f'<{iris.ID}a> <{CG.line}> "1"^^<{XSD.integer}> <{iris.SOURCES_GRAPH}> .\n').encode()
    parsed = ox.serialize((q.triple for q in ox.parse(chunk, format=ox.RdfFormat.N_QUADS)), format=ox.RdfFormat.N_TRIPLES)
    assert export_module.as_ntriples(chunk) == parsed
    mixed = chunk + f'<{iris.ID}b> <{CG.line}> "2"^^<{XSD.integer}> <{iris.PAYERS_GRAPH}> .\n'.encode()
    assert sorted(export_module.as_ntriples(mixed).splitlines()) == sorted(
        ox.serialize((q.triple for q in ox.parse(mixed, format=ox.RdfFormat.N_QUADS)), format=ox.RdfFormat.N_TRIPLES).splitlines())


def test_line_blocks_end_at_line_ends(tmp_path):
    path = tmp_path / "lines"
    path.write_bytes(b"".join(f"line {n} {'x' * (n % 37)}\n".encode() for n in range(2000)))
    with path.open("rb") as handle:
        blocks = list(export_module.line_blocks(handle, 100))
    assert all(block.endswith(b"\n") for block in blocks)
    assert b"".join(blocks) == path.read_bytes()


# -- the coverage matrix ----------------------------------------------------------------------


def _assertions_by_query(store):
    """read_assertions the plain way: the store-wide catalog query (what every other store runs)."""
    from codegraph.coverage import matrix

    real = matrix.OxigraphStore
    matrix.OxigraphStore = type("NotOxigraph", (), {})  # type: ignore[misc]
    try:
        return dict(matrix.read_assertions(store))
    finally:
        matrix.OxigraphStore = real


def test_the_matrix_reads_the_assertions_the_query_gives(tmp_path):
    from datetime import date

    from codegraph import coverage_matrix
    from codegraph.coverage import matrix

    store = _small_store(tmp_path)
    load_import_into_store(import_payer_policy([POLICIES]), store)
    # Values the corpus lacks: an assertion with two policies, two lines of business and both
    # kinds of start date, one whose payer has no name (left out, as the query's join leaves it),
    # one that is not typed, one with a date that is not xsd:date, and one with duplicated diagnoses.
    a = "https://example.org/a"
    extra = f"""
<{a}1> a <{CG.CoverageAssertion}> ; <{CG.billingCode}> ?code ; <{CG.payer}> ?payer ; <{CG.coverageStatus}> ?status ;
   <{CG.policyIdentifier}> "P-1", "P-2" ; <{CG.lineOfBusiness}> ?lob1, ?lob2 ; <{CG.effectiveFrom}> "2024-01-01"^^<{XSD.date}> ;
   <{CG.effectiveDate}> "2023-01-01"^^<{XSD.date}> ; <{CG.supportingDiagnosis}> <https://example.org/d1>, <https://example.org/d2> .
<{a}2> a <{CG.CoverageAssertion}> ; <{CG.billingCode}> ?code ; <{CG.payer}> <https://example.org/nameless> ; <{CG.coverageStatus}> ?status .
<{a}3> <{CG.billingCode}> ?code ; <{CG.payer}> ?payer ; <{CG.coverageStatus}> ?status .
<{a}4> a <{CG.CoverageAssertion}> ; <{CG.billingCode}> ?code ; <{CG.payer}> ?payer ; <{CG.coverageStatus}> ?status ;
   <{CG.effectiveDate}> "2022-03-04T00:00:00"^^<{XSD.string}> ; <{CG.priorAuthorization}> <https://example.org/no-notation> .
"""
    row = store.select(f"SELECT ?code ?payer ?status ?lob WHERE {{ ?x <{CG.billingCode}> ?code ; <{CG.payer}> ?payer ; "
                       f"<{CG.coverageStatus}> ?status . ?y <{CG.lineOfBusiness}> ?lob }} LIMIT 1").rows
    lob_rows = store.select(f"SELECT DISTINCT ?lob WHERE {{ ?y <{CG.lineOfBusiness}> ?lob }} ORDER BY ?lob LIMIT 2").rows
    assert row and len(lob_rows) == 2
    code, payer, status, _lob = (term.n3() for term in row[0])
    text = (extra.replace("?code", code).replace("?payer", payer).replace("?status", status)
            .replace("?lob1", lob_rows[0][0].n3()).replace("?lob2", lob_rows[1][0].n3()))
    store.update(f"INSERT DATA {{ GRAPH <https://w3id.org/codegraph/graph/test-extra> {{ {text} }} }}")
    # The same triple in a second graph: the union default graph may give it twice.
    store.update(f"INSERT DATA {{ GRAPH <https://w3id.org/codegraph/graph/test-extra-2> {{ {text} }} }}")
    fast = dict(matrix.read_assertions(store))
    plain = _assertions_by_query(store)
    # The same rows; the query orders them by code, payer and assertion only (an assertion's own
    # rows come in no stated order), so each assertion's rows are compared as a set.
    assert fast.keys() == plain.keys()
    for key, found in fast.items():
        assert [a.assertion for a in found] == [a.assertion for a in plain[key]]
        assert sorted(map(repr, found)) == sorted(map(repr, plain[key]))
    assert any(len(found) > 1 for found in fast.values())
    for day in (date(2025, 6, 1), date(2010, 1, 1)):
        cells = coverage_matrix(store, on=day).cells  # read by scans (and kept beside the store: coverage/table.py)
        real = matrix.OxigraphStore
        matrix.OxigraphStore = type("NotOxigraph", (), {})  # type: ignore[misc]
        store.data_version = lambda: None  # type: ignore[method-assign]  # nothing kept is read: the query's own rows
        try:
            assert cells == coverage_matrix(store, on=day).cells
        finally:
            matrix.OxigraphStore = real
            del store.data_version
    store.close()
