"""One finding per fact from an editorial status, and which update types are editorial."""

from __future__ import annotations

import pytest

from claimcheck.checks.update_links import kind_of
from claimcheck.model.events import EventKind, Verdict
from claimcheck.model.findings import FindingCode
from claimcheck.model.record import Lookup, LookupStatus
from tests.factories import update, work_envelope
from tests.test_editorial import LANCET, LANCET_NOTICE, findings_for, made_up, real, status_of

# --- one finding per fact ----------------------------------------------------------------------


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
