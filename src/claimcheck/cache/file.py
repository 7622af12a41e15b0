"""The cache's SQLite file: its schema, the pragmas every connection sets, one short write
transaction, and what an SQLite error says about the file (bad, or only unusable now)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Kept in PRAGMA user_version. 1 had no source, 2 no raw column, 3 kept a work's body as a
# compact envelope, 4 the Work without its other titles, 5 without its other subtitles, and
# an empty body for a `/works/{doi}` 404 and no probe answer (6: the Work with both, in
# sources/crossref/stored.py; the 404 as sent, and the probe that showed the server to be
# Crossref, for --record), and 6 the Work without its publication dates (7).
SCHEMA_VERSION = 7

# Primary result codes (https://sqlite.org/rescode.html) that mean the file is fine but we
# may not use it now: moving it aside would lose a good cache or fail for the same reason.
LOCKED_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED
ENVIRONMENT_CODES = frozenset({3, 8, 10, 13, 14, 22, 23})  # PERM READONLY IOERR FULL CANTOPEN..

# `body` is what the checks read (for a found work, the Work its answer gave, in the form of
# sources/crossref/stored.py: cheap to read on a warm run); `raw` is the answer as the server
# sent it, read only by --record, or NULL when the two are the same (never for a found work).
# `raw` comes last: SQLite keeps a row's columns in order and spills a long row to overflow
# pages, so a reader of the columns before it (every warm lookup) never walks the answer as
# sent (about 6 KB a work) to reach `fetched_at`.
_SCHEMA = (
    "CREATE TABLE responses (source TEXT NOT NULL, kind TEXT NOT NULL, doi TEXT NOT NULL,"
    " status INTEGER NOT NULL, fetched_at REAL NOT NULL, body BLOB NOT NULL, raw BLOB,"
    " PRIMARY KEY (source, kind, doi))"
)
# Older files are emptied, not migrated: version 1 rows carry no source (nobody can tell which
# server answered them), version 2 rows no compact body, version 3 bodies are envelopes that
# the reader of version 4 would take for unreadable rows (a miss each, then a refetch anyway),
# version 4 works lack the translated titles (Crossref's `title` is "Work titles, including
# translated titles"), and version 5 works the translated subtitles, which the metadata check
# now compares (a version 5 row, one count short, would read as a miss each anyway), and a
# version 5 "not found" cannot be recorded as evidence that replays the same (no 404 body as
# sent, no probe). Version 6 works lack their publication dates, which timing now reads to
# tell an in-place entry dated by its issue (Elsevier's 10.1016/j.crad.2024.02.007) from a
# dated retraction: a version 6 row, one count short, would read as a miss each anyway.
_OLDER_SCHEMAS = frozenset({1, 2, 3, 4, 5, 6})


class Unusable(Exception):
    """The file opened but is not a cache we can use; the message completes "cache file X …"."""


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, where the busy timeout applies; a deferred
    # transaction that upgrades from read to write in WAL mode gets SQLITE_BUSY at once.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def configure(conn: sqlite3.Connection, timeout: float) -> None:
    # WAL lets readers and one writer from other processes work at once; NORMAL skips the
    # fsync per commit, which in WAL mode can lose the last writes on power loss but never
    # corrupts the file: fine for a cache.
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            # Two processes switching a new file to WAL at once deadlock, and SQLite answers
            # BUSY at once instead of waiting: retry here, within the busy timeout.
            if error_code(exc) not in LOCKED_CODES or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    conn.execute("PRAGMA synchronous=NORMAL")
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise Unusable("is corrupt")


def ensure_schema(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise Unusable(f"was written by a newer claimcheck (schema version {version})")
    with transaction(conn):
        # Read again under the write lock: another process may have just created the schema.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        if version in _OLDER_SCHEMAS:
            # A cache need not migrate: an older layout is emptied and rebuilt.
            conn.execute("DROP TABLE IF EXISTS responses")
        elif version != 0 or tables:
            raise Unusable("is corrupt")  # not a file we made
        conn.execute(_SCHEMA)
        # Pragmas take no parameters; SCHEMA_VERSION is a constant int.
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def error_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def unusable_reason(exc: sqlite3.Error) -> str | None:
    """Why a sound file cannot be used now, or None if the file itself is bad."""
    code = error_code(exc)
    if code in LOCKED_CODES:
        return f"stayed locked ({exc})"
    if code in ENVIRONMENT_CODES:
        return f"cannot be opened for writing ({exc})"
    return None


def directory_problem(directory: Path) -> str | None:
    """Why `directory` cannot hold a cache file, or None when it can: it is a folder where a
    file can be made, or can be created in one. Asked only when there is no cache file yet,
    so that an absent cache reads as empty without being created, while a place no cache can
    ever be in (a file, /proc, a read-only folder) is named. Writability is tried, not read
    from the mode bits: root passes every access() check, yet nothing can be made in /proc."""
    place = directory
    while not os.path.lexists(place) and place.parent != place:
        place = place.parent  # the nearest existing folder: the one `mkdir -p` would write in
    if not place.is_dir():
        shown = "is not a directory" if place == directory else f"is under {place}, a file"
        return f"{shown}, so no cache file can be made in it"
    try:
        # An unnamed file where the system can make one (O_TMPFILE), else a named one removed
        # at once: either way nothing is left behind.
        with tempfile.TemporaryFile(dir=place):
            pass
    except OSError as exc:
        where = "" if place == directory else f" (nothing can be made in {place})"
        return f"cannot hold a cache file{where}: {exc.strerror or exc}"
    return None


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None if there is none: whether the file a
    connection failed on is still the one there (another process may have replaced it)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
