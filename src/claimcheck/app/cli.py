"""The command line: options -> settings -> run -> render -> exit code. No judgement here.

Heavy modules (pydantic, httpx2, rapidfuzz, the reporters) are imported inside the commands,
so `claimcheck --help` starts fast. For the same reason this module (and cli_maps.py) does
not use `from __future__ import annotations`: typer reads every command's signature at each
start, and a string annotation costs an eval and a compile there (about 5 ms in all).
"""

import os
import shutil
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from claimcheck import __version__
from claimcheck.app import cli_maps, interrupts
from claimcheck.app.options import (
    CacheDir,
    Concurrency,
    CrossrefUrl,
    DataCiteUrl,
    Deadline,
    Debug,
    Fresh,
    Mailto,
    MaxRps,
    NoMatch,
    Offline,
    Quiet,
    Record,
    Replay,
    RetractionWatch,
    Retries,
    Timeout,
    path_value,
    settings_of,
)
from claimcheck.app.runner import (
    MAX_WIDTH,
    execute,
    flush_quietly,
    machine_format_of,
    print_failure,
    print_interrupted,
    requested_format,
    say,
    write_stdout,
)
from claimcheck.model.errors import ExitCode
from claimcheck.reporters.registry import EXTENSIONS, FORMATS
from claimcheck.reporters.registry import NAMES as FORMAT_NAMES

HELP = (
    "Audit an article's claims and citations against the Crossref registry.\n\n"
    "claimcheck reads a YAML claim map (what the article states and which references each "
    "statement cites), resolves every cited DOI through the Crossref REST API, and reports "
    "retracted works, cited retraction notices, expressions of concern, corrections, DOIs "
    "that do not exist or point elsewhere, cited metadata that disagrees with the registry, "
    "and claims left without sound evidence.\n\n"
    "Exit codes: 0 gate passed, 1 gate failed, 2 usage error or invalid claim map, "
    "3 incomplete (a lookup failed), 70 internal error, 74 a report could not be written, "
    "130 interrupted (Ctrl-C), 143 terminated (SIGTERM)."
)

# `\b` keeps click from rewrapping the paragraph: a narrow terminal would otherwise split the
# example's paths at their hyphens.
EPILOG = (
    "\b\nExample:\n"
    "  claimcheck audit claims/stem-cell-safety.yaml \\\n"
    "    --replay claims/stem-cell-safety.evidence"
)

# Plain help, formatted by the terminal's width: Rich's help rendering (markup, panels) cost
# about 200 ms of start-up on every `--help`, more than the rest of the program's import.
app = typer.Typer(
    help=HELP,
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# The choices of --format and their help, from the one list of formats (reporters/registry.py).
FORMAT_HELP = "What to print on stdout: " + "; ".join(
    f"{f.name}, for {f.audience}" for f in FORMATS
)
AuditFormat = StrEnum("AuditFormat", {name: name for name in FORMAT_NAMES})  # type: ignore[misc]
DEFAULT_FORMAT = AuditFormat("table")


class ResolveFormat(StrEnum):
    table = "table"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """Audit claims and citations against Crossref."""


# Each command's line in the command list is its `short_help`: without one, click cuts the
# docstring's first sentence to the terminal's width and ends it with "...".
@app.command(short_help="Audit claim maps against Crossref.")
def audit(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            parser=path_value,
            help="Claim maps (YAML) to audit, or directories searched for *.yaml maps, "
            "subdirectories included.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        AuditFormat,
        typer.Option("--format", "-f", metavar="FORMAT", help=FORMAT_HELP),
    ] = DEFAULT_FORMAT,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FORMAT=PATH",
            help="Also write FORMAT=PATH (repeatable), e.g. -o sarif=claimcheck.sarif "
            f"-o junit=claimcheck.xml, or a PATH ending in {', '.join(EXTENSIONS)}. Files are "
            "written atomically.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="SEVERITY|CODES",
            help="Fail the gate (exit 1) on findings at or above a severity (error, warning, "
            "info), or on a comma list of finding codes, e.g. retracted,doi-mismatch "
            "(env CLAIMCHECK_FAIL_ON). [default: error]",
        ),
    ] = None,
    allow_incomplete: Annotated[
        bool,
        typer.Option(
            "--allow-incomplete",
            help="Do not fail closed: failed lookups (unverified) alone exit 0, not 3 "
            "(env CLAIMCHECK_ALLOW_INCOMPLETE).",
        ),
    ] = False,
    crossref_url: CrossrefUrl = None,
    datacite_url: DataCiteUrl = None,
    mailto: Mailto = None,
    timeout: Timeout = None,
    deadline: Deadline = None,
    retries: Retries = None,
    replay: Replay = None,
    record: Record = None,
    retraction_watch: RetractionWatch = None,
    cache_dir: CacheDir = None,
    fresh: Fresh = False,
    offline: Offline = False,
    no_match: NoMatch = False,
    max_rps: MaxRps = None,
    concurrency: Concurrency = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="YYYY-MM-DD",
            help="Judge acknowledgement `until` dates as of this day (env CLAIMCHECK_AS_OF). "
            "[default: today, UTC]",
        ),
    ] = None,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Audit claim maps: look up every cited DOI once and judge every reference and claim.

    \b
    Example:
      claimcheck audit claims/ --format json -o sarif=claimcheck.sarif
    """
    options = locals()

    def run() -> int:
        from claimcheck.app.commands import run_audit_command

        # The options, not settings: invalid settings are a failure the -o files are told of.
        return run_audit_command(
            paths, output_format.value, options, _stdout(), outputs=output or ()
        )

    execute(run, debug, machine_format_of(output_format.value))


@app.command(short_help="Show one DOI's registry record and updates.")
def resolve(
    doi: Annotated[
        str,
        typer.Argument(
            metavar="DOI",
            help="A DOI in any common form: 10.1038/nbt.2816, doi:10.1038/nbt.2816 or "
            "https://doi.org/10.1038/nbt.2816.",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        ResolveFormat,
        typer.Option("--format", "-f", metavar="table|json", help="A table or JSON on stdout."),
    ] = ResolveFormat.table,
    crossref_url: CrossrefUrl = None,
    datacite_url: DataCiteUrl = None,
    mailto: Mailto = None,
    timeout: Timeout = None,
    deadline: Deadline = None,
    retries: Retries = None,
    replay: Replay = None,
    record: Record = None,
    retraction_watch: RetractionWatch = None,
    cache_dir: CacheDir = None,
    fresh: Fresh = False,
    offline: Offline = False,
    quiet: Quiet = False,
    debug: Debug = False,
) -> None:
    """Show one registry record: title, authors, journal, year, type, and every update event
    (retraction, correction, concern) with its direction, date and source, the Retraction
    Watch CSV's included when it is given.

    Exit codes: 0 found, 1 not found, 2 not a DOI, 3 lookup failed.
    """
    options = locals()

    def run() -> int:
        from claimcheck.app.commands import run_resolve_command

        return run_resolve_command(doi, output_format.value, settings_of(options), _stdout())

    execute(run, debug, machine_format_of(output_format.value))


cache_app = typer.Typer(
    help="Inspect or empty the cache of Crossref's and DataCite's answers.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("info", short_help="Where the cache is, and what it holds.")
def cache_info(cache_dir: CacheDir = None) -> None:
    """Where the cache is, how many answers it holds, and how old they are."""

    def run() -> int:
        from claimcheck.app.cache_commands import cache_info_text

        summary = cache_info_text(settings_of({"cache_dir": cache_dir}))
        write_stdout(summary + "\n", "the cache summary", for_people=True)
        return ExitCode.OK

    execute(run, debug=False)


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDir = None) -> None:
    """Remove every cached answer."""

    def run() -> int:
        from claimcheck.app.cache_commands import cache_clear_text

        summary = cache_clear_text(settings_of({"cache_dir": cache_dir}))
        write_stdout(summary + "\n", "the result", for_people=True)
        return ExitCode.OK

    execute(run, debug=False)


# Commands that make or describe claim maps, declared in cli_maps.py; registered after
# `cache` so that `--help` lists the commands in the same order as before.
app.command(short_help="Print the JSON Schema of the claim map.")(cli_maps.schema)
app.command("import", short_help="Start a claim map from a bibliography.")(cli_maps.import_)
app.command(short_help="Write a starter claim map to fill in.")(cli_maps.init)


def _stdout() -> tuple[int, bool]:
    # sys.stdout is None when the process started with fd 1 closed (`>&-`): the command
    # writes nothing there, and ends with 74 when it tries (runner.write_stdout).
    tty = sys.stdout is not None and sys.stdout.isatty()
    return terminal_style(tty, os.environ)


def _stdout_failed(why: str) -> NoReturn:
    say(f"claimcheck: cannot write to stdout: {why}")
    flush_quietly()
    os._exit(int(ExitCode.OUTPUT_FAILED))


def terminal_style(tty: bool, env: Mapping[str, str]) -> tuple[int, bool]:
    """Width and colour for stdout. The width is COLUMNS when it is set, as `--help` takes it,
    so a piped table fits where it is going; else the terminal's; else 120 (a pipe or a file);
    never more than MAX_WIDTH. Colour only on a terminal, never with NO_COLOR set
    (https://no-color.org) or TERM=dumb."""
    color = tty and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
    digits = env.get("COLUMNS", "").strip().lstrip("0")
    if digits.isdecimal():
        # Past six digits it is past the cap anyway, and Python refuses int() of 4,301.
        width = int(digits) if len(digits) <= 6 else MAX_WIDTH
    elif tty:
        width = shutil.get_terminal_size((120, 24)).columns
    else:
        width = 120
    return min(width, MAX_WIDTH), bool(color)


def main() -> None:
    """The console entry point: the commands, plus what click would otherwise handle alone.

    - An option error (`--timeout abc`, an unknown option) still gives a machine document on
      stdout when the command line asked for one (`-f json|sarif|junit|markdown`), and, in
      `audit`, each `-o` file gets its failure document where that is safe
      (failure_outputs.after_option_error).
    - After Ctrl-C or SIGTERM, exit at once with 130 or 143: worker threads may be stuck in
      a read from a server that never answers, and the interpreter would otherwise wait for
      them. Nothing is left half-written: files are only ever renamed into place.
    """
    from typer.exceptions import Abort, TyperException

    try:
        code = app(standalone_mode=False)
        if code == interrupts.SIGINT_EXIT and not interrupts.exit_code():
            # typer's own answer to an interrupt outside `execute` (while it reads the
            # command line): exit 130, saying nothing.
            code = print_interrupted(interrupts.last_raised())
    except TyperException as exc:  # a usage error: bad value, unknown option, missing file
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        machine = machine_format_of(requested_format(sys.argv[1:]) or "")
        if machine:
            print_failure(machine, int(ExitCode.USAGE), exc.format_message(), [])
        _tell_outputs(exc)
        code = exc.exit_code
    except Abort:
        code = print_interrupted(interrupts.last_raised())
    except OSError as exc:
        # Only click's own output gets here (`--help`, a usage message): every command's
        # errors end in `execute`. A closed or full stdout is not a bug.
        _stdout_failed(exc.strerror or str(exc))
    except SystemExit:
        # typer's own answer to a reader that closed the pipe (`claimcheck --help | head -0`)
        # is to wrap stdout in click's PacifyFlushWrapper and exit 1, silently (typer/core.py,
        # `except OSError` with EPIPE). README, "Exit codes": 74 when stdout cannot take the
        # output, saying so.
        from typer._click.utils import PacifyFlushWrapper

        if isinstance(sys.stdout, PacifyFlushWrapper):
            _stdout_failed("Broken pipe")
        raise
    finally:
        if interrupts.exit_code():
            flush_quietly()
            os._exit(interrupts.exit_code())
    sys.exit(code if isinstance(code, int) else 0)


def _tell_outputs(exc: Exception) -> None:
    """The failure document in each `-o` file of a refused `audit` command line. A bug here
    must not hide the option error itself, nor become a traceback."""
    from claimcheck.app.failure_outputs import after_option_error

    try:
        after_option_error(sys.argv[1:], exc)
    except Exception as err:
        say(f"claimcheck: internal error: {type(err).__name__}: {err}; -o files left as they were")
