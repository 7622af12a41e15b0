"""DataCite's answers in runs that cannot ask DataCite, over real HTTP to both replay servers.

--record saves DataCite's answers beside Crossref's, and --replay answers from them, so a
replay judges a DataCite DOI as the recorded run did. --offline reads DataCite's answers
from the cache of the DataCite URL it is given (tests/test_datacite_offline.py); a cache
without the answer, like a snapshot without it, cannot give it: either way the reference is
`unverified` (exit 3), never passed as if DataCite's record had been read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimcheck.testing import DataCiteReplayServer, Fault, ReplayServer
from tests.factories import POLITE, write_map
from tests.test_cli import run

MARKED = "10.5061/dryad.claimcheck-marked"  # made up: loopback DataCite only
OTHER = "10.5061/dryad.claimcheck-other-work"  # a record of some other work
HIDDEN = "10.5061/dryad.claimcheck-hidden"  # registered, but DataCite's API does not show it
CREATORS = [{"name": "Smith, Alice", "givenName": "Alice", "familyName": "Smith"}]
MARKED_REQUEST = "/dois/10.5061%2Fdryad.claimcheck-marked"


def _record(directory: Path, doi: str, title: str, creators: list[Any], year: int) -> None:
    attributes = {
        "doi": doi,
        "titles": [{"title": title}],
        "creators": creators,
        "publicationYear": year,
        "publisher": "Dryad",
        "types": {"resourceTypeGeneral": "Dataset"},
        "state": "findable",
    }
    document = {"data": {"id": doi, "type": "dois", "attributes": attributes}}
    (directory / f"{doi.rsplit('.', 1)[-1]}.json").write_text(json.dumps(document))


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


def _map(tmp_path: Path, *dois: str) -> Path:
    refs = "".join(
        f"  R{i}: {{doi: '{doi}', title: 'Mouse data', authors: [Smith A], year: 2019}}\n"
        for i, doi in enumerate(dois, 1)
    )
    claims = "".join(
        f"  - {{id: C{i}, text: claim, cites: [R{i}]}}\n" for i in range(1, 1 + len(dois))
    )
    return write_map(tmp_path, f"claimcheck: 1\nreferences:\n{refs}claims:\n{claims}")


def audit(path: Path, *args: str | Path, cache: Path | None = None) -> tuple[int, dict[str, Any]]:
    env = {**POLITE, **({"CLAIMCHECK_CACHE_DIR": str(cache)} if cache else {})}
    result = run("audit", path, "-f", "json", *args, env=env)
    return result.exit_code, json.loads(result.stdout)


def verdicts(doc: dict[str, Any]) -> dict[str, tuple[str | None, list[str]]]:
    """Each reference's verdict and the codes of its findings, sorted."""
    codes: dict[str, list[str]] = {}
    for finding in doc["findings"]:
        codes.setdefault(finding["reference"], []).append(finding["code"])
    return {r["id"]: (r["verdict"], sorted(codes.get(r["id"], []))) for r in doc["references"]}


def messages(doc: dict[str, Any], code: str) -> list[str]:
    return [f["message"] for f in doc["findings"] if f["code"] == code]


def test_a_replay_judges_datacite_dois_as_the_recorded_run_did(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    path, snapshot = _map(tmp_path, MARKED, OTHER, HIDDEN), tmp_path / "evidence"
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    recorded_code, recorded = audit(path, *urls, "--record", snapshot)
    asked = len(datacite.requests)
    replayed_code, replayed = audit(path, "--replay", snapshot)
    assert len(datacite.requests) == asked  # the replay asked no server
    assert verdicts(replayed) == verdicts(recorded)
    judged = verdicts(replayed)
    assert judged["R1"][0] == "retracted"
    assert "doi-mismatch" in judged["R2"][1]
    assert "unverified" in judged["R3"][1]  # DataCite's 404, recorded as sent
    assert replayed_code == recorded_code == 1
    (used,) = [s for s in replayed["source"]["sources"] if s["name"] == "datacite"]
    assert used["file"] == str(snapshot)


def test_the_snapshot_holds_datacites_answers_byte_for_byte(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    snapshot = tmp_path / "evidence"
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    audit(_map(tmp_path, MARKED, HIDDEN), *urls, "--record", snapshot)
    index = json.loads((snapshot / "index.json").read_text())
    entries = {e["request"]: e for e in index["responses"]}
    entry = entries[MARKED_REQUEST]
    body = (snapshot / entry["file"]).read_bytes()
    assert body == datacite.records[MARKED]
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    assert entry["url"] == datacite.url.rstrip("/") + MARKED_REQUEST
    assert entry["status"] == 200
    assert entries["/dois/10.5061%2Fdryad.claimcheck-hidden"]["status"] == 404
    # Crossref's answers are still there, in the same index.
    assert f"/works/{MARKED.replace('/', '%2F')}/agency" in entries


def test_a_datacite_lookup_that_failed_when_recorded_fails_when_replayed(
    crossref: ReplayServer, tmp_path: Path
) -> None:
    path, snapshot = _map(tmp_path, MARKED), tmp_path / "evidence"
    with DataCiteReplayServer() as down:
        down.add_fault(Fault.http(503))  # every request, as no `times` is given
        urls = ("--crossref-url", crossref.url, "--datacite-url", down.url, "--retries", "0")
        recorded_code, recorded = audit(path, *urls, "--record", snapshot)
    replayed_code, replayed = audit(path, "--replay", snapshot)
    assert verdicts(replayed) == verdicts(recorded) == {"R1": (None, ["unverified"])}
    (message,) = messages(replayed, "unverified")
    assert "failed in the run that recorded it too" in message
    assert replayed_code == recorded_code == 3


def test_a_snapshot_without_datacites_answer_leaves_the_reference_unverified(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    # A snapshot recorded before DataCite's answers were saved: Crossref's answers only.
    path, snapshot = _map(tmp_path, MARKED), tmp_path / "evidence"
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    audit(path, *urls, "--record", snapshot)
    index_path = snapshot / "index.json"
    index = json.loads(index_path.read_text())
    index["responses"] = [e for e in index["responses"] if not e["request"].startswith("/dois/")]
    index_path.write_text(json.dumps(index))
    code, doc = audit(path, "--replay", snapshot)
    assert verdicts(doc) == {"R1": (None, ["unverified"])}
    (message,) = messages(doc, "unverified")
    assert "registered with DataCite, but its record could not be read" in message
    assert "not in the evidence snapshot" in message
    assert code == 3
    assert audit(path, "--replay", snapshot, "--allow-incomplete")[0] == 0


def test_offline_a_datacite_doi_whose_answer_is_not_cached_for_its_url_is_unverified(
    crossref: ReplayServer, datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    path, cache = _map(tmp_path, MARKED, OTHER), tmp_path / "cache"
    # Crossref's answers and DataCite's are cached, but DataCite's came from another URL.
    with DataCiteReplayServer(tmp_path / "datacite") as elsewhere:  # the same records
        warm = ("--crossref-url", crossref.url, "--datacite-url", elsewhere.url)
        online_code, online = audit(path, *warm, cache=cache)
        assert len(elsewhere.requests) == 2
    urls = ("--crossref-url", crossref.url, "--datacite-url", datacite.url)
    code, doc = audit(path, *urls, "--offline", cache=cache)
    assert datacite.requests == []
    assert verdicts(online)["R1"][0] == "retracted"
    assert online_code == 1
    assert verdicts(doc) == {"R1": (None, ["unverified"]), "R2": (None, ["unverified"])}
    for message in messages(doc, "unverified"):
        assert message.endswith(
            "its record could not be read: offline, and DataCite's answer for this DOI is not "
            f"in the cache for {datacite.url}"
        )
    assert code == 3
    assert audit(path, *urls, "--offline", "--allow-incomplete", cache=cache)[0] == 0
