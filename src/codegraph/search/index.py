"""The search index: every name a graph knows, with the forms it can be found by.

Built from two store-wide catalog queries (``queries/search/``: every code with its title;
every payer, policy, clinical concept and anatomical structure linked to a code, with how many
codes) plus the shipped tables of other names: payer aliases (``payer-aliases.csv``: "UHC" is
UnitedHealthcare) and concept synonyms (``clinical-lexicon.csv``, ``anatomy.csv``:
"viscosupplementation" is a hyaluronic acid injection). Those queries walk the whole graph: on a
10,000-page store they took 10-30 s here, so the index of an embedded store is kept beside its
data (``cache.py``) and a search reads it in milliseconds.

Ranking: an exact match of a name or code (any case) scores 100; a prefix 90-99 (the more of the
name it covers, the higher); otherwise the best likeness of the text to a run of as many words
of a name (rapidfuzz), scaled to at most 85, for names, titles, aliases and synonyms, never for
code notations or policy identifiers ("1002T" is no near miss of "1001T"). A
match through an alias or synonym scores one point below the same match on the name. Ties go to
codes, then payers, policies, concepts and anatomy, then to what concerns more codes.
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from ..resources import vocab_dir
from ..store import GraphStore
from .match import SUGGEST_CUTOFF, normalise, phrase_ratio

KINDS = ("code", "payer", "policy", "concept", "anatomy")
"""What ``find`` searches, in the order ties are broken."""
FUZZY_CUTOFF = 75.0
"""The least ``WRatio`` a fuzzy match needs (below it, names share little more than letters)."""
FUZZY_WEIGHT = 0.85
"""Fuzzy scores are scaled by this, so any exact or prefix match ranks above them."""
# how a form was found: the entry's own name or code, or another name for it
_OWN = ("code", "name", "identifier", "title")
_EXACT_ONLY = ("code", "identifier")  # notations and identifiers: no fuzzy matches


@dataclass(frozen=True)
class SearchEntry:
    """Something ``find`` can find: a code, payer, policy, clinical concept or anatomical structure."""

    kind: str  # one of KINDS
    name: str  # the code's notation, the payer's name, the policy's title, the concept's label
    detail: str = ""  # a code's system and title; a policy's identifier; a concept's role
    key: str | None = None  # the IRI or identifier it stands for, where it has one
    codes: int = 0  # how many codes it concerns (1 for a code)
    first_code: str | None = None  # the first of those codes (sorted), to try a query with
    forms: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (text, how): code, identifier, name, title, alias, synonym


@dataclass(frozen=True)
class SearchHit:
    """A ``SearchEntry`` found for a text: how well (0-100), how (exact, prefix, fuzzy) and
    through which of its forms (its ``name`` or ``code``, a ``title``, an ``alias``, a ``synonym``)."""

    entry: SearchEntry
    score: float
    match: str
    via: str
    matched: str  # the form's text

    def to_json(self) -> dict[str, Any]:
        entry = asdict(self.entry)
        entry.pop("forms")
        return {**entry, "score": round(self.score, 1), "match": self.match, "via": self.via, "matched": self.matched}


class SearchIndex:
    """The names of one graph, searchable with ``find`` and ``suggest``."""

    def __init__(self, entries: Iterable[SearchEntry], *, normalised: Sequence[Sequence[str]] | None = None):
        listed = list(entries)
        if normalised is None:  # sorted once, when built; an index read back is in this order already
            listed.sort(key=lambda e: (KINDS.index(e.kind), e.name.casefold(), e.key or ""))
        self.entries = listed
        self._normalised = [list(forms) for forms in normalised] if normalised is not None else \
            [[normalise(text) for text, _how in entry.forms] for entry in listed]
        # each distinct normalised form once (titles repeat), with the entries that have it
        self._slots: dict[str, int] = {}
        self._unique: list[str] = []
        self._owners: list[list[tuple[int, str, str]]] = []  # (entry index, how, original text)
        for index, (entry, forms) in enumerate(zip(listed, self._normalised, strict=True)):
            for (text, how), form in zip(entry.forms, forms, strict=True):
                slot = self._slots.get(form)
                if slot is None:
                    slot = self._slots[form] = len(self._unique)
                    self._unique.append(form)
                    self._owners.append([])
                self._owners[slot].append((index, how, text))
        self._sorted = sorted(self._unique)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str, *, limit: int = 20, kinds: Sequence[str] | None = None) -> list[SearchHit]:
        """The entries matching ``text``, best first (at most ``limit``; only ``kinds`` when given)."""
        query = normalise(text)
        if not query:
            return []
        wanted = set(kinds or KINDS)
        best: dict[int, SearchHit] = {}

        def offer(form: str, score: float, match: str, fuzzy: bool = False) -> None:
            for index, how, original in self._owners[self._slots[form]]:
                entry = self.entries[index]
                if entry.kind not in wanted or (fuzzy and how in _EXACT_ONLY):
                    continue
                value = score if how in _OWN else score - 1
                current = best.get(index)
                if current is None or value > current.score:
                    best[index] = SearchHit(entry, value, match, how, original)

        if query in self._slots:
            offer(query, 100.0, "exact")
        start = bisect_left(self._sorted, query)
        for form in self._sorted[start:]:
            if not form.startswith(query):
                break
            if form != query:
                offer(form, 90.0 + 9.0 * len(query) / len(form), "prefix")
        # rapidfuzz (in C, over each distinct form) picks the candidates: those holding something
        # like the text (partial_ratio), or its words in another order (token_sort_ratio). Each is
        # then scored by its best run of words, so "cigan" matches Cigna, not letters of "physician".
        candidates = {form for scorer in (fuzz.partial_ratio, fuzz.token_sort_ratio)
                      for form, _ratio, _slot in process.extract(query, self._unique, scorer=scorer, processor=None,
                                                                 limit=None, score_cutoff=FUZZY_CUTOFF)}
        for form in candidates:
            if form == query or form.startswith(query):
                continue
            ratio = phrase_ratio(query, form)
            if ratio >= FUZZY_CUTOFF:
                offer(form, FUZZY_WEIGHT * ratio, "fuzzy", fuzzy=True)
        hits = sorted(best.values(), key=lambda h: (-h.score, KINDS.index(h.entry.kind), -h.entry.codes, h.entry.name))
        return hits[:limit]

    def suggest(self, text: str, *, kinds: Sequence[str] | None = None, limit: int = 3,
                cutoff: float = SUGGEST_CUTOFF) -> list[str]:
        """The names of the entries closest to ``text`` (codes included, fuzzily): a "did you mean"."""
        query = normalise(text)
        wanted = set(kinds or KINDS)
        names: list[str] = []
        scored = process.extract(query, self._unique, scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=cutoff)
        for _form, _ratio, slot in scored:
            for index, _how, _text in self._owners[slot]:
                entry = self.entries[index]
                if entry.kind in wanted and entry.name not in names:
                    names.append(entry.name)
        return names[:limit]

    def to_json(self, *, normalised: bool = False) -> dict[str, Any]:
        """The index as plain data (what the site's search box loads): entries with their forms;
        ``normalised`` adds each form as the matcher compares it (the copy kept beside a store)."""
        data: dict[str, Any] = {"kinds": list(KINDS), "entries": [asdict(entry) for entry in self.entries]}
        if normalised:
            data["normalised"] = self._normalised
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SearchIndex:
        """The index ``to_json`` wrote."""
        entries = [SearchEntry(**{**item, "forms": tuple((text, how) for text, how in item["forms"])}) for item in data["entries"]]
        return cls(entries, normalised=data.get("normalised"))


# -- building ------------------------------------------------------------------------------------


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (vocab_dir() / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _other_names() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Payer aliases by canonical payer; concept and anatomy synonyms by label and by IRI."""
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in _csv_rows("payer-aliases.csv"):
        aliases[normalise(row["payer"])].append(row["alias"].strip())
    synonyms: dict[str, list[str]] = defaultdict(list)
    for row in _csv_rows("clinical-lexicon.csv"):
        forms = [s.strip() for s in row.get("synonyms", "").split("|") if s.strip()]
        synonyms[normalise(row["label"])].extend(forms)
        if row.get("iri"):
            synonyms[row["iri"].strip()].extend(forms)
    for row in _csv_rows("anatomy.csv"):
        forms = [s.strip() for s in row.get("synonyms", "").split("|") if s.strip()]
        local = row["id"].strip().replace(":", "_")
        synonyms[f"http://purl.obolibrary.org/obo/{local}"].extend(forms)
    return aliases, synonyms


def _forms(own: Iterable[tuple[str, str]], others: Iterable[str], how: str) -> tuple[tuple[str, str], ...]:
    seen: set[str] = set()
    forms: list[tuple[str, str]] = []
    for text, kind in [*own, *((other, how) for other in others)]:
        if text and normalise(text) not in seen:
            seen.add(normalise(text))
            forms.append((text, kind))
    return tuple(forms)


def build_index(store: GraphStore) -> SearchIndex:
    """The search index of the graph in ``store`` (four catalog queries, ``queries/search/``)."""
    from ..query import run_query

    aliases, synonyms = _other_names()
    entries: list[SearchEntry] = []
    notations: dict[str, str] = {}
    for row in run_query(store, "search-codes").as_dicts():
        code, system, title = (str(row[k]) if row[k] is not None else "" for k in ("code", "system", "title"))
        notations[str(row["code_iri"])] = code
        own = [(code, "code")] + ([(f"{system} {code}", "code")] if system else []) + ([(title, "title")] if title else [])
        entries.append(SearchEntry("code", code, f"{system} \u00b7 {title}" if title else system, None, 1, code, _forms(own, [], "")))

    def counted(row: dict[str, Any]) -> tuple[str, str, int, str | None]:
        key = str(row["key"]) if row.get("key") is not None else ""
        first = notations.get(str(row["first_code_iri"])) if row["first_code_iri"] is not None else None
        return str(row["name"]), key, int(str(row["codes"])), first

    for row in run_query(store, "search-payers").as_dicts():
        name, _key, codes, first = counted(row)
        entries.append(SearchEntry("payer", name, "", None, codes, first,
                                   _forms([(name, "name")], aliases.get(normalise(name), []), "alias")))
    for row in run_query(store, "search-policies").as_dicts():
        name, key, codes, first = counted(row)
        entries.append(SearchEntry("policy", name, key, key or None, codes, first,
                                   _forms([(name, "name")] + ([(key, "identifier")] if key else []), [], "")))
    for row in run_query(store, "search-concepts").as_dicts():
        name, key, codes, first = counted(row)
        others = synonyms.get(key, []) + synonyms.get(normalise(name), [])
        entries.append(SearchEntry(str(row["kind"]), name, "", key or None, codes, first, _forms([(name, "name")], others, "synonym")))
    return SearchIndex(entries)
