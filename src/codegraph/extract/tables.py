"""Coding tables (modifiers, provider taxonomies, ICD-10 codes, related codes) from pipe tables.

Rows may lack their outer pipes, may be split over two lines (the continuation has no code
cell), or may be cut off when the page ends; a cut row keeps its code, its missing cells are
None, and a warning says where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import codes
from ..model import DiagnosisRow, ModifierRow, RelatedCodeRow, TaxonomyRow
from ..read import Document, Line
from ..read.normalize import clean_value
from .evidence import evidence

# Possessive quantifiers: with plain ones a row of spaces around a "|" took quadratic time.
_SEPARATOR = re.compile(r"\s*+\|?+\s*+:?+-{2,}+:?+\s*+(?:\|\s*+:?+-{2,}+:?+\s*+)*+\|?+\s*+$")

# Each table's code column, by the code system's one pattern (codes.py); group 1 is the code.
CODE_PATTERNS = {
    "modifiers": re.compile(rf"\b({codes.MODIFIER.pattern})\b"),
    "taxonomies": re.compile(rf"\b({codes.TAXONOMY.pattern})\b"),
    "icd10": re.compile(rf"\b({codes.ICD10CM.pattern})\b"),
    "related_codes": re.compile(rf"\b({codes.CPT.pattern}|{codes.HCPCS.pattern})\b"),
}
_SECTION_KIND = {
    "modifiers": "modifiers",
    "provider-taxonomies": "taxonomies",
    "icd10-mappings": "icd10",
    "related-codes": "related_codes",
}
_TABLE_NAMES = {
    "modifiers": "modifier",
    "taxonomies": "taxonomy",
    "icd10": "ICD-10",
    "related_codes": "related-code",
}


@dataclass
class CodingTables:
    """The coding tables of one page: modifiers, taxonomies, diagnoses and related codes."""
    modifiers: list[ModifierRow] = field(default_factory=list)
    taxonomies: list[TaxonomyRow] = field(default_factory=list)
    icd10: list[DiagnosisRow] = field(default_factory=list)
    related_codes: list[RelatedCodeRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _cells(text: str) -> list[str]:
    stripped = text.strip()
    stripped = stripped.removeprefix("|")
    stripped = stripped.removesuffix("|")
    return [cell.strip() for cell in stripped.split("|")]


def _starts_with_code(pattern: re.Pattern[str], cell: str) -> bool:
    """True when a first cell holds a code, allowing a short prefix such as "CPT code "."""
    match = pattern.search(cell)
    return match is not None and match.start() <= len("HCPCS Level II code ")


def _table_kind(header: list[str], section: str) -> str | None:
    first = header[0].lower() if header else ""
    if "modifier" in first:
        return "modifiers"
    if "taxonomy" in first:
        return "taxonomies"
    if "icd" in first or "diagnos" in first:
        return "icd10"
    if "related" in first or first in ("code", "cpt code", "hcpcs code", "cpt/hcpcs code"):
        return _SECTION_KIND.get(section, "related_codes")
    return None


def _column(header: list[str], words: tuple[str, ...], default: int | None) -> int | None:
    for index, name in enumerate(header):
        if any(word in name.lower() for word in words):
            return index
    return default


def _code_system(code: str) -> str:
    return "HCPCS" if code[0].isalpha() else "CPT"


def _is_table_line(line: Line) -> bool:
    return "|" in line.text


@dataclass
class PipeTable:
    """A pipe table as written: its section, header cells and rows with their lines."""
    section: str
    header: list[str]
    header_line: Line
    rows: list[tuple[list[str], list[Line]]]  # cells, and the line(s) each row spans


def iter_tables(doc: Document, row_code: re.Pattern[str] | None = None) -> list[PipeTable]:
    """Every pipe table of ``doc``; see ``_iter_tables``. Without ``row_code``, parsed once per document."""
    if row_code is None:
        return doc.derived("pipe-tables", lambda: _iter_tables(doc, None))
    return _iter_tables(doc, row_code)


def _iter_tables(doc: Document, row_code: re.Pattern[str] | None) -> list[PipeTable]:
    """Every pipe table (a header line, then a ``|---|`` separator, then rows) in ``doc``.

    With ``row_code``, a line whose first cell is not a code continues the row before it (a row
    split over two lines).
    """
    tables: list[PipeTable] = []
    if "|" not in doc.text:
        return tables
    for section in doc.sections:
        lines = section.lines
        # A header is a line with a "|" followed by a separator line: look only where one can be.
        candidates = [i for i, line in enumerate(lines[:-1]) if "|" in line.text and "-" in lines[i + 1].text]
        index = 0
        for start in candidates:
            if start < index:
                continue  # inside the table read before
            index = start
            line = lines[index]
            if not _SEPARATOR.match(lines[index + 1].text):
                continue
            header = _cells(line.text)
            kind = _table_kind(header, section.name)
            continuation = CODE_PATTERNS[kind] if kind else row_code
            index += 2
            rows: list[tuple[list[str], list[Line]]] = []
            while index < len(lines) and _is_table_line(lines[index]) and lines[index].text.strip():
                starts_table = index + 1 < len(lines) and _SEPARATOR.match(lines[index + 1].text)
                if starts_table or _SEPARATOR.match(lines[index].text):
                    break  # the next table's header: this table ends here
                cells = _cells(lines[index].text)
                if continuation is not None and rows and not _starts_with_code(continuation, cells[0]):
                    # Continuation of a row split over two lines: glue the first cell to the last one.
                    previous_cells, previous_lines = rows[-1]
                    previous_cells[-1] = f"{previous_cells[-1]} {cells[0]}".strip()
                    previous_cells.extend(cells[1:])
                    previous_lines.append(lines[index])
                else:
                    rows.append((cells, [lines[index]]))
                index += 1
            tables.append(PipeTable(section.name, header, line, rows))
    return tables


def is_payer_table(table: PipeTable) -> bool:
    """Whether ``table`` is the payer coverage table (its first column names the payer)."""
    return bool(table.header) and "payer" in table.header[0].lower()


def extract_tables(doc: Document) -> CodingTables:
    """Every coding table of the page, read once."""
    tables = CodingTables()
    for table in iter_tables(doc):
        kind = _table_kind(table.header, table.section)
        if kind is None:
            if not is_payer_table(table):  # payer tables are read by extract/payers.py
                tables.warnings.append(
                    f"line {table.header_line.number}: a table with columns {table.header} in section "
                    f"'{table.section}' is not a table codegraph reads; its text is kept but no facts were taken"
                )
            continue
        _read_rows(doc, kind, table.header, table.rows, tables)
    return tables


def _read_rows(
    doc: Document, kind: str, header: list[str], rows: list[tuple[list[str], list[Line]]], tables: CodingTables
) -> None:
    description_at = _column(header, ("description", "meaning", "name", "descriptor"), 1)
    when_at = _column(header, ("when", "use", "usage"), 2)
    for cells, row_lines in rows:
        first, last = row_lines[0], row_lines[-1]
        raw = " ".join(line.text.strip() for line in row_lines)
        match = CODE_PATTERNS[kind].search(cells[0])
        if not match:
            tables.warnings.append(
                f"line {first.number}: {_TABLE_NAMES[kind]} table row '{raw}' has no valid code in its first cell; row skipped"
            )
            continue
        code = match.group(1)

        def cell(at: int | None, cells: list[str] = cells) -> str | None:
            if at is None or at >= len(cells) or not cells[at].strip():
                return None
            return clean_value(cells[at])

        if len(cells) < len(header):
            tables.warnings.append(
                f"line {first.number}: {_TABLE_NAMES[kind]} table row '{raw}' is truncated: "
                f"{len(cells)} of {len(header)} cells ({', '.join(header[len(cells):])} missing)"
            )
        span = evidence(doc, first.start, last.end)
        if kind == "modifiers":
            tables.modifiers.append(ModifierRow(code, cell(description_at), cell(when_at), span))
        elif kind == "taxonomies":
            tables.taxonomies.append(TaxonomyRow(code, cell(description_at), span))
        elif kind == "icd10":
            tables.icd10.append(DiagnosisRow(code, cell(description_at), span))
        else:
            tables.related_codes.append(RelatedCodeRow(_code_system(code), code, cell(description_at), span))
