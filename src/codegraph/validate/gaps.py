"""The gaps view: per code, which facets are missing and whether the source declared them unavailable.

It is the ``missing-facets`` catalog query (``queries/quality/missing-facets.rq``) run on any
store, shaped for reading: one block per code, the facets it lacks, and the source's own words
where it says the data is unavailable.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from itertools import groupby

from ..errors import QueryError
from ..query import run_query
from ..store import GraphStore

DECLARED = "declared-unavailable"
PARTIAL = "declared-unavailable (partial data read)"
NOT_FOUND = "not-found"
_STATES = {
    DECLARED: "declared unavailable",
    PARTIAL: "declared unavailable, some data read",
    NOT_FOUND: "not found in the source",
}


@dataclass(frozen=True)
class FacetGap:
    """A facet a code lacks, and whether the source declares it unavailable (with its words)."""
    code: str
    facet: str  # facet notation: modifiers, icd10-mappings, payer-policies, ...
    state: str  # DECLARED, PARTIAL or NOT_FOUND
    quote: str | None  # the source's sentence declaring it unavailable

    @property
    def declared_unavailable(self) -> bool:
        return self.state != NOT_FOUND


def facet_gaps(store: GraphStore, code: str | None = None) -> list[FacetGap]:
    """Missing facets of every code (or of one code's notation), sorted by code and facet."""
    rows = run_query(store, "missing-facets", {"code": code} if code else {})
    return [
        FacetGap(code=str(row["code"]), facet=str(row["facet"]), state=_known_state(str(row["state"])),
                 quote=str(row["quote"]) if row.get("quote") is not None else None)
        for row in rows.as_dicts()
    ]


def _known_state(state: str) -> str:
    if state not in _STATES:
        raise QueryError(f"missing-facets returned the state {state!r}; codegraph knows {', '.join(_STATES)}: update validate/gaps.py")
    return state


def render_gaps_text(gaps: list[FacetGap]) -> str:
    """The gaps as text, one block per code."""
    if not gaps:
        return "no missing facets\n"
    codes = len({gap.code for gap in gaps})
    lines = [f"{len(gaps)} missing facet(s) in {codes} code(s); 'declared' means the source says the data is unavailable"]
    width = max(len(gap.facet) for gap in gaps)
    state_width = max(len(_STATES[gap.state]) for gap in gaps)
    for code, in_code in groupby(gaps, key=lambda gap: gap.code):
        lines += ["", f"code {code}"]
        for gap in in_code:
            quote = f'  "{_clip(gap.quote)}"' if gap.quote else ""
            lines.append(f"  {gap.facet:<{width}}  {_STATES[gap.state]:<{state_width}}{quote}".rstrip())
    return "\n".join(lines) + "\n"


def render_gaps_json(gaps: list[FacetGap]) -> str:
    """The gaps as JSON."""
    by_code: dict[str, list[dict[str, object]]] = {}
    for gap in gaps:
        by_code.setdefault(gap.code, []).append(
            {**{k: v for k, v in asdict(gap).items() if k != "code"}, "declared_unavailable": gap.declared_unavailable}
        )
    return json.dumps({"codes": by_code}, indent=2, ensure_ascii=False) + "\n"


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
