"""The GitHub Action's metadata (action.yml read as text), and the helpers that run its steps."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION_FILE = ROOT / "action.yml"
CONSTRAINTS = ROOT / ".github" / "claimcheck-constraints.txt"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def load_action() -> dict[str, Any]:
    action = yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))
    assert isinstance(action, dict)
    return action


ACTION = load_action()
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]


def step(step_id: str) -> dict[str, Any]:
    [found] = [s for s in STEPS if s.get("id") == step_id]
    return found


def scripts() -> list[tuple[str, str]]:
    return [(s.get("name", "?"), s["run"]) for s in STEPS if "run" in s]


# Running a step's script as a GitHub runner does, for the test_action*.py files.
@dataclass
class Run:
    code: int
    log: str
    argv: list[str] | None
    outputs: dict[str, str]
    summary: str
    workspace: Path

    def between_stop_commands(self) -> tuple[list[str], list[str]]:
        """The log's lines inside the ::stop-commands:: markers, and those outside."""
        lines = self.log.splitlines()
        [start] = [i for i, line in enumerate(lines) if line.startswith("::stop-commands::")]
        token = lines[start].removeprefix("::stop-commands::")
        assert re.fullmatch(r"[0-9a-f]{32}", token)  # random: the text cannot guess it
        end = lines.index(f"::{token}::")
        return lines[start + 1 : end], lines[:start] + lines[end + 1 :]


def run_script(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert BASH is not None
    # What `shell: bash` runs on a GitHub runner.
    return subprocess.run(
        [BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
        check=False,
    )


def run_python_step(tmp_path: Path, bin_dir: Path, action_path: Path = ROOT) -> Run:
    output = tmp_path / "output"
    output.touch()
    env = {
        "PATH": str(bin_dir),  # only the interpreters under test are on PATH
        "GITHUB_OUTPUT": str(output),
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
        "CLAIMCHECK_ACTION_PATH": str(action_path),
    }
    done = run_script(step("python")["run"], env, tmp_path)
    outputs = dict(
        line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
    )
    return Run(done.returncode, done.stdout, None, outputs, "", tmp_path)


# --- the metadata ------------------------------------------------------------------------


def test_it_is_a_composite_action_with_the_exit_code_output() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.audit.outputs.exit-code }}"
    for s in STEPS:
        if "run" in s:
            assert s.get("shell") == "bash", s.get("name")


def test_the_inputs_the_issue_asks_for_with_their_defaults() -> None:
    inputs = ACTION["inputs"]
    assert {"paths", "format", "report-only", "html", "sarif", "mailto", "fail-on"} <= set(inputs)
    assert "extra-args" in inputs
    assert inputs["paths"]["default"] == "claims/"
    assert inputs["format"]["default"] == "github"
    assert inputs["report-only"]["default"] == "false"
    assert inputs["html"]["default"] == ""
    # The action installs its own checkout, pinned: a free-form requirement would undo that.
    assert "version" not in inputs


def test_no_step_sets_up_python_unconditionally() -> None:
    # setup-python puts its interpreter first on PATH for the rest of the caller's job.
    for s in STEPS:
        if str(s.get("uses", "")).startswith("actions/setup-python"):
            assert s.get("if"), f"step {s.get('name')!r} runs setup-python unconditionally"


def test_no_script_interpolates_an_expression() -> None:
    # `${{ inputs.x }}` inside `run:` is pasted into the script before bash reads it: script
    # injection. Every value reaches a script through `env:`; no script has `${{` at all.
    for name, script in scripts():
        assert "${{" not in script, f"step {name!r} interpolates an expression in its script"
        assert "inputs." not in script, name


def test_every_input_is_used() -> None:
    outside_scripts = yaml.safe_dump([{k: v for k, v in s.items() if k != "run"} for s in STEPS])
    for name in ACTION["inputs"]:
        assert re.search(rf"\binputs\.{re.escape(name)}\b", outside_scripts), f"{name} unused"
    # An input given to a script through env: is read by that script.
    for s in STEPS:
        for var, value in (s.get("env") or {}).items():
            if "inputs." in str(value):
                assert re.search(rf"\$\{{?{var}\b", s["run"]), f"{var} not read in {s['name']}"


def test_every_action_used_is_pinned_to_a_commit() -> None:
    uses = [s["uses"] for s in STEPS if "uses" in s]
    assert uses
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", ref), ref


def test_claimcheck_runs_from_its_own_venv_and_leaves_the_job_alone() -> None:
    install = step("install")["run"]
    assert "-m venv" in install
    assert '--constraint "$constraints"' in install
    assert "$CLAIMCHECK_ACTION_PATH/.github/claimcheck-constraints.txt" in install
    assert "$CLAIMCHECK_ACTION_PATH" in install.split("--no-build-isolation", 1)[1]
    for name, script in scripts():
        # Nothing leaks into the caller's later steps: no PATH or environment changes.
        assert not re.search(r'>>\s*"?\$\{?GITHUB_(PATH|ENV)\b', script), name
    assert '"$CLAIMCHECK_BIN/claimcheck"' in step("audit")["run"]


def test_the_pip_cache_is_keyed_on_the_constraints_file() -> None:
    assert ".github/claimcheck-constraints.txt" in step("python")["run"]
    assert "hashlib.sha256" in step("python")["run"]
    restore = step("cache")
    assert restore["uses"].startswith("actions/cache/restore@")
    assert restore["with"]["key"] == "${{ steps.python.outputs.cache-key }}"
    [save] = [s for s in STEPS if str(s.get("uses", "")).startswith("actions/cache/save@")]
    assert save["with"] == restore["with"]
    assert step("install")["env"]["PIP_CACHE_DIR"] == restore["with"]["path"]


def test_the_html_report_is_uploaded_even_when_the_gate_fails() -> None:
    [upload] = [s for s in STEPS if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload["with"]["name"] == "claimcheck-report"
    assert upload["with"]["path"] == "${{ inputs.html }}"
    condition = upload["if"]
    assert "inputs.html != ''" in condition
    assert "!cancelled()" in condition or "always()" in condition


def test_report_only_is_the_only_way_a_failure_becomes_exit_0() -> None:
    audit = step("audit")
    assert "continue-on-error" not in audit
    script = audit["run"]
    assert "|| true" not in script
    # The one `exit 0` after a non-zero code sits under the report-only test.
    guarded = re.search(
        r'if \[ "\$code" -ne 0 \] && \[ "\$report_only" = true \]; then\n[^\n]*\n\s*exit 0\n',
        script,
    )
    assert guarded, "the exit-0 branch is not guarded by report-only"
    assert script.count("exit 0") == 1
    assert re.search(r'^\s*exit "\$code"$', script, re.MULTILINE)
