"""Every failure leaves a valid document in the format asked for (stdout and -o files),
option errors included; a closed or full stdout and Ctrl-C end cleanly with documented
codes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from claimcheck.reporters.failure import render_failure
from claimcheck.sources.crossref.answers import works_path
from claimcheck.testing import Fault, ReplayServer
from claimcheck.testing.hostile import HostileServer
from claimcheck.transport.evidence import body_filename, load_index
from tests.conftest import DATA
from tests.factories import work_envelope, write_map
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run

SARIF_SCHEMA = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text())
JUNIT_SCHEMA = xmlschema.XMLSchema(DATA / "schemas" / "junit-windyroad.xsd")
BAD_MAP = "claimcheck: 1\nreferences:\n  R1: {doi: 10.1000/x, cited_ass: typo}\nclaims: []\n"


def check_document(output_format: str, text: str, code: int) -> None:
    """`text` is a valid failure document of `output_format` naming exit `code`."""
    if output_format == "json":
        document = json.loads(text)
        assert document["schema"] == "claimcheck.error/1"
        assert document["summary"]["exit_code"] == code
    elif output_format == "sarif":
        document = json.loads(text)
        jsonschema.validate(document, SARIF_SCHEMA)
        (invocation,) = document["runs"][0]["invocations"]
        assert (invocation["executionSuccessful"], invocation["exitCode"]) == (False, code)
    elif output_format == "junit":
        JUNIT_SCHEMA.validate(text)
        error = ET.fromstring(text).find("./testsuite/testcase/error")
        assert error is not None
        assert error.get("type") == f"exit-{code}"
    elif output_format == "github":
        first = text.splitlines()[0]
        assert first.startswith(f"::error::claimcheck: exit {code}: ")
        assert all(line.startswith("::error ") for line in text.splitlines()[1:])
    elif output_format == "html":
        assert text.startswith("<!DOCTYPE html>")
        assert f"<title>claimcheck: exit {code}</title>" in text
    else:
        assert text.startswith(f"### claimcheck: exit {code}")


FORMATS = ["json", "sarif", "junit", "markdown", "html", "github"]


@pytest.mark.parametrize("output_format", FORMATS)
def test_an_invalid_claim_map_gives_a_document_on_stdout_and_in_every_o_file(
    tmp_path: Path, output_format: str
) -> None:
    path = write_map(tmp_path, BAD_MAP)
    files = {name: tmp_path / f"report.{name}" for name in FORMATS}
    outputs = [a for name, f in files.items() for a in ("-o", f"{name}={f}")]
    result = run("audit", path, "-f", output_format, *outputs)
    assert result.exit_code == 2
    check_document(output_format, result.stdout, 2)
    for name, file in files.items():
        check_document(name, file.read_text(), 2)
    assert "cited_ass" in json.loads(files["json"].read_text())["error"]["problems"][0]["message"]


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_wrong_server_gives_a_document_in_every_format(
    tmp_path: Path, output_format: str
) -> None:
    from claimcheck.testing import ReplayServer

    path = write_map(tmp_path, "claimcheck: 1\nreferences: {R1: {doi: 10.5555/x}}\nclaims: []\n")
    with ReplayServer() as server:
        result = run("audit", path, "-f", output_format, "--crossref-url", server.url + "/x")
    assert result.exit_code == 2
    check_document(output_format, result.stdout, 2)


TWO_BAD = "claimcheck: 1\nreferences:\n  R1: {doi: 10.1000/x, cited_ass: typo}\n"
TWO_BAD += "  R2: {title: x, yaer: 2001}\nclaims: []\n"
ANNOTATION = re.compile(r"^::error file=[^,]*,line=(\d+),col=(\d+),title=claimcheck::(.*)$", re.M)


def sarif_run(text: str) -> dict[str, Any]:
    document = json.loads(text)
    jsonschema.validate(document, SARIF_SCHEMA)
    found: dict[str, Any] = document["runs"][0]
    return found


def places(found: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(line, column, message) of each result, checking that each is a claim-map-invalid
    result at its place in the claim map."""
    rules, located = found["tool"]["driver"]["rules"], []
    for result in found["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "claim-map-invalid"
        assert result["level"] == "error"
        (place,) = result["locations"]
        region = place["physicalLocation"]["region"]
        located.append((region["startLine"], region["startColumn"], result["message"]["text"]))
    return located


def test_the_sarif_failure_places_each_problem_where_github_annotates_it(tmp_path: Path) -> None:
    path = write_map(tmp_path, TWO_BAD)
    sarif = run("audit", path, "--offline", "-f", "sarif")
    github = run("audit", path, "--offline", "-f", "github")
    assert sarif.exit_code == github.exit_code == 2
    found = sarif_run(sarif.stdout)
    annotated = [(int(line), int(col), m) for line, col, m in ANNOTATION.findall(github.stdout)]
    assert places(found) == annotated
    assert len(annotated) == 2
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in found["results"]
    }
    assert found["artifacts"] == [
        {"location": {"uri": uri}, "roles": ["analysisTarget"]} for uri in uris
    ]
    assert all(uri.startswith("file:///") and uri.endswith("/map.yaml") for uri in uris)
    assert found["columnKind"] == "unicodeCodePoints"
    # The run's failure stays its notification; the problems are not repeated there.
    (note,) = found["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == "2 errors in the claim map; nothing was checked"


def test_a_problems_alert_survives_an_edit_above_it(tmp_path: Path) -> None:
    def prints(body: str) -> list[str]:
        found = sarif_run(
            run("audit", write_map(tmp_path, body), "--offline", "-f", "sarif").stdout
        )
        return [r["partialFingerprints"]["claimcheck/v1"] for r in found["results"]]

    first = prints(TWO_BAD)
    assert len(set(first)) == 2
    assert prints("# a comment above\n" + TWO_BAD) == first


def test_an_invalid_map_named_in_bytes_that_are_not_utf8_gives_a_sarif_failure(
    tmp_path: Path,
) -> None:
    try:
        path = write_map(tmp_path, BAD_MAP, os.fsdecode(b"broken\xfe.yaml"))
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses a name that is not UTF-8")
    result = run("audit", path, "--offline", "-f", "sarif")
    assert result.exit_code == 2, result.stderr
    assert "broken\\udcfe.yaml:3:24: " in result.stderr  # as every other format shows it
    found = sarif_run(result.stdout)
    assert [line for line, _, _ in places(found)] == [3]
    uri = found["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/broken%FE.yaml")


def test_a_failure_document_locates_only_what_it_can() -> None:
    assert sarif_run(render_failure("sarif", 2, "no claim map to audit"))["results"] == []
    problem = {"file": "m.yaml", "line": 0, "column": 0, "message": "the file is empty"}
    (result,) = sarif_run(render_failure("sarif", 2, "1 error", [problem]))["results"]
    assert result["locations"] == [
        {"physicalLocation": {"artifactLocation": {"uri": "m.yaml", "uriBaseId": "%SRCROOT%"}}}
    ]


def claimcheck(*args: str, **streams: object) -> subprocess.CompletedProcess[str]:
    """The installed command in its own process (option parsing happens outside the app)."""
    exe = str(Path(sys.executable).with_name("claimcheck"))
    env = {**os.environ, "NO_COLOR": "1", "CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9"}
    pipes = streams or {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [exe, *args], text=True, env=env, timeout=120, check=False, **pipes
    )


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("option", [["--timeout", "abc"], ["--bogus"], ["--retries", "-1"]])
def test_an_option_error_still_gives_a_document(output_format: str, option: list[str]) -> None:
    result = claimcheck("audit", str(SEED_MAP), "-f", output_format, *option)
    assert result.returncode == 2
    check_document(output_format, result.stdout, 2)
    assert "Traceback" not in result.stderr


def test_a_full_stdout_exits_74_with_one_line() -> None:
    with open("/dev/full", "w") as full:
        result = claimcheck(
            "audit",
            str(SEED_MAP),
            "--replay",
            str(SEED_EVIDENCE),
            "-f",
            "json",
            stdout=full,
            stderr=subprocess.PIPE,
        )
    assert result.returncode == 74
    assert "cannot write the report to stdout: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


SEED_REPLAYED = ("audit", str(SEED_MAP), "--replay", str(SEED_EVIDENCE), "-f", "json")


@pytest.mark.parametrize(
    "args",
    [
        ("schema",),
        ("import", "{bib}"),
        ("cache", "info", "--cache-dir", "{tmp}/no-cache-yet"),  # a place one can go
        ("audit", "--help"),
        ("--help",),
        ("--version",),
        SEED_REPLAYED,
        ("resolve", "10.1158/0008-5472.can-10-2451", "--replay", str(SEED_EVIDENCE)),
    ],
    ids=["schema", "import", "cache-info", "help", "top-help", "version", "audit", "resolve"],
)
@pytest.mark.parametrize("stdout", ["full", "closed", "reader-gone"])
def test_every_command_exits_74_when_stdout_cannot_take_its_output(
    args: tuple[str, ...], stdout: str, tmp_path: Path
) -> None:
    # `claimcheck schema | head -0`, `> /dev/full`, `>&-`: the output's fault, not a bug.
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title = {A title}, year = 2001}\n", encoding="utf-8")
    args = tuple(arg.format(bib=bib, tmp=tmp_path) for arg in args)
    if stdout == "full":
        with open("/dev/full", "w") as full:
            result = claimcheck(*args, stdout=full, stderr=subprocess.PIPE)
    elif stdout == "reader-gone":  # `| head -0`: the pipe's reader has closed it already
        read, write = os.pipe()
        os.close(read)
        try:
            result = claimcheck(*args, stdout=write, stderr=subprocess.PIPE)
        finally:
            os.close(write)
    else:
        result = claimcheck(
            *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_close(1)
        )
    assert result.returncode == 74, result.stderr
    assert "cannot write" in result.stderr
    assert "to stdout" in result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("stderr", ["full", "closed"])
@pytest.mark.parametrize(
    ("gate", "code"),
    [
        (("--fail-on", "retracted", "--allow-incomplete"), 0),
        (("--fail-on", "retracted"), 3),  # the seed's searches the snapshot lacks: unverified
        (("--fail-on", "error"), 1),
    ],
)
def test_a_stderr_that_cannot_be_written_keeps_the_runs_exit_code(
    stderr: str, gate: tuple[str, ...], code: int
) -> None:
    # Notices and the gate line are for people: losing them must not change the verdict's
    # exit code (it was 1 for a passing run), and the report still reaches stdout.
    if stderr == "full":
        with open("/dev/full", "w") as full:
            result = claimcheck(*SEED_REPLAYED, *gate, stdout=subprocess.PIPE, stderr=full)
    else:
        result = claimcheck(*SEED_REPLAYED, *gate, stdout=subprocess.PIPE, preexec_fn=_close(2))
    assert result.returncode == code
    assert json.loads(result.stdout)["summary"]["exit_code"] == code


def _close(fd: int) -> Callable[[], None]:
    """For `preexec_fn`: the child starts with `fd` closed, as after `>&-` in a shell."""
    return lambda: os.close(fd)


@contextmanager
def ctrl_c_heard_by_children() -> Iterator[None]:
    """Children started inside get Ctrl-C's default action, whatever pytest's own is.

    A shell starts a background job (`cmd &`) with SIGINT ignored, and an ignored signal stays
    ignored across exec, so a child Python would never raise KeyboardInterrupt: the test
    would wait forever on a run that cannot hear it. A handler (unlike SIG_IGN) is reset to
    the default at exec, so one set here reaches the child as SIGINT's default.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_ends_a_run_stuck_on_a_dribbling_server_with_130(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("the old report")
    path = write_map(tmp_path, "claimcheck: 1\nreferences: {R1: {doi: 10.5555/x}}\nclaims: []\n")
    exe = str(Path(sys.executable).with_name("claimcheck"))
    with HostileServer("dribble", size=10**9, interval=1.0) as server, ctrl_c_heard_by_children():
        process = subprocess.Popen(
            [
                exe,
                "audit",
                str(path),
                "--crossref-url",
                server.url,
                "--timeout",
                "3600",
                "-o",
                f"json={report}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while server.requests == 0 and process.poll() is None:
            time.sleep(0.05)  # until the request is in flight (not a timing assertion)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in err
    assert report.read_text() == "the old report"


def test_ctrl_c_during_a_recording_leaves_every_saved_answer_indexed(tmp_path: Path) -> None:
    # The index is rewritten only when due, so Ctrl-C (which cancels the lookups, then closes
    # the client) must write what is not in it yet: each answer saved before the interrupt
    # is indexed, and the one still on the wire is not.
    dois = [f"10.5555/rec.{i}" for i in range(6)]
    stuck = dois[-1]
    path = write_map(
        tmp_path,
        "claimcheck: 1\nclaims: []\nreferences:\n"
        + "".join(f"  R{i}: {{doi: {doi}}}\n" for i, doi in enumerate(dois)),
    )
    snapshot = tmp_path / "snapshot"
    exe = str(Path(sys.executable).with_name("claimcheck"))
    server = ReplayServer()
    for doi in dois:
        server.add_work(work_envelope(doi))
    # The first fault that matches wins: lists are refused (so each answer is saved on its
    # own), and the single lookup of `stuck` never ends.
    server.add_fault(Fault.http(400, match="/works?"))
    server.add_fault(Fault.slow(3600.0, match=stuck))
    with server, ctrl_c_heard_by_children():
        args = ["audit", str(path), "-f", "json", "--crossref-url", server.url, "--timeout"]
        args += ["3600", "--mailto", "t@example.org", "--record", str(snapshot)]
        args += ["--cache-dir", str(tmp_path / "cache")]
        process = subprocess.Popen(
            [exe, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        saved = [snapshot / body_filename(works_path(doi), 200, "json") for doi in dois[:-1]]
        give_up = time.monotonic() + 60  # a guard against a hung test, not a timing check
        while not all(p.exists() for p in saved) or not server.requests_for(stuck):
            assert process.poll() is None, process.communicate()
            if time.monotonic() > give_up:
                process.kill()
                pytest.fail(f"the run never got that far: {process.communicate()}")
            time.sleep(0.05)  # until five answers are saved and the sixth is on the wire
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    index = load_index(snapshot)
    # The refused list is an answer too, and recorded as one (its 400).
    works = {request: entry["status"] for request, entry in index.items() if "?" not in request}
    assert works == {works_path(doi): 200 for doi in dois[:-1]}
