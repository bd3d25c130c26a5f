"""A source's new version replaces its old one in one update that writes only what changed
(``store/replace.py``): the store afterwards holds exactly what a clean load of the new version
gives, whatever the edit, and the update names only the triples that differ."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from codegraph import MemoryStore, OxigraphStore, export_graph, import_payer_policy, load_import_into_store
from codegraph.rdf import iris
from codegraph.store import GraphStore
from codegraph.store.replace import source_replacement

HEADER = "code_system,code,payer,line_of_business,status,prior_auth,policy_id,effective_from,supporting_icd10\n"
PAYERS = ("Aetna", "Cigna", "UnitedHealthcare", "Humana")
CODES = ("J7321", "J7322", "J7323", "J7324", "J7325")
XSD_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"


def _rows(count: int) -> list[str]:
    return [f"HCPCS,{CODES[n % len(CODES)]},{PAYERS[n % len(PAYERS)]},commercial,{('covered', 'not-covered')[n % 2]},"
            f"{('required', 'not-required')[n % 2]},POL-{n % 7:03d},2024-0{1 + n % 9}-01,M17.{n % 10}" for n in range(count)]


# the last row is the only one about J7330: removing it leaves its code graph to the garbage collection
BASE = [*_rows(40), "HCPCS,J7330,Aetna,commercial,covered,required,POL-100,2024-02-01,M17.9"]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def _spy_updates(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    update = store.update

    def recording(sparql: str) -> None:
        sent.append(sparql)
        update(sparql)

    monkeypatch.setattr(store, "update", recording)
    return sent


def _clean_import(table: Path, folder: Path) -> bytes:
    with OxigraphStore(folder) as store:
        load_import_into_store(import_payer_policy([table]), store)
        return export_graph(store, "nquads")


EDITS = {
    # the last row's status: the rows before it keep their offsets, so the difference is one row's
    "last row's status": lambda rows: rows[:-1] + [rows[-1].replace(",covered,", ",not-covered,") if ",covered," in rows[-1]
                                                   else rows[-1].replace(",not-covered,", ",covered,")],
    "rows appended": lambda rows: rows + _rows(45)[40:],
    "last rows removed, one code gone": lambda rows: rows[:-3],
    "a row inserted first (every offset moves)": lambda rows: [_rows(41)[40], *rows],
}


@pytest.mark.parametrize(("edit", "kind"), [*((edit, "oxigraph") for edit in sorted(EDITS)), ("last rows removed, one code gone", "memory")])
def test_a_reimported_table_equals_a_clean_import_of_its_new_version(tmp_path, monkeypatch, edit, kind):
    table = _write(tmp_path / "policies.csv", BASE)
    with (OxigraphStore(tmp_path / "store") if kind == "oxigraph" else MemoryStore()) as store:
        load_import_into_store(import_payer_policy([table]), store)
        _write(table, EDITS[edit](BASE))
        sent = _spy_updates(store, monkeypatch)
        load_import_into_store(import_payer_policy([table]), store)
        reimported = export_graph(store, "nquads")
    assert reimported == _clean_import(table, tmp_path / "clean")
    graph = iris.import_graph_iri("policies.csv")
    swap = next(sparql for sparql in sent if "INSERT DATA" in sparql and f"<{graph}>" in sparql)
    if edit == "a row inserted first (every offset moves)":
        assert swap.startswith(f"DROP SILENT GRAPH <{graph}>")  # most lines differ: written whole
    else:
        assert "DROP SILENT GRAPH" not in swap


def test_a_one_row_edit_names_only_that_rows_triples(tmp_path, monkeypatch):
    rows = _rows(40)  # the last row's supporting diagnosis is M17.9
    table = _write(tmp_path / "policies.csv", rows)
    with OxigraphStore(tmp_path / "store") as store:
        load_import_into_store(import_payer_policy([table]), store)
        before = store.triple_count()
        _write(table, rows[:-1] + [rows[-1].replace(",M17.9", ",M17.0")])  # same length: no offset moves
        sent = _spy_updates(store, monkeypatch)
        load_import_into_store(import_payer_policy([table]), store)
        assert store.triple_count() == before
    graph = iris.import_graph_iri("policies.csv")
    swap = next(sparql for sparql in sent if "INSERT DATA" in sparql and f"<{graph}>" in sparql)
    deleted = swap.split("DELETE DATA", 1)[1].split("} }", 1)[0].split("{", 2)[2]
    statements = sorted(statement.split()[1] for statement in deleted.split(" . ") if statement.strip())
    # the row's supporting diagnosis, its quoted text (cg:quote, oa:exact) and the table's digest changed; nothing else
    assert statements == ["<http://www.w3.org/ns/oa#exact>", "<https://w3id.org/codegraph/ontology#quote>",
                          "<https://w3id.org/codegraph/ontology#sha256>", "<https://w3id.org/codegraph/ontology#supportingDiagnosis>"]
    assert "ICD10CM/M17.9>" in deleted and "M17.0" not in deleted
    assert "line-2>" not in swap  # the first row is not named at all


def _apply(held: str, new: str, graph: URIRef) -> set[str]:
    store = OxigraphStore.in_memory()
    if held:
        store.load_nquads(held.encode("utf-8"), [])
    store.update(source_replacement(graph, new, store.graph_ntriples(graph) if store.has_graph(graph) else b""))
    return {str(quad) for quad in store.store}


def test_two_spellings_of_one_term_leave_the_new_version(tmp_path):
    graph = URIRef("https://example.org/g")
    held = "".join(f'<https://example.org/s{n}> <https://example.org/p> "{n}"^^{XSD_INTEGER} <{graph}> .\n' for n in range(9))
    # "07" is 7 spelled otherwise; s8 is gone; s9 is new
    new = "".join(f'<https://example.org/s{n}> <https://example.org/p> "{"07" if n == 7 else n}"^^{XSD_INTEGER} <{graph}> .\n'
                  for n in (*range(8), 9))
    after = _apply(held, new, graph)
    assert after == _apply("", new, graph)
    assert not any("s8>" in quad for quad in after) and any("s9>" in quad for quad in after)


def test_blank_nodes_are_dropped_and_written_whole(tmp_path):
    graph = URIRef("https://example.org/g")
    held = "".join(f"_:b{n} <https://example.org/p> <https://example.org/o{n}> <{graph}> .\n" for n in range(5))
    new = "".join(f"_:b{n} <https://example.org/p> <https://example.org/o{n}> <{graph}> .\n" for n in range(1, 5))
    store = OxigraphStore.in_memory()
    store.load_nquads(held.encode("utf-8"), [])
    update = source_replacement(graph, new, store.graph_ntriples(graph))
    assert update.startswith(f"DROP SILENT GRAPH <{graph}>")
    store.update(update)
    assert sorted(str(quad.object) for quad in store.store) == [f"<https://example.org/o{n}>" for n in range(1, 5)]
