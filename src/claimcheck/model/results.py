"""Frozen results of an audit: each reference's and claim's status, each map's findings, and
the audit as a whole, with the gate policy and sources it ran with (model/audit_options.py,
re-exported here). Nothing here does I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from claimcheck.model.audit_options import AuditOptions, GatePolicy, Source, SourceUsed
from claimcheck.model.claimmap import Claim, ClaimMap, Reference
from claimcheck.model.events import Disagreement, EditorialStatus, UpdateEvent
from claimcheck.model.findings import Finding
from claimcheck.model.record import Lookup, Work

__all__ = [
    "AuditOptions",
    "AuditResult",
    "ClaimResult",
    "ClaimStatus",
    "GatePolicy",
    "MapResult",
    "ReferenceResult",
    "ReferenceStatus",
    "Source",
    "SourceUsed",
    "as_maps",
]


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


def as_maps(claim_maps: ClaimMap | Sequence[ClaimMap]) -> tuple[ClaimMap, ...]:
    """One claim map or several, as a tuple."""
    return (claim_maps,) if isinstance(claim_maps, ClaimMap) else tuple(claim_maps)
