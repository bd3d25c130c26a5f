"""Anatomy the code targets and clinical concepts in its clinical context, found by lexicon.

Anatomy targets are read from the title, the overview description and the service type, where a
page says what the code treats; the same words in the workflow (a thigh biopsy) are clinical
context, not the code's target. A mention preceded in its sentence by a negation or hedge
("without", "with or without", "if", "no") is kept with ``asserted = False`` so it is never
stated as a fact of the procedure.
"""

from __future__ import annotations

import re

from ..model import ConceptMention
from ..read import Document
from ..vocab import clinical_lexicon
from .anatomy import extract_anatomy
from .evidence import evidence, sentences

_HEDGE_BEFORE = re.compile(
    r"\b(?:without|no|not|denies|denied|if|unless|absent|rather\s+than)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE
)


# Clinical text: the vignette and workflow, and the overview paragraph that describes the procedure.
_CLINICAL_SECTIONS = ("overview", "clinical-context")


def extract_concepts(doc: Document) -> list[ConceptMention]:
    seen: set[tuple[str, str, bool]] = set()
    mentions: list[ConceptMention] = []
    for section in doc.sections:
        if section.name not in _CLINICAL_SECTIONS:
            continue
        for line in section.lines:
            for s_start, _s_end, sentence in sentences(line.text, line.start):
                for mention in clinical_lexicon().find(sentence, s_start):
                    before = doc.text[s_start : mention.start]
                    asserted = not _HEDGE_BEFORE.search(before)
                    key = (mention.entry.role, mention.entry.label, asserted)
                    if key in seen:
                        continue
                    seen.add(key)
                    mentions.append(
                        ConceptMention(
                            role=mention.entry.role,
                            label=mention.entry.label,
                            iri=mention.entry.iri,
                            asserted=asserted,
                            evidence=evidence(doc, mention.start, mention.end),
                        )
                    )
    return mentions
