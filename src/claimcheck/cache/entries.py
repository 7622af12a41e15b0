"""What the cache hands out (one stored answer, a summary of the file) and how it names a source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit


def source_key(registry: str, base_url: str) -> str:
    """The cache's name for one registry at one base URL: `crossref https://api.example.org`.

    Scheme and host compare case-insensitively and a trailing slash is ignored; the path is
    kept as written, since two paths on one host can be two different services.
    """
    parts = urlsplit(base_url.strip())
    path = parts.path.rstrip("/")
    return f"{registry} {parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def age_text(seconds: float) -> str:
    """A cached answer's age as a message gives it: "20 min" under an hour, "50 h" under a
    week, else "45 days"."""
    if seconds >= 7 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / 3600:.0f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


# Several processes (or machines sharing a home directory) may disagree on the time a little;
# an entry stamped far in the future (a wrong clock) must not stay fresh for ever.
CLOCK_SKEW_SECONDS = 60.0


def fresh(fetched_at: float, now: float, ttl: timedelta) -> bool:
    # `purge_expired` deletes exactly the complement of this range; keep the two in step.
    return now - ttl.total_seconds() <= fetched_at <= now + CLOCK_SKEW_SECONDS


@dataclass(frozen=True, slots=True)  # slots: one made per row read, so no dict for each
class CacheEntry:
    kind: str  # "work", "agency", "search" or "probe" (KINDS in store.py)
    doi: str  # lower-cased
    status: int  # 200 or 404
    body: bytes  # what the checks read: for a found work, the stored form (crossref/stored.py)
    fetched_at: float  # unix time
    # The answer as sent (read for --record); None: the same as `body`, or for a found work
    # (whose body is never what was sent) not kept, so there is nothing to record.
    raw: bytes | None = None

    def age(self, now: float) -> float:
        return now - self.fetched_at

    def fresh_for_status(self, now: float, status_ttl: timedelta) -> bool:
        """Whether update/retraction status may be taken from this entry."""
        return fresh(self.fetched_at, now, status_ttl)

    def fresh_for_metadata(self, now: float, metadata_ttl: timedelta) -> bool:
        """Whether bibliographic metadata may be taken from this entry."""
        return fresh(self.fetched_at, now, metadata_ttl)


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    works: int
    agencies: int
    size_bytes: int  # the database file plus its write-ahead log
    oldest: float | None  # fetched_at of the oldest entry
    newest: float | None
    datacite: int = 0  # DataCite's `/dois/{doi}` answers (not among `works`, Crossref's)
