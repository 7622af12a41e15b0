"""An evidence snapshot (`--record`) after `kill -9` at a random point of the recording run.

`index.json` loads, every entry names an existing file whose sha256 matches (never a
temporary file), and `--replay` on it runs cleanly. Trials as in test_kill9.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from claimcheck.sources.crossref.answers import works_path
from claimcheck.sources.crossref.records import decode_envelope, parse_work
from claimcheck.testing import ReplayServer
from claimcheck.transport.evidence import body_filename, load_index
from tests.factories import work_envelope

# Helpers and fixtures of test_kill9.py. pytest finds a fixture here by its name (see
# pyproject.toml for ruff); a module-scoped one is set up once for this module.
from tests.test_kill9 import (
    DOIS,
    TRIALS,
    Run,
    claim_map,
    claimcheck,
    complete_report,
    run_trials,
    servers,
)


def check_snapshot(directory: Path) -> dict[str, dict[str, Any]] | None:
    """Check a (possibly interrupted) snapshot; None if no index was written yet."""
    if not (directory / "index.json").exists():
        return None
    index = load_index(directory)  # raises UsageError on a torn index
    expected = {works_path(doi) for doi in DOIS}
    for request, entry in index.items():
        name = entry["file"]
        assert isinstance(name, str), entry
        assert not name.endswith(".tmp"), f"the index points at a temporary file: {entry}"
        assert not Path(name).name.startswith("."), f"the index points at a hidden file: {entry}"
        assert not Path(name).is_absolute(), entry
        assert ".." not in Path(name).parts, entry
        assert name == body_filename(request, entry["status"], entry["content_type"]), entry
        body = (directory / name).read_bytes()  # raises if the file is missing
        assert hashlib.sha256(body).hexdigest() == entry["sha256"], f"sha256 differs: {entry}"
        if request.startswith("/works?"):
            assert entry["status"] == 400, entry  # the refused list requests
        else:
            assert request in expected, f"unexpected request {request}"
            assert entry["status"] == 200, entry
            assert body == work_envelope(parse_work(decode_envelope(body, "work")).doi)
    return index


def recorded_dois(index: dict[str, dict[str, Any]]) -> set[str]:
    by_path = {works_path(doi): doi for doi in DOIS}
    return {by_path[r] for r, e in index.items() if r in by_path and e["status"] == 200}


@pytest.mark.slow
def test_record_survives_sigkill_at_random_points(
    servers: tuple[ReplayServer, ReplayServer], claim_map: Path, tmp_path: Path
) -> None:
    singles, _batched = servers

    def record(root: Path, logs: Path, **kill: float) -> Run:
        args = ["audit", claim_map, "-f", "json", "--crossref-url", singles.url, "--fresh"]
        args += ["--cache-dir", root / "cache", "--record", root / "evidence"]
        return claimcheck(args, logs, **kill)

    def replay(root: Path) -> Run:
        return claimcheck(
            ["audit", claim_map, "-f", "json", "--replay", root / "evidence"], root / "replay"
        )

    baseline_dir = tmp_path / "baseline"
    baseline = record(baseline_dir, baseline_dir / "record")
    complete_report(baseline)
    full = check_snapshot(baseline_dir / "evidence")
    assert full is not None
    assert recorded_dois(full) == set(DOIS)
    complete_report(replay(baseline_dir))

    def trial(i: int, delay: float) -> str:
        root = tmp_path / f"trial-{i}"
        killed = record(root, root / "killed", kill_after=delay)
        evidence = root / "evidence"
        index = check_snapshot(evidence)
        temporaries = len(list(evidence.rglob("*.tmp"))) if evidence.exists() else 0
        replayed = replay(root)
        err = replayed.err()
        assert "Traceback" not in err, err
        assert "internal error" not in err, err
        if index is None:
            assert replayed.returncode == 2, f"exit {replayed.returncode}\n{err}"
            # No folder yet, or a folder without its index: a usage error either way.
            assert "no evidence index here" in err or "is not a directory" in err, err
            outcome = "killed before the first index write"
        else:
            have = recorded_dois(index)
            report = json.loads(replayed.out())
            ok = {r["doi"] for r in report["references"] if r["status"] == "ok"}
            unverified = {r["doi"] for r in report["references"] if r["status"] == "unverified"}
            assert ok == have, "replay must verify exactly the recorded works"
            assert unverified == set(DOIS) - have
            assert replayed.returncode == (0 if have == set(DOIS) else 3), err
            complete = "all" if have == set(DOIS) else "some"
            outcome = f"killed with {complete} works recorded"
        shutil.rmtree(root)
        if not killed.killed:
            assert killed.returncode == 0, killed.err()
            outcome = "finished before the kill"
        return outcome + (" (temporary files left)" if temporaries else "")

    outcomes = run_trials("record", trial, baseline.seconds)
    assert sum(outcomes.values()) == TRIALS
