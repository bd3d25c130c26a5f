"""The ontology, its Python mirror, the value vocabularies and the shapes stay consistent."""

from __future__ import annotations

from datetime import date

import pyshacl
import pytest
from rdflib import OWL, RDF, SKOS, Graph, Literal, URIRef

from codegraph.model import CONCEPT_ROLES, COVERAGE_STATUSES, FACETS, PRIOR_AUTH_VALUES, STEP_KINDS
from codegraph.rdf import CG, CGV
from codegraph.resources import ontology_file, shapes_dir
from codegraph.validate.shapes import shapes_for_run

NS = str(CG._NS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file())


def test_python_namespace_mirrors_the_turtle(ontology):
    in_turtle = {str(t)[len(NS):] for t in ontology.all_nodes() if isinstance(t, URIRef) and str(t).startswith(NS) and str(t) != NS}
    in_python = set(CG.__annotations__)
    assert in_turtle == in_python, f"only in Turtle: {in_turtle - in_python}; only in Python: {in_python - in_turtle}"


def test_every_term_is_declared_with_label_and_comment(ontology):
    for name in CG.__annotations__:
        term = CG[name]
        assert (term, RDF.type, None) in ontology, name
        assert ontology.value(term, URIRef("http://www.w3.org/2000/01/rdf-schema#label")), name
        assert ontology.value(term, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")), name


def test_a_typo_fails_at_import_time():
    with pytest.raises(AttributeError):
        CG.coverCode  # noqa: B018


@pytest.mark.parametrize(
    ("scheme", "values"),
    [
        ("coverage-status", COVERAGE_STATUSES),
        ("prior-auth", PRIOR_AUTH_VALUES),
        ("step-kind", STEP_KINDS),
        ("concept-role", CONCEPT_ROLES),
        ("facet", FACETS),
    ],
)
def test_model_value_sets_are_concepts_of_the_ontology(ontology, scheme, values):
    for value in values:
        concept = CGV[f"{scheme}/{value}"]
        assert (concept, SKOS.inScheme, CGV[scheme]) in ontology, concept
        assert (concept, SKOS.notation, Literal(value)) in ontology, concept


def test_ontology_header(ontology):
    assert (URIRef("https://w3id.org/codegraph/ontology"), RDF.type, OWL.Ontology) in ontology


@pytest.mark.parametrize("path", sorted(shapes_dir().glob("*.ttl")), ids=lambda p: p.name)
def test_each_shapes_file_parses(path):
    assert len(Graph().parse(path)) > 0


def test_shapes_pass_shacl_shacl_and_have_messages():
    shapes = shapes_for_run(date(2026, 1, 1))  # with the run's parameters set
    conforms, _results, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text
    sh = "http://www.w3.org/ns/shacl#"
    message = URIRef(sh + "message")
    node_shapes = list(shapes.subjects(RDF.type, URIRef(sh + "NodeShape")))
    assert len(node_shapes) > 10
    # A shape that uses a SPARQL-based constraint component takes the message of its validator.
    validated = {path for component in shapes.subjects(RDF.type, URIRef(sh + "ConstraintComponent"))
                 for validator in shapes.objects(component, URIRef(sh + "propertyValidator"))
                 if (validator, message, None) in shapes
                 for parameter in shapes.objects(component, URIRef(sh + "parameter"))
                 for path in shapes.objects(parameter, URIRef(sh + "path"))}
    for shape in node_shapes:
        assert shapes.value(shape, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")), shape
        # Every constraint an analyst can meet speaks for itself: the node shape, each of its
        # property shapes and each of its SPARQL constraints carries its own message.
        parts = [*shapes.objects(shape, URIRef(sh + "property")), *shapes.objects(shape, URIRef(sh + "sparql"))]
        own = (shape, message, None) in shapes
        for part in parts:
            by_validator = any((part, path, None) in shapes for path in validated)
            assert own or by_validator or (part, message, None) in shapes, f"{part} (of {shape}) has no sh:message"
        assert own or parts, f"{shape} has no sh:message and no constraint that has one"
