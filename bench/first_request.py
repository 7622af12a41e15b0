"""How much CPU claimcheck uses before its first request, beside what the libraries it sends
that request with need on their own, measured in the same runs.

Run from the project root, in the project's venv:

    python bench/first_request.py [--runs 15] [--size 1000]

Issue 10's target is "first request within 0.3 s of CPU at N = 1,000". On a slow machine the
HTTP client alone can use most of that before any request of its own leaves, so a figure for
claimcheck means little without its floor beside it. Each run, taking turns so that a slow
minute hits every command alike:

- `python -c pass`: the interpreter's own start (its whole CPU time);
- httpx2 alone: `import httpx2`, make a client (no certificates: the server is plain http,
  as claimcheck's own client does for such a URL) and send one request to the server;
- the libraries: the same after importing typer, PyYAML and sqlite3 too, which claimcheck
  needs before its first request (the command line, the scan of the map's DOIs, the cache);
- the least work any audit must do before its first request, with none of claimcheck's
  code (bench/least_work.py): read MAP's DOIs, look them up in an empty SQLite cache, send one
  list query; once without the CLI framework and once with typer imported first;
- `claimcheck audit MAP --mailto ...` with an empty cache of its own, MAP citing `--size`
  synthetic works (bench/run.py's map and data).

For those that send a request, the figure is the process's own CPU time (user + sys,
every thread, read from /proc in clock ticks, 10 ms each) at the moment the server saw its
first request; the process is then killed. Medians and ranges over `--runs` runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # bench/run.py: the server, its data and the claim map

from claimcheck.testing import ReplayServer

# A single lookup of a synthetic work the server holds. The server is plain http, so no
# certificates are loaded (verify=False), as claimcheck's own client does for an http:// URL
# (transport/fetch.py): loading them is 40–60 ms of CPU here that claimcheck never spends
# against this server, and a floor that counted them would flatter claimcheck.
ONE_REQUEST = "httpx2.Client(verify=False).get(sys.argv[1] + '/works/10.5555/bench.1')"
FLOORS = {
    "httpx2 alone, one request": f"import sys, httpx2; {ONE_REQUEST}",
    "typer, PyYAML, sqlite3 and httpx2, one request": (
        f"import sys, typer, yaml, sqlite3, httpx2; {ONE_REQUEST}"
    ),
}
# The work no audit can skip before its first request, with none of claimcheck's code:
# bench/least_work.py reads the map's DOIs, looks them up in an SQLite table and sends one list
# query. Without the CLI framework, and with it imported first, as a command line built on it
# must before it knows which map to read.
LEAST_WORK_SCRIPT = Path(__file__).resolve().with_name("least_work.py")
LEAST_WORK = {
    "PyYAML, sqlite3 and httpx2 doing the least work, one list query": [],
    "the same with typer imported first": ["--with-typer"],
}
POLL_SECONDS = 0.0005
GIVE_UP_SECONDS = 30.0


def cpu_seconds(pid: int) -> float | None:
    """User + sys time of every thread of `pid` so far (stat(5), fields 14 and 15)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def cpu_at_first_request(
    argv: list[str], env: dict[str, str], arrived: Callable[[], bool]
) -> float | None:
    """Start `argv`, wait until the server has seen a request from it, read its CPU time,
    and kill it. None if it ended (or gave up) without sending one."""
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=run.ROOT,
    )
    cpu = None
    try:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while proc.poll() is None and time.monotonic() < deadline:
            if arrived():
                cpu = cpu_seconds(proc.pid)
                break
            time.sleep(POLL_SECONDS)
    finally:
        proc.kill()
        proc.wait()
    return cpu


def whole_cpu(argv: list[str], env: dict[str, str]) -> float:
    """The CPU time of a process run to its end (os.wait4's rusage of that child alone)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_utime + usage.ru_stime


def more_than(server: ReplayServer, seen: int) -> Callable[[], bool]:
    """True once the server has logged more than `seen` requests."""
    return lambda: len(server.requests) > seen


def measure(args: argparse.Namespace, tmp: Path) -> dict[str, list[float]]:
    env = run.child_env(tmp / "xdg")
    server = ReplayServer(
        *run.TEMPLATE_DIRS, rate_headers=run.RATE_HEADERS, enforce_limits=True, limits=run.LIMITS
    )
    found: dict[str, list[float]] = {"python -c pass": []}
    found.update({name: [] for name in [*FLOORS, *LEAST_WORK]})
    audit_label = f"claimcheck audit, N = {args.size}, --mailto"
    found[audit_label] = []
    with server:
        run.add_synthetic_works(server, run.work_templates(), args.size)
        claim_map = run.write_claim_map(tmp, args.size)
        for turn in range(1, args.runs + 1):
            print(f"run {turn} of {args.runs} ...", file=sys.stderr, flush=True)
            found["python -c pass"].append(whole_cpu([sys.executable, "-c", "pass"], env))
            commands = {
                name: [sys.executable, "-c", code, server.url] for name, code in FLOORS.items()
            }
            for name, extra in LEAST_WORK.items():
                work_cache = tempfile.mkdtemp(prefix="least-work-", dir=tmp)
                commands[name] = [
                    sys.executable, str(LEAST_WORK_SCRIPT), server.url, str(claim_map),
                    work_cache, *extra,
                ]  # fmt: skip
            cache = Path(tempfile.mkdtemp(prefix="cache-", dir=tmp))
            commands[audit_label] = run.audit_argv(claim_map, server.url, "polite", cache)
            for name, argv in commands.items():
                # Full token buckets for every command: a 429 would still be a first request,
                # but the same state each time keeps the runs alike.
                time.sleep(run.SETTLE)
                cpu = cpu_at_first_request(argv, env, more_than(server, len(server.requests)))
                if cpu is not None:
                    found[name].append(cpu)
        if server.errors:
            print(f"replay server raised: {server.errors!r}", file=sys.stderr)
    return found


def report(found: dict[str, list[float]], runs: int) -> list[str]:
    lines = [
        "| command | CPU at its first request, median | range | runs |",
        "|---|---|---|---|",
    ]
    for name, values in found.items():
        what = name if values else f"{name} (no request seen)"
        if not values:
            lines.append(f"| {what} | n/a | n/a | 0 of {runs} |")
            continue
        median = statistics.median(values) * 1000
        low, high = min(values) * 1000, max(values) * 1000
        lines.append(f"| {what} | {median:.0f} ms | {low:.0f}–{high:.0f} ms | {len(values)} |")
    lines.append("")
    lines.append(
        "`python -c pass` is its whole run. The others: CPU time (user + sys, all threads, "
        "10 ms ticks) when the server saw the process's first request."
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="turns of every command")
    parser.add_argument("--size", type=int, default=1000, help="references in the claim map")
    args = parser.parse_args()
    print(f"bytecode compiled for {run.compile_bytecode()}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="claimcheck-first-request-") as tmp:
        found = measure(args, Path(tmp))
    print("\n".join(report(found, args.runs)))


if __name__ == "__main__":
    main()
