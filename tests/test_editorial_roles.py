"""Each row of the role table (README, "How updates are read"), on real Crossref records."""

from __future__ import annotations

import json

import pytest

from claimcheck.model.events import EventKind, UpdateDirection, UpdateEvent, Verdict
from claimcheck.model.findings import FindingCode
from tests.conftest import RECONSTRUCTED, RECORDED
from tests.factories import update, work_envelope
from tests.test_editorial import (
    LANCET,
    LANCET_NOTICE,
    findings_for,
    made_up,
    real,
    recorded,
    status_of,
    work_of,
)


def summary(events: tuple[UpdateEvent, ...]) -> list[tuple[str, str, str, str]]:
    return [(e.direction.value, e.doi, e.kind.value, e.basis) for e in events]


# --- the role table, row by row ---------------------------------------------------------------


def test_row_in_place_ieee_notice_of_retraction_is_the_retracted_paper() -> None:
    # IEEE retitles a retracted paper "Notice of Retraction: …" and lists its own DOI in both
    # lists (Retraction Watch). The notice title names the in-place update, not a notice.
    status = status_of(real("10.1109/icetce.2011.5774727"))
    assert status.verdict is Verdict.RETRACTED
    (event,) = status.retractions
    assert (event.direction, event.basis, event.sources) == (
        UpdateDirection.IN_PLACE,
        "in-place",
        ("retraction-watch",),
    )
    assert status.notice_of == ()


def test_row_in_place_contradictory_kinds_with_nothing_behind_them_are_unclear() -> None:
    # A faulty deposit: 25 self-references of every type (retraction, withdrawal, removal,
    # partial_retraction, expression_of_concern, correction, erratum, ... new_edition), all
    # the publisher's, all dated the record's own online day, on an ordinary title with no
    # Retraction Watch entry. One event per kind, versions and editions dropped, the most
    # severe type of each kind applies. This test used to lock in `retracted` (+ concern +
    # correction): a work is not retracted, under concern and corrected by one deposit on
    # one day, and nothing backs the retraction, so reporting it as retracted was a guess
    # that harms its authors. It is now `unclear` (README row 1, `in-place-contradictory`).
    status = status_of(real("10.33552/ojdoh.2018.01.000503"))
    assert {(e.kind, e.type) for e in status.events} == {
        (EventKind.RETRACTION, "retraction"),
        (EventKind.EXPRESSION_OF_CONCERN, "expression_of_concern"),
        (EventKind.CORRECTION, "correction"),
    }
    assert all(e.direction is UpdateDirection.UNCLEAR for e in status.events)
    assert {e.basis for e in status.events} == {"in-place-contradictory"}
    assert status.retractions == status.concerns == status.corrections == ()
    assert len(status.unclear) == 3
    # Read from the work itself: no other record was needed, so none is missing.
    assert status.unreadable == ()
    assert status.verdict is Verdict.UNCLEAR
    (finding,) = findings_for(status)
    assert (finding.code, finding.severity) == (FindingCode.UPDATE_ROLE_UNCLEAR, "warning")
    assert finding.evidence["basis"] == "in-place-contradictory"
    assert finding.evidence["kinds"] == ["correction", "expression of concern", "retraction"]
    assert "retraction" in finding.message
    assert "not reported as retracted" in finding.message


def test_row_in_place_contradictory_kinds_backed_by_retraction_watch_stay_retracted() -> None:
    # The same deposit with one Retraction Watch entry on its own DOI beside the publisher's:
    # Retraction Watch records the retraction, so it stands (and so do the others).
    record = json.loads(recorded("10.33552/ojdoh.2018.01.000503").read_bytes())
    message = record["message"]
    message["updated-by"].append(
        {**message["updated-by"][-1], "source": "retraction-watch", "record-id": "1"}
    )
    status = status_of(made_up(json.dumps(record).encode()))
    assert status.verdict is Verdict.RETRACTED
    assert {e.direction for e in status.events} == {UpdateDirection.IN_PLACE}


def test_row_in_place_contradictory_kinds_backed_by_a_title_marker_stay_retracted() -> None:
    record = json.loads(recorded("10.33552/ojdoh.2018.01.000503").read_bytes())
    record["message"]["title"] = ["RETRACTED: " + record["message"]["title"][0]]
    status = status_of(made_up(json.dumps(record).encode()))
    assert status.verdict is Verdict.RETRACTED
    assert len(status.retractions) == len(status.concerns) == 1


@pytest.mark.parametrize(
    ("doi", "kind_type"),
    [
        ("10.29328/journal.jcmhs.1001023", "partial_retraction"),
        ("10.1016/j.crad.2024.02.007", "withdrawal"),
        ("10.1016/j.asr.2025.03.045", "removal"),
    ],
)
def test_row_in_place_partial_withdrawal_and_removal_are_retractions(
    doi: str, kind_type: str
) -> None:
    status = status_of(real(doi))
    assert status.verdict is Verdict.RETRACTED
    (event,) = status.retractions
    assert (event.direction, event.type) == (UpdateDirection.IN_PLACE, kind_type)


def test_in_place_work_keeps_its_other_updates_by_convention() -> None:
    # "Withdrawal notice to '…'" is the withdrawn article itself (in place); its erratum is
    # read by Crossref's convention, not by the notice-like title the withdrawal gave it.
    status = status_of(real("10.1016/j.crad.2024.02.007"))
    (erratum,) = status.corrections
    assert (erratum.doi, erratum.basis) == ("10.1016/j.crad.2026.107394", "convention")
    assert erratum.direction is UpdateDirection.UPDATED_BY


def test_row_retraction_watch_fixes_the_direction_over_a_title_marker() -> None:
    # "[Retracted] Pediatric sarcomas (Review)" reads like a retracted paper, but Retraction
    # Watch lists the link in its update-to: it is the notice.
    status = status_of(real("10.3892/ol.2018.7943"))
    assert status.verdict is Verdict.RETRACTION_NOTICE
    assert summary(status.notice_of) == [
        ("notice-of", "10.3892/ol.2017.7467", "retraction", "retraction-watch")
    ]
    assert status.retractions == ()
    assert not status.retracted_by_title


def test_row_retraction_watch_on_the_original_wakefield() -> None:
    status = status_of(real("10.1016/s0140-6736(97)11096-0"))
    assert summary(status.retractions) == [
        ("updated-by", "10.1016/s0140-6736(10)60175-4", "retraction", "retraction-watch")
    ]
    assert [e.doi for e in status.corrections] == ["10.1016/s0140-6736(04)15715-2"]
    assert status.verdict is Verdict.RETRACTED


def test_row_title_names_the_other_reconstructed_cancer_research_notice() -> None:
    # RECONSTRUCTED pair (the seed's ref 20): "Retraction: " + the original's own title.
    notice = work_of(RECONSTRUCTED / "10.1158_0008-5472.can-10-2451.json")
    original = work_of(RECONSTRUCTED / "10.1158_0008-5472.can-04-4194.json")
    status = status_of(notice, {original.doi: original})
    assert summary(status.notice_of) == [
        ("notice-of", original.doi, "retraction", "title-names-the-other")
    ]
    assert status.notice_of[0].title == "Spontaneous Human Adult Stem Cell Transformation"
    back = status_of(original, {notice.doi: notice})
    assert summary(back.retractions) == [
        ("updated-by", notice.doi, "retraction", "title-names-the-other")
    ]


def test_row_title_names_the_other_on_a_bracket_retracted_notice() -> None:
    # The real "[Retracted] Pediatric sarcomas (Review)" title with its Retraction Watch
    # entry left out (made up): the title naming the other record still finds the notice.
    real_title = real("10.3892/ol.2018.7943").work
    assert real_title is not None
    notice = made_up(
        work_envelope(
            "10.5555/bracket-notice",
            title=real_title.title,
            update_to=[update("10.5555/sarcomas", "retraction", "2018-02-02", "publisher")],
        )
    )
    original = made_up(work_envelope("10.5555/sarcomas", title="Pediatric sarcomas (Review)"))
    status = status_of(notice, {original.doi: original})
    assert summary(status.notice_of) == [
        ("notice-of", "10.5555/sarcomas", "retraction", "title-names-the-other")
    ]
    assert not status.retracted_by_title


def test_row_convention_erratum_notice_whose_title_agrees() -> None:
    # "Erratum: …" with update-to, no `source` (2017): a correction notice; the title agrees
    # with the side the entry sits on.
    name = "work-item_10.1002_job.1858__erratum_notice_update-to_correction__fathomlabs_2017"
    status = status_of(work_of(RECORDED / f"{name}.json"))
    assert status.verdict is Verdict.CORRECTION_NOTICE
    assert summary(status.notice_of) == [
        ("notice-of", "10.1002/job.1787", "correction", "convention")
    ]


def test_row_title_of_the_other_end_decides_an_elsewhere_unsettled_link() -> None:
    # The Lancet paper and 10.1016/s0140-6736(20)31528-2 list each other (publisher only);
    # with a made-up "Department of Error" record at the other end, that title settles it.
    erratum = made_up(
        work_envelope(
            "10.1016/s0140-6736(20)31528-2",
            title="Department of Error",
            update_to=[update(LANCET, "erratum", "2020-07-18", "publisher")],
        )
    )
    status = status_of(real(LANCET), {erratum.doi: erratum})
    (event,) = [e for e in status.events if e.doi == erratum.doi]
    assert (event.direction, event.kind, event.basis) == (
        UpdateDirection.UPDATED_BY,
        EventKind.CORRECTION,
        "title",
    )


def test_row_both_retracted_is_related_not_a_notice() -> None:
    # The comment retracted with the Lancet paper (made up here: only its title matters).
    comment = made_up(
        work_envelope(
            "10.1016/s0140-6736(20)31174-0",
            title="RETRACTED: Hydroxychloroquine or chloroquine for treatment of COVID-19",
        )
    )
    status = status_of(real(LANCET), {comment.doi: comment})
    (event,) = [e for e in status.events if e.doi == comment.doi]
    assert (event.direction, event.basis) == (UpdateDirection.RELATED, "both-retracted")
    assert comment.doi not in {e.doi for e in status.retractions}


def test_a_notice_title_speaks_only_for_its_own_kind() -> None:
    # The real retraction notice lists the concern notice in update-to, typed "erratum"
    # (publisher, one way). Neither "Retraction—…" nor a made-up "Expression of concern: …"
    # at the other end is a correction title, so the titles say nothing: the convention holds.
    concern = made_up(
        work_envelope("10.1016/s0140-6736(20)31290-3", title="Expression of concern: X")
    )
    status = status_of(real(LANCET_NOTICE), {concern.doi: concern})
    (event,) = [e for e in status.events if e.doi == concern.doi]
    assert (event.direction, event.kind, event.basis) == (
        UpdateDirection.NOTICE_OF,
        EventKind.CORRECTION,
        "convention",
    )


def test_row_both_notices_two_way_is_related() -> None:
    # Made up: two notices of one paper that list each other.
    first = made_up(
        work_envelope(
            "10.5555/retraction-notice",
            title="Retraction notice",
            update_to=[update("10.5555/concern-notice", "retraction")],
            updated_by=[update("10.5555/concern-notice", "retraction")],
        )
    )
    other = made_up(work_envelope("10.5555/concern-notice", title="Retraction note: X"))
    status = status_of(first, {other.doi: other})
    (event,) = status.events
    assert (event.direction, event.basis) == (UpdateDirection.RELATED, "both-notices")
    assert status.verdict is Verdict.CLEAN


def test_same_signals_on_a_one_way_link_are_unclear_never_related() -> None:
    # Made up: an original "updated-by" a record whose title, like its own, reads as a
    # retraction notice. Dropping the link as "related" would call a retracted work clean.
    original = made_up(
        work_envelope(
            "10.5555/odd-original",
            title="Retraction: a study of gum recession",
            updated_by=[update("10.5555/notice", "retraction")],
        )
    )
    notice = made_up(work_envelope("10.5555/notice", title="Retraction notice"))
    status = status_of(original, {notice.doi: notice})
    (event,) = status.events
    assert (event.direction, event.basis) == (UpdateDirection.UNCLEAR, "titles-disagree")
    assert status.verdict is Verdict.UNCLEAR


def test_row_title_both_titles_outweigh_the_side_the_entry_sits_on() -> None:
    # Made up, in Elsevier's shape: the retracted article lists its notice in update-to.
    article = made_up(
        work_envelope(
            "10.5555/article",
            title="RETRACTED: A study of things",
            update_to=[update("10.5555/retraction", "retraction", "2020-01-02", "publisher")],
        )
    )
    notice = made_up(work_envelope("10.5555/retraction", title="Retraction notice"))
    status = status_of(article, {notice.doi: notice})
    assert summary(status.retractions) == [
        ("updated-by", "10.5555/retraction", "retraction", "title")
    ]
    # With the notice missing, one title against the side it sits on is not enough.
    alone = status_of(article)
    assert [(e.direction, e.basis) for e in alone.unclear] == [
        (UpdateDirection.UNCLEAR, "title-against-convention")
    ]
    assert alone.retracted_by_title
    assert alone.verdict is Verdict.RETRACTED


def test_a_research_title_that_reads_like_a_correction_is_not_a_notice() -> None:
    # Made up: "Correction for …" is research, and a correction title would not speak for a
    # retraction link anyway.
    paper = made_up(
        work_envelope(
            "10.5555/fmri",
            title="Correction for multiple comparisons in fMRI",
            updated_by=[update("10.5555/fmri-retraction", "retraction")],
        )
    )
    status = status_of(paper)
    assert status.verdict is Verdict.RETRACTED
    assert status.retractions[0].basis == "convention"


def test_row_convention_one_way_updated_by() -> None:
    # PLOS: `updated-by` a correction; the notice's record is not in the registry here (404),
    # so the direction is decided from what remains: Crossref's convention.
    status = status_of(real("10.1371/journal.pone.0033693"))
    (event,) = status.corrections
    assert (event.direction, event.basis, event.other_end) == (
        UpdateDirection.UPDATED_BY,
        "convention",
        "not-found",
    )


def test_row_convention_cochrane_withdrawal() -> None:
    status = status_of(real("10.1002/14651858.cd009522"))
    assert summary(status.retractions) == [
        ("updated-by", "10.1002/14651858.cd009522.pub2", "retraction", "convention")
    ]
    assert status.retractions[0].type == "withdrawal"


def test_row_two_way_without_the_other_record_is_unclear() -> None:
    status = status_of(real(LANCET))
    assert {(e.doi, e.basis) for e in status.unclear} == {
        ("10.1016/s0140-6736(20)31174-0", "two-way-other-record-not-found"),
        ("10.1016/s0140-6736(20)31528-2", "two-way-other-record-not-found"),
    }
