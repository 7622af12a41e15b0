"""A polite rate limiter: a paced bucket per kind of request plus one concurrency bound.

Crossref's limits (https://www.crossref.org/documentation/retrieve-metadata/rest-api/): the
polite pool allows 10 requests/s with 3 in flight, the public pool 5/s with 1; list and
filter queries are held lower (about 3/s polite, 1/s public, per Crossref's November 2025
announcement). Every response restates them in `x-rate-limit-limit`,
`x-rate-limit-interval` and `x-concurrency-limit`, which this limiter obeys as they change.
The user's `--max-rps` and `--concurrency` can only lower what the server advertises, never
raise it.

Requests are spaced evenly (never a burst), so a server whose bucket holds at least one
second's worth never has a reason to answer 429. After a 429 or 503 the rate is halved and
recovers by a tenth on each later success, and a Retry-After pauses every thread.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

SINGLE = "single"
LIST = "list"
MIN_RATE = 0.2  # requests/s: the floor a run of 429s can push the pace down to
MAX_RATE = 1000.0  # requests/s: the most a header may advertise (a local mirror may allow much)
MAX_CONCURRENCY = 16
# The longest a request waits for its turn, whatever a server advertises or asks in
# Retry-After. Past it the request is not made and its reference is unverified: an
# `x-rate-limit-limit: 1` per `100000s` or a `Retry-After: 999999` must not hold a run for days.
MAX_WAIT = 60.0
# Requests are spaced 1% wider than the rate allows. The server counts from when a request
# arrives, and a request can arrive some milliseconds after its turn (its connection is made
# first, or another thread holds the interpreter): at the public pool's one list a second, a
# 0.2% margin (2 ms) still let the server see two lists 1.000 s apart and refuse one. The pace
# is kept from each request's turn, and moved on when it is really written (`Limiter.sent`).
SPACING_MARGIN = 1.01
# A server bucket holding one second's worth of requests holds fewer than two below 2/s, so it
# cannot absorb a request that arrives late (its server was busy, its connection new) followed
# by one on time: slow paces keep an absolute margin as well. Measured on the replay server at
# the public pool's one list a second, with the 1% margin alone: a list arrived 996.5 ms after
# the one before it, and was refused (1 run in 10 at N = 1,000).
SLOW_PACE = 2.0  # requests/s
ARRIVAL_SLACK = 0.05  # seconds


@dataclass(frozen=True)
class PoolLimits:
    rate: float  # singleton requests per second
    list_rate: float  # list and filter requests per second
    concurrency: int


POLITE = PoolLimits(rate=10.0, list_rate=3.0, concurrency=3)
PUBLIC = PoolLimits(rate=5.0, list_rate=1.0, concurrency=1)


class WaitTooLong(Exception):
    """A request's turn is further off than the caller may wait; the message says why."""


def _number(text: str | None, pattern: str) -> float | None:
    # Plain ASCII decimals only: "1e-300", "inf", "nan" and "²" advertise nothing.
    if text is None or not re.fullmatch(pattern, text.strip()):
        return None
    return float(text.strip())


def advertised(headers: Mapping[str, str]) -> tuple[float | None, int | None]:
    """(requests per second, concurrency) from Crossref's rate headers, where present and
    sane: a rate above MAX_RATE, or a value that is not a plain decimal, is ignored."""
    limit = _number(headers.get("x-rate-limit-limit"), r"[0-9]{1,9}(?:\.[0-9]{1,6})?")
    interval_text = headers.get("x-rate-limit-interval", "1s").strip().removesuffix("s")
    interval = _number(interval_text or "1", r"[0-9]{1,9}(?:\.[0-9]{1,6})?")
    rate = None
    if limit and interval and 0 < limit / interval <= MAX_RATE:
        rate = limit / interval
    count = _number(headers.get("x-concurrency-limit"), r"[0-9]{1,4}")
    concurrency = min(int(count), MAX_CONCURRENCY) if count else None
    return rate, concurrency


class _Pace:
    """Even spacing at a rate that the server sets, the user caps and 429s lower. A pace with
    a `most` never rises above it, whatever the headers say (list queries)."""

    def __init__(self, rate: float, cap: float | None, most: float | None = None) -> None:
        self.advertised = rate
        self.most = most
        self.cap = cap
        self.current = self.ceiling
        self.next_at = 0.0
        self.last_start = float("-inf")

    @property
    def interval(self) -> float:
        """Seconds from one request of this kind to the next."""
        spacing = SPACING_MARGIN / self.current
        return spacing + ARRIVAL_SLACK if self.current < SLOW_PACE else spacing

    def respace(self) -> None:
        """A slower pace applies from the last request on, not only after the next one."""
        self.next_at = max(self.next_at, self.last_start + self.interval)

    @property
    def ceiling(self) -> float:
        return min(self.advertised, self.cap) if self.cap else self.advertised


class Limiter:
    """Thread-safe. Use `with limiter.slot(kind):` around each request."""

    def __init__(
        self,
        pool: PoolLimits,
        *,
        max_rps: float | None = None,
        max_concurrency: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # Crossref advertises its single-lookup limit on list answers too; list and search
        # queries are held lower (about 3/s polite), and the headers may lower that, never
        # raise it.
        self._paces = {
            SINGLE: _Pace(pool.rate, max_rps),
            LIST: _Pace(pool.list_rate, max_rps, most=pool.list_rate),
        }
        self._advertised_concurrency = pool.concurrency
        self._max_concurrency = max_concurrency
        self._in_flight = 0
        self._not_before = 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Condition()

    @property
    def concurrency(self) -> int:
        limit = self._advertised_concurrency
        return min(limit, self._max_concurrency) if self._max_concurrency else limit

    def rate(self, kind: str) -> float:
        return self._paces[kind].current

    @contextmanager
    def slot(self, kind: str, *, max_wait: float = MAX_WAIT) -> Iterator[None]:
        """Wait for this kind's turn and a free slot, then hold the slot while the request
        runs; raises WaitTooLong when the turn is more than `max_wait` seconds away.

        No slot is held while waiting for a turn: a list waiting for its turn (a third of a
        second at 3/s) must not keep a single lookup, which has a pace of its own, from
        going. In the public pool, with one slot, it kept every single lookup behind the
        lists."""
        self._take(kind, max_wait)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
                self._lock.notify_all()

    def _take(self, kind: str, max_wait: float) -> None:
        pace = self._paces[kind]
        while True:
            with self._lock:
                now = self._clock()
                start = max(now, pace.next_at, self._not_before)
                if start - now > max_wait:
                    why = "the server's Retry-After" if start == self._not_before else "its pace"
                    raise WaitTooLong(
                        f"the next request may go in {start - now:.0f} s ({why}), longer than "
                        f"claimcheck waits ({max_wait:.0f} s)"
                    )
                if start <= now:
                    if self._in_flight < self.concurrency:
                        # The turn is taken when the request can go (a slot is free), so a
                        # wait for a slot can never bunch two requests closer than the pace
                        # allows; `sent` moves it on if the request is written later still.
                        self._in_flight += 1
                        pace.next_at = now + pace.interval
                        pace.last_start = now
                        return
                    self._lock.wait()  # woken when a request ends or the limits change
                    continue
            # The pace or a Retry-After (checked again on waking, so none that arrives in
            # the meantime is missed).
            self._sleep(start - now)

    def sent(self, kind: str) -> None:
        """The request whose turn came is leaving now. It may leave a few milliseconds after
        its turn (another thread held the interpreter), and the server counts from when it
        arrives: the next request of its kind is spaced from now, so that a late request and
        a punctual one after it never arrive closer than the pace allows."""
        with self._lock:
            pace = self._paces[kind]
            now = self._clock()
            pace.last_start = max(pace.last_start, now)
            pace.next_at = max(pace.next_at, now + pace.interval)

    def observe(self, kind: str, headers: Mapping[str, str]) -> None:
        """A response arrived: obey its advertised limits, and recover from a slow-down."""
        rate, concurrency = advertised(headers)
        with self._lock:
            pace = self._paces[kind]
            if rate:
                pace.advertised = min(rate, pace.most) if pace.most else rate
            if concurrency:
                self._advertised_concurrency = concurrency
                self._lock.notify_all()
            pace.current = min(pace.ceiling, pace.current * 1.1)
            pace.respace()

    def throttled(self, kind: str, retry_after: float | None) -> None:
        """A 429 or 503: halve the pace and, with Retry-After, hold every request until then."""
        with self._lock:
            pace = self._paces[kind]
            pace.current = max(MIN_RATE, pace.current / 2)
            pace.respace()
        if retry_after is not None:
            self.hold(retry_after)

    def hold(self, retry_after: float) -> None:
        """A Retry-After on any retried answer (a 500, 502 or 504 may carry one too): no
        request leaves until then."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + retry_after)
            # (A Retry-After past MAX_WAIT is kept as asked: every later request then fails
            # fast with WaitTooLong instead of hammering a server that asked for a pause.)
