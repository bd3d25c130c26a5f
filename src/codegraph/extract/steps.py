"""The procedure workflow as ordered, typed steps.

The workflow is the text after "Procedure workflow:" in the Clinical Context section (or, on
pages without that label, the paragraphs after the patient vignette). Sentences are cut into
clauses where a new action starts (a semicolon; a leading "After informed consent," or "Under
local anesthesia,"; "... and discharged"), and each clause gets the first step kind whose cue
words it contains.
"""

from __future__ import annotations

import re

from ..model import StepFact
from ..read import Document
from ..read.patterns import compile_fast
from .evidence import evidence, sentences

_WORKFLOW_LABEL = re.compile(r"(?:\*\*)?procedure\s++workflow(?:\*\*)?\s*+:\s*+(?:\*\*)?\s*+", re.IGNORECASE)

# Order matters: the first kind whose cue matches wins ("On the day of injection, the patient is
# positioned" is positioning, not injection).
STEP_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("consent", r"\bconsent\b"),
        ("arrival", r"\barriv(?:es|al)\b|\bchecks?\s+in\b|\bis\s+admitted\b|\bpresents?\s+to\s+the\b"),
        ("positioning", r"\bpositioned\b|\bplaced\s+in\s+the\s+\w+\s+position\b"),
        ("discharge", r"\bdischarg"),
        ("follow-up", r"\bfollow-?\s?up\b"),
        ("observation", r"\bobserved\b|\bmonitored\b|\bobservation\b|\brecovery\s+area\b"),
        ("anesthesia", r"\banesthe|\banaesthe|\bsedation\b|\bnumb"),
        ("tissue-harvest", r"\bharvest|\bbiops|\bcollects?\b|\bprocured?\b|\bdraws?\s+blood\b"),
        ("laboratory-processing", r"\blaborator|\bexpanded\b|\bcultured\b|\bprocessed\b|\bcentrifug"),
        ("preparation", r"\bprep(?:ped|ared|aration|s)?\b|\bsterile\s+(?:prep|field)|\bcleansed\b|\bdraped\b"),
        # An injection "under ultrasound guidance" is an injection step, so injection comes first.
        ("injection", r"\binject|\binfus|\bdelivered\s+into\b"),
        ("imaging-guidance", r"\bguidance\b|\bultrasound\b|\bfluoroscop|\blocali[sz]ation\b|\bimaging\b"),
        ("procedure", r"\bincision\b|\binserts?\b|\bplaces?\b|\bperforms?\b|\bablat|\bimplant"),
    )
)

# A leading phrase that is itself a step ("After informed consent, ...").
_LEADING_STEP = re.compile(r"^(?P<lead>(?:After|Following|Under|With)\s[^,;]{3,80}),\s+(?=\S)")
_LEADING_KINDS = ("consent", "anesthesia")
# "... and discharged with ...", "... and follow-up assessments ...": a new step in the same sentence.
_JOINED_STEP = re.compile(
    r"(?:,|(?<![\s,]))\s++and\s++(?:then\s++)?(?=(?:is\s+|are\s+)?(?:discharged|observed|monitored|positioned)\b|follow-?\s?up\b)",
    re.IGNORECASE,
)


# The cues are lower case: a clause is lowered once and searched case-sensitively, in the
# literal-first form (read/patterns.py), which lets the engine skip to each cue's first letter
# instead of trying every character.
_LOWER_CUES = tuple((kind, compile_fast(cue.pattern)) for kind, cue in STEP_CUES)


def classify_step(text: str) -> str:
    """The first kind, in STEP_CUES order, whose cue words ``text`` contains."""
    lower = text.lower()
    return next((kind for kind, cue in _LOWER_CUES if cue.search(lower)), "other")


def _workflow_spans(doc: Document) -> list[tuple[int, int]]:
    """(start, end) spans of the workflow text."""
    context = [s for s in doc.sections if s.name == "clinical-context"]
    if not context:
        return []
    lines = [line for line in context[0].lines if line.text.strip()]
    for position, line in enumerate(lines):
        label = _WORKFLOW_LABEL.search(line.text) if "workflow" in line.text.lower() else None
        if label:
            spans = [(line.start + label.end(), line.end)]
            spans += [(later.start, later.end) for later in lines[position + 1 :]]
            return [(start, end) for start, end in spans if doc.text[start:end].strip()]
    # No label: the first paragraph is the patient vignette, the rest is the workflow.
    return [(line.start, line.end) for line in lines[1:]]


def _clauses(text: str, offset: int) -> list[tuple[int, int]]:
    """Cut one sentence into step clauses; spans are absolute offsets."""
    pieces: list[tuple[int, int]] = []
    for part in re.finditer(r"[^;]+", text):
        pieces.append((part.start(), part.end()))
    result: list[tuple[int, int]] = []
    for start, end in pieces:
        segment = text[start:end]
        lead = _LEADING_STEP.match(segment.lstrip())
        shift = len(segment) - len(segment.lstrip())
        if lead and classify_step(lead["lead"]) in _LEADING_KINDS:
            result.append((start + shift, start + shift + len(lead["lead"])))
            start = start + shift + lead.end()
            segment = text[start:end]
        cursor = start
        for joint in _JOINED_STEP.finditer(segment) if " and" in segment.lower() else ():
            result.append((cursor, start + joint.start()))
            cursor = start + joint.end()
        result.append((cursor, end))
    return [(offset + s, offset + e) for s, e in result if text[s:e].strip(" .,")]


def extract_steps(doc: Document) -> list[StepFact]:
    """The ordered procedure steps of the page's workflow sections."""
    steps: list[StepFact] = []
    for span_start, span_end in _workflow_spans(doc):
        for s_start, _s_end, sentence in sentences(doc.text[span_start:span_end], span_start):
            for start, end in _clauses(sentence, s_start):
                text = doc.text[start:end].strip()
                while text.endswith((".", ",")):
                    end -= 1
                    text = text[:-1].rstrip()
                steps.append(
                    StepFact(
                        order=len(steps) + 1,
                        kind=classify_step(text),
                        text=" ".join(text.split()),
                        evidence=evidence(doc, start, end),
                    )
                )
    return steps
