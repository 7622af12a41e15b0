"""Build claims/stem-cell-safety.evidence/ from the reconstructed Crossref records.

Run from the project root:  python scripts/build_seed_evidence.py
Bodies are copied byte for byte, each with its provenance sidecar. The index marks every
entry `"origin": "reconstructed"` with no fetch time: these records were never recorded.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from claimcheck.sources.crossref.client import works_path  # noqa: E402
from claimcheck.transport.evidence import INDEX_NAME, body_filename, render_index, write_atomic  # noqa: E402

SOURCE = ROOT / "tests" / "data" / "crossref" / "reconstructed"
TARGET = ROOT / "claims" / "stem-cell-safety.evidence"


def main() -> None:
    entries = []
    for body_path in sorted(SOURCE.glob("*.json")):
        if body_path.name.endswith(".provenance.json"):
            continue
        body = body_path.read_bytes()
        doi = json.loads(body)["message"]["DOI"].lower()
        request = works_path(doi)
        name = body_filename(request, 200, "application/json")
        write_atomic(TARGET / name, body)
        provenance = body_path.with_name(body_path.stem + ".provenance.json")
        provenance_name = name.removesuffix(".json") + ".provenance.json"
        shutil.copyfile(provenance, TARGET / provenance_name)
        entries.append(
            {
                "request": request,
                "url": "https://api.crossref.org" + request,
                "status": 200,
                "content_type": "application/json",
                "file": name,
                "sha256": hashlib.sha256(body).hexdigest(),
                "fetched_at": None,
                "origin": "reconstructed",
                "provenance": provenance_name,
            }
        )
    write_atomic(TARGET / INDEX_NAME, render_index(entries))
    print(f"wrote {len(entries)} reconstructed responses to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
