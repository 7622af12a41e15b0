"""Measure claimcheck against hostile loopback servers: peak memory, wall time and outcome.

Run from the project root:  python bench/hostile.py
For each behaviour of `claimcheck.testing.hostile.HostileServer` (a 10 GiB gzip bomb, an
endless chunked body, a 1 GiB body, a body dribbling one byte every 0.2 s, a stalled read,
headers dribbling one byte every 0.2 s, `103 Early Hints` responses without end),
one audit of a one-reference claim map runs as its own process under `/usr/bin/time -v`,
which reports that process's own peak RSS (not the benchmark's). Then Ctrl-C is sent to an
audit stuck on the dribbling server, and the time to exit is measured.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from claimcheck.testing.hostile import GIB, HostileServer

CASES = [
    ("gzip-bomb", 10 * GIB),
    ("endless-chunked", 10 * GIB),
    ("huge-body", GIB),
    ("dribble", GIB),
    ("stall", 100),
    ("header-drip", GIB),
    ("info-flood", GIB),
]
MAP = "claimcheck: 1\nreferences: {R1: {doi: 10.5555/bench}}\nclaims: []\n"


def audit(url: str, claim_map: Path, cache: Path) -> tuple[float, float, str, int]:
    """(peak RSS MiB, seconds, the unverified cause, exit code) of one audit process."""
    exe = shutil.which("claimcheck") or sys.exit("claimcheck is not installed (pip install -e .)")
    command = [
        "/usr/bin/time",
        "-v",
        exe,
        "audit",
        str(claim_map),
        "-f",
        "json",
        "-q",
        "--crossref-url",
        url,
        "--timeout",
        "5",
        "--retries",
        "0",
        "--cache-dir",
        str(cache),
    ]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    findings = json.loads(run.stdout)["findings"]
    cause = next((f["evidence"]["cause"] for f in findings if f["code"] == "unverified"), "")
    return (int(peak.group(1)) / 1024 if peak else float("nan")), seconds, cause, run.returncode


def ctrl_c_seconds(claim_map: Path, cache: Path) -> tuple[float, int]:
    exe = shutil.which("claimcheck") or sys.exit("claimcheck is not installed")
    # A background job (`cmd &`) starts with SIGINT ignored, which exec passes on; a handler
    # set here is reset to the default instead, so the child hears the Ctrl-C sent below.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    with HostileServer("dribble", size=GIB, interval=1.0) as server:
        process = subprocess.Popen(
            [
                exe,
                "audit",
                str(claim_map),
                "--crossref-url",
                server.url,
                "--timeout",
                "3600",
                "--cache-dir",
                str(cache),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        signal.signal(signal.SIGINT, previous)
        while server.requests == 0:
            time.sleep(0.05)
        time.sleep(0.5)
        start = time.perf_counter()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        return time.perf_counter() - start, code


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        claim_map = Path(scratch) / "map.yaml"
        claim_map.write_text(MAP)
        print("| server | peak RSS | wall | exit | cause |")
        print("|---|---|---|---|---|")
        for behaviour, size in CASES:
            with HostileServer(behaviour, size=size, interval=0.2) as server:
                peak, seconds, cause, code = audit(server.url, claim_map, Path(scratch) / "c")
                sent = server.bytes_sent
            print(
                f"| {behaviour} ({sent / 2**20:.1f} MiB sent) | {peak:.0f} MiB "
                f"| {seconds:.1f} s | {code} | {cause} |"
            )
        seconds, code = ctrl_c_seconds(claim_map, Path(scratch) / "c")
        print(f"\nCtrl-C on a run stuck on a dribbling server: exit {code} after {seconds:.3f} s")


if __name__ == "__main__":
    main()
