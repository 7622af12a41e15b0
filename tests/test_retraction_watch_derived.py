"""The derived Retraction Watch test CSV: what the script makes, its sidecar, its DOIs."""

from __future__ import annotations

import csv
import hashlib
import json
import runpy

from tests.test_retraction_watch import DERIVED, ROOT

SCRIPT = ROOT / "scripts" / "build_retraction_watch_csv.py"


# ---- the derived test data ------------------------------------------------------------


def test_the_derived_csv_is_what_the_script_makes() -> None:
    made = runpy.run_path(str(SCRIPT), run_name="build_retraction_watch_csv")["render"]()
    assert set(made) == {"derived.csv", "derived.csv.provenance.json"}
    for name, data in made.items():
        assert (DERIVED.parent / name).read_bytes() == data, f"{name}: run {SCRIPT.name}"


def test_the_sidecar_labels_and_hashes_its_sources() -> None:
    sidecar = json.loads(DERIVED.with_name("derived.csv.provenance.json").read_text("utf-8"))
    assert "DERIVED" in sidecar["status"]
    assert "NOT a copy" in sidecar["status"]
    assert sidecar["sha256"] == hashlib.sha256(DERIVED.read_bytes()).hexdigest()
    for source in sidecar["sources"]:
        assert hashlib.sha256((ROOT / source["file"]).read_bytes()).hexdigest() == source["sha256"]
    with DERIVED.open(encoding="utf-8", newline="") as stream:
        ids = [row["Record ID"] for row in csv.DictReader(stream)]
    derived = [row["Record ID"] for row in sidecar["derived_rows"]]
    synthetic = [row["Record ID"] for row in sidecar["synthetic_rows"]["rows"]]
    assert ids == derived + synthetic


def test_synthetic_dois_are_in_no_recorded_response() -> None:
    recorded = b"".join(
        path.read_bytes().lower() for path in (ROOT / "tests/data/crossref/recorded").iterdir()
    )
    assert b"10.5555/claimcheck.rw" not in recorded
