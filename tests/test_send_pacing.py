"""The pace is kept from when a request is really written, not from when its turn came, and a
slow pace keeps an absolute margin: a server whose bucket holds one second's worth counts
from arrivals, and below 2/s it cannot absorb a late request followed by a punctual one."""

from __future__ import annotations

from itertools import pairwise

import httpx2
import pytest

from claimcheck.testing import ReplayServer
from claimcheck.transport.fetch import REQUEST_WRITTEN, HttpFetcher
from claimcheck.transport.limiter import (
    ARRIVAL_SLACK,
    LIST,
    POLITE,
    PUBLIC,
    SINGLE,
    SPACING_MARGIN,
    Limiter,
)
from tests.test_batching import VirtualTime

PUBLIC_SINGLE = SPACING_MARGIN / 5.0  # 5/s: a bucket of five absorbs a late request
PUBLIC_LIST = SPACING_MARGIN / 1.0 + ARRIVAL_SLACK  # 1/s: a bucket of one does not


@pytest.mark.parametrize(("kind", "interval"), [(SINGLE, PUBLIC_SINGLE), (LIST, PUBLIC_LIST)])
def test_the_next_turn_is_spaced_from_when_the_last_request_left(
    kind: str, interval: float
) -> None:
    time = VirtualTime()
    limiter = Limiter(PUBLIC, clock=time.clock, sleep=time.sleep)
    with limiter.slot(kind):
        time.now += 0.15  # held up between its turn and the wire
        limiter.sent(kind)
    with limiter.slot(kind):
        assert time.now == pytest.approx(0.15 + interval)


@pytest.mark.parametrize(
    ("pool", "kind", "interval"),
    [
        (PUBLIC, SINGLE, PUBLIC_SINGLE),
        (PUBLIC, LIST, PUBLIC_LIST),
        (POLITE, LIST, SPACING_MARGIN / 3.0),  # 3/s: no absolute slack, the bucket absorbs it
    ],
)
def test_a_request_sent_on_its_turn_keeps_the_pace(
    pool: object, kind: str, interval: float
) -> None:
    time = VirtualTime()
    limiter = Limiter(pool, clock=time.clock, sleep=time.sleep)
    with limiter.slot(kind):
        limiter.sent(kind)
    with limiter.slot(kind):
        assert time.now == pytest.approx(interval)


def test_the_fetcher_keeps_the_pace_from_when_each_request_is_written() -> None:
    time = VirtualTime()
    arrivals: list[float] = []
    held_up = [0.15]  # the first request is written 0.15 s after its turn; the others at once

    def answer(request: httpx2.Request) -> httpx2.Response:
        # As httpcore2 reports a written request through the `trace` extension.
        time.now += held_up.pop() if held_up else 0.0
        request.extensions["trace"]("http11.send_request_headers.complete", {})
        arrivals.append(time.now)
        return httpx2.Response(404, stream=httpx2.ByteStream(b"Resource not found."))

    client = httpx2.Client(transport=httpx2.MockTransport(answer))
    fetcher = HttpFetcher(
        "http://127.0.0.1:9", client=client, clock=time.clock, sleep=time.sleep, retries=0
    )
    for doi in ("10.1000/a", "10.1000/b", "10.1000/c"):
        fetcher.fetch(f"/works/{doi}", subject=doi)
    fetcher.close()
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    # The public pool's 5 singletons a second: never closer than 0.2 s apart on arrival.
    assert gaps == [pytest.approx(PUBLIC_SINGLE)] * 2
    assert arrivals[0] == pytest.approx(0.15)


def test_httpcore2_reports_a_written_request_by_the_name_the_fetcher_listens_for(
    replay_server: ReplayServer,
) -> None:
    # The fetcher's pace depends on this event: a rename in httpcore2 must fail here, not
    # silently fall back to pacing from turns.
    events: list[str] = []
    with httpx2.Client() as client:
        reply = client.get(
            f"{replay_server.url}/works/10.1038/nbt.2816",
            extensions={"trace": lambda name, _info: events.append(name)},
        )
    assert reply.status_code == 200
    assert [e for e in events if e.endswith(REQUEST_WRITTEN)] == [
        "http11.send_request_headers.complete"
    ]
