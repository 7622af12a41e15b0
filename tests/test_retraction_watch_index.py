"""The Retraction Watch SQLite index: reuse, rebuilding, concurrent builders, progress, tables."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from claimcheck.sources.retraction_watch import RetractionWatchIndex
from claimcheck.sources.retraction_watch import index as rw_index
from tests.test_retraction_watch import FULL_ROW, csv_text, index_files, index_of, only, write

# ---- the index ---------------------------------------------------------------------------


def test_the_index_is_built_once_and_reused(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([FULL_ROW]))
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    with RetractionWatchIndex.open(path, tmp_path / "index") as first:
        assert first.built
        assert first.sha256 == sha256
        assert first.csv_path == path
        assert first.index_path == tmp_path / "index" / f"retraction-watch-{sha256}.sqlite"
        before = first.index_path.stat()
    with RetractionWatchIndex(path, tmp_path / "index") as second:
        assert not second.built
        assert (second.rows, second.sha256) == (1, sha256)
        assert only(second, "10.5555/paper.1").record_id == "51234"
        after = second.index_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert index_files(tmp_path / "index") == [f"retraction-watch-{sha256}.sqlite"]


def test_a_changed_csv_gets_a_new_index_and_the_old_one_goes(tmp_path: Path) -> None:
    old = index_of(tmp_path, csv_text([FULL_ROW]))
    assert old.by_notice(["10.5555/notice.2"]) == {}
    changed = {**FULL_ROW, "Record ID": "2", "RetractionDOI": "10.5555/notice.2"}
    with index_of(tmp_path, csv_text([FULL_ROW, changed])) as new:
        assert new.built
        assert new.sha256 != old.sha256
        assert new.rows == 2
        (record,) = new.by_notice(["10.5555/notice.2"])["10.5555/notice.2"]
        assert record.record_id == "2"
        assert index_files(tmp_path / "index") == [new.index_path.name]
        if os.name == "posix":  # an open index outlives its file's removal
            assert only(old, "10.5555/paper.1").record_id == "51234"
    old.close()


def corrupt_garbage(path: Path) -> None:
    path.write_bytes(b"this is not a SQLite file\n" * 100)


def corrupt_truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def corrupt_last_page_lost(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    data = path.read_bytes()
    path.write_bytes(data[:-page_size])


def corrupt_empty(path: Path) -> None:
    path.write_bytes(b"")


def corrupt_schema_version(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    connection.close()


def corrupt_lost_rows(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM records")
    connection.close()


def corrupt_no_meta(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE meta")
    connection.close()


@pytest.mark.parametrize(
    "corrupt",
    [
        corrupt_garbage,
        corrupt_truncated,
        corrupt_last_page_lost,
        corrupt_empty,
        corrupt_schema_version,
        corrupt_lost_rows,
        corrupt_no_meta,
    ],
)
def test_a_corrupt_or_outdated_index_is_rebuilt(
    tmp_path: Path, corrupt: Callable[[Path], None]
) -> None:
    path = write(tmp_path, csv_text([FULL_ROW]))
    with RetractionWatchIndex(path, tmp_path / "index") as first:
        index_path = first.index_path
    corrupt(index_path)
    with RetractionWatchIndex(path, tmp_path / "index") as second:
        assert second.built
        assert only(second, "10.5555/paper.1").record_id == "51234"
    with RetractionWatchIndex(path, tmp_path / "index") as third:
        assert not third.built
    assert index_files(tmp_path / "index") == [index_path.name]


def test_an_interrupted_build_leaves_no_index(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([FULL_ROW]))

    def interrupt(rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        RetractionWatchIndex(path, tmp_path / "index", on_progress=interrupt)
    assert index_files(tmp_path / "index") == []
    with RetractionWatchIndex(path, tmp_path / "index") as index:
        assert index.built
        assert index.rows == 1


def test_a_concurrent_builder_does_not_break_the_first(tmp_path: Path) -> None:
    """Another builder (here in the same process) builds and renames its index while the
    first is half way: both end with a whole index, and the first's rename wins."""
    path = write(tmp_path, csv_text([FULL_ROW]))
    others: list[RetractionWatchIndex] = []

    def build_another(rows: int) -> None:
        if not others:
            others.append(RetractionWatchIndex(path, tmp_path / "index"))

    with RetractionWatchIndex(path, tmp_path / "index", on_progress=build_another) as first:
        (second,) = others
        assert first.built
        assert second.built
        for index in (first, second):
            assert only(index, "10.5555/paper.1").record_id == "51234"
        second.close()
    with RetractionWatchIndex(path, tmp_path / "index") as third:
        assert not third.built
    assert index_files(tmp_path / "index") == [third.index_path.name]


def test_builders_in_threads_agree(tmp_path: Path) -> None:
    rows = [
        {**FULL_ROW, "Record ID": str(i), "OriginalPaperDOI": f"10.5555/t.{i}"} for i in range(3000)
    ]
    path = write(tmp_path, csv_text(rows))
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            with RetractionWatchIndex(path, tmp_path / "index") as index:
                results.append((index.rows, index.sha256))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert results[0][0] == 3000
    assert [name for name in index_files(tmp_path / "index") if name.endswith(".tmp")] == []


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    stale = index_dir / ".retraction-watch-stale.tmp"
    fresh = index_dir / ".retraction-watch-fresh.tmp"
    for temp in (stale, fresh):
        temp.write_bytes(b"half an index")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    with RetractionWatchIndex(write(tmp_path, csv_text([FULL_ROW])), index_dir):
        pass
    assert not stale.exists()
    assert fresh.exists()  # perhaps another process's build in progress


def test_progress_is_reported(tmp_path: Path) -> None:
    rows = [
        {**FULL_ROW, "Record ID": str(i), "OriginalPaperDOI": f"10.5555/p.{i}"}
        for i in range(10_500)
    ]
    seen: list[int] = []
    path = write(tmp_path, csv_text(rows))
    with RetractionWatchIndex(path, tmp_path / "index", on_progress=seen.append) as index:
        assert index.rows == 10_500
    assert seen == [10_000, 10_500]


def test_the_index_tables(tmp_path: Path) -> None:
    with index_of(tmp_path, csv_text([FULL_ROW])) as index:
        index_path = index.index_path
    with sqlite3.connect(index_path) as connection:
        meta = {k: json.loads(v) for k, v in connection.execute("SELECT key, value FROM meta")}
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        notices = connection.execute("SELECT doi, record_id FROM notice_dois").fetchall()
    connection.close()
    assert meta["schema_version"] == rw_index.SCHEMA_VERSION
    assert meta["rows"] == 1
    assert meta["sha256"] == index_path.stem.removeprefix("retraction-watch-")
    assert {
        "records",
        "original_dois",
        "notice_dois",
        "original_dois_doi",
        "notice_dois_doi",
    } <= tables
    assert notices == [("10.5555/notice.1", "51234")]
