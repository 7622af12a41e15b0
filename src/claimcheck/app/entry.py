"""The console entry point, kept light: `claimcheck --version` answers without importing the
CLI framework (about 80 ms of a 115 ms run); every other command line goes to cli.main, and
the process then ends without the interpreter's teardown (`exit_without_teardown`)."""

from __future__ import annotations

import os
import sys

# Not `typing.TYPE_CHECKING`: importing `typing` alone is about 15 ms of a 30 ms `--version`.
# Type checkers read any `TYPE_CHECKING` as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from claimcheck import __version__

        try:
            sys.stdout.write(f"claimcheck {__version__}\n")
            sys.stdout.flush()
            return
        except (OSError, AttributeError):
            pass  # a closed or full stdout: the full CLI reports it its documented way
    try:
        from claimcheck.app.interrupts import hear_sigterm

        hear_sigterm()  # first: a SIGTERM while the CLI loads ends the run as Ctrl-C does
        tune_gc()
        from claimcheck.app.cli import main as cli_main

        cli_main()
    except SystemExit as exc:
        exit_without_teardown(exc.code)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (interrupts.Terminated)
        interrupted(exc)
    exit_without_teardown(0)


def interrupted(exc: KeyboardInterrupt) -> NoReturn:
    """Ctrl-C or SIGTERM before `execute` handles it (while the CLI is imported, the first
    ~100 ms) or after: the line, the failure document of `-f FORMAT` and the exit code (130,
    or 143 for SIGTERM) that `execute` gives, never a traceback. A second interrupt is
    ignored: the process is ending."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from claimcheck.app.interrupts import end_run

    end_run(exc)


# Allocations between two young-generation collections (CPython's default: 700), and how
# often the older generations follow. An audit holds tens of thousands of records, findings
# and their tuples, almost none in a reference cycle: with the defaults the collector kept
# re-scanning them, about 1 s of a 4 s warm re-audit of 10,000 references. mypy tunes its
# collector to the same values for the same reason.
GC_THRESHOLDS = (200_000, 30, 30)


def tune_gc() -> None:
    """Collect reference cycles less often (GC_THRESHOLDS): for this process only, which
    ends with the command."""
    if sys.implementation.name == "cpython":
        import gc

        gc.set_threshold(*GC_THRESHOLDS)


def exit_without_teardown(code: object) -> NoReturn:
    """Flush stdout and stderr, then end the process at once with `code` (as `sys.exit`
    reads it).

    The interpreter's normal exit unloads every module one by one: typer, rich, pydantic,
    httpx2 and the rest, about 80 ms measured after every command, whatever its size (mypy
    ends the same way, for the same reason). Nothing is lost by skipping it: every file
    claimcheck writes is closed and renamed into place before the command returns, the cache
    connection is closed with its client, and no worker thread has anything left to deliver.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): the message on stderr, exit 1
        _say(f"{code}\n")
        status = 1
    try:
        if sys.stdout is None:  # started with fd 1 closed (`>&-`): Python made no stdout
            raise OSError("stdout is closed")
        sys.stdout.flush()
    except (OSError, ValueError) as exc:  # closed by its reader, or already closed
        # README, "Exit codes": 74 when stdout itself cannot take the output; a command
        # that had already failed keeps its own code.
        from claimcheck.model.errors import ExitCode

        # Exit 74 means the command has said already that stdout could not take its output.
        if status != int(ExitCode.OUTPUT_FAILED):
            status = status or int(ExitCode.OUTPUT_FAILED)
            _say(f"claimcheck: cannot write to stdout: {exc}\n")
    _say("")
    os._exit(status)


def _say(line: str) -> None:
    """`line` on stderr, and stderr flushed, unless stderr is closed too."""
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # AttributeError: fd 2 closed at start
        pass
