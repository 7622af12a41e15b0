"""One editorial status per work, on real Crossref records: each row of the role table
(README, "How updates are read"), one finding per fact, and failing closed.

Every record here is a real capture from tests/data/crossref/recorded/, except where a test
says "reconstructed" (the seed's Cancer Research pair) or builds a record with
tests/factories.py (made up, in Crossref's schema).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.checks.editorial import _event_of_many, editorial_status, fold_event
from claimcheck.checks.references import role_findings, status_findings
from claimcheck.checks.update_links import Link, Side, kind_of, linked_dois
from claimcheck.model.claimmap import Reference, Role
from claimcheck.model.events import (
    EventKind,
    UpdateDirection,
    UpdateEntry,
    UpdateEvent,
    Verdict,
)
from claimcheck.model.findings import Finding, FindingCode
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.sources.crossref.records import MalformedRecord, decode_envelope, parse_work
from tests.conftest import RECONSTRUCTED, RECORDED
from tests.factories import update, work_envelope

LANCET = "10.1016/s0140-6736(20)31180-6"
LANCET_NOTICE = "10.1016/s0140-6736(20)31324-6"


def recorded(doi: str) -> Path:
    stem = doi.replace("/", "_")
    (path,) = [p for p in RECORDED.glob(f"*{stem}__*.json") if not p.name.endswith("meta.json")]
    return path


def work_of(path: Path) -> Lookup:
    body = path.read_bytes()
    document = json.loads(body)
    message = decode_envelope(body, "work") if "message" in document else document
    work = parse_work(message)
    return Lookup(work.doi, LookupStatus.FOUND, work=work)


def real(doi: str) -> Lookup:
    return work_of(recorded(doi))


def listed(doi: str) -> Work:
    """A real work recorded only as an item of a list answer (a search, a journal's or a
    funder's works): the first such item in tests/data/crossref/recorded/."""
    for path in sorted(RECORDED.glob("*.json")):
        message = json.loads(path.read_bytes()).get("message")
        items = message.get("items") if isinstance(message, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and str(item.get("DOI", "")).lower() == doi.lower():
                return parse_work(item)
    raise LookupError(f"{doi} is an item of no recorded list")


def made_up(body: bytes) -> Lookup:
    work = parse_work(decode_envelope(body, "work"))
    return Lookup(work.doi, LookupStatus.FOUND, work=work)


def not_found(*dois: str) -> dict[str, Lookup]:
    return {d: Lookup(d, LookupStatus.NOT_FOUND) for d in dois}


def status_of(lookup: Lookup, related: Mapping[str, Lookup] | None = None) -> object:
    """The editorial status, with every linked record the test does not give as a 404."""
    assert lookup.work is not None
    given = dict(related or {})
    for doi in linked_dois(lookup.work):
        given.setdefault(doi, Lookup(doi, LookupStatus.NOT_FOUND))
    return editorial_status(lookup.work, given)


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


# --- one status per work: the Lancet records in full ----------------------------------------


def test_lancet_paper_is_retracted_once_under_concern_once_corrected_once() -> None:
    notice = real(LANCET_NOTICE)
    status = status_of(real(LANCET), {notice.doi: notice})
    assert status.verdict is Verdict.RETRACTED
    (retraction,) = status.retractions
    assert retraction.doi == LANCET_NOTICE
    assert retraction.title.startswith("Retraction—Hydroxychloroquine")
    # Retraction Watch says retraction; the notice's own deposit says erratum: both shown.
    assert dict(retraction.source_types) == {
        "publisher": "erratum",
        "retraction-watch": "retraction",
    }
    # Only entries typed "retraction" date it: the publisher's "erratum" entry (2020-06-13)
    # does not.
    assert retraction.date == "2020-06-05"
    assert retraction.source_dates == ()
    (concern,) = status.concerns
    # The paper's own update-to types the concern "retraction", dated the paper's own day:
    # shown, not applied.
    assert concern.type == "expression_of_concern"
    assert dict(concern.unapplied_types) == {"publisher": "retraction"}
    assert [e.doi for e in status.corrections] == ["10.1016/s0140-6736(20)31249-6"]
    assert status.notice_of == ()


def test_lancet_notice_is_named_a_notice_never_retracted() -> None:
    paper = real(LANCET)
    status = status_of(real(LANCET_NOTICE), {paper.doi: paper})
    assert status.verdict is Verdict.RETRACTION_NOTICE
    assert status.retractions == ()
    notices = {e.doi: e for e in status.notice_of}
    assert notices[LANCET].kind is EventKind.RETRACTION
    assert notices[LANCET].basis == "retraction-watch"
    assert notices[LANCET].title.startswith("RETRACTED: Hydroxychloroquine")
    assert notices["10.1016/s0140-6736(20)31290-3"].kind is EventKind.CORRECTION


def test_publisher_and_retraction_watch_listing_one_concern_are_one_event() -> None:
    status = status_of(real("10.1371/journal.pone.0064723"))
    (concern,) = status.concerns
    assert concern.sources == ("publisher", "retraction-watch")
    assert concern.source_types == ()
    assert status.verdict is Verdict.EXPRESSION_OF_CONCERN


def test_retraction_watch_and_publisher_erratum_for_one_notice_is_one_retraction() -> None:
    status = status_of(real("10.1016/j.apsusc.2007.01.131"))
    (event,) = status.retractions
    assert dict(event.source_types) == {"publisher": "erratum", "retraction-watch": "retraction"}
    assert status.corrections == ()


# --- title-only signals ------------------------------------------------------------------------


@pytest.mark.parametrize("doi", ["10.31234/osf.io/etvnm_v1", "10.1109/icaccs60874.2024.10717184"])
def test_a_retraction_marker_with_no_update_metadata_is_retracted(doi: str) -> None:
    status = status_of(real(doi))
    assert status.retracted_by_title
    assert status.verdict is Verdict.RETRACTED


def test_a_title_that_mentions_retraction_stays_clean() -> None:
    status = status_of(real("10.57656/sc-2025-0013"))
    assert status.verdict is Verdict.CLEAN
    assert not status.retracted_by_title
    assert status.notice_by_title is None


# --- failing closed ----------------------------------------------------------------------------


def test_a_failed_lookup_of_a_record_the_decision_needs_is_unverified() -> None:
    failed = Lookup(LANCET, LookupStatus.FAILED, error="HTTP 503 (after 5 attempts)")
    status = status_of(real(LANCET_NOTICE), {LANCET: failed})
    # The Retraction Watch entry still settles the notice; the one-way publisher link to the
    # concern notice has no answer to read it by.
    assert status.unreadable == ()
    status = status_of(
        real("10.1371/journal.pone.0033693"),
        {
            "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda": Lookup(
                "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda",
                LookupStatus.FAILED,
                error="HTTP 503 (after 5 attempts)",
            )
        },
    )
    assert status.verdict is Verdict.UNVERIFIED
    assert status.unreadable == (
        ("10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda", "HTTP 503 (after 5 attempts)"),
    )
    assert status.corrections == ()


def test_a_record_never_looked_up_is_unreadable_not_absent() -> None:
    work = real("10.1371/journal.pone.0033693").work
    assert work is not None
    status = editorial_status(work, {})
    assert status.verdict is Verdict.UNVERIFIED
    assert status.unreadable[0][1] == "it was not looked up"


def test_a_known_retraction_outranks_an_unreadable_link() -> None:
    status = status_of(
        real(LANCET),
        {"10.1016/s0140-6736(20)31174-0": Lookup("x", LookupStatus.FAILED, error="timed out")},
    )
    assert status.verdict is Verdict.RETRACTED
    assert status.unreadable == (("10.1016/s0140-6736(20)31174-0", "timed out"),)


# --- one finding per fact ----------------------------------------------------------------------

REFERENCE = Reference(id="R1", location=Location(3, 3), doi=LANCET)


def findings_for(status: object, role: Role = Role.SUPPORTS) -> list[Finding]:
    found = status_findings(REFERENCE, status)  # type: ignore[arg-type]
    found += role_findings(REFERENCE, status, related={}, role=role, claim="C1")  # type: ignore[arg-type]
    return found


def test_each_fact_is_one_finding() -> None:
    notice = real(LANCET_NOTICE)
    codes = [f.code for f in findings_for(status_of(real(LANCET), {notice.doi: notice}))]
    assert sorted(c.value for c in codes) == [
        "corrected",
        "expression-of-concern",
        "retracted",
        "update-role-unclear",
    ]


def test_retracted_finding_names_every_notice_with_date_sources_and_title() -> None:
    notice = real(LANCET_NOTICE)
    (retracted,) = [
        f
        for f in findings_for(status_of(real(LANCET), {notice.doi: notice}))
        if f.code is FindingCode.RETRACTED
    ]
    assert LANCET_NOTICE in retracted.message
    assert "2020-06-05" in retracted.message
    assert "Retraction—Hydroxychloroquine" in retracted.message
    (listed,) = retracted.evidence["notices"]
    assert listed["sources"] == ["publisher", "retraction-watch"]
    assert retracted.evidence["notice_doi"] == LANCET_NOTICE


def test_a_title_only_retraction_says_so() -> None:
    status = status_of(real("10.31234/osf.io/etvnm_v1"))
    (finding,) = findings_for(status)
    assert finding.code is FindingCode.RETRACTED
    assert finding.evidence["basis"] == "title marker; no notice registered"


def _hindawi_notice() -> Lookup:
    """Made up, in Hindawi's shape: the notice is titled "Retracted: <the original's title>"
    and lists the original in update-to."""
    return made_up(
        work_envelope(
            "10.5555/hindawi-notice",
            title="Retracted: Effects of things on stuff",
            update_to=[update("10.5555/original", "retraction", "2023-03-01", "publisher")],
        )
    )


def test_a_marked_notice_whose_original_could_not_be_read_is_unverified_not_retracted() -> None:
    original = made_up(work_envelope("10.5555/original", title="Effects of things on stuff"))
    read = status_of(_hindawi_notice(), {original.doi: original})
    assert read.verdict is Verdict.RETRACTION_NOTICE
    failed = Lookup(original.doi, LookupStatus.FAILED, error="HTTP 503 (after 1 attempt)")
    status = status_of(_hindawi_notice(), {original.doi: failed})
    # The title marker is the notice's own way of naming what it retracts: with the link
    # unread, whether this is the notice or a retracted work is unknown, not "retracted".
    assert not status.retracted_by_title
    assert status.verdict is Verdict.UNVERIFIED
    codes = [f.code for f in findings_for(status)]
    assert codes == [FindingCode.UNVERIFIED]


def test_a_title_retraction_beside_an_unclear_link_says_the_link_is_unclear() -> None:
    # The original is missing (a 404): the link's direction stays unclear, the title marker
    # still counts, and the finding says what is uncertain instead of "no notice registered".
    status = status_of(_hindawi_notice())
    assert status.retracted_by_title
    (retracted,) = [f for f in findings_for(status) if f.code is FindingCode.RETRACTED]
    assert retracted.evidence["basis"] == "title marker; linked retraction unclear"
    assert "10.5555/original" in retracted.message
    assert "no retraction notice" not in retracted.message


def test_an_expression_of_concern_notice_is_never_retracted() -> None:
    concerned = made_up(work_envelope("10.5555/concerned", title="A study of things"))
    notice = made_up(
        work_envelope(
            "10.5555/eoc",
            title="Expression of concern: A study of things",
            update_to=[update("10.5555/concerned", "expression_of_concern")],
            updated_by=[update("10.5555/concerned", "retraction")],  # a mirrored misuse
        )
    )
    status = status_of(notice, {concerned.doi: concerned})
    (finding,) = findings_for(status)
    assert finding.code is FindingCode.CITES_CONCERN_NOTICE
    assert "10.5555/concerned" in finding.message


def test_kinds_of_update_types() -> None:
    assert kind_of("Retraction") is EventKind.RETRACTION
    assert kind_of("retration") is EventKind.RETRACTION
    assert kind_of("partial_retraction") is EventKind.RETRACTION
    assert kind_of("clarification") is EventKind.CORRECTION
    assert kind_of("Expression of Concern") is EventKind.EXPRESSION_OF_CONCERN
    assert kind_of("something new") is EventKind.OTHER
    assert kind_of("Notice of Retraction") is EventKind.RETRACTION
    assert kind_of("Retraction and replacement") is EventKind.RETRACTION


@pytest.mark.parametrize(
    "update_type",
    [
        "removal of expression of concern",
        "Withdrawal of Expression of Concern",
        "lifting-of-expression-of-concern",
        "retraction_of_correction",
        "correction of retraction",
    ],
)
def test_an_update_of_another_update_is_no_editorial_kind(update_type: str) -> None:
    # A lifted concern or a withdrawn correction never retracts the work, which the words
    # "removal" or "retraction" alone would say.
    assert kind_of(update_type) is EventKind.OTHER


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
