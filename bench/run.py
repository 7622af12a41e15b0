"""Benchmark claimcheck against a rate-limited local Crossref, and against a habanero loop.

Run from anywhere, in the project's venv:

    python bench/run.py [--sizes 100 1000 10000] [--latency 0.1] [--skip-habanero-above 1000]
                        [--skip-public-above N] [--startup-runs 10]

A ReplayServer on 127.0.0.1 enforces Crossref's limits per pool (polite, with a mailto: 10
singleton requests/s, 3 list requests/s, 3 in flight; public: 5/s, 1/s, 1 in flight) and sends
Crossref's rate headers, which name the single-lookup limit on every answer, lists included.
It adds `--latency` to every admitted request. For each N it serves N synthetic works, writes a
claim map citing them all and, with and without `--mailto`, times claimcheck cold (fresh cache),
claimcheck warm (same cache) and habanero's `Crossref.works(ids=doi)` one DOI after another.
Every child runs under `/usr/bin/time -v`, which reports that process's own CPU time and peak
RSS. It prints one Markdown table and writes bench/results.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimcheck.testing import Limits, RecordedRequest, ReplayServer
from claimcheck.testing.replay_server import DEFAULT_RATE_HEADERS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "crossref"
# Reconstructed envelopes were never recorded from Crossref (see their INDEX.md); recorded/
# bodies are real. Both serve as templates, and also under their own DOIs, so that the works
# their update entries point at resolve as they would on Crossref.
TEMPLATE_DIRS = (DATA / "reconstructed", DATA / "recorded")
MAILTO = "bench@example.org"
# SYNTHETIC DOIs: made up for this benchmark and never registered anywhere. Each synthetic work
# is a real or reconstructed record with only message.DOI replaced.
SYNTHETIC_DOI = "10.5555/bench.{i}"
POOLS = ("polite", "public")  # with --mailto, and without
LIMITS = Limits()  # enforced: 10/5 singletons/s, 3/1 lists/s, 3/1 in flight (polite/public)
# What Crossref sends on EVERY answer, list queries included (recorded 2026): the single-lookup
# limit, not the stricter list rate it enforces. Passed explicitly, and read back off the wire
# before the first N (probe_headers), so a change to ReplayServer's defaults shows in the notes.
RATE_HEADERS = DEFAULT_RATE_HEADERS
FLOOR_BATCH = 50  # DOIs per list request in the floor: claimcheck's batch size, as the issue says
SETTLE = 1.2  # seconds between runs, so every run starts with full token buckets
COMPLETED = {0, 1, 3}  # gate passed, gate failed, incomplete (some lookups unverified)
TIME = "/usr/bin/time"  # GNU time: its -v report gives the child's own CPU time and peak RSS
HABANERO_RETRIES = 10  # 429s in a row on one DOI before the loop gives that DOI up


# --- children, measured one by one ---------------------------------------------------------


@dataclass
class Child:
    argv: list[str]
    started: float  # time.monotonic() just before the start: comparable to RecordedRequest.at
    wall: float
    cpu: float | None  # the child's own user + sys time (None: no report from time)
    max_rss_mb: float | None  # the child's own peak RSS
    exit_code: int | None  # None when it timed out
    stdout: bytes = field(repr=False)
    stderr: bytes = field(repr=False)
    # The command's own CPU time (user + sys) when the server saw its first request: None if
    # none came, or the process could not be read.
    first_request_cpu: float | None = None


def run_child(
    argv: list[str],
    timeout: float,
    env: dict[str, str],
    arrived: Callable[[], bool] | None = None,
) -> Child:
    """Run argv under `/usr/bin/time -v` to completion: wall time, its own CPU and peak RSS,
    and, given `arrived` (true once the server has seen a request), the CPU time the command
    had used when the first request arrived (`FirstRequestCpu`).

    Not os.wait4 on a child of this process: Linux keeps ru_maxrss across exec, so such a child
    reports this (large) benchmark's high-water mark, not its own. GNU time is a small C program,
    so what the command inherits from it is negligible. Its report goes to a file (-o), so the
    child's stderr stays the child's; output goes to temporary files (a large JSON report would
    block a full pipe). Its own session lets a timeout kill both time and the command.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(suffix=".time") as report,
    ):
        started, start = time.monotonic(), time.perf_counter()
        proc = subprocess.Popen(
            [TIME, "-v", "-o", report.name, *argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        first = FirstRequestCpu(proc.pid, arrived) if arrived is not None else None
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            if proc.returncode is None:  # timed out, or this benchmark was interrupted
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        wall = time.perf_counter() - start
        first_cpu = first.join() if first is not None else None
        out.seek(0)
        err.seek(0)
        cpu, rss = parse_time_report(Path(report.name).read_text(errors="replace"))
        return Child(
            argv,
            started,
            wall,
            cpu,
            rss,
            None if timed_out else proc.returncode,
            out.read(),
            err.read(),
            first_cpu,
        )


class FirstRequestCpu:
    """The CPU time (user + sys) the command under GNU time has used when the server sees its
    first request: a thread polls `arrived` every millisecond, then reads the command's
    /proc/PID/stat (time's only child). Linux counts it in clock ticks (10 ms at the usual 100
    a second), so one run is ±10 ms; the table gives the median of the runs."""

    POLL_SECONDS = 0.001

    def __init__(self, time_pid: int, arrived: Callable[[], bool]) -> None:
        self._time_pid, self._arrived = time_pid, arrived
        self._command_pid: int | None = None
        self.cpu: float | None = None
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def join(self) -> float | None:
        self._thread.join()
        return self.cpu

    def _watch(self) -> None:
        ticks = os.sysconf("SC_CLK_TCK")
        while self._command_pid is None or not self._arrived():
            if self._command_pid is None:
                self._command_pid = self._child_of_time()
            if not Path(f"/proc/{self._time_pid}").exists():
                return  # ended before a request arrived
            time.sleep(self.POLL_SECONDS)
        with contextlib.suppress(OSError, ValueError, IndexError):
            # Fields 14 and 15 of stat(5), utime and stime, counted after the command name.
            fields = Path(f"/proc/{self._command_pid}/stat").read_text().rsplit(")", 1)[1].split()
            self.cpu = (int(fields[11]) + int(fields[12])) / ticks

    def _child_of_time(self) -> int | None:
        path = Path(f"/proc/{self._time_pid}/task/{self._time_pid}/children")
        with contextlib.suppress(OSError, ValueError):
            children = path.read_text().split()
            return int(children[0]) if children else None
        return None


def parse_time_report(text: str) -> tuple[float | None, float | None]:
    """(user + sys seconds, peak RSS in MiB) from GNU time's -v report; None where missing."""

    def number(label: str) -> float | None:
        found = re.search(rf"{re.escape(label)}: ([0-9.]+)", text)
        return float(found.group(1)) if found else None

    user, system = number("User time (seconds)"), number("System time (seconds)")
    rss_kb = number("Maximum resident set size (kbytes)")
    cpu = None if user is None or system is None else round(user + system, 2)  # 10 ms steps
    return cpu, None if rss_kb is None else rss_kb / 1024


def claimcheck_command() -> list[str]:
    """The installed console script of this interpreter's environment, as a user runs it."""
    script = Path(sys.executable).with_name("claimcheck")
    if script.exists():
        return [str(script)]
    found = shutil.which("claimcheck")
    return [found] if found else [sys.executable, "-m", "claimcheck"]


def child_env(cache_home: Path) -> dict[str, str]:
    # CLAIMCHECK_* could set a mailto (making a public run polite), a cache or a rate cap.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_")}
    # Buffered stdio, as users run it (some machines set PYTHONUNBUFFERED for everything).
    env.pop("PYTHONUNBUFFERED", None)
    # A default cache under the user's home would make a "cold" run warm: isolate it.
    env["XDG_CACHE_HOME"] = str(cache_home)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["COLUMNS"] = "200"
    return env


# --- the data ------------------------------------------------------------------------------


def work_templates() -> list[bytes]:
    templates = []
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.glob("*.json")):
            envelope = json.loads(path.read_bytes())
            if isinstance(envelope, dict) and envelope.get("message-type") == "work":
                templates.append(path.read_bytes())
    if not templates:
        sys.exit(f"no work envelopes found under {DATA}")
    return templates


def add_synthetic_works(server: ReplayServer, templates: list[bytes], n: int) -> list[str]:
    dois = []
    for i in range(1, n + 1):
        envelope = json.loads(templates[i % len(templates)])
        envelope["message"]["DOI"] = SYNTHETIC_DOI.format(i=i)  # synthetic: see SYNTHETIC_DOI
        dois.append(server.add_work(json.dumps(envelope).encode()))
    return dois


def write_claim_map(directory: Path, n: int) -> Path:
    """N references `R{i}: {doi: 10.5555/bench.{i}}`; claims each citing ten of them."""
    lines = [
        "# Synthetic claim map for bench/run.py: every DOI here is made up.",
        "claimcheck: 1",
        "article:",
        f"  title: Synthetic benchmark article citing {n} works",
        "references:",
    ]
    lines += [f"  R{i}: {{doi: {SYNTHETIC_DOI.format(i=i)}}}" for i in range(1, n + 1)]
    lines.append("claims:")
    for j, first in enumerate(range(1, n + 1, 10), start=1):
        cites = ", ".join(f"R{i}" for i in range(first, min(first + 10, n + 1)))
        lines += [f"  - id: C{j}", f"    text: Synthetic claim {j}.", f"    cites: [{cites}]"]
    path = directory / f"bench-{n}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- what the server saw and said -------------------------------------------------------------


@dataclass
class Traffic:
    requests: int
    by_route: dict[str, int]
    throttled: int
    batch: int  # the most DOIs in one list request's filter; 1 when no list was sent
    first_at: float | None  # time.monotonic() of the first request's arrival; None if none came

    @classmethod
    def between(cls, log: list[RecordedRequest], throttled: int) -> Traffic:
        batch = max((len(r.filter_dois) for r in log if r.route == "list"), default=1)
        first = min((r.at for r in log), default=None)
        routes = dict(Counter(r.route for r in log))
        return cls(len(log), routes, throttled, max(batch, 1), first)

    def describe(self) -> str:
        parts = ", ".join(f"{count} {route}" for route, count in sorted(self.by_route.items()))
        return f"{self.requests} ({parts})" if parts else "0"


@contextlib.contextmanager
def watching(server: ReplayServer) -> Any:
    """Yield a dict filled, on exit, with the Traffic of the requests made inside the block."""
    before_requests, before_throttled = len(server.requests), server.throttled
    seen: dict[str, Traffic] = {}
    try:
        yield seen
    finally:
        log = list(server.requests[before_requests:])
        seen["traffic"] = Traffic.between(log, server.throttled - before_throttled)


def probe_headers(server: ReplayServer) -> dict[str, dict[str, dict[str, str]]]:
    """The rate headers the server really sends, by pool and route, from four probe requests.

    Read off the wire rather than assumed: ReplayServer decides what it advertises, and with
    enforce_limits an older one names the enforced list rate on list answers, which Crossref
    does not. The probes use a made-up DOI (an empty list, a 404); the next run waits SETTLE.
    """
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    paths = {
        "list": "/works?filter=doi:10.5555/bench.probe&rows=1",
        "work": "/works/10.5555/bench.probe",
    }
    seen: dict[str, dict[str, dict[str, str]]] = {}
    for pool in POOLS:
        for route, path in paths.items():
            url = server.url + path
            if pool == "polite":
                url += ("&" if "?" in path else "?") + f"mailto={MAILTO}"
            try:
                with opener.open(url, timeout=10) as response:
                    headers = response.headers
            except urllib.error.HTTPError as exc:
                headers = exc.headers
            wanted = {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-")}
            seen.setdefault(pool, {})[route] = wanted
    return seen


# --- the runs --------------------------------------------------------------------------------


@dataclass
class AuditRun:
    label: str
    wall: float
    cpu: float | None
    max_rss_mb: float | None
    exit_code: int | None
    completed: bool
    unverified: int | None
    references: int | None
    traffic: Traffic
    first_request_s: float | None  # from just before the process started to the first request
    first_request_cpu_s: float | None = None  # its own CPU time when the first request arrived
    error: str = ""


def audit(
    label: str, server: ReplayServer, argv: list[str], timeout: float, env: dict[str, str]
) -> AuditRun:
    before = len(server.requests)
    with watching(server) as seen:
        child = run_child(argv, timeout, env, arrived=lambda: len(server.requests) > before)
    traffic: Traffic = seen["traffic"]
    summary: dict[str, Any] = {}
    with contextlib.suppress(ValueError, AttributeError):
        summary = json.loads(child.stdout).get("summary", {})
    completed = child.exit_code in COMPLETED
    error = ""
    if child.exit_code is None:
        error = f"timed out after {timeout:.0f} s"
    elif not completed:
        tail = child.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        error = f"exit {child.exit_code}: " + " | ".join(tail)
    first = None if traffic.first_at is None else traffic.first_at - child.started
    return AuditRun(
        label=label,
        wall=child.wall,
        cpu=child.cpu,
        max_rss_mb=child.max_rss_mb,
        exit_code=child.exit_code,
        completed=completed,
        unverified=summary.get("unverified"),
        references=summary.get("references"),
        traffic=traffic,
        first_request_s=first,
        first_request_cpu_s=child.first_request_cpu,
        error=error,
    )


@dataclass
class HabaneroRun:
    wall: float | None
    per_doi: float | None
    extrapolated: bool
    throttled: int = 0  # 429s received (each waited out and retried)
    errors: int = 0  # DOIs given up: another error, or HABANERO_RETRIES 429s in a row
    traffic: Traffic | None = None


def habanero_get(cr: Any, doi: str) -> tuple[int, bool]:
    """Fetch one DOI as a habanero user would: after a 429, wait Retry-After and try again.

    Returns (429s met, whether the DOI was given up). Retrying, rather than counting a 429 as
    done, keeps the public-pool loop (5/s allowed, habanero goes faster) honest about its time.
    """
    refused = 0
    while True:
        try:
            cr.works(ids=doi)
            return refused, False
        except Exception as exc:  # httpx2.HTTPStatusError, habanero's RequestError, ...
            response = getattr(exc, "response", None)
            status = getattr(response, "status_code", None) or getattr(exc, "status", None)
            if status != 429 and "429" not in str(exc):
                return refused, True
            refused += 1
            if refused > HABANERO_RETRIES:
                return refused, True
            retry_after = getattr(response, "headers", {}).get("retry-after", "1")
            time.sleep(float(retry_after) if retry_after.isdigit() else 1.0)


def habanero_loop(server: ReplayServer, dois: list[str], pool: str) -> HabaneroRun:
    """habanero's documented way to fetch works, one DOI at a time, in this process."""
    from habanero import Crossref

    mailto = MAILTO if pool == "polite" else None
    cr = Crossref(base_url=server.url, mailto=mailto, timeout=30)
    refused = failed = 0
    with watching(server) as seen:
        start = time.perf_counter()
        for doi in dois:
            doi_refused, gave_up = habanero_get(cr, doi)
            refused += doi_refused
            failed += gave_up
        wall = time.perf_counter() - start
    return HabaneroRun(wall, wall / len(dois), False, refused, failed, seen["traffic"])


def floor_seconds(n: int, latency: float, limits: Limits, pool: str) -> tuple[float, int]:
    """The least time the enforced limits allow for N DOIs, and the requests that takes.

    ⌈N/50⌉ list requests at the pool's list rate (3/s polite, 1/s public), plus one latency for
    the last answer; never less than the pool's concurrency limit allows. The bucket starts with
    one second's worth, so a small run can finish up to a second under this floor.
    """
    requests = math.ceil(n / FLOOR_BATCH)
    by_rate = requests / limits.rate(pool, "list") + latency
    by_concurrency = math.ceil(requests / limits.concurrency(pool)) * latency
    return max(by_rate, by_concurrency), requests


@dataclass
class Row:
    n: int
    pool: str
    cold: AuditRun
    warm: AuditRun
    habanero: HabaneroRun
    floor: float
    floor_requests: int
    warm_mode: str
    runs: dict[str, list[AuditRun]] = field(default_factory=dict)  # every repeat, by label


def audit_argv(claim_map: Path, url: str, pool: str, cache_dir: Path | None) -> list[str]:
    argv = [*claimcheck_command(), "audit", str(claim_map), "--format", "json"]
    argv += ["--crossref-url", url, "--quiet"]
    if pool == "polite":
        argv += ["--mailto", MAILTO]
    if cache_dir is not None:
        argv += ["--cache-dir", str(cache_dir)]
    return argv


def audit_pool(
    server: ReplayServer, claim_map: Path, n: int, pool: str, args: argparse.Namespace
) -> Row:
    """Cold then warm claimcheck in one pool, with a cache of their own."""
    tmp: Path = args.tmp
    timeout = args.timeout if args.timeout else 120 + 0.5 * n
    pairs: dict[str, list[AuditRun]] = {"cold": [], "warm": []}
    for repeat in range(1, args.repeat + 1):
        # Each cold run starts from an empty cache of its own; its warm run reads that cache.
        cache_dir = Path(tempfile.mkdtemp(prefix=f"cache-{n}-{pool}-", dir=tmp))
        env = child_env(Path(tempfile.mkdtemp(prefix=f"xdg-{n}-{pool}-", dir=tmp)))
        cache = cache_dir if args.cache_dir_supported else None
        argv = audit_argv(claim_map, server.url, pool, cache)
        for label, runs in pairs.items():
            time.sleep(SETTLE)
            note(f"N={n} {pool}: claimcheck {label} ({repeat} of {args.repeat}) ...")
            runs.append(audit(label, server, argv, timeout, env))
    floor, floor_requests = floor_seconds(n, args.latency, LIMITS, pool)
    mode = "cached" if args.cache_dir_supported else "uncached re-run (no --cache-dir)"
    no_habanero = HabaneroRun(None, None, True)
    cold, warm = (median_run(pairs[label]) for label in ("cold", "warm"))
    return Row(n, pool, cold, warm, no_habanero, floor, floor_requests, mode, pairs)


def median_run(runs: list[AuditRun]) -> AuditRun:
    """The run of median wall time, with the median first request and CPU of all the runs
    (one run alone on a shared machine can be 30% off), and the highest peak RSS."""
    by_wall = sorted(runs, key=lambda r: r.wall)
    middle = by_wall[(len(by_wall) - 1) // 2]

    def median_of(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None

    rss = [r.max_rss_mb for r in runs if r.max_rss_mb is not None]
    return replace(
        middle,
        wall=statistics.median(r.wall for r in runs),
        cpu=median_of([r.cpu for r in runs]),
        first_request_s=median_of([r.first_request_s for r in runs]),
        first_request_cpu_s=median_of([r.first_request_cpu_s for r in runs]),
        max_rss_mb=max(rss) if rss else None,
    )


def run_size(
    server: ReplayServer, templates: list[bytes], n: int, args: argparse.Namespace
) -> list[Row]:
    dois = add_synthetic_works(server, templates, n)
    claim_map = write_claim_map(args.tmp, n)
    skip_public = args.skip_public_above is not None and n > args.skip_public_above
    pools = [pool for pool in POOLS if not (pool == "public" and skip_public)]
    rows = [audit_pool(server, claim_map, n, pool, args) for pool in pools]
    if n <= args.skip_habanero_above:
        for row in rows:
            time.sleep(SETTLE)
            note(f"N={n} {row.pool}: habanero loop ...")
            row.habanero = habanero_loop(server, dois, row.pool)
    return rows


def extrapolate(rows: list[Row]) -> dict[str, int]:
    """Fill skipped habanero runs from the per-DOI time of the pool's largest measured run."""
    bases = {}
    for pool in POOLS:
        in_pool = [r for r in rows if r.pool == pool]
        measured = [r for r in in_pool if r.habanero.per_doi is not None]
        if not measured or not any(r.habanero.extrapolated for r in in_pool):
            continue
        basis = max(measured, key=lambda r: r.n)
        per_doi = basis.habanero.per_doi or 0.0
        for row in in_pool:
            if row.habanero.extrapolated:
                row.habanero.wall = per_doi * row.n
                row.habanero.per_doi = per_doi
        bases[pool] = basis.n
    return bases


def compile_bytecode() -> Path:
    """Compile claimcheck's modules, as `pip install` does for a regular install.

    An editable install writes its bytecode on first use, unless PYTHONDONTWRITEBYTECODE is
    set (as on some CI machines): then every run compiles every module from source again,
    about 60 ms before the first request, which no installed claimcheck pays.
    """
    import claimcheck

    package = Path(claimcheck.__file__).resolve().parent
    compileall.compile_dir(package, quiet=1)
    return package


def startup_medians(env: dict[str, str], runs: int) -> dict[str, float]:
    """Median wall of fresh processes; the commands take turns, so drift hits them alike."""
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],  # the interpreter claimcheck runs on
        "claimcheck --version": [*claimcheck_command(), "--version"],
        "claimcheck --help": [*claimcheck_command(), "--help"],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            walls[name].append(run_child(argv, 60, env).wall)
    return {name: statistics.median(values) for name, values in walls.items()}


# --- reporting -------------------------------------------------------------------------------


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


HEAD = [
    "N",
    "pool",
    "B",
    "requests",
    "429s",
    "wall s",
    "floor s",
    "wall/floor",
    "first request ms",
    "its CPU ms",
    "CPU s",
    "peak RSS MB",
    "warm s",
    "warm CPU s",
    "warm RSS MB",
    "warm requests",
    "habanero s",
    "speed-up vs habanero",
    "unverified cold/warm",
    "exit cold/warm",
]


def throttled(row: Row, label: str) -> int:
    """Every repeat's 429s, not only the median run's: one is one too many."""
    return sum(run.traffic.throttled for run in row.runs.get(label, []))


def table_row(r: Row, python_s: float) -> list[str]:
    cold, warm, hab = r.cold, r.warm, r.habanero
    hab_text = fmt(hab.wall, 1) + (" (extrapolated)" if hab.extrapolated else "")
    if hab.wall is None:
        hab_text = "not run"
    speedup = hab.wall / cold.wall if hab.wall and cold.completed else None
    first = "n/a"
    if cold.first_request_s is not None:
        first = f"{cold.first_request_s * 1000:.0f} ({cold.first_request_s / python_s:.1f}×)"
    return [
        str(r.n),
        r.pool,
        str(cold.traffic.batch),
        cold.traffic.describe(),
        f"{throttled(r, 'cold')}/{throttled(r, 'warm')}",
        fmt(cold.wall),
        fmt(r.floor),
        fmt(cold.wall / r.floor),
        first,
        "n/a" if cold.first_request_cpu_s is None else f"{cold.first_request_cpu_s * 1000:.0f}",
        fmt(cold.cpu),
        fmt(cold.max_rss_mb, 1),
        fmt(warm.wall),
        fmt(warm.cpu),
        fmt(warm.max_rss_mb, 1),
        warm.traffic.describe(),
        hab_text,
        "n/a" if speedup is None else f"{speedup:.1f}×",
        f"{cold.unverified}/{warm.unverified}",
        f"{cold.exit_code}/{warm.exit_code}",
    ]


def table(rows: list[Row], python_s: float) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    lines += ["| " + " | ".join(table_row(r, python_s)) + " |" for r in rows]
    return "\n".join(lines)


def startup_line(startup: dict[str, float], runs: int) -> str:
    python_s = startup["python -c pass"]
    parts = [f"`python -c pass` {python_s * 1000:.0f} ms"]
    for name in ("claimcheck --version", "claimcheck --help"):
        parts.append(f"`{name}` {startup[name] * 1000:.0f} ms ({startup[name] / python_s:.1f}×)")
    return f"Start-up, median of {runs} fresh processes each: " + "; ".join(parts) + "."


def realism_notes(headers: dict[str, dict[str, dict[str, str]]]) -> list[str]:
    """What the server advertised (probed) against what it enforced, per pool."""
    out = []
    for pool in POOLS:
        listed, single = headers[pool]["list"], headers[pool]["work"]
        out.append(
            f"{pool} pool: list answers advertised x-rate-limit-limit "
            f"{listed.get('x-rate-limit-limit', '-')}/{listed.get('x-rate-limit-interval', '-')}, "
            f"x-concurrency-limit {listed.get('x-concurrency-limit', '-')}; enforced "
            f"{LIMITS.rate(pool, 'list'):g} lists/s, {LIMITS.rate(pool, 'work'):g} singletons/s, "
            f"{LIMITS.concurrency(pool)} in flight."
        )
        if listed.get("x-rate-limit-limit") != single.get("x-rate-limit-limit"):
            out.append(
                f"WARNING: {pool} list answers advertised the enforced list rate, not the "
                f"single-lookup limit ({single.get('x-rate-limit-limit')}/s) that Crossref "
                "advertises on every answer: this server is less realistic than Crossref."
            )
    return out


def habanero_notes(rows: list[Row], args: argparse.Namespace, bases: dict[str, int]) -> list[str]:
    out = []
    for pool, basis in bases.items():
        out.append(
            f"habanero s ({pool}) above N={args.skip_habanero_above} is extrapolated from the "
            f"per-DOI time at N={basis}, not measured."
        )
    if any(r.habanero.wall is None for r in rows):
        out.append(
            f"habanero was not run above N={args.skip_habanero_above}, and no smaller N of that "
            "pool was measured in this run to extrapolate from."
        )
    for r in rows:
        hab = r.habanero
        if hab.traffic is not None and (hab.throttled or hab.errors):
            out.append(
                f"N={r.n} {r.pool}: habanero got {hab.throttled} 429s (each waited out and "
                f"retried) and gave up {hab.errors} DOIs."
            )
    return out


def run_notes(rows: list[Row]) -> list[str]:
    out = []
    # The template records link to DOIs the server does not hold; claimcheck looks each up
    # alone (work, then agency on a 404). Said here because the floor counts lists only.
    singles = [r.cold.traffic.requests - r.cold.traffic.by_route.get("list", 0) for r in rows]
    if any(singles):
        out.append(
            f"Cold runs also made {min(singles)}–{max(singles)} singleton requests (work, "
            "agency) for DOIs the template records link to; the floor does not count them."
        )
    for r in rows:
        for run in (r.cold, r.warm):
            where = f"N={r.n} {r.pool}: {run.label} run"
            if run.unverified:
                out.append(f"{where} left {run.unverified} of {run.references} unverified.")
            if run.error:
                out.append(f"{where} did not complete: {run.error}")
            elif run.exit_code == 3:
                out.append(f"{where} exited 3 (incomplete); timed all the same.")
    return out


def notes(
    rows: list[Row],
    args: argparse.Namespace,
    bases: dict[str, int],
    headers: dict[str, dict[str, dict[str, str]]],
) -> list[str]:
    out = [
        f"Server: 127.0.0.1, latency {args.latency:g} s per admitted request; token buckets "
        "hold one second's worth. See bench/README.md for every column.",
        *realism_notes(headers),
        f"floor s: ⌈N/{FLOOR_BATCH}⌉ list requests at the pool's enforced list rate + one "
        "latency. first request ms: process start to the first request the server saw "
        "(× `python -c pass`); its CPU ms: the CPU time the process had used by then (user + sys, "
        "read from /proc in 10 ms ticks).",
        "CPU s and RSS: the child's own user+sys time and peak RSS, from `/usr/bin/time -v`. "
        "warm: " + rows[0].warm_mode + ".",
    ]
    if args.repeat > 1:
        out.append(
            f"Each N and pool ran {args.repeat} cold/warm pairs: wall, first request and CPU "
            "are their medians, peak RSS the highest, 429s the sum over all of them."
        )
    if args.skip_public_above is not None:
        out.append(f"The public pool was not run above N={args.skip_public_above}.")
    return out + habanero_notes(rows, args, bases) + run_notes(rows)


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
    }


def claimcheck_version(env: dict[str, str]) -> str | None:
    child = run_child([*claimcheck_command(), "--version"], 30, env)
    return child.stdout.decode().strip().removeprefix("claimcheck").strip() or None


def help_mentions_cache_dir(env: dict[str, str]) -> bool:
    child = run_child([*claimcheck_command(), "audit", "--help"], 30, env)
    return b"--cache-dir" in child.stdout + child.stderr


# --- main --------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--skip-habanero-above", type=int, default=1000)
    parser.add_argument(
        "--skip-public-above",
        type=int,
        default=None,
        help="run the public pool (no --mailto) only up to this N (default: every N)",
    )
    parser.add_argument(
        "--startup-runs",
        type=int,
        default=10,
        help="fresh processes per start-up command (python -c pass, --version, --help)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=0.0,
        help="per child, seconds (default 120 + 0.5 s per DOI)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="cold and warm runs per N and pool; the table gives their medians (default 1)",
    )
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    if any(n < 1 for n in args.sizes) or args.startup_runs < 1 or args.repeat < 1:
        parser.error("sizes, --startup-runs and --repeat must be positive")
    if not os.access(TIME, os.X_OK):
        parser.error(f"{TIME} (GNU time) is needed to measure each child's own RSS and CPU")
    return args


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement of one invocation, in a temporary directory that is removed after."""
    with tempfile.TemporaryDirectory(prefix="claimcheck-bench-") as tmp_text:
        args.tmp = Path(tmp_text)
        env = child_env(args.tmp / "xdg-probe")
        note(f"bytecode compiled for {compile_bytecode()}")
        args.cache_dir_supported = help_mentions_cache_dir(env)
        version = claimcheck_version(env)
        note(f"start-up: median of {args.startup_runs} fresh processes each ...")
        startup = startup_medians(env, args.startup_runs)
        templates = work_templates()
        server = ReplayServer(
            *TEMPLATE_DIRS,
            latency=args.latency,
            rate_headers=RATE_HEADERS,
            enforce_limits=True,
            limits=LIMITS,
        )
        rows: list[Row] = []
        with server:
            headers = probe_headers(server)
            for n in sorted(set(args.sizes)):
                rows += run_size(server, templates, n, args)
        if server.errors:
            note(f"replay server raised: {server.errors!r}")
    return {"version": version, "startup": startup, "headers": headers, "rows": rows}


def main() -> None:
    args = parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")  # for habanero, in-process
    found = measure(args)
    rows: list[Row] = found["rows"]
    bases = extrapolate(rows)
    python_s = found["startup"]["python -c pass"]
    markdown = table(rows, python_s)

    startup = startup_line(found["startup"], args.startup_runs)
    print(f"claimcheck {found['version'] or '?'}. {startup}\n")
    print(markdown)
    print()
    for line in notes(rows, args, bases, found["headers"]):
        print(f"- {line}")

    document = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "python": sys.version.split()[0],
        "claimcheck": found["version"],
        "config": {
            "sizes": sorted(set(args.sizes)),
            "latency_s": args.latency,
            "limits_enforced": asdict(LIMITS),
            "rate_headers_given": RATE_HEADERS,
            "floor_batch": FLOOR_BATCH,
            "skip_habanero_above": args.skip_habanero_above,
            "skip_public_above": args.skip_public_above,
            "startup_runs": args.startup_runs,
            "repeat": args.repeat,
            "cache_dir_supported": args.cache_dir_supported,
            "habanero_extrapolated_from_n": bases,
        },
        "advertised_headers": found["headers"],
        "startup_median_s": found["startup"],
        "runs": [asdict(r) for r in rows],
        "table_markdown": markdown,
    }
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    note(f"wrote {args.output}")


if __name__ == "__main__":
    main()
