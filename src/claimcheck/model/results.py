"""Frozen results of an audit: each reference's and claim's status, each map's findings, the
gate policy they are judged by, and the audit as a whole. Nothing here does I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from claimcheck.model.claimmap import Claim, ClaimMap, Reference
from claimcheck.model.events import Disagreement, EditorialStatus, UpdateEvent
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import Lookup, Work


class ReferenceStatus(StrEnum):
    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    UNVERIFIED = "unverified"  # could not check


class ClaimStatus(StrEnum):
    SUPPORTED = "supported"
    WEAKENED = "weakened"
    UNSUPPORTED = "unsupported"
    UNCITED = "uncited"
    UNVERIFIED = "unverified"  # could not check: a lookup it depends on failed


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    reference: Reference
    status: ReferenceStatus
    lookup: Lookup | None = None
    editorial: EditorialStatus | None = None  # None when no registry record was read
    disagreements: tuple[Disagreement, ...] = ()  # where the sources consulted differ

    @property
    def updates(self) -> tuple[UpdateEvent, ...]:
        return self.editorial.events if self.editorial else ()

    @property
    def work(self) -> Work | None:
        return self.lookup.work if self.lookup else None


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    status: ClaimStatus
    reason: str


@dataclass(frozen=True, slots=True)
class SourceUsed:
    """One source an audit consulted: a registry by its base URL, a data file by its hash."""

    name: str  # crossref | datacite | retraction-watch-csv
    url: str | None = None
    file: str | None = None
    sha256: str | None = None
    rows: int | None = None

    def describe(self) -> str:
        """`retraction-watch-csv: rw.csv (65012 records, sha256 aa0409b657e9…)`, or
        `datacite: https://…`, as the human formats name it."""
        if self.file is None:
            return f"{self.name}: {self.url}"
        details = [f"{self.rows} records"] if self.rows is not None else []
        details += [f"sha256 {self.sha256[:12]}…"] if self.sha256 else []
        return f"{self.name}: {self.file}" + (f" ({', '.join(details)})" if details else "")


@dataclass(frozen=True, slots=True)
class Source:
    crossref: str
    mode: str  # online | offline | replay
    used: tuple[SourceUsed, ...] = ()  # every source consulted, Crossref first

    @property
    def others(self) -> tuple[SourceUsed, ...]:
        """The sources consulted beside the Crossref one `crossref` names."""
        return tuple(u for u in self.used if u.name != "crossref")


@dataclass(frozen=True, slots=True)
class GatePolicy:
    """When the gate fails: findings at or above a severity, or of listed codes; and whether
    failed lookups (`unverified`) fail it closed (the default) or are allowed."""

    threshold: Severity = Severity.ERROR
    codes: frozenset[FindingCode] = frozenset()
    allow_incomplete: bool = False

    def fails(self, finding: Finding) -> bool:
        """Whether `finding` fails the gate. `unverified` is judged apart (exit 3)."""
        if finding.code is FindingCode.UNVERIFIED:
            return False
        if self.codes:
            return any(finding.code.is_a(code) for code in self.codes)
        return finding.severity.rank >= self.threshold.rank

    def describe(self) -> str:
        if self.codes:
            return ",".join(sorted(c.value for c in self.codes))
        return self.threshold.value


@dataclass(frozen=True, slots=True)
class MapResult:
    """The audit of one claim map."""

    claim_map: ClaimMap
    references: tuple[ReferenceResult, ...]
    claims: tuple[ClaimResult, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class AuditResult:
    """One report over one or more claim maps, with one exit code."""

    maps: tuple[MapResult, ...]
    checked_at: datetime
    source: Source
    policy: GatePolicy
    exit_code: int

    @property
    def references(self) -> tuple[ReferenceResult, ...]:
        return tuple(r for m in self.maps for r in m.references)

    @property
    def claims(self) -> tuple[ClaimResult, ...]:
        return tuple(c for m in self.maps for c in m.claims)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, each map's in its own order, most severe first overall."""
        ordered = [f for m in self.maps for f in m.findings]
        return tuple(sorted(ordered, key=lambda f: -f.severity.rank))

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(m.claim_map.path for m in self.maps)


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What an audit is judged by and stamped with."""

    policy: GatePolicy
    today: date
    checked_at: datetime
    source: Source


def as_maps(claim_maps: ClaimMap | Sequence[ClaimMap]) -> tuple[ClaimMap, ...]:
    """One claim map or several, as a tuple."""
    return (claim_maps,) if isinstance(claim_maps, ClaimMap) else tuple(claim_maps)
