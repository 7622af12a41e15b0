"""The Crossref client: DOI in, Lookup out. Every failure becomes a FAILED lookup, never "ok".

Routes (https://api.crossref.org/swagger-ui/index.html):
- `GET /works/{doi}`: one work; a 404 has the plain-text body `Resource not found.`, which is
  never parsed as JSON (it was application/json in 2022 and text/plain in 2026).
- `GET /works/{doi}/agency`: the registration agency. Crossref's advice on a 404 is to ask it
  before calling a DOI missing (CrossRef/rest-api-doc issue #137): a DataCite or mEDRA DOI is
  real, just not Crossref's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from claimcheck.doi import doi_path_segment
from claimcheck.errors import LookupFailed
from claimcheck.fetch import Fetcher, RawResponse
from claimcheck.models import Lookup, LookupStatus
from claimcheck.registry import MalformedRecord, decode_envelope, parse_agency, parse_work


def works_path(doi: str) -> str:
    return f"/works/{doi_path_segment(doi)}"


def agency_path(doi: str) -> str:
    return f"/works/{doi_path_segment(doi)}/agency"


class CrossrefClient:
    """Looks DOIs up through a Fetcher (HTTP, replay, or recording) and remembers the answers."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._lookups: dict[str, Lookup] = {}

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> CrossrefClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def lookup_all(
        self, dois: Iterable[str], on_done: Callable[[Lookup], None] | None = None
    ) -> dict[str, Lookup]:
        """Look each DOI up once, in order, whatever case it was written in."""
        results: dict[str, Lookup] = {}
        for doi in dois:
            key = doi.lower()
            if key in results:
                continue
            results[key] = self.lookup(key)
            if on_done:
                on_done(results[key])
        return results

    def lookup(self, doi: str) -> Lookup:
        doi = doi.lower()
        if doi not in self._lookups:
            self._lookups[doi] = self._lookup(doi)
        return self._lookups[doi]

    def _lookup(self, doi: str) -> Lookup:
        try:
            response = self.fetcher.fetch(works_path(doi), subject=doi)
        except LookupFailed as exc:
            return Lookup(doi, LookupStatus.FAILED, error=exc.cause)
        if response.status == 404:
            return self._not_found(doi)
        if response.status != 200:
            return Lookup(doi, LookupStatus.FAILED, error=f"HTTP {response.status}")
        try:
            work = parse_work(decode_envelope(response.body, "work"))
        except MalformedRecord as exc:
            return Lookup(doi, LookupStatus.FAILED, error=str(exc))
        if work.doi != doi:
            # The registry answered for another DOI (CrossRef/rest-api-doc issue #108 shows
            # /works answering with an empty DOI): nothing is known about the one asked for.
            return Lookup(doi, LookupStatus.FAILED, error=f"registry answered for {work.doi!r}")
        return Lookup(doi, LookupStatus.FOUND, work=work)

    def _not_found(self, doi: str) -> Lookup:
        try:
            response = self.fetcher.fetch(agency_path(doi), subject=doi)
            agency = self._agency(response)
        except (LookupFailed, MalformedRecord) as exc:
            cause = exc.cause if isinstance(exc, LookupFailed) else str(exc)
            return Lookup(
                doi,
                LookupStatus.FAILED,
                error=f"not at Crossref, and its registration agency could not be checked: {cause}",
            )
        if agency is None or agency == "crossref":
            return Lookup(doi, LookupStatus.NOT_FOUND, agency=agency)
        return Lookup(doi, LookupStatus.OTHER_AGENCY, agency=agency)

    @staticmethod
    def _agency(response: RawResponse) -> str | None:
        if response.status == 404:
            return None
        if response.status != 200:
            raise MalformedRecord(f"agency lookup answered HTTP {response.status}")
        return parse_agency(decode_envelope(response.body, "work-agency"))
