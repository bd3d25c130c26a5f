"""Cell values of import tables, checked and normalised one column at a time.

Each parser returns the normalised value or raises ``CellProblem`` naming the column and what is
wrong, which the import turns into a ``RowError`` for that row while the other rows go on.

The parsers are pure, and a table repeats its values (a few payers, statuses, dates and code
lists over many rows), so each remembers its last answers (``_cells``): a row's cells then cost
a dictionary look-up each instead of a parse.
"""

from __future__ import annotations

import csv
import html
import re
from datetime import date, datetime
from functools import cache, lru_cache

from ..choices import LINES_OF_BUSINESS
from ..codes import BILLING_SYSTEMS, ICD10CM, MODIFIER
from ..errors import CellProblem
from ..model import COVERAGE_STATUSES, PRIOR_AUTH_VALUES
from ..resources import vocab_dir
from ..vocab import SCHEMES
from ..vocab.payers import canonical_payer

CODE_PATTERNS = {name: system.exact for name, system in BILLING_SYSTEMS.items()}
ICD10CM_PATTERN = ICD10CM.exact
_SYSTEM_NAMES = {"cpt": "CPT", "hcpcs": "HCPCS", "hcpcs level ii": "HCPCS", "hcpcs-level-ii": "HCPCS"}
_PRIOR_AUTH_SYNONYMS = {"yes": "required", "no": "not-required", "": "unknown"}
_MODIFIER = MODIFIER.exact
_cells = lru_cache(maxsize=1 << 14)  # answers remembered per parser; an error is not remembered
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _token(text: str) -> str:
    """'Not Covered' / 'not_covered' -> 'not-covered'."""
    return re.sub(r"[\s_]+", "-", text.strip().lower())


@_cells
def code_system(column: str, text: str) -> str:
    """The code system a cell names (CPT or HCPCS, any spelling)."""
    system = _SYSTEM_NAMES.get(text.strip().lower())
    if system is None:
        raise CellProblem(column, f"unknown code system {text!r}; use CPT or HCPCS")
    return system


@_cells
def billing_code(column: str, system: str, text: str) -> str:
    """A billing code of ``system``, checked against that system's pattern."""
    code = text.strip().upper()
    if not CODE_PATTERNS[system].fullmatch(code):
        shape = "5 digits, or 4 digits and F, T or U" if system == "CPT" else "a letter A-V and 4 digits"
        raise CellProblem(column, f"{text!r} is not a {system} code ({shape})")
    return code


@_cells
def infer_code_system(column: str, text: str) -> tuple[str, str]:
    """(system, code) of a CPT or HCPCS code given without its system (MCD hcpc_code_id)."""
    code = text.strip().upper()
    for system, pattern in CODE_PATTERNS.items():
        if pattern.fullmatch(code):
            return system, code
    raise CellProblem(column, f"{text!r} is neither a CPT code (5 characters, e.g. 20610 or 0627T) nor a HCPCS code (e.g. J7321)")


@_cells
def icd10cm(column: str, text: str) -> str:
    """An ICD-10-CM code with its dot ('R159' and 'r15.9' become 'R15.9')."""
    code = text.strip().upper()
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    if not ICD10CM_PATTERN.fullmatch(code):
        raise CellProblem(column, f"{text!r} is not an ICD-10-CM code (e.g. M17.11)")
    return code


@_cells
def icd10cm_list(column: str, text: str) -> tuple[str, ...]:
    """ICD-10-CM codes listed in a cell, each checked for the code system's shape."""
    return tuple(dict.fromkeys(icd10cm(column, item) for item in split_list(text)))


def split_list(text: str) -> list[str]:
    """The items of a list cell (separated by commas, semicolons or pipes), stripped, empty ones dropped."""
    return [item.strip() for item in text.split(";") if item.strip()]


@_cells
def iso_date(column: str, text: str) -> date | None:
    """YYYY-MM-DD (a time after it, as MCD exports write, is ignored) or MM/DD/YYYY; empty: None."""
    value = text.strip()
    if not value:
        return None
    head = value.split(" ", 1)[0].split("T", 1)[0]
    if _ISO_DAY.fullmatch(head):  # the usual spelling: fromisoformat takes it as strptime would, much faster
        try:
            return date.fromisoformat(head)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    raise CellProblem(column, f"{text!r} is not a date; write YYYY-MM-DD")


@_cells
def coverage_status(column: str, text: str) -> str:
    """A coverage status notation (covered, not-covered, conditional, ...)."""
    status = _token(text)
    if status not in COVERAGE_STATUSES:
        raise CellProblem(column, f"unknown status {text!r}; use one of {', '.join(COVERAGE_STATUSES)}")
    return status


@_cells
def prior_authorization(column: str, text: str) -> str:
    """A prior authorization notation (required, not-required, unknown; yes/no accepted)."""
    value = _PRIOR_AUTH_SYNONYMS.get(_token(text), _token(text))
    if value not in PRIOR_AUTH_VALUES:
        raise CellProblem(column, f"unknown prior authorization {text!r}; use required, not-required or unknown (or yes/no)")
    return value


@_cells
def line_of_business(column: str, text: str) -> str | None:
    """A line of business (commercial, medicare-ffs, medicare-advantage, medicaid), or None for an empty cell."""
    value = _token(text)
    if not value:
        return None
    if value not in LINES_OF_BUSINESS:
        raise CellProblem(column, f"unknown line of business {text!r}; use one of {', '.join(LINES_OF_BUSINESS)}")
    return value


@_cells
def payer_name(column: str, text: str) -> str:
    """The payer's canonical name from the alias table ('UHC' -> 'UnitedHealthcare'); a name the
    table does not list is its own payer."""
    name = " ".join(text.split())
    if not name:
        raise CellProblem(column, "no payer named; every row needs one")
    return canonical_payer(name)


@_cells
def web_url(column: str, text: str) -> str | None:
    """An http(s) URL, or None for an empty cell."""
    value = text.strip()
    if not value:
        return None
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        raise CellProblem(column, f"{text!r} is not an http(s) URL")
    return value


@_cells
def modifier_code(column: str, text: str) -> str:
    """A HCPCS/CPT modifier (two letters or digits)."""
    code = text.strip().upper()
    if not _MODIFIER.fullmatch(code):
        raise CellProblem(column, f"{text!r} is not a modifier (two letters or digits, e.g. 25, RT, KX)")
    return code


@_cells
def modifier_list(column: str, text: str) -> tuple[str, ...]:
    """The modifiers listed in a cell, each once."""
    return tuple(dict.fromkeys(modifier_code(column, item) for item in split_list(text)))


@cache
def known_places_of_service() -> frozenset[str]:
    """The CMS place-of-service codes the shipped code set holds."""
    with (vocab_dir() / SCHEMES["place-of-service"].file).open(newline="", encoding="utf-8") as handle:
        return frozenset(row["code"].strip() for row in csv.DictReader(handle))


@_cells
def place_of_service_list(column: str, text: str) -> tuple[str, ...]:
    """The places of service listed in a cell, each a known CMS code."""
    places = []
    for item in split_list(text):
        code = item.zfill(2) if item.isdigit() else item
        if code not in known_places_of_service():
            raise CellProblem(column, f"{item!r} is not a CMS place-of-service code (e.g. 11 office, 22 on-campus outpatient hospital)")
        places.append(code)
    return tuple(dict.fromkeys(places))


def plain_text(text: str) -> str | None:
    """Cell text with HTML tags and entities (MCD paragraphs) removed and whitespace folded."""
    without_tags = re.sub(r"<[^>]+>", " ", text)
    folded = " ".join(html.unescape(without_tags).split())
    return folded or None
