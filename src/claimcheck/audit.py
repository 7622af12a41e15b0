"""The audit: dedupe DOIs -> look them up -> run the checks -> AuditResult.

I/O happens only through the CrossrefClient and the event sources it is given; the judging
is pure (checks/pipeline.py). The lookups run in the background, and each reference is judged
as soon as its records are in (checks/early.py); the rules are imported only once the lookups
have started, so the first request does not wait for them to load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from claimcheck.checks.update_links import linked_dois
from claimcheck.model.audit_options import AuditOptions
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.sources.crossref.client import CrossrefClient
from claimcheck.sources.interface import EventSource, joined_entries

# The claim map's and the results' models are not needed to start the lookups, which happens
# before the claim maps are validated (app/head_start.py): they are imported where used.
if TYPE_CHECKING:
    from claimcheck.checks.early import EarlyJudge
    from claimcheck.checks.matched import Match
    from claimcheck.model.claimmap import ClaimMap, Reference
    from claimcheck.model.events import SourceEntries
    from claimcheck.model.results import AuditResult
    from claimcheck.sources.crossref.search import BibliographicSearch, SearchAnswer
    from claimcheck.sources.datacite.client import DataCiteClient

__all__ = [
    "AuditOptions",
    "judge_while_waiting",
    "planned_lookups",
    "run_audit",
    "search_matches",
    "start_lookups",
]


def run_audit(
    claim_maps: ClaimMap | Sequence[ClaimMap],
    client: CrossrefClient,
    options: AuditOptions,
    on_lookup: Callable[[Lookup], None] | None = None,
    *,
    events: Sequence[EventSource] = (),
    datacite: DataCiteClient | None = None,
    search: BibliographicSearch | None = None,
) -> AuditResult:
    """Look every DOI of every map up once, ask every event source about them, ask DataCite
    about the DOIs Crossref names as DataCite's (when a DataCite client is given), then
    judge each map."""
    from claimcheck.model.results import as_maps

    maps = as_maps(claim_maps)
    dois = [r.doi for cm in maps for r in cm.references if r.doi]
    # In the background (unless a head start began them), so that references are judged
    # while the rest are looked up. The records each found work links to are read while
    # the lists go on; the call after the judging finds them all in memory.
    start_lookups(client, dois, on_lookup)
    searching = _Searches(maps, search)  # list queries, beside the DOI lookups
    try:
        entries = joined_entries(events, set(dois))
        early = judge_while_waiting(client, maps, entries, options)
    except BaseException:
        # Ctrl-C, or an event source that failed: the lookups in the background send
        # nothing more (those on the wire finish within --timeout).
        client.cancel()
        raise
    lookups = client.lookup_all(dois, on_lookup, follow=_linked)
    matches = searching.matches()
    # A matched work is checked like a printed DOI: its record, the records it links to, and
    # what the event sources list for it. Only the searches name it, so its entries are
    # asked for now; no reference judged early reads them (the early judge judges only
    # references that print a DOI, whose entries it was given before judging any).
    matched = _matched_dois(matches.values())
    lookups |= client.lookup_all(matched, follow=_linked)
    entries = {**joined_entries(events, set(matched) - set(dois)), **entries}
    related = _related_works(client, lookups.values())
    at_datacite = {}
    if datacite is not None:
        at_datacite = datacite.lookup_all(
            doi
            for doi, lookup in lookups.items()
            if lookup.status is LookupStatus.OTHER_AGENCY and lookup.agency == "datacite"
        )
    if not at_datacite:  # named as a source only when it was asked something
        used = tuple(u for u in options.source.used if u.name != "datacite")
        options = replace(options, source=replace(options.source, used=used))
    from claimcheck.checks.pipeline import judge

    return judge(
        maps,
        lookups,
        related,
        options,
        entries=entries,
        datacite=at_datacite,
        matches=matches,
        judged=early.judgements(lookups, related),
    )


# How often the audit looks for new answers to judge: about ten times between two list
# answers at the polite pool's 3 a second, at no cost worth measuring.
ANSWERS_POLL_SECONDS = 0.03


def judge_while_waiting(
    client: CrossrefClient,
    maps: Sequence[ClaimMap],
    entries: Mapping[str, SourceEntries],
    options: AuditOptions,
) -> EarlyJudge:
    """Judge each reference whose records are all in while the lookups `start` began go on
    (checks/early.py); its `judgements` are not judged again."""
    from claimcheck.checks.early import EarlyJudge
    from claimcheck.checks.pipeline import Sources, consulted_sources

    # DataCite's answers and searches' matches come only at the end: the early judge never
    # judges a reference that needs them.
    early = EarlyJudge(maps, Sources(entries, consulted_sources(options), {}, {}), _linked)
    seen, done = 0, False
    while not done:
        done = client.wait(ANSWERS_POLL_SECONDS)
        answers, seen = client.answers_since(seen)
        early.add(answers)
    return early


def search_matches(
    maps: Sequence[ClaimMap], search: BibliographicSearch | None
) -> dict[tuple[str, str], Match]:
    """What a search by metadata finds for each reference that prints no DOI, keyed by
    (claim-map path, reference id); nothing when `search` is None."""
    return _Searches(maps, search).matches()


class _Searches:
    """One `query.bibliographic` search per distinct query of the references that print no
    DOI, started at once on a pool of their own, so they run beside the DOI lookups (the
    limiter paces both)."""

    def __init__(self, maps: Sequence[ClaimMap], search: BibliographicSearch | None) -> None:
        wanted = [
            (cm.path, r) for cm in maps for r in cm.references if not r.doi and not r.doi_error
        ]
        # Each reference's search, keyed by (query, rows): references citing the same work
        # alike share one request. Empty when searching is off or nothing needs it, and then
        # the rules are not even imported before the lookups.
        self._wanted: list[tuple[str, Reference, tuple[str, int] | None]] = []
        self._asked: dict[tuple[str, int], Future[SearchAnswer]] = {}
        self._pool: ThreadPoolExecutor | None = None
        if search is None or not wanted:
            return
        from claimcheck.checks.matching import bibliographic_query, rows_for

        self._pool = ThreadPoolExecutor(max_workers=3)
        for path, reference in wanted:
            query = bibliographic_query(reference)
            key = (query, rows_for(reference)) if query else None
            if key is not None and key not in self._asked:
                self._asked[key] = self._pool.submit(search.search, *key)
            self._wanted.append((path, reference, key))

    def matches(self) -> dict[tuple[str, str], Match]:
        if self._pool is None:
            return {}  # searching is off: every reference stays as it was
        from claimcheck.checks.matched import Match
        from claimcheck.checks.matching import validate

        found: dict[tuple[str, str], Match] = {}
        try:
            for path, reference, key in self._wanted:
                answer = self._asked[key].result() if key is not None else None
                candidates = answer.candidates if answer is not None else ()
                error = answer.error if answer is not None else None
                found[path, reference.id] = Match(validate(reference, candidates), error)
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)
        return found


def _matched_dois(matches: Iterable[Match]) -> list[str]:
    from claimcheck.checks.matching import MatchStatus

    usable = (MatchStatus.CONFIDENT, MatchStatus.WEAK)
    return [m.outcome.best.doi for m in matches if m.outcome.best and m.outcome.status in usable]


def start_lookups(
    client: CrossrefClient, dois: Iterable[str], on_lookup: Callable[[Lookup], None] | None = None
) -> None:
    """Start the lookups `run_audit` will make for `dois` (and the records they link to)
    now, in the background, while the caller finishes validating the claim maps: the first
    request need not wait for that. `run_audit` then waits for them instead of asking again;
    a DOI it does not need was merely looked up. `client.cancel()` stops them."""
    client.start(dois, on_lookup, follow=_linked)


def planned_lookups(claim_maps: ClaimMap | Sequence[ClaimMap]) -> int:
    """How many distinct DOIs an audit looks up first (for a progress bar)."""
    from claimcheck.model.results import as_maps

    return len({r.doi for cm in as_maps(claim_maps) for r in cm.references if r.doi})


def _linked(lookup: Lookup) -> list[str]:
    return linked_dois(lookup.work) if lookup.work is not None else []


def _related_works(client: CrossrefClient, lookups: Iterable[Lookup]) -> dict[str, Lookup]:
    """Look up the records that update entries name: their titles settle which record is
    the notice, and name them. Every answer is kept, failures too: a failed record that a
    decision needs makes the reference unverified (editorial.py)."""
    wanted = [doi for lookup in lookups for doi in _linked(lookup)]
    # Read for their titles, not their own update status: cached metadata may serve longer.
    return client.lookup_all(wanted, status_matters=False)
