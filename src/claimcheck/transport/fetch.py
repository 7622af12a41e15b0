"""Getting Crossref responses: over HTTP (pooled, polite, retrying), or from an evidence snapshot.

A Fetcher turns a request path (`/works/10.1038%2Fnbt.2816`) into a RawResponse, or raises
LookupFailed. It knows nothing of what the body means; the sources do.
"""

from __future__ import annotations

import email.utils
import functools
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from claimcheck import __version__
from claimcheck.model.errors import LookupFailed
from claimcheck.transport.bounded import LATE, BodyProblem, read_body
from claimcheck.transport.limiter import MAX_WAIT, POLITE, PUBLIC, SINGLE, Limiter, WaitTooLong

if TYPE_CHECKING:
    import httpx2

DEFAULT_BASE_URL = "https://api.crossref.org"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_YEAR = 365 * 24 * 3600.0
# Crossref's etiquette: stop when the error rate reaches 10% (https://github.com/CrossRef/rest-api-doc#etiquette).
# Judged over whole requests (retries included), once there are enough to judge.
STOP_ERROR_RATE = 0.10
STOP_MIN_REQUESTS = 20
CANCELLED = "not attempted: the run ended before it was needed"


@dataclass(frozen=True)
class RawResponse:
    request: str  # path and query as sent, without credentials or contact details
    status: int
    content_type: str
    body: bytes
    fetched_at: str  # ISO 8601, UTC
    document: Any = None  # the body parsed as JSON, when the fetcher already did (once)


# httpcore2's trace event (`http11.…`, `http2.…`) once a request's headers are written.
REQUEST_WRITTEN = ".send_request_headers.complete"


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
    """Parse Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3). The wait is
    returned as asked (up to a year); the limiter refuses waits past its bound."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,12}", value):  # ASCII digits only: "²".isdigit() is true
        return min(float(value), _YEAR)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return min(max(when.timestamp() - now, 0.0), _YEAR)


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
        deadline: float | None = None,
    ) -> None:
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
        # Gzip only: bodies are inflated in bounded steps here (bounded.py), never by httpx2.
        headers["Accept-Encoding"] = "gzip"
        self.timeout = timeout
        # Made at the first request (`_http`): a run the cache answers whole never imports
        # httpx2 (about 0.1 s).
        self._client = client
        self._client_lock = threading.Lock()
        self._headers = headers
        # The run's own deadline (--deadline), as a point on `clock`; None: no deadline.
        self.run_deadline = None if deadline is None else clock() + deadline
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
        self._cancelled = threading.Event()
        # Set once any request has been written to the server (httpcore2's trace says so).
        self.written = threading.Event()

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()

    def _http(self) -> httpx2.Client:
        """The pooled client, made once, by the first request."""
        with self._client_lock:
            if self._client is None:
                import httpx2

                from claimcheck.transport.deadline import DeadlineTransport

                # Every request goes to base_url, and a redirect is an answer, never followed;
                # so a plain http:// base (a local mirror or replay) never does TLS, and
                # loading the CA certificates (about 90 ms) is skipped. https:// verifies.
                verify = not _plain_http(self.base_url)
                limits = httpx2.Limits(max_connections=8, max_keepalive_connections=8)
                # The transport bounds each attempt's socket operations by its deadline
                # (deadline.py). httpx2 reads HTTP(S)_PROXY only when given no transport, so
                # behind a proxy the client is httpx2's own: the proxy is used, and each
                # attempt is bounded by --timeout per read and by read_body's deadline.
                transport = None if _proxied() else DeadlineTransport(verify=verify, limits=limits)
                self._client = httpx2.Client(
                    timeout=httpx2.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                    transport=transport,
                    verify=verify,
                    limits=limits,
                    follow_redirects=False,
                )
            return self._client

    def cancel(self) -> None:
        """No request leaves after this: each one not yet sent fails at once, so a run that
        ends early (a claim map that fails validation) never waits for lookups it no longer
        needs. Requests already on the wire finish within their timeout."""
        self._cancelled.set()

    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        if self.stopped:
            raise LookupFailed(
                subject, "not attempted: Crossref's error rate reached 10%, so claimcheck stopped"
            )
        if self._cancelled.is_set():
            raise LookupFailed(subject, CANCELLED)
        outcome = _Outcome(None, "no attempt made")
        attempts = 0
        for attempt in range(self.retries + 1):
            outcome = self._attempt(request, kind)
            attempts += 1
            if outcome.response is not None:
                self._record(failed=False)
                return outcome.response
            if outcome.final or attempt == self.retries:
                break
            if outcome.retry_after is None:
                # Exponential backoff with full jitter, as Crossref's etiquette asks after
                # timeouts, 429 or 5xx: back off, do not just repeat. A Retry-After instead
                # holds every request in the limiter until then.
                pause = random.uniform(0, self.backoff * (2**attempt))
                if self._past_run_deadline(pause):
                    break
                self._sleep(pause)
        self._record(failed=True)
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        raise LookupFailed(subject, f"{outcome.problem}{tries}")

    def _past_run_deadline(self, after: float = 0.0) -> bool:
        return self.run_deadline is not None and self._clock() + after > self.run_deadline

    def _budget(self) -> float:
        if self.run_deadline is None:
            return self.timeout
        return max(0.001, min(self.timeout, self.run_deadline - self._clock()))

    def _max_wait(self) -> float:
        """How long a request may wait for its turn: the limiter's bound, and the run's
        deadline if that comes first."""
        if self.run_deadline is None:
            return MAX_WAIT
        return max(0.0, min(MAX_WAIT, self.run_deadline - self._clock()))

    @property
    def stopped(self) -> bool:
        done, failed = self._outcomes
        return done >= self.stop_min_requests and failed / done >= STOP_ERROR_RATE

    def _record(self, *, failed: bool) -> None:
        with self._lock:
            self._outcomes[0] += 1
            self._outcomes[1] += int(failed)

    def _attempt(self, request: str, kind: str) -> _Outcome:
        """One request, bounded in time and size."""
        import httpx2

        from claimcheck.transport.deadline import attempt_deadline

        if self._past_run_deadline():
            return _Outcome(None, "not attempted: the run's --deadline passed", final=True)
        try:
            with self.limiter.slot(kind, max_wait=self._max_wait()):
                if self._cancelled.is_set():  # cancelled while waiting for its turn
                    return _Outcome(None, CANCELLED, final=True)
                with self._lock:
                    self.attempts += 1
                # --timeout bounds the whole response (headers and body), and no request
                # outlives the run's --deadline: each read gets at most what is left.
                budget = self._budget()
                deadline = self._clock() + budget
                url = self.base_url + request
                timeout = httpx2.Timeout(budget, connect=min(budget, 10.0))
                # httpcore2's trace says when the request is written, after any connection
                # was made: the limiter keeps the pace from then (Limiter.sent).
                trace = functools.partial(self._traced, kind)
                # Each read's own timeout restarts with every byte; the attempt's deadline
                # also ends reads within the headers (a drip, endless 1xx responses).
                with (
                    attempt_deadline(budget),
                    self._http().stream(
                        "GET",
                        url,
                        headers=self._headers,
                        timeout=timeout,
                        extensions={"trace": trace},
                    ) as reply,
                ):
                    headers = {k.lower(): v for k, v in reply.headers.items()}
                    body = read_body(
                        reply.iter_raw(),  # whatever each read brings: the deadline is
                        # checked between reads, so none may wait for a full chunk
                        headers.get("content-encoding", ""),
                        deadline=deadline,
                        clock=self._clock,
                    )
                    status = reply.status_code
        except WaitTooLong as exc:
            return _Outcome(None, f"not attempted: {exc}", final=True)
        except BodyProblem as exc:
            return _Outcome(None, str(exc), final=not exc.retry)
        except httpx2.TimeoutException as exc:
            return _Outcome(None, LATE if str(exc) == LATE else "timed out")
        except httpx2.TransportError as exc:
            return _Outcome(None, _transport_problem(exc))
        return self._judge(request, kind, status, headers, body)

    def _traced(self, kind: str, event: str, _info: object) -> None:
        if event.endswith(REQUEST_WRITTEN):
            self.limiter.sent(kind)
            self.written.set()

    def _judge(
        self, request: str, kind: str, status: int, headers: dict[str, str], body: bytes
    ) -> _Outcome:
        content_type = headers.get("content-type", "")
        if status in RETRY_STATUSES:
            wait = retry_after_seconds(headers.get("retry-after"), time.time())
            # Only a 429 or 503 says the pace is too fast; any of these statuses may carry a
            # Retry-After, and `fetch` skips its backoff for one, so the limiter must hold
            # the retry until then (a 500 with one was retried at once).
            if status in (429, 503):
                self.limiter.throttled(kind, wait)
            elif wait is not None:
                self.limiter.hold(wait)
            if wait is not None and wait > MAX_WAIT:
                return _Outcome(
                    None,
                    f"HTTP {status}: the server asked to wait {wait:.0f} s, longer than the "
                    f"{MAX_WAIT:.0f} s claimcheck waits",
                    final=True,
                )
            return _Outcome(None, f"HTTP {status}", wait)
        self.limiter.observe(kind, headers)
        if status == 200 and (dense := _too_dense(body)) is not None:
            return _Outcome(None, f"HTTP 200 with {dense}", final=True)  # as dense next time
        document, problem = _parse_json(body, content_type) if status == 200 else (None, None)
        if problem is not None:
            # A proxy's HTML error page or a cut-off body served as 200: transient, retry.
            return _Outcome(None, f"HTTP 200 with {problem}")
        response = RawResponse(request, status, content_type, body, now_iso(), document)
        return _Outcome(response, "")


@dataclass(frozen=True)
class _Outcome:
    """One attempt: a response, or why not, and whether (and when) trying again may help."""

    response: RawResponse | None
    problem: str
    retry_after: float | None = None
    final: bool = False


# A JSON object or array costs Python about 60 to 100 bytes however few it takes on the wire:
# `{},{},…` inflating to the body cap was 20 million dicts, 1.8 GB for one answer. Real
# answers hold far fewer: every one stored (tests/data/crossref/recorded, tests/data/datacite
# and the seed's evidence, compact as Crossref sends them) has at least 29 bytes per `{` or
# `[` (the densest, a seed record, 31.6; recorded Crossref answers of 4 KB or more, 46).
# A body denser than one per 8 bytes, four times the densest, is refused unread. The count
# counts brackets inside strings too, which only makes a real answer look denser than it is.
BYTES_PER_CONTAINER = 8
DENSE_FLOOR = 10_000  # containers: below this a body is too small to cost much whatever it is


def _too_dense(body: bytes) -> str | None:
    """Why `body` is refused unparsed (too many JSON containers for its size), or None."""
    containers = body.count(b"{") + body.count(b"[")
    if containers <= max(DENSE_FLOOR, len(body) // BYTES_PER_CONTAINER):
        return None
    return (
        f"a JSON body too dense to read ({containers} objects and arrays in {len(body)} bytes;"
        f" more than one per {BYTES_PER_CONTAINER} bytes)"
    )


def _parse_json(body: bytes, content_type: str) -> tuple[Any, str | None]:
    """(the parsed body, None), or (None, why it is not a JSON document). Parsed here once,
    for the client to read. A number of thousands of digits or arrays nested thousands deep
    is a body claimcheck cannot read, not a crash."""
    import json

    try:
        return json.loads(body), None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, f"a body that is not JSON ({_kind(body, content_type)})"
    except (ValueError, RecursionError) as exc:
        problem = f"a JSON body claimcheck cannot read ({type(exc).__name__}: {str(exc)[:80]})"
        return None, problem


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


def _proxied() -> bool:
    """Whether the environment names a proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, any case),
    which httpx2 honours by default (trust_env)."""
    import urllib.request

    return any(name != "no" for name in urllib.request.getproxies_environment())


def _plain_http(url: str) -> bool:
    return url.lower().startswith("http://")
