"""The Crossref client: DOIs in, Lookups out. Every failure becomes a FAILED lookup, never "ok".

Routes (https://api.crossref.org/swagger-ui/index.html):
- `GET /works?filter=doi:A,doi:B&rows=N`: many works in one request (batching.py).
- `GET /works/{doi}`: one work; a 404 has the plain-text body `Resource not found.`, which is
  never parsed as JSON (it was application/json in 2022 and text/plain in 2026).
- `GET /works/{doi}/agency`: the registration agency. Crossref's advice on a 404 is to ask it
  before calling a DOI missing (CrossRef/rest-api-doc issue #137): a DataCite or mEDRA DOI is
  real, just not Crossref's.
- `GET /works?rows=0`: a count of every work, asked when a 404 needs the server shown to be
  Crossref (identity.py): a mistyped `--crossref-url` that answers 404 to everything
  must never make DOIs "not found".
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

from claimcheck.cache.entries import source_key
from claimcheck.model.errors import LookupFailed
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.sources.crossref import batching
from claimcheck.sources.crossref.answers import PROBE_KIND, WORK, CachedAnswers, works_path
from claimcheck.sources.crossref.background import Background
from claimcheck.sources.crossref.follow_ups import FollowUps
from claimcheck.sources.crossref.identity import PROBE, ServerIdentity
from claimcheck.sources.crossref.memory import AnswerMemory
from claimcheck.sources.crossref.not_found import MissingDois
from claimcheck.sources.crossref.offline import why_not_served
from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope, parse_work
from claimcheck.sources.crossref.stored import encode_work
from claimcheck.transport.fetch import Fetcher, RawResponse
from claimcheck.transport.limiter import LIST

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache

OnDone = Callable[[Lookup], None] | None  # told of each answer as it is remembered


class CrossrefClient:
    """Looks DOIs up through a Fetcher (HTTP, replay, or recording), a cache, and memory."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        base_url: str = "",
        batch: bool = True,
        concurrency: int = 3,
        cache: Cache | None = None,
        read_cache: bool = True,
        offline: bool = False,
        clock: Callable[[], float] = time.time,
        recorder: Callable[[RawResponse], None] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.base_url = base_url
        self.batch = batch
        self.concurrency = max(1, concurrency)
        self.cache = cache
        self.offline = offline
        self.recorder = recorder  # --record: answers the cache gives are saved too
        self._clock = clock
        # Answers are cached under the registry and base URL that gave them (cache/store.py).
        self.cache_source = source_key("crossref", base_url)
        self._cached = (
            CachedAnswers(cache, self.cache_source, base_url, clock, recorder, offline=offline)
            if cache is not None and read_cache
            else None
        )
        self._memory = AnswerMemory()
        self._server = ServerIdentity(fetcher, base_url, keep=self._keep_probe)
        self._missing = MissingDois(fetcher, self._server, base_url, self._store, self._work_answer)
        self._background = Background()  # the lookups `start` began

    def close(self) -> None:
        self.fetcher.close()
        if self.cache is not None:
            self.cache.close()

    def __enter__(self) -> CrossrefClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def lookup(self, doi: str) -> Lookup:
        return self.lookup_all([doi])[doi.lower()]

    def start(
        self,
        dois: Iterable[str],
        on_done: Callable[[Lookup], None] | None = None,
        *,
        follow: Callable[[Lookup], Iterable[str]] | None = None,
    ) -> None:
        """Begin `lookup_all(dois)` in the background, for a caller with other work to do
        first (validating the claim map). The next `lookup_all` waits for it, so nothing
        is asked twice. If it fails, that call asks again and meets the failure itself.
        Only the first call starts anything: a later one, whatever its DOIs, does nothing."""
        wanted = list(dois)
        if not wanted:
            return

        def look_up() -> None:
            # A failure here is not lost: the waiting lookup_all asks again and reports it.
            with contextlib.suppress(Exception):
                self.lookup_all(wanted, on_done, follow=follow)

        self._background.start(look_up)

    def wait_first_request(self, seconds: float) -> str:
        """Wait up to `seconds` until the lookups `start` began have written their first
        request, or are done (`Background.wait_first_request`)."""
        written = getattr(self.fetcher, "written", None)  # HttpFetcher's; others have none
        return self._background.wait_first_request(seconds, written)

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the lookups `start` began; whether they are done."""
        return self._background.wait(seconds)

    def answers_since(self, seen: int) -> tuple[list[Lookup], int]:
        """The final lookups answered after the first `seen`, and how many have been
        answered: for a caller that judges as answers come (checks/early.py). A "not found"
        is final only once the server has answered as Crossref, which it never stops having
        done: `MissingDois.settle` then keeps it. Before, it may yet become a failure, and is
        left out (its replacement is not an answer here either)."""
        fresh, answered = self._memory.since(seen)
        if self._server.answered_as_crossref:
            return fresh, answered
        return [a for a in fresh if a.status is not LookupStatus.NOT_FOUND], answered

    def cancel(self) -> None:
        """Send no more requests (the run ended early): those not yet sent fail at once."""
        cancel = getattr(self.fetcher, "cancel", None)
        if callable(cancel):
            cancel()

    def lookup_all(
        self,
        dois: Iterable[str],
        on_done: Callable[[Lookup], None] | None = None,
        *,
        status_matters: bool = True,
        follow: Callable[[Lookup], Iterable[str]] | None = None,
    ) -> dict[str, Lookup]:
        """Look each DOI up once, whatever case it was written in; results in input order.

        `status_matters=False` (for works read only to be named) lets cached metadata serve up
        to the metadata TTL instead of the shorter update-status TTL. `follow` names, for a
        work found on the network, the records it links to: they are read (as with
        `status_matters=False`) while the lists go on, and a later `lookup_all` of them is
        answered from memory, unless status matters to it and the answer remembered came
        from the cache past the status TTL: that DOI is read again (the cache under the
        status TTL, else the network), and its fresh answer replaces the first.
        """
        self._background.join_from_elsewhere()  # what `start` began is asked once, not again
        wanted = list(dict.fromkeys(d.lower() for d in dois))
        todo = [d for d in wanted if self._memory.needed(d, status_matters)]
        self._remember_cached(todo, status_matters, on_done)
        todo = [d for d in todo if self._memory.needed(d, status_matters)]
        if self.offline:
            for doi, why in self._not_cached(todo).items():
                self._remember(Lookup(doi, LookupStatus.FAILED, error=why), on_done)
        else:
            self._from_network(todo, on_done, follow)
        self._memory.overrule(self._missing.settle())
        return self._memory.answers(wanted)

    def _not_cached(self, dois: list[str]) -> dict[str, str]:
        """Offline, why each DOI the cache did not answer could not be checked (offline.py)."""
        if self.cache is None or not dois:
            return dict.fromkeys(dois, f"not in the cache for {self.base_url}")
        stored = {}
        if self.cache.problem is None:
            stored = self.cache.get_many(self.cache_source, WORK, dois, expired=True)
        recording = self.recorder is not None
        return {
            doi: why_not_served(stored.get(doi), self.cache, self.base_url, recording)
            for doi in dois
        }

    def _remember(self, lookup: Lookup, on_done: OnDone, *, fresh_status: bool = True) -> None:
        # fresh_status=False: a cached answer past the status TTL (`lookup_all` reads again).
        self._memory.keep(lookup, fresh_status=fresh_status)
        if on_done:
            on_done(lookup)

    # --- the network ---------------------------------------------------------------------

    def _from_network(
        self,
        dois: list[str],
        on_done: Callable[[Lookup], None] | None,
        follow: Callable[[Lookup], Iterable[str]] | None = None,
    ) -> None:
        """Lists on one pool; single lookups (DOIs a list missed, and the records found works
        link to) on another, as soon as they are known. The limiter paces lists and singles
        apart and bounds what is in flight across both, so singles run beside the lists
        instead of after them: at 1,000 DOIs that was seconds past the lists' own time."""
        batches, singles = batching.plan(dois, self.base_url) if self.batch else ([], dois)
        lists = ThreadPoolExecutor(max_workers=self.concurrency)
        others = ThreadPoolExecutor(max_workers=self.concurrency)
        follow_ups = FollowUps(self, others, follow, set(dois))
        try:
            single_jobs = [others.submit(self._single, d) for d in singles]
            for batch_job in as_completed([lists.submit(self._batch, b) for b in batches]):
                found, missing = batch_job.result()
                for lookup in found:
                    self._remember(lookup, on_done)
                single_jobs += [others.submit(self._single, d) for d in missing]
                follow_ups.add(found)
            for single_job in as_completed(single_jobs):
                lookup = single_job.result()
                self._remember(lookup, on_done)
                follow_ups.add([lookup])
            follow_ups.wait()
        except BaseException:
            # Ctrl-C (or a bug): never wait for requests in flight, whatever the server does.
            for pool in (lists, others):
                pool.shutdown(wait=False, cancel_futures=True)
            raise
        for pool in (lists, others):
            pool.shutdown(wait=True)

    # --- the records found works link to: FollowUps (follow_ups.py) reads them through
    # these. Each answer is remembered as it comes, not when every follow-up is done: the
    # audit judges a reference as soon as the records it links to are in (checks/early.py).

    def _known(self, doi: str) -> bool:
        return self._memory.known(doi)

    def _remember_cached(
        self, dois: list[str], status_matters: bool = False, on_done: OnDone = None
    ) -> None:
        for lookup, fresh_status in self._from_cache(dois, status_matters):
            self._remember(lookup, on_done, fresh_status=fresh_status)

    def _read_list(self, dois: list[str]) -> None:
        found, missing = self._batch(dois)
        for lookup in found + [self._single(doi) for doi in missing]:
            self._remember(lookup, None)

    def _read_one(self, doi: str) -> None:
        self._remember(self._single(doi), None)

    def _batch(self, dois: list[str]) -> tuple[list[Lookup], list[str]]:
        """Lookups found in one list request, and the DOIs to fetch one by one."""
        request = batching.list_request(dois)
        try:
            response = self.fetcher.fetch(request, subject=f"{len(dois)} DOIs", kind=LIST)
        except LookupFailed:
            # One DOI can break a whole list (a filter value Crossref chokes on), so the DOIs
            # are tried alone; if Crossref itself is down, the 10% error-rate stop in the
            # fetcher ends that quickly.
            return [], dois
        if response.status != 200:
            return [], dois
        try:
            items = batching.list_items(response.body, response.document)
        except MalformedRecord:
            return [], dois
        found: list[Lookup] = []
        rows: list[tuple[str, int, bytes, float]] = []
        raws: dict[str, bytes] = {}
        now = self._clock()
        for doi in dois:
            item = items.get(doi)
            if item is None:
                continue
            found.append(self._work_item(doi, item))
            stored = self._stored(found[-1])
            if stored is not None:
                # One transaction per list answer; the raw form is the /works/{doi} envelope
                # the item would have come in, kept for --record.
                rows.append((doi, 200, stored, now))
                raws[doi] = batching.envelope(item)
        if rows and self.cache is not None:
            self.cache.put_many(self.cache_source, WORK, rows, raw=raws)
        return found, [d for d in dois if d not in items]

    def _work_item(self, doi: str, item: Mapping[str, Any]) -> Lookup:
        """One work of a list response, parsed as it is."""
        try:
            work = parse_work(item)
        except MalformedRecord as exc:
            return Lookup(doi, LookupStatus.FAILED, error=str(exc))
        if work.doi != doi:
            return Lookup(doi, LookupStatus.FAILED, error=f"registry answered for {work.doi!r}")
        self._server.saw_crossref()
        return Lookup(doi, LookupStatus.FOUND, work=work)

    def _single(self, doi: str) -> Lookup:
        try:
            response = self.fetcher.fetch(works_path(doi), subject=doi)
        except LookupFailed as exc:
            return Lookup(doi, LookupStatus.FAILED, error=exc.cause)
        if response.status == 404:
            return self._missing.lookup(doi, response.body)
        if response.status != 200:
            return Lookup(doi, LookupStatus.FAILED, error=f"HTTP {response.status}")
        return self._work_answer(doi, response)

    def _work_answer(self, doi: str, response: RawResponse) -> Lookup:
        try:
            message = decode_envelope(response.body, "work", response.document)
            work = parse_work(message)
        except MalformedRecord as exc:
            return Lookup(doi, LookupStatus.FAILED, error=str(exc))
        if work.doi != doi:
            # The registry answered for another DOI (CrossRef/rest-api-doc issue #108 shows
            # /works answering with an empty DOI): nothing is known about the one asked for.
            return Lookup(doi, LookupStatus.FAILED, error=f"registry answered for {work.doi!r}")
        self._server.saw_crossref()
        lookup = Lookup(doi, LookupStatus.FOUND, work=work)
        stored = self._stored(lookup)
        if stored is not None:
            self._store(WORK, doi, 200, stored, raw=response.body)
        return lookup

    @property
    def answered_as_crossref(self) -> bool:
        return self._server.answered_as_crossref

    @property
    def server_problem(self) -> str | None:
        """Set when the server answered the probe, but not as Crossref: the URL is wrong."""
        return self._server.problem

    # --- the cache -----------------------------------------------------------------------

    def _stored(self, lookup: Lookup) -> bytes | None:
        """What the cache keeps of a found work for the checks to read (stored.py), or None
        when there is no cache or nothing to keep. The answer as sent goes beside it as `raw`
        on every row: --record on a later run saves that, and it cannot be rebuilt."""
        if self.cache is None or lookup.work is None:
            return None
        return encode_work(lookup.work)

    def _store(
        self, kind: str, doi: str, status: int, body: bytes, *, raw: bytes | None = None
    ) -> None:
        # Only answers reach here (200 and 404); failures are never cached.
        if self.cache is not None:
            self.cache.put(self.cache_source, kind, doi, status, body, raw=raw)

    def _keep_probe(self, body: bytes) -> None:
        # The probe vouches for the 404s cached with it: --record saves it beside them later.
        self._store(PROBE_KIND, PROBE, 200, body)

    def _from_cache(self, dois: list[str], status_matters: bool) -> list[tuple[Lookup, bool]]:
        """Cached answers, each with whether it is fresh for update status."""
        if self._cached is None or not dois:
            return []
        return self._cached.read(dois, status_matters)
