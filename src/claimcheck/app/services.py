"""The services an audit reads from, opened as the settings ask: the Crossref client (live,
replayed or recording), DataCite, the bibliographic search, the Retraction Watch data and
the cache. Each is imported where it is opened, so `--help` loads none of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from claimcheck.app.settings import Settings, notice
from claimcheck.model.audit_options import Source, SourceUsed
from claimcheck.model.errors import UsageError
from claimcheck.transport.urls import redact_url

if TYPE_CHECKING:
    from claimcheck.cache.store import Cache
    from claimcheck.sources.crossref.client import CrossrefClient
    from claimcheck.sources.crossref.search import BibliographicSearch
    from claimcheck.sources.datacite.client import DataCiteClient
    from claimcheck.sources.interface import EventSource
    from claimcheck.sources.retraction_watch import RetractionWatchIndex
    from claimcheck.transport.fetch import Fetcher


def open_client(settings: Settings) -> tuple[CrossrefClient, Source]:
    """The CrossrefClient these settings ask for, and the `source` the report names."""
    from claimcheck.sources.crossref.answers import singles_in_list
    from claimcheck.sources.crossref.client import CrossrefClient
    from claimcheck.transport.evidence import RecordingFetcher, ReplayFetcher
    from claimcheck.transport.fetch import HttpFetcher

    if settings.replay:
        if not settings.replay.is_dir():
            raise UsageError(f"--replay: {settings.replay} is not a directory")
        replay = ReplayFetcher(settings.replay, derive=singles_in_list)
        # No batching and no cache: a snapshot answers per request, its recorded lists per
        # DOI, and nothing from outside it counts.
        used = SourceUsed("crossref", file=str(settings.replay))
        return CrossrefClient(replay, batch=False), Source(str(settings.replay), "replay", (used,))
    fetcher: Fetcher = HttpFetcher(
        settings.crossref_url,
        mailto=settings.mailto,
        token=settings.crossref_token,
        timeout=settings.timeout,
        deadline=settings.deadline,
        retries=settings.retries,
        max_rps=settings.max_rps,
        concurrency=settings.concurrency,
    )
    recorder = None
    if settings.record:
        try:
            fetcher = recorder = RecordingFetcher(fetcher, settings.record, settings.crossref_url)
        except OSError as exc:
            # The folder or its index cannot be made (read-only, a file on the way): the
            # option's fault, said before any lookup, not an internal error.
            fetcher.close()
            raise UsageError(
                f"--record: cannot write {settings.record}: {exc.strerror or exc}"
            ) from None
    # Only the fetcher above sends the credentials. The client uses its base URL to name the
    # server (messages, the report's cache source, the cache key), so it gets the redacted one.
    shown_url = redact_url(settings.crossref_url)
    client = CrossrefClient(
        fetcher,
        base_url=shown_url,
        concurrency=settings.concurrency or 3,
        cache=open_cache(settings),
        read_cache=not settings.fresh,
        offline=settings.offline,
        recorder=recorder.save if recorder is not None else None,
    )
    shown = shown_url.rstrip("/")
    return client, Source(shown, settings.mode, (SourceUsed("crossref", url=shown),))


def open_datacite(
    settings: Settings, crossref: Fetcher, cache: Cache | None = None
) -> tuple[DataCiteClient, SourceUsed]:
    """DataCite, asked about the DOIs Crossref names as DataCite's. Online it is asked, and
    --record saves its answers in the snapshot beside Crossref's (`crossref` is the Crossref
    client's fetcher: its recorder, when recording); --replay answers from the snapshot.
    `cache` is the Crossref client's (None when replaying): DataCite's answers are kept in
    it under DataCite's URL, read unless --fresh, and offline they alone answer, so a DOI
    without one there is `unverified`, never judged without DataCite's record. Online
    lookups keep to --retries and end by the Crossref fetcher's deadline (--deadline), as
    Crossref's do."""
    from claimcheck.sources.datacite.client import DEFAULT_DATACITE_URL, LOCAL, DataCiteClient
    from claimcheck.transport.evidence import RecordingFetcher, ReplayFetcher
    from claimcheck.transport.limiter import Limiter

    url = settings.datacite_url or DEFAULT_DATACITE_URL
    shown = redact_url(url).rstrip("/")
    if settings.replay:
        # A snapshot recorded before DataCite's answers were saved answers none: "not in the
        # evidence snapshot", so the reference is `unverified`, as it must be. No cache: only
        # the snapshot counts.
        replayed = DataCiteClient(shown, ReplayFetcher(settings.replay), limiter=Limiter(LOCAL))
        return replayed, SourceUsed("datacite", file=str(settings.replay))
    recorder = crossref if isinstance(crossref, RecordingFetcher) else None
    client = DataCiteClient(
        url,
        mailto=settings.mailto,
        limiter=Limiter(LOCAL) if settings.offline else None,
        timeout=settings.timeout,
        retries=settings.retries,
        deadline_at=getattr(crossref, "run_deadline", None),
        wrap=(lambda fetcher: recorder.alongside(fetcher, url)) if recorder else None,
        cache=cache,
        read_cache=not settings.fresh,
        offline=settings.offline,
        # The answers the cache gives are saved too, so a replay judges as this run did.
        recorder=recorder.saver(url) if recorder else None,
    )
    return client, SourceUsed("datacite", url=shown)


def open_search(settings: Settings, client: CrossrefClient) -> BibliographicSearch | None:
    """Crossref's bibliographic search for references that print no DOI, through the same
    fetcher (so the same limiter, recording and replay) and cache as the DOI lookups."""
    if settings.no_match:
        return None
    from claimcheck.sources.crossref.search import BibliographicSearch

    return BibliographicSearch(
        client.fetcher,
        cache=client.cache,  # None when replaying: a snapshot answers by itself
        cache_source=client.cache_source,
        read_cache=not settings.fresh,
        offline=settings.offline,
        recorder=client.recorder,
    )


def open_event_sources(settings: Settings) -> list[EventSource]:
    """The sources of editorial events beside Crossref these settings ask for: the
    Retraction Watch CSV, indexed into the cache folder the first time it is seen."""
    if settings.retraction_watch is None:
        return []
    from claimcheck.cache.store import default_cache_dir
    from claimcheck.sources.retraction_watch import (
        RetractionWatchError,
        RetractionWatchIndex,
        RetractionWatchSource,
    )

    path = settings.retraction_watch
    if not path.is_file():
        raise UsageError(f"--retraction-watch: {path} is not a file")
    told = False

    def progress(rows: int) -> None:
        nonlocal told
        if not told:
            told = True
            notice(
                f"indexing the Retraction Watch data in {path} (once per file)",
                quiet=settings.quiet,
            )

    try:
        index = RetractionWatchIndex.open(
            path, settings.cache_dir or default_cache_dir(), on_progress=progress
        )
    except RetractionWatchError as exc:
        raise UsageError(f"--retraction-watch: {exc}") from None
    if index.built:
        notice(f"indexed {index.rows} Retraction Watch records from {path}", quiet=settings.quiet)
    # Shown even with --quiet: each says that a retraction in the file may not be seen, and
    # the gate may pass for want of it.
    for warning in _retraction_watch_warnings(index):
        notice(f"warning: --retraction-watch {path}: {warning}")
    return [RetractionWatchSource(index)]


def _retraction_watch_warnings(index: RetractionWatchIndex) -> list[str]:
    """What the index could not read, said on every run that uses it: a retraction in a row
    that was skipped is not seen, so a work it retracts may come out clean; a DOI that was
    dropped is not matched; an undated retraction cannot be put before or after a citation
    or a reinstatement."""
    said = []
    if index.skipped_rows:
        said.append(
            f"{index.skipped_rows} row(s) could not be read, one line each (a wrong number of"
            " fields, a RetractionNature that is blank or unknown, or a repeated Record ID;"
            f" line {_lines(index.skipped_rows, index.skipped_lines)}): a retraction they"
            " record is not seen"
        )
    if index.lost_dois.count:
        said.append(
            f"{index.lost_dois.count} row(s) hold a DOI cell with a piece that is not a DOI"
            f" (line {_lines(index.lost_dois.count, index.lost_dois.lines)}): that piece is"
            " dropped, so a paper or notice it names is not matched"
        )
    if index.lost_dates.count:
        said.append(
            f"{index.lost_dates.count} row(s) hold a RetractionDate or OriginalPaperDate that"
            f" cannot be read (line {_lines(index.lost_dates.count, index.lost_dates.lines)}):"
            " those records are undated, so whether a citation or a reinstatement came after"
            " them is unknown"
        )
    if not index.rows:
        said.append("it holds no record, so it adds nothing to the audit")
    return said


def _lines(count: int, lines: Sequence[int]) -> str:
    return ", ".join(str(line) for line in lines) + (", …" if count > len(lines) else "")


def open_cache(settings: Settings, warn: Callable[[str], None] | None = None) -> Cache:
    """The cache `settings` name; its warnings are notices unless `warn` takes them."""
    from datetime import timedelta

    from claimcheck.cache.store import Cache, default_cache_dir

    def as_notice(message: str) -> None:
        notice(f"warning: {message}", quiet=settings.quiet)

    return Cache(
        settings.cache_dir or default_cache_dir(),
        metadata_ttl=timedelta(days=settings.metadata_ttl_days),
        status_ttl=timedelta(hours=settings.status_ttl_hours),
        warn=warn or as_notice,
    )
