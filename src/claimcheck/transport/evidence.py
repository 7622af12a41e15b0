"""Evidence snapshots: save every Crossref and DataCite response an audit used, and answer
from them later.

A snapshot is a directory with `index.json` and one file per response body, byte for byte:

    {"format": "claimcheck.evidence/1",
     "responses": [{"request": "/works/10.1038%2Fnbt.2816", "url": "https://…/works/…",
                    "status": 200, "content_type": "application/json",
                    "file": "works/10.1038_nbt.2816.json", "sha256": "…",
                    "fetched_at": "2026-11-24T18:00:00Z"}, …]}

Entries may also carry `origin` ("recorded" or "reconstructed") and `provenance` (a file).
An entry with `failed` (the cause) and no file records a lookup that failed in the run that
recorded it, so that an older answer to the same request cannot stand in for it.

One request can be answered several ways: by its own entry, or by a list answer holding its
work. The newest by `fetched_at` answers; at the same second, its own entry (a failure first).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from claimcheck.model.doi import doi_filename
from claimcheck.model.errors import LookupFailed, UsageError
from claimcheck.model.sanitize import json_escape
from claimcheck.transport.fetch import Fetcher, RawResponse, now_iso
from claimcheck.transport.files import write_atomic
from claimcheck.transport.limiter import SINGLE
from claimcheck.transport.urls import redact_url, redact_urls

INDEX_NAME = "index.json"
FORMAT = "claimcheck.evidence/1"


def body_filename(request: str, status: int, content_type: str) -> str:
    """`/works/10.1038%2Fnbt.2816` -> `works/10.1038_nbt.2816.json`; agency -> `agency/…`."""
    path, _, query = request.partition("?")
    if query:
        # A list request: named by a digest of its query, which is too long for a file name.
        digest = hashlib.sha256(request.encode("utf-8")).hexdigest()[:16]
        return f"lists/{digest}{'' if status == 200 else f'.{status}'}.json"
    folder, _, rest = path.strip("/").partition("/")
    if rest.endswith("/agency"):
        folder, rest = "agency", rest[: -len("/agency")]
    stem = doi_filename(unquote(rest)) if rest else "root"
    suffix = ".json" if "json" in content_type and status == 200 else ".txt"
    if status != 200:
        stem = f"{stem}.{status}"
    return f"{folder}/{stem}{suffix}"


def load_index(directory: Path) -> dict[str, dict[str, Any]]:
    """The index of a snapshot, keyed by request. Raises UsageError naming the problem."""
    index_path = directory / INDEX_NAME
    try:
        document = json.loads(index_path.read_bytes())
    except FileNotFoundError:
        raise UsageError(
            f"{index_path}: no evidence index here (is this a --record folder?)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{index_path}: cannot read the evidence index: {exc}") from exc
    except (ValueError, RecursionError) as exc:
        # Arrays nested thousands deep, a number of thousands of digits: as unreadable as any
        # other malformed index, not a bug.
        why = f"nested too deep or a number too long ({type(exc).__name__})"
        raise UsageError(f"{index_path}: cannot read the evidence index: {why}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UsageError(f"{index_path}: not a claimcheck evidence index (format {FORMAT})")
    entries = document.get("responses")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("request"), str) for e in entries
    ):
        raise UsageError(f"{index_path}: `responses` must be a list of entries with `request`")
    return {e["request"]: e for e in entries}


# What a source can read out of one recorded answer besides the answer itself: (request,
# body) pairs for the requests it also answers. The source knows its API; this module does not.
DeriveAnswers = Callable[[str, bytes], Iterable[tuple[str, bytes]]]


class ReplayFetcher:
    """Answers from a snapshot and never touches the network. A missing answer is a failure."""

    def __init__(self, directory: str | Path, derive: DeriveAnswers | None = None) -> None:
        self.directory = Path(directory)
        self._entries = load_index(self.directory)
        self._derive = derive
        self._from_lists: dict[str, RawResponse] | None = None
        self._lists_lock = threading.Lock()  # lookups run on several threads

    def close(self) -> None:
        return None

    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        del kind
        entry = self._entries.get(request)
        derived = self._list_items().get(request)
        if derived is not None and (entry is None or derived.fetched_at > _fetched_at(entry)):
            return derived
        if entry is None:
            raise LookupFailed(subject, f"not in the evidence snapshot {self.directory}")
        if "failed" in entry:
            failed = str(entry["failed"])
            raise LookupFailed(subject, f"it failed in the run that recorded it too: {failed}")
        return self._read(entry, subject)

    def _read(self, entry: dict[str, Any], subject: str) -> RawResponse:
        try:
            body = (self.directory / str(entry["file"])).read_bytes()
            status = int(entry["status"])
        except (KeyError, OSError, TypeError, ValueError) as exc:
            raise LookupFailed(subject, f"evidence snapshot entry is unreadable: {exc}") from exc
        expected = entry.get("sha256")
        if expected and hashlib.sha256(body).hexdigest() != expected:
            raise LookupFailed(subject, f"evidence file {entry['file']} does not match its sha256")
        content_type = str(entry.get("content_type", ""))
        return RawResponse(str(entry["request"]), status, content_type, body, _fetched_at(entry))

    def _list_items(self) -> dict[str, RawResponse]:
        """Single-work answers taken from recorded list responses (a batched recording)."""
        with self._lists_lock:
            if self._from_lists is None:
                self._from_lists = self._derive_from_lists()
            return self._from_lists

    def _derive_from_lists(self) -> dict[str, RawResponse]:
        """Each answer the recorded lists give, from the newest list holding it: a folder
        recorded into more than once keeps the lists of earlier runs too."""
        derived: dict[str, RawResponse] = {}
        if self._derive is None:
            return derived
        for request, entry in self._entries.items():
            if entry.get("status") != 200 or "failed" in entry:
                continue
            try:
                answer = self._read(entry, "a recorded answer")
            except LookupFailed:
                continue
            for single, body in self._derive(request, answer.body):
                kept = derived.get(single)
                if kept is None or answer.fetched_at > kept.fetched_at:
                    derived[single] = RawResponse(
                        single, 200, "application/json", body, answer.fetched_at
                    )
        return derived


def _fetched_at(entry: dict[str, Any]) -> str:
    # ISO 8601 UTC to the second, as every entry is written: compared as text.
    return str(entry.get("fetched_at") or "")


# How often, at most, the index is rewritten while answers come in: rewriting it after every
# answer made a recording quadratic (13 s for 1,000 answers the cache gave, against 0.4 s
# without --record). Never more often than ten times the last rewrite took either, so a
# long index costs a run at most about a tenth more.
INDEX_EVERY_SECONDS = 0.5
INDEX_COST_FACTOR = 10


class _Index:
    """A snapshot's index while it is recorded into: its entries, and when it was written.
    Shared by the recorders of every source a run records (Crossref's, DataCite's), so the
    one index.json names the answers of both and no recorder overwrites another's."""

    def __init__(self, directory: Path, clock: Callable[[], float]) -> None:
        self.directory = directory
        self.clock = clock
        self.lock = threading.Lock()
        self.entries: dict[str, dict[str, Any]] = {}
        self.unwritten = False  # entries saved since the index was last written
        self.next_write = 0.0  # the clock's time from which a save rewrites the index
        if (directory / INDEX_NAME).exists():
            self.entries = load_index(directory)
        else:
            # The folder exists from the start, even if the run answers everything from the
            # cache or looks nothing up: a later --replay finds an index, not nothing.
            write_atomic(directory / INDEX_NAME, render_index([]))
        self._redact_kept_urls()

    def _redact_kept_urls(self) -> None:
        """Entries kept from a run before URLs were redacted lose their password too, at once:
        this run may save nothing that would rewrite the index."""
        redacted = False
        for entry in self.entries.values():
            url = entry.get("url")
            if isinstance(url, str) and redact_url(url) != url:
                entry["url"], redacted = redact_url(url), True
        if redacted:
            write_atomic(self.directory / INDEX_NAME, render_index(self.entries.values()))

    def flush(self) -> None:
        """Write the index now if any entry is not in it yet."""
        with self.lock:
            if self.unwritten:
                self.write()

    def write(self) -> None:
        """Rewrite the index; the lock is held."""
        started = self.clock()
        write_atomic(self.directory / INDEX_NAME, render_index(self.entries.values()))
        finished = self.clock()
        self.unwritten = False
        pause = max(INDEX_EVERY_SECONDS, INDEX_COST_FACTOR * (finished - started))
        self.next_write = finished + pause

    def save(self, base_url: str, response: RawResponse) -> None:
        """Keep one response of the server at `base_url` (redacted)."""
        name = body_filename(response.request, response.status, response.content_type)
        entry = {
            "request": response.request,
            "url": base_url + response.request,
            "status": response.status,
            "content_type": response.content_type,
            "file": name,
            "sha256": hashlib.sha256(response.body).hexdigest(),
            "fetched_at": response.fetched_at,
            "origin": "recorded",
        }
        with self.lock:
            # Not flushed to the disk one by one (half a millisecond each, most of a
            # 10,000-answer recording): a body a power cut spoils no longer matches its
            # sha256, and replays as a failed lookup. The index is flushed.
            write_atomic(self.directory / name, response.body, durable=False)
            self.entries[response.request] = entry
            self.unwritten = True
            if self.clock() >= self.next_write:
                self.write()


class RecordingFetcher:
    """Wraps a Fetcher and saves each response it returns into a snapshot directory.

    Each body is written at once; the index is rewritten atomically at most every
    INDEX_EVERY_SECONDS and whenever the fetcher is closed (a run's end, its failure and
    Ctrl-C all close it). An index only ever names bodies already on disk, so a snapshot
    cut short by a kill replays what its index holds. A body rewritten after its entry was
    indexed no longer matches that entry's sha256, and replays as a failed lookup, never as
    a wrong answer. Failed lookups raise before anything is saved.

    `alongside` records another source's answers (DataCite's) into the same snapshot: its
    requests (`/dois/…`) never share a path with Crossref's, so one index holds both.
    `saver` saves that source's answers that no fetcher gave (its cache's) the same way.
    """

    def __init__(
        self,
        inner: Fetcher,
        directory: str | Path,
        base_url: str,
        clock: Callable[[], float] = time.monotonic,
        *,
        index: _Index | None = None,
    ) -> None:
        self.inner = inner
        self.directory = Path(directory)
        # The index names the server, never its credentials: a snapshot gets shared.
        self.base_url = redact_url(base_url.rstrip("/"))
        self._index = index or _Index(self.directory, clock)

    def alongside(self, inner: Fetcher, base_url: str) -> RecordingFetcher:
        """A recorder of `inner`'s answers (another server's) into this snapshot's index."""
        return RecordingFetcher(inner, self.directory, base_url, index=self._index)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.inner.close()

    # What the wrapped fetcher offers besides fetching (HttpFetcher's), so that a recording
    # run cancels, waits for its first request and keeps its deadline as any other run does.
    @property
    def written(self) -> threading.Event | None:
        written = getattr(self.inner, "written", None)
        return written if isinstance(written, threading.Event) else None

    @property
    def run_deadline(self) -> float | None:
        deadline = getattr(self.inner, "run_deadline", None)
        return deadline if isinstance(deadline, float) else None

    def cancel(self) -> None:
        """Send no more requests, and index what was saved: the run ends early, and the
        fetcher may not be closed while requests on the wire finish."""
        cancel = getattr(self.inner, "cancel", None)
        if callable(cancel):
            cancel()
        self.flush()

    def flush(self) -> None:
        """Write the index now if any entry is not in it yet."""
        self._index.flush()

    def fetch(self, request: str, *, subject: str, kind: str = SINGLE) -> RawResponse:
        try:
            response = self.inner.fetch(request, subject=subject, kind=kind)
        except LookupFailed as exc:
            # An answer kept from an earlier run must not stand in for one that failed now:
            # replaying this snapshot has to show the lookup as unverified, as this run did.
            self._forget(request, exc.cause)
            raise
        self.save(response)
        return response

    def _forget(self, request: str, cause: str) -> None:
        """Record that `request` failed in this run: an answer kept from an earlier run, its
        own or a list's holding the same work, must not stand in for it when replayed."""
        entry = {
            "request": request,
            "url": self.base_url + request,
            "failed": redact_urls(cause),
            "fetched_at": now_iso(),
            "origin": "recorded",
        }
        index = self._index
        with index.lock:
            replaced = index.entries.get(request)
            index.entries[request] = entry
            index.unwritten = True
            # At once when it replaces a kept answer, which must not outlive a kill; else
            # when due, as answers are (failures can be many once Crossref is down).
            if (replaced is not None and "failed" not in replaced) or (
                index.clock() >= index.next_write
            ):
                index.write()

    def save(self, response: RawResponse) -> None:
        """Keep one response: from the network, or an answer the cache gave this run."""
        self._index.save(self.base_url, response)

    def saver(self, base_url: str) -> Callable[[RawResponse], None]:
        """How answers of `base_url` (another server's: DataCite's) that no fetcher gave,
        the cache's, are saved into this snapshot, as `alongside`'s recorder saves that
        server's answers from the network."""
        shown = redact_url(base_url.rstrip("/"))
        return lambda response: self._index.save(shown, response)


def render_index(entries: Any) -> bytes:
    ordered = sorted(entries, key=lambda e: e["request"])
    document = {"format": FORMAT, "responses": ordered}
    # A server's Content-Type is copied into the index: escape what a reader would not see.
    text = json_escape(json.dumps(document, indent=1, ensure_ascii=False))
    return (text + "\n").encode("utf-8")
