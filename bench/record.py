"""What `--record` costs: a warm audit of N references, every answer from the cache, timed
with and without `--record`.

Run from anywhere, in the project's venv:

    python bench/record.py [--sizes 1000 10000] [--repeat 3]

For each N, bench/run.py's replay server on 127.0.0.1 serves N synthetic works, and one audit
with `--mailto` fills a fresh cache from it. Then the same audit runs again, warm (it sends
no request), alternately without and with `--record` into a new folder, `--repeat` times
each. Every child runs under `/usr/bin/time -v`, which gives its own CPU time and peak RSS.
Prints one Markdown table of medians, and checks that each recording indexed every answer.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: run.py is found through the path entry above.
from run import (
    LIMITS,
    MAILTO,
    RATE_HEADERS,
    TEMPLATE_DIRS,
    Child,
    add_synthetic_works,
    child_env,
    claimcheck_command,
    compile_bytecode,
    run_child,
    work_templates,
    write_claim_map,
)

from claimcheck.testing import ReplayServer

TIMEOUT = 1800.0  # seconds for one child: far above any run measured here


def audit_argv(claim_map: Path, url: str, cache: Path, record: Path | None) -> list[str]:
    argv = [*claimcheck_command(), "audit", str(claim_map), "--format", "json", "--quiet"]
    argv += ["--crossref-url", url, "--mailto", MAILTO, "--cache-dir", str(cache)]
    return argv + (["--record", str(record)] if record is not None else [])


def completed(child: Child, what: str) -> Child:
    if child.exit_code not in (0, 1):  # the gate may fail; every lookup must have answered
        sys.exit(f"{what}: exit {child.exit_code}\n{child.stderr.decode(errors='replace')}")
    return child


def indexed(folder: Path) -> int:
    return len(json.loads((folder / "index.json").read_bytes())["responses"])


def measure_size(n: int, repeat: int, work: Path) -> list[str]:
    """One table row: the medians of `repeat` warm runs without and with --record."""
    server = ReplayServer(
        *TEMPLATE_DIRS, latency=0.0, rate_headers=RATE_HEADERS, enforce_limits=True, limits=LIMITS
    )
    with server:
        add_synthetic_works(server, work_templates(), n)
        claim_map = write_claim_map(work, n)
        cache, env = work / f"cache-{n}", child_env(work / "home")
        completed(run_child(audit_argv(claim_map, server.url, cache, None), TIMEOUT, env), "cold")
        asked = len(server.requests)
        plain: list[Child] = []
        recorded: list[Child] = []
        entries = set()
        for i in range(repeat):
            note = f"N={n}: warm, plain and with --record ({i + 1} of {repeat}) ..."
            print(note, file=sys.stderr)
            argv = audit_argv(claim_map, server.url, cache, None)
            plain.append(completed(run_child(argv, TIMEOUT, env), "warm"))
            folder = work / f"evidence-{n}-{i}"
            argv = audit_argv(claim_map, server.url, cache, folder)
            recorded.append(completed(run_child(argv, TIMEOUT, env), "warm --record"))
            entries.add(indexed(folder))
            shutil.rmtree(folder)
        if len(server.requests) != asked:
            sys.exit(f"N={n}: a warm run sent {len(server.requests) - asked} requests")
    return row(n, plain, recorded, entries)


def median(values: list[float | None]) -> float:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else float("nan")


def row(n: int, plain: list[Child], recorded: list[Child], entries: set[int]) -> list[str]:
    cells = [str(n)]
    for runs in (plain, recorded):
        cells += [
            f"{median([c.wall for c in runs]):.2f}",
            f"{median([c.cpu for c in runs]):.2f}",
            f"{median([c.max_rss_mb for c in runs]):.0f}",
        ]
    ratio = median([c.wall for c in recorded]) / median([c.wall for c in plain])
    return [*cells, f"{ratio:.1f}×", ", ".join(str(e) for e in sorted(entries))]


HEAD = [
    "N",
    "plain wall s",
    "plain CPU s",
    "plain RSS MB",
    "--record wall s",
    "--record CPU s",
    "--record RSS MB",
    "wall ratio",
    "indexed",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs of each kind per N")
    args = parser.parse_args()
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="claimcheck-bench-record-") as tmp:
        rows = [measure_size(n, args.repeat, Path(tmp)) for n in args.sizes]
    print("| " + " | ".join(HEAD) + " |")
    print("|" + "---|" * len(HEAD))
    for cells in rows:
        print("| " + " | ".join(cells) + " |")
    print(
        f"\nMedians of {args.repeat} warm runs of each kind, alternating; CPU (user + sys) and "
        "peak RSS are each child's own, from `/usr/bin/time -v`. indexed: entries in each "
        "recording's index.json (a work and, for a DOI not found, its agency answer)."
    )


if __name__ == "__main__":
    main()
