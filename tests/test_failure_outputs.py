"""Each sound `-o FORMAT=PATH` file gets the failure document of its format on every failure
before the reports are written, so the report of an earlier run is never left in its place:
option errors, invalid settings, a bad `-o` beside it, no claim map, an output over an input,
an internal error. A file that is or may be an input of the run is never written over."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from claimcheck.app.outputs import check_outputs
from claimcheck.reporters.registry import NAMES
from tests.factories import write_map
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run
from tests.test_failures import check_document, claimcheck

MAP = "claimcheck: 1\nreferences: {A: {doi: 10.1038/nbt.2816}}\n"
MAP += "claims: [{id: C1, text: x, cites: [A]}]\n"
STALE = "the report of an earlier run\n"


def stale(*paths: Path) -> None:
    for path in paths:
        path.write_text(STALE)


def error_of(path: Path) -> str:
    document = json.loads(path.read_text())
    assert document["schema"] == "claimcheck.error/1"
    return str(document["error"]["message"])


EARLY_FAILURES = {
    "no claim map in a folder": (["{empty}"], {}, "no claim map to audit in"),
    "a missing claim map": (["{tmp}/missing.yaml"], {}, "no such file or directory"),
    "an invalid setting": (["{map}", "--timeout", "-1"], {}, "--timeout: invalid value"),
    "an invalid variable": (["{map}"], {"CLAIMCHECK_FRESH": "maybe"}, "CLAIMCHECK_FRESH"),
    "a bad -o beside": (["{map}", "-o", "json=-"], {}, "for stdout, use --format json"),
    "an -o over the map": (["{map}", "-o", "json={map}"], {}, "is an input of this run"),
    "an invalid claim map": (["{bad}"], {}, "in the claim map"),
}


@pytest.mark.parametrize("case", EARLY_FAILURES, ids=list(EARLY_FAILURES))
def test_an_early_failure_replaces_every_sound_o_file(tmp_path: Path, case: str) -> None:
    args, env, said = EARLY_FAILURES[case]
    (tmp_path / "empty").mkdir()
    path = write_map(tmp_path, MAP)
    before = path.read_bytes()
    names = {"tmp": tmp_path, "empty": tmp_path / "empty", "map": path}
    names["bad"] = write_map(tmp_path, "claimcheck: 1\nclaims: 3\n", "bad.yaml")
    report, sarif, junit = (tmp_path / f"report.{e}" for e in ("json", "sarif", "xml"))
    stale(report, sarif, junit)
    outputs = ["-o", f"json={report}", "-o", str(sarif), "-o", f"junit={junit}"]
    given = [a.format(**names) for a in args]
    result = run("audit", *given, *outputs, "-f", "json", env=env)
    assert result.exit_code == 2, result.output
    assert said in error_of(report)
    check_document("sarif", sarif.read_text(), 2)
    check_document("junit", junit.read_text(), 2)
    assert path.read_bytes() == before


def test_a_file_given_twice_is_written_by_neither(tmp_path: Path) -> None:
    report, other = tmp_path / "report.json", tmp_path / "other.json"
    stale(report, other)
    specs = ["-o", f"json={report}", "-o", f"sarif={tmp_path}/./report.json", "-o", str(other)]
    result = run("audit", write_map(tmp_path, MAP), "--offline", *specs)
    assert result.exit_code == 2
    assert "the same file" in result.stderr
    assert report.read_text() == STALE  # which of the two formats it should hold is unknown
    assert "the same file" in error_of(other)


def test_check_outputs_keeps_the_sound_ones_and_names_the_first_problem() -> None:
    specs = ["a.json", "b.txt", "sarif=-", "junit=c.xml", "json=c.xml"]
    outputs, problem = check_outputs(specs, NAMES)
    assert [o.spec for o in outputs] == ["a.json"]
    assert problem is not None
    assert problem.startswith("--output 'b.txt': expected FORMAT=PATH")
    assert check_outputs(["a.json", "sarif=b.sarif"], NAMES)[1] is None


def test_before_the_maps_are_found_a_possible_input_is_never_written_over(
    tmp_path: Path,
) -> None:
    # The search for claim maps stops at the missing one, before it reads `claims`: what is
    # in there is an input, and a symlinked map's target too, though nothing says so yet.
    claims = tmp_path / "claims"
    claims.mkdir()
    inner = write_map(claims, MAP)
    target = write_map(tmp_path, MAP, "elsewhere.json")
    (claims / "linked.yaml").symlink_to(target)
    report = tmp_path / "report.json"
    stale(report)
    specs = [f"json={inner}", f"json={target}", f"json={claims}/r.json", str(report)]
    args = [a for spec in specs for a in ("-o", spec)]
    result = run("audit", claims, tmp_path / "missing.yaml", *args)
    assert result.exit_code == 2
    assert (inner.read_text(), target.read_text()) == (MAP, MAP)
    assert f"--output json={inner}: left as it was, with no failure document" in result.stderr
    assert "no such file or directory" in error_of(report)
    assert "no such file or directory" in error_of(claims / "r.json")


@pytest.mark.parametrize("where", ["--replay", "CLAIMCHECK_RECORD", "--cache-dir"])
def test_invalid_settings_never_write_into_a_folder_the_run_uses(
    tmp_path: Path, where: str
) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    index, report = folder / "index.json", tmp_path / "report.json"
    stale(index, report)
    given = [where, str(folder)] if where.startswith("--") else []
    env = {} if given else {where: str(folder)}
    result = run(
        "audit",
        SEED_MAP,
        "--timeout",
        "0",
        *given,
        "-o",
        f"json={index}",
        "-o",
        str(report),
        env=env,
    )
    assert result.exit_code == 2
    assert index.read_text() == STALE
    assert "--timeout: invalid value" in error_of(report)


def test_an_internal_error_replaces_the_o_files_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("claimcheck.audit.run_audit", broken)
    report = tmp_path / "report.json"
    stale(report)
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-f", "json", "-o", str(report))
    assert result.exit_code == 70
    assert error_of(report) == "internal error: RuntimeError: boom"
    assert json.loads(result.stdout)["error"]["message"] == error_of(report)


def test_a_full_stdout_keeps_the_reports_already_written(tmp_path: Path) -> None:
    # The audit ran and its -o reports are whole: a stdout that cannot take its copy must not
    # turn them into failure documents.
    report = tmp_path / "report.json"
    with open("/dev/full", "w") as full:
        result = claimcheck(
            "audit",
            str(SEED_MAP),
            "--replay",
            str(SEED_EVIDENCE),
            "-o",
            str(report),
            stdout=full,
            stderr=subprocess.PIPE,
        )
    assert result.returncode == 74
    assert json.loads(report.read_text())["schema"] == "claimcheck.audit/1"


# --- option errors: click refused the command line before claimcheck's code ran ----------


@pytest.mark.parametrize(
    "option", [["--timeout", "abc"], ["--bogus"], ["-z"], ["--format", "nope"], []]
)
def test_an_option_error_replaces_every_sound_o_file(tmp_path: Path, option: list[str]) -> None:
    sarif, junit, report = (tmp_path / f"z.{e}" for e in ("sarif", "xml", "json"))
    stale(sarif, junit, report)
    path = [] if not option else [str(write_map(tmp_path, MAP))]  # []: no claim map given
    args = [
        *path,
        *option,
        "-o",
        f"sarif={sarif}",
        "-qo",
        f"junit={junit}",
        f"--output=json={report}",
    ]
    result = claimcheck("audit", *args)
    assert result.returncode == 2, result.stderr
    check_document("sarif", sarif.read_text(), 2)
    check_document("junit", junit.read_text(), 2)
    assert error_of(report) == result.stderr.rstrip().rpartition("Error: ")[2]
    assert "Traceback" not in result.stderr


def test_a_bare_o_path_is_written_when_the_command_line_is_read_for_sure(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    stale(report)
    result = claimcheck(
        "audit", str(write_map(tmp_path, MAP)), "--timeout", "abc", "-o", str(report)
    )
    assert result.returncode == 2
    assert "'--timeout'" in error_of(report)


def test_after_an_unknown_option_no_word_of_the_command_line_is_written_over(
    tmp_path: Path,
) -> None:
    # `--bogus` may take a value: then it is `--bogus=-o`, and map.json a claim map to audit.
    claim_map = write_map(tmp_path, MAP, "map.json")
    folder = tmp_path / "claims"
    folder.mkdir()
    inside, outside = folder / "r.json", tmp_path / "r.sarif"
    stale(inside, outside)
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "cwd": tmp_path}
    args = ["--bogus", "-o", "map.json", "claims", "-o", f"json={inside}", "-o", f"sarif={outside}"]
    result = claimcheck("audit", *args, **pipes)
    assert result.returncode == 2
    assert claim_map.read_text() == MAP
    assert inside.read_text() == STALE  # `claims` may be a --replay folder, or maps to read
    assert "--output map.json: left as it was" in result.stderr
    check_document("sarif", outside.read_text(), 2)


def test_another_commands_o_is_never_touched_by_an_option_error(tmp_path: Path) -> None:
    source, target = tmp_path / "refs.txt", tmp_path / "map.json"
    source.write_text("1. Smith J. A title. Nature. 2010;1:1-2.\n")
    stale(target)
    assert claimcheck("import", str(source), "--bogus", "-o", str(target)).returncode == 2
    assert target.read_text() == STALE
