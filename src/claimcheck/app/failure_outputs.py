"""The failure document in each `-o FORMAT=PATH` file when an audit fails before its reports
are written (README, "Exit codes"), so that a CI step uploading them never finds the report
of an earlier run and takes it for this one's.

A file that may be an input of the run is never written over. Once the claim maps are found
and the settings read, the inputs are known exactly (`refuse_inputs`). Before that, every
file and folder the run could read or write counts as one (`possible_inputs`), and an `-o`
file among them is left as it was, with a notice saying so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.app.outputs import Output, check_outputs, input_conflict, write_output

if TYPE_CHECKING:
    from claimcheck.app.settings import Settings

# The path options of `audit`, by what the run does with them: folders it reads or writes
# (nothing may be written inside), and a file it reads.
FOLDER_OPTIONS = ("replay", "record", "cache_dir")
FILE_OPTIONS = ("retraction_watch",)


@dataclass(frozen=True)
class Inputs:
    files: tuple[Path, ...]  # never written over
    folders: tuple[Path, ...]  # never written into
    known: bool  # False: these are what the run *could* read, its real inputs not yet known


def known_inputs(map_files: Sequence[Path], settings: Settings) -> Inputs:
    """The run's inputs once its claim maps are found: what `refuse_inputs` checks."""
    from claimcheck.cache.store import default_cache_dir

    data = [settings.retraction_watch] if settings.retraction_watch else []
    folders = [settings.cache_dir or default_cache_dir()]
    folders += [p for p in (settings.replay, settings.record) if p is not None]
    return Inputs((*map_files, *data), tuple(folders), known=True)


def possible_inputs(
    named: Iterable[Path],
    options: Mapping[str, Any],
    env: Mapping[str, str],
    folders: Iterable[Path] = (),
) -> Inputs:
    """Every file and folder an audit of `named` with these option values could read or
    write, known without valid settings or a finished search for claim maps: each named path
    and every *.yaml/*.yml below a named folder, and for each path option both its value and
    its CLAIMCHECK_* variable's (either may be the one in use), the default cache and
    `folders` too."""
    from claimcheck.app.settings import ENV_PREFIX
    from claimcheck.cache.store import default_cache_dir
    from claimcheck.inputs.discovery import claim_map_candidates

    def given(name: str) -> list[Path]:
        values = (options.get(name), env.get(ENV_PREFIX + name.upper()))
        # An empty value is refused or unset, never read as the current folder.
        return [Path(value) for value in values if value]

    files = claim_map_candidates([p for p in named if str(p)])
    files += [p for name in FILE_OPTIONS for p in given(name)]
    used = [default_cache_dir(), *(p for name in FOLDER_OPTIONS for p in given(name))]
    return Inputs(tuple(files), (*used, *folders), known=False)


def write_failure_documents(
    outputs: Sequence[Output],
    inputs: Inputs,
    failure: tuple[int, str, list[dict[str, Any]]],
    quiet: bool,
) -> None:
    """Write `failure` (exit code, message, located problems) in each output's format to
    each output that is no input of the run. A write that fails is named on stderr."""
    from claimcheck.app.settings import notice
    from claimcheck.reporters.failure import render_failure

    code, message, problems = failure
    for output in outputs:
        conflict = input_conflict(output, inputs.files, inputs.folders)
        if conflict is not None:
            # With known inputs, refuse_inputs refused the run for such a file, and said so.
            if not inputs.known:
                kind, where = conflict
                why = f"inside {where}, which" if kind == "folder" else f"{where}, which"
                notice(
                    f"--output {output.spec}: left as it was, with no failure document: it "
                    f"is {why} this run may read or write",
                    quiet=quiet,
                )
            continue
        try:
            write_output(
                output.path, render_failure(output.format, code, message, problems).encode()
            )
        except OSError as err:
            # Shown even with --quiet, as a report that cannot be written is (commands.py).
            notice(f"--output {output.spec}: cannot write it: {err.strerror or err}")


def after_option_error(argv: Sequence[str], exc: Exception) -> None:
    """After click refused the command line of `claimcheck audit` (`--timeout abc`, an unknown
    option), before any of claimcheck's code ran: the failure document in each `-o` file the
    command line names, where that is safe (`_read_command_line`). Any other command: nothing."""
    from claimcheck.model.errors import ExitCode
    from claimcheck.reporters.registry import NAMES

    ctx = getattr(exc, "ctx", None)
    args = _audit_args(argv)
    if args is None or ctx is None or getattr(ctx.command, "name", None) != "audit":
        return
    options, named, unsure = _read_command_line(ctx, args)
    outputs, _problem = check_outputs(options.get("output") or (), NAMES)
    if outputs:
        # Unsure which word is which: each one may name a folder the run reads or writes.
        inputs = possible_inputs(named, options, os.environ, named if unsure else ())
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        failure: tuple[int, str, list[dict[str, Any]]] = (int(ExitCode.USAGE), message, [])
        write_failure_documents(outputs, inputs, failure, bool(options.get("quiet")))


def _audit_args(argv: Sequence[str]) -> list[str] | None:
    """The words after `audit`, when `audit` is the command; else None. The only options
    before a command name (`--version`, `--help`) take no value, so the first word that is
    not an option is the command's name."""
    for index, word in enumerate(argv):
        if not word.startswith("-"):
            return list(argv[index + 1 :]) if word == "audit" else None
    return None


def _read_command_line(refused: Any, args: list[str]) -> tuple[dict[str, Any], list[Path], bool]:
    """The option values of a command line click refused, read by click itself as far as it
    goes; the paths to treat as named ones; and whether the reading is unsure.

    Unknown options are read as flags. If there is one, whether it takes a value, and so
    which word is which, cannot be known: `--bogus -o x.json` may mean `--bogus=-o` and a
    claim map `x.json`. The same holds when the reading stopped short (`--quiet=1`) or found
    no claim map argument. Then the reading is unsure, and every word of the command line
    counts as a named path, so that no `-o` file any reading makes an input is written over."""
    # Under the same parent as the refused reading, so `-h` is the help option there too.
    ctx = refused.command.make_context(
        "audit",
        list(args),
        parent=refused.parent,
        resilient_parsing=True,
        ignore_unknown_options=True,
    )
    options = dict(ctx.params)
    paths = options.get("paths")
    leftover = [*ctx.args, *(str(p) for p in paths or ())]
    if paths is not None and not any(w.startswith("-") and w != "-" for w in leftover):
        return options, [Path(w) for w in leftover], False
    return options, [Path(word) for word in args if word], True
