"""The failure document in each `-o FORMAT=PATH` file when an audit fails before its reports
are written (README, "Exit codes"), so that a CI step uploading them never finds the report
of an earlier run and takes it for this one's.

A file that may be an input of the run is never written over. Once the claim maps are found
and the settings read, the inputs are known exactly (`refuse_inputs`). Before that, every
file and folder the run could read or write counts as one (`possible_inputs`), and an `-o`
file among them is left as it was, with a notice saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.app.outputs import Output, input_conflict, write_output

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
) -> Inputs:
    """Every file and folder an audit of `named` with these option values could read or
    write, known without valid settings or a finished search for claim maps: each named path
    and every *.yaml/*.yml below a named folder, and for each path option both its value and
    its CLAIMCHECK_* variable's (either may be the one in use), the default cache too."""
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
    return Inputs(tuple(files), tuple(used), known=False)


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
            notice(f"--output {output.spec}: cannot write it: {err.strerror or err}", quiet=quiet)
