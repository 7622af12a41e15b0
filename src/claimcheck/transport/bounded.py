"""Reading one HTTP response body within bounds, whatever the server sends.

Two limits, checked as the bytes arrive:
- a deadline: headers and body must arrive by the time `--timeout` gives the request (a body
  that dribbles one byte a second never ends otherwise, since a read timeout bounds each
  read only);
- a size cap on the body *as decompressed*: a gzip bomb (10 MB inflating to 10 GiB) or an
  endless chunked body stops at the cap instead of filling memory.

Bodies are asked for as gzip only (`Accept-Encoding: gzip`, which Crossref serves) and
inflated here in bounded steps, so no single step can outgrow the cap by more than one step.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

MIB = 1024 * 1024
# The largest body claimcheck reads. Lists ask for whole records (no `select=`), at most 50
# DOIs a list (batching.MAX_BATCH). The largest real answer stored (tests/data/crossref/
# recorded/) is 447 KB, a list of 20 full records: 50 at that size are about 1.1 MB, and a
# single record with thousands of authors or references about one. 16 MiB leaves a margin
# of 14 times over such a list; a list past it is asked for again one DOI at a time. It was
# 64 MiB, and parsed JSON takes 10 to 30 times its size in memory (a 64 MiB body of small
# strings or objects took 1 to 2 GB), several answers at once.
MAX_BODY_BYTES = 16 * MIB
INFLATE_STEP = 1 * MIB  # bytes inflated per step, at most


LATE = "the whole response did not arrive in time"


class BodyProblem(Exception):
    """The body broke a bound or cannot be decoded; the message says which, for a person."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry  # a deadline may pass by chance; a too-large body will be again


class _Gzip:
    def __init__(self) -> None:
        # 32 + 15: accept a gzip or a zlib header (some servers label zlib as gzip).
        self._inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            piece = self._inflater.decompress(data, INFLATE_STEP)
            yield piece
            while self._inflater.unconsumed_tail:
                yield self._inflater.decompress(self._inflater.unconsumed_tail, INFLATE_STEP)
        except zlib.error as exc:
            raise BodyProblem(f"gzip body is corrupt ({exc})", retry=True) from None

    def finish(self) -> Iterator[bytes]:
        if not self._inflater.eof:
            raise BodyProblem("gzip body ends early", retry=True)
        yield b""


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def finish(self) -> Iterator[bytes]:
        yield b""


def _decoder(content_encoding: str) -> _Gzip | _Identity:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Gzip()
    raise BodyProblem(
        f"body sent in an encoding claimcheck did not ask for ({encoding[:40]!r})", retry=False
    )


def read_body(
    chunks: Iterable[bytes],
    content_encoding: str,
    *,
    deadline: float,
    clock: Callable[[], float],
    limit: int = MAX_BODY_BYTES,
) -> bytes:
    """The decoded body from raw `chunks`, or BodyProblem once a bound is broken."""
    decoder = _decoder(content_encoding)
    parts: list[bytes] = []
    size = 0

    def keep(pieces: Iterable[bytes]) -> None:
        nonlocal size
        for piece in pieces:
            size += len(piece)
            if size > limit:
                raise BodyProblem(f"body larger than {limit // MIB} MiB", retry=False)
            parts.append(piece)

    for raw in chunks:
        if clock() > deadline:
            raise BodyProblem(LATE, retry=True)
        keep(decoder.feed(raw))
    keep(decoder.finish())
    return b"".join(parts)
