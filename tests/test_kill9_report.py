"""A report file (`-o json=OUT`) after `kill -9`: the old content or a whole new report, never half.

Trials as in test_kill9.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claimcheck.testing import ReplayServer

# Helpers and fixtures of test_kill9.py. pytest finds a fixture here by its name (see
# pyproject.toml for ruff); a module-scoped one is set up once for this module.
from tests.test_kill9 import N_DOIS, TRIALS, Run, claim_map, claimcheck, run_trials, servers

OLD_REPORT = b'{"old": "a report from an earlier run, which must survive whole"}\n'


def test_output_file_is_old_or_whole_after_sigkill(
    servers: tuple[ReplayServer, ReplayServer], claim_map: Path, tmp_path: Path
) -> None:
    _singles, batched = servers
    snapshot = tmp_path / "snapshot"
    args = ["audit", claim_map, "--crossref-url", batched.url, "--record", snapshot]
    recorded = claimcheck([*args, "--cache-dir", tmp_path / "cache"], tmp_path / "record")
    assert recorded.returncode == 0, recorded.err()

    def audit(root: Path, **kill: float) -> Run:
        # Replayed: no network pacing, so the run is short and the report write a larger
        # share of it.
        out = root / "report.json"
        args = ["audit", claim_map, "--replay", snapshot, "-q", "-o", f"json={out}"]
        return claimcheck(args, root, **kill)

    baseline = audit(tmp_path / "baseline")
    assert baseline.returncode == 0, baseline.err()
    whole = json.loads((tmp_path / "baseline" / "report.json").read_bytes())
    del whole["checked_at"]
    assert whole["summary"]["references"] == N_DOIS

    def trial(i: int, delay: float) -> str:
        root = tmp_path / f"trial-{i}"
        root.mkdir()
        out = root / "report.json"
        out.write_bytes(OLD_REPORT)
        killed = audit(root, kill_after=delay)
        data = out.read_bytes()
        temporaries = [p.name for p in root.iterdir() if p.name.endswith(".tmp")]
        shutil.rmtree(root)
        if data == OLD_REPORT:
            outcome = "old content"
        else:
            try:
                report = json.loads(data)
            except ValueError:
                raise AssertionError(
                    f"{out} is neither the old content nor a whole report: "
                    f"{len(data)} bytes, ending {data[-80:]!r}"
                ) from None
            del report["checked_at"]
            assert report == whole, "the new report differs from a complete run's"
            outcome = "new whole report"
        if not killed.killed:
            assert killed.returncode == 0, killed.err()
            assert outcome == "new whole report"
            return "finished before the kill"
        return f"killed, {outcome}" + (" (temporary file left)" if temporaries else "")

    outcomes = run_trials("output", trial, baseline.seconds)
    assert sum(outcomes.values()) == TRIALS
