"""The DataCite client over real loopback HTTP: lookups, failed lookups, and rate limits.

Rate limits are checked on a virtual clock (DataCite's numbers, no waiting) and against the
replay server's enforced limits, never by timing the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import Any

import pytest

from claimcheck.model.record import LookupStatus
from claimcheck.sources.datacite.client import (
    DEFAULT_DATACITE_URL,
    IDENTIFIED,
    RATE_WINDOW,
    UNIDENTIFIED,
    DataCiteClient,
    dois_path,
)
from claimcheck.testing import DataCiteReplayServer, Fault, Limits
from claimcheck.transport.fetch import Fetcher, HttpFetcher, RawResponse
from claimcheck.transport.limiter import SINGLE, Limiter, PoolLimits
from tests.factories import SkippedWaits
from tests.test_datacite import (
    ARXIV,
    FIGSHARE,
    MAILTO,
    MISSING,
    RECONSTRUCTED,
    RECORDED,
    SUPERSEDED,
    ZENODO,
    body_of,
)

# --- the client against a loopback server --------------------------------------------------------


class VirtualClock:
    """A clock that only moves when a limiter sleeps on it: pacing without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(seconds, 0.0)


class Watched:
    """A fetcher that notes when each request went (on `clock`) and how many were in flight."""

    def __init__(self, inner: Fetcher, clock: Callable[[], float]) -> None:
        self.inner, self.clock = inner, clock
        self.times: list[float] = []
        self.peak = self._in_flight = 0
        self._lock = threading.Lock()

    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        with self._lock:
            self.times.append(self.clock())
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)
        try:
            return self.inner.fetch(request, subject=subject, kind=kind)
        finally:
            with self._lock:
                self._in_flight -= 1

    def close(self) -> None:
        self.inner.close()


OPEN: list[DataCiteClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


@pytest.fixture
def datacite() -> Iterator[DataCiteReplayServer]:
    server = DataCiteReplayServer(RECORDED, RECONSTRUCTED)
    with server:
        yield server
    assert not server.errors, f"replay server raised: {server.errors!r}"


def fetcher_for(url: str, *, timeout: float = 5.0, retries: int = 2) -> HttpFetcher:
    # Retries go at once: the tests check what is retried, not how long it waits. The
    # fetcher's own limiter (Crossref's polite pace) is not the subject either: its waits are
    # skipped too, on a clock they move on. The DataCite client's limiter paces.
    waits = SkippedWaits()
    return HttpFetcher(
        url, mailto=MAILTO, timeout=timeout, retries=retries, sleep=waits.sleep, clock=waits.clock
    )


def client_for(
    server: DataCiteReplayServer,
    *,
    base: str | None = None,
    limiter: Limiter | None = None,
    **fetch: Any,
) -> DataCiteClient:
    url = base or server.url
    clock = VirtualClock()  # DataCite's real limits, without the wait
    limiter = limiter or Limiter(IDENTIFIED, clock=clock, sleep=clock.sleep)
    OPEN.append(DataCiteClient(url, fetcher_for(url, **fetch), mailto=MAILTO, limiter=limiter))
    return OPEN[-1]


def test_found_records_come_back_parsed_each_asked_once(datacite: DataCiteReplayServer) -> None:
    client = client_for(datacite)
    lookups = client.lookup_all([FIGSHARE, ZENODO, ARXIV, ZENODO.upper(), f" {ARXIV} "])
    assert list(lookups) == [FIGSHARE, ZENODO, ARXIV]  # input order, lower-cased
    assert {lookup.status for lookup in lookups.values()} == {LookupStatus.FOUND}
    work = lookups[ZENODO].work
    assert work is not None
    assert (work.publisher, lookups[ZENODO].error) == ("Zenodo", None)
    assert client.lookup(FIGSHARE.upper()) is lookups[FIGSHARE]  # from memory
    assert len(datacite.requests) == 3


def test_the_doi_is_one_percent_encoded_path_segment(datacite: DataCiteReplayServer) -> None:
    sici = "10.1002/(SICI)1097-4636(199706)35:4<419::AID-JBM1>3.0.CO;2-K"
    client = client_for(datacite)
    client.lookup_all([ZENODO, sici])
    # The two go in parallel (two at once when identified): in either order.
    by_doi = {request.doi: request for request in datacite.requests}
    assert len(datacite.requests) == len(by_doi) == 2
    assert by_doi[ZENODO].raw_line == "GET /dois/10.5281%2Fzenodo.48440 HTTP/1.1"
    line = by_doi[sici.lower()].raw_line
    assert line.startswith(f"GET {dois_path(sici.lower())} ")
    assert "%3C419%3A%3Aaid-jbm1%3E3.0.co%3B2-k" in line
    assert all("mailto:editor@example.org" in r.headers["user-agent"] for r in by_doi.values())


def test_a_datacite_404_is_not_found_and_says_what_that_does_not_prove(
    datacite: DataCiteReplayServer,
) -> None:
    lookup = client_for(datacite).lookup(MISSING)
    assert lookup.status is LookupStatus.NOT_FOUND
    assert lookup.work is None
    assert "'registered' state" in (lookup.note or "")
    assert "retracted" in (lookup.note or "")


def test_a_404_that_is_not_datacites_is_a_failed_lookup(datacite: DataCiteReplayServer) -> None:
    # A mistyped base URL: the server answers a plain-text 404 to every path.
    lookup = client_for(datacite, base=datacite.url + "/typo").lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert "/typo answered 404, but not with DataCite's error document" in (lookup.error or "")


def test_a_500_then_an_answer_is_retried_to_found(datacite: DataCiteReplayServer) -> None:
    datacite.add_fault(Fault.http(500, match=ARXIV, times=1))
    lookup = client_for(datacite).lookup(ARXIV)
    assert lookup.status is LookupStatus.FOUND
    assert len(datacite.requests_for(ARXIV)) == 2


def test_a_timeout_is_a_failed_lookup_never_a_clean_one(datacite: DataCiteReplayServer) -> None:
    datacite.add_fault(Fault.slow(5.0, match=ZENODO))
    lookups = client_for(datacite, timeout=0.3, retries=1).lookup_all([ZENODO, FIGSHARE])
    assert lookups[ZENODO].status is LookupStatus.FAILED
    assert lookups[ZENODO].error == "timed out (after 2 attempts)"
    assert lookups[FIGSHARE].status is LookupStatus.FOUND  # one timeout fails only its DOI


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.json(body_of(FIGSHARE), match=ZENODO), f"answered for '{FIGSHARE}'"),
        (Fault.json(b'{"data": {"type": "dois"}}', match=ZENODO), "no `attributes` object"),
        (Fault.html(match=ZENODO), "HTTP 200 with a body that is not JSON (text/html)"),
        (Fault.http(503, match=ZENODO), "HTTP 503 (after 3 attempts)"),  # a lasting error
        (Fault.http(404, match=ZENODO), "not with DataCite's error document"),  # a text 404
    ],
)
def test_a_wrong_answer_is_a_failed_lookup(
    datacite: DataCiteReplayServer, fault: Fault, error: str
) -> None:
    datacite.add_fault(fault)
    lookup = client_for(datacite).lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert error in (lookup.error or "")


def test_a_turn_further_off_than_the_wait_allowed_is_not_attempted(
    datacite: DataCiteReplayServer,
) -> None:
    clock = VirtualClock()
    limiter = Limiter(UNIDENTIFIED, clock=clock, sleep=clock.sleep)
    limiter.throttled(SINGLE, retry_after=600)  # a Retry-After past the 60 s claimcheck waits
    lookup = client_for(datacite, limiter=limiter).lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert (lookup.error or "").startswith("not attempted:")
    assert datacite.requests == []


# --- rate limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("pool", "per_window"), [(UNIDENTIFIED, 500), (IDENTIFIED, 1000)])
def test_requests_are_spaced_to_datacites_published_limits(
    datacite: DataCiteReplayServer, pool: PoolLimits, per_window: int
) -> None:
    clock = VirtualClock()
    # One at a time, so each request's start is the moment its turn came.
    limiter = Limiter(pool, max_concurrency=1, clock=clock, sleep=clock.sleep)
    watched = Watched(fetcher_for(datacite.url), clock)
    OPEN.append(DataCiteClient(datacite.url, watched, limiter=limiter))
    dois = [ZENODO, ARXIV, FIGSHARE, SUPERSEDED] + [f"{MISSING}-{i}" for i in range(8)]
    OPEN[-1].lookup_all(dois)
    gaps = [later - earlier for earlier, later in pairwise(watched.times)]
    assert len(watched.times) == len(dois)
    # Evenly spaced at the 5-minute limit, so no 300 s window ever holds more than it.
    assert min(gaps) >= RATE_WINDOW / per_window


def test_the_client_keeps_to_limits_the_server_enforces() -> None:
    # An unpaced client would burst past the server's 10-token bucket and be refused.
    limits = Limits(polite_rate=10, polite_concurrency=3)
    pool = PoolLimits(rate=10, list_rate=10, concurrency=2)
    dois = [ZENODO, ARXIV, FIGSHARE, SUPERSEDED] + [f"{MISSING}-{i}" for i in range(10)]
    server = DataCiteReplayServer(
        RECORDED, RECONSTRUCTED, enforce_limits=True, limits=limits, latency=0.05
    )
    with server:
        watched = Watched(fetcher_for(server.url), time.monotonic)
        client = DataCiteClient(server.url, watched, mailto=MAILTO, limiter=Limiter(pool))
        OPEN.append(client)
        lookups = client.lookup_all(dois)
    assert not server.errors
    assert server.throttled == 0
    # The server counts a request until its handler returns, a moment after the client has
    # read the answer: its concurrency limit is one above the client's, which is checked here.
    assert watched.peak <= pool.concurrency
    assert LookupStatus.FAILED not in {lookup.status for lookup in lookups.values()}


@pytest.mark.parametrize(("mailto", "per_window", "at_once"), [(None, 500, 1), (MAILTO, 1000, 2)])
def test_the_default_client_keeps_every_attempt_to_its_tier(
    mailto: str | None, per_window: int, at_once: int
) -> None:
    client = DataCiteClient(mailto=mailto)  # an email in the User-Agent: "identified"
    OPEN.append(client)
    assert client.base_url == DEFAULT_DATACITE_URL
    assert isinstance(client.fetcher, HttpFetcher)
    assert ("mailto:" in client.fetcher._headers["User-Agent"]) is (mailto is not None)
    for limiter in (client.limiter, client.fetcher.limiter):  # lookups, and retries too
        assert limiter.rate(SINGLE) == per_window / RATE_WINDOW
        assert limiter.concurrency == at_once


def test_a_fetcher_for_another_server_is_refused() -> None:
    fetcher = fetcher_for("http://127.0.0.1:9")
    with pytest.raises(ValueError, match="the fetcher asks"):
        DataCiteClient("http://127.0.0.1:10", fetcher)
    fetcher.close()
