"""`claimcheck resolve DOI`: one registry record, its editorial status and its update events."""

from __future__ import annotations

from claimcheck.checks.editorial import editorial_status
from claimcheck.checks.update_links import linked_dois
from claimcheck.model.resolution import Resolution
from claimcheck.sources.crossref.client import CrossrefClient


def resolve_doi(client: CrossrefClient, doi: str) -> Resolution:
    """Look `doi` (already normalised) up, with the records its update entries name."""
    lookup = client.lookup(doi)
    if lookup.work is None:
        return Resolution(lookup)
    related = client.lookup_all(linked_dois(lookup.work), status_matters=False)
    return Resolution(lookup, editorial_status(lookup.work, related), related)
