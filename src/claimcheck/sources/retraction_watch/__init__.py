"""The Retraction Watch database as a second source of editorial events, read offline from
the CSV Crossref publishes (`rows.py` reads its format, `index.py` indexes it into SQLite,
`source.py` answers the audit with update entries)."""

from __future__ import annotations

from claimcheck.sources.retraction_watch.index import RetractionWatchIndex
from claimcheck.sources.retraction_watch.rows import (
    SOURCE,
    RetractionWatchError,
    RetractionWatchRecord,
)
from claimcheck.sources.retraction_watch.source import RetractionWatchSource

__all__ = [
    "SOURCE",
    "RetractionWatchError",
    "RetractionWatchIndex",
    "RetractionWatchRecord",
    "RetractionWatchSource",
]
