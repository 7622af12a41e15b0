"""Update events: direction, notices vs originals, merged sources, reinstatement (audit.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.checks.updates import (
    is_notice_title,
    is_retracted_original_title,
    normalise_type,
    targets_to_fetch,
    update_events,
    update_state,
)
from claimcheck.models import UpdateDirection, UpdateEntry, Work
from claimcheck.registry import MalformedRecord, decode_envelope, parse_work
from tests.conftest import RECONSTRUCTED, RECORDED


def load(path: Path) -> Work:
    body = path.read_bytes()
    document = json.loads(body)
    message = decode_envelope(body, "work") if "message" in document else document
    return parse_work(message)


NOTICE = RECONSTRUCTED / "10.1158_0008-5472.can-10-2451.json"
ORIGINAL = RECONSTRUCTED / "10.1158_0008-5472.can-04-4194.json"
PLOS_CORRECTED = (
    "works_10.1371_journal.pone.0033693__article_with_updated-by_correction__habanero_2026.json"
)
ERRATUM_NOTICE = (
    "work-item_10.1002_job.1858__erratum_notice_update-to_correction__fathomlabs_2017.json"
)


def retraction(doi: str, source: str = "publisher", date: str = "2020-01-02") -> UpdateEntry:
    return UpdateEntry(doi=doi, type="retraction", label="Retraction", date=date, source=source)


def test_seed_notice_is_read_as_the_notice_of_its_original() -> None:
    notice, original = load(NOTICE), load(ORIGINAL)
    events = update_events(notice, {original.doi: original})
    assert [(e.direction, e.doi, e.type, e.date, e.sources) for e in events] == [
        (
            UpdateDirection.NOTICE_OF,
            "10.1158/0008-5472.can-04-4194",
            "retraction",
            "2010-08-15",
            # No `source` in the entry: a publisher (Crossmark) deposit.
            ("publisher",),
        )
    ]
    assert events[0].title == "Spontaneous Human Adult Stem Cell Transformation"
    state = update_state(notice, events)
    assert state.notice_of == events
    assert state.retractions == ()


def test_seed_original_is_retracted_by_the_notice() -> None:
    original = load(ORIGINAL)
    events = update_events(original, {})
    assert [(e.direction, e.doi) for e in events] == [
        (UpdateDirection.UPDATED_BY, "10.1158/0008-5472.can-10-2451")
    ]
    assert update_state(original, events).retractions == events


def test_recorded_plos_correction_is_an_updated_by_correction() -> None:
    work = load(RECORDED / PLOS_CORRECTED)
    events = update_events(work, {})
    assert [(e.type, e.direction.value, e.sources) for e in events] == [
        ("correction", "updated-by", ("publisher",))
    ]
    state = update_state(work, events)
    assert state.corrections == events
    assert state.retractions == ()


def test_recorded_erratum_notice_is_a_notice_not_a_corrected_work() -> None:
    work = load(RECORDED / ERRATUM_NOTICE)
    events = update_events(work, {})
    assert [(e.direction, e.doi) for e in events] == [
        (UpdateDirection.NOTICE_OF, "10.1002/job.1787")
    ]
    assert update_state(work, events).corrections == ()


def test_update_to_on_a_retracted_original_points_at_its_notice() -> None:
    work = Work(doi="10.1/orig", title="RETRACTED: A study", update_to=(retraction("10.1/notice"),))
    events = update_events(work, {})
    assert events[0].direction is UpdateDirection.UPDATED_BY
    assert update_state(work, events).retractions == events


def test_retraction_in_place_points_at_the_record_itself() -> None:
    work = Work(doi="10.1/x", title="A study", update_to=(retraction("10.1/x"),))
    events = update_events(work, {})
    assert events[0].direction is UpdateDirection.IN_PLACE
    assert update_state(work, events).retractions == events


def test_round_trip_makes_a_plainly_titled_record_a_notice() -> None:
    work = Work(doi="10.1/n", title="A note", update_to=(retraction("10.1/o"),))
    target = Work(doi="10.1/o", title="Original", updated_by=(retraction("10.1/n"),))
    assert update_events(work, {"10.1/o": target})[0].direction is UpdateDirection.NOTICE_OF
    # Without the round trip there is no evidence of a notice: read as the original.
    assert update_events(work, {})[0].direction is UpdateDirection.UPDATED_BY
    assert targets_to_fetch(work) == ["10.1/o"]


def test_same_retraction_from_two_sources_is_one_event_with_both() -> None:
    work = Work(
        doi="10.1/x",
        updated_by=(
            retraction("10.1/n", "publisher", "2021-03-01"),
            retraction("10.1/n", "retraction-watch", "2021-02-27"),
        ),
    )
    (event,) = update_events(work, {})
    assert event.sources == ("publisher", "retraction-watch")
    assert event.date == "2021-02-27"
    assert event.source_types == ()


def test_sources_that_disagree_on_type_show_both_and_the_worse_applies() -> None:
    work = Work(
        doi="10.1/x",
        updated_by=(
            retraction("10.1/n", "publisher"),
            UpdateEntry("10.1/n", "expression_of_concern", source="retraction-watch"),
        ),
    )
    (event,) = update_events(work, {})
    assert event.type == "retraction"
    assert dict(event.source_types) == {
        "publisher": "retraction",
        "retraction-watch": "expression_of_concern",
    }


def test_reinstatement_overrides_an_earlier_retraction() -> None:
    work = Work(
        doi="10.1/x",
        updated_by=(
            retraction("10.1/r", date="2019-01-01"),
            UpdateEntry("10.1/back", "reinstatement", date="2020-01-01"),
        ),
    )
    state = update_state(work, update_events(work, {}))
    assert state.retractions == ()
    assert [e.doi for e in state.reinstatements] == ["10.1/back"]


def test_retraction_after_a_reinstatement_is_in_force() -> None:
    work = Work(
        doi="10.1/x",
        updated_by=(
            UpdateEntry("10.1/back", "reinstatement", date="2020-01-01"),
            retraction("10.1/r2", date="2022-01-01"),
        ),
    )
    state = update_state(work, update_events(work, {}))
    assert [e.doi for e in state.retractions] == ["10.1/r2"]


def test_title_alone_can_mark_a_retracted_original() -> None:
    work = Work(doi="10.1/x", title="WITHDRAWN: A study")
    assert update_state(work, ()).retracted_by_title


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Retraction", "retraction"),
        ("retration", "retraction"),
        ("expression of concern", "expression_of_concern"),
        ("Expression-of-Concern", "expression_of_concern"),
        ("new_version", "new_version"),
    ],
)
def test_type_variants_normalise(raw: str, expected: str) -> None:
    assert normalise_type(raw) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Retraction: Spontaneous human adult stem cell transformation",
        "Retraction notice to “A paper”",
        "Notice of retraction",
        "Retraction—A paper",
        "Expression of concern: A paper",
        "Erratum",
        "Correction to: A paper",
        "Corrigendum to “Spatial detection” [Soil Biol. 195 (2024)]",
    ],
)
def test_notice_titles(title: str) -> None:
    assert is_notice_title(title)


@pytest.mark.parametrize(
    "title",
    ["RETRACTED: A paper", "WITHDRAWN: A paper", "Retracted article: A paper"],
)
def test_retracted_original_titles_are_never_notices(title: str) -> None:
    assert is_retracted_original_title(title)
    assert not is_notice_title(title)


@pytest.mark.parametrize(
    "title", ["Retractions in science: a survey", "Corrective surgery outcomes", "Errata in DNA"]
)
def test_ordinary_titles_are_not_notices(title: str) -> None:
    assert not is_notice_title(title)


# --- regressions from review: each of these once reported a retracted work as clean -----


def test_undated_reinstatement_does_not_reverse_a_dated_retraction() -> None:
    work = Work(
        doi="10.1/x",
        updated_by=(
            retraction("10.1/r", date="2023-05-01"),
            UpdateEntry("10.1/back", "reinstatement", date=None, source="retraction-watch"),
        ),
    )
    state = update_state(work, update_events(work, {}))
    assert [e.doi for e in state.retractions] == ["10.1/r"]
    assert state.reinstatements == ()


@pytest.mark.parametrize(
    ("kind", "label"),
    [("", "Retraction"), ("Retracted", ""), ("retraction_notice", ""), ("WITHDRAWN", "")],
)
def test_unfamiliar_retraction_types_are_still_retractions(kind: str, label: str) -> None:
    work = Work(doi="10.1/x", updated_by=(UpdateEntry("10.1/n", kind, label=label),))
    assert len(update_state(work, update_events(work, {})).retractions) == 1


def test_round_trip_beats_a_title_that_looks_like_a_notice() -> None:
    original = Work(
        doi="10.1/o",
        title="Retraction of the gingival margin in rats",
        update_to=(retraction("10.1/n"),),
    )
    notice = Work(doi="10.1/n", title="Notice", update_to=(retraction("10.1/o"),))
    events = update_events(original, {"10.1/n": notice})
    assert events[0].direction is UpdateDirection.UPDATED_BY
    assert update_state(original, events).retractions == events


def test_one_source_listing_a_notice_twice_keeps_the_worse_type() -> None:
    work = Work(
        doi="10.1/x",
        updated_by=(
            UpdateEntry("10.1/n", "expression_of_concern"),
            UpdateEntry("10.1/n", "retraction"),
        ),
    )
    (event,) = update_events(work, {})
    assert event.type == "retraction"


def test_an_update_entry_without_a_doi_updates_the_work_itself() -> None:
    message = {"DOI": "10.1/x", "updated-by": [{"type": "retraction", "label": "Retraction"}]}
    work = parse_work(message)
    (event,) = update_events(work, {})
    assert event.direction is UpdateDirection.IN_PLACE
    assert update_state(work, (event,)).retractions == (event,)


@pytest.mark.parametrize("value", [{"DOI": "10.1/n"}, "retracted", [1, 2]])
def test_unreadable_update_data_fails_the_record(value: object) -> None:
    with pytest.raises(MalformedRecord):
        parse_work({"DOI": "10.1/x", "updated-by": value})


def test_a_notice_title_without_any_link_is_still_a_notice() -> None:
    work = Work(doi="10.1/n", title="Notice of Retraction: A study")
    state = update_state(work, ())
    assert state.notice_by_title
    assert not Work(doi="10.1/y", title="A study").title.startswith("Notice")
