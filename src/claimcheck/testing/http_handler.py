"""The HTTP plumbing of the replay server: a threading server that can drop every open
connection, and the request handler that records each request and sends the answer the
ReplayServer chooses (or the fault it injects)."""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from claimcheck.testing.faults import (
    NOT_FOUND_BODY,
    RecordedRequest,
    _header_text,
    _Response,
    _text,
)
from claimcheck.testing.limits import throttled_response

if TYPE_CHECKING:
    from claimcheck.testing.replay_server import ReplayServer


def _filter_dois(query: dict[str, list[str]]) -> tuple[str, ...]:
    clauses = ",".join(query.get("filter", [])).split(",")
    found = (c.partition(":")[2].strip().lower() for c in clauses if c.strip().startswith("doi:"))
    return tuple(dict.fromkeys(d for d in found if d))  # dedupe, keep the client's order


class PromptShutdown(socketserver.TCPServer):
    """A TCP server whose `serve_forever` loop `shutdown()` ends at once.

    socketserver's own loop notices a shutdown only at its next poll (`poll_interval`), so
    every stop() of a test server waited for it: hundreds of times in a test run. Here
    shutdown() also writes to a socket the loop watches. Requests are served as before.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._stop_requested = False
        self._loop_ended = threading.Event()
        super().__init__(*args, **kwargs)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._loop_ended.clear()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.fileno(), selectors.EVENT_READ)
                selector.register(self._wake_reader, selectors.EVENT_READ)
                while not self._stop_requested:
                    ready = selector.select(poll_interval)
                    if self._stop_requested:  # shutdown() was called during select()
                        break
                    for key, _events in ready:
                        if key.fileobj is self._wake_reader:
                            self._wake_reader.recv(4096)  # a stale wake-up: nothing to do
                        else:
                            self._handle_request_noblock()  # type: ignore[attr-defined]
                    self.service_actions()
        finally:
            self._stop_requested = False
            self._loop_ended.set()

    def shutdown(self) -> None:
        """Stop the serve_forever loop and wait for it to end (call it from another thread)."""
        self._stop_requested = True
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")
        self._loop_ended.wait()

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()


class _Server(PromptShutdown, ThreadingHTTPServer):
    daemon_threads = True  # a handler stuck on a dead client must never keep the process alive

    def __init__(self, replay: ReplayServer) -> None:
        self.replay = replay
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup that can stall offline.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # its handler may have closed it already
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients vanishing (timeouts, resets, stop()) is normal here: stay quiet. Real bugs
        # are kept for tests to assert on rather than printed to stderr.
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, OSError):
            self.replay.errors.append(exc)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a pooled client reuses connections
    # Headers and body go out in two writes; with Nagle on, delayed ACKs add ~40 ms to each.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence access logs: test output must stay clean."""

    def do_GET(self) -> None:
        self._serve()

    def _not_allowed(self) -> None:
        self.close_connection = True  # an unread request body would corrupt the next request
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_allowed

    def _serve(self) -> None:
        replay = self.server.replay
        request = self._recorded(replay)
        replay._begin(request)
        admitted = replay.limiter.admit(request) if replay.enforce_limits else None
        try:
            if admitted is False:  # refused at once, before any latency, as Crossref's edge does
                self._send(throttled_response(), request)
            elif replay._sleep(replay.latency):
                self.close_connection = True
            elif self.command != "GET":
                self._send(
                    _Response(
                        405,
                        [("Content-Type", "text/plain"), ("Allow", "GET")],
                        b"Method not allowed.",
                    ),
                    request,
                )
            else:
                self._answer(replay, request)
        except OSError:
            self.close_connection = True  # the client went away mid-response: nothing to say
        finally:
            if admitted:
                replay.limiter.release(request)
            replay._end()  # last, so a stopped server has released every slot it admitted

    def _answer(self, replay: ReplayServer, request: RecordedRequest) -> None:
        fault = replay._take_fault(request)
        if fault is None:
            self._send(replay._route(request), request)
        elif fault.kind == "status":
            phrase = self.responses.get(fault.status, ("",))[0]
            response = _text(
                fault.status,
                NOT_FOUND_BODY
                if fault.status == 404
                else f"{fault.status} {phrase}".strip().encode(),
            )
            if fault.retry_after is not None:
                response.headers.append(("Retry-After", fault.retry_after))
            self._send(response, request)
        elif fault.kind == "reset":
            self._reset()
        elif fault.kind == "slow":
            if replay._sleep(fault.delay):
                self.close_connection = True
            else:
                self._send(replay._route(request), request)
        elif fault.kind == "truncated":
            response = replay._route(request)
            self._send(response, request, limit=len(response.body) // 2)
            self.close_connection = True
        else:
            content_type = _header_text(fault.content_type)
            self._send(_Response(200, [("Content-Type", content_type)], fault.body), request)

    def _recorded(self, replay: ReplayServer) -> RecordedRequest:
        path, _, query_text = self.path.partition("?")
        query = parse_qs(query_text, keep_blank_values=True)
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        route, doi = replay._classify(path)
        return RecordedRequest(
            method=self.command,
            raw_line=self.requestline,
            path=path,
            query=query,
            headers=headers,
            doi=doi,
            filter_dois=_filter_dois(query) if route == "list" else (),
            route=route,
            at=time.monotonic(),
            client_port=int(self.client_address[1]),
        )

    def _send(
        self, response: _Response, request: RecordedRequest, limit: int | None = None
    ) -> None:
        self.send_response(response.status)
        for name, value in [*response.headers, *self.server.replay._pool_headers(request).items()]:
            self.send_header(name, value)
        # Always the full length: a truncated body must look complete until it stops.
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body if limit is None else response.body[:limit])

    def _reset(self) -> None:
        self.close_connection = True
        # Linger 0 makes close() send RST instead of FIN: the client sees a reset connection.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # the makefile holds a reference; the fd only closes once it is gone
        self.connection.close()
