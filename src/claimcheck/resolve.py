"""`claimcheck resolve DOI`: one registry record, its editorial status and its update events.

Its verdict is the one an audit gives the same DOI (checks/pipeline.py): a DOI Crossref names
as DataCite's is read at DataCite (online, or from an evidence snapshot), and judged from
DataCite's record as an audit judges it (checks/datacite.py); not read, it is unverified."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from claimcheck.checks.datacite import datacite_status, is_datacites, not_read
from claimcheck.checks.editorial import editorial_status, with_entries
from claimcheck.checks.update_links import linked_dois
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.model.resolution import Resolution
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.sources.interface import EventSource, joined_entries

if TYPE_CHECKING:
    from claimcheck.model.events import SourceEntries
    from claimcheck.sources.datacite.client import DataCiteClient


def resolve_doi(
    client: CrossrefClient,
    doi: str,
    *,
    events: Sequence[EventSource] = (),
    datacite: DataCiteClient | None = None,
) -> Resolution:
    """Look `doi` (already normalised) up, with the records its update entries name.

    The entries `events` list for it (the Retraction Watch CSV) join the registry's in one
    editorial status, as in an audit: a retraction only the CSV lists is still reported, even
    when Crossref could not be read or does not know the DOI."""
    lookup = client.lookup(doi)
    extra = joined_entries(events, {doi}).get(doi)
    at_datacite = None
    if is_datacites(lookup):
        # As in an audit, fail closed: with no DataCite client its record was not read.
        at_datacite = datacite.lookup(doi) if datacite is not None else not_read(doi)
        # DataCite's record stands as its work, as in an audit: its fields are shown.
        lookup = replace(lookup, work=at_datacite.work)
        if at_datacite.work is not None:
            related = _related(client, with_entries(at_datacite.work, extra))
            status = datacite_status(at_datacite, extra, related)
            if status is not None:
                return Resolution(lookup, status, related, at_datacite)
    if lookup.work is not None and lookup.status is LookupStatus.FOUND:
        work = with_entries(lookup.work, extra)
    elif extra is not None:
        work = _listed_only(doi, extra)
    else:
        return Resolution(lookup, datacite=at_datacite)
    related = _related(client, work)
    return Resolution(lookup, editorial_status(work, related), related, at_datacite)


def _listed_only(doi: str, extra: SourceEntries) -> Work:
    # No registry record to read, but another source lists updates of this DOI.
    return Work(doi=doi, updated_by=extra.updated_by, update_to=extra.update_to)


def _related(client: CrossrefClient, work: Work) -> dict[str, Lookup]:
    return client.lookup_all(linked_dois(work), status_matters=False)
