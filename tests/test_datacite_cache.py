"""DataCite's answers in the cache: the DataCite client over real loopback HTTP, with a real
SQLite cache file on an injected clock. No mocks.

Only definite answers are kept (a record that reads, DataCite's own 404), as sent, under the
DataCite URL that gave them; they serve for the status TTL only, and offline a DOI without
one is a failed lookup that says why.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimcheck.cache.store import CACHE_FILE, Cache, source_key
from claimcheck.model.record import LookupStatus
from claimcheck.sources.datacite.answers import NOT_FOUND_NOTE
from claimcheck.sources.datacite.client import IDENTIFIED, DataCiteClient
from claimcheck.testing import DataCiteReplayServer, Fault
from claimcheck.testing.datacite_server import NOT_FOUND_BODY
from claimcheck.transport.limiter import Limiter
from tests.test_cache import T0, Clock
from tests.test_datacite import (
    FIGSHARE,
    MAILTO,
    MISSING,
    RECONSTRUCTED,
    RECORDED,
    ZENODO,
    body_of,
)
from tests.test_datacite_client import VirtualClock, fetcher_for

HOUR = 3600.0
CROSSREF = source_key("crossref", "http://127.0.0.1:9")


@pytest.fixture
def datacite() -> Iterator[DataCiteReplayServer]:
    with DataCiteReplayServer(RECORDED, RECONSTRUCTED) as server:
        yield server
        assert not server.errors, server.errors


def client(
    url: str, cache: Cache | None, *, offline: bool = False, **options: Any
) -> DataCiteClient:
    """A DataCite client for `url`: its pace on a virtual clock, no retries, and `cache`."""
    pace = VirtualClock()
    limiter = Limiter(IDENTIFIED, clock=pace, sleep=pace.sleep)
    fetcher = None if offline else fetcher_for(url, retries=0)
    return DataCiteClient(
        url, fetcher, mailto=MAILTO, limiter=limiter, cache=cache, offline=offline, **options
    )


def cache_at(directory: Path, clock: Clock) -> Cache:
    return Cache(directory, clock=clock)


def test_a_record_and_datacites_404_are_kept_as_sent_and_served_offline(
    datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(datacite.url, cache_at(tmp_path, clock)) as online:
        live = online.lookup_all([ZENODO, MISSING])
    assert (live[ZENODO].cache_age, live[MISSING].cache_age) == (None, None)
    with Cache(tmp_path, clock=clock) as cache:
        source = source_key("datacite", datacite.url)
        found, missing = (cache.get(source, "work", doi) for doi in (ZENODO, MISSING))
    assert found is not None
    assert (found.status, found.body) == (200, body_of(ZENODO))
    assert missing is not None
    assert (missing.status, missing.body) == (404, NOT_FOUND_BODY)

    clock.now += HOUR
    with client(datacite.url, cache_at(tmp_path, clock), offline=True) as offline:
        cached = offline.lookup_all([ZENODO, MISSING])
    assert cached[ZENODO].status is LookupStatus.FOUND
    assert cached[ZENODO].record == live[ZENODO].record
    assert (cached[ZENODO].cache_age, cached[ZENODO].cache_source) == (HOUR, datacite.url)
    assert cached[MISSING].status is LookupStatus.NOT_FOUND
    assert (cached[MISSING].note, cached[MISSING].cache_age) == (NOT_FOUND_NOTE, HOUR)
    assert len(datacite.requests) == 2  # the offline client asked nothing


def test_online_a_cached_answer_is_not_asked_again(
    datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(datacite.url, cache_at(tmp_path, clock)) as first:
        first.lookup(ZENODO)
    clock.now += 23 * HOUR
    with client(datacite.url, cache_at(tmp_path, clock)) as second:
        assert second.lookup(ZENODO).cache_age == 23 * HOUR
    # --fresh: asked again, and the new answer stored.
    with client(datacite.url, cache_at(tmp_path, clock), read_cache=False) as fresh:
        assert fresh.lookup(ZENODO).cache_age is None
    assert len(datacite.requests_for(ZENODO)) == 2
    with client(datacite.url, cache_at(tmp_path, clock), offline=True) as offline:
        assert offline.lookup(ZENODO).cache_age == 0


@pytest.mark.parametrize(
    "fault",
    [
        Fault.http(500, match=ZENODO),
        Fault.http(429, match=ZENODO),
        Fault.http(404, match=ZENODO),  # a plain-text 404: not DataCite's error document
        Fault.json(body_of(FIGSHARE), match=ZENODO),  # a record of another DOI
        Fault.json(b'{"data": {"type": "dois"}}', match=ZENODO),  # unreadable
        Fault.html(match=ZENODO),
    ],
    ids=["500", "429", "text-404", "another-doi", "no-attributes", "html"],
)
def test_a_failed_answer_is_never_cached(
    datacite: DataCiteReplayServer, tmp_path: Path, fault: Fault
) -> None:
    clock = Clock()
    datacite.add_fault(fault)
    with client(datacite.url, cache_at(tmp_path, clock)) as online:
        assert online.lookup(ZENODO).status is LookupStatus.FAILED
    with Cache(tmp_path, clock=clock) as cache:
        assert cache.info().datacite == 0
    with client(datacite.url, cache_at(tmp_path, clock), offline=True) as offline:
        lookup = offline.lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert lookup.error == (
        f"offline, and DataCite's answer for this DOI is not in the cache for {datacite.url}"
    )


def test_an_answer_past_the_status_ttl_is_not_served(
    datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(datacite.url, cache_at(tmp_path, clock)) as first:
        first.lookup_all([ZENODO, MISSING])
    # Still fresh for a Crossref record's metadata (30 days), but a DataCite DOI can be
    # hidden from the public API (the "registered" state) any day.
    clock.now += 25 * HOUR
    with client(datacite.url, cache_at(tmp_path, clock), offline=True) as offline:
        stale = offline.lookup_all([ZENODO, MISSING])
    for lookup in stale.values():
        assert lookup.status is LookupStatus.FAILED
        assert lookup.error is not None
        assert lookup.error.startswith(
            f"offline, and DataCite's answer for this DOI in the cache for {datacite.url} is "
            "25 h old, older than the status TTL (24 h, CLAIMCHECK_STATUS_TTL_HOURS)"
        )
    with client(datacite.url, cache_at(tmp_path, clock)) as online:
        again = online.lookup_all([ZENODO, MISSING])
    assert {lookup.cache_age for lookup in again.values()} == {None}
    assert len(datacite.requests) == 4


def test_one_datacite_urls_answers_never_stand_in_for_anothers(
    datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    clock = Clock()
    with client(datacite.url, cache_at(tmp_path, clock)) as first:
        first.lookup(ZENODO)
    with DataCiteReplayServer(RECORDED) as other:
        with client(other.url, cache_at(tmp_path, clock), offline=True) as offline:
            lookup = offline.lookup(ZENODO)
        assert lookup.status is LookupStatus.FAILED
        assert f"not in the cache for {other.url}" in (lookup.error or "")
        with client(other.url, cache_at(tmp_path, clock)) as online:
            assert online.lookup(ZENODO).cache_age is None
        assert len(other.requests) == 1


def test_the_cache_names_a_datacite_url_without_its_credentials(
    datacite: DataCiteReplayServer, tmp_path: Path
) -> None:
    secret_url = datacite.url.replace("http://", "http://editor:s3cret@")
    shown = datacite.url.replace("http://", "http://***@")
    clock = Clock()
    with client(secret_url, cache_at(tmp_path, clock)) as online:
        online.lookup(ZENODO)
    with client(secret_url, cache_at(tmp_path, clock), offline=True) as offline:
        lookup = offline.lookup(ZENODO)
    assert lookup.cache_source == shown
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        assert conn.execute("SELECT source FROM responses").fetchall() == [(f"datacite {shown}",)]


def test_offline_with_an_unusable_cache_says_so(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    cache = Cache(tmp_path / "not-a-folder", clock=Clock())
    with client("http://127.0.0.1:9", cache, offline=True) as offline:
        lookup = offline.lookup(ZENODO)
    assert lookup.status is LookupStatus.FAILED
    assert (lookup.error or "").startswith("offline, and the cache cannot be used: cache file")


# --- the cache file: DataCite's rows beside Crossref's -------------------------------------------


def test_info_counts_datacite_records_apart_from_crossref_works(tmp_path: Path) -> None:
    datacite = source_key("datacite", "http://127.0.0.1:9")
    with Cache(tmp_path, clock=Clock()) as cache:
        cache.put(CROSSREF, "work", "10.1/a", 200, b"{}")
        cache.put(CROSSREF, "agency", "10.1/b", 200, b"{}")
        cache.put(datacite, "work", ZENODO, 200, b"{}")
        cache.put(datacite, "work", MISSING, 404, NOT_FOUND_BODY)
        info = cache.info()
    assert (info.entries, info.works, info.agencies, info.datacite) == (4, 1, 1, 2)


def test_purge_drops_datacite_answers_past_the_status_ttl(tmp_path: Path) -> None:
    datacite = source_key("datacite", "http://127.0.0.1:9")
    ages = [0, 23, 25, 31 * 24]  # hours
    with Cache(tmp_path, clock=Clock()) as cache:
        for age in ages:
            when = T0 - age * HOUR
            cache.put(CROSSREF, "work", f"10.1/{age}", 200, b"{}", fetched_at=when)
            cache.put(datacite, "work", f"10.5061/{age}", 200, b"{}", fetched_at=when)
        # DataCite's 25 h and 31-day answers never serve again; Crossref's 25 h work still
        # gives its metadata (30 days), its 31-day one does not.
        assert cache.purge_expired() == 3
        kept = cache.get_many(datacite, "work", [f"10.5061/{age}" for age in ages])
        assert sorted(kept) == ["10.5061/0", "10.5061/23"]
        assert len(cache.get_many(CROSSREF, "work", [f"10.1/{age}" for age in ages])) == 3
        assert cache.purge_expired() == 0
