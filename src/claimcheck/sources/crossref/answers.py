"""What Crossref's answers mean once received: the routes they come from, an agency answer
read as a Lookup, and answers read back from the cache.

A cached answer is a Lookup as good as the network's, with its age and the base URL that gave
it; an unreadable cache row is a miss, never an answer.

With --record, each cached answer used is saved as the network's would be, byte for byte. A
cached "not found" is saved with the cached probe that showed the server to be Crossref
(identity.py): without it a replay could not trust the 404s. If the cache holds no probe,
the not-found is not taken from the cache while recording (asked again online; offline, it
could not be checked), so that the recording and its replay give the same verdict.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from claimcheck.model.doi import doi_path_segment
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.sources.crossref.batching import LIST_PREFIX, envelope, list_items
from claimcheck.sources.crossref.identity import PROBE
from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope, parse_agency
from claimcheck.sources.crossref.stored import decode_work
from claimcheck.transport.fetch import RawResponse

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache, CacheEntry

# The cache's kinds of answer; PROBE_KIND's one row per source is keyed by PROBE.
WORK, AGENCY, PROBE_KIND = "work", "agency", "probe"
# The agency id `/works/{doi}/agency` gives for Crossref's own DOIs.
CROSSREF_AGENCY = "crossref"
CACHE_CHUNK = 500


def works_path(doi: str) -> str:
    return f"/works/{doi_path_segment(doi)}"


def singles_in_list(request: str, body: bytes) -> Iterator[tuple[str, bytes]]:
    """A recorded list answer (`/works?filter=doi:…`) answers `/works/{doi}` for each work in
    it too, so a snapshot recorded in batches replays single lookups (for example a rerun
    whose batches fall differently). A search (`/works?query.bibliographic=…`) never does:
    a live run never takes a work's status from one, and its answer may be the cache's,
    older than the run."""
    if not request.startswith(LIST_PREFIX):
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


def agency_lookup(
    doi: str, agency: str | None, cache_age: float | None = None, cache_source: str | None = None
) -> Lookup:
    """A DOI that is not a Crossref work: missing (no agency registers it), or another
    agency's. Never called for an agency of "crossref" (client.py asks `/works` again)."""
    status = LookupStatus.NOT_FOUND if agency is None else LookupStatus.OTHER_AGENCY
    return Lookup(doi, status, agency=agency, cache_age=cache_age, cache_source=cache_source)


class CachedAnswers:
    """Lookups answered from the cache rows of one registry and base URL."""

    def __init__(
        self,
        cache: Cache,
        source: str,
        base_url: str,
        clock: Callable[[], float],
        recorder: Callable[[RawResponse], None] | None = None,
        *,
        offline: bool = False,
    ) -> None:
        self.cache, self.source, self.base_url = cache, source, base_url
        self._clock = clock
        # With --record, an answer the cache gives is saved too, as the network's would be.
        self._recorder = recorder
        self._offline = offline  # a not-found left out cannot be asked again: it fails
        self._probe_lock = threading.Lock()  # lookups read the cache on several threads
        self._probe: CacheEntry | None = None
        self._probe_read = False

    def read(self, dois: list[str], status_matters: bool) -> list[tuple[Lookup, bool]]:
        """Each cached answer, with whether its update status may be taken from it: always
        when `status_matters`, else only while it is fresh for status (client.py reads an
        answer fresh for metadata only again if its status comes to matter)."""
        # In chunks, so a warm audit of 10,000 DOIs never holds every cached body at once.
        found: list[tuple[Lookup, bool]] = []
        for start in range(0, len(dois), CACHE_CHUNK):
            found.extend(self._chunk(dois[start : start + CACHE_CHUNK], status_matters))
        return found

    def _chunk(self, dois: list[str], status_matters: bool) -> list[tuple[Lookup, bool]]:
        now = self._clock()
        recording = self._recorder is not None  # --record keeps the answers as sent
        works = self.cache.get_many(self.source, WORK, dois, raw=recording)
        missing = [d for d, e in works.items() if e.status == 404]
        agencies = self.cache.get_many(self.source, AGENCY, missing, raw=recording)
        found = []
        for doi, entry in works.items():
            # A notice can appear any day, so a cited work's update status is taken from the
            # cache only for the status TTL; a work read only to be named, for longer.
            fresh = entry.fresh_for_status(now, self.cache.status_ttl)
            if status_matters and not fresh:
                continue
            if recording and entry.status == 200 and entry.raw is None:
                # A found work's body is our own form, never what the server sent: without the
                # answer as sent there is nothing to record, so the server is asked again.
                continue
            agency = agencies.get(doi)
            lookup = _lookup(doi, entry, agency, entry.age(now), self.base_url)
            if lookup is None:
                continue
            if recording and lookup.status is LookupStatus.NOT_FOUND and not self._vouched():
                if self._offline:
                    found.append((Lookup(doi, LookupStatus.FAILED, error=self._unvouched()), True))
                continue
            found.append((lookup, fresh))
            self._record(works_path(doi), entry)
            self._record(agency_path(doi), agency)
        return found

    def _vouched(self) -> bool:
        """Whether the cache holds the probe that showed this server to be Crossref, which
        makes its two 404s evidence; recorded once, beside the first not-found recorded."""
        with self._probe_lock:
            if not self._probe_read:
                self._probe_read = True
                self._probe = self.cache.get(self.source, PROBE_KIND, PROBE)
                self._record(PROBE, self._probe)
            return self._probe is not None

    def _unvouched(self) -> str:
        return (
            f"offline, and its cached answer (not found) cannot be recorded as evidence: the "
            f"cache does not hold the answer that showed {self.base_url or 'the server'} to be "
            f"Crossref (GET {PROBE}), so a replay could not trust the 404; record it online"
        )

    def _record(self, request: str, entry: CacheEntry | None) -> None:
        if self._recorder is None or entry is None:
            return
        when = datetime.fromtimestamp(entry.fetched_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        kind = "application/json" if entry.status == 200 else "text/plain"
        # Only an agency answer, a probe or a 404 has no raw: a found work without it was
        # skipped by _chunk, as its body is not what the server sent.
        sent = entry.raw if entry.raw is not None else entry.body
        self._recorder(RawResponse(request, entry.status, kind, sent, when))


def _lookup(
    doi: str, entry: CacheEntry, agency_entry: CacheEntry | None, age: float, source: str
) -> Lookup | None:
    """The Lookup a cache row gives, built once with its age and source (no copy per row)."""
    if entry.status == 200:
        work = decode_work(entry.body)
        if work is None or work.doi != doi:
            return None  # an unreadable cache row is a miss, never an answer
        return Lookup(doi, LookupStatus.FOUND, work, cache_age=age, cache_source=source)
    if agency_entry is None:
        return None
    try:
        agency = agency_of(RawResponse("", agency_entry.status, "", agency_entry.body, ""))
    except MalformedRecord:
        return None
    if agency == CROSSREF_AGENCY:
        # Cached by an older claimcheck as "not found": a DOI registered with Crossref is
        # never that (client.py, _registered_without_record). A miss, so it is asked again.
        return None
    return agency_lookup(doi, agency, age, source)
