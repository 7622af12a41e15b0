"""What a client has been answered this run (client.py): each DOI's answer, every answer in
the order it came (for a caller that judges as answers come, checks/early.py), and which
answers came from the cache fresh for metadata only, so that a lookup for which update
status matters reads those again."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from claimcheck.model.record import Lookup


class AnswerMemory:
    """Thread-safe: lookups are answered on several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lookups: dict[str, Lookup] = {}
        self._answered: list[Lookup] = []
        # DOIs whose answer came from the cache past the status TTL (read to name a record).
        self._stale_status: set[str] = set()

    def keep(self, lookup: Lookup, *, fresh_status: bool = True) -> None:
        """Remember an answer; `fresh_status=False` for a cached one past the status TTL."""
        with self._lock:
            self._lookups[lookup.doi] = lookup
            self._answered.append(lookup)
            if fresh_status:
                self._stale_status.discard(lookup.doi)
            else:
                self._stale_status.add(lookup.doi)

    def overrule(self, lookups: Iterable[Lookup]) -> None:
        """Replace answers that turned out not to be evidence (a 404 from a server not known
        to be Crossref). The replacement is not a new answer: `since` never shows it."""
        with self._lock:
            for lookup in lookups:
                self._lookups[lookup.doi] = lookup

    def known(self, doi: str) -> bool:
        return doi in self._lookups

    def needed(self, doi: str, status_matters: bool) -> bool:
        """Whether `doi` must still be read: never answered, or answered only from the cache
        past the status TTL when status matters now."""
        return doi not in self._lookups or (status_matters and doi in self._stale_status)

    def answers(self, dois: Iterable[str]) -> dict[str, Lookup]:
        return {doi: self._lookups[doi] for doi in dois}

    def since(self, seen: int) -> tuple[list[Lookup], int]:
        """The answers after the first `seen`, and how many there have been."""
        with self._lock:
            return self._answered[seen:], len(self._answered)
