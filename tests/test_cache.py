"""The Crossref answer cache, on real SQLite files: no mocks."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import random
import sqlite3
import threading
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


# --- self-healing ----------------------------------------------------------------------------


def truncated_database(tmp_path: Path) -> bytes:
    with make_cache(tmp_path / "source") as cache:
        cache.put_many(SRC, "work", [(f"10.1/{i}", 200, b"y" * 3000, T0) for i in range(40)])
        path = cache.path
    data = path.read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize("damage", ["random", "text", "truncated"])
def test_corrupt_file_is_moved_aside(tmp_path: Path, damage: str) -> None:
    old = {
        "random": lambda: random.Random(7).randbytes(8192),
        "text": lambda: b"this is not a database\n" * 50,
        "truncated": lambda: truncated_database(tmp_path),
    }[damage]()
    directory = tmp_path / "cache"
    directory.mkdir()
    (directory / CACHE_FILE).write_bytes(old)
    (directory / f"{CACHE_FILE}-wal").write_bytes(b"stale log")
    warnings = Warnings()
    with make_cache(directory, warn=warnings) as cache:
        assert cache.get(SRC, "work", "10.1/x") is None
        cache.put(SRC, "work", "10.1/x", 200, b"fresh")
        assert cache.get(SRC, "work", "10.1/x") is not None
        assert cache.enabled
    aside = directory / f"{CACHE_FILE}.corrupt-{int(T0)}"
    path = directory / CACHE_FILE
    assert warnings == [f"cache file {path} is corrupt; moved aside to {aside}; starting empty"]
    assert aside.read_bytes() == old
    assert Path(f"{aside}-wal").read_bytes() == b"stale log"


def test_file_from_a_newer_schema_is_moved_aside(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE) as raw:
        raw.execute("PRAGMA user_version = 99")
    raw.close()
    warnings = Warnings()
    with make_cache(tmp_path, warn=warnings) as cache:
        cache.put(SRC, "work", "10.1/x", 200, b"{}")
        assert cache.info().entries == 1
    assert len(warnings) == 1
    assert "newer claimcheck (schema version 99)" in warnings[0]
    assert (tmp_path / f"{CACHE_FILE}.corrupt-{int(T0)}").exists()


# The layouts of older versions: 1 had no source, 2 no raw column, 3 its columns in another
# order and a work's body as an envelope, 4 today's columns but a work without its other
# titles (Crossref's `title` is "Work titles, including translated titles"), 5 without its
# other subtitles, and with a 404 kept with an empty body and no probe answer beside it, 6
# without its publication dates (which timing reads to tell an issue date on an in-place
# entry from a retraction's date).
OLDER_LAYOUTS = {
    1: "kind TEXT NOT NULL, doi TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,"
    " fetched_at REAL NOT NULL, PRIMARY KEY (kind, doi)",
    3: "source TEXT NOT NULL, kind TEXT NOT NULL, doi TEXT NOT NULL, status INTEGER NOT NULL,"
    " body BLOB NOT NULL, raw BLOB, fetched_at REAL NOT NULL, PRIMARY KEY (source, kind, doi)",
    4: "source TEXT NOT NULL, kind TEXT NOT NULL, doi TEXT NOT NULL, status INTEGER NOT NULL,"
    " fetched_at REAL NOT NULL, body BLOB NOT NULL, raw BLOB, PRIMARY KEY (source, kind, doi)",
}
OLDER_LAYOUTS[5] = OLDER_LAYOUTS[4]
OLDER_LAYOUTS[6] = OLDER_LAYOUTS[4]
# What each older version kept as a found work's body.
OLDER_BODIES = {
    1: b'{"status":"ok","message-type":"work","message":{"DOI":"10.1/x"}}',
    3: b'{"status":"ok","message-type":"work","message":{"DOI":"10.1/x"}}',
    # The stored Work of version 4: six numbers, no count of other titles.
    4: b'[0,0,0,0,0,0,"10.1/x","Title","","","","","","","",""]',
    # Version 5's: seven numbers, no count of other subtitles.
    5: b'[0,0,0,0,0,0,0,"10.1/x","Title","","","","","","","",""]',
    # Version 6's: eight numbers, no count of publication dates.
    6: b'[0,0,0,0,0,0,0,0,"10.1/x","Title","","","","","","","",""]',
}


@pytest.mark.parametrize("version", sorted(OLDER_LAYOUTS))
def test_an_older_cache_is_emptied_and_rebuilt_without_a_warning(
    tmp_path: Path, version: int
) -> None:
    # Version 1 rows carry no source: nobody can tell which server gave them. Version 3
    # bodies are envelopes, which the reader of stored works would not read. Version 4 works
    # lack the other titles that the metadata check compares, version 5 works the other
    # subtitles (and a version 5 not-found has no body as sent to record), version 6 works
    # their publication dates.
    with sqlite3.connect(tmp_path / CACHE_FILE) as raw:
        raw.execute(f"CREATE TABLE responses ({OLDER_LAYOUTS[version]})")
        if version == 1:
            raw.execute(
                "INSERT INTO responses VALUES ('work', '10.1/x', 200, ?, ?)",
                (OLDER_BODIES[version], T0),
            )
        else:
            raw.execute(
                "INSERT INTO responses (source, kind, doi, status, body, raw, fetched_at)"
                " VALUES (?, 'work', '10.1/x', ?, ?, NULL, ?)",
                (SRC, 200, OLDER_BODIES[version], T0),
            )
        raw.execute(f"PRAGMA user_version = {version}")
    raw.close()
    with make_cache(tmp_path, warn=fail_on_warning) as cache:
        assert cache.get(SRC, "work", "10.1/x") is None
        assert cache.info().entries == 0
        cache.put(SRC, "work", "10.1/x", 200, b"{}")
        assert cache.get(SRC, "work", "10.1/x") is not None
    with sqlite3.connect(tmp_path / CACHE_FILE) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    raw.close()
    assert not list(tmp_path.glob("*.corrupt-*"))


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


def test_foreign_database_is_moved_aside(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / CACHE_FILE) as raw:
        raw.execute("CREATE TABLE responses (x)")
    raw.close()
    warnings = Warnings()
    with make_cache(tmp_path, warn=warnings) as cache:
        cache.put(SRC, "work", "10.1/x", 200, b"{}")
        assert cache.get(SRC, "work", "10.1/x") is not None
    assert len(warnings) == 1
    assert "is corrupt; moved aside" in warnings[0]


def directory_is_writable(directory: Path) -> bool:
    probe = directory / "probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return False
    probe.unlink()
    return True


def assert_no_op_cache(cache: Cache, warnings: Warnings) -> None:
    cache.put(SRC, "work", "10.1/x", 200, b"{}")
    cache.put_many(SRC, "agency", [("10.1/x", 404, b"", T0)])
    assert cache.get(SRC, "work", "10.1/x") is None
    assert cache.get_many(SRC, "work", ["10.1/x"]) == {}
    assert cache.info().entries == 0
    assert cache.clear() == 0
    assert cache.purge_expired() == 0
    assert not cache.enabled
    with pytest.raises(ValueError, match="refusing to cache"):
        cache.put(SRC, "work", "10.1/x", 429, b"")  # bad arguments still raise
    assert len(warnings) == 1, warnings


def test_unwritable_directory_gives_a_no_op_cache(tmp_path: Path) -> None:
    directory = tmp_path / "readonly"
    directory.mkdir(mode=0o500)
    try:
        if directory_is_writable(directory):
            pytest.skip("running as root: chmod does not stop writes")
        warnings = Warnings()
        with make_cache(directory, warn=warnings) as cache:
            assert_no_op_cache(cache, warnings)
        assert "running without a cache" in warnings[0]
    finally:
        directory.chmod(0o700)


def test_uncreatable_directory_gives_a_no_op_cache(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    warnings = Warnings()
    with make_cache(tmp_path / "a-file" / "cache", warn=warnings) as cache:
        assert_no_op_cache(cache, warnings)
    assert warnings[0].startswith(f"cache directory {tmp_path / 'a-file' / 'cache'} cannot")


def test_reading_through_a_file_where_a_folder_should_be_turns_the_cache_off(
    tmp_path: Path,
) -> None:
    # Reads come first in an audit (and are all an offline run does): such a cache must say
    # why it is off, not read as an empty one.
    (tmp_path / "a-file").write_text("not a directory")
    warnings = Warnings()
    with make_cache(tmp_path / "a-file" / "cache", warn=warnings) as cache:
        assert cache.get_many(SRC, "work", ["10.1/x"]) == {}
        assert not cache.enabled
        assert cache.problem == (
            f"cache file {tmp_path / 'a-file' / 'cache' / CACHE_FILE} cannot be read"
            " (Not a directory)"
        )
    assert warnings == [f"{cache.problem}; running without a cache"]


def test_reading_an_absent_cache_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    warnings = Warnings()
    with make_cache(tmp_path / "new", warn=warnings) as cache:
        assert cache.info().entries == 0
        assert (cache.enabled, cache.problem, warnings) == (True, None, [])
    assert not (tmp_path / "new").exists()


def test_stuck_writer_turns_the_cache_off_without_moving_it(tmp_path: Path) -> None:
    with make_cache(tmp_path) as cache:
        cache.put(SRC, "work", "10.1/x", 200, b"kept")
    warnings = Warnings()
    blocker = sqlite3.connect(tmp_path / CACHE_FILE, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with make_cache(tmp_path, warn=warnings, busy_timeout=0.05) as cache:
            assert cache.get(SRC, "work", "10.1/x") is not None  # WAL: readers are not blocked
            cache.put(SRC, "work", "10.1/y", 200, b"lost")
            cache.put(SRC, "work", "10.1/z", 200, b"lost")
            assert cache.get(SRC, "work", "10.1/x") is None  # off for the rest of the run
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert len(warnings) == 1
    assert "locked" in warnings[0]
    assert not list(tmp_path.glob("*.corrupt-*"))
    with make_cache(tmp_path) as cache:
        assert cache.get(SRC, "work", "10.1/x") is not None


# --- concurrency -----------------------------------------------------------------------------


def worker(
    directory: str, name: str, barrier: multiprocessing.synchronize.Barrier, count: int
) -> None:
    """One audit process: its own keys and keys every process writes, each read back."""
    with Cache(Path(directory), warn=fail_on_warning) as cache:
        barrier.wait()
        for i in range(count):
            own = f"10.1/{name}-{i}"
            cache.put(SRC, "work", own, 200, f"{name} {i}".encode())
            cache.put(SRC, "agency", f"10.1/shared-{i}", 200, f"{name} {i}".encode())
            entry = cache.get(SRC, "work", own)
            assert entry is not None
            assert entry.body == f"{name} {i}".encode()
            shared = cache.get(SRC, "agency", f"10.1/shared-{i}")
            assert shared is not None
            assert shared.body.endswith(f" {i}".encode())


def test_two_processes_share_the_cache_without_losing_rows(tmp_path: Path) -> None:
    count = 300
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    processes = [
        context.Process(target=worker, args=(str(tmp_path), name, barrier, count))
        for name in ("a", "b")
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0]
    with Cache(tmp_path, warn=fail_on_warning) as cache:
        for name in ("a", "b"):
            own = cache.get_many(SRC, "work", [f"10.1/{name}-{i}" for i in range(count)])
            assert {k: v.body for k, v in own.items()} == {
                f"10.1/{name}-{i}": f"{name} {i}".encode() for i in range(count)
            }
        shared = cache.get_many(SRC, "agency", [f"10.1/shared-{i}" for i in range(count)])
        assert len(shared) == count
        for i in range(count):
            assert shared[f"10.1/shared-{i}"].body in (f"a {i}".encode(), f"b {i}".encode())
        assert cache.info().entries == 3 * count


def test_threads_share_one_cache(tmp_path: Path) -> None:
    errors: list[BaseException] = []
    with Cache(tmp_path, warn=fail_on_warning) as cache:

        def run(n: int) -> None:
            try:
                for i in range(100):
                    cache.put(SRC, "work", f"10.1/{n}-{i}", 200, b"%d" % i)
                    assert cache.get(SRC, "work", f"10.1/{n}-{i}") is not None
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert cache.info().entries == 400


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
