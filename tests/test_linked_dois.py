"""Which linked records an audit reads (update_links.linked_dois): the first MAX_LINKED in the
order of its definition, records a decision needs before those Retraction Watch settles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from claimcheck.checks.update_links import (
    MAX_LINKED,
    RETRACTION_WATCH,
    RETRACTION_WATCH_CSV,
    Link,
    linked_dois,
    links_of,
    settled_by_retraction_watch,
)
from claimcheck.model.events import UpdateEntry
from claimcheck.model.record import Work

OWN = "10.5555/own"


def by_definition(work: Work) -> list[str]:
    """Every linked record, grouped, sorted whole: what linked_dois must equal."""
    by_record: dict[str, list[Link]] = {}
    for link in links_of(work):
        by_record.setdefault(link.entry.doi, []).append(link)
    dois = by_record.keys() - {work.doi, ""}
    return sorted(dois, key=lambda d: (settled_by_retraction_watch(by_record[d]), d))[:MAX_LINKED]


entries = st.lists(
    st.builds(
        UpdateEntry,
        # Few DOIs, so one record is often linked several times, from both sides.
        doi=st.sampled_from(["", OWN, *(f"10.5555/r.{i}" for i in range(70))]),
        type=st.sampled_from(["retraction", "correction", "new_version", "Retraction", ""]),
        source=st.sampled_from(["publisher", RETRACTION_WATCH, RETRACTION_WATCH_CSV]),
    ),
    max_size=160,
)


@given(update_to=entries, updated_by=entries)
def test_linked_dois_equals_its_definition(
    update_to: list[UpdateEntry], updated_by: list[UpdateEntry]
) -> None:
    work = Work(doi=OWN, update_to=tuple(update_to), updated_by=tuple(updated_by))
    assert linked_dois(work) == by_definition(work)


def test_records_a_decision_needs_come_before_those_retraction_watch_settles() -> None:
    settled = [
        UpdateEntry(f"10.5555/a.{i:03}", "retraction", source=RETRACTION_WATCH) for i in range(60)
    ]
    needed = [UpdateEntry(f"10.5555/z.{i:03}", "retraction") for i in range(10)]
    work = Work(doi=OWN, updated_by=(*settled, *needed))
    read = linked_dois(work)
    assert read[:10] == [entry.doi for entry in needed]
    assert read[10:] == [entry.doi for entry in settled[: MAX_LINKED - 10]]
