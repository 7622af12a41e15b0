"""Benchmark claimcheck against a rate-limited local Crossref, and against a habanero loop.

Run from anywhere, in the project's venv:

    python bench/run.py [--sizes 100 1000 10000] [--latency 0.1] [--skip-habanero-above 1000]

A ReplayServer on 127.0.0.1 enforces Crossref's polite-pool limits (10 singleton requests/s,
3 list requests/s, 3 in flight; burst = one second's worth) and adds `--latency` to every
admitted request. For each N it serves N synthetic works, writes a claim map citing them all,
and times: claimcheck cold (fresh cache), claimcheck warm (same cache), and habanero's
`Crossref.works(ids=doi)` one DOI after another. It prints a Markdown table and writes
bench/results.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimcheck.testing import Limits, RecordedRequest, ReplayServer

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
POLITE = Limits()  # 10/s singletons, 3/s lists, 3 in flight (shared/crossref/README.md)
SETTLE = 1.2  # seconds between runs, so every run starts with full token buckets
COMPLETED = {0, 1, 3}  # gate passed, gate failed, incomplete (some lookups unverified)


# --- children, measured one by one ---------------------------------------------------------


@dataclass
class Child:
    argv: list[str]
    wall: float
    cpu: float  # the child's own user + sys time
    max_rss_mb: float  # the child's own peak RSS
    exit_code: int | None  # None when it timed out
    stdout: bytes = field(repr=False)
    stderr: bytes = field(repr=False)


def run_child(argv: list[str], timeout: float, env: dict[str, str]) -> Child:
    """Run argv to completion; wall time and this child's own rusage via os.wait4.

    Output goes to temporary files (a large JSON report would block a full pipe), and a timer
    kills the child after `timeout` seconds.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        lock = threading.Lock()
        state = {"reaped": False, "killed": False}
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=ROOT
        )

        def kill() -> None:
            with lock:
                if not state["reaped"]:
                    state["killed"] = True
                    proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            with lock:
                state["reaped"] = True
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Child(
            argv=argv,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            max_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            exit_code=None if state["killed"] else proc.returncode,
            stdout=out.read(),
            stderr=err.read(),
        )


def claimcheck_command() -> list[str]:
    """The installed console script of this interpreter's environment, as a user runs it."""
    script = Path(sys.executable).with_name("claimcheck")
    if script.exists():
        return [str(script)]
    found = shutil.which("claimcheck")
    return [found] if found else [sys.executable, "-m", "claimcheck"]


def child_env(cache_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_")}
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


# --- what the server saw ---------------------------------------------------------------------


@dataclass
class Traffic:
    requests: int
    by_route: dict[str, int]
    throttled: int
    batch: int  # the most DOIs in one list request's filter; 1 when no list was sent

    @classmethod
    def between(cls, log: list[RecordedRequest], throttled: int) -> Traffic:
        batch = max((len(r.filter_dois) for r in log if r.route == "list"), default=1)
        return cls(len(log), dict(Counter(r.route for r in log)), throttled, max(batch, 1))

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


# --- the runs --------------------------------------------------------------------------------


@dataclass
class AuditRun:
    label: str
    wall: float
    cpu: float
    max_rss_mb: float
    exit_code: int | None
    completed: bool
    unverified: int | None
    references: int | None
    traffic: Traffic
    error: str = ""


def audit(
    label: str, server: ReplayServer, argv: list[str], timeout: float, env: dict[str, str]
) -> AuditRun:
    with watching(server) as seen:
        child = run_child(argv, timeout, env)
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
    return AuditRun(
        label=label,
        wall=child.wall,
        cpu=child.cpu,
        max_rss_mb=child.max_rss_mb,
        exit_code=child.exit_code,
        completed=completed,
        unverified=summary.get("unverified"),
        references=summary.get("references"),
        traffic=seen["traffic"],
        error=error,
    )


@dataclass
class HabaneroRun:
    wall: float | None
    per_doi: float | None
    extrapolated: bool
    throttled: int = 0
    errors: int = 0
    traffic: Traffic | None = None


def habanero_loop(server: ReplayServer, dois: list[str]) -> HabaneroRun:
    """habanero's documented way to fetch works, one DOI at a time; 429s counted, not retried."""
    from habanero import Crossref

    cr = Crossref(base_url=server.url, mailto=MAILTO, timeout=30)
    refused = failed = 0
    with watching(server) as seen:
        start = time.perf_counter()
        for doi in dois:
            try:
                cr.works(ids=doi)
            except Exception as exc:  # httpx2.HTTPStatusError, habanero's RequestError, ...
                response = getattr(exc, "response", None)
                status = getattr(response, "status_code", None) or getattr(exc, "status", None)
                if status == 429 or "429" in str(exc):
                    refused += 1
                else:
                    failed += 1
        wall = time.perf_counter() - start
    return HabaneroRun(wall, wall / len(dois), False, refused, failed, seen["traffic"])


def floor_seconds(n: int, batch: int, latency: float, limits: Limits) -> tuple[float, int]:
    """The least time the enforced limits allow for N DOIs in batches of B, and the requests.

    ⌈N/B⌉ requests at the route's rate (lists 3/s when B > 1, else singletons 10/s), plus one
    latency for the last answer; never less than the concurrency limit allows. The bucket's
    initial burst lets a small run finish a little under this floor.
    """
    requests = math.ceil(n / batch)
    rate = limits.polite_list_rate if batch > 1 else limits.polite_rate
    by_rate = requests / rate + latency
    by_concurrency = math.ceil(requests / limits.polite_concurrency) * latency
    return max(by_rate, by_concurrency), requests


@dataclass
class SizeResult:
    n: int
    cold: AuditRun
    warm: AuditRun
    habanero: HabaneroRun
    floor: float
    floor_requests: int
    warm_mode: str


def run_size(
    server: ReplayServer, templates: list[bytes], n: int, args: argparse.Namespace, tmp: Path
) -> SizeResult:
    dois = add_synthetic_works(server, templates, n)
    claim_map = write_claim_map(tmp, n)
    cache_dir = Path(tempfile.mkdtemp(prefix=f"cache-{n}-", dir=tmp))
    env = child_env(Path(tempfile.mkdtemp(prefix=f"xdg-{n}-", dir=tmp)))
    argv = [
        *claimcheck_command(),
        "audit",
        str(claim_map),
        "--format",
        "json",
        "--crossref-url",
        server.url,
        "--mailto",
        MAILTO,
        "--quiet",
    ]
    if args.cache_dir_supported:
        argv += ["--cache-dir", str(cache_dir)]
    timeout = args.timeout if args.timeout else 120 + 0.5 * n
    time.sleep(SETTLE)
    note(f"N={n}: claimcheck cold ...")
    cold = audit("cold", server, argv, timeout, env)
    time.sleep(SETTLE)
    note(f"N={n}: claimcheck warm ...")
    warm = audit("warm", server, argv, timeout, env)
    if n <= args.skip_habanero_above:
        time.sleep(SETTLE)
        note(f"N={n}: habanero loop ...")
        hab = habanero_loop(server, dois)
    else:
        hab = HabaneroRun(None, None, True)
    floor, floor_requests = floor_seconds(n, cold.traffic.batch, args.latency, POLITE)
    mode = "cached" if args.cache_dir_supported else "uncached re-run (no --cache-dir)"
    return SizeResult(n, cold, warm, hab, floor, floor_requests, mode)


def extrapolate(results: list[SizeResult]) -> int | None:
    """Fill skipped habanero runs from the per-DOI time of the largest measured run."""
    measured = [r for r in results if r.habanero.per_doi is not None]
    if not measured or not any(r.habanero.extrapolated for r in results):
        return None
    basis = max(measured, key=lambda r: r.n)
    per_doi = basis.habanero.per_doi or 0.0
    for result in results:
        if result.habanero.extrapolated:
            result.habanero.wall = per_doi * result.n
            result.habanero.per_doi = per_doi
    return basis.n


# --- reporting -------------------------------------------------------------------------------


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def table(results: list[SizeResult]) -> str:
    head = [
        "N",
        "B",
        "requests",
        "warm requests",
        "429s",
        "cold s",
        "floor s",
        "cold/floor",
        "warm s",
        "warm CPU s",
        "habanero s",
        "speed-up vs habanero",
        "peak RSS MB",
        "unverified cold/warm",
        "exit cold/warm",
    ]
    rows = []
    for r in results:
        hab = r.habanero
        hab_text = fmt(hab.wall, 1) + (" (extrapolated)" if hab.extrapolated else "")
        if hab.wall is None:
            hab_text = "not run"
        speedup = hab.wall / r.cold.wall if hab.wall and r.cold.completed else None
        rows.append(
            [
                str(r.n),
                str(r.cold.traffic.batch),
                r.cold.traffic.describe(),
                r.warm.traffic.describe(),
                f"{r.cold.traffic.throttled}/{r.warm.traffic.throttled}",
                fmt(r.cold.wall),
                fmt(r.floor),
                fmt(r.cold.wall / r.floor),
                fmt(r.warm.wall),
                fmt(r.warm.cpu),
                hab_text,
                "n/a" if speedup is None else f"{speedup:.1f}×",
                fmt(max(r.cold.max_rss_mb, r.warm.max_rss_mb), 1),
                f"{r.cold.unverified}/{r.warm.unverified}",
                f"{r.cold.exit_code}/{r.warm.exit_code}",
            ]
        )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def notes(results: list[SizeResult], args: argparse.Namespace, basis: int | None) -> list[str]:
    out = [
        f"Server: 127.0.0.1, polite-pool limits enforced ({POLITE.polite_rate:g}/s singletons, "
        f"{POLITE.polite_list_rate:g}/s lists, {POLITE.polite_concurrency} in flight; burst = "
        f"one second's worth), latency {args.latency:g} s per admitted request.",
        "B: the most DOIs in one list request (1 = one request per DOI). requests: the cold "
        "run's requests by route (warm requests: the warm run's). 429s: cold/warm.",
        "floor s: ⌈N/B⌉ requests at the enforced rate of their route (lists 3/s, singletons "
        "10/s) + one latency.",
        "warm: " + results[0].warm_mode + "; warm CPU s = the child's user+sys time.",
        "peak RSS: the larger of the cold and warm child's own ru_maxrss (os.wait4).",
    ]
    if basis is not None and any(r.habanero.extrapolated for r in results):
        out.append(
            f"habanero s above N={args.skip_habanero_above} is extrapolated from the per-DOI "
            f"time at N={basis}, not measured."
        )
    elif any(r.habanero.wall is None for r in results):
        out.append(
            f"habanero was not run above N={args.skip_habanero_above}, and no smaller N was "
            "measured in this run to extrapolate from."
        )
    for r in results:
        hab = r.habanero
        if hab.traffic is not None and (hab.throttled or hab.errors):
            out.append(f"N={r.n}: habanero got {hab.throttled} 429s and {hab.errors} other errors.")
        for run in (r.cold, r.warm):
            if run.unverified:
                out.append(
                    f"N={r.n}: {run.label} run left {run.unverified} of {run.references} "
                    "references unverified."
                )
            if run.error:
                out.append(f"N={r.n}: {run.label} run did not complete: {run.error}")
            elif run.exit_code == 3:
                out.append(f"N={r.n}: {run.label} run exited 3 (incomplete); timed all the same.")
    return out


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


def time_help(env: dict[str, str], runs: int = 10) -> float:
    return statistics.median(
        run_child([*claimcheck_command(), "--help"], 30, env).wall for _ in range(runs)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--skip-habanero-above", type=int, default=1000)
    parser.add_argument(
        "--timeout",
        type=float,
        default=0.0,
        help="per child, seconds (default 120 + 0.5 s per DOI)",
    )
    parser.add_argument("--output", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    if any(n < 1 for n in args.sizes):
        parser.error("sizes must be positive")
    os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")  # for habanero, in-process

    with tempfile.TemporaryDirectory(prefix="claimcheck-bench-") as tmp_text:
        tmp = Path(tmp_text)
        env = child_env(tmp / "xdg-probe")
        args.cache_dir_supported = help_mentions_cache_dir(env)
        version = claimcheck_version(env)
        note("timing claimcheck --help (median of 10) ...")
        help_median = time_help(env)
        templates = work_templates()
        server = ReplayServer(
            *TEMPLATE_DIRS, latency=args.latency, enforce_limits=True, limits=POLITE
        )
        results = []
        with server:
            for n in sorted(set(args.sizes)):
                results.append(run_size(server, templates, n, args, tmp))
        if server.errors:
            note(f"replay server raised: {server.errors!r}")
    basis = extrapolate(results)

    print(
        f"claimcheck {version or '?'}: `claimcheck --help` median of 10: "
        f"{help_median * 1000:.0f} ms\n"
    )
    print(table(results))
    print()
    for line in notes(results, args, basis):
        print(f"- {line}")

    document = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "python": sys.version.split()[0],
        "claimcheck": version,
        "config": {
            "sizes": sorted(set(args.sizes)),
            "latency_s": args.latency,
            "limits": asdict(POLITE),
            "skip_habanero_above": args.skip_habanero_above,
            "cache_dir_supported": args.cache_dir_supported,
            "habanero_extrapolated_from_n": basis,
        },
        "help_median_s": help_median,
        "runs": [asdict(r) for r in results],
        "table_markdown": table(results),
    }
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    note(f"wrote {args.output}")


if __name__ == "__main__":
    main()
