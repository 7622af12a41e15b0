"""DataCite's answers in the cache (cache/store.py): the file and table Crossref's answers are
kept in, under `source_key("datacite", base URL)` and kind "work", so that an answer from one
DataCite URL never stands in for another's.

Only definite answers are stored (answers.py), with the body exactly as DataCite sent it: a
200 whose record reads, and DataCite's own JSON:API 404. Never a failure, a 404 of another
shape (a server that is not DataCite), or a record that cannot be read.

A cached answer serves only for the status TTL, never the metadata TTL. DataCite's answer is
all that judges such a DOI (a title marker, a "Withdrawn" date), and any day the DOI can be
moved to the "registered" state, which hides it from the public API: what DataCite advises
for retracted content (https://support.datacite.org/docs/doi-states,
https://support.datacite.org/docs/what-should-i-do-if-the-resource-that-a-doi-points-to-is-retracted).
So it is trusted exactly as long as Crossref's update status is (crossref/answers.py).

With --record, each cached answer used is saved as the network's would be, byte for byte, so
that --replay of the snapshot gives the verdict the recording run gave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from claimcheck.cache.entries import age_text, source_key
from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.record import LookupStatus
from claimcheck.sources.datacite.answers import dois_path, read_answer
from claimcheck.transport.fetch import RawResponse

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache

WORK = "work"  # the cache's kind of a `/dois/{doi}` answer
REGISTRY = "datacite"  # the cache source's registry (cache/entries.py, source_key)
# The Content-Type DataCite sends with both answers (tests/data/datacite/recorded/*.meta.json),
# given to a cached answer saved as evidence: the cache keeps the body, not the headers.
CONTENT_TYPE = "application/json; charset=utf-8"
DEFINITE = (LookupStatus.FOUND, LookupStatus.NOT_FOUND)


class CachedRecords:
    """DataCite's answers in the cache for one base URL (already redacted: it names the
    server in the cache key and in messages, never its credentials)."""

    def __init__(
        self,
        cache: Cache,
        base_url: str,
        *,
        read: bool = True,
        recorder: Callable[[RawResponse], None] | None = None,
    ) -> None:
        self.cache = cache
        self.base_url = base_url
        self.source = source_key(REGISTRY, base_url)
        self._read = read  # False with --fresh: answers are stored, never read
        self._recorder = recorder  # --record: an answer the cache gives is saved too
        self._stale: dict[str, float] = {}  # the age of each cached answer past the status TTL

    def read(self, dois: Iterable[str]) -> list[DataCiteLookup]:
        """The cached answers of `dois` (lower-cased) that may serve: within the status TTL
        and readable. An unreadable row is a miss, never an answer."""
        wanted = list(dois)
        if not self._read or not wanted:
            return []
        now = self.cache.clock()
        found = []
        for doi, entry in self.cache.get_many(self.source, WORK, wanted).items():
            if not entry.fresh_for_status(now, self.cache.status_ttl):
                self._stale[doi] = entry.age(now)
                continue
            when = datetime.fromtimestamp(entry.fetched_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            answer = RawResponse(dois_path(doi), entry.status, CONTENT_TYPE, entry.body, when)
            lookup = read_answer(doi, answer, self.base_url)
            if lookup.status not in DEFINITE:
                continue
            found.append(replace(lookup, cache_age=entry.age(now), cache_source=self.base_url))
            if self._recorder is not None:
                self._recorder(answer)
        return found

    def store(self, lookup: DataCiteLookup, answer: RawResponse) -> None:
        """Keep `answer`, as sent, if it was a definite one (`lookup` is what it gave)."""
        if lookup.status in DEFINITE:
            self.cache.put(self.source, WORK, lookup.doi, answer.status, answer.body)

    def why_missing(self, doi: str) -> str:
        """Why an offline run has no answer for `doi` (it is then `unverified`)."""
        if self.cache.problem is not None:
            return f"offline, and the cache cannot be used: {self.cache.problem}"
        age = self._stale.get(doi)
        if age is not None:
            # Named as too old, not as missing: the user has a cache, only not a fresh one.
            ttl_hours = self.cache.status_ttl.total_seconds() / 3600
            return (
                f"offline, and DataCite's answer for this DOI in the cache for {self.base_url} "
                f"is {age_text(age)} old, older than the status TTL ({ttl_hours:g} h, "
                "CLAIMCHECK_STATUS_TTL_HOURS) within which it is trusted: the DOI may have been "
                "hidden from DataCite's public API since, as DataCite advises for retracted "
                "content"
            )
        return (
            f"offline, and DataCite's answer for this DOI is not in the cache for {self.base_url}"
        )
