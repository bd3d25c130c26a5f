"""The payer policy table: one CSV row per code and payer (format: ``docs/imports.md``).

Each good row becomes one coverage assertion citing that row; a bad row becomes a ``RowError``
(file, line, column, reason) and the rows after it are still read. Rows naming the same policy
number and effective date share one ``cg:PolicyDocument``; the dated versions of one policy
number are chained with ``prov:wasRevisionOf``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
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


def _record(row: Row, policies: dict[tuple[str, str, str], tuple[PolicyVersion, int]]) -> CoverageRecord:
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
    status = fields.coverage_status("status", row.get("status"))
    prior_auth = fields.prior_authorization("prior_auth", row.get("prior_auth"))
    line_of_business = fields.line_of_business("line_of_business", row.get("line_of_business"))
    supporting = fields.icd10cm_list("supporting_icd10", row.get("supporting_icd10"))
    excluding = fields.icd10cm_list("excluding_icd10", row.get("excluding_icd10"))
    modifiers = fields.modifier_list("modifiers", row.get("modifiers"))
    places = fields.place_of_service_list("place_of_service", row.get("place_of_service"))
    policy: PolicyVersion | None = None
    if policy_id:
        version = effective_from.isoformat() if effective_from else "undated"
        identity = _identity(payer, policy_id, version)
        first = policies.get(identity)
        if first is None:  # the first row of a policy version gives its facts and its evidence
            policy = PolicyVersion(
                publisher_key=payer, identifier=policy_id, version=version, title=title, url=url,
                effective_from=effective_from, effective_through=effective_through, publisher_payer=payer,
                evidence=(row.evidence,),
            )
            policies[identity] = (policy, row.line)
        else:
            policy, line = first
            for column, value, known in (("policy_title", title, policy.title), ("policy_url", url, policy.url),
                                         ("effective_through", effective_through, policy.effective_through)):
                if value != known:
                    raise CellProblem(column, f"policy {policy_id} ({version}) already has {column} {known!r} at line {line}; "
                                              "give one version one title, URL and end date")
            if policy.identifier != policy_id or policy.publisher_key != payer:  # the same policy, spelled otherwise
                policy = replace(policy, identifier=policy_id, publisher_key=payer, publisher_payer=payer)
    return CoverageRecord(
        key=(_payer_key(payer), f"{system}-{code}", f"line-{row.line}"),
        system=system,
        code=code,
        payer=payer,
        status=status,
        prior_auth=prior_auth,
        evidence=(row.evidence,),
        line_of_business=line_of_business,
        policy=policy,
        effective_from=effective_from,
        effective_through=effective_through,
        documentation=" ".join(row.get("documentation").split()) or None,
        supporting=supporting,
        excluding=excluding,
        modifiers=modifiers,
        places_of_service=places,
    )


@lru_cache(maxsize=1 << 12)
def _payer_key(payer: str) -> str:
    return payer_iri(payer).rsplit("/", 1)[-1]


@lru_cache(maxsize=1 << 14)
def _identity(payer: str, policy_id: str, version: str) -> tuple[str, str, str]:
    """A policy version's identity: ``CPB 0179`` and ``cpb-0179`` of one payer are one policy."""
    return policy_identity(PolicyVersion(publisher_key=payer, identifier=policy_id, version=version))


def _chain_revisions(records: list[CoverageRecord], policies: dict[tuple[str, str, str], tuple[PolicyVersion, int]]) -> list[CoverageRecord]:
    """Point each dated version of a policy number at the version before it."""
    dated: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for identity, (policy, _line) in policies.items():
        if policy.effective_from:
            dated.setdefault(identity[:2], []).append(identity)
    previous: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    for versions in dated.values():
        ordered = sorted(versions, key=lambda key: key[2])  # ISO dates sort as text
        previous.update(zip(ordered[1:], ordered[:-1], strict=True))
    if not previous:
        return records
    revised: dict[int, PolicyVersion] = {}  # the records of one version share its PolicyVersion: revise it once
    chained = []
    for record in records:
        old = record.policy
        if old is not None and old.effective_from:
            before = previous.get(_identity(old.publisher_key, old.identifier, old.version))
            if before is not None:
                new = revised.get(id(old))
                if new is None:
                    new = revised[id(old)] = replace(old, revision_of=before)
                record = replace(record, policy=new)
        chained.append(record)
    return chained


def read_payer_policy(path: str | Path, key: str | None = None) -> ImportRecords:
    """Read one payer policy CSV as the source ``key`` (default: its file name); bad rows are in
    ``errors``, good ones in ``coverage``.

    Rows naming one policy version share one ``PolicyVersion``: its facts and evidence are its
    first row's, and a later row that gives it another title, URL or end date is an error."""
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
    policies: dict[tuple[str, str, str], tuple[PolicyVersion, int]] = {}
    coverage = []
    for row in table.rows:
        try:
            coverage.append(_record(row, policies))
        except CellProblem as problem:
            records.errors.append(RowError(str(path), row.line, problem.column, problem.reason))
    records.coverage = _chain_revisions(coverage, policies)
    records.errors.sort(key=lambda error: error.line or 0)
    return records
