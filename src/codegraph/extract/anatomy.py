"""Anatomy the page names, each mention with its role in the billed procedure.

Only a procedure *target* (where the injection, implant, needle or catheter goes) becomes
``cg:anatomicalTarget``; a page also names structures for other reasons, and reading those as
targets was the reader's most common anatomy error on real pages: "through the skin" (the
approach), "harvests the patient's fat" (the tissue taken), "from the thigh" (the harvest site),
"peripheral artery disease" (an indication), "while avoiding the laryngeal muscles". The role is
read from the words next to the mention, in the order below; a mention with no such cue is a
target, as the title, overview and service type are where a page says what the code acts on.

The rules are about wording, not about pages: a cue must sit in the same sentence, within a few
words of the mention, so "injected through the skin into the knee joint" gives the skin as the
approach and the knee joint as the target.
"""

from __future__ import annotations

import re

from ..model import AnatomyFact, CodeFact, TextFact
from ..read import Document
from ..read.patterns import Caseless, ascii_lower
from ..vocab import anatomy_lexicon
from .evidence import evidence, sentences

_W = r"(?:[\w'\u2019-]+\s+)"  # one word and its space

# Negation or avoidance right before the mention ("while avoiding the laryngeal muscles").
_AVOIDED = Caseless(
    rf"\b(?:avoid(?:s|ing|ance\s+of)?|sparing|spares?|excluding|except(?:\s+for)?|without|not|no|never)\s+{_W}{{0,3}}$",
)
# Cells or tissue taken from the patient: "muscle progenitor cells", "adipose-derived", "fat graft".
_SOURCE_AFTER = Caseless(
    r"^(?:[\s-]*(?:-?derived|progenitor|stem|stromal|regenerative|cells?|aspirates?|grafts?|grafting|harvests?|"
    r"transfer|concentrate|extracts?|samples?|tissue\s+harvest))\b",
)
# The route: "through the skin", "via the urethra", "across the ...", "X approach".
_APPROACH_BEFORE = Caseless(
    rf"\b(?:through|via|across|traversing|by\s+way\s+of|transit(?:ing)?\s+through)\s+(?:the\s+|a\s+|an\s+){{0,1}}{_W}{{0,2}}$",
)
_APPROACH_AFTER = Caseless(r"^\s*(?:approach|route|access|portal)\b")
# The harvest site: "harvested from the thigh", "biopsy of the vastus lateralis", "thigh biopsy".
_HARVEST_CLAUSE = Caseless(
    r"\b(?:harvest\w*|liposuction|lipoaspirat\w*|biops\w+|obtain\w*|collect\w*|extract\w*|procur\w*|"
    r"aspirat\w*|drawn|draws?|removed?|removing|withdraw\w*|tak(?:e|es|en|ing)|donor)\b",
)
_FROM_BEFORE = Caseless(
    rf"\b(?:from|of|at)\s+(?:the\s+|a\s+|an\s+|one\s+|each\s+|patient'?s?\s+|patient\u2019s\s+){{0,2}}{_W}{{0,2}}$",
)
# "biopsy of the thigh", "harvest at the abdomen": with "of"/"at" only these words mark a harvest
# site ("aspiration of a joint" is the procedure on its target).
_HARVEST_NOUN = Caseless(r"\b(?:harvest\w*|biops\w+|donor|liposuction)\b")
_HARVEST_AFTER = Caseless(r"^\s*(?:muscle\s+)?(?:biops(?:y|ies)|harvest|donor\s+site)\b")
# Named in a disease or symptom: "peripheral artery disease", "bladder dysfunction", "pelvic pain".
_INDICATION_AFTER = Caseless(
    r"^\s*(?:[\w-]+\s+)?(?:disease|diseases|disorders?|dysfunction|pain|syndromes?|dystonia|incontinence|"
    r"insufficiency|symptoms?|spasticity|healing|repair|function|strength|tone|weakness|atrophy)\b",
)
_INDICATION_BEFORE = Caseless(r"\b(?:overactive|underactive|neurogenic)\s+$")
# Names other structures: "muscles innervated by the facial nerve".
_DESCRIPTOR_BEFORE = Caseless(rf"\b(?:innervated|supplied|served)\s+by\s+(?:the\s+)?{_W}{{0,2}}$")
# A target cue right before the mention beats a cue further away ("via injection into the knee").
_TARGET_BEFORE = Caseless(
    rf"\b(?:into|in|at|to|on|within|beneath|under|around|surrounding|near|targeting|of)\s+(?:the\s+|a\s+|an\s+)?{_W}{{0,2}}$",
)


# Groups whose words also name a tissue taken for cells ("muscle progenitor cells"): for these,
# cell words after the mention make it the harvested source. "urethral sphincter muscle
# progenitor cells" keeps the sphincter as the target.
_TISSUE_GROUPS = ("material", "tissue")


_INTO_BEFORE = Caseless(r"\binto\s+(?:the\s+)?$")
_INJECTED_IN_CLAUSE = Caseless(r"\b(?:into|injected|injection|reinject\w*|implant\w*)\b")
_CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:and|then|which|where|while)\s+|\band\s+(?:then\s+)?(?=inject|reinject|implant|return)")


def mention_role(before: str, mention: str, after: str, group: str) -> str:
    """The role of one anatomy mention, from the sentence text before and after it."""
    tail = before[-80:]
    tail_lower, after_lower = ascii_lower(tail), ascii_lower(after)
    if _AVOIDED.search(tail, tail_lower):
        return "avoided"
    if group == "material" or (_SOURCE_AFTER.match(after, after_lower) and group in _TISSUE_GROUPS):
        return "target" if _INTO_BEFORE.search(tail, tail_lower) else "harvest-source"
    if _HARVEST_AFTER.match(after, after_lower):
        return "harvest-site"
    preposition = _FROM_BEFORE.search(tail, tail_lower)
    if preposition:
        harvest_words = _HARVEST_CLAUSE if preposition.group(0).lower().startswith("from") else _HARVEST_NOUN
        clause = _clause(before)
        clause_lower = ascii_lower(clause)
        recent = clause[-60:]
        if harvest_words.search(clause, clause_lower) and not _INJECTED_IN_CLAUSE.search(recent, ascii_lower(recent)):
            return "harvest-site"
    if _APPROACH_AFTER.match(after, after_lower):
        return "approach"
    approach = _APPROACH_BEFORE.search(tail, tail_lower)
    target = _TARGET_BEFORE.search(tail, tail_lower)
    if approach and not (target and target.start() > approach.start()):
        return "approach"
    if _INDICATION_AFTER.match(after, after_lower) or _INDICATION_BEFORE.search(tail, tail_lower):
        return "indication"
    if _DESCRIPTOR_BEFORE.search(tail, tail_lower):
        return "descriptor"
    return "target"


def _clause(before: str) -> str:
    """The part of the sentence before the mention that belongs to its clause."""
    return _CLAUSE_BREAK.split(before)[-1]


def extract_anatomy(doc: Document, sources: list[CodeFact | TextFact]) -> list[AnatomyFact]:
    """Each structure named in ``sources`` once per role, targets first by position."""
    lexicon = anatomy_lexicon()
    found: dict[tuple[str, str], AnatomyFact] = {}
    for fact in sources:
        span = fact.evidence
        text = doc.text[span.start : span.end]
        for s_start, s_end, sentence in sentences(text, span.start):
            for mention in lexicon.find(sentence, s_start):
                entry = mention.entry
                if not entry.iri:
                    continue
                before = doc.text[s_start : mention.start]
                after = doc.text[mention.end : s_end]
                role = mention_role(before, doc.text[mention.start : mention.end], after, entry.group)
                key = (entry.iri, role)
                if key not in found:
                    found[key] = AnatomyFact(
                        label=entry.label, iri=entry.iri, evidence=evidence(doc, mention.start, mention.end), role=role
                    )
    return list(found.values())


__all__ = ["extract_anatomy", "mention_role"]
