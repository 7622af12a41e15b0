"""The Crossref answer cache on real SQLite files, no mocks: round trips, keys, time, counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.cache.file import SCHEMA_VERSION
from claimcheck.cache.store import (
    CACHE_FILE,
    DEFAULT_METADATA_TTL,
    DEFAULT_STATUS_TTL,
    Cache,
    CacheEntry,
    default_cache_dir,
    source_key,
)

# Every row is stored under the registry and base URL that answered it.
SRC = source_key("crossref", "http://127.0.0.1:9")
T0 = 1_700_000_000.0
DAY = 86_400.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Warnings(list[str]):
    def __call__(self, message: str) -> None:
        self.append(message)


def make_cache(
    directory: Path,
    clock: Clock | None = None,
    *,
    warn: Callable[[str], None] = lambda _m: None,
    metadata_ttl: timedelta = DEFAULT_METADATA_TTL,
    busy_timeout: float = 10.0,
) -> Cache:
    """A cache on an injected clock (T0 unless given)."""
    return Cache(
        directory,
        clock=clock or Clock(),
        warn=warn,
        metadata_ttl=metadata_ttl,
        busy_timeout=busy_timeout,
    )


def fail_on_warning(message: str) -> None:
    raise AssertionError(f"unexpected cache warning: {message}")


# --- round trips and keys ------------------------------------------------------------------


def test_put_get_round_trip_is_byte_exact(tmp_path: Path) -> None:
    body = bytes(range(256)) * 3 + b"\x00\xff{}"
    with make_cache(tmp_path, warn=fail_on_warning) as cache:
        cache.put(SRC, "work", "10.1000/ABC", 200, body)
        entry = cache.get(SRC, "work", "10.1000/abc")
    assert entry == CacheEntry("work", "10.1000/abc", 200, body, T0)
    assert type(entry.body) is bytes


def test_doi_keys_are_case_insensitive_and_kinds_separate(tmp_path: Path) -> None:
    with make_cache(tmp_path) as cache:
        cache.put(SRC, "work", "10.1000/MiXeD", 200, b"work body")
        cache.put(SRC, "agency", "10.1000/mixed", 404, b"Resource not found.")
        cache.put(SRC, "work", "10.1000/mixed", 200, b"newer work body")  # same key: replaces
        work = cache.get(SRC, "work", "10.1000/MIXED")
        agency = cache.get(SRC, "agency", "10.1000/Mixed")
        assert cache.get(SRC, "agency", "10.1000/other") is None
        assert cache.info().entries == 2
    assert work is not None
    assert work.body == b"newer work body"
    assert agency is not None
    assert (agency.status, agency.body) == (404, b"Resource not found.")


def test_get_many_returns_present_unexpired_keys_beyond_one_chunk(tmp_path: Path) -> None:
    clock = Clock()
    with make_cache(tmp_path, clock) as cache:
        rows = [(f"10.1/N{i}", 200, f"body {i}".encode(), T0) for i in range(1200)]
        cache.put_many(SRC, "work", rows)
        cache.put(SRC, "work", "10.1/old", 200, b"old", fetched_at=T0 - 31 * DAY)
        asked = [f"10.1/n{i}" for i in range(0, 1300, 2)] + ["10.1/OLD", "10.1/N2"]
        found = cache.get_many(SRC, "work", asked)
        assert cache.get_many(SRC, "agency", asked) == {}
        assert cache.get_many(SRC, "work", []) == {}
    assert set(found) == {f"10.1/n{i}" for i in range(0, 1200, 2)}
    assert found["10.1/n998"].body == b"body 998"


def test_hostile_doi_strings_are_only_keys(tmp_path: Path) -> None:
    hostile = ["'; DROP TABLE responses; --", 'a"b', "nul\x00inside", "%_*", "?", ""]
    with make_cache(tmp_path) as cache:
        for i, doi in enumerate(hostile):
            cache.put(SRC, "work", doi, 200, str(i).encode())
        got = {doi: cache.get(SRC, "work", doi) for doi in hostile}
        assert cache.info().entries == len(hostile)
        assert cache.get(SRC, "work", "nul") is None
    assert [entry.body if entry else None for entry in got.values()] == [
        str(i).encode() for i in range(len(hostile))
    ]


def test_unencodable_doi_is_not_cached_and_does_not_fail(tmp_path: Path) -> None:
    with make_cache(tmp_path, warn=fail_on_warning) as cache:
        cache.put(SRC, "work", "10.1/\ud800", 200, b"x")
        assert cache.get(SRC, "work", "10.1/\ud800") is None
        assert cache.info().entries == 0


@pytest.mark.parametrize("status", [429, 500, 503, 0, 301])
def test_put_of_a_failure_raises_and_stores_nothing(tmp_path: Path, status: int) -> None:
    with make_cache(tmp_path) as cache:
        with pytest.raises(ValueError, match="refusing to cache"):
            cache.put(SRC, "work", "10.1/x", status, b"Too Many Requests")
        with pytest.raises(ValueError, match="refusing to cache"):
            cache.put_many(SRC, "work", [("10.1/ok", 200, b"{}", T0), ("10.1/x", status, b"", T0)])
        assert cache.get_many(SRC, "work", ["10.1/x", "10.1/ok"]) == {}
        assert cache.info().entries == 0


def test_unknown_kind_raises(tmp_path: Path) -> None:
    with make_cache(tmp_path) as cache, pytest.raises(ValueError, match="unknown cache kind"):
        cache.put(SRC, "journal", "10.1/x", 200, b"")


def test_an_answer_is_kept_for_the_server_that_gave_it(tmp_path: Path) -> None:
    wrong = source_key("crossref", "http://127.0.0.1:1/typo")
    with make_cache(tmp_path) as cache:
        cache.put(wrong, "work", "10.1/x", 404, b"")
        cache.put(wrong, "agency", "10.1/x", 404, b"")
        assert cache.get(SRC, "work", "10.1/x") is None
        assert cache.get_many(SRC, "agency", ["10.1/x"]) == {}
        assert cache.get(wrong, "work", "10.1/x") is not None
        cache.put(SRC, "work", "10.1/x", 200, b"{}")
        assert cache.get(SRC, "work", "10.1/x").status == 200
        assert cache.get(wrong, "work", "10.1/x").status == 404
        assert cache.info().entries == 3


def test_the_answer_as_sent_is_read_only_when_asked_for(tmp_path: Path) -> None:
    with make_cache(tmp_path) as cache:
        cache.put(SRC, "work", "10.1/x", 200, b"compact", raw=b"as sent")
        cache.put(SRC, "work", "10.1/y", 200, b"same")
        plain = cache.get_many(SRC, "work", ["10.1/x", "10.1/y"])
        assert {d: (e.body, e.raw) for d, e in plain.items()} == {
            "10.1/x": (b"compact", None),
            "10.1/y": (b"same", None),
        }
        full = cache.get_many(SRC, "work", ["10.1/x", "10.1/y"], raw=True)
        assert {d: e.raw for d, e in full.items()} == {"10.1/x": b"as sent", "10.1/y": None}


def test_source_key_ignores_case_of_host_and_a_trailing_slash_only() -> None:
    key = source_key("crossref", "https://registry.example/api")
    assert source_key("crossref", "HTTPS://Registry.Example/api/") == key
    assert source_key("crossref", "https://registry.example/API") != key
    assert source_key("crossref", "http://registry.example/api") != key
    assert source_key("datacite", "https://registry.example/api") != key


# --- time --------------------------------------------------------------------------------


def test_metadata_ttl_hides_old_entries(tmp_path: Path) -> None:
    clock = Clock()
    with make_cache(tmp_path, clock, metadata_ttl=timedelta(days=30)) as cache:
        cache.put(SRC, "work", "10.1/x", 200, b"{}")
        clock.now = T0 + 30 * DAY
        assert cache.get(SRC, "work", "10.1/x") is not None  # exactly the TTL: still fresh
        clock.now = T0 + 30 * DAY + 1
        assert cache.get(SRC, "work", "10.1/x") is None
        assert cache.get_many(SRC, "work", ["10.1/x"]) == {}


def test_status_freshness_flips_after_status_ttl(tmp_path: Path) -> None:
    clock = Clock()
    with make_cache(tmp_path, clock) as cache:
        cache.put(SRC, "work", "10.1/x", 200, b"{}")
        clock.now = T0 + DAY - 1
        entry = cache.get(SRC, "work", "10.1/x")
        assert entry is not None
        assert entry.age(clock.now) == DAY - 1
        assert entry.fresh_for_status(clock.now, cache.status_ttl)
        assert not entry.fresh_for_status(T0 + DAY + 1, DEFAULT_STATUS_TTL)
        assert entry.fresh_for_metadata(T0 + DAY + 1, DEFAULT_METADATA_TTL)
        clock.now = T0 + DAY + 1
        assert cache.get(SRC, "work", "10.1/x") is not None  # metadata still served


def test_future_dated_entries_are_not_fresh(tmp_path: Path) -> None:
    with make_cache(tmp_path) as cache:
        cache.put(SRC, "work", "10.1/skew", 200, b"{}", fetched_at=T0 + 30)  # small skew: tolerated
        cache.put(SRC, "work", "10.1/future", 200, b"{}", fetched_at=T0 + 365 * DAY)
        assert cache.get(SRC, "work", "10.1/skew") is not None
        assert cache.get(SRC, "work", "10.1/future") is None
        assert cache.purge_expired() == 1


def test_purge_expired_removes_exactly_the_old_rows(tmp_path: Path) -> None:
    clock = Clock()
    with make_cache(tmp_path, clock) as cache:
        ages = [0, 1, 29, 30, 31, 90]
        for age in ages:
            cache.put(SRC, "work", f"10.1/{age}", 200, b"{}", fetched_at=T0 - age * DAY)
            cache.put(SRC, "agency", f"10.1/{age}", 404, b"", fetched_at=T0 - age * DAY - 1)
        assert cache.purge_expired() == 2 + 3  # work 31, 90; agency 30 (+1 s), 31, 90
        kept = cache.get_many(SRC, "work", [f"10.1/{a}" for a in ages])
        assert sorted(kept) == ["10.1/0", "10.1/1", "10.1/29", "10.1/30"]
        assert cache.info().entries == 4 + 3
        assert cache.purge_expired() == 0


# --- info and clear ------------------------------------------------------------------------


def test_info_counts_and_clear(tmp_path: Path) -> None:
    directory = tmp_path / "new" / "cache"
    with make_cache(directory) as cache:
        empty = cache.info()
        assert not directory.exists()  # reading an absent cache does not create it
        assert (empty.entries, empty.size_bytes, empty.oldest, empty.newest) == (0, 0, None, None)
        cache.put_many(SRC, "work", [(f"10.1/{i}", 200, b"x" * 100, T0 - i) for i in range(5)])
        cache.put(SRC, "agency", "10.1/0", 200, b'{"agency": "crossref"}')
        info = cache.info()
        assert info.path == directory / CACHE_FILE
        assert (info.entries, info.works, info.agencies) == (6, 5, 1)
        assert (info.oldest, info.newest) == (T0 - 4, T0)
        assert info.size_bytes > 0
        assert cache.clear() == 6
        assert cache.info().entries == 0
        assert cache.get(SRC, "work", "10.1/0") is None
    assert directory.stat().st_mode & 0o777 == 0o700


def test_wal_mode_is_on(tmp_path: Path) -> None:
    with make_cache(tmp_path) as cache:
        cache.put(SRC, "work", "10.1/x", 200, b"{}")
        with sqlite3.connect(cache.path) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


def test_default_cache_dir_is_per_user() -> None:
    assert default_cache_dir().name == "claimcheck"


# --- property ------------------------------------------------------------------------------


def test_arbitrary_dois_and_bodies_round_trip(tmp_path: Path) -> None:
    with make_cache(tmp_path, warn=fail_on_warning) as cache:

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(doi=st.text(), body=st.binary(), status=st.sampled_from([200, 404]))
        def round_trip(doi: str, body: bytes, status: int) -> None:
            cache.put(SRC, "work", doi, status, body)
            entry = cache.get(SRC, "work", doi)
            assert entry is not None
            assert (entry.doi, entry.status, entry.body) == (doi.lower(), status, body)
            assert cache.get_many(SRC, "work", [doi.lower()])[doi.lower()] == entry

        round_trip()
