"""Writing output to a non-blocking stdout, as some CI runners leave it: a write to its full
pipe is refused (EAGAIN) where a blocking one would wait. The output must still arrive
whole, and the run keep its own exit code (it exited 74 with the first 64 KiB)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from claimcheck.transport.files import write_chunks

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pipe sizes are Linux's")

ROOT = Path(__file__).resolve().parent.parent
PAGE = 4096


def _nonblocking_pipe() -> tuple[int, int]:
    """A pipe of one page whose write end is non-blocking."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PAGE)
    flags = fcntl.fcntl(write_end, fcntl.F_GETFL)
    fcntl.fcntl(write_end, fcntl.F_SETFL, flags | os.O_NONBLOCK)
    return read_end, write_end


def _drain_once_full(read_end: int, received: bytearray, done: threading.Event) -> None:
    """Read nothing until the pipe is full, so that the writer meets EAGAIN (or the writer
    is done without filling it), then all of it."""
    import termios

    while not done.is_set():
        held = bytearray(4)
        fcntl.ioctl(read_end, termios.FIONREAD, held)
        if int.from_bytes(held, sys.byteorder) >= PAGE:
            break
        time.sleep(0.001)  # waits on the writer, whatever its speed: not a timing assumption
    while chunk := os.read(read_end, 65536):
        received.extend(chunk)


def test_write_chunks_waits_for_a_full_non_blocking_pipe() -> None:
    read_end, write_end = _nonblocking_pipe()
    data = bytes(range(256)) * 4096  # 1 MiB
    received, done = bytearray(), threading.Event()
    reader = threading.Thread(target=_drain_once_full, args=(read_end, received, done))
    reader.start()
    try:
        write_chunks(write_end, [data[i : i + 1000] for i in range(0, len(data), 1000)])
    finally:
        os.close(write_end)
        done.set()
        reader.join()
        os.close(read_end)
    assert bytes(received) == data


def test_a_table_on_a_non_blocking_stdout_arrives_whole() -> None:
    argv = [sys.executable, "-m", "claimcheck", "audit", "claims/stem-cell-safety.yaml"]
    argv += ["--replay", "claims/stem-cell-safety.evidence"]
    env = {**os.environ, "COLUMNS": "400", "CLAIMCHECK_QUIET": "1"}
    expected = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
    assert len(expected.stdout) > 4 * PAGE  # more than the pipe holds
    read_end, write_end = _nonblocking_pipe()
    received, done = bytearray(), threading.Event()
    reader = threading.Thread(target=_drain_once_full, args=(read_end, received, done))
    reader.start()
    try:
        child = subprocess.run(
            argv, cwd=ROOT, env=env, stdout=write_end, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write_end)
        done.set()
        reader.join()
        os.close(read_end)
    assert child.stderr.decode() == expected.stderr.decode()
    assert (child.returncode, bytes(received)) == (expected.returncode, expected.stdout)
