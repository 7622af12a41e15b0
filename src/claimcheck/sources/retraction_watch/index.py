"""The Retraction Watch CSV indexed into SQLite, once per file content (its sha256), so a
run looks up a thousand DOIs in milliseconds instead of parsing 60 MB. The index is built
streaming, in one transaction, into a temporary file renamed into place: an interrupted
build never leaves half an index."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Self

from claimcheck.sources.retraction_watch.load import Meta, Tally, load
from claimcheck.sources.retraction_watch.rows import (
    LATIN_1_FALLBACK,
    HashingReader,
    RetractionWatchError,
    RetractionWatchRecord,
    doi_or_none,
)

# Bump whenever the tables or the parsing rules change: an index with another version is
# rebuilt, so a user never gets answers from an older reading of the same CSV.
SCHEMA_VERSION = 3


_CHUNK = 500  # DOIs per SQL IN list, under the 999 parameters that older SQLite allows


_STALE_TEMP_SECONDS = 3_600  # a build takes seconds; an older temp file is an interrupted one


# A list is stored as `\n`-joined text: no DOI holds white space, and no reason a line break.
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    record_id TEXT PRIMARY KEY, nature TEXT NOT NULL, date TEXT, original_date TEXT,
    title TEXT NOT NULL, journal TEXT NOT NULL,
    original_dois TEXT NOT NULL, notice_dois TEXT NOT NULL, reasons TEXT NOT NULL
);
CREATE TABLE original_dois (doi TEXT NOT NULL, record_id TEXT NOT NULL);
CREATE TABLE notice_dois (doi TEXT NOT NULL, record_id TEXT NOT NULL)
"""


# Indexes are made after the bulk insert: one sort is much faster than 130,000 updates.
_INDEXES = """
CREATE INDEX original_dois_doi ON original_dois (doi);
CREATE INDEX notice_dois_doi ON notice_dois (doi)
"""


_SELECT = (
    "SELECT l.doi, r.* FROM {table} AS l JOIN records AS r ON r.record_id = l.record_id"
    " WHERE l.doi IN ({marks})"
)


class RetractionWatchIndex:
    """Lookups in one Retraction Watch CSV, through its SQLite index in `index_dir`."""

    def __init__(
        self, csv_path: Path, index_dir: Path, on_progress: Callable[[int], None] | None = None
    ) -> None:
        self.csv_path = Path(csv_path)
        self._index_dir = Path(index_dir)
        self._on_progress = on_progress
        self.sha256 = _file_sha256(self.csv_path)
        opened = _open_index(_index_path(index_dir, self.sha256), self.sha256)
        self.built = opened is None
        if opened is None:
            self.sha256, opened = _build(self.csv_path, self._index_dir, on_progress)
        self.index_path = _index_path(index_dir, self.sha256)
        self._take(opened)

    def _take(self, opened: tuple[sqlite3.Connection, Meta]) -> None:
        self._connection, meta = opened
        self.rows = meta.rows
        self.skipped_rows = meta.skipped.count
        self.skipped_lines = meta.skipped.lines  # the first few, for a warning
        self.lost_dois: Tally = meta.lost_dois
        self.lost_dates: Tally = meta.lost_dates

    @classmethod
    def open(
        cls, csv_path: Path, index_dir: Path, on_progress: Callable[[int], None] | None = None
    ) -> Self:
        """The same as the constructor: the factory that app/settings.py calls."""
        return cls(csv_path, index_dir, on_progress)

    def by_original(self, dois: Iterable[str]) -> dict[str, tuple[RetractionWatchRecord, ...]]:
        """The records about each paper DOI asked; DOIs with none are left out."""
        return self._lookup("original_dois", dois)

    def by_notice(self, dois: Iterable[str]) -> dict[str, tuple[RetractionWatchRecord, ...]]:
        """The records whose notice has each DOI asked; DOIs with none are left out."""
        return self._lookup("notice_dois", dois)

    def _lookup(
        self, table: str, dois: Iterable[str]
    ) -> dict[str, tuple[RetractionWatchRecord, ...]]:
        asked = list(dict.fromkeys(doi for raw in dois if (doi := doi_or_none(raw))))
        try:
            found = self._select(table, asked)
        except sqlite3.ProgrammingError:
            raise  # used after close(): the caller's mistake, not a damaged index
        except sqlite3.DatabaseError:
            # Damage that opening did not see (it reads the records table, not the DOI
            # indexes): build the index again from the CSV, once, and ask again.
            self._rebuild()
            try:
                found = self._select(table, asked)
            except sqlite3.DatabaseError as exc:
                raise RetractionWatchError(
                    f"{self.index_path}: the index is unreadable ({exc}); delete it to rebuild"
                ) from exc
        return {
            doi: tuple(sorted(records, key=lambda r: (r.date or "", r.record_id)))
            for doi, records in found.items()
        }

    def _select(self, table: str, asked: list[str]) -> dict[str, list[RetractionWatchRecord]]:
        found: dict[str, list[RetractionWatchRecord]] = {}
        for start in range(0, len(asked), _CHUNK):
            chunk = asked[start : start + _CHUNK]
            # `table` is one of two literals above, never caller text.
            sql = _SELECT.format(table=table, marks=",".join("?" * len(chunk)))
            for doi, *stored in self._connection.execute(sql, chunk).fetchall():
                found.setdefault(doi, []).append(_from_stored(stored))
        return found

    def _rebuild(self) -> None:
        """Replace the damaged index by a new one built from the CSV."""
        self._connection.close()
        with contextlib.suppress(OSError):
            self.index_path.unlink()  # else a concurrent run could open the damaged one
        self.sha256, opened = _build(self.csv_path, self._index_dir, self._on_progress)
        self.index_path = _index_path(self._index_dir, self.sha256)
        self.built = True
        self._take(opened)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _index_path(index_dir: Path, sha256: str) -> Path:
    return Path(index_dir) / f"retraction-watch-{sha256}.sqlite"


def _file_sha256(path: Path) -> str:
    if not path.is_file():
        raise RetractionWatchError(f"{path}: not a file (expected the Retraction Watch CSV)")
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError as exc:
        raise RetractionWatchError(f"{path}: cannot be read: {exc.strerror or exc}") from exc


def _open_index(path: Path, sha256: str) -> tuple[sqlite3.Connection, Meta] | None:
    """The index at `path` and its meta, or None when it is absent, outdated or damaged, or
    removed meanwhile by another run that built an index of another copy of the CSV."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None  # absent (read-only mode creates nothing), or unreadable
    try:
        meta = {k: json.loads(v) for k, v in connection.execute("SELECT key, value FROM meta")}
        # Damage would otherwise show only in a later lookup: compare the file's size with
        # SQLite's page count, and count the rows, which reads the whole records table.
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        if (
            meta["schema_version"] == SCHEMA_VERSION
            and meta["sha256"] == sha256
            and pages * page_size == path.stat().st_size
            and connection.execute("SELECT count(*) FROM records").fetchone()[0] == meta["rows"]
        ):
            return connection, Meta.from_meta(meta)
    except (sqlite3.Error, OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        pass  # not an index of ours (a meta value nested thousands deep too), or gone: rebuilt
    connection.close()
    return None


def _build(
    csv_path: Path, index_dir: Path, on_progress: Callable[[int], None] | None
) -> tuple[str, tuple[sqlite3.Connection, Meta]]:
    """Index the CSV into a temporary file renamed into place; return the bytes' sha256,
    and the index opened.

    Concurrent builders each write their own temporary file and the rename is atomic, so a
    reader sees no index or a whole one, never half of one; the last rename wins. The index
    is opened before the rename: another run building another copy's index may remove this
    one as stale the moment it is in place, and an open index outlives its file's removal.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".retraction-watch-", suffix=".tmp", dir=index_dir)
        os.close(fd)
    except OSError as exc:
        raise RetractionWatchError(f"{index_dir}: cannot write the index: {exc}") from exc
    temp = Path(name)
    try:
        sha256 = _fill(temp, csv_path, on_progress)
        opened = _open_index(temp, sha256)
        if opened is None:
            raise RetractionWatchError(f"{temp}: the index just built is unreadable")
        try:
            os.replace(temp, _index_path(index_dir, sha256))
            _remove_stale(index_dir, _index_path(index_dir, sha256))
        except BaseException:
            opened[0].close()
            raise
    except (OSError, sqlite3.Error) as exc:
        raise RetractionWatchError(f"{index_dir}: cannot write the index: {exc}") from exc
    finally:
        temp.unlink(missing_ok=True)
    return sha256, opened


def _remove_stale(index_dir: Path, keep: Path) -> None:
    """Remove the indexes of other CSV contents, and interrupted builds' temporary files.

    Users update the CSV as often as daily, and each content has its own 50 MB index: only
    the newest is kept (another CSV in use is indexed again when next opened). A process
    using a removed index keeps reading it until it closes it; one about to open it finds it
    gone and builds it again. Each removal tolerates a file another run removed first.
    """
    cutoff = time.time() - _STALE_TEMP_SECONDS
    for path in index_dir.glob(".retraction-watch-*.tmp"):
        with contextlib.suppress(OSError):  # another process removed or renamed it first
            if path.stat().st_mtime < cutoff:
                path.unlink()
    for path in index_dir.glob("retraction-watch-*.sqlite"):
        if path != keep:
            with contextlib.suppress(OSError):
                path.unlink()


def _fill(temp: Path, csv_path: Path, on_progress: Callable[[int], None] | None) -> str:
    """Write the whole index into `temp` in one transaction; return the CSV bytes' sha256."""
    connection = sqlite3.connect(temp, isolation_level=None)
    try:
        # No journal and no syncs while writing: the file is private until renamed, and an
        # interrupted build is thrown away, never resumed.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")  # not executescript(), which would commit first
        for statement in _SCHEMA.split(";"):
            connection.execute(statement)
        try:
            with csv_path.open("rb", buffering=0) as raw:
                hashing = HashingReader(raw)
                buffered = io.BufferedReader(hashing)
                with io.TextIOWrapper(buffered, "utf-8-sig", LATIN_1_FALLBACK, newline="") as text:
                    meta = load(connection, text, csv_path, on_progress)
        except OSError as exc:
            raise RetractionWatchError(
                f"{csv_path}: cannot be read: {exc.strerror or exc}"
            ) from exc
        for statement in _INDEXES.split(";"):
            connection.execute(statement)
        sha256 = hashing.digest.hexdigest()
        values = {"schema_version": SCHEMA_VERSION, "sha256": sha256}
        values |= meta.as_meta()
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in values.items()]
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    with temp.open("rb") as stream:
        os.fsync(stream.fileno())  # whole on disk before the rename makes it visible
    return sha256


def _from_stored(stored: list[Any]) -> RetractionWatchRecord:
    key, nature, when, since, title, journal, *texts = stored
    original, notice, reasons = (tuple(text.split("\n")) if text else () for text in texts)
    return RetractionWatchRecord(
        key, nature, original, notice, when, since, title, journal, reasons
    )
