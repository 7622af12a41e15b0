"""The DataCite client: DOIs in, DataCiteLookups out. Every failure is a FAILED lookup.

Route: `GET /dois/{doi}`, the DOI percent-encoded as one path segment (REST API guide:
https://support.datacite.org/docs/api; reference:
https://support.datacite.org/reference/introduction). A DOI unknown to DataCite answers 404
with the JSON:API error document `{"errors":[{"status":"404","title":"The resource you are
looking for doesn't exist."}]}` (datacite/lupo, `app/controllers/application_controller.rb`).

A 404 is read as "not found" only when it is that error document: a mistyped base URL whose
server answers 404 to everything must never make DOIs "not found". And even DataCite's own
404 does not prove that a DOI does not exist: a DOI moved to the "registered" state, which is
what DataCite advises for retracted content, is hidden from the public API
(https://support.datacite.org/docs/doi-states). Such a lookup says so in its `note`.

Rate limits (https://support.datacite.org/docs/rate-limit), per IP address over a 5-minute
window: 3000 requests with DataCite credentials, 1000 "identified" (an email address in the
User-Agent, or a `mailto=` parameter), 500 otherwise; past them the API answers 429. The
answers recorded in 2026 carry no rate-limit headers, so the pace is set here from those
numbers, evenly spaced, and nothing a server sends can raise it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.doi import doi_path_segment
from claimcheck.model.errors import LookupFailed
from claimcheck.model.record import LookupStatus
from claimcheck.sources.datacite.records import MalformedRecord, parse_datacite
from claimcheck.transport.fetch import Fetcher, HttpFetcher, RawResponse
from claimcheck.transport.limiter import SINGLE, Limiter, PoolLimits, WaitTooLong

DEFAULT_DATACITE_URL = "https://api.datacite.org"

RATE_WINDOW = 300.0  # seconds: DataCite counts requests over 5 minutes
IDENTIFIED_REQUESTS = 1000  # per window, with an email address in the User-Agent
UNIDENTIFIED_REQUESTS = 500  # per window, without
# DataCite documents no concurrency limit; one request at a time (two when identified) keeps
# well inside the window at these paces. Lists are never asked, so list_rate is unused.
IDENTIFIED = PoolLimits(
    rate=IDENTIFIED_REQUESTS / RATE_WINDOW,
    list_rate=IDENTIFIED_REQUESTS / RATE_WINDOW,
    concurrency=2,
)
UNIDENTIFIED = PoolLimits(
    rate=UNIDENTIFIED_REQUESTS / RATE_WINDOW,
    list_rate=UNIDENTIFIED_REQUESTS / RATE_WINDOW,
    concurrency=1,
)

# Answers read from an evidence snapshot, or none at all (offline), go to no server: no pace.
LOCAL = PoolLimits(rate=1e6, list_rate=1e6, concurrency=1)

# Never "does not exist": a DOI whose agency Crossref names as DataCite is registered, so a
# 404 for it here means its metadata is hidden.
NOT_FOUND_NOTE = (
    "DataCite's public API has no record of this DOI, which does not show that it does not "
    "exist: DOIs in the 'registered' state, which DataCite advises for retracted content, "
    "are hidden from the public API"
)


def dois_path(doi: str) -> str:
    return f"/dois/{doi_path_segment(doi)}"


class DataCiteClient:
    """Looks DOIs up at DataCite through a Fetcher, paced by a Limiter.

    Without a `fetcher`, an HttpFetcher for `base_url` is made whose every attempt (retries
    included) keeps to the limits; with one, `base_url` names the server it must be pointed
    at, and its retries are its own. `mailto` is the contact the fetcher sends in its
    User-Agent: it puts requests in DataCite's "identified" tier. Without it the client keeps
    to the unidentified tier, whatever the fetcher sends. A `limiter` replaces the tier's.
    `wrap` is applied to the fetcher built on first use: --record saves its answers.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_DATACITE_URL,
        fetcher: Fetcher | None = None,
        *,
        mailto: str | None = None,
        limiter: Limiter | None = None,
        timeout: float = 20.0,
        retries: int = 4,
        deadline_at: float | None = None,
        wrap: Callable[[Fetcher], Fetcher] | None = None,
    ) -> None:
        """`deadline_at`: when the run's lookups must end (--deadline), as a point on
        `time.monotonic()`; the fetcher built on first use keeps to what is left of it."""
        self.base_url = base_url.rstrip("/")
        pool = IDENTIFIED if mailto else UNIDENTIFIED
        self.limiter = limiter or Limiter(pool)
        served = getattr(fetcher, "base_url", None)
        if isinstance(served, str) and served.rstrip("/") != self.base_url:
            raise ValueError(f"the fetcher asks {served!r}, not {self.base_url!r}")
        self._fetcher = fetcher
        # How to build one when first needed.
        self._own_fetcher = (mailto, timeout, pool, retries, deadline_at)
        self._wrap = wrap
        self._lookups: dict[str, DataCiteLookup] = {}
        self._lock = threading.Lock()

    @property
    def fetcher(self) -> Fetcher:
        """The fetcher given, or one built on first use: most audits cite no DataCite DOI,
        and an HTTPS client costs its CA certificates before the first Crossref request."""
        with self._lock:
            if self._fetcher is None:
                mailto, timeout, pool, retries, deadline_at = self._own_fetcher
                # Built when the first DataCite DOI comes up, late in the run: it gets what
                # is left of the run's deadline, so DataCite's lookups end with Crossref's.
                left = None if deadline_at is None else max(0.0, deadline_at - time.monotonic())
                fetcher: Fetcher = HttpFetcher(
                    self.base_url,
                    mailto=mailto,
                    timeout=timeout,
                    retries=retries,
                    deadline=left,
                    max_rps=pool.rate,
                    concurrency=pool.concurrency,
                )
                self._fetcher = self._wrap(fetcher) if self._wrap else fetcher
            return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    def __enter__(self) -> DataCiteClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def lookup(self, doi: str) -> DataCiteLookup:
        return self.lookup_all([doi])[_key(doi)]

    def lookup_all(self, dois: Iterable[str]) -> dict[str, DataCiteLookup]:
        """Look each DOI up once, whatever case it was written in; results in input order,
        keyed by the lower-cased DOI."""
        wanted = list(dict.fromkeys(_key(d) for d in dois))
        todo = [d for d in wanted if d not in self._lookups]
        workers = min(self.limiter.concurrency, len(todo))
        if workers <= 1:
            for doi in todo:
                self._remember(self._lookup(doi))
        else:
            self._in_parallel(todo, workers)
        return {d: self._lookups[d] for d in wanted}

    def _in_parallel(self, dois: list[str], workers: int) -> None:
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            for lookup in pool.map(self._lookup, dois):
                self._remember(lookup)
        except BaseException:
            # Ctrl-C (or a bug): never wait for requests in flight.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def _remember(self, lookup: DataCiteLookup) -> None:
        with self._lock:
            self._lookups[lookup.doi] = lookup

    def _lookup(self, doi: str) -> DataCiteLookup:
        try:
            with self.limiter.slot(SINGLE):
                response = self.fetcher.fetch(dois_path(doi), subject=doi)
        except WaitTooLong as exc:
            return _failed(doi, f"not attempted: {exc}")
        except LookupFailed as exc:
            return _failed(doi, exc.cause)
        if response.status == 404:
            return self._not_found(doi, response)
        if response.status != 200:
            return _failed(doi, f"DataCite answered HTTP {response.status}")
        try:
            record = parse_datacite(response.body, doi, document=response.document)
        except MalformedRecord as exc:
            return _failed(doi, str(exc))
        return DataCiteLookup(doi, LookupStatus.FOUND, record=record)

    def _not_found(self, doi: str, response: RawResponse) -> DataCiteLookup:
        if not _is_datacite_404(response.body):
            why = f"{self.base_url} answered 404, but not with DataCite's error document"
            return _failed(doi, why)
        return DataCiteLookup(doi, LookupStatus.NOT_FOUND, note=NOT_FOUND_NOTE)


class NotAsked:
    """The fetcher of a run that may not ask DataCite (--offline): every lookup fails, saying
    why, so that a DataCite DOI is `unverified`, never passed without its record read."""

    def __init__(self, why: str) -> None:
        self.why = why

    def close(self) -> None:
        return None

    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        del request, kind
        raise LookupFailed(subject, self.why)


def _key(doi: str) -> str:
    return doi.strip().lower()


def _failed(doi: str, why: str) -> DataCiteLookup:
    return DataCiteLookup(doi, LookupStatus.FAILED, error=why)


def _is_datacite_404(body: bytes) -> bool:
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
