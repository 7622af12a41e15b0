"""The cache inside real audits: what is stored, when it is trusted, and what survives."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from claimcheck.cache.store import CACHE_FILE, Cache, source_key
from claimcheck.model.record import LookupStatus
from claimcheck.sources.crossref.answers import works_path
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.sources.crossref.stored import encode_work
from claimcheck.testing import Fault, ReplayServer
from claimcheck.transport.fetch import HttpFetcher, RawResponse
from tests.conftest import RECONSTRUCTED, ColdSeedRun
from tests.factories import POLITE, SkippedWaits, update, work_envelope, work_list, write_map
from tests.test_cli import SEED_MAP, SMALL, run

NOTICE = "10.1158/0008-5472.can-10-2451"
ARTICLE = "10.1038/nbt.2816"
OTHER = "http://127.0.0.1:1/another-registry"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def client(server: ReplayServer, directory: Path, clock: Clock, **kwargs: object) -> CrossrefClient:
    waits = SkippedWaits()  # the pace holds on its clock, without the wait
    fetcher = HttpFetcher(server.url, retries=0, sleep=waits.sleep, clock=waits.clock)
    cache = Cache(directory, clock=clock)
    return CrossrefClient(fetcher, base_url=server.url, cache=cache, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_answers_are_reused_within_the_status_ttl(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(replay_server, tmp_path, clock) as first:
        assert first.lookup(ARTICLE).cache_age is None
    clock.now += 3600
    with client(replay_server, tmp_path, clock) as second:
        lookup = second.lookup(ARTICLE)
    assert lookup.status is LookupStatus.FOUND
    assert lookup.cache_age == 3600
    assert len(replay_server.requests) == 1


def test_update_status_is_refetched_after_the_status_ttl(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(replay_server, tmp_path, clock) as first:
        first.lookup(ARTICLE)
    clock.now += timedelta(hours=25).total_seconds()
    with client(replay_server, tmp_path, clock) as second:
        assert second.lookup(ARTICLE).cache_age is None
        # ...but a work read only to be named may still come from the cache (metadata TTL).
        named = second.lookup_all([NOTICE], status_matters=False)
    assert named[NOTICE].status is LookupStatus.FOUND
    assert len(replay_server.requests) == 3


def test_nothing_failed_is_cached(replay_server: ReplayServer, tmp_path: Path) -> None:
    clock = Clock()
    replay_server.add_fault(Fault.http(503))
    with client(replay_server, tmp_path, clock) as first:
        assert first.lookup(ARTICLE).status is LookupStatus.FAILED
    with Cache(tmp_path) as cache:
        assert cache.info().entries == 0
    replay_server.clear_faults()
    with client(replay_server, tmp_path, clock) as second:
        assert second.lookup(ARTICLE).status is LookupStatus.FOUND


def test_a_404_is_cached_with_its_agency(replay_server: ReplayServer, tmp_path: Path) -> None:
    clock = Clock()
    for _ in range(2):
        with client(replay_server, tmp_path, clock) as crossref:
            assert crossref.lookup("10.5061/dryad.example").status is LookupStatus.OTHER_AGENCY
    assert len(replay_server.requests) == 2  # /works and /agency, once


def test_offline_uses_only_the_cache_and_fresh_skips_it(
    cold_seed_run: ColdSeedRun, tmp_path: Path
) -> None:
    # The cold run filled this cache (a copy of it) from `server`.
    cache_dir = str(cold_seed_run.copy_cache(tmp_path / "cache"))
    env = {"CLAIMCHECK_CACHE_DIR": cache_dir, **POLITE}
    server, cold, cold_requests = cold_seed_run.server, cold_seed_run.result, cold_seed_run.requests
    before = len(server.requests)
    offline = run(
        "audit", SEED_MAP, "-f", "json", "--offline", "--crossref-url", server.url, env=env
    )
    # The cache answers only for the server that gave each answer.
    elsewhere = run("audit", SEED_MAP, "-f", "json", "--offline", "--crossref-url", OTHER, env=env)
    fresh = run("audit", SEED_MAP, "-f", "json", "--crossref-url", server.url, "--fresh", env=env)
    fresh_requests = len(server.requests) - before  # the offline runs' requests count too
    url = server.url
    cold_doc, offline_doc = json.loads(cold.stdout), json.loads(offline.stdout)
    assert offline_doc["source"]["mode"] == "offline"
    assert offline_doc["findings"] == cold_doc["findings"]
    hits = [r["cache"] for r in offline_doc["references"] if r["cache"]]
    assert hits
    assert all(c["hit"] and c["age_seconds"] >= 0 for c in hits)
    assert {c["source"] for c in hits} == {url}
    statuses = {r["status"] for r in json.loads(elsewhere.stdout)["references"] if r["doi"]}
    assert statuses == {"unverified"}
    assert f"not in the cache for {OTHER}" in elsewhere.stderr
    assert f"offline: answers come only from the cache of {url}" in offline.stderr
    assert fresh_requests == cold_requests
    assert all(not r["cache"]["hit"] for r in json.loads(fresh.stdout)["references"] if r["cache"])


def test_offline_miss_is_unverified(tmp_path: Path) -> None:
    result = run(
        "audit", SEED_MAP, "-f", "json", "--offline", env={"CLAIMCHECK_CACHE_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1  # three unsupported claims fail the gate before exit 3
    statuses = {r["status"] for r in json.loads(result.stdout)["references"] if r["doi"]}
    assert statuses == {"unverified"}


def test_an_unusable_cache_is_named_offline_and_refused_by_cache_info_and_clear(
    tmp_path: Path,
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path / "a-file" / "cache")}
    claim_map = write_map(tmp_path, SMALL)
    audit = run("audit", claim_map, "-f", "json", "--offline", env=env)
    messages = [f["message"] for f in json.loads(audit.stdout)["findings"]]
    why = f"cache file {tmp_path}/a-file/cache/{CACHE_FILE} cannot be read (Not a directory)"
    assert messages == [
        f"{ref}: lookup of {doi} failed: offline, and the cache cannot be used: {why}"
        for ref, doi in (("A", "10.1038/nbt.2816"), ("B", "10.1634/stemcells.22-4-448"))
    ]
    for command in ("info", "clear"):
        result = run("cache", command, env=env)
        assert (result.exit_code, result.stdout) == (2, "")
        assert "cannot be read (Not a directory); choose another with --cache-dir" in result.stderr


def test_two_concurrent_audits_share_one_cache(tmp_path: Path) -> None:
    exe = shutil.which("claimcheck") or str(Path(sys.executable).with_name("claimcheck"))
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(tmp_path), "NO_COLOR": "1", **POLITE}
    with ReplayServer(RECONSTRUCTED) as server:
        args = [exe, "audit", str(SEED_MAP), "-f", "json", "-q", "--crossref-url", server.url]
        procs = [
            subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 1, err
        assert err == b""
        assert json.loads(out)["summary"]["unverified"] == 0
    with Cache(tmp_path) as cache:
        # The 8 printed DOIs and the original R20 names; and one search per reference that
        # prints no DOI.
        assert (cache.info().works, cache.info().entries) == (9, 9 + 17)


def test_a_corrupt_cache_file_is_moved_aside(replay_server: ReplayServer, tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    # A map of DOIs only: the seed map's 17 metadata searches would add 6 s and nothing more.
    (tmp_path / "map").mkdir()
    claim_map = write_map(tmp_path / "map", SMALL)
    result = run(
        "audit",
        claim_map,
        "-f",
        "json",
        "--crossref-url",
        replay_server.url,
        env={"CLAIMCHECK_CACHE_DIR": str(tmp_path), **POLITE},
    )
    assert json.loads(result.stdout)["summary"]["unverified"] == 0
    assert "corrupt" in result.stderr
    assert list(tmp_path.glob(f"{CACHE_FILE}.corrupt-*"))


def test_cache_info_and_clear(replay_server: ReplayServer, tmp_path: Path) -> None:
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path)}
    run("resolve", ARTICLE, "--crossref-url", replay_server.url, env=env)
    info = run("cache", "info", env=env)
    assert info.exit_code == 0
    assert "answers: 1 (1 Crossref works, 0 agency answers, 0 DataCite records)" in info.stdout
    cleared = run("cache", "clear", env=env)
    assert "removed 1 cached answers" in cleared.stdout
    assert "answers: 0" in run("cache", "info", env=env).stdout


def cache_source(server: ReplayServer) -> str:
    return source_key("crossref", server.url)


def set_column(directory: Path, column: str, value: bytes | None) -> None:
    with sqlite3.connect(directory / CACHE_FILE) as conn:
        conn.execute(f"UPDATE responses SET {column} = ? WHERE kind = 'work'", (value,))
    conn.close()


def test_a_stored_work_that_cannot_be_read_is_asked_again(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(replay_server, tmp_path, clock) as first:
        work = first.lookup(ARTICLE).work
    assert work is not None
    another = encode_work(replace(work, doi="10.1038/another"))
    for stored in (b"not a stored work", b"[]", another):
        set_column(tmp_path, "body", stored)
        with client(replay_server, tmp_path, clock) as again:
            lookup = again.lookup(ARTICLE)
        assert (lookup.status, lookup.cache_age, lookup.work) == (LookupStatus.FOUND, None, work)
    assert len(replay_server.requests) == 4
    with client(replay_server, tmp_path, clock) as warm:  # and the answer fetched is stored
        assert warm.lookup(ARTICLE).cache_age == 0


def test_record_asks_again_for_a_work_stored_without_the_answer_as_sent(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(replay_server, tmp_path, clock) as first:
        first.lookup(ARTICLE)
    with Cache(tmp_path, clock=clock) as cache:
        sent = cache.get_many(cache_source(replay_server), "work", [ARTICLE], raw=True)[ARTICLE].raw
    assert sent is not None
    assert sent.startswith(b"{")
    set_column(tmp_path, "raw", None)
    recorded: list[RawResponse] = []
    with client(replay_server, tmp_path, clock, recorder=recorded.append) as recording:
        # The stored form is not what the server sent: nothing to record, so asked again.
        assert recording.lookup(ARTICLE).cache_age is None
    assert (len(replay_server.requests), recorded) == (2, [])
    with client(replay_server, tmp_path, clock, recorder=recorded.append) as recording:
        assert recording.lookup(ARTICLE).cache_age == 0  # the refetch stored it as sent
    assert [(r.request, r.status, r.body) for r in recorded] == [(works_path(ARTICLE), 200, sent)]
    set_column(tmp_path, "raw", None)
    with client(replay_server, tmp_path, clock) as plain:  # without --record: an answer
        assert plain.lookup(ARTICLE).cache_age == 0
    assert len(replay_server.requests) == 2


def test_a_run_the_cache_answers_whole_never_loads_the_http_client(
    cold_seed_run: ColdSeedRun, tmp_path: Path
) -> None:
    # The cold run filled this cache (a copy of it) from `server`.
    cache_dir = cold_seed_run.copy_cache(tmp_path / "cache")
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(cache_dir), **POLITE}
    server, cold = cold_seed_run.server, cold_seed_run.result
    asked = len(server.requests)
    warm = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from claimcheck.app.cli import main\n"
            "try:\n"
            "    main()\n"
            "finally:\n"
            "    print('httpx2' in sys.modules, file=sys.stderr)\n",
            *("audit", str(SEED_MAP), "-f", "json", "-q", "--crossref-url", server.url),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert len(server.requests) == asked  # every answer came from the cache
    assert json.loads(warm.stdout)["findings"] == json.loads(cold.stdout)["findings"]
    assert warm.stderr.strip().splitlines()[-1] == "False"


# --- a work first read as a linked record, then asked for its own update status ------------

THINGS = "10.5555/things.1"
THINGS_CORRECTION = "10.5555/things.corr"
THINGS_RETRACTION = "10.5555/things.retr"
THINGS_TITLE = "A long study of things in the laboratory mouse"
THINGS_FIELDS = {
    "authors": ("Rubio", "Garcia"),
    "year": 2018,
    "journal": "Journal of Tests",
    "volume": "12",
    "page": "100-110",
}
# R1 cites THINGS without a DOI (matched by a search); R2 prints its correction's DOI, which
# links to THINGS: THINGS is read as R2's linked record before the match asks for it.
THINGS_MAP = f"""
claimcheck: 1
references:
  R1: {{title: '{THINGS_TITLE}', authors: [Rubio A, Garcia B], journal: Journal of Tests,
        volume: '12', pages: 100-110, year: 2018}}
  R2: {{doi: {THINGS_CORRECTION}}}
claims:
  - {{id: C1, text: a claim, cites: [R1]}}
  - {{id: C2, text: another, cites: [R1, {{ref: R2, role: background}}]}}
"""


def things_server(server: ReplayServer) -> None:
    record = work_envelope(THINGS, title=THINGS_TITLE, **THINGS_FIELDS)  # type: ignore[arg-type]
    server.add_work(record)
    server.add_search(work_list(dict(json.loads(record)["message"], score=95.0)))
    add_notice(server, THINGS_CORRECTION, "correction", "2019-01-01")


def add_notice(server: ReplayServer, doi: str, kind: str, date: str) -> None:
    """A `kind` notice of THINGS, titled as publishers title them, updating it on `date`."""
    server.add_work(
        work_envelope(
            doi,
            title=f"{kind.capitalize()}: {THINGS_TITLE}",
            year=int(date[:4]),
            update_to=[update(THINGS, kind, date)],
        )
    )


def retract_things(server: ReplayServer) -> None:
    """THINGS is retracted after the first run cached it."""
    notice = [update(THINGS_RETRACTION, "retraction", "2020-01-01")]
    server.add_work(
        work_envelope(THINGS, title=THINGS_TITLE, updated_by=notice, **THINGS_FIELDS)  # type: ignore[arg-type]
    )
    add_notice(server, THINGS_RETRACTION, "retraction", "2020-01-01")


def verdict_of_r1(output: str) -> str:
    (r1,) = [r for r in json.loads(output)["references"] if r["id"] == "R1"]
    return str(r1["verdict"])


def asked_for(server: ReplayServer, doi: str, since: int) -> int:
    return sum(1 for r in server.requests[since:] if doi in (r.doi, *r.filter_dois))


def age_cache(directory: Path, seconds: float) -> None:
    with sqlite3.connect(directory / CACHE_FILE) as conn:
        conn.execute("UPDATE responses SET fetched_at = fetched_at - ?", (seconds,))
    conn.close()


def test_a_matched_work_first_read_as_a_linked_record_gets_a_fresh_update_status(
    tmp_path: Path,
) -> None:
    path = write_map(tmp_path, THINGS_MAP)
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path / "cache"), **POLITE}
    with ReplayServer(RECONSTRUCTED) as server:
        things_server(server)
        first = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (first.exit_code, verdict_of_r1(first.stdout)) == (0, "clean")
        age_cache(tmp_path / "cache", timedelta(hours=25).total_seconds())  # past the status TTL
        retract_things(server)
        before = len(server.requests)
        second = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (second.exit_code, verdict_of_r1(second.stdout)) == (1, "retracted")
        # Its cached record (fresh for metadata only) named it; the match read it once more.
        assert asked_for(server, THINGS, before) == 1


def test_a_linked_records_answer_fresh_for_status_is_not_asked_again(tmp_path: Path) -> None:
    path = write_map(tmp_path, THINGS_MAP)
    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path / "cache"), **POLITE}
    with ReplayServer(RECONSTRUCTED) as server:
        things_server(server)
        first = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (first.exit_code, verdict_of_r1(first.stdout)) == (0, "clean")
        assert asked_for(server, THINGS, 0) == 1  # read as a linked record, not again
        age_cache(tmp_path / "cache", timedelta(hours=1).total_seconds())  # within the TTL
        before = len(server.requests)
        second = run("audit", path, "-f", "json", "--crossref-url", server.url, env=env)
        assert (second.exit_code, verdict_of_r1(second.stdout)) == (0, "clean")
        assert len(server.requests) == before  # the cache answered every lookup


def cache_things(server: ReplayServer, directory: Path, clock: Clock) -> None:
    """The server holds THINGS, not yet retracted, and a first client caches its answer."""
    things_server(server)
    with client(server, directory, clock) as first:
        first.lookup(THINGS)


def test_a_work_named_from_the_cache_is_read_again_when_its_status_matters(
    tmp_path: Path,
) -> None:
    clock = Clock()
    with ReplayServer(RECONSTRUCTED) as server:
        cache_things(server, tmp_path, clock)
        clock.now += timedelta(hours=25).total_seconds()
        retract_things(server)
        with client(server, tmp_path, clock) as second:
            named = second.lookup_all([THINGS], status_matters=False)[THINGS]
            assert named.cache_age == timedelta(hours=25).total_seconds()
            assert second.lookup_all([THINGS], status_matters=False)[THINGS] is named
            cited = second.lookup(THINGS)
            assert cited.cache_age is None  # asked again: the cached status was too old
            assert cited.work is not None
            assert cited.work.updated_by
            assert second.lookup(THINGS) is cited  # and a fresh answer is not asked again
            assert second.lookup_all([THINGS], status_matters=False)[THINGS] is cited
        assert asked_for(server, THINGS, 0) == 2


def offline_after(tmp_path: Path, hours: float) -> tuple[CrossrefClient, str]:
    """An offline client over the cache `cache_things` filled, `hours` later; and the URL
    of the server (gone by then) that filled it."""
    clock = Clock()
    with ReplayServer(RECONSTRUCTED) as server:
        cache_things(server, tmp_path, clock)
        url = server.url
    clock.now += timedelta(hours=hours).total_seconds()
    cache = Cache(tmp_path, clock=clock)
    fetcher = HttpFetcher(url, retries=0)
    return CrossrefClient(fetcher, base_url=url, cache=cache, clock=clock, offline=True), url


def test_a_stale_status_is_not_used_offline_whichever_way_it_was_first_read(
    tmp_path: Path,
) -> None:
    offline, _url = offline_after(tmp_path, 25)
    with offline:
        assert offline.lookup_all([THINGS], status_matters=False)[THINGS].status is (
            LookupStatus.FOUND
        )
        assert offline.lookup(THINGS).status is LookupStatus.FAILED


def test_offline_a_cached_answer_past_the_status_ttl_is_named_as_too_old_not_missing(
    tmp_path: Path,
) -> None:
    offline, url = offline_after(tmp_path, 50)
    with offline:
        stale = offline.lookup(THINGS)
        never = offline.lookup("10.5555/never.cached")
    assert stale.status is LookupStatus.FAILED
    assert stale.error is not None
    assert f"the cached answer from {url} is 50 h old, past the 24 h" in stale.error
    assert "not in the cache" not in stale.error
    assert never.error == f"not in the cache for {url}"


def test_a_directory_no_cache_file_can_be_made_in_is_named_not_read_as_empty(
    tmp_path: Path,
) -> None:
    # No cache file is there to open, so nothing failed: the directory itself is tried, as
    # /proc takes no file even from root (whom every permission check passes).
    env = {"CLAIMCHECK_CACHE_DIR": "/proc"}
    why = "cache directory /proc cannot hold a cache file"
    for command in ("info", "clear"):
        result = run("cache", command, env=env)
        assert (result.exit_code, result.stdout) == (2, ""), result.stderr
        assert f"{why}: " in result.stderr
        assert "choose another with --cache-dir" in result.stderr
    audit = run("audit", write_map(tmp_path, SMALL), "-f", "json", "--offline", env=env)
    messages = [f["message"] for f in json.loads(audit.stdout)["findings"]]
    assert len(messages) == 2
    assert all(f"offline, and the cache cannot be used: {why}" in m for m in messages)


def test_an_absent_cache_is_empty_and_not_created(tmp_path: Path) -> None:
    # A folder that exists, or one that can be made: an honest empty cache, left unmade.
    for where in (tmp_path, tmp_path / "new" / "deeper"):
        result = run("cache", "info", env={"CLAIMCHECK_CACHE_DIR": str(where)})
        assert result.exit_code == 0, result.stderr
        assert (
            "answers: 0 (0 Crossref works, 0 agency answers, 0 DataCite records)" in result.stdout
        )
    assert list(tmp_path.iterdir()) == []  # no cache file, folder or probe left behind


def test_offline_a_fresh_cached_answer_that_cannot_serve_is_not_called_unrecordable(
    tmp_path: Path,
) -> None:
    # A 404 row without the agency answer that would say what the 404 means: in the cache,
    # fresh, and still no answer; nothing is being recorded.
    url, doi = "http://127.0.0.1:9", "10.1234/abc"
    clock = Clock()
    cache = Cache(tmp_path, clock=clock)
    cache.put(source_key("crossref", url), "work", doi, 404, b"Resource not found.")
    fetcher = HttpFetcher(url, retries=0)
    with CrossrefClient(fetcher, base_url=url, cache=cache, clock=clock, offline=True) as offline:
        lookup = offline.lookup(doi)
    assert lookup.status is LookupStatus.FAILED
    assert (
        lookup.error == f"offline, and the cached answer from {url} cannot be read or is incomplete"
    )


def test_offline_a_cached_answer_past_the_metadata_ttl_is_named_by_its_age(
    tmp_path: Path,
) -> None:
    # A cache copied 45 days ago still holds the row: "not in the cache" would be untrue.
    offline, url = offline_after(tmp_path, 45 * 24)
    with offline:
        stale = offline.lookup(THINGS)
    assert stale.status is LookupStatus.FAILED
    assert stale.error == (
        f"offline, and the cached answer from {url} is 45 days old, past the 30 days within"
        " which a cached answer is trusted at all (CLAIMCHECK_METADATA_TTL_DAYS)"
    )
