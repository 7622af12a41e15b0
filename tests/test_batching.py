"""Batched lookups and the polite limiter, with exact request counts from the replay server."""

from __future__ import annotations

import json
import threading
import time as real_time
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.model.record import LookupStatus
from claimcheck.sources.crossref import batching
from claimcheck.sources.crossref.batching import MAX_URL_LENGTH, list_request, plan
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.testing import Fault, ReplayServer
from claimcheck.transport.fetch import HttpFetcher
from claimcheck.transport.limiter import LIST, POLITE, PUBLIC, SINGLE, Limiter, PoolLimits
from tests.conftest import RECONSTRUCTED
from tests.factories import SkippedWaits, update, work_envelope, work_list

SICI = "10.1002/1529-0131(200108)44:8<1928::aid-art331>3.0.co;2-p"


def synthetic(n: int) -> list[str]:
    return [f"10.5555/batch.{i}" for i in range(n)]


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECONSTRUCTED) as replay:
        for doi in [*synthetic(120), SICI, "10.5555/with,comma"]:
            replay.add_work(work_envelope(doi))
        yield replay


def client(server: ReplayServer) -> CrossrefClient:
    waits = SkippedWaits()  # the pace holds on its clock, without the wait
    fetcher = HttpFetcher(
        server.url, mailto="t@example.org", retries=0, sleep=waits.sleep, clock=waits.clock
    )
    return CrossrefClient(fetcher, base_url=server.url)


def test_plan_caps_batches_at_fifty() -> None:
    batches, singles = plan(synthetic(120), "https://api.crossref.org")
    assert [len(b) for b in batches] == [50, 50, 20]
    assert singles == []


def test_plan_shrinks_batches_to_keep_the_url_short() -> None:
    long_dois = [f"10.5555/{'x' * 200}.{i}" for i in range(40)]
    base = "https://api.crossref.org"
    batches, _ = plan(long_dois, base)
    assert len(batches) > 1
    assert all(len(base) + len(list_request(b)) <= MAX_URL_LENGTH for b in batches)
    assert sum(len(b) for b in batches) == 40


def test_plan_sends_comma_dois_and_lone_dois_alone() -> None:
    batches, singles = plan(["10.1/a,b", "10.1/c"], "")
    assert batches == []
    assert sorted(singles) == ["10.1/a,b", "10.1/c"]


def test_list_request_encodes_what_would_break_the_query() -> None:
    request = list_request([SICI, "10.1/a?b&c#d"])
    query = request.split("?", 1)[1]
    assert query.count("&") == 1  # only before rows=
    assert "#" not in request
    assert query.endswith("&rows=2")
    value = unquote(query.split("&")[0].removeprefix("filter="))
    assert value == f"doi:{SICI},doi:10.1/a?b&c#d"


def test_120_dois_take_three_list_requests(server: ReplayServer) -> None:
    with client(server) as crossref:
        results = crossref.lookup_all([d.upper() for d in synthetic(120)])
    assert {r.status for r in results.values()} == {LookupStatus.FOUND}
    routes = [r.route for r in server.requests]
    assert routes == ["list", "list", "list"]
    assert sorted(len(r.filter_dois) for r in server.requests) == [20, 50, 50]


def test_missing_and_comma_dois_fall_back_to_single_requests(server: ReplayServer) -> None:
    wanted = [*synthetic(3), "10.9999/absent", "10.5555/with,comma", SICI]
    with client(server) as crossref:
        results = crossref.lookup_all(wanted)
    assert results["10.9999/absent"].status is LookupStatus.NOT_FOUND
    assert results["10.5555/with,comma"].status is LookupStatus.FOUND
    assert results[SICI].status is LookupStatus.FOUND
    by_route: dict[str, list[str]] = {}
    for request in server.requests:
        by_route.setdefault(request.route, []).append(request.doi or "list")
    assert len(by_route["list"]) == 1
    assert sorted(by_route["work"]) == ["10.5555/with,comma", "10.9999/absent"]
    assert by_route["agency"] == ["10.9999/absent"]


def test_a_doi_listed_twice_with_different_records_is_asked_alone(server: ReplayServer) -> None:
    # Which copy is true cannot be told: the first lists a retraction, the second does not.
    first, second = synthetic(2)
    retracted = json.loads(work_envelope(second, updated_by=[update("10.5555/n", "retraction")]))
    plain = json.loads(work_envelope(second))
    listed = json.loads(work_envelope(first))
    body = work_list(listed["message"], retracted["message"], plain["message"])
    server.add_fault(Fault.json(body, match="filter="))
    with client(server) as crossref:
        results = crossref.lookup_all([first, second])
    assert results[first].status is LookupStatus.FOUND
    assert results[second].status is LookupStatus.FOUND
    assert [r.doi for r in server.requests if r.route == "work"] == [second]


def test_a_doi_listed_twice_with_the_same_record_is_taken_from_the_list() -> None:
    item = json.loads(work_envelope("10.5555/same"))["message"]
    assert list(batching.list_items(work_list(item, item))) == ["10.5555/same"]


def test_notices_the_checks_need_are_fetched_in_one_batch(server: ReplayServer) -> None:
    from claimcheck.audit import _related_works

    for i in range(2):
        server.add_work(
            work_envelope(
                f"10.5555/notice.{i}",
                title=f"Retraction: study {i}",
                update_to=[{"DOI": f"10.5555/batch.{i}", "type": "retraction"}],
            )
        )
    with client(server) as crossref:
        lookups = crossref.lookup_all(["10.5555/notice.0", "10.5555/notice.1"])
        related = _related_works(crossref, lookups.values())
    assert sorted(related) == ["10.5555/batch.0", "10.5555/batch.1"]
    assert [r.route for r in server.requests] == ["list", "list"]
    assert server.requests[1].filter_dois == ("10.5555/batch.0", "10.5555/batch.1")


def test_concurrency_stays_within_the_advertised_limit(server: ReplayServer) -> None:
    server.latency = 0.05
    with client(server) as crossref:
        crossref.batch = False
        crossref.lookup_all(synthetic(12))
    assert 1 <= server.max_in_flight <= POLITE.concurrency


class VirtualTime:
    """A clock that only moves when someone sleeps: the limiter's pacing, made exact."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


@pytest.mark.parametrize(("kind", "rate"), [(SINGLE, 10.0), (LIST, 3.0)])
def test_limiter_never_exceeds_its_rate_in_any_second(kind: str, rate: float) -> None:
    time = VirtualTime()
    limiter = Limiter(POLITE, clock=time.clock, sleep=time.sleep)
    starts = []
    for _ in range(40):
        with limiter.slot(kind):
            starts.append(time.now)
    for first in starts:
        in_window = [t for t in starts if first <= t < first + 1.0]
        assert len(in_window) <= rate


def test_a_list_waiting_for_its_turn_holds_no_slot() -> None:
    # The public pool: one slot, lists at 1/s, singles at 5/s. A list that waits for its turn
    # must leave the one slot to a single lookup, whose own pace lets it go now.
    waiting = threading.Event()

    def sleep(seconds: float) -> None:
        waiting.set()
        real_time.sleep(seconds)

    limiter = Limiter(PUBLIC, sleep=sleep)
    with limiter.slot(LIST):
        pass  # the first list goes at once; the next one's turn is a second away
    order: list[str] = []

    def second_list() -> None:
        with limiter.slot(LIST):
            order.append("list")

    thread = threading.Thread(target=second_list)
    thread.start()
    assert waiting.wait(timeout=5)
    with limiter.slot(SINGLE):
        order.append("single")
    thread.join(timeout=5)
    assert order == ["single", "list"]


def test_user_caps_lower_but_never_raise_the_rate() -> None:
    pool = PoolLimits(rate=10.0, list_rate=3.0, concurrency=3)
    assert Limiter(pool, max_rps=2.0).rate(SINGLE) == 2.0
    assert Limiter(pool, max_rps=50.0).rate(SINGLE) == 10.0
    assert Limiter(pool, max_concurrency=8).concurrency == 3
    assert Limiter(pool, max_concurrency=1).concurrency == 1


def test_headers_update_the_limits_and_429_slows_down() -> None:
    limiter = Limiter(POLITE)
    limiter.observe(
        SINGLE,
        {"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s", "x-concurrency-limit": "1"},
    )
    assert (limiter.rate(SINGLE), limiter.concurrency) == (5.0, 1)
    limiter.throttled(SINGLE, retry_after=None)
    assert limiter.rate(SINGLE) == 2.5
    for _ in range(20):
        limiter.observe(SINGLE, {"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"})
    assert limiter.rate(SINGLE) == 5.0  # recovers, but never past the advertised rate


def test_a_failed_batch_falls_back_without_losing_healthy_dois(server: ReplayServer) -> None:
    from claimcheck.testing import Fault

    server.add_fault(Fault.http(500, match="10.5555/batch.1"))
    with client(server) as crossref:
        results = crossref.lookup_all(synthetic(4))
    statuses = {d: r.status for d, r in results.items()}
    assert statuses.pop("10.5555/batch.1") is LookupStatus.FAILED
    assert set(statuses.values()) == {LookupStatus.FOUND}
    assert json.dumps([r.route for r in server.requests]).count("list") == 1


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300),
        max_size=300,
    ),
    st.integers(min_value=0, max_value=3000),
)
def test_every_planned_batch_fits_the_url_limit_and_keeps_every_doi(
    suffixes: list[str], base_length: int
) -> None:
    dois = list(dict.fromkeys(f"10.5555/{s}" for s in suffixes))
    base = "http://h/" + "x" * base_length
    batches, singles = batching.plan(dois, base)
    for batch in batches:
        assert 2 <= len(batch) <= batching.MAX_BATCH
        assert len(base) + len(batching.list_request(batch)) <= batching.MAX_URL_LENGTH
    planned = [d for b in batches for d in b] + singles
    assert sorted(planned) == sorted(dois)
