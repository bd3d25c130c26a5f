"""The typed facts read from one document.

These records are the contract between reading and mapping: extractors produce them, the RDF
mapper consumes them, and ``codegraph extract --format json`` prints their JSON form
(``docs/extract-contract.md``). Every fact carries the ``Evidence`` it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Value sets of the contract. The ontology declares the same values as SKOS concepts.
FACETS = (
    "icd10-mappings",
    "modifiers",
    "payer-policies",
    "payer-rates",
    "provider-taxonomies",
    "related-codes",
)
COVERAGE_STATUSES = (
    "covered",
    "not-covered",
    "conditional",
    "experimental",
    "not-stated",
    "source-declares-unavailable",
)
PRIOR_AUTH_VALUES = ("required", "not-required", "unknown")
# Where a page stops when it is cut off (see read/cut.py).
CUT_KINDS = ("mid-word", "mid-sentence", "mid-row", "mid-heading")
# What a document says about each facet (``DocumentFacts.facet_states``): "read" (facts were
# read), "cut-off" (the cut interrupts its value or label: what was read is kept, incomplete),
# "declared-unavailable" (the page says the data is missing), "not-reached" (the page is cut off
# before the section that gives it) or "missing" (the page went past that section without it).
FACET_STATES = ("read", "cut-off", "declared-unavailable", "not-reached", "missing")
STEP_KINDS = (
    "arrival",
    "consent",
    "tissue-harvest",
    "laboratory-processing",
    "positioning",
    "preparation",
    "anesthesia",
    "imaging-guidance",
    "injection",
    "procedure",
    "observation",
    "discharge",
    "follow-up",
    "other",
)
CONCEPT_ROLES = (
    "condition",
    "prior-treatment",
    "diagnostic-evaluation",
    "imaging-guidance",
    "anesthesia",
    "position",
    "harvest-site",
    "complication",
    "contraindication",
)
# What an anatomical mention is to the billed procedure. Only "target" is cg:anatomicalTarget.
ANATOMY_ROLES = (
    "target",  # where the injection, implant, needle or catheter goes
    "harvest-site",  # where tissue is taken from (thigh for a muscle biopsy)
    "harvest-source",  # the tissue or cells taken (fat, bone marrow, blood, muscle cells)
    "approach",  # the route passed through ("through the skin", "via the urethra")
    "indication",  # named in a disease or symptom ("peripheral artery disease")
    "avoided",  # a structure the page says is avoided or excluded
    "descriptor",  # names other structures ("muscles innervated by the facial nerve")
)


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: section, character span in the original text, 1-based line."""

    section: str
    start: int
    end: int
    line: int
    quote: str

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Source:
    """Where a document came from. ``key`` is its identity in the graph (the page's own URL, or
    its path relative to the folder a build was given); ``sha256`` is its version."""

    path: str
    sha256: str  # of the bytes: the version of the source
    content_sha256: str = ""  # of the whitespace-folded text: the same page saved twice matches
    key: str = ""  # the source key; empty until a build gives one (the path stands in)
    url: str | None = None  # the page's own address, where the page states one

    @property
    def identity(self) -> str:
        """The source key, or the path when no build gave one."""
        return self.key or self.path


@dataclass(frozen=True)
class CodeFact:
    """The billing code a page is about: system, code, CPT category and the page's title for it."""
    system: str
    code: str
    category: str | None
    title: str
    evidence: Evidence


@dataclass(frozen=True)
class TextFact:
    """A free-text fact such as the description or the service type."""

    text: str
    evidence: Evidence
    cut_off: bool = False  # the page is cut off inside the value: the text is incomplete


@dataclass(frozen=True)
class PosCandidate:
    """A setting the page names that maps to several places of service (candidates, not a fact)."""
    phrase: str
    pos: tuple[str, ...]


@dataclass(frozen=True)
class SiteOfServiceFact:
    """The typical site of service: the page's words and the CMS place-of-service codes they give."""
    text: str
    pos: tuple[str, ...]
    pos_candidates: tuple[PosCandidate, ...]
    evidence: Evidence
    cut_off: bool = False  # the page is cut off inside the value: the text is incomplete


@dataclass(frozen=True)
class AnatomyFact:
    """A body structure the page names, with its UBERON IRI and its role in the procedure."""
    label: str
    iri: str
    evidence: Evidence
    role: str = "target"  # one of ANATOMY_ROLES


@dataclass(frozen=True)
class StepFact:
    """One step of the procedure workflow, in order, with its kind."""
    order: int
    kind: str
    text: str
    evidence: Evidence


@dataclass(frozen=True)
class ConceptMention:
    """A clinical concept the page names, with its role (indication, complication, ...) and code where known."""
    role: str
    label: str
    iri: str | None
    asserted: bool  # False for negated or hedged mentions ("with or without sedation")
    evidence: Evidence


@dataclass(frozen=True)
class PayerMention:
    """A payer the page names."""
    name: str
    evidence: Evidence


@dataclass(frozen=True)
class CoverageFact:
    """What the page says of one payer's coverage of the code, and of prior authorization."""
    payer: str
    status: str
    prior_auth: str
    evidence: Evidence
    policy_id: str | None = None
    effective_date: str | None = None


@dataclass(frozen=True)
class ModifierRow:
    """A modifier the page lists for the code, with its description and when to use it."""
    code: str
    description: str | None
    when_to_use: str | None
    evidence: Evidence
    cut_off: bool = False  # the page is cut off inside this row


@dataclass(frozen=True)
class TaxonomyRow:
    """A provider taxonomy (NUCC) code the page lists for the code."""
    code: str
    description: str | None
    evidence: Evidence
    cut_off: bool = False  # the page is cut off inside this row


@dataclass(frozen=True)
class DiagnosisRow:
    """An ICD-10-CM diagnosis the page pairs with the code."""
    code: str
    description: str | None
    evidence: Evidence
    cut_off: bool = False  # the page is cut off inside this row


@dataclass(frozen=True)
class RelatedCodeRow:
    """Another billing code the page relates to this one."""
    system: str
    code: str
    description: str | None
    evidence: Evidence
    cut_off: bool = False  # the page is cut off inside this row


@dataclass(frozen=True)
class UnavailableStatement:
    """A sentence in which the source says data is missing; ``facets`` may be empty.

    ``payers`` holds the payers the clause names ("Cigna's policy is not available"): the
    statement is about those payers only; empty means it is about every payer.
    """

    facets: tuple[str, ...]
    evidence: Evidence
    payers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CutOff:
    """Where a cut-off document stops: ``kind`` from CUT_KINDS, the section (id and heading as
    written) the cut falls in, the offset just past its last character, and the evidence span of
    the interrupted sentence, row or heading."""

    kind: str
    section: str
    heading: str
    offset: int
    line: int
    evidence: Evidence


@dataclass
class DocumentFacts:
    """Everything read from one document."""

    source: Source
    code: CodeFact
    description: TextFact | None = None
    service_type: TextFact | None = None
    site_of_service: SiteOfServiceFact | None = None
    anatomy: list[AnatomyFact] = field(default_factory=list)
    steps: list[StepFact] = field(default_factory=list)
    concepts: list[ConceptMention] = field(default_factory=list)
    payers: list[PayerMention] = field(default_factory=list)
    coverage: list[CoverageFact] = field(default_factory=list)
    modifiers: list[ModifierRow] = field(default_factory=list)
    taxonomies: list[TaxonomyRow] = field(default_factory=list)
    icd10: list[DiagnosisRow] = field(default_factory=list)
    related_codes: list[RelatedCodeRow] = field(default_factory=list)
    unavailable_statements: list[UnavailableStatement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cut_off: CutOff | None = None  # None: the page ends where a page may end
    facet_states: dict[str, str] = field(default_factory=dict)  # facet -> one of FACET_STATES

    @property
    def unavailable(self) -> list[str]:
        """The facets the source declares unavailable, sorted."""
        return sorted({f for s in self.unavailable_statements for f in s.facets})

    @property
    def not_reached(self) -> list[str]:
        """The facets the page is cut off before, sorted."""
        return sorted(facet for facet, state in self.facet_states.items() if state == "not-reached")

    def to_json(self, evidence: bool = False) -> dict[str, Any]:
        """The ``extract --format json`` form; ``evidence`` adds each fact's evidence."""

        def with_evidence(payload: dict[str, Any], fact: Any) -> dict[str, Any]:
            if evidence:
                payload["evidence"] = fact.evidence.to_json()
            return payload

        site = self.site_of_service
        site_json: dict[str, Any] = {
            "text": site.text if site else None,
            "pos": list(site.pos) if site else [],
            "pos_candidates": [
                {"phrase": c.phrase, "pos": list(c.pos)} for c in (site.pos_candidates if site else ())
            ],
            "cut_off": bool(site and site.cut_off),
        }
        if site:
            with_evidence(site_json, site)

        result: dict[str, Any] = {
            "source": {
                "path": self.source.path,
                "key": self.source.identity,
                "url": self.source.url,
                "sha256": self.source.sha256,
                "content_sha256": self.source.content_sha256,
            },
            "code": with_evidence(
                {
                    "system": self.code.system,
                    "code": self.code.code,
                    "category": self.code.category,
                    "title": self.code.title,
                },
                self.code,
            ),
            "description": self.description.text if self.description else None,
            "service_type": self.service_type.text if self.service_type else None,
            "site_of_service": site_json,
            "anatomy": [  # targets only: what the code acts on
                with_evidence({"label": a.label, "iri": a.iri}, a) for a in self.anatomy if a.role == "target"
            ],
            "anatomy_mentions": [
                with_evidence({"label": a.label, "iri": a.iri, "role": a.role}, a)
                for a in self.anatomy
                if a.role != "target"
            ],
            "steps": [
                with_evidence({"order": s.order, "kind": s.kind, "text": s.text}, s) for s in self.steps
            ],
            "concepts": [
                with_evidence(
                    {"role": c.role, "label": c.label, "iri": c.iri, "asserted": c.asserted}, c
                )
                for c in self.concepts
            ],
            "payers": [p.name for p in self.payers],
            "coverage": [
                with_evidence(
                    {
                        "payer": c.payer,
                        "status": c.status,
                        "prior_auth": c.prior_auth,
                        "policy_id": c.policy_id,
                        "effective_date": c.effective_date,
                    },
                    c,
                )
                for c in self.coverage
            ],
            "modifiers": [
                with_evidence(
                    {"code": m.code, "description": m.description, "when_to_use": m.when_to_use}, m
                )
                for m in self.modifiers
            ],
            "taxonomies": [
                with_evidence({"code": t.code, "description": t.description}, t) for t in self.taxonomies
            ],
            "icd10": [with_evidence({"code": d.code, "description": d.description}, d) for d in self.icd10],
            "related_codes": [
                with_evidence({"system": r.system, "code": r.code, "description": r.description}, r)
                for r in self.related_codes
            ],
            "unavailable": self.unavailable,
            "warnings": list(self.warnings),
            "service_type_cut_off": bool(self.service_type and self.service_type.cut_off),
            "cut_off": self._cut_off_json(evidence),
            "not_reached": self.not_reached,
            "facet_states": dict(self.facet_states),
        }
        if evidence:
            if self.description:
                result["description_evidence"] = self.description.evidence.to_json()
            if self.service_type:
                result["service_type_evidence"] = self.service_type.evidence.to_json()
            result["payer_mentions"] = [with_evidence({"name": p.name}, p) for p in self.payers]
            result["unavailable_statements"] = [
                with_evidence({"facets": list(s.facets), "payers": list(s.payers)}, s)
                for s in self.unavailable_statements
            ]
        return result

    def _cut_off_json(self, evidence: bool) -> dict[str, Any] | None:
        cut = self.cut_off
        if cut is None:
            return None
        payload: dict[str, Any] = {
            "kind": cut.kind,
            "section": cut.section,
            "heading": cut.heading,
            "offset": cut.offset,
            "line": cut.line,
        }
        if evidence:
            payload["evidence"] = cut.evidence.to_json()
        return payload
