"""Whether the server at the base URL is the Crossref REST API.

A 404 is evidence that a DOI does not exist only from a server that has answered as Crossref
in this run: a mistyped `--crossref-url` that answers 404 to everything must never make DOIs
"not found". A work or agency envelope is Crossref's own answer; when nothing of the kind has
come, one cheap list query asks: `GET /works?rows=0`, a count of every work.

The probe's answer is kept in the cache beside the 404s it vouches for: a later run that
records a cached "not found" (--record) saves it too, so that the snapshot replays the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from claimcheck.model.errors import LookupFailed
from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope
from claimcheck.transport.fetch import Fetcher
from claimcheck.transport.limiter import LIST

PROBE = "/works?rows=0"


class ServerIdentity:
    """Thread-safe. What the server has shown itself to be, for one run."""

    def __init__(
        self, fetcher: Fetcher, base_url: str, keep: Callable[[bytes], None] | None = None
    ) -> None:
        self._fetcher = fetcher
        self._base_url = base_url
        self._keep = keep  # given the body of a probe that answered as Crossref
        self._lock = threading.Lock()
        self._probed = False
        self.answered_as_crossref = False
        # Set when the server answered the probe, but not as Crossref: the URL is wrong.
        self.problem: str | None = None

    def saw_crossref(self) -> None:
        """An answer only Crossref gives (a work or agency envelope) arrived."""
        self.answered_as_crossref = True

    def confirm(self) -> bool:
        """Whether the server has answered as Crossref in this run; asks if it has not. A
        definite answer is kept for the run; an unreachable server may be asked again."""
        with self._lock:
            if self.answered_as_crossref or self._probed:
                return self.answered_as_crossref
            try:
                response = self._fetcher.fetch(PROBE, subject="the registry", kind=LIST)
            except LookupFailed:
                return False  # unreachable now: the 404s stay unverified, the URL may be fine
            self._probed = True
            try:
                if response.status != 200:
                    raise MalformedRecord(f"HTTP {response.status}")
                decode_envelope(response.body, "work-list", response.document)
            except MalformedRecord as exc:
                self.problem = (
                    f"{self._base_url or 'the server'} does not answer as the Crossref REST API "
                    f"(GET {PROBE}: {exc}); is the Crossref URL right?"
                )
                return False
            self.answered_as_crossref = True
            if self._keep is not None:
                self._keep(response.body)
            return True
