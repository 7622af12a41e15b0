"""Audits that read DataCite's answers from the cache, over real HTTP to both replay servers and
a real cache folder: --offline after an online audit judges a DataCite DOI as the online audit
did, --fresh asks DataCite again, an answer past the status TTL is not served, --record on a
warm cache saves the answers the cache gave, and the report says which answers were cached.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from claimcheck.cache.store import CACHE_FILE
from claimcheck.testing import DataCiteReplayServer, ReplayServer
from tests.test_cli import run
from tests.test_datacite_evidence import (
    CREATORS,
    HIDDEN,
    MARKED,
    MARKED_REQUEST,
    OTHER,
    _map,
    _record,
    audit,
    messages,
    verdicts,
)

SCHEMA = json.loads((Path(__file__).parents[1] / "schema" / "audit.schema.json").read_text())
HIDDEN_REQUEST = "/dois/10.5061%2Fdryad.claimcheck-hidden"


@pytest.fixture
def datacite(tmp_path: Path) -> Iterator[DataCiteReplayServer]:
    records = tmp_path / "datacite"
    records.mkdir()
    _record(records, MARKED, "RETRACTED: Mouse data", CREATORS, 2019)
    bird = [{"name": "Jones, Bob", "givenName": "Bob", "familyName": "Jones"}]
    _record(records, OTHER, "Bird song recordings from three valleys", bird, 2001)
    with DataCiteReplayServer(records) as server:
        yield server
        assert not server.errors, server.errors


@pytest.fixture
def crossref() -> Iterator[ReplayServer]:
    with ReplayServer(agencies=dict.fromkeys((MARKED, OTHER, HIDDEN), "datacite")) as server:
        yield server


def urls(crossref: ReplayServer, datacite: DataCiteReplayServer) -> tuple[str, ...]:
    return ("--crossref-url", crossref.url, "--datacite-url", datacite.url)


def cached_evidence(doc: dict[str, Any]) -> dict[str, Any]:
    """The `cache` of each DataCite finding's evidence, by reference (None: not cached)."""
    return {
        f["reference"]: f["evidence"].get("cache")
        for f in doc["findings"]
        if f["evidence"].get("agency") == "datacite"
    }


def test_offline_after_an_online_audit_gives_the_same_verdicts(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    path, cache = _map(tmp_path, MARKED, OTHER), tmp_path / "cache"
    online_code, online = audit(path, *urls(crossref, datacite), cache=cache)
    asked = len(datacite.requests)
    code, offline = audit(path, *urls(crossref, datacite), "--offline", cache=cache)
    assert len(datacite.requests) == asked == 2  # offline, nothing was asked
    assert verdicts(offline) == verdicts(online)
    assert verdicts(offline)["R1"] == ("retracted", ["non-crossref-doi", "retracted"])
    assert "doi-mismatch" in verdicts(offline)["R2"][1]
    assert code == online_code == 1
    # The report says DataCite's answer came from the cache, and from which URL.
    assert cached_evidence(online) == {"R1": None, "R2": None}
    for said in cached_evidence(offline).values():
        assert said is not None
        assert said["source"] == datacite.url
        assert isinstance(said["age_seconds"], int)
        assert said["age_seconds"] >= 0
    jsonschema.validate(offline, SCHEMA)


def test_datacites_404_is_cached_and_read_offline_as_online(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    path, cache = _map(tmp_path, HIDDEN), tmp_path / "cache"
    online_code, online = audit(path, *urls(crossref, datacite), cache=cache)
    code, offline = audit(path, *urls(crossref, datacite), "--offline", cache=cache)
    assert len(datacite.requests) == 1
    assert verdicts(offline) == verdicts(online) == {"R1": (None, ["unverified"])}
    (message,) = messages(offline, "unverified")
    assert messages(online, "unverified") == [message]  # the note, not "not in the cache"
    assert "'registered' state" in message
    assert cached_evidence(offline)["R1"]["source"] == datacite.url
    assert code == online_code == 3


def test_an_answer_older_than_the_status_ttl_is_unverified_offline(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    path, cache = _map(tmp_path, MARKED), tmp_path / "cache"
    audit(path, *urls(crossref, datacite), cache=cache)
    # DataCite's answer fetched 25 hours ago; Crossref's agency answer stays fresh.
    with sqlite3.connect(cache / CACHE_FILE) as conn:
        aged = conn.execute(
            "UPDATE responses SET fetched_at = fetched_at - 25 * 3600"
            " WHERE source LIKE 'datacite %'"
        ).rowcount
    assert aged == 1
    code, doc = audit(path, *urls(crossref, datacite), "--offline", cache=cache)
    assert verdicts(doc) == {"R1": (None, ["unverified"])}
    (message,) = messages(doc, "unverified")
    assert (
        f"its record could not be read: offline, and DataCite's answer for this DOI in the "
        f"cache for {datacite.url} is 25 h old, older than the status TTL (24 h, "
        "CLAIMCHECK_STATUS_TTL_HOURS) within which it is trusted: the DOI may have been hidden "
        "from DataCite's public API since"
    ) in message
    assert code == 3
    # Online, it is asked again.
    assert audit(path, *urls(crossref, datacite), cache=cache)[0] == 1
    assert len(datacite.requests) == 2


def test_fresh_asks_datacite_again(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    path, cache = _map(tmp_path, MARKED), tmp_path / "cache"
    audit(path, *urls(crossref, datacite), cache=cache)
    code, warm = audit(path, *urls(crossref, datacite), cache=cache)
    assert len(datacite.requests) == 1  # the second run read DataCite's answer from the cache
    assert cached_evidence(warm)["R1"] is not None
    fresh_code, fresh = audit(path, *urls(crossref, datacite), "--fresh", cache=cache)
    assert len(datacite.requests) == 2
    assert cached_evidence(fresh)["R1"] is None
    assert verdicts(fresh) == verdicts(warm)
    assert fresh_code == code == 1


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_a_record_made_on_a_warm_cache_replays_the_same(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path, offline: bool
) -> None:
    path, cache = _map(tmp_path, MARKED, OTHER, HIDDEN), tmp_path / "cache"
    snapshot = tmp_path / "evidence"
    cold_code, cold = audit(path, *urls(crossref, datacite), cache=cache)
    asked = len(datacite.requests)
    args = ("--record", snapshot, *(["--offline"] if offline else []))
    recorded_code, recorded = audit(path, *urls(crossref, datacite), *args, cache=cache)
    assert len(datacite.requests) == asked  # every DataCite answer came from the cache
    replayed_code, replayed = audit(path, "--replay", snapshot)
    assert verdicts(replayed) == verdicts(recorded) == verdicts(cold)
    assert replayed_code == recorded_code == cold_code == 1
    entries = {
        e["request"]: e for e in json.loads((snapshot / "index.json").read_text())["responses"]
    }
    marked = entries[MARKED_REQUEST]
    assert (snapshot / marked["file"]).read_bytes() == datacite.records[MARKED]
    assert marked["url"] == datacite.url + MARKED_REQUEST
    assert entries[HIDDEN_REQUEST]["status"] == 404


def test_cache_info_counts_datacites_answers(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    audit(_map(tmp_path, MARKED, HIDDEN), *urls(crossref, datacite), cache=cache)
    info = run("cache", "info", env={"CLAIMCHECK_CACHE_DIR": str(cache)})
    assert info.exit_code == 0
    # Crossref's two `/works/{doi}` 404s and agency answers naming DataCite; DataCite's
    # record of one DOI and its 404 for the other, counted apart.
    assert "answers: 6 (2 Crossref works, 2 agency answers, 2 DataCite records)" in info.stdout
