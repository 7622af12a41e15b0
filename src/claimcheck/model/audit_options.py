"""What an audit is judged by and stamped with: the gate policy, the sources it consults,
and its dates. Apart from the results (model/results.py), so that setting up a run, which
happens before the first request leaves, does not import the claim map's and the results'
models: about 10 ms of start-up. Nothing here does I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from claimcheck.model.findings import Finding, FindingCode, Severity


@dataclass(frozen=True, slots=True)
class SourceUsed:
    """One source an audit consulted: a registry by its base URL, a data file by its hash."""

    name: str  # crossref | datacite | retraction-watch-csv
    url: str | None = None
    file: str | None = None
    sha256: str | None = None
    rows: int | None = None
    # A data file's rows not indexed, and rows indexed with a DOI or a date dropped: what a
    # reader of the report needs to know the file's verdicts may miss.
    skipped_rows: int | None = None
    unread_doi_rows: int | None = None
    unread_date_rows: int | None = None

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
        if finding.code is FindingCode.ACKNOWLEDGED:
            # An acknowledgement hides its finding from the gate (README), `--fail-on info`
            # included; only naming the code `acknowledged` asks for it.
            return False
        return finding.severity.rank >= self.threshold.rank

    def describe(self) -> str:
        if self.codes:
            return ",".join(sorted(c.value for c in self.codes))
        return self.threshold.value


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What an audit is judged by and stamped with."""

    policy: GatePolicy
    today: date
    checked_at: datetime
    source: Source
