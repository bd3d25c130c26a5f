"""The gaps view, at two labelled levels.

- **Per code**: all the code's current sources together (``missing-facets``). A facet is missing
  only when no source supplies it; it is "declared unavailable" when a source says so (and none
  supplies it), naming each document and line that says it; "not found" otherwise. These are the
  gaps the SHACL completeness shapes report.
- **Per document**: what each page gives (``document-facets``), as reader diagnostics: a facet the
  page neither gives nor mentions, one it declares unavailable, one it declares unavailable yet
  gives some of, each saying whether another source of the code supplies it.

So a page saying "modifiers are not available" is not a gap of a code another page lists four
modifiers for; it is a note on that page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from itertools import groupby

from rdflib import Literal

from ..errors import QueryError
from ..query import run_query
from ..store import GraphStore

DECLARED = "declared-unavailable"
PARTIAL = "declared-unavailable (partial data read)"  # a page only: it says unavailable and gives some
NOT_FOUND = "not-found"
_STATES = {
    DECLARED: "declared unavailable",
    PARTIAL: "declared unavailable, some read",
    NOT_FOUND: "not found",
}
CODE, DOCUMENT = "code", "document"
PAYER_POLICIES = "payer-policies"


@dataclass(frozen=True)
class FacetGap:
    """A facet missing for a code (``level`` "code") or from one of its pages ("document")."""
    code: str
    facet: str  # facet notation: modifiers, icd10-mappings, payer-policies, ...
    state: str  # DECLARED, PARTIAL (document level) or NOT_FOUND
    quote: str | None  # the source's sentence declaring it unavailable
    level: str = CODE
    document: str | None = None  # the file or URL that declares it (code level) or lacks it (document level)
    line: int | None = None
    elsewhere: bool = False  # document level: another source of the code supplies the facet

    @property
    def declared_unavailable(self) -> bool:
        return self.state != NOT_FOUND


def facet_gaps(store: GraphStore, code: str | None = None) -> list[FacetGap]:
    """The gaps of every code (or of one code's notation): per code first, then per document."""
    params = {"code": code} if code else {}
    # Payer policies are supplied by any source that states a coverage decision for the code (a
    # page, a policy table, a Medicare article): the rows the coverage rule reads.
    decided = {str(row["code"]) for row in run_query(store, "coverage-assertions", params).as_dicts()
               if str(row["status"]) in ("covered", "conditional", "not-covered", "experimental")}
    gaps = [
        FacetGap(code=str(row["code"]), facet=str(row["facet"]), state=_known_state(str(row["state"])), quote=_text(row["quote"]),
                 level=CODE, document=_text(row["document"]), line=_int(row["line"]))
        for row in run_query(store, "missing-facets", params).as_dicts()
        if not (str(row["facet"]) == PAYER_POLICIES and str(row["code"]) in decided)
    ]
    rows = run_query(store, "document-facets", params).as_dicts()
    supplied = {(str(row["code"]), str(row["facet"])) for row in rows if (_int(row["facts"]) or 0) > 0}
    supplied |= {(code_, PAYER_POLICIES) for code_ in decided}
    for row in rows:
        facts, line = _int(row["facts"]) or 0, _int(row["line"])
        if facts and line is None:
            continue  # the page gives the facet and says nothing against it
        state = (PARTIAL if facts else DECLARED) if line is not None else NOT_FOUND
        key = (str(row["code"]), str(row["facet"]))
        gaps.append(FacetGap(code=key[0], facet=key[1], state=state, quote=_text(row["quote"]), level=DOCUMENT,
                             document=str(row["document"]), line=line, elsewhere=key in supplied and not facts))
    gaps.sort(key=lambda g: (g.code, g.level != CODE, g.document or "" if g.level == DOCUMENT else "", g.facet, g.document or "", g.line or 0))
    return gaps


def _text(term: object) -> str | None:
    return None if term is None else str(term)


def _int(term: object) -> int | None:
    if term is None:
        return None
    return int(term.toPython()) if isinstance(term, Literal) else int(str(term))


def _known_state(state: str) -> str:
    if state not in _STATES:
        raise QueryError(f"missing-facets returned the state {state!r}; codegraph knows {', '.join(_STATES)}: update validate/gaps.py")
    return state


def _describe(gap: FacetGap) -> str:
    state = _STATES[gap.state]
    if gap.level == CODE:
        if gap.state == NOT_FOUND:
            return "not found in any source"
        return f"{state} by {gap.document or 'a source'}" + (f" line {gap.line}" if gap.line is not None else "")
    where = f"line {gap.line}: " if gap.line is not None else ""
    if gap.state == NOT_FOUND:
        return "not found here" + ("; another source of the code supplies it" if gap.elsewhere else "")
    also = "; another source of the code supplies it" if gap.elsewhere else ""
    return f"{state} ({where.rstrip(': ') or 'no line'}){also}"


def render_gaps_text(gaps: list[FacetGap]) -> str:
    """The gaps as text, one block per code: per code, then per document."""
    if not gaps:
        return "no missing facets\n"
    per_code = [gap for gap in gaps if gap.level == CODE]
    codes = len({gap.code for gap in gaps})
    lines = [f"{len(per_code)} missing facet(s) per code in {codes} code(s) (no current source supplies them), "
             f"and {len(gaps) - len(per_code)} per-document note(s) (what one page lacks)"]
    width = max(len(gap.facet) for gap in gaps)
    for code, in_code in groupby(gaps, key=lambda gap: gap.code):
        lines += ["", f"code {code}"]
        for level, at_level in groupby(in_code, key=lambda gap: gap.level):
            lines.append("  per code" if level == CODE else "  per document")
            current = None
            for gap in at_level:
                indent = "    "
                if level == DOCUMENT:
                    if gap.document != current:
                        current = gap.document
                        lines.append(f"    {gap.document}")
                    indent = "      "
                quote = f'  "{_clip(gap.quote)}"' if gap.quote else ""
                lines.append(f"{indent}{gap.facet:<{width}}  {_describe(gap)}{quote}".rstrip())
    return "\n".join(lines) + "\n"


def render_gaps_json(gaps: list[FacetGap]) -> str:
    """The gaps as JSON: per code, its code-level gaps and its per-document notes."""
    by_code: dict[str, dict[str, list[dict[str, object]]]] = {}
    for gap in gaps:
        entry = by_code.setdefault(gap.code, {"per_code": [], "per_document": []})
        item = {k: v for k, v in asdict(gap).items() if k not in ("code", "level")}
        item["declared_unavailable"] = gap.declared_unavailable
        entry["per_code" if gap.level == CODE else "per_document"].append(item)
    return json.dumps({"codes": by_code}, indent=2, ensure_ascii=False) + "\n"


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
