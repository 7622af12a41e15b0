"""When a retraction became public, against when the citing article was published. Pure.

The claim map's `article.published` is a day; a notice's date may be a year, a month or a
day, and two sources may date one notice differently. A citation is "cited after retraction"
only when every date the registry gives for the retraction falls before the day the article
was published; it is "retracted after publication" when every date falls on or after it.
Anything in between is reported as uncertain, with the dates, instead of guessed. So is a
retraction dated only by its record's own publication date (`UpdateEvent.publication_dates`).
(choxos/retraction's `classify_timing` makes the same comparison against a document date.)
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from claimcheck.model.events import UpdateDirection, UpdateEvent


class Timing(StrEnum):
    BEFORE_PUBLICATION = "retracted-before-publication"
    AFTER_PUBLICATION = "retracted-after-publication"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class TimingResult:
    timing: Timing
    published: date
    dates: tuple[str, ...]  # the retraction dates compared, as the registry gives them

    def describe(self) -> str:
        shown = ", ".join(self.dates) or "no date"
        day = self.published.isoformat()
        if self.timing is Timing.BEFORE_PUBLICATION:
            return f"retracted ({shown}) before the article was published ({day})"
        if self.timing is Timing.AFTER_PUBLICATION:
            return (
                f"retracted after publication ({shown}; the article was published {day}): "
                "the article may need a correction"
            )
        return f"whether it was retracted before the article ({day}) is uncertain: {shown}"


def date_range(text: str) -> tuple[date, date] | None:
    """The first and last day a registry date ("2010", "2010-08", "2010-08-15") may mean."""
    parts = text.split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            day = date(*numbers)
            return day, day
        if len(numbers) == 2:
            year, month = numbers
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if len(numbers) == 1:
            return date(numbers[0], 1, 1), date(numbers[0], 12, 31)
    except (ValueError, OverflowError):
        return None
    return None


def event_dates(event: UpdateEvent) -> list[str]:
    """Every date the sources give the event: each source's where they differ, else one."""
    return [d for _s, d in event.source_dates] or ([event.date] if event.date else [])


def same_date(one: str, other: str) -> bool:
    """Whether two registry dates may be one, read at the coarser precision: "2024-07-01" is
    "2024-07", the month Elsevier issued 10.1016/j.crad.2024.02.007 in, and "2024"."""
    shorter = min(len(one), len(other))
    return one[:shorter] == other[:shorter]


def publication_dated(event: UpdateEvent, published: tuple[str, ...]) -> UpdateEvent:
    """The in-place event with the dates it shares with the record's own publication dates
    (`issued`, `published`, `-print`, `-online`) named as such. Real publishers stamp those on
    entries deposited much later: 10.1016/j.crad.2024.02.007's withdrawal is dated its July 2024
    issue (deposited 2026), 10.1016/j.asr.2025.03.045's removal its June 2025 issue (deposited
    November 2025), 10.29328/journal.jcmhs.1001023's partial retraction its online day."""
    shared = tuple(d for d in event_dates(event) if any(same_date(d, p) for p in published))
    return replace(event, publication_dates=shared) if shared else event


def _timing_dates(event: UpdateEvent) -> list[str]:
    """The dates that date the retraction: not the record's own publication dates."""
    return [d for d in event_dates(event) if d not in event.publication_dates]


def _shown_dates(event: UpdateEvent) -> list[str]:
    shown = _timing_dates(event)
    shown += [f"{d} (the record's own publication date)" for d in event.publication_dates]
    return shown or ["undated"]


def _event_timing(event: UpdateEvent, published: date) -> Timing:
    """One event: before or after only if every date its sources give agrees."""
    dates = _timing_dates(event)
    ranges = [date_range(d) for d in dates]
    if not ranges or None in ranges:
        return Timing.UNCERTAIN
    if all(r is not None and r[1] < published for r in ranges):
        return Timing.BEFORE_PUBLICATION
    if all(r is not None and r[0] >= published for r in ranges):
        return Timing.AFTER_PUBLICATION
    return Timing.UNCERTAIN


def retraction_timing(events: tuple[UpdateEvent, ...], published: date) -> TimingResult:
    """How the retractions in `events` fall against the article's publication day: before
    if any retraction was surely public by then, after if every one surely came later."""
    # A notice dates a retraction; the publisher's in-place entries may carry an older date
    # (a record's own publication date), so they count only when no notice is registered.
    noticed = [e for e in events if e.direction is not UpdateDirection.IN_PLACE] or list(events)
    timings = [_event_timing(e, published) for e in noticed]
    dates = sorted({d for e in noticed for d in _shown_dates(e)})
    if Timing.BEFORE_PUBLICATION in timings:
        timing = Timing.BEFORE_PUBLICATION
    elif timings and all(t is Timing.AFTER_PUBLICATION for t in timings):
        timing = Timing.AFTER_PUBLICATION
    else:
        timing = Timing.UNCERTAIN
    return TimingResult(timing, published, tuple(dates))
