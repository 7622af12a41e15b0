"""Shared fixtures: every test that talks HTTP talks to a local Crossref replay server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from claimcheck.model.results import AuditResult
from claimcheck.testing import ReplayServer

if TYPE_CHECKING:
    from typer.testing import Result

# Property tests run a bounded number of examples by default; `HYPOTHESIS_PROFILE=fuzz`
# runs 10,000 each (README, "Reliability": the fuzz command).
settings.register_profile("default", max_examples=200, deadline=None)
settings.register_profile("fuzz", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Workers for `-n auto` (pytest-xdist): two per CPU this process may use. Much of a test
    waits rather than computes (on a limiter's pace, a server's latency, a child process
    starting), so a second worker per CPU fills those waits: on 2 CPUs the suite took 153 s
    with 4 workers, 199 s with 2 and 371 s in one process (README, "Testing")."""
    return 2 * len(os.sched_getaffinity(0))


DATA = Path(__file__).parent / "data"
RECONSTRUCTED = DATA / "crossref" / "reconstructed"
RECORDED = DATA / "crossref" / "recorded"


@pytest.fixture(scope="session", autouse=True)
def _scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Where tests.factories.fresh_cache_dir makes folders: inside pytest's temporary folder,
    which pytest prunes (the last three runs are kept), even for module-scoped fixtures."""
    os.environ["CLAIMCHECK_TEST_SCRATCH"] = str(tmp_path_factory.mktemp("scratch"))


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own cache, never the user's, so no answer leaks between tests."""
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def replay_server() -> Iterator[ReplayServer]:
    """A fresh server per test, so faults and the request log never leak between tests."""
    server = ReplayServer(RECONSTRUCTED, agencies={"10.5061/dryad.example": "datacite"})
    with server:
        yield server
    # A server-side exception is a replay-server bug, never the client's: surface it here.
    assert not server.errors, f"replay server raised: {server.errors!r}"


@pytest.fixture(scope="session")
def every_code_result(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    """An audit (over real HTTP) whose findings include every finding code."""
    from tests.auditcase import MAP, audit, every_code_server
    from tests.factories import write_map

    path = write_map(tmp_path_factory.mktemp("every-code"), MAP)
    with every_code_server() as server:
        return audit(server, path)


@dataclass(frozen=True)
class ColdSeedRun:
    """One online audit of the seed map that began with an empty cache, for tests that need
    a warm cache (or a cold run's report) to start from: the seed's 17 metadata searches take
    about 6 s at the list pace, so the run is made once. Read only: copy the cache first."""

    server: ReplayServer  # the server that answered, still running (the cache answers for it)
    cache: Path  # the cache folder the run filled
    result: Result
    requests: int  # how many requests the run made

    def copy_cache(self, destination: Path) -> Path:
        """A copy of the filled cache for one test to use (and write to) alone."""
        return Path(shutil.copytree(self.cache, destination))


@pytest.fixture(scope="session")
def cold_seed_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ColdSeedRun]:
    from tests.factories import POLITE
    from tests.test_cli import SEED_MAP, run

    cache = tmp_path_factory.mktemp("cold-seed") / "cache"
    with ReplayServer(RECONSTRUCTED) as server:
        env = {"CLAIMCHECK_CACHE_DIR": str(cache), **POLITE}
        result = run("audit", SEED_MAP, "-f", "json", "--crossref-url", server.url, env=env)
        assert result.exit_code == 1, result.output  # three unsupported claims fail the gate
        yield ColdSeedRun(server, cache, result, len(server.requests))
    assert not server.errors, f"replay server raised: {server.errors!r}"
