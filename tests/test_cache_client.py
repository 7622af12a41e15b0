"""The Crossref client over its cache: what is stored, when it is trusted, and when asked again."""

from __future__ import annotations

import sqlite3
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
from tests.factories import SkippedWaits

NOTICE = "10.1158/0008-5472.can-10-2451"
ARTICLE = "10.1038/nbt.2816"


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
