"""The action's audit step run in bash with a fake claimcheck: what it passes, prints, exits."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from tests.test_action import ACTION, Run, needs_bash, run_script, step

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
