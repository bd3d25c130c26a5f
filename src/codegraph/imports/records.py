"""The typed records an import produces, before they become triples.

An import reads rows of CSV tables into these records (``payer_policy``, ``mcd``); ``graph``
turns them into one named graph. Every assertion carries the ``RowEvidence`` of the rows it was
read from: the file (by SHA-256), the row's line, its character span and its raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class SourceFile:
    """A table file an import read: ``key`` is its identity in the graph (the import's source key,
    plus the file's name for one table of several), ``sha256`` of its bytes is its version."""

    path: str
    sha256: str
    table: str  # the table's name, used as the evidence's section ("payer-policy", "article_x_hcpc_code")
    key: str = ""


@dataclass(frozen=True)
class RowEvidence:
    """One CSV record: 1-based line of its start, character span in the decoded text, raw text."""

    source: SourceFile
    line: int
    start: int
    end: int
    quote: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.source.path, "table": self.source.table, "line": self.line, "quote": self.quote}


@dataclass(frozen=True)
class Contractor:
    """A Medicare Administrative Contractor as the MCD contractor table lists it."""

    number: str
    name: str | None = None
    jurisdiction: str | None = None


@dataclass(frozen=True)
class PolicyVersion:
    """One version of a policy document.

    ``publisher_key`` + ``identifier`` + ``version`` make its IRI: a payer's policy number with
    its effective date, or an MCD article number with its version.
    """

    publisher_key: str
    identifier: str
    version: str
    title: str | None = None
    url: str | None = None
    effective_from: date | None = None
    effective_through: date | None = None
    publisher_payer: str | None = None
    publisher_contractors: tuple[Contractor, ...] = ()
    revision_of: tuple[str, str, str] | None = None  # (publisher_key, identifier, version) of the previous one
    evidence: tuple[RowEvidence, ...] = ()  # the row(s) the policy's own facts were read from


def policy_identity(policy: PolicyVersion) -> tuple[str, str, str]:
    """What makes two policy versions one: the publisher's name and the policy number as
    identity compares them (``CPB 0179`` = ``cpb-0179``), and the version."""
    from ..rdf.iris import normalise_name, normalise_policy_identifier

    return (normalise_name(policy.publisher_key), normalise_policy_identifier(policy.identifier), policy.version)


@dataclass(frozen=True)
class DiagnosisGroup:
    """ICD-10-CM codes a source lists under one heading, e.g. an MCD article's covered group 1."""

    key: tuple[str, ...]
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class CoverageRecord:
    """What one source row (or an MCD article and code) says about one payer's coverage of one code."""

    key: tuple[str, ...]  # deterministic, unique within the import
    system: str  # "CPT" | "HCPCS"
    code: str
    payer: str
    status: str  # a coverage-status notation
    prior_auth: str  # a prior-auth notation
    evidence: tuple[RowEvidence, ...]
    line_of_business: str | None = None
    policy: PolicyVersion | None = None
    effective_from: date | None = None
    effective_through: date | None = None
    documentation: str | None = None
    supporting: tuple[str, ...] = ()
    excluding: tuple[str, ...] = ()
    groups: tuple[DiagnosisGroup, ...] = ()
    modifiers: tuple[str, ...] = ()
    places_of_service: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModifierNote:
    """A modifier a source lists for a code, with its wording and when to use it (an MCD article's
    modifier table and group paragraph). Becomes a ``cg:ModifierUsage`` fact of the code."""

    key: tuple[str, ...]
    system: str
    code: str
    modifier: str
    evidence: tuple[RowEvidence, ...]
    description: str | None = None
    when_to_use: str | None = None
    policy: PolicyVersion | None = None  # the policy whose modifier table lists it


@dataclass(frozen=True)
class RowError:
    """A row (or a whole file) an import could not use, and why. The other rows still import."""

    file: str
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        column = f"column {self.column}: " if self.column else ""
        return f"{where}: {column}{self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class ImportRecords:
    """Everything one import read, ready to become its named graph."""

    kind: str  # "payer-policy" | "mcd"
    import_sha256: str  # the file's SHA-256, or the folder's (see ``mcd.bundle_sha256``): the version
    source_key: str = ""  # the import's identity: a re-import of the same source replaces it
    sources: list[SourceFile] = field(default_factory=list)
    coverage: list[CoverageRecord] = field(default_factory=list)
    modifier_notes: list[ModifierNote] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0

    @property
    def graph(self) -> str:
        """The named graph this import goes into."""
        from ..rdf.iris import import_graph_iri

        return str(import_graph_iri(self.source_key))
