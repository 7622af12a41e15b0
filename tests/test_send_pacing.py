"""The pace is kept from when a request really leaves, not from when its turn came: a request
held up after its turn (another thread had the interpreter) must not let the next one arrive
closer than the pace allows, since the server counts from arrivals."""

from __future__ import annotations

from itertools import pairwise

import httpx2
import pytest

from claimcheck.transport.fetch import HttpFetcher
from claimcheck.transport.limiter import LIST, PUBLIC, SINGLE, SPACING_MARGIN, Limiter
from tests.test_batching import VirtualTime


@pytest.mark.parametrize(("kind", "rate"), [(SINGLE, 5.0), (LIST, 1.0)])
def test_the_next_turn_is_spaced_from_when_the_last_request_left(kind: str, rate: float) -> None:
    time = VirtualTime()
    limiter = Limiter(PUBLIC, clock=time.clock, sleep=time.sleep)
    with limiter.slot(kind):
        time.now += 0.15  # held up between its turn and the wire
        limiter.sent(kind)
    with limiter.slot(kind):
        assert time.now == pytest.approx(0.15 + SPACING_MARGIN / rate)


def test_a_request_sent_on_its_turn_keeps_the_pace_as_before() -> None:
    time = VirtualTime()
    limiter = Limiter(PUBLIC, clock=time.clock, sleep=time.sleep)
    with limiter.slot(SINGLE):
        limiter.sent(SINGLE)
    with limiter.slot(SINGLE):
        assert time.now == pytest.approx(SPACING_MARGIN / 5.0)


def test_the_fetcher_tells_the_limiter_when_each_request_leaves() -> None:
    time = VirtualTime()
    arrivals: list[float] = []
    held_up = [0.15]  # the first request leaves 0.15 s after its turn; the others at once

    def delay(_request: httpx2.Request) -> None:
        time.now += held_up.pop() if held_up else 0.0

    def answer(_request: httpx2.Request) -> httpx2.Response:
        arrivals.append(time.now)
        return httpx2.Response(404, stream=httpx2.ByteStream(b"Resource not found."))

    client = httpx2.Client(transport=httpx2.MockTransport(answer), event_hooks={"request": [delay]})
    fetcher = HttpFetcher(
        "http://127.0.0.1:9", client=client, clock=time.clock, sleep=time.sleep, retries=0
    )
    for doi in ("10.1000/a", "10.1000/b", "10.1000/c"):
        fetcher.fetch(f"/works/{doi}", subject=doi)
    fetcher.close()
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    # The public pool's 5 singletons a second: never closer than 0.2 s apart on arrival.
    assert gaps == [pytest.approx(SPACING_MARGIN / 5.0)] * 2
    assert arrivals[0] == pytest.approx(0.15)
