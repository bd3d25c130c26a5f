"""Payer names to payer identities: one explicit alias table, nothing guessed.

``data/vocab/payer-aliases.csv`` lists each alias with the payer it stands for and where that is
documented. A name the table does not list is its own payer: names that only look alike
(``Aetna`` and ``@Aetna``, two names in other scripts) are never merged here. The query
``possible-duplicate-payers`` shows such look-alikes so an analyst can add an alias.
"""

from __future__ import annotations

import csv
from functools import cache

from ..errors import CatalogError, ResourceError
from ..rdf.iris import normalise_name as _normalise
from ..resources import vocab_dir

ALIASES_FILE = "payer-aliases.csv"


@cache
def payer_aliases() -> dict[str, str]:
    """Normalised alias -> canonical payer name, from the shipped table."""
    path = vocab_dir() / ALIASES_FILE
    if not path.is_file():
        raise ResourceError(f"{path} is missing: reinstall codegraph or restore data/vocab/")
    aliases: dict[str, str] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            alias, payer = (row.get("alias") or "").strip(), (row.get("payer") or "").strip()
            if not alias or not payer or not (row.get("source") or "").strip():
                raise CatalogError(f"{path}:{line}: every alias needs alias, payer and source")
            key = _normalise(alias)
            if aliases.setdefault(key, payer) != payer:
                raise CatalogError(f"{path}:{line}: {alias!r} is already an alias of {aliases[key]!r}")
    return aliases


def canonical_payer(name: str) -> str:
    """The payer ``name`` stands for: its canonical name when the alias table lists it, else the
    name itself with its spaces collapsed (its own payer)."""
    spaced = " ".join(name.split())
    return payer_aliases().get(_normalise(spaced), spaced)


def known_payers() -> list[str]:
    """The canonical names the alias table knows, sorted."""
    return sorted(set(payer_aliases().values()))
