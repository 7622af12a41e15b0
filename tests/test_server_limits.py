"""The replay server enforces Crossref's rate and concurrency limits when asked to.

Data under tests/data/crossref/reconstructed was never recorded from Crossref: it is
reconstructed in Crossref's exact schema (see its INDEX.md).

Timing is asserted only where it is deterministic: counts of 429s for a burst far over the
limit (with generous margins) or a client paced on an absolute schedule at the limit (zero).
The token-bucket arithmetic itself is checked with a fake clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx2
import pytest

from claimcheck.testing import Limits, RecordedRequest, ReplayServer
from claimcheck.testing.limits import Limiter, TokenBucket
from claimcheck.testing.replay_server import DEFAULT_RATE_HEADERS
from tests.conftest import RECONSTRUCTED

CAN = "10.1158/0008-5472.can-10-2451"
NBT = "10.1038/nbt.2816"
WORK = f"/works/{quote(CAN, safe='')}"
LIST = f"/works?filter=doi:{CAN},doi:{NBT}&rows=2"
# Polite by the query (httpx's `params=` would replace a target's query, so spell it out).
POLITE_WORK = f"{WORK}?mailto=tests@example.org"
POLITE_LIST = f"{LIST}&mailto=tests@example.org"
POLITE_QUERY = {"mailto": ["tests@example.org"]}  # as parsed by the server
UA_POLITE = {"User-Agent": "claimcheck-tests/1 (mailto:tests@example.org)"}
# Small, fast limits: bursts are quick to exhaust and paced runs quick to complete.
FAST = Limits(polite_rate=5, public_rate=2, polite_list_rate=2, public_list_rate=1)


@pytest.fixture
def limited() -> Iterator[ReplayServer]:
    server = ReplayServer(RECONSTRUCTED, enforce_limits=True, limits=FAST)
    with server:
        yield server
    assert not server.errors, f"replay server raised: {server.errors!r}"


def client_for(server: ReplayServer, headers: dict[str, str] | None = None) -> httpx2.Client:
    # trust_env=False: a proxy from the environment must never see loopback test traffic.
    return httpx2.Client(base_url=server.url, headers=headers, timeout=5.0, trust_env=False)


def statuses(client: httpx2.Client, target: str, count: int) -> list[int]:
    return [client.get(target).status_code for _ in range(count)]


# -- rate -------------------------------------------------------------------------------------


def test_a_burst_past_the_bucket_gets_429s(limited: ReplayServer) -> None:
    with client_for(limited) as client:
        responses = [client.get(POLITE_WORK) for _ in range(20)]
    codes = [r.status_code for r in responses]
    # The bucket holds one second's worth (5): those pass at once, then refills trickle in.
    assert codes[:5] == [200] * 5
    assert 10 <= codes.count(429) <= 15
    assert set(codes) == {200, 429}
    assert limited.throttled == codes.count(429)
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"] == "text/plain"
    assert refused.text  # a short explanation, not an empty body
    # Every request is recorded, refused or not.
    assert len(limited.requests) == 20


def test_a_client_paced_at_the_advertised_rate_is_never_refused() -> None:
    limits = Limits(polite_rate=20)
    with (
        ReplayServer(RECONSTRUCTED, enforce_limits=True, limits=limits) as server,
        client_for(server, headers=UA_POLITE) as client,
    ):
        advertised = float(client.get(WORK).headers["x-rate-limit-limit"])
        assert advertised == 20
        start = time.monotonic()
        codes = []
        for i in range(1, 41):  # two seconds' worth, on an absolute schedule (no drift)
            time.sleep(max(start + i / advertised - time.monotonic(), 0.0))
            codes.append(client.get(WORK).status_code)
    assert codes == [200] * 40
    assert server.throttled == 0


def test_the_list_bucket_is_separate_and_stricter(limited: ReplayServer) -> None:
    with client_for(limited) as client:
        lists = statuses(client, POLITE_LIST, 10)
        # The list bucket (2/s) is spent; singletons still have their own (5/s).
        singles = statuses(client, POLITE_WORK, 4)
    assert lists[:2] == [200, 200]
    assert lists.count(429) >= 6
    assert singles == [200] * 4
    assert limited.throttled == lists.count(429)


def test_pools_have_their_own_buckets(limited: ReplayServer) -> None:
    with client_for(limited) as client:
        public = statuses(client, WORK, 10)  # public: 2/s
        polite = statuses(client, POLITE_WORK, 4)
    assert public[:2] == [200, 200]
    assert public.count(429) >= 6
    assert polite == [200] * 4


def test_a_refused_request_uses_no_token() -> None:
    clock = [0.0]
    limiter = Limiter(Limits(polite_rate=1, polite_concurrency=1), clock=lambda: clock[0])
    request = RecordedRequest("GET", "GET / HTTP/1.1", "/", POLITE_QUERY, {}, None, route="work")
    assert limiter.admit(request)
    assert not limiter.admit(request)  # over concurrency 1: refused, bucket untouched...
    limiter.release(request)
    assert not limiter.admit(request)  # ...but the bucket (1/s) is now empty
    clock[0] = 1.0
    assert limiter.admit(request)
    assert limiter.throttled == 2


def test_token_bucket_refills_continuously_up_to_one_seconds_worth() -> None:
    bucket = TokenBucket(rate=4, now=0.0)
    assert [bucket.take(0.0) for _ in range(5)] == [True] * 4 + [False]
    assert bucket.take(0.25)  # a quarter second refills one token
    assert not bucket.take(0.25)
    assert [bucket.take(100.0) for _ in range(5)] == [True] * 4 + [False]  # capped at the burst
    slow = TokenBucket(rate=0.5, now=0.0)  # below 1/s the bucket still holds one request
    assert slow.take(0.0)
    assert not slow.take(1.0)
    assert slow.take(2.0)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="polite_list_rate"):
        Limits(polite_list_rate=0)


# -- concurrency ------------------------------------------------------------------------------


def test_one_request_past_the_concurrency_limit_is_refused_at_once() -> None:
    latency = 0.5
    limits = Limits(polite_rate=20, polite_concurrency=3)
    with ReplayServer(RECONSTRUCTED, enforce_limits=True, limits=limits, latency=latency) as server:
        barrier = threading.Barrier(4)
        # (status, requests the server held in flight when this answer was read)
        results: list[tuple[int, int]] = []
        lock = threading.Lock()

        def fetch() -> None:
            with client_for(server) as client:
                barrier.wait(timeout=5)
                status = client.get(POLITE_WORK).status_code
                with lock:
                    results.append((status, server.limiter.in_flight("polite")))

        threads = [threading.Thread(target=fetch) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    codes = sorted(status for status, _ in results)
    assert codes == [200, 200, 200, 429]
    assert server.throttled == 1
    assert server.limiter.in_flight("polite") == 0  # every admitted request was released
    # The 429 is answered while the three admitted requests still wait out their latency.
    assert next(held for status, held in results if status == 429) == 3


def test_the_public_pool_allows_one_request_in_flight() -> None:
    # The first request is held 2 s: the second must arrive while it is in flight, and on a
    # machine loaded twentyfold, making a second client once took longer than 0.4 s.
    with ReplayServer(RECONSTRUCTED, enforce_limits=True, latency=2.0) as server:
        codes: list[int] = []

        def fetch() -> None:
            with client_for(server) as client:
                codes.append(client.get(WORK).status_code)

        first = threading.Thread(target=fetch)
        first.start()
        while not server.requests:  # the first is admitted and asleep in the latency
            time.sleep(0.01)
        fetch()
        first.join(timeout=10)
    assert sorted(codes) == [200, 429]


# -- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "pool", "limit", "concurrency"),
    [
        (POLITE_WORK, "polite", "10", "3"),
        (f"{WORK}/agency?mailto=tests@example.org", "polite", "10", "3"),
        # As Crossref does: list answers advertise the single-lookup limit too, although
        # list queries are held at 3/s (polite) and 1/s (public).
        (POLITE_LIST, "polite", "10", "3"),
        (WORK, "public", "5", "1"),
        (LIST, "public", "5", "1"),
    ],
)
def test_headers_advertise_the_single_lookup_limit_on_every_route(
    target: str, pool: str, limit: str, concurrency: str
) -> None:
    with (
        ReplayServer(RECONSTRUCTED, enforce_limits=True) as server,
        client_for(server) as client,
    ):
        response = client.get(target)
    assert response.status_code == 200
    assert response.headers["x-rate-limit-limit"] == limit
    assert response.headers["x-rate-limit-interval"] == "1s"
    assert response.headers["x-concurrency-limit"] == concurrency
    assert response.headers["x-api-pool"] == pool


def test_configured_limits_are_advertised_on_429s_too(limited: ReplayServer) -> None:
    with client_for(limited) as client:
        responses = [client.get(LIST) for _ in range(3)]  # public lists: 1/s
    refused = [r for r in responses if r.status_code == 429]
    assert refused
    assert refused[0].headers["x-rate-limit-limit"] == "2"  # FAST public singles: 2/s
    assert refused[0].headers["x-concurrency-limit"] == "1"


def test_fractional_rates_are_advertised_as_written() -> None:
    assert Limits(polite_rate=2.5).headers("polite", "list")["x-rate-limit-limit"] == "2.5"


# -- off by default ---------------------------------------------------------------------------


def test_without_enforce_limits_nothing_is_refused_and_headers_are_unchanged() -> None:
    with ReplayServer(RECONSTRUCTED, latency=0.0) as server, client_for(server) as client:
        assert server.enforce_limits is False
        codes = statuses(client, WORK, 30) + statuses(client, LIST, 10)
        headers = client.get(LIST).headers
    assert codes == [200] * 40
    assert server.throttled == 0
    for name, value in DEFAULT_RATE_HEADERS["public"].items():
        assert headers[name] == value  # the pool's headers, not the list route's limit


def test_enforcement_can_be_switched_on_at_run_time(replay_server: ReplayServer) -> None:
    with client_for(replay_server) as client:
        assert statuses(client, LIST, 3) == [200] * 3
        replay_server.enforce_limits = True
        assert statuses(client, LIST, 3).count(429) >= 1
