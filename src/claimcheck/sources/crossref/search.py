"""`GET /works?query.bibliographic=…&rows=N`: Crossref's candidates for a reference that
prints no DOI, with their relevance `score`.

Crossref's advice for reference matching is `query.bibliographic` alone, with no other
filters or field queries (https://www.crossref.org/documentation/retrieve-metadata/rest-api/tips-for-using-the-crossref-rest-api/).
It is a list query, so the limiter paces it at the pool's list rate. Answers are cached under
the query text, the row count and the base URL, trusted for the metadata TTL (a candidate's
retraction status is read afresh by its own `/works/{doi}` lookup), and pass through the
fetcher, so `--record` saves them and `--replay` answers them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from claimcheck.model.errors import LookupFailed
from claimcheck.model.record import Candidate
from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope, parse_work
from claimcheck.transport.fetch import Fetcher, RawResponse
from claimcheck.transport.limiter import LIST

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache

SEARCH = "search"  # the cache kind


def search_path(query: str, rows: int) -> str:
    return "/works?" + urlencode({"query.bibliographic": query, "rows": rows})


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    query: str
    candidates: tuple[Candidate, ...] = ()
    error: str | None = None  # why the search could not be made; the reference is then unmatched
    cached: bool = False


class BibliographicSearch:
    def __init__(
        self,
        fetcher: Fetcher,
        *,
        cache: Cache | None = None,
        cache_source: str = "",
        read_cache: bool = True,
        offline: bool = False,
        recorder: Callable[[RawResponse], None] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.cache = cache
        self.cache_source = cache_source
        self.read_cache = read_cache
        self.offline = offline
        self.recorder = recorder

    def search(self, query: str, rows: int) -> SearchAnswer:
        key = f"{rows} {query}"
        if self.cache is not None and self.read_cache:
            entry = self.cache.get(self.cache_source, SEARCH, key)
            if entry is not None:
                if self.recorder is not None:  # --record keeps what the cache answered too
                    when = datetime.fromtimestamp(entry.fetched_at, UTC)
                    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                    path = search_path(query, rows)
                    self.recorder(RawResponse(path, 200, "application/json", entry.body, stamp))
                return _answer(query, entry.body, None, cached=True)
        if self.offline:
            return SearchAnswer(query, error="not in the cache (offline)")
        try:
            response = self.fetcher.fetch(
                search_path(query, rows), subject="a bibliographic search", kind=LIST
            )
        except LookupFailed as exc:
            return SearchAnswer(query, error=exc.cause)
        if response.status != 200:
            return SearchAnswer(query, error=f"HTTP {response.status}")
        answer = _answer(query, response.body, response.document)
        if answer.error is None and self.cache is not None:
            self.cache.put(self.cache_source, SEARCH, key, 200, response.body)
        return answer


def _answer(query: str, body: bytes, document: Any, *, cached: bool = False) -> SearchAnswer:
    try:
        message = decode_envelope(body, "work-list", document)
        items = message.get("items")
        if not isinstance(items, list):
            raise MalformedRecord("a work-list without `items`")
        candidates = tuple(_candidate(item) for item in items if isinstance(item, Mapping))
    except MalformedRecord as exc:
        return SearchAnswer(query, error=str(exc))
    return SearchAnswer(query, tuple(c for c in candidates if c is not None), cached=cached)


def _candidate(item: Mapping[str, Any]) -> Candidate | None:
    score = item.get("score")
    if not isinstance(score, int | float) or isinstance(score, bool):
        return None  # without a score the relevance floor cannot be applied
    try:
        return Candidate(parse_work(item), float(score))
    except MalformedRecord:
        return None
