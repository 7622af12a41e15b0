"""What one DataCite `/dois/{doi}` answer means, whether the network or the cache gave it.

A DOI unknown to DataCite answers 404 with the JSON:API error document `{"errors":[{"status":
"404","title":"The resource you are looking for doesn't exist."}]}` (datacite/lupo,
`app/controllers/application_controller.rb`). A 404 is read as "not found" only when it is
that error document: a mistyped base URL whose server answers 404 to everything must never
make DOIs "not found". And even DataCite's own 404 does not prove that a DOI does not exist:
a DOI moved to the "registered" state, which is what DataCite advises for retracted content,
is hidden from the public API (https://support.datacite.org/docs/doi-states). Such a lookup
says so in its `note`.

Only the answers read here as FOUND or NOT_FOUND are definite: they alone are cached.
"""

from __future__ import annotations

import json
from typing import Any

from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.doi import doi_path_segment
from claimcheck.model.record import LookupStatus
from claimcheck.sources.datacite.records import MalformedRecord, parse_datacite
from claimcheck.transport.fetch import RawResponse

# Never "does not exist": a DOI whose agency Crossref names as DataCite is registered, so a
# 404 for it here means its metadata is hidden.
NOT_FOUND_NOTE = (
    "DataCite's public API has no record of this DOI, which does not show that it does not "
    "exist: DOIs in the 'registered' state, which DataCite advises for retracted content, "
    "are hidden from the public API"
)


def dois_path(doi: str) -> str:
    return f"/dois/{doi_path_segment(doi)}"


def doi_key(doi: str) -> str:
    return doi.strip().lower()


def failed(doi: str, why: str) -> DataCiteLookup:
    return DataCiteLookup(doi, LookupStatus.FAILED, error=why)


def read_answer(doi: str, response: RawResponse, base_url: str) -> DataCiteLookup:
    """The lookup one answer for `doi` gives: FOUND, NOT_FOUND, or FAILED saying why.
    `base_url` names the server in a failure."""
    if response.status == 404:
        if not is_datacite_404(response.body):
            why = f"{base_url} answered 404, but not with DataCite's error document"
            return failed(doi, why)
        return DataCiteLookup(doi, LookupStatus.NOT_FOUND, note=NOT_FOUND_NOTE)
    if response.status != 200:
        return failed(doi, f"DataCite answered HTTP {response.status}")
    try:
        record = parse_datacite(response.body, doi, document=response.document)
    except MalformedRecord as exc:
        return failed(doi, str(exc))
    return DataCiteLookup(doi, LookupStatus.FOUND, record=record)


def is_datacite_404(body: bytes) -> bool:
    """Whether a 404's body is a JSON:API error document with status "404", as DataCite's is
    (its title is not compared, so a rewording never turns every answer into a failure)."""
    try:
        document: Any = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or unreadably deep
        return False
    errors = document.get("errors") if isinstance(document, dict) else None
    if not isinstance(errors, list):
        return False
    return any(isinstance(error, dict) and str(error.get("status")) == "404" for error in errors)
