"""Ctrl-C (SIGINT) and SIGTERM end a run the same way: before the report is begun, with the
failure document and no file changed; once it is begun, only when it is whole, so stdout
holds one document. Each run is a real process, as a shell, `timeout` or CI would start it."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from claimcheck.testing import Fault, ReplayServer
from tests.factories import work_envelope, write_map
from tests.test_cli import SEED_EVIDENCE, SEED_MAP
from tests.test_failures import check_document, ctrl_c_heard_by_children

EXE = str(Path(sys.executable).with_name("claimcheck"))
OLD = "the old report\n"
SAID = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated (SIGTERM)"}


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Until `condition` holds, while `process` runs (a guard against a hung test after 60 s,
    not a timing check)."""
    give_up = time.monotonic() + 60
    while not condition():
        if process.poll() is not None or time.monotonic() > give_up:
            process.kill()
            pytest.fail(f"the run never got that far: {process.communicate()}")
        time.sleep(0.02)


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def held_in_write(tmp_path: Path, output_format: str) -> tuple[subprocess.Popen[bytes], int]:
    """An audit whose report (over 64 KiB in SARIF and HTML) is stuck in a pipe nobody reads
    yet, its `-o json=` file already replaced: the report is being written. Returns the
    process and the pipe's end to read."""
    report = tmp_path / "old.json"
    report.write_text(OLD)
    read, write = os.pipe()
    args = ["audit", str(SEED_MAP), "--replay", str(SEED_EVIDENCE), "-f", output_format]
    args += ["--cache-dir", str(tmp_path / "cache"), "-o", f"json={report}"]
    args += ["-o", f"{output_format}={tmp_path / 'copy'}"]  # what stdout must get, byte for byte
    try:
        process = subprocess.Popen([EXE, *args], stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    wait_for(lambda: report.read_text() != OLD, process)
    return process, read


# Linux: a pipe can be made one page small, so that any output over that blocks in its write.
SMALL_PIPES = pytest.mark.skipif(
    not hasattr(fcntl, "F_SETPIPE_SZ"), reason="needs a pipe whose size can be set"
)


def unread(fd: int) -> int:
    """Bytes in the pipe `fd` reads from that nobody has read yet."""
    (count,) = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))
    return int(count)


def held_on_stdout(args: Sequence[str], size: int) -> tuple[subprocess.Popen[bytes], int]:
    """A run whose stdout is a pipe of one page nobody reads yet, once its output (`size`
    bytes, more than the pipe holds) is begun: it is blocked in that write. Returns the
    process and the pipe's end to read."""
    read, write = os.pipe()
    capacity = fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    if size <= capacity:
        os.close(read)
        os.close(write)
        pytest.skip(f"a pipe holds {capacity} bytes here, the whole output")
    try:
        process = subprocess.Popen([EXE, *args], stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    wait_for(lambda: unread(read) > 0, process)  # the first bytes: the write is begun
    return process, read


@SMALL_PIPES
def test_an_interrupt_while_an_audits_table_is_written_loses_no_byte(tmp_path: Path) -> None:
    # The table went through Python's buffered writer: the reader got its first 8 KiB of
    # 22 KiB, and stderr said the report was complete.
    args = ["audit", str(SEED_MAP), "--replay", str(SEED_EVIDENCE), "-f", "table"]
    args += ["--cache-dir", str(tmp_path / "cache"), "-q"]
    done = subprocess.run([EXE, *args], capture_output=True, check=False)
    with ctrl_c_heard_by_children():
        process, read = held_on_stdout(args, len(done.stdout))
        process.send_signal(signal.SIGINT)
        out = read_all(read)
        _none, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert out == done.stdout
    assert err.decode().strip().splitlines()[-1] == (
        "claimcheck: interrupted while the report was being written; it was finished first: "
        "the report and every -o file are complete"
    )


def stdout_is_the_report(output_format: str, out: bytes, err: bytes) -> None:
    text = out.decode()
    if output_format == "sarif":
        try:
            (run,) = json.loads(text)["runs"]
        except ValueError as exc:
            raise AssertionError(f"{exc}; stderr: {err.decode()}") from None
        assert run["invocations"][0]["executionSuccessful"] is True
        assert run["results"]
    else:
        assert text.count("<!DOCTYPE html>") == 1
        assert "<title>claimcheck: exit" not in text  # the failure page's title
        assert text.rstrip().endswith("</html>")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("output_format", ["sarif", "html"])
def test_an_interrupt_while_the_report_is_written_waits_until_it_is_whole(
    tmp_path: Path, sig: signal.Signals, output_format: str
) -> None:
    # Before: the first 64 KiB of the report, then a whole failure document (invalid SARIF,
    # two HTML pages), and stderr saying no file was written while old.json was replaced.
    # SIGTERM killed the process silently.
    with ctrl_c_heard_by_children():
        process, read = held_in_write(tmp_path, output_format)
        process.send_signal(sig)
        out = read_all(read)  # the reader comes back: the write goes on
        _none, err = process.communicate(timeout=120)
    assert process.returncode == 128 + sig, err
    stdout_is_the_report(output_format, out, err)
    # Not a byte lost: a write to the full pipe that the signal cut short is finished.
    assert out == (tmp_path / "copy").read_bytes()
    assert json.loads((tmp_path / "old.json").read_text())["schema"] == "claimcheck.audit/1"
    assert err.decode().strip().splitlines()[-1] == (
        f"claimcheck: {SAID[sig]} while the report was being written; it was finished first: "
        "the report and every -o file are complete"
    )
    assert "Traceback" not in err.decode()


def test_a_second_interrupt_while_the_report_is_written_cuts_it_short(tmp_path: Path) -> None:
    # A cancelled CI job: SIGINT, then SIGTERM. The second is the way out of a stdout whose
    # reader never reads: the run ends, saying the report was cut short, and no failure
    # document follows what stdout got of it.
    with ctrl_c_heard_by_children():
        process, read = held_in_write(tmp_path, "html")
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGTERM)
        out = read_all(read).decode()
        _none, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    # Cut short where the run was: in the second -o file, or on stdout.
    assert out.count("<!DOCTYPE html>") <= 1
    assert "<title>claimcheck: exit" not in out
    copy = tmp_path / "copy"
    assert not copy.exists() or copy.read_text().rstrip().endswith("</html>")
    assert not list(tmp_path.glob(".copy.*"))  # no temporary file left behind
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith("claimcheck: terminated (SIGTERM), the second interrupt while the ")
    assert "it was cut short" in last


@pytest.mark.parametrize("output_format", ["json", "sarif", "html"])
def test_sigterm_mid_lookup_exits_143_with_the_failure_document(
    tmp_path: Path, output_format: str
) -> None:
    # `timeout`, a cancelled CI job, `docker stop`. Before: killed by the signal, nothing on
    # stdout or stderr.
    path = write_map(tmp_path, "claimcheck: 1\nreferences: {A: {doi: 10.5555/a}}\nclaims: []\n")
    report = tmp_path / "report.json"
    report.write_text(OLD)
    with ReplayServer() as server:
        server.add_work(work_envelope("10.5555/a"))
        server.add_fault(Fault.slow(3600.0))
        args = ["audit", str(path), "-f", output_format, "--crossref-url", server.url]
        args += ["--timeout", "3600", "--mailto", "t@example.org", "-o", f"json={report}"]
        args += ["--cache-dir", str(tmp_path / "cache")]
        process = subprocess.Popen(
            [EXE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=False
        )
        wait_for(lambda: bool(server.requests), process)  # a lookup is in flight
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    check_document(output_format, out.decode(), 143)
    if output_format == "json":
        assert json.loads(out)["error"]["message"] == "terminated (SIGTERM)"
    assert err.decode().strip().splitlines()[-1] == (
        "claimcheck: terminated (SIGTERM); no report or file was written"
    )
    assert report.read_text() == OLD


def _interrupted_while_writing() -> None:
    from claimcheck.app import interrupts

    with interrupts.writing():
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGTERM)  # ignored, as the parent asked
        os.kill(os.getpid(), signal.SIGINT)  # held until the block ends
        time.sleep(0)  # a call: the handler runs by here, and only records the signal


def test_the_report_window_restores_the_handlers_and_keeps_an_ignored_signal_ignored() -> None:
    from claimcheck.app import interrupts

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    previous_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    interrupts.reset()
    try:
        with pytest.raises(KeyboardInterrupt):
            _interrupted_while_writing()
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        interrupts.reset()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


# A run whose SIGTERM exception is dropped: CPython drops one raised where it cannot propagate
# (a CI run printed "Exception ignored in: <function _get_module_lock.<locals>.cb>", and the
# run went on waiting on a lookup). The loop drops every exception as that callback did.
_EXCEPTIONS_DROPPED = (
    "import os, sys, time\n"
    "sys.argv = ['claimcheck', 'audit', 'x.yaml', '-f', 'json']\n"
    "from claimcheck.app.interrupts import hear_sigterm\n"
    "hear_sigterm()\n"
    "first = [True]\n"
    "while True:\n"
    "    try:\n"  # "ready" is said inside the try, whose inner loop the signal lands in
    "        if first:\n"
    "            first.clear()\n"
    "            os.write(2, b'ready\\n')\n"
    "        while True:\n"
    "            time.sleep(0.01)\n"
    "    except BaseException:\n"
    "        pass\n"
)


def test_a_sigterm_whose_exception_is_dropped_still_ends_the_run_with_143() -> None:
    # Whatever this process does with SIGTERM, the child starts with its default.
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _EXCEPTIONS_DROPPED],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert process.stderr is not None
    assert process.stderr.readline() == "ready\n"
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)  # before: never ended
    assert process.returncode == 143, err
    assert err.strip().splitlines()[-1] == (
        "claimcheck: terminated (SIGTERM); no report or file was written"
    )
    check_document("json", out, 143)
