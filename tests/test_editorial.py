"""One editorial status per work: the Lancet records in full, title markers, failing closed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from claimcheck.checks.editorial import editorial_status
from claimcheck.checks.references import role_findings, status_findings
from claimcheck.checks.update_links import linked_dois
from claimcheck.model.claimmap import Reference, Role
from claimcheck.model.events import EventKind, Verdict
from claimcheck.model.findings import Finding
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.sources.crossref.records import decode_envelope, parse_work
from tests.conftest import RECORDED

# Every record in the test_editorial*.py files is a real capture from
# tests/data/crossref/recorded/, except where a test says "reconstructed" (the seed's Cancer
# Research pair) or builds a record with tests/factories.py (made up, in Crossref's schema).
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


def status_of(lookup: Lookup, related: Mapping[str, Lookup] | None = None) -> object:
    """The editorial status, with every linked record the test does not give as a 404."""
    assert lookup.work is not None
    given = dict(related or {})
    for doi in linked_dois(lookup.work):
        given.setdefault(doi, Lookup(doi, LookupStatus.NOT_FOUND))
    return editorial_status(lookup.work, given)


REFERENCE = Reference(id="R1", location=Location(3, 3), doi=LANCET)


def findings_for(status: object, role: Role = Role.SUPPORTS) -> list[Finding]:
    found = status_findings(REFERENCE, status)  # type: ignore[arg-type]
    found += role_findings(REFERENCE, status, related={}, role=role, claim="C1")  # type: ignore[arg-type]
    return found


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
