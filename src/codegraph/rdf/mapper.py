"""``DocumentFacts`` to triples: one named graph per source document.

Each fact becomes its own node, linked from the code by its facet property and to a
``cg:Evidence`` node (section, offsets, line, quote) that points at the document. No
``prov:generatedAtTime`` is written: a timestamp would make two builds of the same input differ.
The extractor version is recorded through ``prov:wasGeneratedBy`` instead.

Terms are written in their N-Triples form directly (predicates and classes once, at import; a
fact's IRI from its page's prefix; what many pages share, once per process): building an rdflib
``URIRef`` or ``Literal`` only to print it was half the time of reading a page.
``tests/test_mapper_terms.py`` checks each text form against the rdflib term it stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import PROV

from ..model import DocumentFacts, Evidence
from . import iris
from .namespaces import CG, SCHEMA
from .terms import integer_term, nt_term, string_term
from .writer import SharedWrites, Triple, TripleWriter, shared_writes

# Every predicate and class the page mapper writes, in N-Triples form.
_TYPE, _LABEL, _EVIDENCE, _GENERATED_BY, _USED = (nt_term(t) for t in (RDF.type, RDFS.label, CG.evidence, PROV.wasGeneratedBy, PROV.used))
_DESCRIBES_CODE, _TITLE, _DESCRIPTION_TEXT, _TEXT = (nt_term(t) for t in (CG.describesCode, CG.title, CG.descriptionText, CG.text))
_CODE_OVERVIEW, _OVERVIEW, _VALUE_CUT_OFF = (nt_term(t) for t in (CG.CodeOverview, CG.overview, CG.valueCutOff))
_CUT_OFF_AT, _CUT_KIND, _FACET_NOT_REACHED, _FACET_CUT_OFF = (nt_term(t) for t in (CG.cutOffAt, CG.cutKind, CG.facetNotReached, CG.facetCutOff))
_SERVICE_TYPE_FACT, _SERVICE_TYPE = nt_term(CG.ServiceTypeFact), nt_term(CG.serviceType)
_SITE_FACT, _SITE, _PLACE_OF_SERVICE = (nt_term(t) for t in (CG.SiteOfServiceFact, CG.siteOfService, CG.placeOfService))
_CANDIDATE_PHRASE, _CANDIDATE_PLACE = nt_term(CG.candidatePhrase), nt_term(CG.candidatePlaceOfService)
_ANATOMICAL_TARGET_CLASS, _ANATOMICAL_TARGET = nt_term(CG.AnatomicalTarget), nt_term(CG.anatomicalTarget)
_ANATOMICAL_MENTION_CLASS, _ANATOMICAL_MENTION = nt_term(CG.AnatomicalMention), nt_term(CG.anatomicalMention)
_ANATOMY, _ANATOMY_ROLE = nt_term(CG.anatomy), nt_term(CG.anatomyRole)
_CONCEPT_MENTION, _CLINICAL_CONCEPT, _CONCEPT_ROLE = (nt_term(t) for t in (CG.ClinicalConceptMention, CG.clinicalConcept, CG.conceptRole))
_ASSERTED, _CONCEPT = nt_term(CG.asserted), nt_term(CG.concept)
_PROCEDURE_STEP, _STEP, _STEP_ORDER, _STEP_KIND, _MENTIONS = (
    nt_term(t) for t in (CG.ProcedureStep, CG.procedureStep, CG.stepOrder, CG.stepKind, CG.mentions))
_NAMES_PAYER, _COVERAGE_ASSERTION, _BILLING_CODE, _PAYER = (nt_term(t) for t in (CG.namesPayer, CG.CoverageAssertion, CG.billingCode, CG.payer))
_COVERAGE_STATUS, _PRIOR_AUTH, _POLICY_ID, _EFFECTIVE_DATE = (
    nt_term(t) for t in (CG.coverageStatus, CG.priorAuthorization, CG.policyIdentifier, CG.effectiveDate))
_MODIFIER_USAGE, _MODIFIER_USAGE_CLASS, _MODIFIER, _NOTATION, _WHEN_TO_USE = (
    nt_term(t) for t in (CG.modifierUsage, CG.ModifierUsage, CG.modifier, CG.notation, CG.whenToUse))
_TAXONOMY_MAPPING, _PROVIDER_TAXONOMY, _TAXONOMY = (nt_term(t) for t in (CG.TaxonomyMapping, CG.providerTaxonomy, CG.taxonomy))
_DIAGNOSIS_MAPPING, _ICD10_MAPPING, _DIAGNOSIS = (nt_term(t) for t in (CG.DiagnosisMapping, CG.icd10Mapping, CG.diagnosis))
_RELATED_LINK, _RELATED_CODE, _RELATED_TO = (nt_term(t) for t in (CG.RelatedCodeLink, CG.relatedCode, CG.relatedTo))
_UNAVAILABLE, _DECLARED_UNAVAILABLE, _FACET = (nt_term(t) for t in (CG.UnavailableDeclaration, CG.declaredUnavailable, CG.facet))
_SOURCE_DOCUMENT, _SOURCE_KEY, _SHA256, _SOURCE_PATH = (nt_term(t) for t in (CG.SourceDocument, CG.sourceKey, CG.sha256, CG.sourcePath))
_URL = nt_term(SCHEMA.url)
_TRUE, _FALSE = nt_term(Literal(True)), nt_term(Literal(False))


@lru_cache(maxsize=4096)
def _value(scheme: str, notation: str) -> str:
    """``iris.value_iri`` in N-Triples form."""
    return nt_term(iris.value_iri(scheme, notation))


@lru_cache(maxsize=4096)
def _iri(text: str) -> str:
    """An IRI the page states (an anatomy or concept IRI) in N-Triples form; rdflib's check of it
    stays (an IRI it cannot write raises, as before)."""
    return nt_term(URIRef(text))


def _english(text: str) -> str:
    """``Literal(text, lang="en")`` in N-Triples form."""
    return f"{string_term(text)}@en"


@lru_cache(maxsize=4096)
def _listed(scheme: str, code: str, mint: Callable[[str], URIRef]) -> tuple[str, SharedWrites]:
    """``TripleWriter.listed`` of the code ``mint`` names: its N-Triples form and shared lines."""
    node = mint(code)
    return nt_term(node), shared_writes(lambda scratch: scratch.listed(scheme, code, node))


@lru_cache(maxsize=4096)
def _related(system: str, code: str) -> tuple[str, SharedWrites]:
    node: list[URIRef] = []
    writes = shared_writes(lambda scratch: node.append(scratch.related_code(system, code)))
    return nt_term(node[0]), writes


@lru_cache(maxsize=64)
def _activity(version: str) -> tuple[str, SharedWrites]:
    """The extraction activity of one version: its node and its shared lines (``activity``
    writes one own line too, ``prov:used``, which the mapper writes itself)."""
    node = iris.extraction_activity_iri(version)
    label = f"codegraph extract {version}"
    writes = shared_writes(lambda scratch: scratch.activity(node, label, version, node))
    return nt_term(node), writes


class _DocumentMapper(TripleWriter):
    def __init__(self, facts: DocumentFacts, version: str):
        self.facts = facts
        self.key = facts.source.identity
        super().__init__(iris.document_graph_iri(self.key))
        self.evidence_nodes: set[str] = set()
        self.document = iris.document_iri(self.key)
        self.document_term = nt_term(self.document)
        # iris.fact_iri and iris.evidence_iri as text: "<" + this + "kind/key>"
        self.prefix = f"<{iris.document_node_prefix(self.key)}"
        self.code_node = iris.code_iri(facts.code.system, facts.code.code)
        self.code_term = nt_term(self.code_node)
        self.activity_term, self.activity_writes = _activity(version)
        self.version = version

    def span(self, ev: Evidence) -> str:
        node = f"{self.prefix}evidence/{ev.start}-{ev.end}>"
        if node not in self.evidence_nodes:
            self.evidence_nodes.add(node)
            self.evidence_block(node, self.document_term, ev.section, ev.start, ev.end, ev.line, ev.quote)
        return node

    def fact(self, kind: str, key: str | int, rdf_type: str, facet: str | None, ev: Evidence) -> str:
        # ``emit`` written out: twenty facts a page, each with three or four lines.
        node = f"{self.prefix}{iris.fact_path(kind, key)}>"
        own, end = self._own, self._own_suffix
        own[f"{node} {_TYPE} {rdf_type}{end}"] = None
        own[f"{node} {_EVIDENCE} {self.span(ev)}{end}"] = None
        own[f"{node} {_GENERATED_BY} {self.activity_term}{end}"] = None
        if facet is not None:
            own[f"{self.code_term} {facet} {node}{end}"] = None
        return node

    def say(self, node: str, prop: str, value: str | None) -> None:
        """``text`` with terms in N-Triples form: None and blank text say nothing."""
        if value is not None and value.strip():
            self.emit(node, prop, string_term(value))

    def cut_off(self, node: str, cut_off: bool) -> None:
        """A value the end of the page interrupted ("Ambulatory surgery cen") says so."""
        if cut_off:
            self.emit(node, _VALUE_CUT_OFF, _TRUE)

    def listed_term(self, scheme: str, code: str, mint: Callable[[str], URIRef]) -> str:
        term, writes = _listed(scheme, code, mint)
        self.add_shared_lines(writes)
        return term

    def describe_source(self) -> None:
        """``source_document`` (key, version, path, address) with its terms written as text."""
        source, document = self.facts.source, self.document_term
        self.emit(document, _TYPE, _SOURCE_DOCUMENT)
        self.emit(document, _SOURCE_KEY, string_term(self.key))
        self.emit(document, _SHA256, string_term(source.sha256))
        self.emit(document, _SOURCE_PATH, string_term(source.path))
        if source.url:
            self.emit(document, _URL, nt_term(URIRef(source.url)))

    def map_cut_off(self) -> None:
        """Where the document is cut off, and the facets the cut interrupted or never reached."""
        cut = self.facts.cut_off
        if cut is not None:
            self.emit(self.document_term, _CUT_OFF_AT, self.span(cut.evidence))
            self.emit(self.document_term, _CUT_KIND, string_term(cut.kind))
        for facet, state in sorted(self.facts.facet_states.items()):
            if state == "not-reached":
                self.emit(self.document_term, _FACET_NOT_REACHED, _value("facet", facet))
            elif state == "cut-off":
                self.emit(self.document_term, _FACET_CUT_OFF, _value("facet", facet))

    def map(self) -> TripleWriter:
        f = self.facts
        emit, say = self.emit, self.say

        self.add_shared_lines(self.activity_writes)
        emit(self.activity_term, _USED, self.document_term)
        self.describe_source()
        emit(self.document_term, _DESCRIBES_CODE, self.code_term)
        self.code(f.code.system, f.code.code)

        overview = self.fact("overview", "code", _CODE_OVERVIEW, _OVERVIEW, f.code.evidence)
        say(overview, _TITLE, f.code.title)
        if f.description:
            description = self.fact("description", "text", _CODE_OVERVIEW, _OVERVIEW, f.description.evidence)
            say(description, _DESCRIPTION_TEXT, f.description.text)
        if f.service_type:
            node = self.fact("service-type", "text", _SERVICE_TYPE_FACT, _SERVICE_TYPE, f.service_type.evidence)
            say(node, _TEXT, f.service_type.text)
            self.cut_off(node, f.service_type.cut_off)
        if f.site_of_service:
            site = f.site_of_service
            node = self.fact("site-of-service", "text", _SITE_FACT, _SITE, site.evidence)
            say(node, _TEXT, site.text)
            self.cut_off(node, site.cut_off)
            for pos in site.pos:
                emit(node, _PLACE_OF_SERVICE, self.listed_term("place-of-service", pos, iris.place_of_service_iri))
            for candidate in site.pos_candidates:
                emit(node, _CANDIDATE_PHRASE, string_term(candidate.phrase))
                for pos in candidate.pos:
                    emit(node, _CANDIDATE_PLACE, self.listed_term("place-of-service", pos, iris.place_of_service_iri))

        for target in f.anatomy:
            # Only a target is cg:anatomicalTarget; a harvest site, approach, indication or avoided
            # structure is a cg:AnatomicalMention with its role, so no query reads it as a target.
            local = iris.slug(target.iri.rsplit("/", 1)[-1])
            if target.role == "target":
                node = self.fact("anatomy", local, _ANATOMICAL_TARGET_CLASS, _ANATOMICAL_TARGET, target.evidence)
            else:
                node = self.fact("anatomy-mention", f"{target.role}-{local}", _ANATOMICAL_MENTION_CLASS, _ANATOMICAL_MENTION,
                                 target.evidence)
            emit(node, _ANATOMY, _iri(target.iri))
            emit(node, _ANATOMY_ROLE, _value("anatomy-role", target.role))
            emit(node, _LABEL, _english(target.label))

        mention_nodes = []
        for mention in f.concepts:
            key = f"{mention.role}-{iris.slug(mention.label)}" + ("" if mention.asserted else "-hedged")
            node = self.fact("concept", key, _CONCEPT_MENTION, _CLINICAL_CONCEPT, mention.evidence)
            mention_nodes.append((mention.evidence, node))
            emit(node, _CONCEPT_ROLE, _value("concept-role", mention.role))
            emit(node, _LABEL, _english(mention.label))
            emit(node, _ASSERTED, _TRUE if mention.asserted else _FALSE)
            if mention.iri:
                emit(node, _CONCEPT, _iri(mention.iri))

        for step in f.steps:
            node = self.fact("step", step.order, _PROCEDURE_STEP, _STEP, step.evidence)
            emit(node, _STEP_ORDER, integer_term(step.order))
            emit(node, _STEP_KIND, _value("step-kind", step.kind))
            emit(node, _TEXT, string_term(step.text))
            for span, mention_node in mention_nodes:  # concepts named inside the step's text
                if step.evidence.start <= span.start and span.end <= step.evidence.end:
                    emit(node, _MENTIONS, mention_node)

        for payer in f.payers:
            emit(self.document_term, _NAMES_PAYER, self.payer_term(payer.name))

        for coverage in f.coverage:
            payer_node = self.payer_term(coverage.payer)
            node = self.fact("coverage", payer_node[:-1].rsplit("/", 1)[-1], _COVERAGE_ASSERTION, None, coverage.evidence)
            emit(node, _BILLING_CODE, self.code_term)
            emit(node, _PAYER, payer_node)
            emit(node, _COVERAGE_STATUS, _value("coverage-status", coverage.status))
            emit(node, _PRIOR_AUTH, _value("prior-auth", coverage.prior_auth))
            say(node, _POLICY_ID, coverage.policy_id)
            if coverage.effective_date:
                emit(node, _EFFECTIVE_DATE, nt_term(Literal(coverage.effective_date, datatype=XSD.date)))

        for modifier in f.modifiers:
            node = self.fact("modifier", modifier.code, _MODIFIER_USAGE_CLASS, _MODIFIER_USAGE, modifier.evidence)
            emit(node, _MODIFIER, self.listed_term("modifiers", modifier.code, iris.modifier_iri))
            emit(node, _NOTATION, string_term(modifier.code))
            say(node, _DESCRIPTION_TEXT, modifier.description)
            say(node, _WHEN_TO_USE, modifier.when_to_use)
            self.cut_off(node, modifier.cut_off)
        for taxonomy in f.taxonomies:
            node = self.fact("taxonomy", taxonomy.code, _TAXONOMY_MAPPING, _PROVIDER_TAXONOMY, taxonomy.evidence)
            emit(node, _TAXONOMY, self.listed_term("nucc-taxonomy", taxonomy.code, iris.taxonomy_iri))
            emit(node, _NOTATION, string_term(taxonomy.code))
            say(node, _DESCRIPTION_TEXT, taxonomy.description)
            self.cut_off(node, taxonomy.cut_off)
        for diagnosis in f.icd10:
            node = self.fact("icd10", diagnosis.code, _DIAGNOSIS_MAPPING, _ICD10_MAPPING, diagnosis.evidence)
            emit(node, _DIAGNOSIS, nt_term(iris.code_iri("ICD-10-CM", diagnosis.code)))
            emit(node, _NOTATION, string_term(diagnosis.code))
            say(node, _DESCRIPTION_TEXT, diagnosis.description)
            self.cut_off(node, diagnosis.cut_off)
        for related in f.related_codes:
            node = self.fact("related", f"{related.system}-{related.code}", _RELATED_LINK, _RELATED_CODE, related.evidence)
            related_term, writes = _related(related.system, related.code)
            self.add_shared_lines(writes)
            emit(node, _RELATED_TO, related_term)
            emit(node, _NOTATION, string_term(related.code))
            say(node, _DESCRIPTION_TEXT, related.description)
            self.cut_off(node, related.cut_off)

        for number, statement in enumerate(f.unavailable_statements, start=1):
            node = self.fact("unavailable", number, _UNAVAILABLE, _DECLARED_UNAVAILABLE, statement.evidence)
            emit(node, _TEXT, string_term(statement.evidence.quote))
            for facet in statement.facets:
                emit(node, _FACET, _value("facet", facet))
        self.map_cut_off()
        return self


def facts_to_named_graphs(facts: DocumentFacts, version: str) -> dict[URIRef, list[Triple]]:
    """One document's triples by named graph: its own graph first, then the shared graphs (the
    code's, the payers', the extraction activity's); each list in a stable order."""
    return _DocumentMapper(facts, version).map().named_graphs()


def facts_to_nquads(facts: DocumentFacts, version: str) -> str:
    """One document's named graphs as N-Quads text, for bulk loading into a store."""
    return _DocumentMapper(facts, version).map().nquads()


def facts_to_graph_lines(facts: DocumentFacts, version: str) -> tuple[list[str], str]:
    """``facts_to_nquads`` in two parts: the document's own graph as its lines (each once, bar an
    evidence line a fact line repeats), then the text of the shared graphs, in the same order.
    Split the shared text with ``nquad_lines``: a literal may hold U+2028, U+2029 or NEL, which
    N-Triples leaves unescaped and ``str.splitlines`` would break at."""
    mapper = _DocumentMapper(facts, version).map()
    return mapper.own_list(), "".join(mapper.shared_lines())
