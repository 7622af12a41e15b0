"""What Crossref's answers mean once received: the routes they come from, an agency answer
read as a Lookup, and answers read back from the cache.

A cached answer is a Lookup as good as the network's, with its age and the base URL that gave
it; an unreadable cache row is a miss, never an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from claimcheck.model.doi import doi_path_segment
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.sources.crossref.batching import envelope, list_items
from claimcheck.sources.crossref.records import (
    MalformedRecord,
    decode_envelope,
    parse_agency,
    parse_work,
)
from claimcheck.transport.fetch import RawResponse

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache, CacheEntry

WORK, AGENCY = "work", "agency"  # the cache's kinds of answer
CACHE_CHUNK = 500


def works_path(doi: str) -> str:
    return f"/works/{doi_path_segment(doi)}"


def singles_in_list(request: str, body: bytes) -> Iterator[tuple[str, bytes]]:
    """A recorded list answer (`/works?filter=doi:…`) answers `/works/{doi}` for each work in
    it too, so a snapshot recorded in batches replays single lookups (for example a rerun
    whose batches fall differently)."""
    if not request.startswith("/works?"):
        return
    try:
        items = list_items(body)
    except MalformedRecord:
        return
    for doi, item in items.items():
        yield works_path(doi), envelope(item)


def agency_path(doi: str) -> str:
    return f"/works/{doi_path_segment(doi)}/agency"


def agency_of(response: RawResponse) -> str | None:
    """The agency an `/agency` answer names; None for a 404, MalformedRecord otherwise."""
    if response.status == 404:
        return None
    if response.status != 200:
        raise MalformedRecord(f"agency lookup answered HTTP {response.status}")
    return parse_agency(decode_envelope(response.body, "work-agency", response.document))


def agency_lookup(doi: str, agency: str | None) -> Lookup:
    """A DOI that is not a Crossref work: missing, or another agency's."""
    if agency is None or agency == "crossref":
        return Lookup(doi, LookupStatus.NOT_FOUND, agency=agency)
    return Lookup(doi, LookupStatus.OTHER_AGENCY, agency=agency)


class CachedAnswers:
    """Lookups answered from the cache rows of one registry and base URL."""

    def __init__(
        self,
        cache: Cache,
        source: str,
        base_url: str,
        clock: Callable[[], float],
        recorder: Callable[[RawResponse], None] | None = None,
    ) -> None:
        self.cache, self.source, self.base_url = cache, source, base_url
        self._clock = clock
        # With --record, an answer the cache gives is saved too, as the network's would be.
        self._recorder = recorder

    def read(self, dois: list[str], status_matters: bool) -> list[Lookup]:
        # In chunks, so a warm audit of 10,000 DOIs never holds every cached body at once.
        found: list[Lookup] = []
        for start in range(0, len(dois), CACHE_CHUNK):
            found.extend(self._chunk(dois[start : start + CACHE_CHUNK], status_matters))
        return found

    def _chunk(self, dois: list[str], status_matters: bool) -> list[Lookup]:
        now = self._clock()
        recording = self._recorder is not None  # --record keeps the answers as sent
        works = self.cache.get_many(self.source, WORK, dois, raw=recording)
        missing = [d for d, e in works.items() if e.status == 404]
        agencies = self.cache.get_many(self.source, AGENCY, missing, raw=recording)
        found = []
        for doi, entry in works.items():
            # A notice can appear any day, so a cited work's update status is taken from the
            # cache only for the status TTL; a work read only to be named, for longer.
            if status_matters and not entry.fresh_for_status(now, self.cache.status_ttl):
                continue
            lookup = _lookup(doi, entry.status, entry.body, agencies.get(doi))
            if lookup is not None:
                cached = replace(lookup, cache_age=entry.age(now), cache_source=self.base_url)
                found.append(cached)
                self._record(entry, agencies.get(doi))
        return found

    def _record(self, work: CacheEntry, agency: CacheEntry | None) -> None:
        if self._recorder is None:
            return
        when = datetime.fromtimestamp(work.fetched_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for request, entry in ((works_path(work.doi), work), (agency_path(work.doi), agency)):
            if entry is not None:
                kind = "application/json" if entry.status == 200 else "text/plain"
                sent = entry.raw if entry.raw is not None else entry.body
                self._recorder(RawResponse(request, entry.status, kind, sent, when))


def _lookup(doi: str, status: int, body: bytes, agency_entry: CacheEntry | None) -> Lookup | None:
    try:
        if status == 200:
            work = parse_work(decode_envelope(body, "work"))
            return Lookup(doi, LookupStatus.FOUND, work=work) if work.doi == doi else None
        if agency_entry is None:
            return None
        raw = RawResponse("", agency_entry.status, "", agency_entry.body, "")
        return agency_lookup(doi, agency_of(raw))
    except MalformedRecord:
        return None  # an unreadable cache row is a miss, never an answer
