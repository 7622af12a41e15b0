"""Early failures of the command line named as what they are: the real error (exit 2, never
`internal error`, exit 70) for every output format, unwritable write locations, a malformed
URL, an empty path and a boolean environment variable that is neither on nor off."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import typer

from claimcheck.app.runner import execute
from claimcheck.app.settings import _mailto, load_settings
from claimcheck.reporters.failure import render_failure
from claimcheck.reporters.registry import NAMES
from tests.factories import write_map
from tests.test_cli import SEED_EVIDENCE, run
from tests.test_failures import claimcheck

BAD_MAP = "claimcheck: 1\nreferences:\n  R1: {doi: 10.1000/x, cited_ass: typo}\nclaims: []\n"
MAP = "claimcheck: 1\nreferences: {A: {doi: 10.1038/nbt.2816}}\n"
MAP += "claims: [{id: C1, text: x, cites: [A]}]\n"


def assert_usage_error(result: object, *named: str) -> None:
    code, err = result.exit_code, result.stderr  # type: ignore[attr-defined]
    assert code == 2, err
    assert "internal error" not in err
    assert "Traceback" not in err
    for text in named:
        assert text in err


@pytest.mark.parametrize("name", NAMES)
def test_every_format_has_a_failure_document(name: str) -> None:
    problems = [{"file": "m.yaml", "line": 3, "column": 5, "message": "bad"}]
    assert render_failure(name, 2, "1 error in the claim map", problems).strip()


def test_an_invalid_map_with_o_github_and_table_names_the_located_errors(tmp_path: Path) -> None:
    path = write_map(tmp_path, BAD_MAP)
    github, table = tmp_path / "out.gh", tmp_path / "out.txt"
    result = run("audit", path, "--offline", "-q", "-o", f"github={github}", "-o", f"table={table}")
    assert_usage_error(result, f"{path}:3:24:")
    lines = github.read_text().splitlines()
    assert lines[0].startswith("::error::claimcheck: exit 2: 1 error in the claim map")
    assert lines[1].startswith(f"::error file={path},line=3,col=24,title=claimcheck::")
    assert "cited_ass" in lines[1]
    text = table.read_text()
    assert f"{path}:3:24:" in text
    assert "claimcheck: exit 2: 1 error in the claim map" in text


def test_an_invalid_map_with_f_github_prints_annotations_on_stdout(tmp_path: Path) -> None:
    path = write_map(tmp_path, BAD_MAP)
    result = run("audit", path, "--offline", "-q", "-f", "github")
    assert_usage_error(result, f"{path}:3:24:")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::error::claimcheck: exit 2: ")  # the verdict first
    assert lines[1].startswith(f"::error file={path},line=3,col=24,title=claimcheck::")


def test_a_missing_replay_folder_with_o_github_says_so(tmp_path: Path) -> None:
    path = write_map(tmp_path, MAP)
    github = tmp_path / "out.gh"
    result = run("audit", path, "--replay", tmp_path / "nonexistent", "-o", f"github={github}")
    assert_usage_error(result, "--replay")
    assert github.read_text().startswith("::error::claimcheck: exit 2: --replay: ")


@pytest.mark.parametrize("where", ["/sys/claimcheck-test", "file/sub"])
def test_an_unwritable_record_folder_is_a_usage_error(tmp_path: Path, where: str) -> None:
    path = write_map(tmp_path, MAP)
    (tmp_path / "file").write_text("x")
    folder = where if where.startswith("/") else str(tmp_path / where)
    result = run("audit", path, "--offline", "-q", "--record", folder)
    assert_usage_error(result, "--record", folder)
    env = run("audit", path, "--offline", "-q", env={"CLAIMCHECK_RECORD": "/proc/claimcheck"})
    assert_usage_error(env, "--record", "/proc/claimcheck")


def test_resolve_with_an_unwritable_record_folder_is_a_usage_error() -> None:
    result = run("resolve", "10.1038/nbt.2816", "--offline", "--record", "/proc/claimcheck")
    assert_usage_error(result, "--record", "/proc/claimcheck")


def test_import_to_an_unwritable_file_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "refs.txt"
    source.write_text("1. Smith J. A title. Nature. 2010;1:1-2.\n")
    for target in ("/proc/claimcheck.yaml", str(source / "x.yaml")):
        result = run("import", source, "-o", target, "-q")
        assert_usage_error(result, f"-o {target}: cannot write it")


@pytest.mark.parametrize("option", ["--crossref-url", "--datacite-url"])
@pytest.mark.parametrize("url", ["http://[::1", "http://u:secret@[::1/", "http://h:99999/"])
def test_a_malformed_url_is_a_usage_error(tmp_path: Path, option: str, url: str) -> None:
    path = write_map(tmp_path, MAP)
    result = run("audit", path, "--offline", "-q", option, url)
    assert_usage_error(result, "URL")
    assert "secret" not in result.stderr


def test_a_malformed_url_is_a_usage_error_in_resolve_and_import(tmp_path: Path) -> None:
    assert_usage_error(run("resolve", "--crossref-url", "http://[::1", "10.1038/nbt.2816"), "URL")
    source = tmp_path / "refs.txt"
    source.write_text("1. Smith J. A title. Nature. 2010;1:1-2.\n")
    assert_usage_error(run("import", source, "--crossref-url", "http://[::1", "-q"), "URL")


def test_an_empty_path_is_a_usage_error_not_the_current_folder(tmp_path: Path) -> None:
    write_map(tmp_path, BAD_MAP)  # what auditing `.` would find
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "cwd": tmp_path}
    result = claimcheck("audit", "", "--offline", "-q", "-f", "json", **pipes)
    assert (result.returncode, "map.yaml" in result.stderr) == (2, False)
    assert "the path is empty" in result.stderr
    assert json.loads(result.stdout)["schema"] == "claimcheck.error/1"


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "a.yaml", ""),
        ("audit", "a.yaml", "--replay", ""),
        ("audit", "a.yaml", "--record", ""),
        ("audit", "a.yaml", "--cache-dir", ""),
        ("audit", "a.yaml", "--retraction-watch", ""),
        ("resolve", "10.1038/nbt.2816", "--replay", ""),
        ("import", ""),
        ("import", "refs.txt", "-o", ""),
        ("init", ""),
    ],
)
def test_every_empty_path_is_refused(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "the path is empty" in result.output


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "FALSE"])
def test_claimcheck_debug_off_shows_no_traceback(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> int:
        raise RuntimeError("boom")

    monkeypatch.setenv("CLAIMCHECK_DEBUG", value)
    with pytest.raises(typer.Exit):
        execute(broken, debug=False)
    assert "Traceback" not in capsys.readouterr().err
    monkeypatch.setenv("CLAIMCHECK_DEBUG", "1")
    with pytest.raises(typer.Exit):
        execute(broken, debug=False)
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize("variable", ["CLAIMCHECK_OFFLINE", "CLAIMCHECK_DEBUG", "CLAIMCHECK_QUIET"])
def test_a_boolean_variable_that_is_neither_on_nor_off_is_a_usage_error(
    tmp_path: Path, variable: str
) -> None:
    # Not --offline: an option given on the command line wins, and the variable is not read.
    path = write_map(tmp_path, MAP)
    result = run("audit", path, "--replay", SEED_EVIDENCE, env={variable: "maybe"})
    assert_usage_error(result, variable, "'maybe'")


def test_fail_on_mixing_a_severity_and_codes_says_so(tmp_path: Path) -> None:
    path = write_map(tmp_path, MAP)
    result = run("audit", path, "--offline", "--fail-on", "error,retracted")
    assert_usage_error(result, "'error' is a severity")
    assert "neither" not in result.stderr


@pytest.mark.parametrize(
    ("mailto", "problem"),
    [
        ("jürgen@uni.de", "the part before @ must be ASCII"),
        ("a@b\nX: 1", "control or invisible character"),  # would end the header
        ("a b@c.org", "must not hold a space"),
        ("a@\u200bb.org", "invisible character"),
    ],
)
def test_a_mailto_a_header_cannot_carry_is_a_usage_error(
    tmp_path: Path, mailto: str, problem: str
) -> None:
    # It goes in the User-Agent: non-ASCII was an internal error (exit 70), a line break a
    # network error retried five times (exit 3). Refused in every command that looks up.
    path = write_map(tmp_path, MAP)
    source = tmp_path / "refs.txt"
    source.write_text("1. Smith J. A title. Nature. 2010;1:1-2.\n")
    for argv in (
        ["audit", path, "--offline", "-q"],
        ["resolve", "10.1038/nbt.2816", "--offline"],
        ["import", source, "--match", "--offline", "-q"],
    ):
        assert_usage_error(run(*argv, "--mailto", mailto), "--mailto", problem)
        result = run(*argv, env={"CLAIMCHECK_MAILTO": mailto})
        assert_usage_error(result, "CLAIMCHECK_MAILTO", problem)


def test_a_mailto_is_sent_in_ascii() -> None:
    assert _mailto(" j@uni-münchen.de\n") == "j@xn--uni-mnchen-eeb.de"  # the domain in IDNA
    assert _mailto("ed@example.org") == "ed@example.org"
    with pytest.raises(ValueError, match="not a valid internationalized name"):
        _mailto("j@ü" + "x" * 70 + ".de")  # a label past 63 characters


@pytest.mark.parametrize("option", ["--crossref-url", "--datacite-url"])
@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://h/\x01x", "control or invisible character"),  # was InvalidURL, exit 70
        ("http://h /", "a space"),
        ("http://", "names no host"),  # was UnsupportedProtocol, a failed lookup: exit 3
        ("http:///x", "names no host"),
        ("http://u:secret@/x", "names no host"),
        ("http://u:se cret@h/", "a space"),  # unparseable, so not redacted: not echoed
        ("http://h/?token=secret x", "a space"),
    ],
)
def test_a_url_the_client_would_refuse_is_a_usage_error(
    tmp_path: Path, option: str, url: str, problem: str
) -> None:
    path = write_map(tmp_path, MAP)
    result = run("audit", path, "--offline", "-q", option, url)
    assert_usage_error(result, option, problem)
    assert "cret" not in result.stderr  # no part of a password or secret query value
    env_name = "CLAIMCHECK_" + option[2:].replace("-", "_").upper()
    assert_usage_error(run("audit", path, "--offline", "-q", env={env_name: url}), env_name)


def test_a_url_from_a_secret_is_stripped_of_its_newline() -> None:
    env = {"CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9/\n", "CLAIMCHECK_MAILTO": "a@b.org\n"}
    settings = load_settings({"datacite_url": " http://127.0.0.1:8\r\n"}, env=env)
    assert settings.crossref_url == "http://127.0.0.1:9/"
    assert settings.datacite_url == "http://127.0.0.1:8"
    assert settings.mailto == "a@b.org"
