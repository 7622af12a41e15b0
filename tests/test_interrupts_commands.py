"""Ctrl-C and SIGTERM in the commands other than `audit`: `resolve`, `schema`, `import` and
`init`. Before their output is begun, the run ends at once (with `-f json`, the failure
document); once it is begun, an interrupt waits until it is whole, as in an audit
(interrupts.writing). Each run is a real process; each signal lands at a moment the child
shows it has reached (a full pipe, a request on the server, a hook), never after a delay."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from claimcheck.testing import Fault, ReplayServer
from tests.factories import work_envelope
from tests.test_failures import check_document, ctrl_c_heard_by_children
from tests.test_interrupts import (
    EXE,
    SAID,
    SMALL_PIPES,
    held_on_stdout,
    read_all,
    wait_for,
)

SIGNALS = pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
DOI = "10.5555/many-authors"
# A record whose table and JSON are each larger than a pipe of one page, and than the 8 KiB
# of Python's buffered writer (test_interrupts.py, the table's test).
AUTHORS = tuple(f"Author{n}" for n in range(1500))


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        replay.add_work(work_envelope(DOI, authors=AUTHORS))
        yield replay


def _bibliography(tmp_path: Path) -> Path:
    path = tmp_path / "refs.txt"
    lines = (f"{n}. Smith J, Doe A. Study number {n}. Nature. 2010;{n}:1-2." for n in range(1, 121))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _command(name: str, tmp_path: Path, server: ReplayServer) -> list[str]:
    if name == "schema":
        return ["schema"]
    if name == "import":
        return ["import", str(_bibliography(tmp_path)), "-q"]
    args = ["resolve", DOI, "--crossref-url", server.url, "--mailto", "t@example.org", "-q"]
    return [*args, "--cache-dir", str(tmp_path / "cache"), "-f", name.partition("-")[2]]


@SMALL_PIPES
@SIGNALS
@pytest.mark.parametrize("name", ["resolve-json", "resolve-table", "schema", "import"])
def test_an_interrupt_while_the_output_is_written_waits_until_it_is_whole(
    tmp_path: Path, server: ReplayServer, sig: signal.Signals, name: str
) -> None:
    # Before: `resolve -f json` wrote the first 4 KiB of its JSON, then the failure
    # document; `resolve`, `schema` and `import` stopped where the signal came, exit 130 or
    # 143, saying nothing was written.
    args = _command(name, tmp_path, server)
    whole = subprocess.run([EXE, *args], capture_output=True, check=True).stdout
    with ctrl_c_heard_by_children():
        process, read = held_on_stdout(args, len(whole))
        process.send_signal(sig)
        out = read_all(read)  # the reader comes back: the write goes on
        _none, err = process.communicate(timeout=120)
    assert process.returncode == 128 + sig, err
    assert out == whole
    noun = {"schema": "the JSON Schema", "import": "the claim map"}.get(name, "the record")
    assert err.decode().strip().splitlines()[-1] == (
        f"claimcheck: {SAID[sig]} while {noun} was being written; it was finished first: "
        f"{noun} is complete"
    )
    assert "Traceback" not in err.decode()


@SMALL_PIPES
def test_a_second_interrupt_while_the_output_is_written_cuts_it_short(
    tmp_path: Path, server: ReplayServer
) -> None:
    # The way out of a stdout nobody reads: the run ends, and no failure document follows
    # what stdout got of the JSON.
    args = _command("resolve-json", tmp_path, server)
    whole = subprocess.run([EXE, *args], capture_output=True, check=True).stdout
    with ctrl_c_heard_by_children():
        process, read = held_on_stdout(args, len(whole))
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGTERM)
        out = read_all(read)
        _none, err = process.communicate(timeout=120)
    assert process.returncode == 143, err
    assert whole.startswith(out)
    assert len(out) < len(whole)
    assert err.decode().strip().splitlines()[-1] == (
        "claimcheck: terminated (SIGTERM), the second interrupt while the record was being "
        "written: it was cut short (stdout may hold part of it)"
    )


@SIGNALS
@pytest.mark.parametrize("output_format", ["json", "table"])
def test_an_interrupt_while_resolve_looks_up_ends_it_at_once(
    tmp_path: Path, sig: signal.Signals, output_format: str
) -> None:
    # As an audit: the lookup is left to the server, the failure document (with -f json) or
    # nothing is on stdout, and one line on stderr.
    with ReplayServer() as replay, ctrl_c_heard_by_children():
        replay.add_work(work_envelope(DOI))
        replay.add_fault(Fault.slow(3600.0))
        args = ["resolve", DOI, "--crossref-url", replay.url, "--timeout", "3600"]
        args += ["--mailto", "t@example.org", "--cache-dir", str(tmp_path / "cache")]
        process = subprocess.Popen(
            [EXE, *args, "-f", output_format], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        wait_for(lambda: bool(replay.requests), process)  # the lookup is in flight
        process.send_signal(sig)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + sig, err
    if output_format == "json":
        check_document("json", out.decode(), 128 + sig)
        assert json.loads(out)["error"]["message"] == SAID[sig]
    else:
        assert out == b""
    assert err.decode().strip().splitlines() == [
        f"claimcheck: {SAID[sig]}; no report or file was written"
    ]


@SIGNALS
def test_an_interrupt_while_import_searches_ends_it_at_once(
    tmp_path: Path, sig: signal.Signals
) -> None:
    target = tmp_path / "map.yaml"
    source = tmp_path / "refs.txt"
    source.write_text("1. Smith J. A study of things. Nature. 2010;1:1-2.\n", encoding="utf-8")
    with ReplayServer() as replay, ctrl_c_heard_by_children():
        replay.add_fault(Fault.slow(3600.0))
        args = ["import", str(source), "-o", str(target), "--match", "-q"]
        args += ["--crossref-url", replay.url, "--timeout", "3600", "--mailto", "t@example.org"]
        args += ["--cache-dir", str(tmp_path / "cache")]
        process = subprocess.Popen([EXE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: bool(replay.requests), process)  # the search is in flight
        process.send_signal(sig)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + sig, err
    assert out == b""
    assert err.decode().strip().splitlines()[-1] == (
        f"claimcheck: {SAID[sig]}; no report or file was written"
    )
    assert "Traceback" not in err.decode()
    assert not target.exists()


# `claimcheck ARGS...` in a child that gets the signals SIGNALS (a comma list) while its
# claim map file TARGET is written: its data flushed to the disk (`fsync`: the new file whole
# beside the old one), or just renamed into place (`replace`). The hook stands in for a
# Ctrl-C at that moment.
_SIGNALLED_AS_THE_MAP_IS_WRITTEN = (
    "import os, sys, time\n"
    "WHEN, SIGNALS, TARGET = sys.argv[1:4]\n"
    "sys.argv = ['claimcheck', *sys.argv[4:]]\n"
    "real_fsync, real_replace = os.fsync, os.replace\n"
    "def signalled():\n"
    "    for sig in SIGNALS.split(','):\n"
    "        os.kill(os.getpid(), int(sig))\n"
    "        time.sleep(0)  # a call: the handler runs by here\n"
    "def fsync(fd):\n"  # the claim map's file is the only one these runs flush
    "    real_fsync(fd)\n"
    "    if WHEN == 'fsync':\n"
    "        signalled()\n"
    "def replace(src, dst, **kwargs):\n"
    "    real_replace(src, dst, **kwargs)\n"
    "    if WHEN == 'replace' and os.path.realpath(dst) == os.path.realpath(TARGET):\n"
    "        signalled()\n"
    "os.fsync, os.replace = fsync, replace\n"
    "from claimcheck.app.entry import main\n"
    "main()\n"
)


@contextmanager
def _sigterm_default() -> Iterator[None]:
    # Whatever this process does with SIGTERM, the child starts with its default.
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _signalled(
    when: str, signals: Sequence[signal.Signals], args: Sequence[str]
) -> subprocess.CompletedProcess[str]:
    script = [sys.executable, "-c", _SIGNALLED_AS_THE_MAP_IS_WRITTEN, when]
    script.append(",".join(str(int(s)) for s in signals))
    with ctrl_c_heard_by_children(), _sigterm_default():
        return subprocess.run(
            [*script, *args], capture_output=True, text=True, check=False, timeout=120
        )


def _map_command(command: str, tmp_path: Path, target: Path) -> list[str]:
    """TARGET, then the command line that writes a claim map there."""
    if command == "init":
        return [str(target), "init", str(target), "--force"]
    source = _bibliography(tmp_path)
    return [str(target), "import", str(source), "-o", str(target), "--force", "-q"]


def _whole_map(command: str, tmp_path: Path) -> str:
    """The claim map the command writes when nothing interrupts it."""
    target = tmp_path / "whole" / "map.yaml"
    args = _map_command(command, tmp_path, target)[1:]
    subprocess.run([EXE, *args], capture_output=True, check=True)
    return target.read_text()


@SIGNALS
@pytest.mark.parametrize("when", ["fsync", "replace"], ids=["written", "renamed"])
@pytest.mark.parametrize("command", ["import", "init"])
def test_an_interrupt_while_a_claim_map_file_is_written_waits_until_it_is_in_place(
    tmp_path: Path, sig: signal.Signals, when: str, command: str
) -> None:
    # Before: written, the file was left as it was; renamed, it was replaced while stderr
    # said "no report or file was written".
    target = tmp_path / "map.yaml"
    target.write_text("the old map\n")
    done = _signalled(when, [sig], _map_command(command, tmp_path, target))
    assert done.returncode == 128 + sig, done.stderr
    assert target.read_text() == _whole_map(command, tmp_path)
    assert done.stderr.strip().splitlines()[-1] == (
        f"claimcheck: {SAID[sig]} while the claim map was being written; it was finished "
        "first: the claim map is complete"
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".map.yaml")] == []


def test_a_second_interrupt_while_a_claim_map_file_is_written_leaves_the_old_one(
    tmp_path: Path,
) -> None:
    target = tmp_path / "map.yaml"
    target.write_text("the old map\n")
    signals = [signal.SIGINT, signal.SIGTERM]
    done = _signalled("fsync", signals, _map_command("import", tmp_path, target))
    assert done.returncode == 143, done.stderr
    assert target.read_text() == "the old map\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".map.yaml")] == []
    assert done.stderr.strip().splitlines()[-1] == (
        "claimcheck: terminated (SIGTERM), the second interrupt while the claim map was being "
        "written: it was cut short (the file is its old content or the whole claim map)"
    )
    assert "Traceback" not in done.stderr
