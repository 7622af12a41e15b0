"""Time the Retraction Watch CSV index: build, reopen, and lookups per 1,000 DOIs.

Run from the project root:  python bench/retraction_watch.py [--rows N] [--keep DIR]

It writes a synthetic CSV with the real header (default 65,000 rows, about the size of the
database Crossref publishes; seeded, so every run writes the same bytes), then measures with
time.perf_counter: building the SQLite index, opening it again (hashing the CSV, checking
the index), and `by_original` with 1,000 DOIs of which half are in the file. It prints a
Markdown table. Every DOI is made up, under the 10.5555 test prefix. `--keep DIR` writes
the CSV and the index into DIR and leaves them there; otherwise a temporary directory is
removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimcheck.sources.retraction_watch import RetractionWatchIndex  # noqa: E402
from claimcheck.sources.retraction_watch.rows import HEADER  # noqa: E402

SEED = 20240914
LOOKUPS = 1_000
LOOKUP_REPEATS = 5
VOCABULARY = (
    "cell stem therapy tumour growth factor signalling pathway regulation mouse model human "
    "patients cohort trial randomised outcome analysis protein expression receptor kinase "
    "inhibitor response immune neural network learning optimisation thin film optical "
    "properties synthesis characterisation nanoparticles catalytic activity surface"
)
WORDS = VOCABULARY.split()
NATURES = (
    ("Retraction", 80),
    ("Correction", 8),
    ("Expression of concern", 10),
    ("Reinstatement", 2),
)
REASONS = (
    "Concerns/Issues About Data",
    "Duplication of Image",
    "Investigation by Journal/Publisher",
    "Paper Mill",
    "Fake Peer Review",
    "Plagiarism of Article",
    "Error in Analyses",
    "Lack of Approval from Author",
    "Notice - Limited or No Information",
)
SUBJECTS = ("(BLS) Biology - Cellular", "(HSC) Medicine - Oncology", "(PHY) Physics - Optics")


def words(rng: random.Random, length: int) -> str:
    text = ""
    while len(text) < length:
        text += rng.choice(WORDS) + " "
    return text.strip().capitalize()


def date(rng: random.Random, first_year: int) -> str:
    return f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(first_year, 2024)} 0:00"


def row(rng: random.Random, index: int) -> list[str]:
    """One row of the 20 columns, with field lengths like the real file's."""
    nature = rng.choices([n for n, _ in NATURES], [w for _, w in NATURES])[0]
    original = f"10.5555/bench.rw.{index}"
    if rng.random() < 0.01:  # a few notices cover two papers
        original += f";10.5555/bench.rw.extra.{index}"
    notice = "unavailable" if rng.random() < 0.1 else f"10.5555/bench.notice.{index}"
    authors = ";".join(f"{words(rng, 6)} {words(rng, 8)}" for _ in range(rng.randint(2, 10)))
    institutions = "".join(
        f"Department of {words(rng, 25)}, University of {words(rng, 15)}, City, Country;"
        for _ in range(rng.randint(1, 3))
    )
    reasons = "".join(f"+{reason};" for reason in rng.sample(REASONS, rng.randint(1, 4)))
    return [
        str(index),
        words(rng, 100),
        ";".join(rng.sample(SUBJECTS, rng.randint(1, 2))) + ";",
        institutions,
        f"Journal of {words(rng, 25)}",
        words(rng, 20),
        "Country;",
        authors,
        f"https://example.org/{words(rng, 30).replace(' ', '-')}/{index};",
        "Research Article;",
        date(rng, 2010),
        notice,
        str(rng.randint(10_000_000, 39_999_999)),
        date(rng, 1990),
        original,
        str(rng.randint(10_000_000, 39_999_999)),
        nature,
        reasons,
        rng.choice(("No", "Yes")),
        words(rng, 120) if rng.random() < 0.3 else "",
    ]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER.split(","))
        for index in range(1, rows + 1):
            writer.writerow(row(rng, index))


def measure(directory: Path, rows: int) -> dict[str, float]:
    csv_path = directory / "retraction_watch.csv"
    index_dir = directory / "index"
    write_csv(csv_path, rows)
    start = time.perf_counter()
    with RetractionWatchIndex(csv_path, index_dir) as index:
        build = time.perf_counter() - start
        if not index.built or index.rows != rows:
            sys.exit(
                f"expected a fresh index of {rows} rows, got {index.rows} (built={index.built})"
            )
    start = time.perf_counter()
    with RetractionWatchIndex(csv_path, index_dir) as index:
        reopen = time.perf_counter() - start
        if index.built:
            sys.exit("the second open rebuilt the index instead of reusing it")
        rng = random.Random(SEED)
        present = [f"10.5555/bench.rw.{i}" for i in rng.sample(range(1, rows + 1), LOOKUPS // 2)]
        absent = [f"10.5555/bench.absent.{i}" for i in range(LOOKUPS // 2)]
        asked = present + absent
        times = []
        for _ in range(LOOKUP_REPEATS):
            start = time.perf_counter()
            found = index.by_original(asked)
            times.append(time.perf_counter() - start)
        if len(found) != len(present):
            sys.exit(f"found {len(found)} of the {len(present)} DOIs in the file")
    return {
        "size": csv_path.stat().st_size / 1e6,
        "build": build,
        "reopen": reopen,
        "lookup_first": times[0],
        "lookup_median": statistics.median(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=65_000, help="rows in the CSV (65,000)")
    parser.add_argument("--keep", type=Path, help="write the CSV and index here and keep them")
    arguments = parser.parse_args()
    if arguments.keep is not None:
        arguments.keep.mkdir(parents=True, exist_ok=True)
        result = measure(arguments.keep, arguments.rows)
    else:
        with tempfile.TemporaryDirectory() as directory:
            result = measure(Path(directory), arguments.rows)
    print(f"Retraction Watch CSV index, {arguments.rows:,} rows ({result['size']:.1f} MB)\n")
    print("| step | time |")
    print("|---|---:|")
    print(f"| build the index | {result['build']:.2f} s |")
    print(f"| reopen (hash the CSV, check the index) | {result['reopen'] * 1000:.0f} ms |")
    first = result["lookup_first"] * 1000
    print(f"| by_original, 1,000 DOIs (half present), first | {first:.1f} ms |")
    print(
        f"| by_original, 1,000 DOIs, median of {LOOKUP_REPEATS} "
        f"| {result['lookup_median'] * 1000:.1f} ms |"
    )


if __name__ == "__main__":
    main()
