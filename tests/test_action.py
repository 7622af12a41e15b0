"""The GitHub Action (action.yml) and the constraints file it installs claimcheck with.

The metadata is read with PyYAML and checked as text (composite, no setup-python, no `${{ }}`
inside a script, every input used, actions pinned); the audit step's script is then run for
real in bash with a fake claimcheck, to prove what it passes, what it prints and how it exits
(report-only swallows the code, otherwise it propagates). The constraints file is checked
against pyproject.toml and the installed metadata with `packaging`.

`CLAIMCHECK_TEST_ACTION_INSTALL=1` also runs the install step for real: a venv, pip against
the configured index, then checks that everything it installed is pinned (about 30 s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

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


# --- the audit step, run in bash with a fake claimcheck -------------------------------

FAKE_CLAIMCHECK = """#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "w", encoding="utf-8") as log:
    json.dump(args, log)
contents = {{"sarif": '{{"runs": []}}', "markdown": "### claimcheck report\\n", "html": "<p>"}}
contents["github"] = "{annotation}\\n"
for i, arg in enumerate(args):
    if arg == "-o" and os.environ["FAKE_WRITES"] == "1":
        fmt, path = args[i + 1].split("=", 1)
        with open(path, "w", encoding="utf-8") as out:
            out.write(contents[fmt])
if args[args.index("--format") + 1] == "github":
    # What `--format github` prints: escaped annotations, meant to be commands.
    print("{annotation}")
else:
    # Claim-map or registry text anyone can write, as another format prints it:
    print("::add-mask::hostile title on stdout")
print("  ::error::injected from a notice on stderr", file=sys.stderr)
sys.exit(int(os.environ["FAKE_EXIT"]))
"""
ANNOTATION = (
    "::error file=claims/m.yaml,line=7,col=5,title=claimcheck retracted%3A R1::R1 is retracted"
)


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


def venv_bin(tmp_path: Path, claimcheck: str) -> Path:
    """The venv's bin folder the install step leaves: `claimcheck` (this script) and
    `python`."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "claimcheck").write_text(claimcheck, encoding="utf-8")
    (bin_dir / "claimcheck").chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    return bin_dir


def run_audit(
    tmp_path: Path,
    exit_code: int,
    *,
    writes: bool = True,
    claimcheck: str | None = None,
    env_more: dict[str, str] | None = None,
    **inputs: str,
) -> Run:
    """The audit step's script as the runner would run it, claimcheck faked (exiting with
    `exit_code`, writing its -o files if `writes`) unless `claimcheck` is another script
    for it; inputs by their action.yml names with `-` as `_` (defaults from action.yml, as
    GitHub fills them in)."""
    fake = FAKE_CLAIMCHECK.format(python=sys.executable, annotation=ANNOTATION)
    bin_dir = venv_bin(tmp_path, claimcheck or fake)
    workspace = tmp_path / "workspace"  # a test may have laid files in it already
    workspace.mkdir(exist_ok=True)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    output, summary, log = tmp_path / "output", tmp_path / "summary", tmp_path / "argv.json"
    output.touch()
    summary.touch()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(runner_temp),
        "FAKE_EXIT": str(exit_code),
        "FAKE_LOG": str(log),
        "FAKE_WRITES": "1" if writes else "0",
        **(env_more or {}),
    }
    given = {name.replace("_", "-"): value for name, value in inputs.items()}
    assert set(given) <= set(ACTION["inputs"]), set(given) - set(ACTION["inputs"])
    audit = step("audit")
    for var, value in audit["env"].items():
        if var == "CLAIMCHECK_BIN":
            env[var] = str(bin_dir)
            continue
        name = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        assert name, value
        env[var] = given.get(name[1], str(ACTION["inputs"][name[1]].get("default", "")))
    done = run_script(audit["run"], env, workspace)
    outputs = dict(
        line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
    )
    argv = json.loads(log.read_text(encoding="utf-8")) if log.exists() else None
    assert not any(runner_temp.iterdir()), "the step left files in RUNNER_TEMP"
    return Run(done.returncode, done.stdout, argv, outputs, summary.read_text("utf-8"), workspace)


def option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == name]


@needs_bash
@pytest.mark.parametrize(
    ("report_only", "claimcheck_code", "step_code"),
    [
        ("false", 0, 0),
        ("false", 1, 1),
        ("false", 2, 2),
        ("false", 3, 3),
        ("false", 70, 70),
        ("true", 0, 0),
        ("true", 1, 0),
        ("true", 2, 0),
        ("true", 3, 0),
        ("true", 70, 0),
        ("True", 1, 0),
    ],
)
def test_report_only_swallows_the_code_and_otherwise_it_propagates(
    tmp_path: Path, report_only: str, claimcheck_code: int, step_code: int
) -> None:
    run = run_audit(tmp_path, claimcheck_code, report_only=report_only)
    assert run.code == step_code, run.log
    assert run.outputs["exit-code"] == str(claimcheck_code)
    assert f"claimcheck exit code: {claimcheck_code} (" in run.log
    warned = "::warning title=claimcheck (report-only)::claimcheck exited" in run.log
    assert warned == (claimcheck_code != 0 and step_code == 0)
    # The results are printed either way: the annotations, the log, the job summary.
    assert ANNOTATION in run.log.splitlines()
    assert "injected from a notice on stderr" in run.log
    assert run.summary == "### claimcheck report\n"


@needs_bash
def test_a_bad_flag_is_a_usage_error(tmp_path: Path) -> None:
    run = run_audit(tmp_path, 0, report_only="maybe")
    assert run.code == 2
    assert run.outputs["exit-code"] == "2"
    assert run.argv is None
    assert "::error::input report-only must be true or false" in run.log


@needs_bash
def test_a_usage_error_under_report_only_is_printed_but_does_not_fail(tmp_path: Path) -> None:
    run = run_audit(tmp_path, 0, report_only="true", markdown_summary="yes")
    assert (run.code, run.outputs["exit-code"], run.argv) == (0, "2", None)
    assert "::warning title=claimcheck (report-only)::claimcheck exited 2" in run.log


@needs_bash
def test_empty_paths_are_a_usage_error(tmp_path: Path) -> None:
    run = run_audit(tmp_path, 0, paths=" \n ")
    assert (run.code, run.outputs["exit-code"], run.argv) == (2, "2", None)


@needs_bash
def test_github_format_annotations_are_live_and_nothing_else_is(tmp_path: Path) -> None:
    run = run_audit(tmp_path, 1)
    assert run.argv is not None
    assert option(run.argv, "--format") == ["github"]
    inside, outside = run.between_stop_commands()
    # claimcheck's stdout under --format github: workflow commands, read by the runner.
    assert ANNOTATION in outside
    # Its stderr (notices quoting claim-map text): inert.
    assert "  ::error::injected from a notice on stderr" in inside
    assert not [line for line in outside if "injected" in line]


@needs_bash
@pytest.mark.parametrize("fmt", ["json", "table", "markdown", "sarif", "junit", "html"])
def test_other_formats_pass_through_and_all_their_output_is_inert(tmp_path: Path, fmt: str) -> None:
    run = run_audit(tmp_path, 0, format=fmt)
    assert run.argv is not None
    assert option(run.argv, "--format") == [fmt]
    inside, outside = run.between_stop_commands()
    assert "::add-mask::hostile title on stdout" in inside
    assert "  ::error::injected from a notice on stderr" in inside
    assert not [line for line in outside if "hostile" in line or "injected" in line]


@needs_bash
def test_the_inputs_reach_claimcheck_as_arguments(tmp_path: Path) -> None:
    (tmp_path / "workspace" / "out").mkdir(parents=True)
    run = run_audit(
        tmp_path,
        0,
        paths="claims/ more/maps.yaml",
        html="out/report.html",
        sarif="claimcheck.sarif",
        mailto="editors@example.org",
        fail_on="retracted,doi-mismatch",
        replay="claims/evidence",
        allow_incomplete="true",
        markdown_summary="false",
        extra_args="--no-match\n--deadline 120",
    )
    assert run.code == 0, run.log
    assert run.argv is not None
    assert run.argv[:3] == ["audit", "--format", "github"]
    assert run.argv[-3:] == ["--", "claims/", "more/maps.yaml"]
    github, *reports = option(run.argv, "-o")
    assert github.startswith("github=")  # the annotations' own file, in RUNNER_TEMP
    assert reports == ["sarif=claimcheck.sarif", "html=out/report.html"]
    assert option(run.argv, "--mailto") == ["editors@example.org"]
    assert option(run.argv, "--fail-on") == ["retracted,doi-mismatch"]
    assert option(run.argv, "--replay") == ["claims/evidence"]
    assert "--allow-incomplete" in run.argv
    # extra-args come last, split on newlines as on spaces.
    assert run.argv[-6:-3] == ["--no-match", "--deadline", "120"]
    assert run.summary == ""  # markdown-summary: false
    assert (run.workspace / "claimcheck.sarif").exists()
    assert (run.workspace / "out" / "report.html").exists()


@needs_bash
def test_empty_inputs_add_no_option(tmp_path: Path) -> None:
    run = run_audit(tmp_path, 0, fail_on="", markdown_summary="false")
    assert run.argv is not None
    kept = [a for a in run.argv if not a.startswith("github=")]
    assert kept == ["audit", "--format", "github", "-o", "--", "claims/"]


@needs_bash
def test_no_markdown_report_still_leaves_a_summary(tmp_path: Path) -> None:
    # claimcheck on an invalid map: exit 2 before any report is written.
    run = run_audit(tmp_path, 2, writes=False)
    assert run.code == 2
    assert run.summary.startswith("### claimcheck\n\nNo report: claimcheck exited 2 before")


@needs_bash
def test_lists_are_split_but_never_evaluated(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    # Files a glob would expand to, were globbing on.
    (tmp_path / "workspace" / "claims").mkdir(parents=True)
    (tmp_path / "workspace" / "claims" / "a.yaml").touch()
    run = run_audit(
        tmp_path,
        0,
        paths=f"claims/*.yaml $(touch${{IFS}}{marker}) `touch {marker}`",
        extra_args=f"--as-of $HOME ;touch {marker} * '--x y'",
        mailto=f'a@b.org"; touch {marker}; "',
    )
    assert run.code == 0, run.log
    assert not marker.exists()
    assert run.argv is not None
    dashes = run.argv.index("--")
    assert run.argv[dashes + 1 :] == [
        "claims/*.yaml",
        f"$(touch${{IFS}}{marker})",
        "`touch",
        f"{marker}`",
    ]
    assert run.argv[dashes - 7 : dashes] == [
        "--as-of",
        "$HOME",
        ";touch",
        str(marker),
        "*",
        "'--x",
        "y'",
    ]
    assert option(run.argv, "--mailto") == [f'a@b.org"; touch {marker}; "']


# --- the Python check --------------------------------------------------------------------


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


@needs_bash
def test_an_old_python_fails_with_a_clear_message(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python3", "python"):
        old = bin_dir / name
        old.write_text("#!/bin/sh\necho 3.10.12\nexit 1\n", encoding="utf-8")
        old.chmod(0o755)
    run = run_python_step(tmp_path, bin_dir)
    assert run.code == 1
    assert "::error title=claimcheck needs Python 3.11 or newer::" in run.log
    assert "python3 3.10.12; python 3.10.12;" in run.log
    assert "actions/setup-python" in run.log
    assert run.outputs == {}


@needs_bash
def test_the_runners_python_is_used_and_the_cache_key_follows_the_constraints(
    tmp_path: Path,
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    (tmp_path / "a").mkdir()
    first = run_python_step(tmp_path / "a", bin_dir)
    assert first.code == 0, first.log
    assert first.outputs["python"] == str(bin_dir / "python3")
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert re.fullmatch(
        rf"claimcheck-pip-Linux-X64-{sys.implementation.name}{minor}-[0-9a-f]{{20}}",
        first.outputs["cache-key"],
    )
    changed = tmp_path / "action"
    (changed / ".github").mkdir(parents=True)
    (changed / ".github" / "claimcheck-constraints.txt").write_text(
        CONSTRAINTS.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8"
    )
    (tmp_path / "b").mkdir()
    second = run_python_step(tmp_path / "b", bin_dir, changed)
    assert second.code == 0, second.log
    assert second.outputs["cache-key"] != first.outputs["cache-key"]


# --- the constraints file ----------------------------------------------------------------


def pins() -> dict[NormalizedName, Version]:
    found: dict[NormalizedName, Version] = {}
    for number, raw in enumerate(CONSTRAINTS.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        [spec] = requirement.specifier
        assert spec.operator == "==", f"line {number}: {raw!r} is not name==version"
        assert not requirement.extras, raw
        assert requirement.marker is None, raw
        assert not requirement.url, raw
        assert "*" not in spec.version, f"line {number}: {raw!r} is not one exact version"
        name = canonicalize_name(requirement.name)
        assert name not in found, f"line {number}: {name} pinned twice"
        found[name] = Version(spec.version)
    return found


def test_constraints_are_exact_pins() -> None:
    assert len(pins()) >= len(PYPROJECT["project"]["dependencies"])


def test_every_runtime_dependency_is_pinned_to_a_version_it_accepts() -> None:
    pinned = pins()
    for line in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} (pyproject.toml) is not in {CONSTRAINTS.name}"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} does not satisfy {requirement}"
        )


# The runners the action runs on, for the markers of transitive requirements.
PLATFORMS = [
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
]
PYTHONS = ["3.11", "3.12", "3.13", "3.14"]


def applies(requirement: Requirement, extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    marker: Marker = requirement.marker
    for extra in [*extras, ""]:
        for platform in PLATFORMS:
            for python in PYTHONS:
                env = {**platform, "python_version": python, "python_full_version": python + ".0"}
                if marker.evaluate({**env, "extra": extra}):
                    return True
    return False


def installed(name: str) -> metadata.Distribution | None:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


def closure(
    roots: Iterable[str], pinned: dict[NormalizedName, Version] | None = None
) -> tuple[set[NormalizedName], list[str]]:
    """The packages `roots` pull in on any runner, by the installed metadata; with `pinned`,
    also every requirement between them that its pin does not satisfy. With `pinned`, a
    package installed at another version than its pin is not walked into: its requirements
    might not be the pinned release's."""
    seen: set[NormalizedName] = set()
    walked: set[tuple[NormalizedName, frozenset[str]]] = set()
    mismatches: list[str] = []
    queue = [Requirement(root) for root in roots]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        if name == "claimcheck":  # "claimcheck[test]" in the dev extra
            groups = PYPROJECT["project"]["optional-dependencies"]
            queue += [Requirement(r) for extra in requirement.extras for r in groups[extra]]
            continue
        seen.add(name)
        if pinned and name in pinned and not requirement.specifier.contains(pinned[name], True):
            mismatches.append(f"{name}=={pinned[name]} does not satisfy {requirement}")
        dist = installed(name)
        if dist is None or (name, frozenset(requirement.extras)) in walked:
            continue  # not installed: e.g. colorama, for Windows only (pinned, not walked)
        walked.add((name, frozenset(requirement.extras)))
        if pinned is not None and pinned.get(name) != Version(dist.version):
            continue
        queue += [
            child
            for child in map(Requirement, dist.requires or [])
            if applies(child, requirement.extras)
        ]
    return seen, mismatches


def test_everything_the_runtime_dependencies_pull_in_is_pinned() -> None:
    pinned = pins()
    needed, mismatches = closure(PYPROJECT["project"]["dependencies"], pinned)
    missing = sorted(needed - set(pinned))
    assert not missing, f"not pinned in {CONSTRAINTS.name}: {missing} (regenerate it)"
    assert not mismatches, mismatches


def test_nothing_test_or_dev_only_is_pinned() -> None:
    pinned = set(pins())
    runtime, _ = closure(PYPROJECT["project"]["dependencies"])
    build = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["build-system"]["requires"]}
    extras = PYPROJECT["project"]["optional-dependencies"]
    test_and_dev, _ = closure([r for group in extras.values() for r in group])
    assert not sorted((test_and_dev - runtime) & pinned)
    # And nothing else either: only runtime packages and the build backend.
    assert not sorted(pinned - runtime - build)


# --- the install step, for real (opt-in: it needs the package index) ----------------------


@needs_bash
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("CLAIMCHECK_TEST_ACTION_INSTALL") != "1",
    reason="set CLAIMCHECK_TEST_ACTION_INSTALL=1 to install from the package index",
)
def test_the_install_step_installs_only_pinned_versions(tmp_path: Path) -> None:
    # The action's checkout, as GitHub lays it out (a copy: the build writes into it).
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    action_path = tmp_path / "action"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (action_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, action_path / name)
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    found = run_python_step(tmp_path, bin_dir, action_path)
    assert found.code == 0, found.log
    output = tmp_path / "install-output"
    output.touch()
    env = {
        **os.environ,
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(output),
        "CLAIMCHECK_PYTHON": found.outputs["python"],
        "CLAIMCHECK_ACTION_PATH": str(action_path),
        "PIP_CACHE_DIR": str(runner_temp / "claimcheck-pip-cache"),
    }
    env.pop("VIRTUAL_ENV", None)
    done = run_script(step("install")["run"], env, tmp_path)
    assert done.returncode == 0, done.stdout
    venv_bin = output.read_text(encoding="utf-8").strip().removeprefix("bin=")
    frozen = subprocess.run(
        [f"{venv_bin}/python", "-m", "pip", "freeze", "--all", "--exclude", "claimcheck"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    pinned = pins()
    for line in frozen:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name == "pip":
            continue  # the venv's own, from the runner's Python
        assert name in pinned, f"{line} was installed without a pin"
        assert requirement.specifier.contains(pinned[name]), f"{line} != {pinned[name]}"
