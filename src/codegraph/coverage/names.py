"""Refuse what is not in the graph, and say what is close.

A question about a code, payer, place of service or diagnosis the graph does not hold has no
answer: "unknown" would read as "no payer data" and hide a typo. So each is looked up first, and
one that is not there is a ``NotFoundError`` (exit 2 on the command line) naming the closest
matches by code and by name. :func:`closest` is the one suggestion function (rapidfuzz);
``codegraph find`` may later serve the candidates instead of these lookups.

A diagnosis must have the ICD-10-CM shape always; when the graph holds an ICD-10-CM release
(``build --icd10cm``) it must also be in it, and a code a claim cannot carry (a category, or a
code retired, as M51.36 was in FY2025) is answered with a note saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal

from ..errors import UnknownCodeError, UnknownDiagnosisError, UnknownPayerError, UnknownPlaceOfServiceError
from ..query import run_query
from ..rdf.iris import scheme_iri
from ..rdf.namespaces import CG
from ..store import GraphStore

SUGGESTIONS = 3
_CUTOFF = 60.0
_SPREAD = 10.0


def closest(asked: str, candidates: Mapping[str, str], limit: int = SUGGESTIONS) -> tuple[str, ...]:
    """The ``limit`` candidates closest to ``asked``, best first. ``candidates`` maps a code (or
    name) to the text shown for it (``"1001T (Autologous muscle ...)"``); each is scored by its code
    and by that text, whichever is closer."""
    from rapidfuzz import fuzz, process, utils

    if not candidates or not asked.strip():
        return ()
    keys = list(candidates)
    by_code = process.extract(asked.upper(), [key.upper() for key in keys], scorer=fuzz.ratio, limit=None)
    by_name = process.extract(asked, [candidates[key] for key in keys], scorer=fuzz.WRatio, processor=utils.default_process,
                              limit=None)
    scores: dict[int, float] = {}
    for _text, score, index in [*by_code, *by_name]:
        scores[index] = max(scores.get(index, 0.0), float(score))
    if not scores:
        return ()
    floor = max(_CUTOFF, max(scores.values()) - _SPREAD)  # near the best only: "ofice" is 11 Office, not 34 Hospice
    ranked = sorted((index for index, score in scores.items() if score >= floor), key=lambda i: (-scores[i], keys[i]))
    return tuple(candidates[keys[index]] for index in ranked[:limit])


def _label(code: str, name: str | None) -> str:
    if not name:
        return code
    name = " ".join(name.split())
    return f"{code} ({name if len(name) <= 60 else name[:59] + '…'})"


# -- codes ----------------------------------------------------------------------------------------


def require_code(store: GraphStore, code: str) -> None:
    """Raise ``UnknownCodeError`` (with the closest codes) when the graph holds no code ``code``."""
    if len(run_query(store, "site-codes", {"code": code})):
        return
    candidates = {}
    for row in run_query(store, "site-codes").as_dicts():
        notation = str(row["code"])
        system = f"{row['system']} " if row["system"] is not None else ""
        candidates[notation] = _label(notation, f"{system}{row['title']}" if row["title"] is not None else system.strip())
    raise UnknownCodeError(f"code: {code!r} is not in the graph", closest(code, candidates))


# -- payers ---------------------------------------------------------------------------------------

_PAYERS = """
PREFIX cg: <https://w3id.org/codegraph/ontology#>
PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?name ?jurisdiction ?number WHERE {
  { ?payer a cg:Payer ; schema:name ?name }
  UNION
  { ?contractor cg:jurisdiction ?jurisdiction OPTIONAL { ?contractor schema:name ?name } OPTIONAL { ?contractor cg:contractorNumber ?number } }
}"""


def require_payer(store: GraphStore, payer: str) -> None:
    """Raise ``UnknownPayerError`` when no payer in the graph has the name ``payer`` (any case) and
    no Medicare contractor has it as jurisdiction or number."""
    asked = payer.strip().casefold()
    candidates: dict[str, str] = {}
    for name, jurisdiction, number in store.select(_PAYERS).rows:
        keys = [str(term) for term in (name, jurisdiction, number) if term is not None]
        if asked in {key.casefold() for key in keys}:
            return
        if jurisdiction is None and name is not None:
            candidates[str(name)] = str(name)
        elif jurisdiction is not None:
            shown = f"{jurisdiction} ({name})" if name is not None else str(jurisdiction)
            candidates[str(jurisdiction)] = shown
            if number is not None:
                candidates[str(number)] = shown
    raise UnknownPayerError(f"payer: {payer!r} is not in the graph", tuple(dict.fromkeys(closest(payer, candidates))))


# -- places of service ----------------------------------------------------------------------------

_PLACES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code ?label WHERE { ?place skos:inScheme ?scheme ; skos:notation ?code . OPTIONAL { ?place skos:prefLabel ?label } }"""


def require_place_of_service(store: GraphStore, place: str) -> str:
    """The place of service ``place`` names (``11``, or ``9`` for ``09``), or ``UnknownPlaceOfServiceError``
    with the closest codes by number and by setting ("office" suggests 11). The graph's place-of-service
    code set is used; one built without the code sets is checked against the shipped one."""
    scheme = scheme_iri("place-of-service")
    places = {str(code): str(label) if label is not None else "" for code, label in store.select(_PLACES, {"scheme": scheme}).rows}
    if not places:
        from rdflib.namespace import SKOS

        from ..vocab import scheme_graph

        graph = scheme_graph("place-of-service")
        places = {str(code): str(graph.value(node, SKOS.prefLabel) or "") for node, code in graph.subject_objects(SKOS.notation)}
    code = place.strip()
    code = code.zfill(2) if code.isdigit() and len(code) == 1 else code
    if code in places:
        return code
    raise UnknownPlaceOfServiceError(f"place_of_service: {place!r} is not in the graph's place-of-service codes",
                                     closest(place, {key: _label(key, label) for key, label in places.items()}))


# -- diagnoses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnosis:
    """An asked diagnosis as the graph's ICD-10-CM release knows it (``release`` False: none loaded)."""

    code: str
    release: bool
    label: str | None = None
    billable: bool | None = None

    @property
    def note(self) -> str | None:
        """What an answer must say about the diagnosis, if anything."""
        if self.release and self.billable is False:
            return (f"diagnosis {self.code} is not billable in the loaded ICD-10-CM release (a category, or a code "
                    "retired into more specific ones): a claim cannot carry it; use one of its subcodes")
        if not self.release:
            return f"diagnosis {self.code} was checked for its shape only: no ICD-10-CM release is loaded (build --icd10cm)"
        return None


_RELEASE = f"""
SELECT ?concept WHERE {{ ?concept <{CG.billable}> ?billable }} LIMIT 1"""
_DIAGNOSIS = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?billable ?label WHERE {{ ?concept skos:notation ?code ; <{CG.billable}> ?billable . OPTIONAL {{ ?concept skos:prefLabel ?label }} }}"""
_DIAGNOSES_LIKE = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code ?label WHERE {{
  ?concept <{CG.billable}> true ; skos:notation ?code . OPTIONAL {{ ?concept skos:prefLabel ?label }}
  FILTER(STRSTARTS(STR(?code), ?prefix))
}}"""


def lookup_diagnosis(store: GraphStore, code: str) -> Diagnosis:
    """``code`` (already of ICD-10-CM shape) in the graph's release. Raises ``UnknownDiagnosisError``
    with billable codes near it when a release is loaded and does not hold it."""
    if not len(store.select(_RELEASE)):
        return Diagnosis(code, release=False)
    # The release's notations are typed cg:ICD10CMNotation (vocab/icd10cm.py): bound as such, the
    # lookup is one index probe.
    rows = store.select(_DIAGNOSIS, {"code": Literal(code, datatype=CG.ICD10CMNotation)}).rows
    if rows:
        billable, label = rows[0]
        return Diagnosis(code, True, str(label) if label is not None else None,
                         bool(billable.toPython()) if isinstance(billable, Literal) else None)
    candidates: dict[str, str] = {}
    for prefix in (code[:3], code[:2], code[:1]):  # the category, then wider, until something is near
        rows = store.select(_DIAGNOSES_LIKE, {"prefix": Literal(prefix)}).rows
        candidates = {str(found): _label(str(found), str(label) if label is not None else None) for found, label in rows}
        if candidates:
            break
    raise UnknownDiagnosisError(f"diagnosis: {code!r} is not in the loaded ICD-10-CM release", closest(code, candidates))


__all__ = ["Diagnosis", "closest", "lookup_diagnosis", "require_code", "require_payer", "require_place_of_service"]
