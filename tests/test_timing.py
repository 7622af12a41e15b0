"""When a retraction became public against the article's publication day."""

from __future__ import annotations

from datetime import date

import pytest

from claimcheck.checks.timing import Timing, date_range, retraction_timing
from claimcheck.model.events import EventKind, UpdateDirection, UpdateEvent

PUBLISHED = date(2020, 6, 1)


def event(
    day: str | None,
    *,
    direction: UpdateDirection = UpdateDirection.UPDATED_BY,
    source_dates: tuple[tuple[str, str], ...] = (),
) -> UpdateEvent:
    return UpdateEvent(
        type="retraction",
        direction=direction,
        doi="10.5555/n",
        date=day,
        sources=("publisher",),
        kind=EventKind.RETRACTION,
        source_dates=source_dates,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-08-15", (date(2010, 8, 15), date(2010, 8, 15))),
        ("2010-02", (date(2010, 2, 1), date(2010, 2, 28))),
        ("2012-02", (date(2012, 2, 1), date(2012, 2, 29))),
        ("2010", (date(2010, 1, 1), date(2010, 12, 31))),
        ("2010-13", None),
        ("soon", None),
    ],
)
def test_date_range(text: str, expected: tuple[date, date] | None) -> None:
    assert date_range(text) == expected


@pytest.mark.parametrize(
    ("events", "timing"),
    [
        ((event("2010-02-06"),), Timing.BEFORE_PUBLICATION),
        ((event("2020-06-05"),), Timing.AFTER_PUBLICATION),
        # The same day: the author could not have known.
        ((event("2020-06-01"),), Timing.AFTER_PUBLICATION),
        # A year that straddles the day says nothing either way; a month starting on it does.
        ((event("2020"),), Timing.UNCERTAIN),
        ((event("2020-06"),), Timing.AFTER_PUBLICATION),
        ((event("2020-05"),), Timing.BEFORE_PUBLICATION),
        ((event(None),), Timing.UNCERTAIN),
        # Two sources on either side of the day: uncertain, and said so.
        (
            (
                event(
                    "2020-05-30", source_dates=(("publisher", "2020-06-13"), ("rw", "2020-05-30"))
                ),
            ),
            Timing.UNCERTAIN,
        ),
        # One retraction already public is enough.
        ((event("2010-02-06"), event("2021-01-01")), Timing.BEFORE_PUBLICATION),
        # An in-place entry counts only when no notice is registered: its date may be the
        # record's own publication day.
        (
            (event("2019-01-01", direction=UpdateDirection.IN_PLACE), event("2021-01-01")),
            Timing.AFTER_PUBLICATION,
        ),
        ((event("2019-01-01", direction=UpdateDirection.IN_PLACE),), Timing.BEFORE_PUBLICATION),
    ],
)
def test_retraction_timing(events: tuple[UpdateEvent, ...], timing: Timing) -> None:
    assert retraction_timing(events, PUBLISHED).timing is timing


def test_timing_describes_itself_with_the_dates() -> None:
    after = retraction_timing((event("2020-06-05"),), PUBLISHED)
    assert after.describe() == (
        "retracted after publication (2020-06-05; the article was published 2020-06-01): "
        "the article may need a correction"
    )
    assert after.dates == ("2020-06-05",)
    unsure = retraction_timing((event(None),), PUBLISHED)
    assert "uncertain" in unsure.describe()
    assert "undated" in unsure.describe()
