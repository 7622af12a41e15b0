"""The DataCite client: DOIs in, DataCiteLookups out. Every failure is a FAILED lookup.

Route: `GET /dois/{doi}`, the DOI percent-encoded as one path segment (REST API guide:
https://support.datacite.org/docs/api; reference:
https://support.datacite.org/reference/introduction). What an answer means, a 404 above all,
is read in answers.py, for the network's answers and the cache's alike.

With a cache, a definite answer is stored and later served for the status TTL (cached.py);
offline, the cache alone answers, and a DOI it cannot answer is a FAILED lookup saying why.

Rate limits (https://support.datacite.org/docs/rate-limit), per IP address over a 5-minute
window: 3000 requests with DataCite credentials, 1000 "identified" (an email address in the
User-Agent, or a `mailto=` parameter), 500 otherwise; past them the API answers 429. The
answers recorded in 2026 carry no rate-limit headers, so the pace is set here from those
numbers, evenly spaced, and nothing a server sends can raise it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.errors import LookupFailed
from claimcheck.sources.datacite.answers import doi_key, dois_path, failed, read_answer
from claimcheck.sources.datacite.cached import CachedRecords
from claimcheck.transport.fetch import Fetcher, HttpFetcher, RawResponse
from claimcheck.transport.limiter import SINGLE, Limiter, PoolLimits, WaitTooLong
from claimcheck.transport.urls import redact_url

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache

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

# Answers read from an evidence snapshot, or only from the cache (offline), go to no server:
# no pace.
LOCAL = PoolLimits(rate=1e6, list_rate=1e6, concurrency=1)


class DataCiteClient:
    """Looks DOIs up at DataCite through a Fetcher, paced by a Limiter.

    Without a `fetcher`, an HttpFetcher for `base_url` is made whose every attempt (retries
    included) keeps to the limits; with one, `base_url` names the server it must be pointed
    at, and its retries are its own. `mailto` is the contact the fetcher sends in its
    User-Agent: it puts requests in DataCite's "identified" tier. Without it the client keeps
    to the unidentified tier, whatever the fetcher sends. A `limiter` replaces the tier's.
    `wrap` is applied to the fetcher built on first use: --record saves its answers.

    With a `cache`, each definite answer is stored, and read back (unless `read_cache` is
    false: --fresh) while it is within the cache's status TTL. `recorder` saves the answers
    the cache gives (--record), as `wrap`'s fetcher saves the network's. `offline`: only the
    cache answers, and the fetcher is never used.
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
        cache: Cache | None = None,
        read_cache: bool = True,
        offline: bool = False,
        recorder: Callable[[RawResponse], None] | None = None,
    ) -> None:
        """`deadline_at`: when the run's lookups must end (--deadline), as a point on
        `time.monotonic()`; the fetcher built on first use keeps to what is left of it."""
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.offline = offline
        # The cache and messages name the server without its credentials, as Crossref's do.
        self._shown = redact_url(self.base_url)
        self._cached = (
            CachedRecords(cache, self._shown, read=read_cache, recorder=recorder)
            if cache is not None
            else None
        )
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
        if self.cache is not None:
            self.cache.close()  # reopened if used again: sharing Crossref's is safe

    def __enter__(self) -> DataCiteClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def lookup(self, doi: str) -> DataCiteLookup:
        return self.lookup_all([doi])[doi_key(doi)]

    def lookup_all(self, dois: Iterable[str]) -> dict[str, DataCiteLookup]:
        """Look each DOI up once, whatever case it was written in; results in input order,
        keyed by the lower-cased DOI."""
        wanted = list(dict.fromkeys(doi_key(d) for d in dois))
        todo = [d for d in wanted if d not in self._lookups]
        if self._cached is not None:
            for lookup in self._cached.read(todo):
                self._remember(lookup)
            todo = [d for d in todo if d not in self._lookups]
        if self.offline:
            for doi in todo:
                self._remember(failed(doi, self._why_missing(doi)))
            todo = []
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

    def _why_missing(self, doi: str) -> str:
        if self._cached is None:
            return "offline, and no cache was given to answer from"
        return self._cached.why_missing(doi)

    def _lookup(self, doi: str) -> DataCiteLookup:
        try:
            with self.limiter.slot(SINGLE):
                response = self.fetcher.fetch(dois_path(doi), subject=doi)
        except WaitTooLong as exc:
            return failed(doi, f"not attempted: {exc}")
        except LookupFailed as exc:
            return failed(doi, exc.cause)
        lookup = read_answer(doi, response, self._shown)
        if self._cached is not None:
            self._cached.store(lookup, response)
        return lookup
