"""A real HTTP/1.1 server on 127.0.0.1 that replays Crossref responses and injects faults.

Nothing here reaches Crossref, so clients are tested over real sockets (keep-alive, resets,
timeouts) rather than mocks. Work envelopes are served byte for byte from files; the routes
behave as the real API did in 2026 (plain-text 404s, rate-limit headers on every response).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote

from claimcheck.testing.faults import (
    NOT_FOUND_BODY,
    Fault,
    RecordedRequest,
    _ok,
    _Response,
    _text,
    _validation_failure,
)
from claimcheck.testing.http_handler import _Server
from claimcheck.testing.limits import Limiter, Limits, pool_of

__all__ = ["DEFAULT_RATE_HEADERS", "NOT_FOUND_BODY", "Fault", "RecordedRequest", "ReplayServer"]

# Real 2026 response headers per pool (recorded in 2026, the polite and public pools).
DEFAULT_RATE_HEADERS: dict[str, dict[str, str]] = {
    pool: {
        "x-rate-limit-limit": limit,
        "x-rate-limit-interval": "1s",
        "x-concurrency-limit": concurrency,
        "x-api-pool": pool,
    }
    for pool, limit, concurrency in [("polite", "10", "3"), ("public", "5", "1")]
}
AGENCY_LABELS = {"crossref": "Crossref", "datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC"}


def _is_work(envelope: object) -> bool:
    return (
        isinstance(envelope, dict)
        and envelope.get("message-type") == "work"
        and isinstance(envelope.get("message"), dict)
        and isinstance(envelope["message"].get("DOI"), str)
    )


_NOT_FOUND = _text(404, NOT_FOUND_BODY)

# Each data file as read and parsed, by path, modification time and size: a test run starts
# hundreds of servers on the same few directories, and parsing them took about 20 ms a server.
# The parsed documents are shared between servers, which only ever read them.
_PARSED: dict[tuple[str, int, int], tuple[bytes, Any]] = {}
_PARSED_LOCK = threading.Lock()


def _read_json(path: Path) -> tuple[bytes, Any]:
    """(the bytes of `path`, the JSON document they hold), parsed once while unchanged."""
    stat = path.stat()
    key = (os.path.abspath(path), stat.st_mtime_ns, stat.st_size)
    with _PARSED_LOCK:
        known = _PARSED.get(key)
    if known is None:
        body = path.read_bytes()
        known = (body, json.loads(body))
        with _PARSED_LOCK:
            _PARSED[key] = known
    return known


@dataclass
class _ArmedFault:
    fault: Fault
    remaining: int | None  # kept apart from the frozen Fault so one Fault can be reused


class ReplayServer:
    """Serve Crossref `/works` routes from files at `url` (http://127.0.0.1:PORT).

    Routes (GET only, else 405): `/works/{doi}` (DOI percent-encoded or not), `/works/{doi}/agency`
    and `/works?filter=doi:A,doi:B&rows=N`; anything else is a plain-text 404.
    A fault applies to a request when `match` is None, equals one of its DOIs (decoded,
    lower-cased; for a list request, any DOI in the filter), or is a substring of the raw
    request target (path and query as sent). The first matching fault with `times` left wins.
    `enforce_limits` turns on Crossref's rate and concurrency limits (`limits`): see limits.py.
    """

    def __init__(
        self,
        *data_dirs: str | Path,
        agencies: Mapping[str, str] | None = None,
        latency: float = 0.0,
        rate_headers: Mapping[str, Mapping[str, str]] | None = None,
        enforce_limits: bool = False,
        limits: Limits | None = None,
        unknown_search_status: int | None = None,
    ) -> None:
        self.latency = latency
        # None: a search nothing was added for gets an empty work-list (`add_search`); a status
        # fails it instead, as `--replay` fails a search its snapshot does not hold.
        self.unknown_search_status = unknown_search_status
        self.enforce_limits = enforce_limits
        self.limiter = Limiter(limits or Limits())
        source = DEFAULT_RATE_HEADERS if rate_headers is None else rate_headers
        self.rate_headers = {pool: dict(headers) for pool, headers in source.items()}
        self.agencies = {doi.lower(): agency for doi, agency in (agencies or {}).items()}
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []  # unexpected server-side exceptions, for asserts
        self.max_in_flight = 0  # peak concurrent requests, to check x-concurrency-limit is kept
        self._in_flight = 0
        self._works: dict[str, tuple[bytes, dict[str, Any]]] = {}
        self._searches: dict[str | None, bytes] = {}
        self._faults: list[_ArmedFault] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # notified when the last handler finishes
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for directory in map(Path, data_dirs):
            if not directory.is_dir():  # a typo would otherwise give a server that 404s all
                raise FileNotFoundError(f"replay data directory not found: {directory}")
            for path in sorted(directory.rglob("*.json")):
                body, envelope = _read_json(path)
                if _is_work(envelope):  # sidecars, lists and errors share the extension
                    self._works[envelope["message"]["DOI"].lower()] = (body, envelope["message"])

    def add_search(self, body: bytes, query: str | None = None) -> None:
        """Answer `/works?query.bibliographic=<query>` with `body` (a work-list envelope, as
        recorded); `query=None` answers every bibliographic search with it. A search nothing
        was added for gets an empty work-list: the server cannot rank its works as Crossref
        would, and inventing candidates would hint the answer."""
        with self._lock:
            self._searches[query] = body

    def add_work(self, body: bytes) -> str:
        """Register one more `/works/{doi}` envelope (replacing any same DOI); return its DOI."""
        envelope = json.loads(body)
        if not _is_work(envelope):
            raise ValueError("not a Crossref work envelope (message-type 'work' with message.DOI)")
        doi: str = envelope["message"]["DOI"].lower()
        with self._lock:
            self._works[doi] = (body, envelope["message"])
        return doi

    @property
    def throttled(self) -> int:
        return self.limiter.throttled

    @property
    def dois(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._works)

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(_ArmedFault(fault, fault.times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests_for(self, doi: str) -> list[RecordedRequest]:
        """Work and agency requests for `doi` (list requests carry theirs in `filter_dois`)."""
        with self._lock:
            return [r for r in self.requests if r.doi == doi.lower()]

    def _take_fault(self, request: RecordedRequest) -> Fault | None:
        dois = {request.doi, *request.filter_dois}
        target = request.raw_line.split(" ")[1] if " " in request.raw_line else request.path
        with self._lock:  # decrement under the lock so concurrent requests never over-fire
            for armed in self._faults:
                match = armed.fault.match
                if armed.remaining != 0 and (
                    match is None or match.lower() in dois or match in target
                ):
                    if armed.remaining is not None:
                        armed.remaining -= 1
                    return armed.fault
        return None

    def _begin(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.notify_all()

    def _sleep(self, seconds: float) -> bool:
        """Sleep, cut short by stop() so it returns promptly; True if the server is stopping."""
        return self._stopping.wait(seconds) if seconds > 0 else self._stopping.is_set()

    def _classify(self, path: str) -> tuple[str, str | None]:
        if path == "/works":
            return "list", None
        if not path.startswith("/works/") or path == "/works/":
            return "other", None
        doi = unquote(path[len("/works/") :]).lower()
        with self._lock:
            known = doi in self._works
        if doi.endswith("/agency") and not known:  # a DOI may itself end in "/agency"
            base = doi[: -len("/agency")]
            return ("agency", base) if base else ("other", None)
        return "work", doi

    def _route(self, request: RecordedRequest) -> _Response:
        with self._lock:
            work = self._works.get(request.doi or "")
            agency = "crossref" if work else self.agencies.get(request.doi or "")
        if request.route == "work":
            if any(key.startswith("query.") for key in request.query):
                # Real Crossref refuses field queries on singleton routes (recorded 2026).
                return _validation_failure(
                    "parameter-not-allowed",
                    "query.*",
                    "This route does not support field query parameters",
                )
            return (
                _NOT_FOUND
                if work is None
                else _Response(200, [("Content-Type", "application/json")], work[0])
            )
        if request.route == "agency" and agency is not None:
            label = AGENCY_LABELS.get(agency, agency)
            return _ok(
                "work-agency", {"DOI": request.doi, "agency": {"id": agency, "label": label}}
            )
        if request.route == "list":
            return self._route_list(request)
        return _NOT_FOUND

    def _route_list(self, request: RecordedRequest) -> _Response:
        clauses = ",".join(request.query["filter"]).split(",") if "filter" in request.query else []
        for clause in clauses:
            key = clause.partition(":")[0].strip()
            if key != "doi" or ":" not in clause:
                return _validation_failure(
                    "filter-not-available",
                    key,
                    f"Filter {key} specified but there is no such"
                    " filter for this route. Valid filters for this route are: doi",
                )
        rows_text = request.query.get("rows", ["20"])[-1]  # Crossref's default page size
        if not rows_text.isdigit() or int(rows_text) > 1000:
            return _validation_failure(
                "integer-not-valid",
                rows_text,
                f"Integer specified as {rows_text} but must be"
                " a positive integer less than or equal to 1000. ",
            )
        if "query.bibliographic" in request.query:
            return self._route_search(request.query["query.bibliographic"][-1])
        with self._lock:
            if "filter" in request.query:
                items = [self._works[d][1] for d in request.filter_dois if d in self._works]
            else:  # every work, as Crossref lists its whole index (`/works?rows=0`: a count)
                items = [self._works[d][1] for d in sorted(self._works)]
        rows = int(rows_text)
        return _ok(
            "work-list",
            {
                "facets": {},
                "total-results": len(items),
                "items": items[:rows],
                "items-per-page": rows,
                "query": {"start-index": 0, "search-terms": None},
            },
        )

    def _route_search(self, query: str) -> _Response:
        with self._lock:
            body = self._searches.get(query, self._searches.get(None))
        if body is not None:
            return _Response(200, [("Content-Type", "application/json")], body)
        if self.unknown_search_status is not None:
            return _text(self.unknown_search_status, b"no answer for this search")
        empty = {"facets": {}, "total-results": 0, "items": [], "items-per-page": 0}
        return _ok("work-list", empty | {"query": {"start-index": 0, "search-terms": query}})

    def _pool_headers(self, request: RecordedRequest) -> dict[str, str]:
        pool = pool_of(request)
        limits = self.limiter.limits.headers(pool, request.route) if self.enforce_limits else {}
        return self.rate_headers.get(pool, {}) | limits

    def start(self) -> None:
        if self._server is not None:
            return
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="claimcheck-replay-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in latency or slow faults
        server.shutdown()
        # Kept-alive connections would otherwise go on being served after stop().
        server.close_connections()
        server.server_close()
        # A client can read the last byte before its handler has released its slot: wait
        # (bounded) so the server's counters are settled once stop() returns.
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=5)
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("ReplayServer is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
