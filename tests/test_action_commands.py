"""The action's audit step against a hostile claim map, with the real claimcheck.

A claim map in a fork's pull request is text anyone can write. Whatever the workflow's inputs
(format, extra-args), no line of it may reach the step log as a workflow command: only the
annotations claimcheck escapes (`format: github`) are printed outside the ::stop-commands::
markers. The step's script is run in bash as the runner runs it
(tests/test_action_audit_step.py's `run_audit`), offline against a closed loopback port,
so the map's own text is what is printed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.factories import fresh_cache_dir
from tests.test_action import Run, needs_bash
from tests.test_action_audit_step import run_audit

# A title and a claim whose text breaks the line and starts a workflow command of its own.
HOSTILE_MAP = """claimcheck: 1
references:
  R1:
    title: "Some title here\\n::error title=forged::Forged by a claim map"
    authors: [Smith A]
    year: 2001
claims:
  - id: C1
    text: "a claim\\n::add-mask::secretvalue\\n::error::forged from claim text"
    cites: [R1]
"""
FORGED = ("::add-mask::", "::error::forged", "::error title=forged")
# This checkout's claimcheck, run by the venv's path as the action runs it.
REAL_CLAIMCHECK = f'#!/bin/sh\nexec "{sys.executable}" -m claimcheck "$@"\n'


def audit_hostile_map(tmp_path: Path, **inputs: str) -> Run:
    claims = tmp_path / "workspace" / "claims"
    claims.mkdir(parents=True)
    (claims / "m.yaml").write_text(HOSTILE_MAP, encoding="utf-8")
    env = {
        "PYTHONPATH": os.pathsep.join(sys.path),
        "CLAIMCHECK_CACHE_DIR": fresh_cache_dir(),
        "CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9",
        "CLAIMCHECK_DATACITE_URL": "http://127.0.0.1:9",
        "CLAIMCHECK_RETRACTION_WATCH": "",
        "CLAIMCHECK_TEST_SCRATCH": os.environ["CLAIMCHECK_TEST_SCRATCH"],
        "NO_COLOR": "1",
    }
    return run_audit(tmp_path, 0, claimcheck=REAL_CLAIMCHECK, env_more=env, **inputs)


def live_commands(run: Run) -> list[str]:
    """The lines the runner would read as workflow commands: those outside the markers."""
    _, outside = run.between_stop_commands()
    return [line for line in outside if line.lstrip().startswith("::")]


def assert_nothing_forged(run: Run) -> None:
    forged = [line for line in live_commands(run) if line.lstrip().startswith(FORGED)]
    assert not forged, run.log


@needs_bash
@pytest.mark.parametrize("fmt", ["html", "table", "json", "sarif", "junit", "markdown"])
@pytest.mark.parametrize("spelling", ["--format {}", "--format={}", "-f {}", "-f{}", "-qf {}"])
def test_extra_args_cannot_change_the_format(tmp_path: Path, fmt: str, spelling: str) -> None:
    # The wrapping is chosen by the format input: extra-args overriding it would print the
    # map's text unwrapped under the wrapping meant for escaped annotations.
    run = audit_hostile_map(tmp_path, extra_args=f"--offline {spelling.format(fmt)} --no-match")
    assert run.code == 2, run.log
    assert run.outputs["exit-code"] == "2"
    assert run.argv is None  # claimcheck never ran
    assert "::error::input extra-args must not set the format" in run.log
    assert not [line for line in run.log.splitlines() if line.startswith(FORGED)]


@needs_bash
@pytest.mark.parametrize("target", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_a_report_sent_to_stdout_stays_inert(tmp_path: Path, target: str) -> None:
    # Under `format: github` claimcheck's stdout used to be live; an -o report written
    # through it (the HTML report keeps the map's line breaks) was read as commands.
    if not Path(target).exists():
        pytest.skip(f"no {target} here")
    run = audit_hostile_map(tmp_path, extra_args=f"--offline --no-match -o html={target}")
    assert run.code == 0, run.log
    assert_nothing_forged(run)
    inside, _ = run.between_stop_commands()
    assert "::add-mask::secretvalue" in inside, run.log  # printed, but inert
    # The escaped annotations are still live: R1 has no DOI.
    assert any(line.startswith("::warning file=claims/m.yaml,") for line in live_commands(run))


@needs_bash
@pytest.mark.parametrize("fmt", ["github", "html", "table", "json", "sarif", "junit", "markdown"])
def test_no_format_input_lets_the_map_forge_a_command(tmp_path: Path, fmt: str) -> None:
    run = audit_hostile_map(tmp_path, format=fmt, extra_args="--offline --no-match")
    assert run.code == 0, run.log
    assert_nothing_forged(run)
    annotations = [line for line in live_commands(run) if line.startswith("::warning ")]
    assert bool(annotations) == (fmt == "github"), run.log


@needs_bash
def test_options_that_only_look_like_format_pass(tmp_path: Path) -> None:
    # --fail-on and --fresh start with "--f"; -q and -o are short flags without an f.
    extra = "--fail-on=warning --fresh -q -o html=claimcheck.html --offline"
    run = run_audit(tmp_path, 0, extra_args=extra)
    assert run.code == 0, run.log
    assert run.argv is not None
    assert run.argv[-8:] == [*extra.split(), "--", "claims/"]
