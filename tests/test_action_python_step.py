"""The action's Python check step run in bash: an old Python refused clearly, the cache key."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tests.test_action import CONSTRAINTS, needs_bash, run_python_step

# --- the Python check --------------------------------------------------------------------


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
