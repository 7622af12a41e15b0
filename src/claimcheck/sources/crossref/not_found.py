"""When a 404 from `/works/{doi}` is evidence that a DOI does not exist. Used by client.py.

Crossref's advice on a 404 is to ask `/works/{doi}/agency` before calling a DOI missing
(CrossRef/rest-api-doc issue #137): a DataCite or mEDRA DOI is real, just not Crossref's. A
DOI no agency knows is missing only once the server has answered as Crossref in this run
(identity.py), settled after every lookup of a batch has answered, so that the verdict never
depends on which answer came first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from claimcheck.model.errors import LookupFailed
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.sources.crossref.answers import (
    AGENCY,
    CROSSREF_AGENCY,
    WORK,
    agency_lookup,
    agency_of,
    agency_path,
    works_path,
)
from claimcheck.sources.crossref.identity import ServerIdentity
from claimcheck.sources.crossref.records import MalformedRecord
from claimcheck.transport.fetch import Fetcher, RawResponse

# Keeps one answer in the cache: (kind, DOI, HTTP status, body).
Store = Callable[[str, str, int, bytes], None]


class MissingDois:
    """Thread-safe. The DOIs `/works/{doi}` answered 404 for in one run."""

    def __init__(
        self,
        fetcher: Fetcher,
        server: ServerIdentity,
        base_url: str,
        store: Store,
        read_work: Callable[[str, RawResponse], Lookup],
    ) -> None:
        self._fetcher, self._server, self._base_url = fetcher, server, base_url
        self._store, self._read_work = store, read_work
        self._lock = threading.Lock()  # guards `_unconfirmed`
        # DOI -> the body of its `/works/{doi}` 404, and its agency answer's status and body
        self._unconfirmed: dict[str, tuple[bytes, int, bytes]] = {}

    def lookup(self, doi: str, missing: bytes) -> Lookup:
        """The lookup of a DOI whose `/works/{doi}` answered 404 with the body `missing`: its
        agency is asked. Both answers are cached as sent, for --record to save later."""
        try:
            response = self._fetcher.fetch(agency_path(doi), subject=doi)
            agency = agency_of(response)
        except (LookupFailed, MalformedRecord) as exc:
            cause = exc.cause if isinstance(exc, LookupFailed) else str(exc)
            return Lookup(
                doi,
                LookupStatus.FAILED,
                error=f"not at Crossref, and its registration agency could not be checked: {cause}",
            )
        if agency == CROSSREF_AGENCY:
            return self._registered_without_record(doi)
        if agency is not None:
            self._server.saw_crossref()  # a work-agency envelope is Crossref's own
            self._store(WORK, doi, 404, missing)
            self._store(AGENCY, doi, response.status, response.body)
        else:
            # Two 404s: evidence only once the server is known to be Crossref (`settle`).
            with self._lock:
                self._unconfirmed[doi] = (missing, response.status, response.body)
        return agency_lookup(doi, agency)

    def _registered_without_record(self, doi: str) -> Lookup:
        """`/works/{doi}` answered 404, yet `/agency` names Crossref itself: the DOI is
        registered with Crossref, so "does not exist" would be false. Crossref's REST API has
        served 404 for such DOIs, which resolve at doi.org (CrossRef/rest-api-doc issues #486
        and #564), and a passing glitch looks the same. `/works` is asked once more; if it
        still has no record, the DOI could not be checked. Nothing is cached."""
        self._server.saw_crossref()  # a work-agency envelope is Crossref's own
        try:
            response = self._fetcher.fetch(works_path(doi), subject=doi)
        except LookupFailed as exc:
            return Lookup(doi, LookupStatus.FAILED, error=exc.cause)
        if response.status == 200:
            return self._read_work(doi, response)
        return Lookup(
            doi,
            LookupStatus.FAILED,
            error=f"Crossref names itself as its registration agency, but has no record of it "
            f"to read (HTTP {response.status} twice)",
        )

    def settle(self) -> list[Lookup]:
        """Keep the double 404s since the last call as "not found" if the server answered as
        Crossref (only kept answers are cached); else the failed lookups that overrule them."""
        with self._lock:
            pending, self._unconfirmed = self._unconfirmed, {}
        if not pending:
            return []
        if self._server.confirm():
            for doi, (missing, status, body) in pending.items():
                self._store(WORK, doi, 404, missing)
                self._store(AGENCY, doi, status, body)
            return []
        why = (
            f"{self._base_url or 'the server'} answered 404, but has not answered as Crossref "
            "in this run, so its 404 is not evidence that the DOI does not exist"
        )
        return [Lookup(doi, LookupStatus.FAILED, error=why) for doi in pending]
