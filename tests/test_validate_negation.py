"""The negations of a shape's query rewritten for Oxigraph (validate/negation.py): the rewrites made
where they give the same answers, none where they might not, and the answers checked on a store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from codegraph.validate.negation import rewrite_negations

EX = "http://example.org/"
PREFIX = f"PREFIX ex: <{EX}>\n"


def test_a_join_in_not_exists_becomes_minus():
    query = """SELECT $this ?payer WHERE {
        $this ex:namesPayer ?payer ; ex:code ?code .
        FILTER NOT EXISTS { ?assertion ex:code ?code ; ex:payer ?payer }
        ?payer ex:name ?name .
    }"""
    assert rewrite_negations(query) == query.replace("FILTER NOT EXISTS {", "MINUS {")


def test_a_property_path_in_not_exists_becomes_minus():
    query = "SELECT $this WHERE { $this ex:status ex:none . FILTER NOT EXISTS { $this ex:evidence/ex:doc/ex:cut ex:payers } }"
    assert rewrite_negations(query) == query.replace("FILTER NOT EXISTS {", "MINUS {")


def test_optional_not_bound_on_one_lookup_becomes_not_exists():
    query = """SELECT $this ?path WHERE {
        $this ex:declared ?facet . ?facet ex:property ?path .
        OPTIONAL { $this ?path ?fact }
        FILTER (!BOUND(?fact))
    }"""
    expected = """SELECT $this ?path WHERE {
        $this ex:declared ?facet . ?facet ex:property ?path .
        FILTER NOT EXISTS { $this ?path ?fact }
    }"""
    assert rewrite_negations(query) == expected


@pytest.mark.parametrize("query", [
    # one lookup per solution: NOT EXISTS is already the cheap form
    "SELECT $this WHERE { $this ex:declared ?d . FILTER NOT EXISTS { ?d ex:facet ?facet } }",
    # ?payer is bound only after the filter: MINUS, applied where it stands, would not see it
    "SELECT $this WHERE { $this ex:code ?code . FILTER NOT EXISTS { ?a ex:code ?code ; ex:payer ?payer } $this ex:payer ?payer }",
    # nothing shared: MINUS would remove nothing, NOT EXISTS removes everything when ?a ex:code ?c exists
    "SELECT $this WHERE { $this ex:code ?code . FILTER NOT EXISTS { ?a ex:code ?c ; ex:payer ?p } }",
    # ?payer may be unbound (OPTIONAL): not a variable every solution binds
    "SELECT $this WHERE { $this ex:code ?code . OPTIONAL { $this ex:payer ?payer } FILTER NOT EXISTS { ?a ex:code ?code ; ex:payer ?payer } }",
    # a FILTER inside the negation
    "SELECT $this WHERE { $this ex:code ?code . FILTER NOT EXISTS { ?a ex:code ?code ; ex:payer ?p . FILTER (?p != ?code) } }",
    # inside an OPTIONAL, a FILTER also sees the outer solution: left alone
    "SELECT $this WHERE { $this ex:code ?code . OPTIONAL { $this ex:x ?y . FILTER NOT EXISTS { ?a ex:code ?code ; ex:payer ?y } } }",
    # ?fact is used again after the filter
    "SELECT $this ?fact WHERE { $this ex:p ?path . OPTIONAL { $this ?path ?fact } FILTER (!BOUND(?fact)) BIND (STR(?fact) AS ?f) }",
    # VALUES may leave a variable unbound
    "SELECT $this WHERE { VALUES ?code { UNDEF } $this ex:p ?x . FILTER NOT EXISTS { ?a ex:code ?code ; ex:payer ?x } }",
])
def test_left_as_written(query):
    assert rewrite_negations(query) == query


def _answers(store: ox.Store, query: str) -> list[str]:
    return sorted(str(solution["this"]) for solution in store.query(PREFIX + query.replace("$this", "?this")))


def test_the_rewritten_queries_give_the_same_answers():
    """On data where the two forms could differ (a payer named with and without an assertion, a
    declared facet with and without a fact), the rewritten queries answer as the originals."""
    store = ox.Store()
    data = f"""
    <{EX}doc1> <{EX}namesPayer> <{EX}payerA> , <{EX}payerB> ; <{EX}code> <{EX}c1> .
    <{EX}doc2> <{EX}namesPayer> <{EX}payerA> ; <{EX}code> <{EX}c2> .
    <{EX}assert1> <{EX}code> <{EX}c1> ; <{EX}payer> <{EX}payerA> .
    <{EX}assert2> <{EX}code> <{EX}c2> ; <{EX}payer> <{EX}payerB> .
    <{EX}payerA> <{EX}name> "A" . <{EX}payerB> <{EX}name> "B" .
    <{EX}c1> <{EX}declared> <{EX}f1> , <{EX}f2> . <{EX}f1> <{EX}property> <{EX}site> . <{EX}f2> <{EX}property> <{EX}steps> .
    <{EX}c1> <{EX}site> "office" .
    """
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    queries = [
        """SELECT $this ?payer WHERE { $this ex:namesPayer ?payer ; ex:code ?code .
           FILTER NOT EXISTS { ?assertion ex:code ?code ; ex:payer ?payer } ?payer ex:name ?name . }""",
        """SELECT $this ?path WHERE { $this ex:declared ?facet . ?facet ex:property ?path .
           OPTIONAL { $this ?path ?fact } FILTER (!BOUND(?fact)) }""",
    ]
    expected = [["http://example.org/doc1", "http://example.org/doc2"], ["http://example.org/c1"]]
    for query, answers in zip(queries, expected, strict=True):
        rewritten = rewrite_negations(query)
        assert rewritten != query
        assert _answers(store, query) == _answers(store, rewritten) == [f"<{a}>" for a in answers]
