"""Clinical concepts in a page's clinical context, found by lexicon, each with its role.

Roles: condition (the indication or presenting problem), diagnostic-evaluation, prior-treatment,
complication, contraindication, and the procedural ones (imaging guidance, anesthesia, position,
harvest site). A symptom such as bare "pain", "bleeding" or "infection" is a *complication*
(G89.18, R58, T81.4) only in a sentence that lists complications or risks; in a presenting
complaint or an indication ("presents with chronic pain") it is the condition treated, without
the post-procedural code. A sentence that rules patients out ("contraindicated", "not
candidates") makes what it names a contraindication. A mention preceded in its sentence by a
negation or hedge ("without", "with or without", "if", "no") is kept with ``asserted = False``
so it is never stated as a fact of the procedure. Anatomy is read in ``anatomy.py``.
"""

from __future__ import annotations

from ..model import ConceptMention
from ..read import Document
from ..read.patterns import Caseless, ascii_lower
from ..vocab import clinical_lexicon
from .anatomy import (
    extract_anatomy,  # re-exported: extract/__init__ imports it from here
)
from .evidence import evidence, sentences

_HEDGE_BEFORE = Caseless(r"\b(?:without|no|not|denies|denied|if|unless|absent|rather\s+than)\s+(?:[\w-]+\s+){0,3}$")


_COMPLICATION_CONTEXT = Caseless(
    r"\b(?:complications?|risks?|adverse|side[\s-]effects?|watch(?:ed|es)?\s+for|monitor(?:ed|s|ing)?\s+for|"
    r"post-?procedur\w*|postoperative|after\s+the\s+(?:procedure|injection)|may\s+(?:cause|occur|develop)|"
    r"potential|warn\w*|counsel\w*)\b"
)
_CONTRAINDICATION_CONTEXT = Caseless(
    r"\b(?:contraindicat\w*|not\s+(?:a\s+)?candidates?|should\s+not\s+(?:receive|undergo|be\s+(?:treated|injected))|"
    r"excluded?\s+(?:from|if)|precludes?)\b"
)


def concept_role(lexicon_role: str, sentence: str) -> str:
    """The role a mention plays in its sentence (see the module docstring)."""
    return _Sentence(sentence).role(lexicon_role)


class _Sentence:
    """A sentence being read for concepts: lowered once, and what its words say about every
    mention in it (a complication or contraindication context) looked up once."""

    def __init__(self, text: str):
        self.text = text
        self.lower = ascii_lower(text)
        self._contexts: tuple[bool, bool] | None = None

    def role(self, lexicon_role: str) -> str:
        if lexicon_role not in ("condition", "complication"):
            return lexicon_role
        if self._contexts is None:
            self._contexts = (bool(_CONTRAINDICATION_CONTEXT.search(self.text, self.lower)),
                              bool(_COMPLICATION_CONTEXT.search(self.text, self.lower)))
        contraindication, complication = self._contexts
        if contraindication:
            return "contraindication"
        if lexicon_role == "complication" and not complication:
            return "condition"
        return lexicon_role

    def hedged_before(self, end: int) -> bool:
        """Whether a negation or hedge closes the sentence's first ``end`` characters."""
        lower = None if self.lower is None else self.lower[:end]
        return bool(_HEDGE_BEFORE.search(self.text[:end], lower))


# Clinical text: the vignette and workflow, and the overview paragraph that describes the procedure.
_CLINICAL_SECTIONS = ("overview", "clinical-context")


def extract_concepts(doc: Document) -> list[ConceptMention]:
    """Clinical concepts the page names, each once per (concept, role, hedged)."""
    seen: set[tuple[str, str, bool]] = set()
    mentions: list[ConceptMention] = []
    lexicon = clinical_lexicon()
    for section in doc.sections:
        if section.name not in _CLINICAL_SECTIONS:
            continue
        for line in section.lines:
            for s_start, _s_end, text in sentences(line.text, line.start):
                sentence: _Sentence | None = None
                for mention in lexicon.find(text, s_start):
                    if sentence is None:
                        sentence = _Sentence(text)
                    asserted = not sentence.hedged_before(mention.start - s_start)
                    role = sentence.role(mention.entry.role)
                    key = (role, mention.entry.label, asserted)
                    if key in seen:
                        continue
                    seen.add(key)
                    mentions.append(
                        ConceptMention(
                            role=role,
                            label=mention.entry.label,
                            # the lexicon's code is the complication's (G89.18 is post-procedural pain)
                            iri=mention.entry.iri if role == mention.entry.role else None,
                            asserted=asserted,
                            evidence=evidence(doc, mention.start, mention.end),
                        )
                    )
    return mentions

__all__ = ["concept_role", "extract_anatomy", "extract_concepts"]
