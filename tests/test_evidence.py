"""Evidence snapshots and the test data's own integrity."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from claimcheck.model.errors import LookupFailed, UsageError
from claimcheck.sources.crossref.answers import singles_in_list
from claimcheck.transport.evidence import (
    INDEX_EVERY_SECONDS,
    RecordingFetcher,
    ReplayFetcher,
    body_filename,
    load_index,
)
from claimcheck.transport.fetch import RawResponse
from tests.conftest import RECONSTRUCTED, RECORDED, ColdSeedRun
from tests.factories import work_list, write_map

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


@pytest.mark.parametrize(
    "responses", ["[" * 5000 + "]" * 5000, "[" + "9" * 5000 + "]"], ids=["deep", "long-number"]
)
def test_an_index_nested_too_deep_or_with_a_huge_number_is_a_usage_error(
    tmp_path: Path, responses: str
) -> None:
    # RecursionError and int()'s digit limit are not JSONDecodeErrors: they were exit 70.
    text = '{"format": "claimcheck.evidence/1", "responses": ' + responses + "}"
    (tmp_path / "index.json").write_text(text)
    with pytest.raises(UsageError, match=r"index\.json: cannot read the evidence index"):
        load_index(tmp_path)
    from tests.test_cli import run
    from tests.test_cli_errors import assert_usage_error

    (tmp_path / "map").mkdir()
    claim_map = write_map(tmp_path / "map", "claimcheck: 1\nreferences: {}\nclaims: []\n")
    for options in (["--replay", tmp_path], ["--record", tmp_path, "--offline"]):
        result = run("audit", claim_map, *options)
        assert_usage_error(result, "cannot read the evidence index")


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


# --- RecordingFetcher: when the index is written ----------------------------------------


class _Answers:
    """A fetcher answering every request with a small body; `failing` requests fail."""

    def __init__(self, failing: frozenset[str] = frozenset()) -> None:
        self.failing = failing
        self.closed = self.cancelled = False
        self.written = threading.Event()
        self.run_deadline = 12.5

    def fetch(self, request: str, *, subject: str, kind: str = "single") -> RawResponse:
        if request in self.failing:
            raise LookupFailed(subject, "refused")
        body = json.dumps({"request": request}).encode()
        return RawResponse(request, 200, "application/json", body, "2026-11-30T00:00:00Z")

    def close(self) -> None:
        self.closed = True

    def cancel(self) -> None:
        self.cancelled = True


class _ManualClock:
    """A clock that moves by `step` each time it is read, and by `advance`."""

    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step = 100.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _indexed(directory: Path) -> list[str]:
    return [e["request"] for e in json.loads((directory / "index.json").read_text())["responses"]]


def _works(*numbers: int) -> list[str]:
    return [f"/works/10.5555%2F{n}" for n in numbers]


def test_recording_writes_the_index_when_due_and_when_closed(tmp_path: Path) -> None:
    clock = _ManualClock()
    inner = _Answers()
    recorder = RecordingFetcher(inner, tmp_path, "http://127.0.0.1:1", clock=clock)
    assert _indexed(tmp_path) == []
    for request in _works(1, 2, 3):
        recorder.fetch(request, subject="a DOI")
    # The first answer is indexed at once; the next two wait until the index is due.
    assert _indexed(tmp_path) == _works(1)
    assert all((tmp_path / "works" / f"10.5555_{n}.json").exists() for n in (1, 2, 3))
    clock.advance(INDEX_EVERY_SECONDS)
    recorder.fetch(_works(4)[0], subject="a DOI")
    assert _indexed(tmp_path) == _works(1, 2, 3, 4)
    recorder.fetch(_works(5)[0], subject="a DOI")
    assert _indexed(tmp_path) == _works(1, 2, 3, 4)
    recorder.close()
    assert _indexed(tmp_path) == _works(1, 2, 3, 4, 5)
    assert inner.closed
    replay = ReplayFetcher(tmp_path)
    assert json.loads(replay.fetch(_works(5)[0], subject="a DOI").body) == {"request": _works(5)[0]}


def test_recording_waits_longer_when_writing_the_index_is_slow(tmp_path: Path) -> None:
    # Each read of this clock takes a second, so a write of the index "takes" one second:
    # the next write waits INDEX_COST_FACTOR seconds, not INDEX_EVERY_SECONDS.
    clock = _ManualClock(step=1.0)
    recorder = RecordingFetcher(_Answers(), tmp_path, "http://127.0.0.1:1", clock=clock)
    writes = []
    for number in range(1, 30):
        recorder.fetch(_works(number)[0], subject="a DOI")
        if len(_indexed(tmp_path)) == number:
            writes.append(number)
    # Save 1 reads the clock at 101 and writes from 102 to 103, so the next is due at 113.
    # Each later save reads it once, and a write reads it twice more.
    assert writes == [1, 11, 21]


def test_a_failed_lookup_leaves_the_index_at_once(tmp_path: Path) -> None:
    clock = _ManualClock()
    recorder = RecordingFetcher(_Answers(), tmp_path, "http://127.0.0.1:1", clock=clock)
    recorder.fetch(_works(1)[0], subject="a DOI")
    recorder.close()
    # A later run into the same folder: this DOI now fails, so its kept answer must go from
    # the index before anything else happens, not when the index is next due.
    failing = RecordingFetcher(
        _Answers(frozenset(_works(1))), tmp_path, "http://127.0.0.1:1", clock=clock
    )
    with pytest.raises(LookupFailed):
        failing.fetch(_works(1)[0], subject="a DOI")
    (entry,) = json.loads((tmp_path / "index.json").read_text())["responses"]
    assert entry["request"] == _works(1)[0]
    assert entry["failed"] == "refused"
    assert "file" not in entry
    with pytest.raises(LookupFailed, match="failed in the run that recorded it too: refused"):
        ReplayFetcher(tmp_path).fetch(_works(1)[0], subject="a DOI")


def test_a_second_source_records_into_the_same_index(tmp_path: Path) -> None:
    # DataCite's answers go beside Crossref's: two recorders each rewriting index.json from
    # its own entries would drop the other's, and a replay would not find them.
    crossref = RecordingFetcher(_Answers(), tmp_path, "http://127.0.0.1:1", clock=_ManualClock())
    datacite = crossref.alongside(_Answers(), "http://user:secret@127.0.0.1:2/")
    datacite.fetch("/dois/10.5555%2Fd", subject="a DOI")
    crossref.fetch(_works(1)[0], subject="a DOI")
    crossref.close()
    datacite.close()
    entries = {
        e["request"]: e for e in json.loads((tmp_path / "index.json").read_text())["responses"]
    }
    assert sorted(entries) == ["/dois/10.5555%2Fd", _works(1)[0]]
    assert entries["/dois/10.5555%2Fd"]["url"] == "http://***@127.0.0.1:2/dois/10.5555%2Fd"
    assert entries["/dois/10.5555%2Fd"]["file"] == "dois/10.5555_d.json"
    assert entries[_works(1)[0]]["url"].startswith("http://127.0.0.1:1/works/")
    replay = ReplayFetcher(tmp_path)
    answer = replay.fetch("/dois/10.5555%2Fd", subject="a DOI")
    assert json.loads(answer.body) == {"request": "/dois/10.5555%2Fd"}


# --- ReplayFetcher: which recorded answer answers ---------------------------------------

B_DOI = "10.5555/b"
B_REQUEST = "/works/10.5555%2Fb"


def _work_item(doi: str, title: str) -> dict[str, object]:
    return {"DOI": doi, "title": [title], "type": "journal-article"}


def _snapshot(directory: Path, answers: list[tuple[str, int, bytes, str]]) -> Path:
    """A snapshot of (request, status, body, fetched_at) answers, each saved by a recorder."""
    for request, status, body, fetched_at in answers:
        recorder = RecordingFetcher(_Answers(), directory, "http://127.0.0.1:1")
        recorder.save(RawResponse(request, status, "application/json", body, fetched_at))
        recorder.close()
    return directory


def _replayed_title(directory: Path) -> str:
    replay = ReplayFetcher(directory, derive=singles_in_list)
    body = json.loads(replay.fetch(B_REQUEST, subject=B_DOI).body)
    return str(body["message"]["title"][0])


def test_replay_takes_the_newest_list_holding_a_work(tmp_path: Path) -> None:
    # Two runs recorded into one folder, their batches falling differently: the later list
    # answers, whatever the order of the index.
    older = work_list(_work_item(B_DOI, "as it was"), _work_item("10.5555/z", "other"))
    newer = work_list(_work_item("10.5555/a", "other"), _work_item(B_DOI, "as it is now"))
    _snapshot(
        tmp_path,
        [
            (
                "/works?filter=doi:10.5555/b,doi:10.5555/z&rows=2",
                200,
                older,
                "2026-11-02T00:00:00Z",
            ),
            (
                "/works?filter=doi:10.5555/a,doi:10.5555/b&rows=2",
                200,
                newer,
                "2026-11-03T00:00:00Z",
            ),
        ],
    )
    assert _replayed_title(tmp_path) == "as it is now"


def test_replay_takes_a_newer_list_over_an_older_single_answer_and_back(tmp_path: Path) -> None:
    single = json.dumps({"status": "ok", "message": _work_item(B_DOI, "single")}).encode()
    listed = work_list(_work_item(B_DOI, "listed"))
    request = "/works?filter=doi:10.5555/b&rows=1"
    older, newer = "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"
    first = _snapshot(
        tmp_path / "1", [(B_REQUEST, 200, single, older), (request, 200, listed, newer)]
    )
    assert _replayed_title(first) == "listed"
    second = _snapshot(
        tmp_path / "2", [(B_REQUEST, 200, single, newer), (request, 200, listed, older)]
    )
    assert _replayed_title(second) == "single"


def test_replay_never_answers_a_work_from_a_search(tmp_path: Path) -> None:
    search = work_list(_work_item(B_DOI, "found by a search"))
    request = "/works?query.bibliographic=things&rows=2"
    _snapshot(tmp_path, [(request, 200, search, "2026-11-03T00:00:00Z")])
    with pytest.raises(LookupFailed, match="not in the evidence snapshot"):
        _replayed_title(tmp_path)


def test_a_lookup_failed_now_is_not_answered_by_an_older_list(tmp_path: Path) -> None:
    listed = work_list(_work_item(B_DOI, "as it was"))
    _snapshot(
        tmp_path, [("/works?filter=doi:10.5555/b&rows=1", 200, listed, "2020-01-01T00:00:00Z")]
    )
    failing = RecordingFetcher(_Answers(frozenset([B_REQUEST])), tmp_path, "http://127.0.0.1:1")
    with pytest.raises(LookupFailed):
        failing.fetch(B_REQUEST, subject=B_DOI)
    failing.close()
    with pytest.raises(LookupFailed, match="failed in the run that recorded it too"):
        _replayed_title(tmp_path)


def test_recording_passes_on_cancel_deadline_and_first_request(tmp_path: Path) -> None:
    inner = _Answers()
    recorder = RecordingFetcher(inner, tmp_path, "http://127.0.0.1:1", clock=_ManualClock())
    assert recorder.written is inner.written
    assert recorder.run_deadline == 12.5
    for request in _works(1, 2):
        recorder.fetch(request, subject="a DOI")
    assert _indexed(tmp_path) == _works(1)
    recorder.cancel()
    assert inner.cancelled
    assert not inner.closed
    assert _indexed(tmp_path) == _works(1, 2)  # a run cut short indexes what it saved


def test_recording_flushes_the_index_to_disk_but_not_each_body(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimcheck.transport import files

    synced: list[str] = []
    real_fsync = files.os.fsync

    def fsync(fd: int) -> None:
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")).name)
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    recorder = RecordingFetcher(_Answers(), tmp_path, "http://127.0.0.1:1", clock=_ManualClock())
    for request in _works(1, 2, 3):
        recorder.fetch(request, subject="a DOI")
    recorder.close()
    # The empty index at the start, after the first answer, and at close: each flushed, each
    # under a temporary name. No body was.
    assert len(synced) == 3
    assert all(name.startswith(".index.json.") for name in synced)
