"""The console entry point ends the process without the interpreter's teardown: whatever the
command printed still arrives whole, and its exit code is the command's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimcheck.model.errors import ExitCode
from tests.test_failures import ctrl_c_heard_by_children

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "claims" / "stem-cell-safety.yaml"
EVIDENCE = ROOT / "claims" / "stem-cell-safety.evidence"


def python(code: str) -> subprocess.CompletedProcess[str]:
    # Buffered stdio, as most users have it: with PYTHONUNBUFFERED set (some CI machines set
    # it) nothing waits in a buffer, and a missing flush could not show.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def claimcheck(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimcheck", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("None", 0), ("3", 3), ("130", 130)])
def test_buffered_output_arrives_whole_with_the_exit_code(code: str, status: int) -> None:
    # Written in small pieces, so the last of them sit in stdout's buffer at the end: a
    # missing flush would cut the output short.
    done = python(
        "import atexit, sys\n"
        "from claimcheck.app.entry import exit_without_teardown\n"
        "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
        "for _ in range(20_000): sys.stdout.write('0123456789')\n"
        "sys.stderr.write('notice')\n"
        f"exit_without_teardown({code})\n"
    )
    assert done.returncode == status
    assert done.stdout == "0123456789" * 20_000
    assert done.stderr == "notice"  # and no teardown: atexit handlers did not run


def test_a_message_for_an_exit_code_goes_to_stderr_with_exit_1() -> None:
    done = python(
        "from claimcheck.app.entry import exit_without_teardown\n"
        "exit_without_teardown('claimcheck: stopped')\n"
    )
    assert done.returncode == 1
    assert done.stderr == "claimcheck: stopped\n"


def test_a_stdout_its_reader_closed_is_not_reported_as_success() -> None:
    # A pipe whose reader has gone: the final flush fails, as CPython's own exit would see.
    done = python(
        "import os, sys\n"
        "from claimcheck.app.entry import exit_without_teardown\n"
        "read, write = os.pipe()\n"
        "sys.stdout = open(write, 'w', buffering=1 << 16)\n"
        "sys.stdout.write('report')  # buffered: nothing is sent yet\n"
        "os.close(read)\n"
        "exit_without_teardown(0)\n"
    )
    assert done.returncode == ExitCode.OUTPUT_FAILED  # README, "Exit codes": 74
    assert "cannot write to stdout" in done.stderr


def test_an_audit_through_the_entry_point_delivers_its_report_and_gate_code() -> None:
    done = claimcheck("audit", SEED, "--replay", EVIDENCE, "--format", "json", "--quiet")
    assert done.returncode == 1, done.stderr  # the seed article fails the gate
    report = json.loads(done.stdout)
    assert report["summary"]["references"] == 25
    assert report["summary"]["exit_code"] == 1


def test_a_usage_error_through_the_entry_point_exits_2() -> None:
    done = claimcheck("audit", SEED, "--timeout", "abc", "--format", "json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["summary"]["exit_code"] == 2


def test_every_command_runs_with_the_collector_tuned_for_many_records() -> None:
    # What the CLI sees when it starts: the thresholds the entry point set for the process.
    done = python(
        "import gc, sys\n"
        "import claimcheck.app.cli as cli\n"
        "from claimcheck.app import entry\n"
        "cli.main = lambda: print(gc.get_threshold())\n"
        "sys.argv = ['claimcheck', 'audit', 'x.yaml']\n"
        "entry.main()\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(200000, 30, 30)"


# The child reaches the entry point's own handling, says so, and only then can hear Ctrl-C:
# before that, in the interpreter's own start, Python's default handling (a traceback, or -2)
# is not ours. "ready" is said from inside main's first step (tune_gc): said before main was
# called, a signal on a loaded machine could land in this script's own last lines.
_READY_THEN_MAIN = (
    "import os, sys\n"
    "from claimcheck.app import entry\n"
    "sys.argv = ['claimcheck', *sys.argv[1:]]\n"
    "tune_gc = entry.tune_gc\n"
    "def ready():\n"
    "    os.write(2, b'ready\\n')\n"
    "    tune_gc()\n"
    "entry.tune_gc = ready\n"
    "entry.main()\n"
)


@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02, 0.05, 0.1])
def test_ctrl_c_while_the_cli_is_imported_exits_130_without_a_traceback(delay: float) -> None:
    # The first ~100 ms import the CLI, before `execute` handles Ctrl-C: a traceback and -2
    # before. A run against a closed port, retrying 20 times, cannot end first.
    args = ["audit", SEED, "--crossref-url", "http://127.0.0.1:9", "--retries", "20"]
    with ctrl_c_heard_by_children():
        process = subprocess.Popen(
            [sys.executable, "-c", _READY_THEN_MAIN, *map(str, args), "-f", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        assert process.stderr.readline() == "ready\n"
        time.sleep(delay)  # spreads the signal over the imports; nothing is timed
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == "claimcheck: interrupted; no report or file was written"
    # As on every failure with -f json (README, "Exit codes"): a document on stdout.
    document = json.loads(out)
    assert document["schema"] == "claimcheck.error/1"
    assert (document["error"]["message"], document["summary"]["exit_code"]) == ("interrupted", 130)


def _catches_sigterm(pid: int) -> bool:
    """The process `pid` has a handler for SIGTERM (Linux: SigCgt in /proc/PID/status)."""
    status = Path(f"/proc/{pid}/status").read_text()
    (mask,) = (line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(mask, 16) >> (signal.SIGTERM - 1) & 1)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/PID/status")
@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02, 0.05, 0.1])
def test_sigterm_while_the_cli_is_imported_exits_143_without_a_traceback(delay: float) -> None:
    # As Ctrl-C above, from the moment the entry point hears SIGTERM (its first step): before,
    # the process died of the signal, silently. A run against a closed port, retrying 20
    # times, cannot end first.
    args = ["audit", SEED, "--crossref-url", "http://127.0.0.1:9", "--retries", "20"]
    process = subprocess.Popen(
        [sys.executable, "-c", _READY_THEN_MAIN, *map(str, args), "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline() == "ready\n"
    give_up = time.monotonic() + 60  # a guard against a hung test, not a timing check
    while not _catches_sigterm(process.pid):
        if process.poll() is not None or time.monotonic() > give_up:
            process.kill()
            pytest.fail(f"SIGTERM was never handled: {process.communicate()}")
        time.sleep(0.001)
    time.sleep(delay)  # spreads the signal over the imports; nothing is timed
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert process.returncode == 143, err
    last = "claimcheck: terminated (SIGTERM); no report or file was written"
    assert err.strip().splitlines()[-1] == last
    document = json.loads(out)
    assert document["schema"] == "claimcheck.error/1"
    assert (document["error"]["message"], document["summary"]["exit_code"]) == (
        "terminated (SIGTERM)",
        143,
    )


# The signal comes while typer reads the command line: typer turns any KeyboardInterrupt
# there into a silent exit 130.
_SIGNALLED_WHILE_PARSING = (
    "import os, signal, sys, time\n"
    "import typer.core\n"
    "SIG = int(sys.argv[1])\n"
    "def make_context(*args, **kwargs):\n"
    "    os.kill(os.getpid(), SIG)\n"
    "    time.sleep(60)\n"
    "typer.core.TyperGroup.make_context = make_context\n"
    "sys.argv = ['claimcheck', 'audit', 'x.yaml', '-f', 'json']\n"
    "from claimcheck.app.entry import main\n"
    "main()\n"
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_while_the_command_line_is_read_says_so(sig: signal.Signals) -> None:
    # Before: exit 130, nothing on stderr or stdout, for SIGTERM too.
    with ctrl_c_heard_by_children():
        done = subprocess.run(
            [sys.executable, "-c", _SIGNALLED_WHILE_PARSING, str(int(sig))],
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
    what = "interrupted" if sig == signal.SIGINT else "terminated (SIGTERM)"
    assert done.returncode == 128 + sig, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"claimcheck: {what}; no report or file was written"
    )
    assert json.loads(done.stdout)["error"]["message"] == what
