"""The overview facts: description, service type and typical site of service.

Pages state service type and site in many layouts (docs/extract-contract.md): label lines (with or
without ``-`` separator lines, any case), labels inside a sentence ("... Service type: X. Typical
site of service: Y ..."), prose ("The service type is X." / "The typical site of service for
this procedure is Y." / "Typical sites of service include Y" / "is typically performed in Y"),
a summary sentence that names the sites ("highlights typical sites of service - X - and ..."),
or only a place of service folded into the overview text. Each facet is read on its own, in
this order, and the first that gives it wins:

1. a label in the overview section (a label beats prose for the same facet);
2. a prose sentence in the overview;
3. a label, then a prose sentence, in the summary (a page cut before its overview has only that);
4. for the site only: a sentence of the overview naming a place-of-service number.

The value is the words after the label or the lead-in, up to the end of their clause, never the
whole sentence; the evidence span covers exactly those words. Sentences about what the report
covers ("Readers will find ... typical sites of service") are not statements of a site.

A page cut off inside a value keeps the value, marked ``cut_off``; a page cut right after the
lead-in ("The typical site of service is an") or inside the label ("Typical site of s") gives no
value, and the facet is reported as cut off rather than missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import SiteOfServiceFact, TextFact
from ..read import Document, Line, Section
from ..read.normalize import clean_value
from ..read.patterns import compile_fast
from .evidence import evidence
from .places import map_places
from .unavailable import is_missing_data_marker

SERVICE = "service-type"
SITE = "site-of-service"

# Label lines: "Service type: ...", "- **Typical Site of Service:** ...".
_LABEL_LINE = re.compile(
    r"\s*(?:[-*\u2022]\s*)?(?:\*\*)?(?P<label>service\s+type|type\s+of\s+service|(?:typical\s+)?sites?\s+of\s+service)(?:\*\*)?"
    r"\s*+:\s*+(?:\*\*)?\s*+",
    re.IGNORECASE,
)
# A label anywhere in a line ("In short, Service type: X; Typical site of service: Y.").
_LABEL_ANYWHERE = re.compile(
    r"\b(?P<label>service\s+type|type\s+of\s+service|(?:typical\s+)?sites?\s+of\s+service)(?:\*\*)?[ ]*:(?:\*\*)?[ ]*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(]?[A-Z0-9])")

# "The typical site of service is discussed below" says where, not what: no value follows.
_NOT_A_VALUE = (
    r"(?!(?:discussed|covered|described|addressed|outlined|explained|summari[sz]ed|listed|noted|reviewed|detailed"
    r"|shown|presented|given|examined|explored|included|provided|mentioned|unavailable|not\b)\b)"
)
_SERVICE_HINTS = ("type", "fall", "categori", "classified")
_SERVICE_LEADS = compile_fast(
    r"(?:\bservice\s+type\s+(?:is|was|would\s+be)\s+"
    r"|\bfalls?\s+(?:under|within)\s+"
    r"|\b(?:is|are)\s+(?:(?:typically|generally|usually|commonly|best|often|primarily|broadly)\s+)?"
    r"(?:categori[sz]ed|classified)\s+(?:as|under)\s+"
    r"|\b(?:is|are)\s+(?:an?\s+)?type\s+of\s+)" + _NOT_A_VALUE,
    re.IGNORECASE,
)
_SITE_HINTS = ("service", "perform", "provid", "deliver", "furnish", "administer", "render", "done", "conduct",
               "carried", "billed", "given")
_SITE_LEADS = compile_fast(
    r"(?:\b(?:typical|usual|common|primary|main|most\s+common)\s+(?:sites?|places?)\s+of\s+service\b"
    r"(?:\s++(?:for|of|with)\b[^,;.:]{1,60}?)?\s++(?:is|are|would\s+be|includes?|consists?\s+of)\s++"
    r"|(?P<performed>\b(?:is|are)\s+(?:typically|usually|generally|most\s+often|most\s+commonly|commonly|primarily"
    r"|predominantly|routinely|ordinarily|normally)\s+(?:performed|provided|delivered|furnished|administered|rendered"
    r"|done|conducted|carried\s+out|billed|given)\s+(?:in|at|within)\s+))" + _NOT_A_VALUE,
    re.IGNORECASE,
)
# "is typically performed in X" names a site only when X is a setting ("in the physician office"),
# not when it is a patient group or a body part ("in patients with ...", "in the lumbar spine").
_SETTING = compile_fast(
    r"\b(?:offices?|cent(?:er|re)s?|hospitals?|facilit(?:y|ies)|settings?|clinics?|suites?|departments?|rooms?"
    r"|outpatient|inpatient|ambulatory|ascs?|home|pos|place\s+of\s+service|practices?|units?|laborator(?:y|ies)"
    r"|labs?|sites?|centers?)\b",
    re.IGNORECASE,
)
# Values that say the page does not know ("Service type: Data not available in the input.").
_NO_VALUE = {"n/a", "na", "none", "unknown", "not available", "not stated", "not specified", "not provided", "-"}
# "... highlights typical sites of service - X - and ...", "typical sites of service: X".
_SITES_NAMED = re.compile(r"\b(?:typical|common|usual)\s+sites?\s+of\s+service\s*[-:]\s*", re.IGNORECASE)
# Sentences about what the report contains, not about the code.
_REPORT_CONTENT = compile_fast(
    r"\breaders?\b|\bwill\s+(?:learn|find|gain|see)\b|\bpublication\b|\bthis\s+(?:summary|resource|report|analysis|"
    r"page|document|brief|briefing)\b|\bwhat\s+readers\b",
    re.IGNORECASE,
)
# Where a value's clause ends inside its sentence.
_CLAUSE_END = re.compile(
    r";|(?:,|(?<![\s,]))\s++(?:and|while|whereas|but)\s++(?:the|its|it|this|these|is|are|was|were|typical(?:ly)?)\b"
    r"|,\s++(?:which|so|making|although|though|whereas|while|but|because)\b",
    re.IGNORECASE,
)
_FOLDED_SITE = re.compile(r"\b(?:POS|place\s++of\s++service)\s*+\d{1,2}\b", re.IGNORECASE)
_FOLDED_LEAD = re.compile(
    r"\b(?:performed|provided|delivered|furnished|administered|rendered|done|conducted|billed|given|seen"
    r"|takes?\s+place|occurs?)\s+(?:in|at|within)\s+",
    re.IGNORECASE,
)
_FUNCTION_WORDS = {"a", "an", "the", "is", "are", "in", "at", "of", "for", "and", "or", "to", "be", "with", "as"}
_TRAILING = " \t;,.:-"


@dataclass
class _Value:
    start: int
    end: int
    cut_off: bool


@dataclass
class OverviewFacts:
    """Service type and site as read, and the facets the cut interrupted before any value."""

    service_type: TextFact | None = None
    site_of_service: SiteOfServiceFact | None = None
    cut_facets: set[str] = field(default_factory=set)  # facets whose value the cut interrupts
    declared: set[str] = field(default_factory=set)  # facets whose label says the page does not know


def _sections(doc: Document, names: tuple[str, ...]) -> list[Section]:
    return [s for s in doc.sections if s.name in names]


def _trim(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding spaces, trailing separators or a dangling "and"/"or"."""
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while True:
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        word_start = text.rfind(" ", start, end) + 1
        if end > start and word_start > start and text[word_start:end].lower() in ("and", "or"):
            end = word_start
            continue
        return start, end


def _value(doc: Document, start: int, end: int) -> _Value | None:
    """The value in ``[start, end)``; None when it is empty. Runs into the cut: marked cut off."""
    start, end = _trim(doc, start, end)
    cut = doc.cut
    cut_off = cut is not None and end >= cut.offset
    if start >= end:
        return _Value(start, start, cut_off) if cut_off else None
    return _Value(start, end, cut_off)


def _has_content(doc: Document, value: _Value) -> bool:
    words = doc.text[value.start:value.end].lower().split()
    return any(word.strip(".,;:()") not in _FUNCTION_WORDS for word in words)


def _sentence_end(line: Line, position: int) -> int:
    """Absolute offset of the end of the sentence holding ``position`` (a line offset)."""
    match = _SENTENCE_END.search(line.text, position)
    return line.start + (match.start() if match else len(line.text))


def _clause_end(doc: Document, line: Line, start: int) -> int:
    """End of the clause starting at absolute offset ``start``: the sentence end or a turn."""
    sentence_end = _sentence_end(line, start - line.start)
    turn = _CLAUSE_END.search(doc.text, start, sentence_end)
    return turn.start() if turn else sentence_end


def _labels(doc: Document, sections: list[Section]) -> dict[str, _Value]:
    """Labelled values, the first per facet: a label line, or a label inside a sentence."""
    found: dict[str, _Value] = {}
    for section in sections:
        for line in section.lines:
            if ":" not in line.text or "service" not in line.text.lower():
                continue
            matches = list(_LABEL_ANYWHERE.finditer(line.text))
            if not matches:
                continue
            at_start = _LABEL_LINE.match(line.text)
            for index, match in enumerate(matches):
                facet = SERVICE if match["label"].lower().startswith(("service", "type")) else SITE
                if facet in found:
                    continue
                following = matches[index + 1].start() if index + 1 < len(matches) else len(line.text)
                if index == 0 and at_start is not None:
                    end = line.start + following  # a label line: its value is the rest of the line
                else:
                    end = min(line.start + following, _sentence_end(line, match.end()))
                value = _value(doc, line.start + match.end(), end)
                if value is None and end == line.end:
                    value = _next_line_value(doc, section, line)
                if value is not None:
                    found[facet] = value
    return found


def _next_line_value(doc: Document, section: Section, line: Line) -> _Value | None:
    """The value of a label alone on its line ("Service type:" then the value on the next line,
    as a saved HTML definition list renders)."""
    lines = section.lines
    index = next((i for i, candidate in enumerate(lines) if candidate.number == line.number), None)
    if index is None or index + 1 >= len(lines):
        return None
    following = lines[index + 1]
    text = following.text.strip()
    if not text or set(text) <= set("-*_ ") or _LABEL_LINE.match(following.text) or "|" in text:
        return None
    return _value(doc, following.start, following.end)


def _prose(doc: Document, sections: list[Section], leads: re.Pattern[str], hints: tuple[str, ...]) -> _Value | None:
    """The first clause introduced by one of ``leads`` in a sentence about the code.

    ``hints``: lower-case words one of which every lead holds; a line without any is skipped.
    """
    for section in sections:
        for line in section.lines:
            lower = line.text.lower()
            if not any(hint in lower for hint in hints):
                continue
            for s_start, _s_end, sentence in doc.sentences(line):
                match = leads.search(sentence)
                if match is None or _REPORT_CONTENT.search(sentence, 0, match.start()):
                    continue
                start = s_start + match.end()
                value = _value(doc, start, _clause_end(doc, line, start))
                if value is None or not (value.cut_off or _has_content(doc, value)):
                    continue
                if match.groupdict().get("performed") and not _SETTING.search(doc.text, value.start, value.end):
                    continue
                return value
    return None


def _sites_named(doc: Document, sections: list[Section]) -> _Value | None:
    """"typical sites of service - X - and ...": the sites between the dashes (or after a colon)."""
    for section in sections:
        for line in section.lines:
            if "site" not in line.text.lower():
                continue
            for match in _SITES_NAMED.finditer(line.text):
                start = line.start + match.end()
                mark = doc.original[line.start + match.start() + len(match.group(0).rstrip()) - 1]
                clause_end = _clause_end(doc, line, start)
                if mark in "\u2013\u2014-":
                    closing = _closing_dash(doc, start, clause_end)
                    end = closing if closing is not None else clause_end
                else:
                    end = clause_end
                value = _value(doc, start, end)
                if value is not None and _has_content(doc, value):
                    return value
    return None


def _closing_dash(doc: Document, start: int, end: int) -> int | None:
    """The dash closing a parenthetical opened just before ``start``: an en or em dash, or a
    spaced hyphen (a plain hyphen inside a word such as "CT-guided" is not one)."""
    for index in range(start, end):
        char = doc.original[index]
        if char in "\u2013\u2014" or (char == "-" and doc.text[index - 1 : index + 2] == " - "):
            return index
    return None


def _folded_site(doc: Document, sections: list[Section]) -> tuple[int, int, bool] | None:
    """A sentence naming a POS number: the words after "performed in" when it has them, else the
    sentence. Returns (start, end, whole sentence?)."""
    for section in sections:
        for line in section.lines:
            lower = line.text.lower()
            if "pos" not in lower and "place" not in lower:
                continue
            for s_start, s_end, sentence in doc.sentences(line):
                place = _FOLDED_SITE.search(sentence)
                if place is None:
                    continue
                lead = None
                for candidate in _FOLDED_LEAD.finditer(sentence, 0, place.start()):
                    lead = candidate
                if lead is not None:
                    start = s_start + lead.end()
                    end = max(_clause_end(doc, line, start), s_start + place.end())
                    return start, min(end, s_end), False
                return s_start, s_end, True
    return None


def _cut_label(doc: Document) -> str | None:
    """The facet whose label or lead-in the page is cut inside ("Typical site of s")."""
    cut = doc.cut
    if cut is None or cut.kind == "mid-heading":
        return None
    line = next((ln for ln in reversed(doc.lines) if ln.start < cut.offset), None)
    if line is None:
        return None
    tail = " ".join(doc.text[max(line.start, cut.start) : cut.offset].lower().split()).lstrip("-*\u2022 ")
    for facet, forms in ((SITE, ("typical site of service", "typical sites of service", "the typical site of service")),
                         (SERVICE, ("service type", "the service type"))):
        # At least "Typica" / "Servic", or "The typ" / "The ser": shorter starts say nothing.
        if any(form.startswith(tail) and len(tail) >= (10 if form.startswith("the ") else 6) for form in forms):
            return facet
    return None


def _site_fact(doc: Document, start: int, end: int, cut_off: bool, keep_period: bool = False) -> SiteOfServiceFact:
    raw = doc.text[start:end]
    pos, candidates = map_places(raw)
    text = " ".join(raw.split()) if keep_period else clean_value(raw)
    return SiteOfServiceFact(text=text, pos=pos, pos_candidates=candidates, evidence=evidence(doc, start, end),
                             cut_off=cut_off)


def extract_description(doc: Document) -> TextFact | None:
    """The first line of the overview section that is not a label line or a missing-data marker, if any."""
    for section in _sections(doc, ("overview",)):
        for line in section.lines:
            text = line.text.strip()
            if not text or text in "-*" or _LABEL_LINE.match(text) or is_missing_data_marker(text):
                continue
            return TextFact(text=" ".join(text.split()), evidence=evidence(doc, line.start, line.end))
    return None


def read_overview(doc: Document) -> OverviewFacts:
    """Service type and site of service, by the rules in the module docstring."""
    overview = _sections(doc, ("overview",))
    summary = _sections(doc, ("summary", "preamble"))
    result = OverviewFacts()
    found: dict[str, _Value] = {}
    for sections in (overview, summary):
        labels = _labels(doc, sections)
        for facet, leads, hints in ((SERVICE, _SERVICE_LEADS, _SERVICE_HINTS), (SITE, _SITE_LEADS, _SITE_HINTS)):
            if facet in found:
                continue
            value = labels.get(facet) or _prose(doc, sections, leads, hints)
            if value is None and facet == SITE:
                value = _sites_named(doc, sections)
            if value is not None:
                found[facet] = value
    for facet, value in found.items():
        if value.cut_off:
            result.cut_facets.add(facet)
        if not _has_content(doc, value):
            continue  # cut right after the label or lead-in: no value to keep
        raw = " ".join(doc.text[value.start:value.end].split())
        if raw.lower().rstrip(".") in _NO_VALUE or is_missing_data_marker(raw):
            result.declared.add(facet)
            continue
        if facet == SERVICE:
            text = clean_value(doc.text[value.start:value.end])
            result.service_type = TextFact(text, evidence(doc, value.start, value.end), cut_off=value.cut_off)
        else:
            result.site_of_service = _site_fact(doc, value.start, value.end, value.cut_off)
    cut_label = _cut_label(doc)
    if cut_label is not None and cut_label not in found:
        result.cut_facets.add(cut_label)
    if SITE not in found and cut_label != SITE:
        folded = _folded_site(doc, overview or summary)
        if folded is not None:
            start, end, whole = folded
            cut = doc.cut
            cut_off = cut is not None and end >= cut.offset
            result.site_of_service = _site_fact(doc, start, end, cut_off, keep_period=whole)
            if cut_off:
                result.cut_facets.add(SITE)
    return result


def extract_service_and_site(doc: Document) -> tuple[TextFact | None, SiteOfServiceFact | None]:
    """(service type, site of service); see ``read_overview`` for what the cut interrupted."""
    facts = read_overview(doc)
    return facts.service_type, facts.site_of_service
