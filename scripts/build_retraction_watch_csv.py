"""Build tests/data/retraction_watch/derived.csv and its provenance sidecar.

Run from the project root:  python scripts/build_retraction_watch_csv.py

The rows are DERIVED, not copied: the Retraction Watch CSV itself is not in this project.
Crossref serves each Retraction Watch record inside a work's `updated-by` (on the paper) or
`update-to` (on the notice) as an entry with `"source": "retraction-watch"`, its
`record-id`, the other side's `DOI`, a `type` and an `updated` date. One row is rebuilt per
record-id found in tests/data/crossref/recorded, in the CSV's real header; columns the
entries do not carry are left blank. Then a few SYNTHETIC rows (made-up 10.5555 DOIs) cover
what the recorded data does not: a reinstatement, an "unavailable" notice DOI, a
`;`-separated list of papers, a paper known only to the CSV. The output is deterministic,
and tests/test_retraction_watch_derived.py checks that the committed files equal what this makes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimcheck.sources.retraction_watch.rows import HEADER  # noqa: E402

RECORDED = ROOT / "tests" / "data" / "crossref" / "recorded"
TARGET = ROOT / "tests" / "data" / "retraction_watch"
CSV_NAME = "derived.csv"
NATURES = {
    "retraction": "Retraction",
    "correction": "Correction",
    "expression_of_concern": "Expression of concern",
    "reinstatement": "Reinstatement",
}
DERIVED_COLUMNS = (
    "Record ID",
    "Title",
    "Journal",
    "RetractionDate",
    "RetractionDOI",
    "OriginalPaperDOI",
    "RetractionNature",
)
SYNTHETIC_TITLE = "Synthetic test record for claimcheck, not a real article"
SYNTHETIC_JOURNAL = "Synthetic Journal of Test Records"
# Record IDs far above any in the recorded data, and DOIs under the 10.5555 test prefix, so
# that no synthetic row can be mistaken for, or collide with, a real record.
SYNTHETIC: tuple[dict[str, str], ...] = (
    {
        "Record ID": "9000001",
        "RetractionDate": "6/1/2020 0:00",
        "RetractionDOI": "10.5555/claimcheck.rw.reinstated-retraction-notice",
        "OriginalPaperDate": "2/1/2019 0:00",
        "OriginalPaperDOI": "10.5555/claimcheck.rw.reinstated",
        "RetractionNature": "Retraction",
        "Reason": "+Investigation by Journal/Publisher;",
        "covers": "the retraction that the reinstatement 9000002 undoes (two records, one paper)",
    },
    {
        "Record ID": "9000002",
        "RetractionDate": "3/15/2021 0:00",
        "RetractionDOI": "10.5555/claimcheck.rw.reinstatement-notice",
        "OriginalPaperDate": "2/1/2019 0:00",
        "OriginalPaperDOI": "10.5555/claimcheck.rw.reinstated",
        "RetractionNature": "Reinstatement",
        "Reason": "+Notice - Limited or No Information;",
        "covers": "a Reinstatement",
    },
    {
        "Record ID": "9000003",
        "RetractionDate": "11/30/2022 0:00",
        "RetractionDOI": "unavailable",
        "OriginalPaperDOI": "10.5555/claimcheck.rw.notice-unavailable",
        "RetractionNature": "Retraction",
        "Reason": "+Plagiarism of Article;+Duplication of Text;",
        "covers": 'a Retraction whose RetractionDOI is "unavailable"',
    },
    {
        "Record ID": "9000004",
        "RetractionDate": "7/4/2019 0:00",
        "RetractionDOI": "10.5555/claimcheck.rw.list-notice",
        "OriginalPaperDOI": "10.5555/claimcheck.rw.list-a;10.5555/claimcheck.rw.list-b",
        "RetractionNature": "Retraction",
        "Reason": "+Fake Peer Review;+Paper Mill;",
        "covers": "one notice for two papers: a ';'-separated OriginalPaperDOI list",
    },
    {
        "Record ID": "9000005",
        "RetractionDate": "1/9/2023 0:00",
        "RetractionDOI": "10.5555/claimcheck.rw.correction-notice",
        "OriginalPaperDOI": "10.5555/claimcheck.rw.corrected",
        "RetractionNature": "Correction",
        "Reason": "+Error in Figures;",
        "covers": "a Correction",
    },
    {
        "Record ID": "9000006",
        "RetractionDate": "9/12/2024 0:00",
        "RetractionDOI": "10.5555/claimcheck.rw.concern-notice",
        "OriginalPaperDOI": "10.5555/claimcheck.rw.concern",
        "RetractionNature": "Expression of concern",
        "Reason": "+Concerns/Issues About Data;+Investigation by Journal/Publisher;",
        "covers": "an Expression of concern",
    },
    {
        "Record ID": "9000007",
        "RetractionDate": "5/20/2024 0:00",
        "RetractionDOI": "10.5555/claimcheck.rw.csv-only-notice",
        "OriginalPaperDate": "8/8/2016 0:00",
        "OriginalPaperDOI": "10.5555/claimcheck.rw.csv-only",
        "RetractionNature": "Retraction",
        "Reason": "+Fabrication of Data;+Paper Mill;",
        "covers": "a retraction known only to the CSV: its DOIs are in no recorded response",
    },
)


@dataclass
class Derived:
    """One Retraction Watch record as rebuilt from the entries that carry its record-id."""

    fields: dict[str, str]
    seen_in: list[dict[str, str]] = field(default_factory=list)
    described_by: str | None = None  # the recorded paper whose title and journal are used


def recorded_works() -> list[tuple[Path, dict[str, Any]]]:
    works = []
    for path in sorted(RECORDED.glob("*.json")):
        if path.name.endswith(".meta.json"):
            continue
        message = json.loads(path.read_text(encoding="utf-8")).get("message")
        if isinstance(message, dict):
            items = message.get("items", [message])
            works += [(path, work) for work in items if isinstance(work, dict)]
    return works


def entry_fields(work: dict[str, Any], relation: str, entry: dict[str, Any]) -> dict[str, str]:
    # On the paper, `updated-by` names the notice; on the notice, `update-to` names the paper.
    paper, notice = (work["DOI"], entry["DOI"])
    if relation == "update-to":
        paper, notice = notice, paper
    year, month, day = entry["updated"]["date-parts"][0]
    return {
        "Record ID": entry["record-id"],
        "RetractionDate": f"{month}/{day}/{year} 0:00",
        "RetractionDOI": notice.lower(),
        "OriginalPaperDOI": paper.lower(),
        "RetractionNature": NATURES[entry["type"]],
    }


def collect() -> tuple[dict[str, Derived], list[Path]]:
    records: dict[str, Derived] = {}
    sources: set[Path] = set()
    for path, work in recorded_works():
        for relation in ("updated-by", "update-to"):
            for entry in work.get(relation) or []:
                if entry.get("source") != "retraction-watch":
                    continue
                fields = entry_fields(work, relation, entry)
                record = records.setdefault(fields["Record ID"], Derived(dict(fields)))
                if {key: record.fields[key] for key in fields} != fields:
                    sys.exit(f"{path.name}: record-id {fields['Record ID']} disagrees with itself")
                sources.add(path)
                relative = path.relative_to(ROOT).as_posix()
                record.seen_in.append({"file": relative, "in": relation, "work": work["DOI"]})
                if relation == "updated-by" and record.described_by is None:
                    # Title and Journal describe the paper: only a recorded paper gives them.
                    record.fields["Title"] = " ".join(work.get("title") or [])
                    record.fields["Journal"] = " ".join(work.get("container-title") or [])
                    record.described_by = relative
    return records, sorted(sources)


def render_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = HEADER.split(",")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode("utf-8")


def synthetic_rows() -> list[dict[str, str]]:
    rows = []
    for spec in SYNTHETIC:
        row = {key: value for key, value in spec.items() if key != "covers"}
        rows.append({"Title": SYNTHETIC_TITLE, "Journal": SYNTHETIC_JOURNAL, **row})
    return rows


def provenance(
    records: dict[str, Derived], sources: list[Path], csv_bytes: bytes
) -> dict[str, Any]:
    blank = [c for c in HEADER.split(",") if c not in DERIVED_COLUMNS]
    return {
        "file": CSV_NAME,
        "status": "DERIVED (plus labelled SYNTHETIC rows); NOT a copy of the Retraction Watch CSV",
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "generator": "scripts/build_retraction_watch_csv.py",
        "what": (
            "The Retraction Watch CSV's header, with one row per Retraction Watch record-id "
            "that Crossref serves inside the recorded responses' updated-by / update-to "
            '(entries with "source": "retraction-watch"), then synthetic rows. Real rows of '
            "the database hold more, and may word titles differently."
        ),
        "sources": [
            {
                "file": p.relative_to(ROOT).as_posix(),
                "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            }
            for p in sources
        ],
        "derived_fields": {
            "Record ID": "the entry's record-id",
            "OriginalPaperDOI": "updated-by: the recorded work's DOI; update-to: the entry's DOI",
            "RetractionDOI": "updated-by: the entry's DOI; update-to: the recorded work's DOI",
            "RetractionNature": "the entry's type: "
            + ", ".join(f"{k} -> {v}" for k, v in NATURES.items()),
            "RetractionDate": "the entry's updated.date-parts, written M/D/YYYY 0:00",
            "Title": (
                "the recorded paper's title as Crossref served it, publisher markers such as "
                "'RETRACTED: ' included; blank when only the notice was recorded"
            ),
            "Journal": "the recorded paper's container-title; blank when only the notice was",
        },
        "blank_fields": blank,
        "derived_rows": [
            {"Record ID": key, "title_and_journal_from": r.described_by, "seen_in": r.seen_in}
            for key, r in records.items()
        ],
        "synthetic_rows": {
            "note": (
                "Invented for tests, every column: DOIs under the 10.5555 test prefix (never "
                "registered), Record IDs from 9000001 (far above any record-id in the recorded "
                f"data), Title and Journal '{SYNTHETIC_TITLE}' / '{SYNTHETIC_JOURNAL}'."
            ),
            "rows": [
                {"Record ID": spec["Record ID"], "covers": spec["covers"]} for spec in SYNTHETIC
            ],
        },
    }


def render() -> dict[str, bytes]:
    """The two files, by name, as this script writes them."""
    records, sources = collect()
    ordered = dict(sorted(records.items(), key=lambda item: int(item[0])))
    csv_bytes = render_csv([r.fields for r in ordered.values()] + synthetic_rows())
    sidecar = provenance(ordered, sources, csv_bytes)
    text = json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n"
    return {CSV_NAME: csv_bytes, CSV_NAME + ".provenance.json": text.encode("utf-8")}


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, data in render().items():
        (TARGET / name).write_bytes(data)
        print(f"wrote {(TARGET / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
