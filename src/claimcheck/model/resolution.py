"""What `claimcheck resolve DOI` found: one registry record, its editorial status, and the
records its update entries name."""

from __future__ import annotations

from dataclasses import dataclass, field

from claimcheck.model.errors import ExitCode
from claimcheck.model.events import EditorialStatus, UpdateEvent
from claimcheck.model.record import Lookup, LookupStatus, Work


@dataclass(frozen=True)
class Resolution:
    lookup: Lookup
    editorial: EditorialStatus | None = None
    related: dict[str, Lookup] = field(default_factory=dict)

    @property
    def updates(self) -> tuple[UpdateEvent, ...]:
        return self.editorial.events if self.editorial else ()

    def related_work(self, doi: str) -> Work | None:
        lookup = self.related.get(doi)
        return lookup.work if lookup is not None else None

    @property
    def exit_code(self) -> ExitCode:
        if self.lookup.status is LookupStatus.FAILED:
            return ExitCode.INCOMPLETE
        if self.editorial is not None and self.editorial.unreadable:
            return ExitCode.INCOMPLETE  # a record the verdict needs could not be read
        if self.lookup.status is LookupStatus.NOT_FOUND:
            return ExitCode.GATE_FAILED
        return ExitCode.OK
