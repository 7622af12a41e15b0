"""One editorial status per work: every `update-to` and `updated-by` entry, from every source
and in both directions, folded into events, each with its direction decided once. Pure.

Crossref's convention (https://www.crossref.org/documentation/crossmark/): a notice deposits
`update-to` pointing at the work it updates, and the registry then lists the notice in that
work's `updated-by`. Real records break the convention in three ways, all in the test data:
- publishers retract in place, naming the record's own DOI (IEEE, Elsevier withdrawals);
- Elsevier deposits `update-to` on the *retracted article* too, pointing at its notices and at
  related items, each stamped with the article's own status and date;
- since January 2025 Retraction Watch entries sit beside the publisher's, so one notice can
  be listed several times, with different types and dates.

So the side an entry sits on is only Crossref's convention, and `direction` reads every
entry naming the same other record together, by the role table in README ("How updates are
read"), evidence first: in place, Retraction Watch, the titles of both records, then the
convention for a one-way publisher link. A link nothing settles is `unclear`, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import NamedTuple

from claimcheck.checks.in_place import CONTRADICTORY, contradictory
from claimcheck.checks.roles import decide, retraction_watch_direction
from claimcheck.checks.timing import date_range, event_dates, publication_dated
from claimcheck.checks.titles import TitleReading, TitleSignal, read_titles
from claimcheck.checks.update_links import (
    KIND_RANK,
    MAX_LINKED,
    Link,
    Side,
    kind_of,
    links_of,
    settled_by_retraction_watch,
    type_rank,
)
from claimcheck.model.events import (
    NOTICE_VERDICTS,
    EditorialStatus,
    EventKind,
    SourceEntries,
    UpdateDirection,
    UpdateEvent,
    Verdict,
)
from claimcheck.model.record import Lookup, Work

_CONVENTIONAL_SIDE = {
    UpdateDirection.NOTICE_OF: Side.UPDATE_TO,
    UpdateDirection.UPDATED_BY: Side.UPDATED_BY,
}


def _applied(links: list[Link], direction: UpdateDirection) -> tuple[list[Link], list[Link]]:
    """(the entries that describe the update, the others). A publisher entry on the wrong
    side (Elsevier's `update-to` on a retracted article) carries the article's own status and
    date, not the notice's, so it applies only when nothing sits on the conventional side."""
    side = _CONVENTIONAL_SIDE.get(direction)
    conventional = [link for link in links if link.side is side]
    if not conventional:
        return links, []
    # Split by side in one pass: equal links sit on the same side, so this is the links not
    # in `conventional`, without comparing every pair (works list up to 25 entries).
    return conventional, [link for link in links if link.side is not side]


def _worst_by_source(links: Iterable[Link]) -> dict[str, str]:
    worst: dict[str, str] = {}
    for link in links:
        source = link.entry.source
        if source not in worst or type_rank(link.type) > type_rank(worst[source]):
            worst[source] = link.type
    return worst


def fold_event(
    links: list[Link],
    direction: UpdateDirection,
    doi: str,
    *,
    basis: str,
    other: Lookup | None = None,
) -> UpdateEvent:
    """One event from every entry naming the same record: the most severe applied type
    applies, each source's type is shown where they differ, and so are their dates."""
    if len(links) == 1:
        return _event_of_one(links[0], direction, doi, basis=basis, other=other)
    return _event_of_many(links, direction, doi, basis=basis, other=other)


def _event_of_one(
    link: Link, direction: UpdateDirection, doi: str, *, basis: str, other: Lookup | None
) -> UpdateEvent:
    """`fold_event` of one entry, the usual case: it applies, alone, so no source differs."""
    work = other.work if other is not None else None
    return UpdateEvent(
        type=link.type,
        direction=direction,
        doi=doi,
        date=link.entry.date or None,
        sources=(link.entry.source,),
        title=work.title if work is not None else "",
        kind=link.kind,
        basis=basis,
        other_end=other.status.value if other is not None else "",
    )


def _event_of_many(
    links: list[Link],
    direction: UpdateDirection,
    doi: str,
    *,
    basis: str,
    other: Lookup | None = None,
) -> UpdateEvent:
    applied, others = _applied(links, direction)
    per_source = _worst_by_source(applied)
    worst = max(per_source.values(), key=type_rank)
    # A date is the date of its entry's type: a publisher's "erratum" entry for a notice that
    # Retraction Watch types "retraction" does not date the retraction.
    dates: dict[str, str] = {}
    for link in applied:
        source, day = link.entry.source, link.entry.date
        if day and link.kind is kind_of(worst) and (source not in dates or day < dates[source]):
            dates[source] = day
    unapplied = {
        source: kind
        for source, kind in _worst_by_source(others).items()
        if source not in per_source and kind != worst
    }
    work = other.work if other is not None else None
    return UpdateEvent(
        type=worst,
        direction=direction,
        doi=doi,
        date=min(dates.values()) if dates else None,
        sources=tuple(sorted({link.entry.source for link in links})),
        source_types=tuple(sorted(per_source.items())) if len(set(per_source.values())) > 1 else (),
        title=work.title if work is not None else "",
        kind=kind_of(worst),
        source_dates=tuple(sorted(dates.items())) if len(set(dates.values())) > 1 else (),
        basis=basis,
        other_end=other.status.value if other is not None else "",
        unapplied_types=tuple(sorted(unapplied.items())),
    )


def events_of(
    work: Work, related: Mapping[str, Lookup]
) -> tuple[list[UpdateEvent], list[tuple[str, str]]]:
    """Every event of the work, and the records needed for a decision that were not read."""
    links = links_of(work)
    in_place = [link for link in links if link.entry.doi == work.doi]
    by_record: dict[str, list[Link]] = {}
    for link in links:
        if link.entry.doi != work.doi:  # not in place (equal links name the same record)
            by_record.setdefault(link.entry.doi, []).append(link)
    events = _in_place_events(work, in_place)
    unreadable = []
    records = sorted(by_record.items())
    # Only the records a decision needs count against the cap (update_links.MAX_LINKED).
    needed = [doi for doi, group in records if doi and not settled_by_retraction_watch(group)]
    if len(needed) > MAX_LINKED:
        more = len(needed) - MAX_LINKED
        unreadable.append(
            (
                "",
                f"it names {len(needed)} linked records; claimcheck reads at "
                f"most {MAX_LINKED}, so {more} were not read",
            )
        )
        left_out = set(needed[MAX_LINKED:])
        records = [(doi, group) for doi, group in records if doi not in left_out]
    for doi, group in records:
        if not doi:
            events.extend(_without_doi(group))
            continue
        other = related.get(doi)
        decided = decide(work, group, other, own_title=not in_place)
        if decided.direction is None:
            unreadable.append((doi, decided.unreadable))
            continue
        events.append(fold_event(group, decided.direction, doi, basis=decided.basis, other=other))
    events.sort(key=lambda e: (e.date or "", e.direction.value, e.doi, e.kind.value))
    return events, unreadable


def _in_place_events(work: Work, in_place: list[Link]) -> list[UpdateEvent]:
    """One event per kind of the entries naming the work's own DOI (role table row 1); all
    of editorial kinds `unclear` when they contradict one another (checks/in_place.py)."""
    by_kind: dict[EventKind, list[Link]] = {}
    for link in in_place:
        by_kind.setdefault(link.kind, []).append(link)
    unclear = bool(in_place) and contradictory(by_kind, in_place, read_titles(work.titles))
    events = []
    for kind, group in by_kind.items():
        if unclear and kind is not EventKind.OTHER:
            event = fold_event(group, UpdateDirection.UNCLEAR, work.doi, basis=CONTRADICTORY)
        else:
            event = fold_event(group, UpdateDirection.IN_PLACE, work.doi, basis="in-place")
        events.append(publication_dated(event, work.published))
    return events


def _without_doi(links: list[Link]) -> list[UpdateEvent]:
    """Entries that name no record: nothing to read. Retraction Watch's still say which way
    they run (its CSV gives "unavailable" for a notice without a DOI), one event per kind;
    anyone else's decide nothing."""
    direction = retraction_watch_direction(links)
    if direction is None:
        return [fold_event(links, UpdateDirection.UNCLEAR, "", basis="no-doi")]
    by_kind: dict[EventKind, list[Link]] = {}
    for link in links:
        by_kind.setdefault(link.kind, []).append(link)
    return [
        fold_event(group, direction, "", basis="retraction-watch") for group in by_kind.values()
    ]


def _reverses(reinstatement: UpdateEvent, retraction: UpdateEvent) -> bool:
    """A reinstatement overrides a retraction (README) only when every date shows it came
    after: its first possible day on or after the last possible day of every date any source
    gives the retraction. An undated or overlapping one is shown but leaves the retraction in
    force (fail closed): "2020-03-01" does not reverse a retraction dated only "2020"."""
    starts = [date_range(d) for d in event_dates(reinstatement)]
    ends = [date_range(d) for d in event_dates(retraction)]
    if not starts or not ends or None in starts or None in ends:
        return False
    first = min(r[0] for r in starts if r is not None)
    return all(r is not None and first >= r[1] for r in ends)


def _of(events: Iterable[UpdateEvent], kind: EventKind) -> list[UpdateEvent]:
    own = (UpdateDirection.UPDATED_BY, UpdateDirection.IN_PLACE)
    return [e for e in events if e.kind is kind and e.direction in own]


def with_entries(work: Work, extra: SourceEntries | None) -> Work:
    """The work with the update entries other sources list for it (the Retraction Watch
    CSV) beside its own, so one editorial status weighs them all."""
    if extra is None:
        return work
    return replace(
        work,
        updated_by=work.updated_by + extra.updated_by,
        update_to=work.update_to + extra.update_to,
    )


def editorial_status(work: Work, related: Mapping[str, Lookup]) -> EditorialStatus:
    """The work's editorial status, from its record and the records its updates name."""
    reading = read_titles(work.titles)
    if not work.update_to and not work.updated_by:
        # Most works list no update at all: only their titles can mark them.
        if reading.disagree or reading.title not in ("", work.title):
            return _decided(by_titles=_title_findings(work, reading, events=False, certain=True))
        return _status_by_title(reading.signal, reading.kind)
    events, unreadable = events_of(work, related)
    retractions = _of(events, EventKind.RETRACTION)
    reinstated = _of(events, EventKind.REINSTATEMENT)
    notices = tuple(
        e
        for e in events
        if e.direction is UpdateDirection.NOTICE_OF and e.kind is not EventKind.OTHER
    )
    # Not while a linked record could not be read: Hindawi and Spandidos title a notice
    # "Retracted: <the original's title>", so a marked work whose link is unread may be the
    # notice itself, and its status is unknown, not "retracted".
    certain = not retractions and not notices and not unreadable
    in_force = tuple(r for r in retractions if not any(_reverses(i, r) for i in reinstated))
    return _decided(
        events=tuple(events),
        retractions=in_force,
        reinstatements=tuple(i for i in reinstated if any(_reverses(i, r) for r in retractions)),
        concerns=tuple(_of(events, EventKind.EXPRESSION_OF_CONCERN)),
        corrections=tuple(_of(events, EventKind.CORRECTION)),
        notice_of=notices,
        unclear=tuple(
            e
            for e in events
            if e.direction is UpdateDirection.UNCLEAR and e.kind is not EventKind.OTHER
        ),
        unreadable=tuple(unreadable),
        by_titles=_title_findings(work, reading, events=bool(events), certain=certain),
    )


class _TitleFindings(NamedTuple):
    """What a work's titles alone say of it, as `_decided` takes it."""

    retracted_by_title: bool = False
    notice_by_title: EventKind | None = None
    marked_title: str = ""
    titles_disagree: tuple[str, ...] = ()


_SILENT = _TitleFindings()


def _title_findings(
    work: Work, reading: TitleReading, *, events: bool, certain: bool
) -> _TitleFindings:
    """A retraction marker counts only when `certain` (no retraction, notice or unread link
    beside it); a notice marker only when the work lists no event; a disagreement where a
    retraction marker would count. The marked title is named when it is not the first."""
    retracted = reading.signal is TitleSignal.RETRACTED_ORIGINAL and certain
    kind = reading.kind or EventKind.OTHER.value
    notice = EventKind(kind) if reading.signal is TitleSignal.NOTICE and not events else None
    named = retracted or notice is not None
    return _TitleFindings(
        retracted_by_title=retracted,
        notice_by_title=notice,
        marked_title=reading.title if named and reading.title != work.title else "",
        titles_disagree=reading.disagree if certain else (),
    )


@cache  # one per (signal, kind) pair: a handful
def _status_by_title(signal: TitleSignal, named: str | None) -> EditorialStatus:
    """The status of a work that lists no update entry and whose first title alone carries
    any marker: the same, field for field, as `editorial_status` finds with no events. It is
    frozen, so one is shared by every such work."""
    title_kind = named or EventKind.OTHER.value
    return _decided(
        by_titles=_TitleFindings(
            retracted_by_title=signal is TitleSignal.RETRACTED_ORIGINAL,
            notice_by_title=(
                EventKind(title_kind) if title_kind and signal is TitleSignal.NOTICE else None
            ),
        )
    )


def notice_kind(status: EditorialStatus) -> EventKind | None:
    """The most severe kind this work is a notice of, by its links or by its title."""
    return _notice_kind(status.notice_of, status.notice_by_title)


def _notice_kind(
    notice_of: tuple[UpdateEvent, ...], notice_by_title: EventKind | None
) -> EventKind | None:
    kinds = [e.kind for e in notice_of]
    if notice_by_title is not None:
        kinds.append(notice_by_title)
    return max(kinds, key=KIND_RANK.__getitem__, default=None)


_ORDER = {verdict: rank for rank, verdict in enumerate(Verdict)}  # most severe first


def _decided(
    *,
    events: tuple[UpdateEvent, ...] = (),
    retractions: tuple[UpdateEvent, ...] = (),
    reinstatements: tuple[UpdateEvent, ...] = (),
    concerns: tuple[UpdateEvent, ...] = (),
    corrections: tuple[UpdateEvent, ...] = (),
    notice_of: tuple[UpdateEvent, ...] = (),
    unclear: tuple[UpdateEvent, ...] = (),
    unreadable: tuple[tuple[str, str], ...] = (),
    by_titles: _TitleFindings = _SILENT,
) -> EditorialStatus:
    """The status of these findings, with the verdict they give: worked out before the
    status is built, so it is built once."""
    kind = _notice_kind(notice_of, by_titles.notice_by_title)
    notice = NOTICE_VERDICTS.get(kind or EventKind.OTHER)
    candidates = [
        (retractions or by_titles.retracted_by_title, Verdict.RETRACTED),
        (notice is not None, notice or Verdict.CLEAN),
        (bool(concerns), Verdict.EXPRESSION_OF_CONCERN),
        (bool(unclear or by_titles.titles_disagree), Verdict.UNCLEAR),
        (bool(corrections), Verdict.CORRECTED),
        (bool(reinstatements), Verdict.REINSTATED),
    ]
    found = [v for present, v in candidates if present]
    verdict = min(found, key=_ORDER.__getitem__) if found else Verdict.CLEAN
    if unreadable and _ORDER[verdict] > _ORDER[Verdict.RETRACTED]:
        verdict = Verdict.UNVERIFIED  # only a retraction already known outranks "unknown"
    return EditorialStatus(
        verdict=verdict,
        events=events,
        retractions=retractions,
        reinstatements=reinstatements,
        concerns=concerns,
        corrections=corrections,
        notice_of=notice_of,
        unclear=unclear,
        retracted_by_title=by_titles.retracted_by_title,
        notice_by_title=by_titles.notice_by_title,
        marked_title=by_titles.marked_title,
        titles_disagree=by_titles.titles_disagree,
        unreadable=unreadable,
    )
