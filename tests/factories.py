"""Synthetic Crossref envelopes for tests: made up here, in Crossref's schema, never recorded.

Real recordings and the seed's reconstructions live in tests/data/crossref/; these exist only
for cases no stored record shows (a retracted original with an expression of concern, a
reinstatement, two sources that disagree).
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
import threading
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from claimcheck.audit import AuditOptions
from claimcheck.checks.pipeline import judge
from claimcheck.model.claimmap import ClaimMap
from claimcheck.model.record import Author, Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult, GatePolicy, Source

# The polite pool for CLI runs whose subject is not the pool: its list pace (3/s, against the
# public pool's 1/s) makes the seed's 17 metadata searches take about 6 s instead of 17.
POLITE = {"CLAIMCHECK_MAILTO": "tests@example.org"}

# A fixed day and source, so a judged result renders the same bytes on every run.
FIXED_OPTIONS = AuditOptions(
    GatePolicy(), date(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC), Source("x", "replay")
)


def judge_works(
    claim_maps: ClaimMap | Sequence[ClaimMap],
    *works: Work,
    options: AuditOptions = FIXED_OPTIONS,
) -> AuditResult:
    """Judge claim maps as if the registry had answered with exactly these works."""
    lookups = {w.doi: Lookup(w.doi, LookupStatus.FOUND, work=w) for w in works}
    return judge(claim_maps, lookups, {}, options)


def update(
    doi: str, kind: str, date: str = "2020-01-02", source: str | None = None
) -> dict[str, Any]:
    year, month, day = (int(p) for p in date.split("-"))
    entry: dict[str, Any] = {
        "DOI": doi,
        "type": kind,
        "label": kind.replace("_", " ").capitalize(),
        "updated": {"date-parts": [[year, month, day]]},
    }
    if source:
        entry["source"] = source
    return entry


def work_envelope(
    doi: str,
    title: str = "A study of things",
    authors: tuple[str, ...] = ("Smith",),
    year: int = 2015,
    journal: str = "Journal of Things",
    **extra: Any,
) -> bytes:
    message: dict[str, Any] = {
        "DOI": doi.lower(),
        "type": "journal-article",
        "title": [title],
        "author": [
            {"given": "A.", "family": name, "sequence": "first" if i == 0 else "additional"}
            for i, name in enumerate(authors)
        ],
        "container-title": [journal],
        "issued": {"date-parts": [[year]]},
    }
    for key, value in extra.items():
        message[key.replace("_", "-")] = value
    envelope = {
        "status": "ok",
        "message-type": "work",
        "message-version": "1.0.0",
        "message": message,
    }
    return json.dumps(envelope).encode()


def write_map(tmp_path: Path, body: str, name: str = "map.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def fresh_cache_dir(prefix: str = "cache-") -> str:
    """A new, empty cache folder under pytest's own temporary folder (conftest names it),
    so old runs' folders are removed with pytest's, never left behind in the system's."""
    return tempfile.mkdtemp(prefix=prefix, dir=os.environ["CLAIMCHECK_TEST_SCRATCH"])


class SkippedWaits:
    """A fetcher's `sleep` and `clock` for runs whose subject is not the pace: each wait
    returns at once and moves the clock on by its length, as if it had been waited out. The
    limiter still spaces every request by the pace (on this clock); only the wall-clock wait
    is gone. The clock never runs slower than real time, so timeouts still fire."""

    def __init__(self) -> None:
        self._skipped = 0.0
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._skipped += max(seconds, 0.0)

    def clock(self) -> float:
        with self._lock:
            return time.monotonic() + self._skipped


STUDY_TITLE = "Mesenchymal stem cells promote tumour growth in a murine model of breast cancer"


def study_work(doi: str) -> Work:
    """A made-up journal article (Smith and Jones 2019, STUDY_TITLE) for matching tests."""
    return Work(
        doi=doi,
        title=STUDY_TITLE,
        authors=(Author("Smith", "A"), Author("Jones", "B")),
        year=2019,
        container_titles=("Journal of Things",),
        volume="12",
        page="100-110",
        type="journal-article",
    )


def work_list(*items: dict[str, object]) -> bytes:
    """A work-list answer (a `filter=doi:` list or a `query.bibliographic` search) holding
    `items`, each a work message (with a score, for a search)."""
    message = {"facets": {}, "total-results": len(items), "items": list(items)}
    envelope_ = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0"}
    return json.dumps(envelope_ | {"message": message | {"items-per-page": 20}}).encode()


def search_item(body: bytes, score: float) -> dict[str, object]:
    """The message of a work envelope as a search lists it, with Crossref's `score`."""
    return dict(json.loads(body)["message"], score=score)


def write_datacite_record(directory: Path, doi: str, title: str) -> Path:
    """A made-up DataCite `/dois/{doi}` document in `directory` (created): a Dryad dataset by
    Alice Smith, 2019, titled `title`, as DataCite's REST API gives one; its folder."""
    attributes = {
        "doi": doi,
        "titles": [{"title": title}],
        "creators": [{"name": "Smith, Alice", "givenName": "Alice", "familyName": "Smith"}],
        "publicationYear": 2019,
        "publisher": "Dryad",
        "types": {"resourceTypeGeneral": "Dataset"},
        "state": "findable",
    }
    directory.mkdir(parents=True, exist_ok=True)
    document = {"data": {"id": doi, "type": "dois", "attributes": attributes}}
    (directory / "marked.json").write_text(json.dumps(document), encoding="utf-8")
    return directory
