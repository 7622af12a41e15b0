"""Getting Crossref responses: over HTTP (pooled, polite, retrying), or from an evidence snapshot.

A Fetcher turns a request path (`/works/10.1038%2Fnbt.2816`) into a RawResponse, or raises
LookupFailed. It knows nothing of what the body means; crossref.py does.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from claimcheck import __version__
from claimcheck.errors import LookupFailed
from claimcheck.limiter import POLITE, PUBLIC, SINGLE, Limiter

if TYPE_CHECKING:
    import httpx2

DEFAULT_BASE_URL = "https://api.crossref.org"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0
# Crossref's etiquette: stop when the error rate reaches 10% (https://github.com/CrossRef/rest-api-doc#etiquette).
# Judged over whole requests (retries included), once there are enough to judge.
STOP_ERROR_RATE = 0.10
STOP_MIN_REQUESTS = 20


@dataclass(frozen=True)
class RawResponse:
    request: str  # path and query as sent, without credentials or contact details
    status: int
    content_type: str
    body: bytes
    fetched_at: str  # ISO 8601, UTC


class Fetcher(Protocol):
    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        """Return the final response for `request`; `subject` names it in errors (a DOI)."""
        ...

    def close(self) -> None: ...


def user_agent(mailto: str | None) -> str:
    # Crossref's etiquette: name the tool and its version, and give a contact to join the
    # polite pool (https://github.com/CrossRef/rest-api-doc#etiquette).
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"claimcheck/{__version__} (citation audit{contact})"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Parse Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER)


class HttpFetcher:
    """One pooled httpx2.Client; retries timeouts, resets, 429 and 5xx with jittered backoff."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        mailto: str | None = None,
        token: str | None = None,
        timeout: float = 20.0,
        retries: int = 4,
        backoff: float = 0.5,
        client: httpx2.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_rps: float | None = None,
        concurrency: int | None = None,
        stop_min_requests: int = STOP_MIN_REQUESTS,
    ) -> None:
        import httpx2

        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._clock = clock
        headers = {"User-Agent": user_agent(mailto), "Accept": "application/json"}
        if token:
            # Metadata Plus (https://www.crossref.org/documentation/metadata-plus/): never
            # logged or recorded.
            headers["Crossref-Plus-API-Token"] = f"Bearer {token}"
        self._client = client or httpx2.Client(
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx2.Limits(max_connections=8, max_keepalive_connections=8),
        )
        self._headers = headers
        self.limiter = Limiter(
            POLITE if mailto else PUBLIC,
            max_rps=max_rps,
            max_concurrency=concurrency,
            clock=clock,
            sleep=sleep,
        )
        self.attempts = 0
        self.stop_min_requests = stop_min_requests
        self._outcomes = [0, 0]  # requests finished, requests that failed
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        if self.stopped:
            raise LookupFailed(
                subject, "not attempted: Crossref's error rate reached 10%, so claimcheck stopped"
            )
        problem = "no attempt made"
        for attempt in range(self.retries + 1):
            response, problem, retry_after = self._attempt(request, kind)
            if response is not None:
                self._record(failed=False)
                return response
            if attempt < self.retries and retry_after is None:
                # Exponential backoff with full jitter, as Crossref's etiquette asks after
                # timeouts, 429 or 5xx: back off, do not just repeat. A Retry-After instead
                # holds every request in the limiter until then.
                self._sleep(random.uniform(0, self.backoff * (2**attempt)))
        self._record(failed=True)
        raise LookupFailed(subject, f"{problem} (after {self.retries + 1} attempts)")

    @property
    def stopped(self) -> bool:
        done, failed = self._outcomes
        return done >= self.stop_min_requests and failed / done >= STOP_ERROR_RATE

    def _record(self, *, failed: bool) -> None:
        with self._lock:
            self._outcomes[0] += 1
            self._outcomes[1] += int(failed)

    def _attempt(self, request: str, kind: str) -> tuple[RawResponse | None, str, float | None]:
        """One request. Returns (response, "", None) or (None, problem, retry-after seconds)."""
        import httpx2

        with self.limiter.slot(kind):
            with self._lock:
                self.attempts += 1
            try:
                reply = self._client.get(self.base_url + request, headers=self._headers)
                body = reply.content
            except httpx2.TimeoutException:
                return None, "timed out", None
            except httpx2.TransportError as exc:
                return None, _transport_problem(exc), None
        headers = {k.lower(): v for k, v in reply.headers.items()}
        content_type = headers.get("content-type", "")
        if reply.status_code in RETRY_STATUSES:
            wait = retry_after_seconds(headers.get("retry-after"), time.time())
            if reply.status_code in (429, 503):
                self.limiter.throttled(kind, wait)
            return None, f"HTTP {reply.status_code}", wait
        self.limiter.observe(kind, headers)
        if reply.status_code == 200 and not _looks_like_json(body):
            # A proxy's HTML error page or a cut-off body served as 200: transient, retry.
            return (
                None,
                f"HTTP 200 with a body that is not JSON ({_kind(body, content_type)})",
                None,
            )
        return RawResponse(request, reply.status_code, content_type, body, now_iso()), "", None


def _looks_like_json(body: bytes) -> bool:
    import json

    try:
        json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return True


def _kind(body: bytes, content_type: str) -> str:
    if not body.strip():
        return "empty"
    return content_type.split(";", 1)[0] or "no content type"


def _transport_problem(exc: Exception) -> str:
    import httpx2

    if isinstance(exc, httpx2.ConnectError):
        return "could not connect"
    if isinstance(exc, httpx2.RemoteProtocolError):
        return "connection closed mid-response"
    if isinstance(exc, httpx2.ReadError):
        return "connection reset"
    return f"network error ({type(exc).__name__})"
