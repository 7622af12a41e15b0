"""Every socket read, write and connect of an attempt ends by that attempt's deadline.

httpx2's timeouts bound each read alone, and restart with every byte: a server sending one
header byte every 0.3 s, or `103 Early Hints` responses without end, held a run past both
`--timeout` and `--deadline` (the deadline was only checked between body chunks, and the
headers never ended). A network backend for httpcore2 (its public `network_backend`
parameter) caps each operation's timeout at the time left to the deadline that `fetch` sets
around each attempt, and refuses to start one once it has passed.

The deadline is held per thread (a ContextVar: a thread starts without one): the pool is
shared by the lookup threads, and each attempt's reads happen in its own thread.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore2
import httpx2

from claimcheck.transport.bounded import LATE

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "claimcheck_attempt_deadline", default=None
)


@contextmanager
def attempt_deadline(seconds: float) -> Iterator[None]:
    """Within this block, this thread's network operations end `seconds` from now (real
    time: socket timeouts are real seconds, whatever clock the fetcher was given)."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _capped(timeout: float | None, late: type[Exception]) -> tuple[float | None, bool]:
    """(the timeout to use, whether the deadline rather than `timeout` set it)."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout, False
    left = deadline - time.monotonic()
    if left <= 0:
        raise late(LATE)
    if timeout is None or left < timeout / 2:
        # Cut short by the deadline (by half or more): when it fires it is the whole response
        # that was late. A read that kept most of its own timeout (a stall from the start)
        # says it timed out, as before.
        return left, True
    return min(timeout, left), False


class _Stream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        capped, cut = _capped(timeout, httpcore2.ReadTimeout)
        try:
            return self._stream.read(max_bytes, capped)
        except httpcore2.ReadTimeout:
            if cut:
                raise httpcore2.ReadTimeout(LATE) from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _capped(timeout, httpcore2.WriteTimeout)[0])

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        capped = _capped(timeout, httpcore2.ConnectTimeout)[0]
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """httpcore2's own synchronous backend, each stream bounded by the attempt's deadline."""

    def __init__(self, backend: httpcore2.NetworkBackend | None = None) -> None:
        self._backend = backend or httpcore2.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        capped = _capped(timeout, httpcore2.ConnectTimeout)[0]
        stream = self._backend.connect_tcp(host, port, capped, local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        capped = _capped(timeout, httpcore2.ConnectTimeout)[0]
        return _Stream(self._backend.connect_unix_socket(path, capped, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class DeadlineTransport(httpx2.HTTPTransport):
    """httpx2's own transport over a pool whose connections use DeadlineBackend.

    HTTPTransport takes no network backend, so this builds the pool itself, as HTTPTransport
    does for a direct connection (claimcheck configures no proxy), and keeps HTTPTransport's
    request and response mapping and its exception translation, which `handle_request` and
    `close` do over `self._pool`. That attribute is HTTPTransport's own: `__init__` checks
    it is there, and tests/test_bounds.py fails loudly if httpx2 stops using it."""

    def __init__(self, *, verify: bool, limits: httpx2.Limits) -> None:
        # One SSL context for both pools: with verify, making one loads the CA certificates.
        context = httpx2.create_ssl_context(verify=verify)
        super().__init__(verify=context, limits=limits)
        if not isinstance(getattr(self, "_pool", None), httpcore2.ConnectionPool):
            raise RuntimeError("httpx2.HTTPTransport no longer keeps its pool in `_pool`")
        self._pool.close()  # never used: it has made no connection
        self._pool = httpcore2.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=DeadlineBackend(),
        )
