"""`claimcheck resolve` on a DOI Crossref names as DataCite's, over real HTTP to both replay
servers: it asks DataCite online, as `audit` does, and its verdict is the one `audit` gives
the same DOI; replayed, both read DataCite's recorded answer; offline, both read DataCite's
cached answer, and without one both say the DOI could not be checked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimcheck.testing import DataCiteReplayServer, ReplayServer
from tests.factories import POLITE, write_datacite_record, write_map
from tests.test_cli import run

MARKED = "10.5061/dryad.claimcheck-resolve-marked"  # made up, served by loopback DataCite only
ZENODO = "10.5281/zenodo.48440"  # real DataCite record: "Analysis Tools for Crossover …"
HIDDEN = "10.5061/dryad.claimcheck-hidden"  # registered, but DataCite's API does not show it
RECORDED = Path(__file__).parent / "data" / "datacite" / "recorded"
TITLE = "RETRACTED: Data from: Mesenchymal stem cells promote tumour growth in mice"


@pytest.fixture
def datacite(tmp_path: Path) -> Iterator[DataCiteReplayServer]:
    records = write_datacite_record(tmp_path / "datacite", MARKED, TITLE)
    with DataCiteReplayServer(records, RECORDED) as server:
        yield server


@pytest.fixture
def crossref() -> Iterator[ReplayServer]:
    agencies = dict.fromkeys((MARKED, ZENODO, HIDDEN), "datacite")
    with ReplayServer(agencies=agencies) as server:
        yield server


def _env(cache: Path | None) -> dict[str, str]:
    return {**POLITE, **({"CLAIMCHECK_CACHE_DIR": str(cache)} if cache else {})}


def resolve(*args: str | Path, cache: Path | None = None) -> tuple[int, dict[str, Any]]:
    result = run("resolve", *args, "-f", "json", env=_env(cache))
    return result.exit_code, json.loads(result.stdout)


def audit_verdict(
    tmp_path: Path, doi: str, *args: str | Path, cache: Path | None = None
) -> tuple[int, str | None]:
    body = (
        f"claimcheck: 1\nreferences:\n  R1: {{doi: '{doi}'}}\n"
        "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n"
    )
    result = run("audit", write_map(tmp_path, body), "-f", "json", *args, env=_env(cache))
    return result.exit_code, json.loads(result.stdout)["references"][0]["verdict"]


def test_a_datacite_record_titled_retracted_resolves_as_retracted_as_in_an_audit(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    code, doc = resolve(MARKED, *urls)
    assert [r.path for r in datacite.requests] == [
        "/dois/10.5061%2Fdryad.claimcheck-resolve-marked"
    ]
    _audit_code, verdict = audit_verdict(tmp_path, MARKED, *urls)
    assert doc["verdict"] == verdict == "retracted"
    assert doc["verdict_text"] == (
        "retracted: marked so by the title of DataCite's record; no notice registered"
    )
    assert (doc["agency"], doc["registry"]["title"]) == ("datacite", TITLE)
    assert code == 0  # found, whatever the verdict


def test_an_unmarked_datacite_record_has_no_verdict_as_in_an_audit(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    # Named by the environment, as audit's DataCite is.
    env_url = {"CLAIMCHECK_DATACITE_URL": datacite.url, **POLITE}
    result = run("resolve", ZENODO, "-f", "json", "--crossref-url", crossref.url, env=env_url)
    doc = json.loads(result.stdout)
    _audit_code, verdict = audit_verdict(
        tmp_path, ZENODO, "--crossref-url", crossref.url, "--datacite-url", datacite.url
    )
    assert doc["verdict"] is verdict is None
    assert "its record's title marks nothing" in doc["verdict_text"]
    assert doc["registry"]["title"].startswith("Analysis Tools for Crossover")
    assert result.exit_code == 0
    # The table never says "none listed" of a record that cannot list any.
    table = run("resolve", ZENODO, "--crossref-url", crossref.url, env=env_url).stdout
    assert "DataCite has no retraction field" in table
    assert "no retraction, correction or concern listed" not in table


def test_a_doi_datacite_does_not_show_could_not_be_checked_as_in_an_audit(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    code, doc = resolve(HIDDEN, *urls)
    audit_code, verdict = audit_verdict(tmp_path, HIDDEN, *urls)
    assert doc["verdict"] is verdict is None
    assert doc["verdict_text"].startswith("could not check: registered with DataCite")
    assert "registered" in doc["error"]
    assert code == audit_code == 3


def test_offline_resolve_reads_datacites_cached_answer_as_an_audit_does(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    online_code, online = resolve(MARKED, *urls, cache=cache)  # caches Crossref's and DataCite's
    asked = len(datacite.requests)
    code, doc = resolve(MARKED, *urls, "--offline", cache=cache)
    audit_code, verdict = audit_verdict(tmp_path, MARKED, *urls, "--offline", cache=cache)
    assert len(datacite.requests) == asked == 1
    assert doc == online
    assert doc["verdict"] == verdict == "retracted"
    assert (code, online_code, audit_code) == (0, 0, 1)  # resolve: found; the audit: its gate


def test_offline_resolve_without_datacites_answer_cached_is_unverified_as_an_audit_is(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    # Crossref's answer is cached; DataCite could not be asked (nothing listens there), and a
    # failure is never cached: offline, its record cannot be read, and a verdict that needs
    # it cannot stand (exit 3), as in an audit of the same DOI.
    cache = tmp_path / "cache"
    down = ("--crossref-url", crossref.url, "--datacite-url", "http://127.0.0.1:9")
    assert resolve(MARKED, *down, "--retries", "0", cache=cache)[0] == 3
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    code, doc = resolve(MARKED, *urls, "--offline", cache=cache)
    audit_code, verdict = audit_verdict(tmp_path, MARKED, *urls, "--offline", cache=cache)
    assert datacite.requests == []
    assert doc["verdict"] is verdict is None
    assert doc["verdict_text"] == (
        "could not check: registered with DataCite, but its record could not be read: "
        f"offline, and DataCite's answer for this DOI is not in the cache for {datacite.url}"
    )
    assert code == audit_code == 3


def test_replayed_resolve_reads_datacites_recorded_answer_as_an_audit_does(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    snapshot = tmp_path / "evidence"
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    resolve(MARKED, *urls, "--record", snapshot)
    asked = len(datacite.requests)
    code, doc = resolve(MARKED, "--replay", snapshot)
    audit_code, verdict = audit_verdict(tmp_path, MARKED, "--replay", snapshot)
    assert len(datacite.requests) == asked
    assert doc["verdict"] == verdict == "retracted"
    assert (code, audit_code) == (0, 1)  # resolve: found; the audit: its gate fails
