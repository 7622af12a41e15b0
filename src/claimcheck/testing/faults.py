"""Injected faults, recorded requests and the response builders of the replay server.

Split out of `replay_server` to keep each module small; import the public names from
`claimcheck.testing` (or `claimcheck.testing.replay_server`), not from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["FAULT_KINDS", "NOT_FOUND_BODY", "Fault", "RecordedRequest"]

# Crossref's 404 body: plain text in 2026 (it was JSON in 2022), so never JSON-parse a 404.
NOT_FOUND_BODY = b"Resource not found."
FAULT_KINDS = frozenset({"status", "reset", "slow", "truncated", "body"})
_HTML_ERROR_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body>"
    b"<center><h1>502 Bad Gateway</h1></center></body></html>"
)


@dataclass(frozen=True)
class Fault:
    """One injected failure; `match`/`times` rules are described on `ReplayServer`."""

    kind: str
    status: int = 500
    retry_after: str | None = None
    delay: float = 0.0
    body: bytes = b""
    content_type: str = "application/json"
    match: str | None = None
    times: int | None = None

    def __post_init__(self) -> None:
        # Fail at construction: a misspelt kind would otherwise silently inject nothing.
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        if not 100 <= self.status <= 599:
            raise ValueError(f"status {self.status} is not an HTTP status code")
        if self.delay < 0 or (self.times is not None and self.times < 0):
            raise ValueError("delay and times must not be negative")
        if "\r" in self.content_type or "\n" in self.content_type:
            raise ValueError("a Content-Type with a line break would inject more headers")

    @classmethod
    def http(
        cls,
        status: int,
        retry_after: str | None = None,
        *,
        match: str | None = None,
        times: int | None = None,
    ) -> Fault:
        return cls("status", status=status, retry_after=retry_after, match=match, times=times)

    @classmethod
    def reset(cls, *, match: str | None = None, times: int | None = None) -> Fault:
        return cls("reset", match=match, times=times)

    @classmethod
    def slow(cls, delay: float, *, match: str | None = None, times: int | None = None) -> Fault:
        return cls("slow", delay=delay, match=match, times=times)

    @classmethod
    def truncated(cls, *, match: str | None = None, times: int | None = None) -> Fault:
        return cls("truncated", match=match, times=times)

    @classmethod
    def json(cls, body: bytes, *, match: str | None = None, times: int | None = None) -> Fault:
        """200 application/json with these bytes: wrong shapes, empty bodies, broken JSON."""
        return cls("body", body=body, match=match, times=times)

    @classmethod
    def html(
        cls,
        body: bytes = _HTML_ERROR_PAGE,
        *,
        content_type: str = "text/html",
        match: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """A proxy error page served as 200 text/html: the client must not trust the status.

        `content_type` may hold any character, even controls and bidi overrides: a hostile
        server's header, sent as its UTF-8 bytes (`_header_text`)."""
        return cls("body", body=body, content_type=content_type, match=match, times=times)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    raw_line: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    doi: str | None
    filter_dois: tuple[str, ...] = ()  # decoded lower-cased DOIs of a filter=doi:... request
    route: str = "other"  # "work" | "agency" | "list" | "other"
    at: float = 0.0  # time.monotonic() on arrival, to check a client's request rate
    client_port: int = 0  # same port on two requests = the client reused its connection


def _header_text(value: str) -> str:
    """`value` as `send_header` must be given it to put its UTF-8 bytes on the wire.

    http.server encodes header values as Latin-1 and refuses anything beyond; a hostile server
    sends whatever bytes it likes, and clients decode them as UTF-8 when they can.
    """
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


class _Response(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _text(status: int, body: bytes) -> _Response:
    return _Response(status, [("Content-Type", "text/plain")], body)


def _json_response(status: int, payload: object, content_type: str) -> _Response:
    # Crossref escapes "/" as "\/" on the wire; mimic it so parsers meet the real format.
    body = json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode("ascii")
    return _Response(status, [("Content-Type", content_type)], body)


def _ok(message_type: str, message: object) -> _Response:
    return _json_response(
        200,
        {
            "status": "ok",
            "message-type": message_type,
            "message-version": "1.0.0",
            "message": message,
        },
        "application/json",
    )


def _validation_failure(kind: str, value: str, message: str) -> _Response:
    payload = {
        "status": "failed",
        "message-type": "validation-failure",
        "message": [{"type": kind, "value": value, "message": message}],
    }
    return _json_response(400, payload, "application/json;charset=utf-8")  # as Crossref's 400s
