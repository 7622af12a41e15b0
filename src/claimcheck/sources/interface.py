"""What the audit asks of a source, so that a new one is one module behind one of these.

- A `RecordSource` is a registry: it answers a DOI with its record (Crossref, DataCite).
- An `EventSource` lists editorial events beside the registry's own (the Retraction Watch
  CSV): asked once per audit for every cited DOI, it answers with the update entries it has
  for each, which join the registry's in one editorial status (checks/editorial.py).

Sources report failures in their answers (`LookupStatus.FAILED`), never by raising: a lookup
that could not be made is `unverified`, never clean.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

from claimcheck.model.audit_options import SourceUsed
from claimcheck.model.events import SourceEntries
from claimcheck.model.record import Lookup


class RecordSource(Protocol):
    def lookup_all(self, dois: Iterable[str]) -> dict[str, Lookup]:
        """Every DOI's lookup, in one call; failed ones as `LookupStatus.FAILED`."""
        ...


class EventSource(Protocol):
    def used(self) -> SourceUsed:
        """How the report names this source (its file hash, or its base URL)."""
        ...

    def entries(self, dois: Collection[str]) -> dict[str, SourceEntries]:
        """The update entries listed for each DOI that has any."""
        ...

    def close(self) -> None: ...


def joined_entries(
    sources: Sequence[EventSource], dois: Collection[str]
) -> dict[str, SourceEntries]:
    """Every event source's entries for `dois`, joined per DOI in the order given."""
    joined: dict[str, SourceEntries] = {}
    for source in sources:
        for doi, found in source.entries(dois).items():
            had = joined.get(doi, SourceEntries())
            joined[doi] = SourceEntries(
                had.updated_by + found.updated_by, had.update_to + found.update_to
            )
    return joined
