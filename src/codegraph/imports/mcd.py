"""The CMS Medicare Coverage Database "current articles" download: its CSV tables, unzipped in
one folder (format and mapping: ``docs/imports.md``).

Each code an article lists (``article_x_hcpc_code.csv``) becomes one Medicare fee-for-service
coverage assertion citing that row, with the article as its policy document (published by its
contractors, citing the article's row in ``article.csv``), the article's effective dates, the
ICD-10-CM codes that support and do not support medical necessity, and the article's modifiers. The status
comes from the wording of the code's group paragraph: "non-covered" or "not reasonable and
necessary" gives not-covered, "investigational" or "experimental" gives experimental, anything
else conditional (covered when the article's and its LCD's criteria are met).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import CellProblem
from . import fields
from .records import Contractor, CoverageRecord, DiagnosisGroup, ImportRecords, ModifierNote, PolicyVersion, RowError, RowEvidence
from .table import Row, Table, read_table

KIND = "mcd"
PAYER = "Medicare"
LINE_OF_BUSINESS = "medicare-ffs"
PUBLISHER_KEY = "cms-mcd"
ARTICLE_URL = "https://www.cms.gov/medicare-coverage-database/view/article.aspx?articleId={id}&ver={version}"

_ARTICLE_KEY = ("article_id", "article_version")
# table name -> the columns the import needs (the export has more; they are ignored)
TABLES: dict[str, tuple[str, ...]] = {
    "article": (*_ARTICLE_KEY, "title", "article_eff_date"),
    "article_x_hcpc_code": (*_ARTICLE_KEY, "hcpc_code_id"),
    "article_x_hcpc_code_group": (*_ARTICLE_KEY, "hcpc_code_group", "paragraph"),
    "article_x_icd10_covered": (*_ARTICLE_KEY, "icd10_code_id", "icd10_covered_group"),
    "article_x_icd10_covered_group": (*_ARTICLE_KEY, "icd10_covered_group", "paragraph"),
    "article_x_icd10_noncovered": (*_ARTICLE_KEY, "icd10_code_id", "icd10_noncovered_group"),
    "article_x_icd10_noncovered_group": (*_ARTICLE_KEY, "icd10_noncovered_group", "paragraph"),
    "article_x_hcpc_modifier": (*_ARTICLE_KEY, "hcpc_modifier_code_id", "hcpc_modifier_group"),
    "article_x_hcpc_modifier_group": (*_ARTICLE_KEY, "hcpc_modifier_group", "paragraph"),
    "article_x_contractor": (*_ARTICLE_KEY, "contractor_id", "contractor_type_id", "contractor_version"),
    "contractor": ("contractor_id", "contractor_type_id", "contractor_version", "contractor_bus_name", "contractor_number"),
    "dmerc_region_lookup": ("region_id", "mac_description"),
}
REQUIRED_TABLES = ("article", "article_x_hcpc_code")

_NOT_COVERED = re.compile(r"\bnon-?covered\b|\bnot\s+covered\b|\bnot\s+reasonable\s+and\s+necessary\b|\bnot\s+a\s+(?:medicare\s+)?benefit\b", re.IGNORECASE)
_EXPERIMENTAL = re.compile(r"\binvestigational\b|\bexperimental\b|\bunproven\b", re.IGNORECASE)

ArticleKey = tuple[str, str]  # (article_id, article_version)


@dataclass
class _Article:
    key: ArticleKey
    identifier: str
    title: str
    effective_from: date
    effective_through: date | None
    evidence: RowEvidence
    contractors: list[Contractor] = field(default_factory=list)


def _group_applies(icd10_group: str, code_group: str, code_groups: set[str]) -> bool:
    """ICD-10 group N goes with the CPT/HCPCS codes of group N when the article lists its codes in
    several groups; with one code group (or no code group N) it applies to every code."""
    return len(code_groups) < 2 or icd10_group == code_group or icd10_group not in code_groups


def bundle_sha256(tables: list[Table]) -> str:
    """The import's identity: a checksum over the names and checksums of the tables it read."""
    listing = "".join(f"{t.source.table}\0{t.source.sha256}\n" for t in sorted(tables, key=lambda t: t.source.table))
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def _article_key(row: Row) -> ArticleKey:
    article_id, version = row.get("article_id"), row.get("article_version")
    if not article_id.isdigit():
        raise CellProblem("article_id", f"{article_id!r} is not an article number (digits, e.g. 58001)")
    if not version.isdigit():
        raise CellProblem("article_version", f"{version!r} is not a version number")
    return article_id, str(int(version))


class _McdReader:
    def __init__(self, folder: Path, key: str):
        self.folder = folder
        self.key = key
        self.errors: list[RowError] = []
        self.tables: dict[str, Table] = {}
        self.articles: dict[ArticleKey, _Article] = {}
        self.rejected: dict[ArticleKey, int] = {}  # article -> line of its bad row

    def problem(self, row: Row, problem: CellProblem) -> None:
        self.errors.append(RowError(row.evidence.source.path, row.line, problem.column, problem.reason))

    def load_tables(self) -> None:
        for name, required in TABLES.items():
            path = self.folder / f"{name}.csv"
            if not path.is_file():
                if name in REQUIRED_TABLES:
                    self.errors.append(RowError(str(path), None, None,
                                                f"the MCD export has no {name}.csv here; unzip the 'current articles' "
                                                "download into this folder"))
                continue
            table = read_table(path, name, required, f"{self.key}/{name}.csv")
            if isinstance(table, RowError):
                self.errors.append(table)
                continue
            self.errors.extend(table.errors)
            self.tables[name] = table

    def rows(self, name: str) -> list[Row]:
        return self.tables[name].rows if name in self.tables else []

    def known_article(self, row: Row) -> ArticleKey:
        """The row's article, which must have been read from article.csv."""
        key = _article_key(row)
        if key in self.rejected:
            raise CellProblem("article_id", f"article {key[0]} version {key[1]} was not imported "
                                            f"(see its error at article.csv line {self.rejected[key]})")
        if key not in self.articles:
            raise CellProblem("article_id", f"no article {key[0]} version {key[1]} in article.csv")
        return key

    def read_articles(self) -> None:
        for row in self.rows("article"):
            try:
                key = _article_key(row)
                if key in self.articles:
                    raise CellProblem("article_id", f"article {key[0]} version {key[1]} is listed twice "
                                                    f"(first at line {self.articles[key].evidence.line})")
                title = " ".join(row.get("title").split())
                if not title:
                    raise CellProblem("title", "the article has no title")
                effective_from = fields.iso_date("article_eff_date", row.get("article_eff_date"))
                if effective_from is None:
                    raise CellProblem("article_eff_date", "the article has no effective date")
                ends = [day for column in ("article_end_date", "article_rev_end_date", "date_retired")
                        if (day := fields.iso_date(column, row.get(column))) is not None]
            except CellProblem as problem:
                self.problem(row, problem)
                if row.get("article_id").isdigit() and row.get("article_version").isdigit():
                    self.rejected[(row.get("article_id"), str(int(row.get("article_version"))))] = row.line
                continue
            identifier = row.get("display_id") or f"A{key[0]}"
            self.articles[key] = _Article(key, identifier, title, effective_from, min(ends) if ends else None, row.evidence)

    def read_contractors(self) -> None:
        regions = {row.get("region_id"): row.get("mac_description") or row.get("description")
                   for row in self.rows("dmerc_region_lookup")}
        contractors: dict[tuple[str, str, str], Contractor] = {}
        for row in self.rows("contractor"):
            key = (row.get("contractor_id"), row.get("contractor_type_id"), row.get("contractor_version"))
            number = row.get("contractor_number") or f"mcd-{'-'.join(key)}"
            contractors[key] = Contractor(number, " ".join(row.get("contractor_bus_name").split()) or None,
                                          regions.get(row.get("dmerc_rgn")) or None)
        for row in self.rows("article_x_contractor"):
            try:
                article = self.known_article(row)
                key = (row.get("contractor_id"), row.get("contractor_type_id"), row.get("contractor_version"))
                if "contractor" in self.tables and key not in contractors:
                    raise CellProblem("contractor_id", f"contractor {'/'.join(key)} (id/type/version) is not in contractor.csv")
            except CellProblem as problem:
                self.problem(row, problem)
                continue
            contractor = contractors.get(key) or Contractor(f"mcd-{'-'.join(key)}")
            if contractor not in self.articles[article].contractors:
                self.articles[article].contractors.append(contractor)

    def group_paragraphs(self, table: str, column: str) -> dict[tuple[ArticleKey, str], str]:
        paragraphs = {}
        for row in self.rows(table):
            try:
                paragraphs[(self.known_article(row), row.get(column))] = row.get("paragraph")
            except CellProblem as problem:
                self.problem(row, problem)
        return paragraphs

    def diagnosis_groups(self, kind: str) -> dict[ArticleKey, list[tuple[str, DiagnosisGroup]]]:
        """Per article: (group number, group) of its covered or non-covered ICD-10-CM codes."""
        group_column = f"icd10_{kind}_group"
        paragraphs = self.group_paragraphs(f"article_x_icd10_{kind}_group", group_column)
        codes: dict[tuple[ArticleKey, str], list[str]] = defaultdict(list)
        for row in self.rows(f"article_x_icd10_{kind}"):
            try:
                article = self.known_article(row)
                code = fields.icd10cm("icd10_code_id", row.get("icd10_code_id"))
            except CellProblem as problem:
                self.problem(row, problem)
                continue
            if code not in codes[(article, row.get(group_column))]:
                codes[(article, row.get(group_column))].append(code)
        groups: dict[ArticleKey, list[tuple[str, DiagnosisGroup]]] = defaultdict(list)
        for (article, number), members in sorted(codes.items()):
            paragraph = fields.plain_text(paragraphs.get((article, number), ""))
            label = f"Group {number}" + (f": {paragraph}" if paragraph else "") + f" ({'covered' if kind == 'covered' else 'non-covered'})"
            groups[article].append((number, DiagnosisGroup((*article, kind, number), label, tuple(members))))
        return groups

    def modifiers(self) -> dict[ArticleKey, list[tuple[str, str | None, str | None, RowEvidence]]]:
        paragraphs = self.group_paragraphs("article_x_hcpc_modifier_group", "hcpc_modifier_group")
        found: dict[ArticleKey, list[tuple[str, str | None, str | None, RowEvidence]]] = defaultdict(list)
        for row in self.rows("article_x_hcpc_modifier"):
            try:
                article = self.known_article(row)
                modifier = fields.modifier_code("hcpc_modifier_code_id", row.get("hcpc_modifier_code_id"))
            except CellProblem as problem:
                self.problem(row, problem)
                continue
            when = fields.plain_text(paragraphs.get((article, row.get("hcpc_modifier_group")), ""))
            found[article].append((modifier, fields.plain_text(row.get("description")), when, row.evidence))
        return found

    def coverage(self) -> tuple[list[CoverageRecord], list[ModifierNote]]:
        code_paragraphs = self.group_paragraphs("article_x_hcpc_code_group", "hcpc_code_group")
        covered, noncovered, modifiers = self.diagnosis_groups("covered"), self.diagnosis_groups("noncovered"), self.modifiers()
        listed: list[tuple[ArticleKey, str, str, str, Row]] = []
        for row in self.rows("article_x_hcpc_code"):
            try:
                article = self.known_article(row)
                system, code = fields.infer_code_system("hcpc_code_id", row.get("hcpc_code_id"))
            except CellProblem as problem:
                self.problem(row, problem)
                continue
            listed.append((article, row.get("hcpc_code_group"), system, code, row))
        code_groups: dict[ArticleKey, set[str]] = defaultdict(set)
        for article, group, *_rest in listed:
            code_groups[article].add(group)

        records, notes, seen = [], [], set()
        for article_key, group, system, code, row in listed:
            if (article_key, system, code) in seen:
                continue  # a code listed in two groups of one article: one assertion, cited at its first row
            seen.add((article_key, system, code))
            details = self.articles[article_key]
            supporting = [g for number, g in covered.get(article_key, [])
                          if _group_applies(number, group, code_groups[article_key])]
            excluding = [g for _n, g in noncovered.get(article_key, [])]
            paragraph = fields.plain_text(code_paragraphs.get((article_key, group), "")) or ""
            status = ("not-covered" if _NOT_COVERED.search(paragraph) else
                      "experimental" if _EXPERIMENTAL.search(paragraph) else "conditional")
            policy = PolicyVersion(
                publisher_key=PUBLISHER_KEY, identifier=details.identifier, version=article_key[1], title=details.title,
                url=ARTICLE_URL.format(id=article_key[0], version=article_key[1]),
                effective_from=details.effective_from, effective_through=details.effective_through,
                publisher_contractors=tuple(details.contractors),
                revision_of=(PUBLISHER_KEY, details.identifier, str(int(article_key[1]) - 1)) if int(article_key[1]) > 1 else None,
                evidence=(details.evidence,),
            )
            article_modifiers = modifiers.get(article_key, [])
            records.append(CoverageRecord(
                key=(f"article-{article_key[0]}-v{article_key[1]}", f"{system}-{code}"),
                system=system, code=code, payer=PAYER, status=status, prior_auth="unknown",
                evidence=(row.evidence,), line_of_business=LINE_OF_BUSINESS, policy=policy,
                effective_from=details.effective_from, effective_through=details.effective_through,
                supporting=tuple(dict.fromkeys(c for g in supporting for c in g.codes)),
                excluding=tuple(dict.fromkeys(c for g in excluding for c in g.codes)),
                groups=(*supporting, *excluding),
                modifiers=tuple(dict.fromkeys(m for m, *_ in article_modifiers)),
            ))
            for modifier, description, when, evidence in article_modifiers:
                notes.append(ModifierNote(
                    key=(f"article-{article_key[0]}-v{article_key[1]}", f"{system}-{code}", modifier),
                    system=system, code=code, modifier=modifier, evidence=(evidence,),
                    description=description, when_to_use=when, policy=policy,
                ))
        return records, notes


DEFAULT_SOURCE_KEY = "cms-mcd-current-articles"
"""There is one current MCD: a newer export replaces the one imported before, whatever its folder is called."""


def read_mcd(folder: str | Path, key: str | None = None) -> ImportRecords:
    """Read an unzipped MCD "current articles" export as the source ``key``; bad rows are in ``errors``."""
    folder = Path(folder)
    key = key or DEFAULT_SOURCE_KEY
    if not folder.is_dir():
        return ImportRecords(KIND, "", key, errors=[RowError(str(folder), None, None, "not a folder: give the folder the MCD CSV files were unzipped into")])
    reader = _McdReader(folder, key)
    reader.load_tables()
    if any(name not in reader.tables for name in REQUIRED_TABLES):
        return ImportRecords(KIND, "", key, errors=reader.errors)
    reader.read_articles()
    reader.read_contractors()
    coverage, notes = reader.coverage()
    tables = list(reader.tables.values())
    return ImportRecords(
        KIND, bundle_sha256(tables), key, sources=[t.source for t in tables], coverage=coverage, modifier_notes=notes,
        errors=sorted(reader.errors, key=lambda e: (e.file, e.line or 0)),
        rows_read=sum(len(t.rows) + len(t.errors) for t in tables),
    )

