"""Evidence snapshots and the test data's own integrity."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from claimcheck.model.errors import LookupFailed, UsageError
from claimcheck.transport.evidence import ReplayFetcher, body_filename, load_index
from tests.conftest import RECONSTRUCTED, RECORDED, ColdSeedRun

SEED_EVIDENCE = Path(__file__).resolve().parent.parent / "claims" / "stem-cell-safety.evidence"


@pytest.mark.parametrize("sidecar", sorted(RECORDED.glob("*.meta.json")), ids=lambda p: p.name[:40])
def test_recorded_bodies_match_their_sha256(sidecar: Path) -> None:
    meta = json.loads(sidecar.read_text())
    stem = sidecar.name.removesuffix(".meta.json")
    (body,) = [p for p in RECORDED.glob(stem + ".*") if p != sidecar]
    assert hashlib.sha256(body.read_bytes()).hexdigest() == meta["body_sha256"]


def test_seed_snapshot_is_labelled_reconstructed_and_byte_identical() -> None:
    index = load_index(SEED_EVIDENCE)
    works = {r: e for r, e in index.items() if r.startswith("/works/")}
    searches = {r: e for r, e in index.items() if "query.bibliographic=" in r}
    assert (len(works), len(searches), len(index)) == (17, 5, 22)
    for entry in index.values():
        assert entry["origin"] == "reconstructed"
        assert entry["fetched_at"] is None
        assert (SEED_EVIDENCE / entry["provenance"]).is_file()
    for entry in works.values():
        body = (SEED_EVIDENCE / entry["file"]).read_bytes()
        assert body == (RECONSTRUCTED / Path(entry["file"]).name).read_bytes()
    for entry in searches.values():
        # Each search answer holds one of the snapshot's own work records, unchanged.
        (item,) = json.loads((SEED_EVIDENCE / entry["file"]).read_bytes())["message"]["items"]
        record = works[f"/works/{quote(item['DOI'], safe='')}"]
        message = json.loads((SEED_EVIDENCE / record["file"]).read_bytes())["message"]
        assert {k: v for k, v in item.items() if k != "score"} == message
    assert "RECONSTRUCTED, not recorded" in (SEED_EVIDENCE / "README.md").read_text()


def test_tampered_snapshot_body_is_a_failed_lookup(tmp_path: Path) -> None:
    (tmp_path / "works").mkdir()
    (tmp_path / "works" / "a.json").write_bytes(b"{}")
    index = {
        "format": "claimcheck.evidence/1",
        "responses": [
            {"request": "/works/a", "status": 200, "file": "works/a.json", "sha256": "0" * 64}
        ],
    }
    (tmp_path / "index.json").write_text(json.dumps(index))
    with pytest.raises(LookupFailed, match="sha256"):
        ReplayFetcher(tmp_path).fetch("/works/a", subject="a")


@pytest.mark.parametrize(
    "content", ["", "[]", '{"format": "other"}', '{"format": "claimcheck.evidence/1"}']
)
def test_unreadable_index_is_a_usage_error(tmp_path: Path, content: str) -> None:
    (tmp_path / "index.json").write_text(content)
    with pytest.raises(UsageError, match=r"index\.json"):
        load_index(tmp_path)


def test_body_file_names() -> None:
    assert body_filename("/works/10.1038%2Fnbt.2816", 200, "application/json") == (
        "works/10.1038_nbt.2816.json"
    )
    assert body_filename("/works/10.1%2Fx/agency", 404, "text/plain") == "agency/10.1_x.404.txt"


def test_record_keeps_what_the_cache_answered_and_replays_the_same(
    cold_seed_run: ColdSeedRun, tmp_path: Path
) -> None:
    from tests.factories import POLITE
    from tests.test_cli import SEED_MAP, run

    # The cold run warmed this cache (a copy of it) from `server`.
    cache = cold_seed_run.copy_cache(tmp_path / "cache")
    env = {"CLAIMCHECK_CACHE_DIR": str(cache), **POLITE}
    server, warm = cold_seed_run.server, cold_seed_run.result
    asked = len(server.requests)
    snapshot = tmp_path / "snapshot"
    recorded = run(
        "audit",
        SEED_MAP,
        "-f",
        "json",
        "--crossref-url",
        server.url,
        "--record",
        snapshot,
        env=env,
    )
    assert len(server.requests) == asked  # every answer came from the cache
    index = json.loads((snapshot / "index.json").read_text())
    requests = [e["request"] for e in index["responses"]]
    # The 8 printed DOIs, the original R20 names, and one search per reference printing no
    # DOI (17), each answered by the cache and recorded all the same.
    assert sum(r.startswith("/works/") for r in requests) == 9
    assert sum("query.bibliographic=" in r for r in requests) == 17
    replayed = run("audit", SEED_MAP, "-f", "json", "--replay", snapshot)
    assert replayed.exit_code == recorded.exit_code == warm.exit_code
    assert json.loads(replayed.stdout)["findings"] == json.loads(recorded.stdout)["findings"]


def test_record_with_offline_warns_and_still_makes_the_folder(tmp_path: Path) -> None:
    from tests.test_cli import SEED_MAP, run

    snapshot = tmp_path / "snapshot"
    result = run(
        "audit",
        SEED_MAP,
        "--offline",
        "--record",
        snapshot,
        env={"CLAIMCHECK_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert "--record with --offline" in result.stderr
    assert json.loads((snapshot / "index.json").read_text())["responses"] == []
