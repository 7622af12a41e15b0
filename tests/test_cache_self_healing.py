"""The cache heals itself: a bad file is moved aside or rebuilt, and an unusable cache turns off."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from claimcheck.cache.file import SCHEMA_VERSION
from claimcheck.cache.store import CACHE_FILE, Cache
from tests.test_cache import SRC, T0, Warnings, fail_on_warning, make_cache

# --- a damaged, foreign, older or newer file -------------------------------------------------


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


# --- a cache that cannot be written or read --------------------------------------------------


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
