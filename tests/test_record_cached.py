"""--record from a warm cache (online, or with --offline) over real HTTP and a real cache file:
a "not found" the cache answers is saved byte for byte, with the agency answer and the probe
that made its 404s evidence, so that --replay of the snapshot gives the recording run's
verdicts. Without the probe in the cache, the recording says what its replay will say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimcheck.testing import RecordedRequest, ReplayServer
from claimcheck.testing.faults import NOT_FOUND_BODY
from tests.factories import POLITE, work_envelope, write_map
from tests.test_cli import run

MISSING = "10.5555/claimcheck.never-registered"
FOUND = "10.5555/claimcheck.registered"
PROBE = "/works?rows=0"


def _map(*dois: str) -> str:
    references = "".join(f"  R{i}: {{doi: '{doi}'}}\n" for i, doi in enumerate(dois, 1))
    cites = ", ".join(f"R{i}" for i in range(1, len(dois) + 1))
    return (
        f"claimcheck: 1\nreferences:\n{references}"
        f"claims:\n  - {{id: C1, text: a claim, cites: [{cites}]}}\n"
    )


def _audit(path: Path, cache: Path, *args: str | Path) -> tuple[int, dict[str, Any]]:
    env = {"CLAIMCHECK_CACHE_DIR": str(cache), **POLITE}
    result = run("audit", path, "-f", "json", *args, env=env)
    return result.exit_code, json.loads(result.stdout)


def _codes(document: dict[str, Any]) -> list[tuple[str, str | None]]:
    return sorted((f["code"], f.get("reference")) for f in document["findings"])


def _is_probe(request: RecordedRequest) -> bool:
    return request.path == "/works" and request.query == {"rows": ["0"]}


def _entries(snapshot: Path) -> dict[str, dict[str, Any]]:
    index = json.loads((snapshot / "index.json").read_text())
    return {e["request"]: e for e in index["responses"]}


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_a_not_found_recorded_from_the_cache_replays_the_same(
    tmp_path: Path, offline: bool
) -> None:
    path, cache, snapshot = write_map(tmp_path, _map(MISSING)), tmp_path / "c", tmp_path / "ev"
    with ReplayServer() as server:
        args = ("--crossref-url", server.url)
        cold, _ = _audit(path, cache, *args)
        assert [r for r in server.requests if _is_probe(r)]  # nothing else showed Crossref
        asked = len(server.requests)
        mode = ("--offline",) if offline else ()
        code, recorded = _audit(path, cache, *args, *mode, "--record", snapshot)
        assert len(server.requests) == asked  # the cache answered everything
    assert cold == code == 1
    assert ("doi-not-found", "R1") in _codes(recorded)
    replayed, again = _audit(path, cache, "--replay", snapshot)
    assert (replayed, again["findings"]) == (code, recorded["findings"])
    entries = _entries(snapshot)
    works = entries[f"/works/{MISSING.replace('/', '%2F')}"]
    # The 404 as the server sent it, not an empty body.
    assert (snapshot / works["file"]).read_bytes() == NOT_FOUND_BODY
    assert entries[f"/works/{MISSING.replace('/', '%2F')}/agency"]["status"] == 404
    assert entries[PROBE]["status"] == 200


def _warm_without_probe(tmp_path: Path, server: ReplayServer) -> tuple[Path, Path]:
    """A cache where the found work, not the probe, showed the server to be Crossref."""
    path, cache = write_map(tmp_path, _map(FOUND, MISSING)), tmp_path / "c"
    server.add_work(work_envelope(FOUND))
    code, document = _audit(path, cache, "--crossref-url", server.url)
    assert (code, ("doi-not-found", "R2") in _codes(document)) == (1, True)
    assert not [r for r in server.requests if _is_probe(r)]
    return path, cache


def test_offline_a_cached_not_found_without_its_probe_is_unverified_as_its_replay(
    tmp_path: Path,
) -> None:
    snapshot = tmp_path / "ev"
    with ReplayServer() as server:
        path, cache = _warm_without_probe(tmp_path, server)
        args = ("--crossref-url", server.url, "--offline", "--record", snapshot)
        code, recorded = _audit(path, cache, *args)
    (unverified,) = [f for f in recorded["findings"] if f["code"] == "unverified"]
    assert unverified["reference"] == "R2"
    assert "cannot be recorded as evidence" in unverified["message"]
    assert code == 3
    replayed, again = _audit(path, cache, "--replay", snapshot)
    assert replayed == code
    assert _codes(again) == _codes(recorded)


def test_online_a_cached_not_found_without_its_probe_is_asked_again(tmp_path: Path) -> None:
    snapshot = tmp_path / "ev"
    with ReplayServer() as server:
        path, cache = _warm_without_probe(tmp_path, server)
        asked = len(server.requests)
        code, recorded = _audit(path, cache, "--crossref-url", server.url, "--record", snapshot)
        again = server.requests[asked:]
    # The found work came from the cache; the not-found was asked again, with the probe.
    assert {r.doi for r in again if r.doi} == {MISSING}
    assert [r for r in again if _is_probe(r)]
    assert code == 1
    assert PROBE in _entries(snapshot)
    replayed, document = _audit(path, cache, "--replay", snapshot)
    assert (replayed, document["findings"]) == (code, recorded["findings"])
