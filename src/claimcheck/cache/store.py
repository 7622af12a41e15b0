"""A SQLite cache of registry answers (Crossref's and DataCite's), shared by every audit (and
process) on the machine.

Rows are keyed by (source, kind, lower-cased DOI): the raw body of a `/works/{doi}` ("work")
or `/works/{doi}/agency` ("agency") answer, its status and when it was fetched. The source
names the registry and the base URL it was asked at (`source_key`), so an answer from one
server never stands in for another's: a mistyped `--crossref-url` that answered 404 must not
make a later run against the real registry say "not found". Metadata barely
changes, so an entry serves it for `metadata_ttl`; a retraction notice can appear any day, so
the client should take update status from it only while `fresh_for_status` (`status_ttl`).
DataCite's `/dois/{doi}` answers are "work" rows of a "datacite" source
(sources/datacite/cached.py), served only while fresh for status: all of DataCite's answer
is status, as a DOI can be hidden from its public API any day.

The cache must never break an audit: a corrupt file is moved aside and replaced, and an
unusable directory, a stuck lock or a failing disk turn the cache off for the run, with one
warning. Only bad arguments (an unknown kind, an uncacheable status) raise.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from claimcheck.cache.entries import CLOCK_SKEW_SECONDS, CacheEntry, CacheInfo, source_key
from claimcheck.cache.file import (
    Unusable,
    configure,
    directory_problem,
    ensure_schema,
    file_identity,
    transaction,
    unusable_reason,
)

# The entry types are re-exported: callers take them from here.
__all__ = [
    "CLOCK_SKEW_SECONDS",
    "Cache",
    "CacheEntry",
    "CacheInfo",
    "default_cache_dir",
    "source_key",
]

DEFAULT_METADATA_TTL = timedelta(days=30)  # bibliographic metadata
DEFAULT_STATUS_TTL = timedelta(hours=24)  # update / retraction status
CACHE_FILE = "crossref.sqlite3"
# search: a query.bibliographic answer; probe: the `/works?rows=0` answer that showed the
# server to be Crossref (sources/crossref/identity.py), keyed by that request.
KINDS = frozenset({"work", "agency", "search", "probe"})
# Only definite answers are stored. Failures (429, 5xx, timeouts, malformed bodies) are never
# cached: peers cached 429s and later reported them as answers, and a transient failure
# replayed from a cache would outlive the outage that caused it.
CACHEABLE_STATUSES = frozenset({200, 404})

# The sources of DataCite's answers (`source_key("datacite", …)`), as an SQL LIKE pattern.
DATACITE_SOURCES = "datacite %"

# Writers hold the lock for milliseconds, so waiting 10 s means a stuck process, not load.
BUSY_TIMEOUT_SECONDS = 10.0
# Keys per `IN (...)` query: well under SQLite's host-parameter limit (999 before 3.32).
CHUNK = 500

T = TypeVar("T")


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("claimcheck", appauthor=False))


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown cache kind {kind!r}; expected one of {sorted(KINDS)}")


def _key(doi: str) -> str | None:
    """The stored key, or None for a DOI SQLite cannot hold (lone surrogates): not cached."""
    key = doi.lower()
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return key


class Cache:
    """Registry answers on disk. Safe to share between threads and between processes."""

    def __init__(
        self,
        directory: Path,
        *,
        metadata_ttl: timedelta = DEFAULT_METADATA_TTL,
        status_ttl: timedelta = DEFAULT_STATUS_TTL,
        clock: Callable[[], float] = time.time,
        warn: Callable[[str], None] = lambda _m: None,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self.directory = Path(directory)
        self.path = self.directory / CACHE_FILE
        self.metadata_ttl = metadata_ttl
        self.status_ttl = status_ttl
        self.clock = clock
        self._warn = warn
        self._busy_timeout = busy_timeout
        # One connection behind a lock: lookups are network-bound, so serialising the
        # millisecond-long cache calls costs nothing and keeps the connection's state simple.
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.problem: str | None = None  # why the cache turned itself off, once it has

    @property
    def enabled(self) -> bool:
        """False once the cache has turned itself off for this run (after warning why)."""
        return self.problem is None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._close_connection()

    def get(self, source: str, kind: str, doi: str) -> CacheEntry | None:
        """The entry, or None if absent or past the metadata TTL."""
        return self.get_many(source, kind, [doi]).get(doi.lower())

    def get_many(
        self,
        source: str,
        kind: str,
        dois: Iterable[str],
        *,
        raw: bool = False,
        expired: bool = False,
    ) -> dict[str, CacheEntry]:
        """Present, unexpired entries of `source` by lower-cased DOI; one query per CHUNK keys.
        With `raw`, each entry also carries the answer as the server sent it. With `expired`,
        entries past the metadata TTL too (only to say why an answer cannot serve)."""
        _check_kind(kind)
        keys = list(dict.fromkeys(k for k in map(_key, dois) if k is not None))
        now = self.clock()
        found: dict[str, CacheEntry] = {}
        columns = "doi, status, body, fetched_at" + (", raw" if raw else "")
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            sql = (
                f"SELECT {columns} FROM responses"
                f" WHERE source = ? AND kind = ? AND doi IN ({', '.join('?' * len(chunk))})"
            )
            for row in self._select(sql, [source, kind, *chunk]):
                doi, status, body, fetched_at = row[:4]
                sent = bytes(row[4]) if raw and row[4] is not None else None
                entry = CacheEntry(kind, doi, status, bytes(body), fetched_at, sent)
                if expired or entry.fresh_for_metadata(now, self.metadata_ttl):
                    found[doi] = entry
        return found

    def put(
        self,
        source: str,
        kind: str,
        doi: str,
        status: int,
        body: bytes,
        *,
        raw: bytes | None = None,
        fetched_at: float | None = None,
    ) -> None:
        when = self.clock() if fetched_at is None else fetched_at
        self.put_many(source, kind, [(doi, status, body, when)], raw={doi: raw} if raw else None)

    def put_many(
        self,
        source: str,
        kind: str,
        rows: Iterable[tuple[str, int, bytes, float]],
        *,
        raw: Mapping[str, bytes] | None = None,
    ) -> None:
        """Store rows (doi, status, body, fetched_at) of `source` in one transaction; later
        rows win. `raw` gives, by DOI, the answer as sent where it differs from `body`."""
        _check_kind(kind)
        raw = raw or {}
        params: list[tuple[str, str, str, int, bytes, bytes | None, float]] = []
        for doi, status, body, fetched_at in rows:
            if status not in CACHEABLE_STATUSES:
                raise ValueError(f"refusing to cache HTTP {status} for {doi!r}: not an answer")
            key = _key(doi)
            if key is not None:
                sent = raw.get(doi)
                params.append(
                    (source, kind, key, int(status), bytes(body), sent, float(fetched_at))
                )
        if params:
            self._write(
                "INSERT OR REPLACE INTO responses"
                " (source, kind, doi, status, body, raw, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                params,
                create=True,
            )

    def info(self) -> CacheInfo:
        # DataCite's records are "work" rows too, counted apart from Crossref's works.
        rows = self._select(
            "SELECT count(*), coalesce(sum(kind = 'work' AND NOT source LIKE ?), 0),"
            " coalesce(sum(kind = 'agency'), 0), min(fetched_at), max(fetched_at),"
            " coalesce(sum(kind = 'work' AND source LIKE ?), 0) FROM responses",
            [DATACITE_SOURCES, DATACITE_SOURCES],
        )
        entries, works, agencies, oldest, newest, datacite = (
            rows[0] if rows else (0, 0, 0, None, None, 0)
        )
        size = 0
        for suffix in ("", "-wal"):
            with suppress(OSError):  # no file yet, or no log: nothing to count
                size += Path(f"{self.path}{suffix}").stat().st_size
        return CacheInfo(self.path, entries, works, agencies, size, oldest, newest, datacite)

    def clear(self) -> int:
        """Remove every entry; returns how many."""
        return self._write("DELETE FROM responses", [()], create=False)

    def purge_expired(self) -> int:
        """Remove entries past the metadata TTL (or dated in the future), and DataCite's past
        the status TTL, after which they never serve; returns how many."""
        now = self.clock()
        return self._write(
            "DELETE FROM responses WHERE fetched_at < ? OR fetched_at > ?"
            " OR (source LIKE ? AND fetched_at < ?)",
            [
                (
                    now - self.metadata_ttl.total_seconds(),
                    now + CLOCK_SKEW_SECONDS,
                    DATACITE_SOURCES,
                    now - self.status_ttl.total_seconds(),
                )
            ],
            create=False,
        )

    # Internals. Every public method goes through `_run`, which holds the lock, opens the
    # file on first use, and turns any SQLite or OS failure into "no cache" plus a warning.

    def _select(self, sql: str, params: Sequence[object]) -> list[Any]:
        return self._run(lambda conn: conn.execute(sql, params).fetchall(), [], create=False)

    def _write(self, sql: str, rows: Sequence[Sequence[object]], *, create: bool) -> int:
        """Run `sql` once per row in one short transaction; returns the rows changed."""

        def write(conn: sqlite3.Connection) -> int:
            with transaction(conn):
                changed: int = conn.executemany(sql, rows).rowcount
            return changed

        return self._run(write, 0, create=create)

    def _run(self, op: Callable[[sqlite3.Connection], T], default: T, *, create: bool) -> T:
        with self._lock:
            if self.problem is not None:
                return default
            try:
                conn = self._connection(create)
                return default if conn is None else op(conn)
            except (sqlite3.Error, OSError) as exc:
                # After a good open, a failure is a full disk, a stuck lock or damage found
                # mid-run: stop using the cache rather than pay a timeout per lookup. The next
                # run's open check moves a damaged file aside.
                self._disable(f"cache file {self.path} failed ({exc})")
                return default

    def _connection(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is None:
            # Reading an absent cache must not create one (e.g. `cache info` on a new machine).
            if not create and not self._readable():
                return None
            self._conn = self._open()
        return self._conn

    def _readable(self) -> bool:
        """Whether there is a cache file to read. An absent one is simply empty, unless its
        directory could never hold one (/proc, a read-only folder); that, and one that cannot
        even be looked at (a file where a folder should be, no permission), turn the cache off
        with the reason, so an offline run does not read "not in the cache" for every DOI
        with nothing saying why, nor `cache info` "0 answers"."""
        try:
            self.path.stat()
        except FileNotFoundError:
            problem = directory_problem(self.directory)
            if problem is not None:
                self._disable(f"cache directory {self.directory} {problem}")
            return False
        except OSError as exc:
            self._disable(f"cache file {self.path} cannot be read ({exc.strerror or exc})")
            return False
        return True

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            self._disable(f"cache directory {self.directory} cannot be created ({exc})")
            return None
        problem = "is unusable even when new"
        for _attempt in range(2):  # the second try opens the fresh file after a move aside
            conn, problem_now = self._try_open()
            if conn is not None:
                return conn
            if problem_now is not None:
                problem = problem_now
                break
        self._disable(f"cache file {self.path} {problem}")
        return None

    def _try_open(self) -> tuple[sqlite3.Connection | None, str | None]:
        """(connection, None); or (None, why the cache must stay off); or (None, None) once
        a bad file has been moved aside and a new one may be tried."""
        identity = file_identity(self.path)
        conn: sqlite3.Connection | None = None
        try:
            # isolation_level=None: no implicit transactions; writes use explicit short ones.
            # `timeout` is SQLite's busy timeout: another process's lock is waited for.
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout,
                isolation_level=None,
                check_same_thread=False,  # guarded by self._lock
            )
            configure(conn, self._busy_timeout)
            ensure_schema(conn)
        except (Unusable, sqlite3.Error) as exc:
            # Heal before closing: SQLite deletes the -wal and -shm when it closes the file.
            try:
                return None, self._heal(exc, identity)
            finally:
                if conn is not None:
                    conn.close()
        return conn, None

    def _heal(self, exc: Exception, identity: tuple[int, int] | None) -> str | None:
        """Move a bad file aside (None), or say why a sound one cannot be used now."""
        if isinstance(exc, sqlite3.Error):
            reason = unusable_reason(exc)
            if reason is not None:
                return reason
        why = str(exc) if isinstance(exc, Unusable) else "is corrupt"
        try:
            self._move_aside(why, identity)
        except OSError as move_error:
            return f"{why} and cannot be moved aside ({move_error})"
        return None

    def _move_aside(self, why: str, identity: tuple[int, int] | None) -> None:
        """Rename the bad file (and its -wal/-shm) out of the way. Raises OSError."""
        if identity is not None and file_identity(self.path) != identity:
            # Another process already replaced the bad file: open the new one instead of
            # moving a healthy cache aside.
            return
        stamp = int(self.clock())
        aside = self.path.with_name(f"{CACHE_FILE}.corrupt-{stamp}")
        n = 0
        while aside.exists():  # two bad files in one second: keep both
            n += 1
            aside = self.path.with_name(f"{CACHE_FILE}.corrupt-{stamp}.{n}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.replace(source, f"{aside}{suffix}")
        self._warn(f"cache file {self.path} {why}; moved aside to {aside}; starting empty")

    def _disable(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem
            self._close_connection()
            self._warn(f"{problem}; running without a cache")

    def _close_connection(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            with suppress(sqlite3.Error):  # the file is consistent after every commit
                conn.close()
