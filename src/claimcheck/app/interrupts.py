"""Ctrl-C (SIGINT) and SIGTERM: how a run ends when either comes, whenever it comes.

Both raise in the main thread (SIGTERM as `Terminated`, a KeyboardInterrupt, so that every
`except KeyboardInterrupt` and cleanup path treats them alike) and end the run with one line
on stderr and 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM (`timeout`, a
cancelled CI job, `docker stop`). Before a command's output is begun, nothing is written but
the failure document of `-f FORMAT`. Once it is begun (an audit's report, `resolve`'s record,
the JSON Schema, the claim map `import` or `init` writes), an interrupt waits until it is
whole (`writing`): stdout then holds one document, never one run into a failure document,
and a file is the whole new one. Kept light: the entry point imports it before the CLI.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, NamedTuple, NoReturn

Handler = Any  # what signal.signal returns: a callable, SIG_DFL, SIG_IGN or None

SIGINT_EXIT = 128 + signal.SIGINT  # 130
SIGTERM_EXIT = 128 + signal.SIGTERM  # 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt."""


# How long a raised `Terminated` may take to end the run before `_end_anyway` does.
FALLBACK_SECONDS = 3.0
_fallback: list[threading.Timer] = []


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    if not _fallback:
        timer = threading.Timer(FALLBACK_SECONDS, _end_anyway)
        timer.daemon = True
        _fallback.append(timer)
        timer.start()
    raise _interrupt(signum)


def _end_anyway() -> None:
    """SIGTERM's exception did not end the run. CPython drops an exception a signal handler
    raises where none can propagate ("Exception ignored in: <function
    _get_module_lock.<locals>.cb>", seen in a test run: a weakref callback of the import
    system), and the run then went on, here waiting on a lookup of up to --timeout. `timeout`
    and a CI runner send SIGTERM once: end the run from this thread, as the main thread would
    have. Not once the output is begun: the run is then finishing it, and ends whole."""
    if not _run.begun:
        end_run(Terminated())


def end_run(exc: KeyboardInterrupt) -> NoReturn:
    """End the process for the interrupt `exc`: its line and the failure document of `-f
    FORMAT` unless an interrupt was said already, then its exit code, at once."""
    import os

    code = exit_code()
    if not code:  # else said already
        try:
            from claimcheck.app.runner import print_interrupted

            code = print_interrupted(exc)
        except Exception:  # the document is a courtesy; the line and the exit code are not
            code, _message, _document = stop(exc)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def hear_sigterm() -> None:
    """From now on, SIGTERM raises `Terminated` in the main thread instead of killing the
    process silently. Not where it is ignored (the parent asked for that) or already handled."""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _raise_terminated)


# Not a dataclass: importing `dataclasses` would delay hearing SIGTERM by about 10 ms.
class Document(NamedTuple):
    """What a command writes, as its interrupt line names it (`_outcome`)."""

    noun: str  # "report", "claim map": "the report was being written"
    stdout: bool = True  # written to stdout
    files: bool = False  # written to files, each replaced whole or left as it was


# `audit`'s: stdout, and the same report in each -o file.
REPORT = Document("report", files=True)


class _Run:
    """How far the command's output is written (what an interrupt may still do depends on
    it), and the interrupt said, if any."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.document = REPORT  # what is written, once it is begun
        self.begun = False  # the first file, or stdout, has started
        self.whole = False  # every file and stdout are written
        self.held = False  # an interrupt came while it was written, and waited
        self.missing = 0  # -o files that could not be written (each named on stderr)
        self.exit_code = 0  # set once an interrupt is said: the process ends with it
        self.terminated = False  # a SIGTERM was raised (`last_raised`)


_run = _Run()


def reset() -> None:
    """A new command: no output begun, no interrupt said (for runs in one process)."""
    _run.clear()


def exit_code() -> int:
    """128 + the signal of the interrupt said (`stop`), or 0 if none was."""
    return _run.exit_code


def last_raised() -> KeyboardInterrupt:
    """The interrupt raised last, for a path that lost it (typer turns one into exit 130)."""
    return Terminated() if _run.terminated else KeyboardInterrupt()


def stop(exc: BaseException) -> tuple[int, str, bool]:
    """An interrupt ends the run: its exit code, the message of its failure document, and
    whether that document may go on stdout (only if no output was begun there). Its one line
    goes to stderr, once, however many interrupts and paths report it."""
    term = isinstance(exc, Terminated)
    code = SIGTERM_EXIT if term else SIGINT_EXIT
    what = "terminated (SIGTERM)" if term else "interrupted"
    first = not _run.exit_code
    if first:
        _run.exit_code = code
        _say(f"claimcheck: {what}{_outcome()}\n")
    return code, what, first and not _run.begun


def _outcome() -> str:
    run = _run
    name = f"the {run.document.noun}"
    if not run.begun:
        return "; no report or file was written"
    if not run.whole:
        return (
            f", the second interrupt while {name} was being written: it was cut short"
            f" ({_cut_short(run.document)})"
        )
    when = f"while {name} was being written; it was finished first"
    if run.missing:
        complete = f"{name} is complete, but {run.missing} -o file(s) could not be written"
    elif run.document.stdout and run.document.files:
        complete = f"{name} and every -o file are complete"
    else:
        complete = f"{name} is complete"
    return f" {when if run.held else f'after {name} was written'}: {complete}"


def _cut_short(document: Document) -> str:
    """Where what was cut short is: on stdout, part of it; a file is never half-written."""
    where = ["stdout may hold part of it"] if document.stdout else []
    if document.files:
        files = "each -o file" if document.stdout else "the file"
        where.append(f"{files} is its old content or the whole {document.noun}")
    return "; ".join(where)


@contextmanager
def writing(document: Document = REPORT) -> Iterator[_Run]:
    """Around writing a command's output (`document`: an audit's -o files, then stdout; a
    claim map's file): an interrupt is held, not raised, and ends the run once the output is
    whole, so stdout is never a document cut off and run into a failure document or left
    half, nor a file replaced while stderr says none was. A second interrupt ends it at
    once, cut short: the only way out of a stdout nobody reads.

    Signals are only ever handled in the main thread; run elsewhere, nothing is held."""
    report = _run
    report.document = document
    if threading.current_thread() is not threading.main_thread():
        report.begun = True
        yield report
        report.whole = True
        return
    heard: list[int] = []
    closing = False

    def hold(signum: int, _frame: FrameType | None) -> None:
        heard.append(signum)
        if len(heard) > 1 and not closing:
            raise _interrupt(signum)

    previous: dict[signal.Signals, Handler] = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(signum) not in (signal.SIG_IGN, None):  # None: not Python's
                previous[signum] = signal.signal(signum, hold)
        report.begun = True  # an interrupt before this line ends the run as before
        yield report
        report.whole = True
    finally:
        closing = True  # signal.signal first runs `hold` for a signal already caught
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if heard:
        report.held = True
        raise _interrupt(heard[0])


def _interrupt(signum: int) -> KeyboardInterrupt:
    if signum == signal.SIGTERM:
        _run.terminated = True
        return Terminated()
    return KeyboardInterrupt()


def _say(line: str) -> None:
    """`line` on stderr, and stderr flushed, unless stderr is closed or full."""
    try:
        sys.stderr.write(line)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # AttributeError: fd 2 closed at start
        pass
