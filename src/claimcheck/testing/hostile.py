"""A hostile registry on 127.0.0.1: answers every request with a response that never ends,
never fits in memory, or arrives too slowly, to test that a client stays bounded.

Behaviours (each answers every path the same way):
- `dribble`: a 200 JSON response whose body comes one byte every `interval` seconds;
- `gzip-bomb`: a gzip body that inflates to `size` bytes (10 GiB by default) from a few MB on
  the wire: the same deflate block repeated, so building it costs nothing;
- `endless-chunked`: a chunked 200 body that never ends;
- `huge-body`: a plain body of `size` bytes with a Content-Length to match;
- `stall`: headers, then silence until the client gives up;
- `header-drip`: a status line, then one header byte every `interval` seconds, never ending
  the headers;
- `info-flood`: `103 Early Hints` informational responses, one every `interval` seconds,
  never the final response.
The server writes until the client closes the connection, and counts what it sent.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
import zlib
from types import TracebackType
from typing import Self

from claimcheck.testing.http_handler import PromptShutdown

BEHAVIOURS = frozenset(
    {"dribble", "gzip-bomb", "endless-chunked", "huge-body", "stall", "header-drip", "info-flood"}
)
GIB = 1024**3
_BLOCK_INPUT = 1024 * 1024  # bytes of zeros behind one repeated deflate block


def _bomb_pieces() -> tuple[bytes, bytes]:
    """(gzip header and first block, one repeatable block), each inflating to 1 MiB.

    After a full flush a deflate stream's state is reset and byte-aligned, so compressing the
    same input again gives the same bytes, which can be repeated as often as wanted. The
    stream is never finished: a client that stops at its cap never reads a trailer.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = compressor.compress(b"\0" * _BLOCK_INPUT) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b"\0" * _BLOCK_INPUT) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first, block


class HostileServer:
    """`with HostileServer("gzip-bomb") as server: ... server.url`."""

    def __init__(self, behaviour: str, *, size: int = 10 * GIB, interval: float = 1.0) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; expected one of {BEHAVIOURS}")
        self.behaviour = behaviour
        self.size = size
        self.interval = interval
        self.requests = 0
        self.bytes_sent = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("HostileServer is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _sent(self, count: int) -> None:
        with self._lock:
            self.bytes_sent += count

    def answer(self, connection: socket.socket) -> None:
        """Read one request's head, then misbehave until the client closes."""
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            data = connection.recv(4096)
            if not data:
                return
            head += data
        with self._lock:
            self.requests += 1
        with contextlib.suppress(OSError):  # the client hanging up is the expected end
            getattr(self, "_" + self.behaviour.replace("-", "_"))(connection)

    def _send(self, connection: socket.socket, data: bytes) -> None:
        connection.sendall(data)
        self._sent(len(data))

    def _head(self, connection: socket.socket, *headers: str) -> None:
        lines = ["HTTP/1.1 200 OK", "Content-Type: application/json", *headers, "", ""]
        self._send(connection, "\r\n".join(lines).encode("ascii"))

    def _dribble(self, connection: socket.socket) -> None:
        self._head(connection, f"Content-Length: {self.size}")
        for index in range(self.size):
            if self._stopping.wait(self.interval):
                return
            self._send(connection, b'{"status":"ok"'[index : index + 1] or b" ")

    def _gzip_bomb(self, connection: socket.socket) -> None:
        first, block = _bomb_pieces()
        self._head(connection, "Content-Encoding: gzip", "Transfer-Encoding: chunked")
        sent = _BLOCK_INPUT
        self._chunk(connection, first)
        while sent < self.size and not self._stopping.is_set():
            self._chunk(connection, block * 16)
            sent += 16 * _BLOCK_INPUT

    def _endless_chunked(self, connection: socket.socket) -> None:
        self._head(connection, "Transfer-Encoding: chunked")
        self._chunk(connection, b"[")
        filler = b" " * 65536
        while not self._stopping.is_set():
            self._chunk(connection, filler)

    def _huge_body(self, connection: socket.socket) -> None:
        self._head(connection, f"Content-Length: {self.size}")
        filler, left = b" " * 65536, self.size
        while left > 0 and not self._stopping.is_set():
            piece = filler[: min(left, len(filler))]
            self._send(connection, piece)
            left -= len(piece)

    def _stall(self, connection: socket.socket) -> None:
        self._head(connection, "Content-Length: 100")
        while not self._stopping.wait(0.2):
            time.sleep(0)

    def _header_drip(self, connection: socket.socket) -> None:
        self._send(connection, b"HTTP/1.1 200 OK\r\n")
        while not self._stopping.wait(self.interval):
            self._send(connection, b"X")

    def _info_flood(self, connection: socket.socket) -> None:
        while not self._stopping.wait(self.interval):
            self._send(connection, b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n")

    def _chunk(self, connection: socket.socket, data: bytes) -> None:
        self._send(connection, f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n")


class _Server(PromptShutdown, socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, hostile: HostileServer) -> None:
        self.hostile = hostile
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.server.hostile.answer(self.request)
