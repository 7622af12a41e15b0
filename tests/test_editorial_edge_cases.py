"""Made-up editorial edge cases: reinstatements, odd entries, unreadable types, shortcuts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.checks.editorial import _event_of_many, editorial_status, fold_event
from claimcheck.checks.update_links import Link, Side
from claimcheck.model.events import EventKind, UpdateDirection, UpdateEntry, Verdict
from claimcheck.model.findings import FindingCode
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.sources.crossref.records import MalformedRecord, parse_work
from tests.factories import update, work_envelope
from tests.test_editorial import LANCET, findings_for, made_up, real, status_of

# --- made-up edge cases ------------------------------------------------------------------------


def reinstated(retraction_date: str, reinstatement_date: str, **extra: object) -> object:
    work = made_up(
        work_envelope(
            "10.5555/back",
            updated_by=[
                update("10.5555/r", "retraction", retraction_date),
                update("10.5555/i", "reinstatement", reinstatement_date),
                *extra.get("more", []),  # type: ignore[misc]
            ],
        )
    )
    return status_of(work)


def test_a_reinstatement_reverses_only_a_retraction_surely_before_it() -> None:
    assert reinstated("2019-01-01", "2020-06-01").verdict is Verdict.REINSTATED
    # "2020" may mean December: a reinstatement in March does not surely come after it.
    assert reinstated("2020-01-01", "2020-03-01").verdict is Verdict.REINSTATED
    year_only = {"DOI": "10.5555/r", "type": "retraction", "updated": {"date-parts": [[2020]]}}
    work = made_up(
        work_envelope(
            "10.5555/back",
            updated_by=[year_only, update("10.5555/i", "reinstatement", "2020-03-01")],
        )
    )
    assert status_of(work).verdict is Verdict.RETRACTED
    # Every source's date counts: Retraction Watch 2020-06-05, the publisher 2020-09-01.
    later = update("10.5555/r", "retraction", "2020-09-01", "retraction-watch")
    status = reinstated("2020-06-05", "2020-07-01", more=[later])
    assert status.verdict is Verdict.RETRACTED


def test_an_entry_without_a_doi_is_unclear_not_in_place() -> None:
    notice = made_up(
        work_envelope(
            "10.5555/orphan-notice",
            title="Retraction: a study",
            update_to=[{"type": "retraction", "label": "Retraction"}],
        )
    )
    status = status_of(notice)
    assert status.retractions == ()
    assert [(e.direction, e.basis) for e in status.unclear] == [(UpdateDirection.UNCLEAR, "no-doi")]


def test_relations_and_unknown_types_are_shown_never_judged() -> None:
    work = made_up(
        work_envelope(
            "10.5555/linked",
            update_to=[update("10.5555/x", "relation"), update("10.5555/y", "something_new")],
            updated_by=[update("10.5555/y", "something_new")],
        )
    )
    status = status_of(work)
    assert [e.doi for e in status.events] == ["10.5555/y"]  # relation is not editorial
    assert status.events[0].kind is EventKind.OTHER
    assert status.unclear == ()
    assert status.verdict is Verdict.CLEAN


@pytest.mark.parametrize("kind", [None, "", "  ", ["retraction"], {"name": "retraction"}, 7])
@pytest.mark.parametrize("field", ["update-to", "updated-by"])
def test_an_update_without_a_readable_type_fails_the_record(field: str, kind: object) -> None:
    # Read as "no editorial kind", a retraction with a broken type made the work clean.
    entry: dict[str, object] = {"DOI": "10.5555/n", "updated": {"date-parts": [[2020, 1, 2]]}}
    if kind is not None:
        entry["type"] = kind
    envelope = json.loads(work_envelope("10.5555/x"))
    envelope["message"][field] = [entry]
    with pytest.raises(MalformedRecord, match="no readable `type`"):
        parse_work(envelope["message"])


def test_a_known_retraction_fails_a_citation_even_beside_an_unreadable_link() -> None:
    from claimcheck.checks.claims import CitationState, citation_state

    failed = Lookup("x", LookupStatus.FAILED, error="timed out")
    status = status_of(real(LANCET), {"10.1016/s0140-6736(20)31174-0": failed})
    findings = findings_for(status)
    assert {FindingCode.RETRACTED, FindingCode.UNVERIFIED} <= {f.code for f in findings}
    assert citation_state(findings) is CitationState.FAILS


# Titles that mark a record, one per marker family, and plain ones: a work that lists no
# update is judged by its title alone (the shortcut in `editorial_status`).
_TITLES_ALONE = [
    ("A study of things", Verdict.CLEAN),
    ("RETRACTED: A study of things", Verdict.RETRACTED),
    ("[Retracted] A study of things", Verdict.RETRACTED),
    ("WITHDRAWN", Verdict.RETRACTED),
    ("Retraction notice to “A study of things”", Verdict.RETRACTION_NOTICE),
    ("Expression of concern: A study of things", Verdict.CONCERN_NOTICE),
    ("Correction to: A study of things", Verdict.CORRECTION_NOTICE),
    ("Addendum", Verdict.CORRECTION_NOTICE),
]


@pytest.mark.parametrize(("title", "verdict"), _TITLES_ALONE)
def test_a_work_listing_no_update_is_judged_as_one_whose_entries_are_not_editorial(
    title: str, verdict: Verdict
) -> None:
    # A new version is not an editorial event, so the general path reads no event from it:
    # the shortcut for a work with no entry at all must give the very same status.
    bare = made_up(work_envelope("10.1234/alone", title=title)).work
    versioned = made_up(
        work_envelope(
            "10.1234/alone", title=title, **{"update-to": [update("10.1234/v1", "new_version")]}
        )
    ).work
    assert bare is not None
    assert versioned is not None
    assert not bare.update_to
    assert not bare.updated_by
    assert versioned.update_to
    alone, general = editorial_status(bare, {}), editorial_status(versioned, {})
    assert alone == general
    assert alone.verdict is verdict


_ONE_LINK = st.builds(
    Link,
    side=st.sampled_from(list(Side)),
    entry=st.builds(
        UpdateEntry,
        doi=st.sampled_from(["10.1234/notice", ""]),
        type=st.sampled_from(["retraction", "erratum", "expression_of_concern", "odd"]),
        date=st.sampled_from([None, "", "2020", "2020-01-02"]),
        source=st.sampled_from(["publisher", "retraction-watch"]),
    ),
    type=st.sampled_from(["retraction", "withdrawal", "erratum", "reinstatement", "x"]),
)
_OTHER_END = st.sampled_from(
    [
        None,
        Lookup("10.1234/notice", LookupStatus.NOT_FOUND),
        Lookup("10.1234/notice", LookupStatus.FOUND, work=Work(doi="10.1234/notice", title="T")),
    ]
)


@given(link=_ONE_LINK, direction=st.sampled_from(list(UpdateDirection)), other=_OTHER_END)
def test_an_event_of_one_entry_is_what_folding_many_gives_for_it(
    link: Link, direction: UpdateDirection, other: Lookup | None
) -> None:
    # `fold_event` takes a shortcut for one entry, the usual case; the general fold of that
    # one entry must give the very same event.
    general = _event_of_many([link], direction, "10.1234/notice", basis="b", other=other)
    assert fold_event([link], direction, "10.1234/notice", basis="b", other=other) == general
