"""Measure `claimcheck --help` start-up and a full replayed audit of the seed article.

Run from the project root:  python bench/startup.py [--runs N]
Prints the median and best wall time of each, over N runs (default 10), each a fresh process.
The rate-limited online benchmark against the replay server is issue 4's bench/ work.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = [
    "audit",
    "claims/stem-cell-safety.yaml",
    "--replay",
    "claims/stem-cell-safety.evidence",
    "--format",
    "json",
]


def timed(args: list[str], runs: int) -> list[float]:
    exe = shutil.which("claimcheck") or sys.exit("claimcheck is not installed (pip install -e .)")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([exe, *args], cwd=ROOT, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    # As `pip install` does: without it, PYTHONDONTWRITEBYTECODE makes every run compile
    # claimcheck's modules from source again.
    compileall.compile_dir(ROOT / "src" / "claimcheck", quiet=1)
    for label, args in (("claimcheck --help", ["--help"]), ("seed audit, replayed", SEED)):
        times = timed(args, runs)
        print(
            f"{label:24s} median {statistics.median(times) * 1000:7.1f} ms   "
            f"best {min(times) * 1000:7.1f} ms   ({runs} runs)"
        )


if __name__ == "__main__":
    main()
