"""The records found works link to (notices, originals), read while the audit's own lookups
go on. CrossrefClient (client.py) makes one per round of lookups, and is its reader."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Protocol

from claimcheck.model.record import Lookup
from claimcheck.sources.crossref import batching

# Fewer follow-up records than a full list are read one by one, on the single-lookup budget,
# which lists do not use; more are read as lists, which take turns with the audit's own.
FOLLOW_LIST_MIN = 50


class LinkedReader(Protocol):
    """How follow-ups reach the registry: each read remembers its answers in the reader."""

    batch: bool
    base_url: str

    def _known(self, doi: str) -> bool: ...
    def _remember_cached(self, dois: list[str]) -> None: ...
    def _read_list(self, dois: list[str]) -> None: ...
    def _read_one(self, doi: str) -> None: ...


class FollowUps:
    """The records found works link to, read while the audit's own lookups go on."""

    def __init__(
        self,
        reader: LinkedReader,
        pool: ThreadPoolExecutor,
        follow: Callable[[Lookup], Iterable[str]] | None,
        own: set[str],
    ) -> None:
        self.reader, self.pool, self.follow = reader, pool, follow
        self.seen = set(own)  # the audit's own DOIs are read by the audit
        self.jobs: list[Future[None]] = []

    def add(self, found: Iterable[Lookup]) -> None:
        if self.follow is None:
            return
        wanted: list[str] = []
        for lookup in found:
            if lookup.work is not None:
                new = [d for d in self.follow(lookup) if d not in self.seen]
                self.seen.update(new)
                wanted += new
        reader = self.reader
        # A record already answered (read from the cache before the network was asked) is
        # not read again: a second answer would replace the first, judged or recorded.
        wanted = [d for d in wanted if not reader._known(d)]
        if not wanted:
            return
        # Read for their titles, so the cache serves them for the metadata TTL; the reader
        # notes which are past the status TTL, and reads those again if a later lookup cites
        # them (a matched work, a DOI the head start missed).
        reader._remember_cached(wanted)
        left = [d for d in wanted if not reader._known(d)]
        singles = left
        if reader.batch and len(left) >= FOLLOW_LIST_MIN:
            batches, singles = batching.plan(left, reader.base_url)
            self.jobs += [self.pool.submit(reader._read_list, b) for b in batches]
        self.jobs += [self.pool.submit(reader._read_one, d) for d in singles]

    def wait(self) -> None:
        """Until every follow-up has answered; a bug in one is raised here."""
        for job in as_completed(self.jobs):
            job.result()
