"""The overview facts: description, service type and typical site of service.

Pages state service type and site in several layouts (see docs/extract-contract.md): labelled
lines (with or without ``-`` separator lines, any case), both labels inside one sentence, a prose
sentence ("The service type is ..., and the typical site of service is ..."), or only a place of
service folded into the overview text.
"""

from __future__ import annotations

import re

from ..model import SiteOfServiceFact, TextFact
from ..read import Document, Section
from ..read.normalize import clean_value
from .evidence import evidence, sentences
from .places import map_places
from .unavailable import is_missing_data_marker

_LABEL_LINE = re.compile(
    r"^\s*(?:[-*\u2022]\s*)?(?:\*\*)?(?P<label>service\s+type|(?:typical\s+)?site\s+of\s+service)(?:\*\*)?"
    r"\s*:\s*(?:\*\*)?\s*(?P<value>.*?)\s*$",
    re.IGNORECASE,
)
_LABELS_IN_SENTENCE = re.compile(
    r"service\s+type\s*:\s*(?P<service>.+?)\s*[;,.]\s*(?:and\s+)?(?:the\s+)?(?:typical\s+)?"
    r"site\s+of\s+service\s*:\s*(?P<site>.+?)\s*\.?$",
    re.IGNORECASE,
)
_PROSE = re.compile(
    r"\bservice\s+type\s+is\s+(?P<service>.+?),?\s+and\s+the\s+(?:typical\s+)?site\s+of\s+service\s+is\s+"
    r"(?P<site>.+?)\s*\.?$",
    re.IGNORECASE,
)
_FOLDED_SITE = re.compile(r"\b(?:POS|place\s+of\s+service)\s*\d{1,2}\b", re.IGNORECASE)


def _overview_sections(doc: Document) -> list[Section]:
    found = [s for s in doc.sections if s.name == "overview"]
    return found or [s for s in doc.sections if s.name in ("summary", "preamble")]


def _site(doc: Document, text: str, start: int, end: int, sentence: bool = False) -> SiteOfServiceFact:
    pos, candidates = map_places(text)
    # A labelled value loses its closing period; a whole sentence keeps it.
    value = " ".join(text.split()) if sentence else clean_value(text)
    return SiteOfServiceFact(text=value, pos=pos, pos_candidates=candidates, evidence=evidence(doc, start, end))


def extract_description(doc: Document) -> TextFact | None:
    for section in _overview_sections(doc):
        if section.name != "overview":
            continue
        for line in section.lines:
            text = line.text.strip()
            if not text or text in "-*" or _LABEL_LINE.match(text) or is_missing_data_marker(text):
                continue
            return TextFact(text=" ".join(text.split()), evidence=evidence(doc, line.start, line.end))
    return None


def extract_service_and_site(doc: Document) -> tuple[TextFact | None, SiteOfServiceFact | None]:
    service: TextFact | None = None
    site: SiteOfServiceFact | None = None
    sections = _overview_sections(doc)

    # 1. Labelled lines ("Service type: ...", "Typical Site of Service: ...").
    for section in sections:
        for line in section.lines:
            match = _LABEL_LINE.match(line.text)
            if not match or not match["value"]:
                continue
            start, end = line.start + match.start("value"), line.start + match.end("value")
            if match["label"].lower().startswith("service") and service is None:
                service = TextFact(clean_value(match["value"]), evidence(doc, start, end))
            elif "site" in match["label"].lower() and site is None:
                site = _site(doc, match["value"], start, end)
    if service or site:
        return service, site

    # 2./3. Both labels in one sentence, or the prose form.
    folded: tuple[int, int, str] | None = None
    for section in sections:
        for line in section.lines:
            for s_start, s_end, sentence in sentences(line.text, line.start):
                for pattern in (_LABELS_IN_SENTENCE, _PROSE):
                    match = pattern.search(sentence)
                    if match:
                        base = s_start
                        service = TextFact(
                            clean_value(match["service"]),
                            evidence(doc, base + match.start("service"), base + match.end("service")),
                        )
                        site = _site(doc, match["site"], base + match.start("site"), base + match.end("site"))
                        return service, site
                if folded is None and _FOLDED_SITE.search(sentence):
                    folded = (s_start, s_end, sentence)

    # 4. Only a place of service folded into the overview prose: the sentence is the site text.
    if folded is not None:
        start, end, sentence = folded
        site = _site(doc, sentence, start, end, sentence=True)
    return service, site
