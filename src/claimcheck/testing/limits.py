"""Crossref's rate and concurrency limits, enforced by the replay server when asked to.

`ReplayServer(enforce_limits=True)` answers a request past a limit as Crossref's limiter does:
`429 Too Many Requests`, `Retry-After: 1`, a short text body, at once (before any `latency`).
The limits, per pool (polite when `mailto` is in the User-Agent or the query, else public), are
those Crossref announced and serves in its rate headers:

- singleton routes (`/works/{doi}`, `/works/{doi}/agency`, and anything else): 10/s polite,
  5/s public, from real 2026 `x-rate-limit-*` headers;
- list routes (`/works?filter=...`): about 3/s polite and 1/s public (Crossref's November 2025
  announcement), a separate, stricter bucket;
- requests in flight at once: 3 polite, 1 public (`x-concurrency-limit`), counted over the
  admitted requests of the pool, whatever their route.

Each rate is a token bucket refilled continuously. Crossref does not publish its burst size,
so the bucket holds one second's worth (burst = rate): the strict reading. A client that
spaces its requests at the advertised rate is never refused; one that bursts past a second's
worth is. Import the public names from `claimcheck.testing`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields

from claimcheck.testing.faults import RecordedRequest, _Response, _text

__all__ = ["POOLS", "Limiter", "Limits", "TokenBucket", "pool_of", "throttled_response"]

POOLS = ("polite", "public")
THROTTLED_BODY = b"Too many requests: rate limit exceeded. Retry after 1 second."


def pool_of(request: RecordedRequest) -> str:
    """The pool: polite when the request gives a contact (`mailto` query or User-Agent)."""
    polite = any(request.query.get("mailto", [])) or (
        "mailto:" in request.headers.get("user-agent", "").lower()
    )
    return "polite" if polite else "public"


def throttled_response() -> _Response:
    response = _text(429, THROTTLED_BODY)
    response.headers.append(("Retry-After", "1"))
    return response


@dataclass(frozen=True)
class Limits:
    """Requests per second per pool (singleton and list routes) and requests in flight."""

    polite_rate: float = 10.0
    public_rate: float = 5.0
    polite_list_rate: float = 3.0
    public_list_rate: float = 1.0
    polite_concurrency: int = 3
    public_concurrency: int = 1

    def __post_init__(self) -> None:
        for field in fields(self):
            if not getattr(self, field.name) > 0:
                raise ValueError(f"Limits.{field.name} must be positive")

    def rate(self, pool: str, route: str) -> float:
        """The enforced rate for `route` ("list", or anything else: a singleton) in `pool`."""
        polite = pool == "polite"
        if route == "list":
            return self.polite_list_rate if polite else self.public_list_rate
        return self.polite_rate if polite else self.public_rate

    def concurrency(self, pool: str) -> int:
        return self.polite_concurrency if pool == "polite" else self.public_concurrency

    def headers(self, pool: str, route: str) -> dict[str, str]:
        """The headers Crossref sends: the *single-lookup* limit, on every answer, list
        answers included, although list queries are held lower. A client that paced lists by
        these headers would break the list limit, as the real API would let it."""
        del route
        return {
            "x-rate-limit-limit": _number(self.rate(pool, "work")),
            "x-rate-limit-interval": "1s",
            "x-concurrency-limit": str(self.concurrency(pool)),
        }


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class TokenBucket:
    """`rate` tokens a second, holding at most one second's worth (at least one); starts full.

    Not locked: the Limiter that owns it serialises every call.
    """

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.tokens = self.capacity
        self._last = now

    def take(self, now: float) -> bool:
        """Take one token if there is one (refilling for the time since the last call)."""
        elapsed = max(now - self._last, 0.0)
        self._last = now
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Limiter:
    """Admit or refuse requests by pool: two token buckets and an in-flight count. Thread-safe.

    `admit` either counts the request in flight (the caller must `release` it when answered)
    or refuses it and counts it in `throttled`. A refused request uses up no token.
    """

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self._buckets = {
            (pool, kind): TokenBucket(limits.rate(pool, kind), now)
            for pool in POOLS
            for kind in ("single", "list")
        }
        self._in_flight = dict.fromkeys(POOLS, 0)
        self._throttled = 0

    @property
    def throttled(self) -> int:
        """How many requests were refused (429) so far."""
        with self._lock:
            return self._throttled

    def in_flight(self, pool: str) -> int:
        with self._lock:
            return self._in_flight[pool]

    def admit(self, request: RecordedRequest) -> bool:
        pool = pool_of(request)
        kind = "list" if request.route == "list" else "single"
        bucket = self._buckets[pool, kind]
        with self._lock:
            # Concurrency first: a request refused for it must not use up a token.
            if self._in_flight[pool] < self.limits.concurrency(pool) and bucket.take(self._clock()):
                self._in_flight[pool] += 1
                return True
            self._throttled += 1
            return False

    def release(self, request: RecordedRequest) -> None:
        pool = pool_of(request)
        with self._lock:
            self._in_flight[pool] = max(self._in_flight[pool] - 1, 0)
