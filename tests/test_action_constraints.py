"""The action's constraints file against pyproject.toml and installed metadata; a real install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from tests.test_action import (
    CONSTRAINTS,
    PYPROJECT,
    ROOT,
    needs_bash,
    run_python_step,
    run_script,
    step,
)

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
# CLAIMCHECK_TEST_ACTION_INSTALL=1 runs it: a venv, pip against the configured index, then a
# check that everything it installed is pinned (about 30 s).


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
