"""Data integrity under `kill -9`: real `claimcheck audit` processes killed at random points.

Each store claimcheck writes is checked after a SIGKILL at a random moment of a run:

- the SQLite cache (`--cache-dir`), here: the file passes `PRAGMA integrity_check`, opens as
  a Cache without a warning, holds no torn row, and a following complete run succeeds;
- an evidence snapshot (`--record`), in test_kill9_record.py: `index.json` loads, every
  entry names an existing file whose sha256 matches (never a temporary file), and `--replay`
  on it runs cleanly;
- a report file (`-o json=OUT`), in test_kill9_report.py: OUT is the old content or a whole
  new report, never half;

and, here too, two audits writing the same cache at once lose nothing. The trials, the
servers and the claim map the three files share are here.

Trials per store: CLAIMCHECK_KILL_TRIALS (default 5, so the everyday test run stays quick;
the README's measured figures use 20). A kill comes after a delay drawn
uniformly over a complete run's time (for the cache, from its first write: the first answered
lookup), measured by a complete run first. Delays come from a seeded RNG:
set CLAIMCHECK_KILL_SEED to repeat a run's delays (the seed is in every failure message).
Trials run CLAIMCHECK_KILL_WORKERS (default 2) at a time. Run with `-rP` to see the outcomes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from claimcheck.cache.store import CACHE_FILE, Cache
from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope, parse_work
from claimcheck.sources.crossref.stored import decode_work
from claimcheck.testing import Fault, ReplayServer
from tests.factories import work_envelope

N_DOIS = 200
DOIS = [f"10.5555/k.{i}" for i in range(N_DOIS)]
TRIALS = int(os.environ.get("CLAIMCHECK_KILL_TRIALS") or "5")
WORKERS = max(1, int(os.environ.get("CLAIMCHECK_KILL_WORKERS") or "2"))
SEED = int(os.environ.get("CLAIMCHECK_KILL_SEED") or random.SystemRandom().randrange(1 << 32))
LATENCY = 0.002  # seconds per response: with 200 lookups, a run lasts a few seconds
# The limiter starts at Crossref's real pace (10/s) and follows what responses advertise;
# a generous advertised limit lets it ramp up, so a trial takes seconds, not twenty.
RATE_HEADERS = {
    pool: {
        "x-rate-limit-limit": "1000",
        "x-rate-limit-interval": "1s",
        "x-concurrency-limit": "3",
        "x-api-pool": pool,
    }
    for pool in ("polite", "public")
}
# Every list request answered 400 (as Crossref answers a filter it refuses): the client then
# looks each DOI up alone, so writes (a cache row, or a body file plus an index rewrite per
# response) are spread over the whole run instead of coming in four bursts.
NO_LISTS = Fault.http(400, match="/works?")
KILLED = -signal.SIGKILL


def _claimcheck() -> list[str]:
    beside = Path(sys.executable).with_name("claimcheck")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("claimcheck")
    # `python -m claimcheck` runs in the interpreter itself, so SIGKILL still hits claimcheck.
    return [found] if found else [sys.executable, "-m", "claimcheck"]


CLAIMCHECK = _claimcheck()


def write_claim_map(path: Path, dois: Sequence[str]) -> Path:
    lines = ["claimcheck: 1", "references:"]
    lines += [f"  R{i}: {{doi: {doi}}}" for i, doi in enumerate(dois)]
    lines += ["claims:"]
    lines += [f"  - {{id: C{i}, text: claim {i}, cites: [R{i}]}}" for i in range(len(dois))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli_env() -> dict[str, str]:
    """The environment without the caller's CLAIMCHECK_* settings; a contact for the polite
    pool. Every run names its cache (or replays), so no run touches the user's cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_")}
    env.update({"CLAIMCHECK_MAILTO": "kill9@example.org", "NO_COLOR": "1"})
    return env


@dataclass(frozen=True)
class Run:
    returncode: int
    started: float  # time.monotonic(), comparable with the replay server's request times
    seconds: float
    stdout: Path
    stderr: Path

    @property
    def killed(self) -> bool:
        return self.returncode == KILLED

    def out(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace")

    def err(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")


def start(args: Sequence[str | Path], logs: Path) -> subprocess.Popen[bytes]:
    """Start claimcheck with stdout and stderr in files under `logs`: a pipe left unread
    would stall a process printing a long report."""
    logs.mkdir(parents=True, exist_ok=True)
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        # The child keeps its own copies of the descriptors.
        return subprocess.Popen(
            [*CLAIMCHECK, *map(str, args)], stdout=out, stderr=err, env=cli_env()
        )


def finish(proc: subprocess.Popen[bytes], logs: Path, started: float) -> Run:
    returncode = proc.wait(timeout=120)
    return Run(returncode, started, time.monotonic() - started, logs / "stdout", logs / "stderr")


def claimcheck(args: Sequence[str | Path], logs: Path, kill_after: float | None = None) -> Run:
    """Run claimcheck to the end, or SIGKILL it `kill_after` seconds after the start."""
    started = time.monotonic()
    proc = start(args, logs)
    if kill_after is not None:
        time.sleep(max(0.0, started + kill_after - time.monotonic()))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    return finish(proc, logs, started)


def run_trials(
    store: str, trial: Callable[[int, float], str], expected_seconds: float, earliest: float = 0.0
) -> Counter[str]:
    """Run TRIALS trials (WORKERS at a time), each killing a run after a random delay from
    `earliest` to `expected_seconds`; a trial returns its outcome, or raises naming what broke."""
    rng = random.Random(f"{SEED}:{store}")
    kill_delays = [rng.uniform(earliest, expected_seconds) for _ in range(TRIALS)]
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        jobs = {pool.submit(trial, i, delay): (i, delay) for i, delay in enumerate(kill_delays)}
        for job in as_completed(jobs):
            i, delay = jobs[job]
            try:
                outcomes[job.result()] += 1
            except Exception as exc:  # a failed check, or a store that will not even load
                failures.append(
                    f"trial {i} (SIGKILL after {delay:.3f} s): {type(exc).__name__}: {exc}"
                )
    assert not failures, (
        f"{store}: {len(failures)} of {len(kill_delays)} trials failed "
        f"(CLAIMCHECK_KILL_SEED={SEED}):\n" + "\n\n".join(sorted(failures))
    )
    seconds = time.monotonic() - started
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
    print(
        f"\n{store}: {len(kill_delays)} kill trials in {seconds:.1f} s (seed {SEED}; kills "
        f"uniform over {earliest:.2f}-{expected_seconds:.2f} s of a complete run's "
        f"{expected_seconds:.2f} s): {summary}"
    )
    return outcomes


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[ReplayServer, ReplayServer]]:
    """(singles, batched): the same 200 works, one refusing list requests."""
    singles = ReplayServer(latency=LATENCY, rate_headers=RATE_HEADERS)
    batched = ReplayServer(latency=LATENCY, rate_headers=RATE_HEADERS)
    for server in (singles, batched):
        for doi in DOIS:
            server.add_work(work_envelope(doi))
    singles.add_fault(NO_LISTS)
    with singles, batched:
        yield singles, batched
    assert not singles.errors, singles.errors
    assert not batched.errors, batched.errors


@pytest.fixture(scope="module")
def claim_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_claim_map(tmp_path_factory.mktemp("map") / "map.yaml", DOIS)


def complete_report(run: Run, verified: int = N_DOIS) -> dict[str, Any]:
    """The JSON report of a run that should have looked every DOI up."""
    assert run.returncode == 0, f"exit {run.returncode}\n{run.err()}"
    report: dict[str, Any] = json.loads(run.out())
    assert report["summary"]["references"] == N_DOIS
    assert report["summary"]["unverified"] == 0
    assert sum(r["status"] == "ok" for r in report["references"]) == verified
    return report


# --- the cache -----------------------------------------------------------------------------


def stored_works(directory: Path) -> dict[str, bytes]:
    """Check a cache file with plain sqlite3; return its work rows (DOI -> answer as sent).

    Fails on anything but `integrity_check` "ok", an agency row, a status other than 200, or
    a row whose answer is not a whole work envelope for its own DOI, or whose stored form is
    not that work (a torn row).
    """
    path = directory / CACHE_FILE
    if not path.exists():
        return {}
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        assert integrity == [("ok",)], f"integrity_check: {integrity}"
        tables = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'").fetchall()
        if ("responses",) not in tables:
            return {}  # killed before the schema was made
        # The answer as the server sent it is `raw`; `body` holds the Work the checks read.
        rows = conn.execute("SELECT kind, doi, status, raw, body FROM responses").fetchall()
    finally:
        conn.close()
    works: dict[str, bytes] = {}
    for kind, doi, status, sent, stored in rows:
        assert (kind, status) == ("work", 200), f"unexpected row {kind} {doi} {status}"
        assert doi in DOIS, f"a row for a DOI never asked for: {doi!r}"
        assert sent is not None, f"row {doi} lost the answer as sent (--record needs it)"
        try:
            message = decode_envelope(bytes(sent), "work")
        except MalformedRecord as exc:
            raise AssertionError(f"torn row {doi}: {exc}: {bytes(sent)[:80]!r}") from None
        assert parse_work(message).doi == doi, f"row {doi} holds the work {message.get('DOI')}"
        # The form the checks read is whole too, and is the work the answer gave.
        assert decode_work(bytes(stored)) == parse_work(message), f"row {doi}: stored form"
        assert bytes(sent) == work_envelope(doi), f"row {doi} is not the body served"
        works[doi] = bytes(sent)
    return works


def open_as_cache(directory: Path) -> int:
    """Open the cache as claimcheck does; it must need no healing. Returns its work count."""
    warnings: list[str] = []
    with Cache(directory, warn=warnings.append) as cache:
        info = cache.info()
    assert warnings == [], f"Cache warned: {warnings}"
    assert info.agencies == 0
    assert info.entries == info.works
    return info.works


def no_cache_warning(run: Run) -> None:
    err = run.err()
    assert "warning" not in err.lower(), f"the run warned:\n{err}"
    assert "corrupt" not in err.lower(), err


@pytest.mark.slow
def test_cache_survives_sigkill_at_random_points(
    servers: tuple[ReplayServer, ReplayServer], claim_map: Path, tmp_path: Path
) -> None:
    singles, _batched = servers

    def audit(cache_dir: Path, logs: Path, *, fresh: bool, **kill: float) -> Run:
        # Always the same server: the cache answers only for the server that gave an answer.
        args = ["audit", claim_map, "-f", "json", "--crossref-url", singles.url]
        if fresh:
            args.append("--fresh")  # keeps writing: every DOI is fetched and stored again
        return claimcheck([*args, "--cache-dir", cache_dir], logs, **kill)

    # A complete run: how long one lasts, and that the setup works at all.
    baseline_dir = tmp_path / "baseline"
    baseline = audit(baseline_dir / "cache", baseline_dir, fresh=True)
    complete_report(baseline)
    assert len(stored_works(baseline_dir / "cache")) == N_DOIS
    # Nothing is written to the cache before the first single lookup is answered (start-up
    # and the refused list requests take about half the run): kill from there on, or half
    # the trials would find no cache file at all.
    first = min(r.at for r in singles.requests if r.route == "work" and r.at >= baseline.started)

    def trial(i: int, delay: float) -> str:
        root = tmp_path / f"trial-{i}"
        cache_dir = root / "cache"
        killed = audit(cache_dir, root / "killed", fresh=True, kill_after=delay)
        # Check a copy of the files as the kill left them (-wal and -shm included), so the
        # next claimcheck run below also meets the raw post-crash state, not a healed one.
        postmortem = root / "postmortem"
        if cache_dir.exists():
            shutil.copytree(cache_dir, postmortem)
        else:
            postmortem.mkdir(parents=True)
        existed = (postmortem / CACHE_FILE).exists()
        left = len(stored_works(postmortem))
        if existed:
            assert open_as_cache(postmortem) == left
        assert not list(postmortem.glob("*.corrupt*"))

        again = audit(cache_dir, root / "again", fresh=False)  # reads what the killed run stored
        complete_report(again)
        no_cache_warning(again)
        assert len(stored_works(cache_dir)) == N_DOIS
        assert open_as_cache(cache_dir) == N_DOIS
        assert not list(cache_dir.glob("*.corrupt*")), "a cache file was moved aside"
        shutil.rmtree(root)  # trials add up: keep the temporary directory small
        if not killed.killed:
            assert killed.returncode == 0, killed.err()
            return "finished before the kill"
        if not existed:
            return "killed before the cache file existed"
        if left in (0, N_DOIS):
            return f"killed with {left} works stored"
        return f"killed mid-run (1-{N_DOIS - 1} works stored)"

    outcomes = run_trials("cache", trial, baseline.seconds, earliest=first - baseline.started)
    assert sum(outcomes.values()) == TRIALS


# --- two writers -----------------------------------------------------------------------------

ROUNDS = 3


def test_two_concurrent_audits_lose_no_cache_write(
    servers: tuple[ReplayServer, ReplayServer], tmp_path: Path
) -> None:
    singles, _batched = servers
    halves = [DOIS[: N_DOIS // 2], DOIS[N_DOIS // 2 :]]
    maps = [write_claim_map(tmp_path / f"half-{n}.yaml", dois) for n, dois in enumerate(halves)]
    for round_ in range(ROUNDS):
        # A new directory each round: both processes also race to create the file and schema.
        cache_dir = tmp_path / f"cache-{round_}"
        root = tmp_path / f"round-{round_}"
        started = time.monotonic()
        procs = []
        for n, path in enumerate(maps):
            args = ["audit", path, "-f", "json", "--crossref-url", singles.url]
            procs.append(start([*args, "--cache-dir", cache_dir], root / str(n)))
        for n, proc in enumerate(procs):
            run = finish(proc, root / str(n), started)
            assert run.returncode == 0, f"round {round_}, audit {n}: {run.err()}"
            no_cache_warning(run)
            assert json.loads(run.out())["summary"]["references"] == N_DOIS // 2
        works = stored_works(cache_dir)
        assert sorted(works) == sorted(DOIS), f"round {round_}: {len(works)} of {N_DOIS} kept"
        assert open_as_cache(cache_dir) == N_DOIS
