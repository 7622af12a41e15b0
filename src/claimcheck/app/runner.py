"""Running a command: every outcome mapped to one exit code, one clear stderr line, and a
valid machine document on stdout when a machine format was asked for. Used by cli.py."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import typer

from claimcheck.app import interrupts
from claimcheck.model.errors import ClaimcheckError, ClaimMapError, ExitCode, OutputFailed

# The widest table or progress bar drawn. Rich pads every line of a table to its full width,
# so a COLUMNS of 3,000,000 took 18 s and 1.1 GB, and 100,000,000 minutes; no screen shows
# 1,000 columns.
MAX_WIDTH = 1000
# Exit codes after which the report itself is on stdout.
_REPORT_PRINTED = frozenset(
    {ExitCode.OK, ExitCode.GATE_FAILED, ExitCode.INCOMPLETE, ExitCode.OUTPUT_FAILED}
)


def execute(run: Callable[[], int], debug: bool, machine_format: str | None = None) -> None:
    """Run a command and map every outcome to one exit code and, on failure, one clear line.

    With a `machine_format` (json, sarif, junit, markdown), a failure still leaves one valid
    document of that format on stdout, so a pipeline reading stdout never gets an empty or
    broken file. Every stderr line is escaped: messages can carry registry text.
    """
    from claimcheck.model.sanitize import visible

    problems: list[dict[str, Any]] = []
    message = ""
    interrupts.reset()
    try:
        code = run()
    except ClaimcheckError as exc:
        from claimcheck.reporters.failure import failure_of

        code, message, problems = failure_of(exc)
        for error in getattr(exc, "errors", ()):
            say(visible(str(error)))
        prefix = "" if isinstance(exc, ClaimMapError) else "error: "
        say(f"claimcheck: {prefix}{visible(message)}")
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (interrupts.Terminated)
        code, message, document = interrupts.stop(exc)
        if not document:  # the report is on stdout, whole or cut short
            machine_format = None
    except Exception as exc:
        from claimcheck.app.settings import debug_wanted
        from claimcheck.reporters.failure import failure_of

        if debug or debug_wanted(os.environ):
            import traceback

            traceback.print_exc()
        code, message, _none = failure_of(exc)  # the message the -o files got
        say(visible(f"claimcheck: {message} (a bug; rerun with --debug for the traceback)"))
    if machine_format and code not in _REPORT_PRINTED:
        print_failure(machine_format, int(code), message, problems)
    raise typer.Exit(int(code))


def print_failure(
    machine_format: str, code: int, message: str, problems: list[dict[str, Any]]
) -> None:
    from claimcheck.reporters.failure import render_failure

    try:
        # A document of a machine format: UTF-8 whatever stdout's encoding (`write_pieces`).
        if sys.stdout is not None:
            write_pieces(sys.stdout, render_failure(machine_format, code, message, problems))
    except (OSError, UnicodeError):
        pass  # stdout is closed or full: the stderr line already said what failed


def machine_format_of(name: str) -> str | None:
    from claimcheck.reporters import MACHINE_FORMATS

    return name if name in MACHINE_FORMATS else None


def print_interrupted(exc: BaseException) -> int:
    """An interrupt that `execute` did not see (the CLI loading, or click reading the command
    line): its line, the failure document of `-f FORMAT` on stdout, and its exit code."""
    code, message, document = interrupts.stop(exc)
    machine = machine_format_of(requested_format(sys.argv[1:]) or "")
    if machine and document:
        print_failure(machine, code, message, [])
    return code


def requested_format(argv: list[str]) -> str | None:
    """The value of `-f`/`--format` on a command line that may not parse."""
    for index, arg in enumerate(argv):
        if arg in ("-f", "--format") and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--format="):
            return arg.partition("=")[2]
        if arg.startswith("-f") and len(arg) > 2 and not arg.startswith("--"):
            return arg[2:]
    return None


def write_stdout(
    pieces: str | Iterable[str], what: str = "the output", *, for_people: bool
) -> None:
    """Write a command's output on stdout. A closed or full stdout ends the run with exit 74
    and one line on stderr, never a traceback or "internal error": `claimcheck schema | head
    -0` and `> /dev/full` are the pipe's or the disk's doing, not a bug. A document (every
    format but the table and plain summaries, `for_people`) is written in UTF-8, see
    `write_pieces`."""
    stream = sys.stdout
    try:
        if stream is None:  # started with fd 1 closed (`>&-`): Python has no stdout at all
            raise OSError(errno.EBADF, "stdout is closed")
        write_pieces(stream, pieces, for_people=for_people)
    except OSError as exc:
        # Later writes (and Python's own flush at exit) must not fail again on the same fd.
        with contextlib.suppress(OSError, AttributeError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno() if stream is not None else 1)
        raise OutputFailed(f"cannot write {what} to stdout: {exc.strerror or exc}") from None


def write_stdout_whole(
    pieces: str | Iterable[str], document: interrupts.Document, *, for_people: bool
) -> None:
    """`write_stdout` for a command's whole output (`document`): an interrupt that comes
    while it is written waits until it is whole (`interrupts.writing`), so stdout is never
    half of it, nor half of it and a failure document."""
    with interrupts.writing(document):
        write_stdout(pieces, f"the {document.noun}", for_people=for_people)


def write_pieces(stream: TextIO, pieces: str | Iterable[str], *, for_people: bool = False) -> None:
    """Write `pieces` on `stream` and flush it.

    stdout's encoding is the locale's (a Windows code page such as cp1252 on a pipe, or
    `PYTHONIOENCODING`), but a document is read by a program, not a terminal: JSON and SARIF
    are UTF-8 (RFC 8259 §8.1), the JUnit document declares `encoding="UTF-8"` and the HTML
    page `charset=utf-8`, and a registry title holds characters that most code pages lack.
    So a document goes to the binary stream beneath, encoded as UTF-8. Text for people (the
    table) keeps the terminal's encoding, with a character it cannot show written as a
    backslash escape (`\\u2502`) rather than failing the run.

    Either goes to the file descriptor itself (`write_chunks`), not through Python's buffered
    writer: a table of 52 KB that an interrupt held while it was written (`writing`) reached
    the reader as its first 8 KiB, the run saying it was complete."""
    chunks = (pieces,) if isinstance(pieces, str) else pieces
    binary = getattr(stream, "buffer", None)
    people = for_people or binary is None
    encoding = (getattr(stream, "encoding", None) or "utf-8") if people else "utf-8"
    if people and (frame := _ascii_frame(encoding)):
        chunks = (chunk.translate(frame) for chunk in chunks)
    fd = None if binary is None else _descriptor(binary)
    if fd is not None:
        from claimcheck.transport.files import write_chunks

        stream.flush()  # whatever was written as text goes first
        write_chunks(fd, _encoded(chunks, encoding, "backslashreplace" if people else "strict"))
    elif binary is None or for_people:  # no descriptor: a test's stream, or Windows
        for chunk in chunks:
            stream.write(chunk.encode(encoding, "backslashreplace").decode(encoding))
        stream.flush()
    else:
        stream.flush()
        for chunk in chunks:
            binary.write(chunk.encode("utf-8"))
        binary.flush()


def _encoded(chunks: Iterable[str], encoding: str, errors: str) -> Iterator[bytes]:
    """`chunks` in `encoding`, as one text: a byte order mark (UTF-16) only once."""
    import codecs

    encoder = codecs.getincrementalencoder(encoding)(errors)
    for chunk in chunks:
        yield encoder.encode(chunk)
    yield encoder.encode("", final=True)


def _descriptor(binary: Any) -> int | None:
    """The descriptor beneath `binary`; None on Windows, where a console's own raw stream
    turns the UTF-8 into characters, or if it is not a file."""
    if os.name != "posix":
        return None
    try:
        fd = binary.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation: not a file
        return None
    return fd if isinstance(fd, int) else None


def _ascii_frame(encoding: str) -> dict[int, str]:
    """For an encoding that cannot show the table's frame (cp1252, a Windows pipe or file):
    each box-drawing character (U+2500-U+257F) as `-`, `|` or `+`, so the table stays a
    table instead of a line of `\\u2503` escapes; empty when the encoding has them."""
    try:
        "\u2501\u2503\u2547".encode(encoding)
        return {}
    except (UnicodeEncodeError, LookupError):
        pass
    import unicodedata  # only for a stdout that lacks the frame: rare, and kept off start-up

    frame: dict[int, str] = {}
    for point in range(0x2500, 0x2580):
        # "HEAVY HORIZONTAL" is a line; "DOWN AND HORIZONTAL", "VERTICAL AND RIGHT" and
        # "DOWN LIGHT AND UP HORIZONTAL HEAVY" are junctions.
        words = set(unicodedata.name(chr(point), "").split())
        across = "HORIZONTAL" in words and not words & {"VERTICAL", "UP", "DOWN"}
        down = "VERTICAL" in words and not words & {"HORIZONTAL", "LEFT", "RIGHT"}
        frame[point] = "-" if across else "|" if down else "+"
    return frame


def say(line: str) -> None:
    """One line for people on stderr. One that cannot be written (stderr closed or full) is
    dropped: it must neither hide the run's exit code nor become a traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        typer.echo(line, err=True)


def flush_quietly() -> None:
    for stream in (sys.stderr, sys.stdout):
        with contextlib.suppress(OSError, ValueError):  # closed or full: nothing to add
            stream.flush()
