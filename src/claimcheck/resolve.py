"""`claimcheck resolve DOI`: one registry record, its editorial status and its update events."""

from __future__ import annotations

from collections.abc import Sequence

from claimcheck.checks.editorial import editorial_status, with_entries
from claimcheck.checks.update_links import linked_dois
from claimcheck.model.record import LookupStatus, Work
from claimcheck.model.resolution import Resolution
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.sources.interface import EventSource, joined_entries


def resolve_doi(
    client: CrossrefClient, doi: str, *, events: Sequence[EventSource] = ()
) -> Resolution:
    """Look `doi` (already normalised) up, with the records its update entries name.

    The entries `events` list for it (the Retraction Watch CSV) join the registry's in one
    editorial status, as in an audit: a retraction only the CSV lists is still reported, even
    when Crossref could not be read or does not know the DOI."""
    lookup = client.lookup(doi)
    extra = joined_entries(events, {doi}).get(doi)
    if lookup.work is not None and lookup.status is LookupStatus.FOUND:
        work = with_entries(lookup.work, extra)
    elif extra is not None:
        work = Work(doi=doi, updated_by=extra.updated_by, update_to=extra.update_to)
    else:
        return Resolution(lookup)
    related = client.lookup_all(linked_dois(work), status_matters=False)
    return Resolution(lookup, editorial_status(work, related), related)
