"""The payer policy table: one CSV row per code and payer (format: ``docs/imports.md``).

Each good row becomes one coverage assertion citing that row; a bad row becomes a ``RowError``
(file, line, column, reason) and the rows after it are still read. Rows naming the same policy
number and effective date share one ``cg:PolicyDocument``; the dated versions of one policy
number are chained with ``prov:wasRevisionOf``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import CellProblem
from ..rdf.iris import payer_iri
from . import fields
from .records import CoverageRecord, ImportRecords, PolicyVersion, RowError, policy_identity
from .table import Row, read_table

KIND = "payer-policy"
COLUMNS = (
    "code_system", "code", "payer", "line_of_business", "status", "prior_auth", "policy_id", "policy_title",
    "policy_url", "effective_from", "effective_through", "supporting_icd10", "excluding_icd10", "documentation",
    "modifiers", "place_of_service",
)
REQUIRED = ("code_system", "code", "payer", "status")
_POLICY_FACTS = (("policy_title", "title"), ("policy_url", "url"), ("effective_through", "effective_through"))


def _record(row: Row) -> CoverageRecord:
    system = fields.code_system("code_system", row.get("code_system"))
    code = fields.billing_code("code", system, row.get("code"))
    payer = fields.payer_name("payer", row.get("payer"))
    effective_from = fields.iso_date("effective_from", row.get("effective_from"))
    effective_through = fields.iso_date("effective_through", row.get("effective_through"))
    if effective_from and effective_through and effective_through < effective_from:
        raise CellProblem("effective_through", f"{effective_through} is before effective_from {effective_from}")
    policy_id = " ".join(row.get("policy_id").split())
    title, url = row.get("policy_title") or None, fields.web_url("policy_url", row.get("policy_url"))
    if not policy_id and (title or url):
        raise CellProblem("policy_id", "a policy title or URL is given without the policy_id it belongs to")
    policy = None
    if policy_id:
        policy = PolicyVersion(
            publisher_key=payer, identifier=policy_id, version=effective_from.isoformat() if effective_from else "undated",
            title=title, url=url, effective_from=effective_from, effective_through=effective_through, publisher_payer=payer,
            evidence=(row.evidence,),
        )
    return CoverageRecord(
        key=(payer_iri(payer).rsplit("/", 1)[-1], f"{system}-{code}", f"line-{row.line}"),
        system=system,
        code=code,
        payer=payer,
        status=fields.coverage_status("status", row.get("status")),
        prior_auth=fields.prior_authorization("prior_auth", row.get("prior_auth")),
        evidence=(row.evidence,),
        line_of_business=fields.line_of_business("line_of_business", row.get("line_of_business")),
        policy=policy,
        effective_from=effective_from,
        effective_through=effective_through,
        documentation=" ".join(row.get("documentation").split()) or None,
        supporting=fields.icd10cm_list("supporting_icd10", row.get("supporting_icd10")),
        excluding=fields.icd10cm_list("excluding_icd10", row.get("excluding_icd10")),
        modifiers=fields.modifier_list("modifiers", row.get("modifiers")),
        places_of_service=fields.place_of_service_list("place_of_service", row.get("place_of_service")),
    )


def _policy_key(policy: PolicyVersion) -> tuple[str, str, str]:
    """A policy version's identity: ``CPB 0179`` and ``cpb-0179`` of one payer are one policy."""
    return policy_identity(policy)


def _chain_revisions(records: list[CoverageRecord]) -> list[CoverageRecord]:
    """Point each dated version of a policy number at the version before it."""
    dated: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for record in records:
        if record.policy and record.policy.effective_from:
            dated.setdefault(_policy_key(record.policy)[:2], set()).add(_policy_key(record.policy))
    previous: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    for versions in dated.values():
        ordered = sorted(versions, key=lambda key: key[2])  # ISO dates sort as text
        previous.update(zip(ordered[1:], ordered[:-1], strict=True))
    return [
        replace(record, policy=replace(record.policy, revision_of=previous[_policy_key(record.policy)]))
        if record.policy and _policy_key(record.policy) in previous else record
        for record in records
    ]


def read_payer_policy(path: str | Path, key: str | None = None) -> ImportRecords:
    """Read one payer policy CSV as the source ``key`` (default: its file name); bad rows are in
    ``errors``, good ones in ``coverage``."""
    path = Path(path)
    key = key or path.name
    table = read_table(path, "payer-policy", REQUIRED, key)
    if isinstance(table, RowError):
        return ImportRecords(KIND, "", key, errors=[table])
    records = ImportRecords(KIND, table.source.sha256, key, sources=[table.source], errors=list(table.errors))
    unknown = [name for name in table.header if name not in COLUMNS]
    if unknown:
        records.errors.append(RowError(str(path), table.header_line, unknown[0],
                                       f"unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}"))
        records.sources = []
        return records
    records.rows_read = len(table.rows) + len(table.errors)
    seen_policies: dict[tuple[str, str, str], tuple[PolicyVersion, int]] = {}
    coverage: list[CoverageRecord] = []
    for row in table.rows:
        try:
            record = _record(row)
            if record.policy:
                first = seen_policies.setdefault(_policy_key(record.policy), (record.policy, row.line))
                for column, attribute in _POLICY_FACTS:
                    if getattr(first[0], attribute) != getattr(record.policy, attribute):
                        raise CellProblem(column, f"policy {record.policy.identifier} ({record.policy.version}) already has "
                                                  f"{column} {getattr(first[0], attribute)!r} at line {first[1]}; "
                                                  "give one version one title, URL and end date")
                record = replace(record, policy=replace(record.policy, evidence=first[0].evidence))
        except CellProblem as problem:
            records.errors.append(RowError(str(path), row.line, problem.column, problem.reason))
            continue
        coverage.append(record)
    records.coverage = _chain_revisions(coverage)
    records.errors.sort(key=lambda error: error.line or 0)
    return records
