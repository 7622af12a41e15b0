"""`-o FORMAT=PATH`: never over an input, never twice, through devices and pipes, with the
umask's permissions, and a failed write never throws the finished audit away."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimcheck.model.errors import ExitCode
from claimcheck.testing import ReplayServer
from tests.conftest import RECONSTRUCTED
from tests.factories import write_map
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run

MAP = """
claimcheck: 1
references:
  A: {doi: 10.1038/nbt.2816}
claims:
  - {id: C1, text: x, cites: [A]}
"""


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECONSTRUCTED) as replay:
        yield replay


def audit(path: Path, server: ReplayServer, *args: str | Path) -> tuple[int, str, str]:
    result = run("audit", path, "-f", "json", "--crossref-url", server.url, *args)
    return result.exit_code, result.stdout, result.stderr


def test_an_output_over_the_claim_map_is_refused_before_any_lookup(
    tmp_path: Path, server: ReplayServer
) -> None:
    path = write_map(tmp_path, MAP)
    before = path.read_bytes()
    for spec in (f"json={path}", f"sarif={tmp_path}/./map.yaml"):
        code, _out, err = audit(path, server, "-o", spec)
        assert code == 2
        assert "is an input of this run" in err
    link = tmp_path / "link.json"
    link.symlink_to(path)
    assert audit(path, server, "-o", f"json={link}")[0] == 2
    assert path.read_bytes() == before
    assert server.requests == []


def test_an_output_inside_the_replayed_snapshot_is_refused() -> None:
    index = SEED_EVIDENCE / "index.json"
    before = index.read_bytes()
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-o", f"json={index}")
    assert result.exit_code == 2
    assert "inside" in result.stderr
    assert index.read_bytes() == before


def test_an_output_inside_the_record_folder_is_refused(
    tmp_path: Path, server: ReplayServer
) -> None:
    path = write_map(tmp_path, MAP)
    record = tmp_path / "evidence"
    code, _out, err = audit(path, server, "--record", record, "-o", f"json={record / 'index.json'}")
    assert code == 2
    assert "inside" in err
    assert server.requests == []


def test_the_same_output_twice_is_refused(tmp_path: Path, server: ReplayServer) -> None:
    path = write_map(tmp_path, MAP)
    report = tmp_path / "report.json"
    code, _out, err = audit(
        path, server, "-o", f"json={report}", "-o", f"sarif={tmp_path}/./report.json"
    )
    assert code == 2
    assert "the same file" in err
    assert not report.exists()


def test_stdout_is_asked_for_with_format_not_dash(tmp_path: Path, server: ReplayServer) -> None:
    code, _out, err = audit(write_map(tmp_path, MAP), server, "-o", "json=-")
    assert code == 2
    assert "--format json" in err


def test_a_device_is_written_through_not_replaced(tmp_path: Path, server: ReplayServer) -> None:
    code, out, _err = audit(write_map(tmp_path, MAP), server, "-o", "sarif=/dev/null")
    assert code == 0
    assert json.loads(out)["summary"]["exit_code"] == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path: Path, server: ReplayServer) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _out, _err = audit(write_map(tmp_path, MAP), server, "-o", f"json={fifo}")
    reader.join(timeout=30)
    assert code == 0
    assert json.loads(received[0])["schema"] == "claimcheck.audit/1"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_failed_write_still_prints_the_report_and_exits_74(
    tmp_path: Path, server: ReplayServer
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    fifo = tmp_path / "nobody-reads.pipe"
    os.mkfifo(fifo)  # no reader: opening it for writing fails at once, never hangs
    for target, quiet in ((blocker / "report.json", ()), (fifo, ("-q",))):
        # --quiet still says which file was lost: exit 74 alone would not.
        code, out, err = audit(write_map(tmp_path, MAP), server, "-o", f"json={target}", *quiet)
        assert code == ExitCode.OUTPUT_FAILED == 74
        report = json.loads(out)
        assert report["references"][0]["status"] == "ok"  # the audit is not lost
        # The report describes the audit (the schema's exit codes); 74 is the run's alone.
        assert report["summary"]["exit_code"] == 0
        assert f"--output json={target}: cannot write it" in err
        assert "the audit itself completed" in err


def test_a_symlinked_report_is_replaced_behind_the_link(
    tmp_path: Path, server: ReplayServer
) -> None:
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "report.json"
    link.symlink_to(target)
    assert audit(write_map(tmp_path, MAP), server, "-o", f"json={link}")[0] == 0
    assert link.is_symlink()
    assert json.loads(target.read_text())["schema"] == "claimcheck.audit/1"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # an existing file keeps its mode


def test_a_new_report_gets_the_permissions_the_umask_allows(
    tmp_path: Path, server: ReplayServer
) -> None:
    umask = os.umask(0)
    os.umask(umask)
    report = tmp_path / "new.json"
    assert audit(write_map(tmp_path, MAP), server, "-o", f"json={report}")[0] == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~umask


def test_a_file_where_a_folder_should_be_is_named_as_such(
    tmp_path: Path, server: ReplayServer
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    for target in (blocker / "report.json", blocker / "a" / "b" / "report.json"):
        code, _out, err = audit(write_map(tmp_path, MAP), server, "-o", f"json={target}")
        assert code == ExitCode.OUTPUT_FAILED
        assert f"cannot write it: {blocker} is not a directory" in err
        assert "File exists" not in err
