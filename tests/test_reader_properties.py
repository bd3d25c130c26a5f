"""Property-based tests of the reader: whatever the bytes, it raises nothing but DocumentError,
and every fact it returns points at a real span of the text."""

from __future__ import annotations

from pathlib import Path

from conftest import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegraph import DocumentError
from codegraph.extract import extract
from codegraph.read import document_from_bytes

PAGES = [SEED.read_bytes(), (Path(__file__).parent / "data" / "formats" / "cpt-20610.txt").read_bytes()]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _all_facts(data: dict) -> list[dict]:
    facts = [data["code"]]
    if "evidence" in data["site_of_service"]:
        facts.append(data["site_of_service"])
    for key in ("anatomy", "steps", "concepts", "coverage", "modifiers", "taxonomies", "icd10", "related_codes",
                "payer_mentions", "unavailable_statements"):
        facts += data[key]
    return facts


def _check(data: bytes, path: str = "doc.txt") -> None:
    try:
        doc = document_from_bytes(data, path)
        facts = extract(doc)
    except DocumentError as error:
        assert error.path == path
        return
    payload = facts.to_json(evidence=True)
    for fact in _all_facts(payload):
        evidence = fact["evidence"]
        assert 0 <= evidence["start"] <= evidence["end"] <= len(doc.original), fact
        assert doc.original[evidence["start"]:evidence["end"]] == evidence["quote"], fact
        assert 1 <= evidence["line"] <= len(doc.lines), fact
    assert [s["order"] for s in payload["steps"]] == list(range(1, len(payload["steps"]) + 1))


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    _check(data)


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    _check(text.encode("utf-8"))


@SETTINGS
@given(st.sampled_from(PAGES), st.data())
def test_truncations(page, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(page)))
    _check(page[:cut])


@SETTINGS
@given(st.sampled_from(PAGES), st.data(), st.sampled_from(["txt", "md", "html"]))
def test_mutations(page, data, suffix):
    text = page.decode("utf-8")
    for _ in range(data.draw(st.integers(min_value=1, max_value=5))):
        at = data.draw(st.integers(min_value=0, max_value=len(text)))
        length = data.draw(st.integers(min_value=0, max_value=40))
        insert = data.draw(st.text(alphabet="|-:\n ()#*<>&;\u2011\u2019TabcPOS0123456789", max_size=12))
        text = text[:at] + insert + text[at + length:]
    _check(text.encode("utf-8"), f"doc.{suffix}")
