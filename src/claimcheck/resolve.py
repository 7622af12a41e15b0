"""`claimcheck resolve DOI`: one registry record with its update events."""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.checks.updates import targets_to_fetch, update_events
from claimcheck.crossref import CrossrefClient
from claimcheck.errors import ExitCode
from claimcheck.models import Lookup, LookupStatus, UpdateEvent


@dataclass(frozen=True)
class Resolution:
    lookup: Lookup
    updates: tuple[UpdateEvent, ...] = ()

    @property
    def exit_code(self) -> ExitCode:
        if self.lookup.status is LookupStatus.FAILED:
            return ExitCode.INCOMPLETE
        if self.lookup.status is LookupStatus.NOT_FOUND:
            return ExitCode.GATE_FAILED
        return ExitCode.OK


def resolve_doi(client: CrossrefClient, doi: str) -> Resolution:
    """Look `doi` (already normalised) up, with the works its update entries point at."""
    lookup = client.lookup(doi)
    if lookup.work is None:
        return Resolution(lookup)
    related = client.lookup_all(targets_to_fetch(lookup.work))
    works = {d: r.work for d, r in related.items() if r.work is not None}
    return Resolution(lookup, update_events(lookup.work, works))
