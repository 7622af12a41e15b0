"""Timing of retractions made in place, on real Crossref records: a publisher's in-place entry
dated by the record's own publication date says nothing of when the work was retracted, so a
citation of it is never `cited-after-retraction` on that date alone (README, "Timing")."""

from __future__ import annotations

from datetime import date

import pytest

from claimcheck.checks.references import role_findings
from claimcheck.checks.timing import Timing, retraction_timing, same_date
from claimcheck.model.claimmap import Reference, Role
from claimcheck.model.events import EditorialStatus, UpdateDirection
from claimcheck.model.findings import FindingCode
from claimcheck.model.location import Location
from tests.test_editorial import real, status_of

REFERENCE = Reference(id="R1", doi="10.5555/cited", location=Location(1, 1))


def status(doi: str) -> EditorialStatus:
    found = status_of(real(doi))
    assert isinstance(found, EditorialStatus)
    return found


# (DOI, the in-place entry's date, the record's publication date it repeats). Each was
# deposited long after that date: 10.1016/j.crad.2024.02.007 was created 2024-03-13 and
# deposited 2026-06-07 ("© 2026 Published by Elsevier", its erratum dated 2026-07-01);
# 10.1016/j.asr.2025.03.045 deposited 2025-11-21; the partial retraction and the faulty
# deposit (every type at once) carry their own online day.
DATED_BY_ISSUE = [
    ("10.1016/j.crad.2024.02.007", "2024-07-01", "2024-07"),
    ("10.1016/j.asr.2025.03.045", "2025-06-01", "2025-06"),
    ("10.29328/journal.jcmhs.1001023", "2022-12-01", "2022-12-01"),
]


@pytest.mark.parametrize(("doi", "entry_date", "issued"), DATED_BY_ISSUE)
def test_an_in_place_retraction_dated_by_its_own_issue_is_undated_for_timing(
    doi: str, entry_date: str, issued: str
) -> None:
    found = status(doi)
    (event,) = found.retractions
    assert event.direction is UpdateDirection.IN_PLACE
    assert issued in real(doi).work.published  # type: ignore[union-attr]
    assert event.publication_dates == (entry_date,)
    # An article published a year after that date: the record does not say whether the
    # retraction came before it (crad's came in 2026), so "uncertain", never "before".
    published = date(int(entry_date[:4]) + 1, 3, 1)
    timing = retraction_timing(found.retractions, published)
    assert timing.timing is Timing.UNCERTAIN
    assert timing.dates == (f"{entry_date} (the record's own publication date)",)
    (finding,) = role_findings(
        REFERENCE, found, related={}, role=Role.SUPPORTS, claim="C1", published=published
    )
    assert finding.code is FindingCode.RETRACTED
    assert "uncertain" in finding.message
    # Worded by its type (README): withdrawn, removed, partially retracted.
    said = {"withdrawal": "withdrawn", "removal": "removed"}.get(event.type, "partially retracted")
    assert finding.message.startswith(f"R1 was {said}: ")
    assert finding.evidence["timing"] == "uncertain"


def test_an_in_place_retraction_dated_apart_from_its_publication_still_times() -> None:
    # IEEE's "Notice of Retraction" paper: issued 2011-04, its Retraction Watch entries dated
    # 2011-05-27, a day no publication date of the record shares, so it still dates it.
    found = status("10.1109/icetce.2011.5774727")
    (event,) = found.retractions
    assert event.publication_dates == ()
    timing = retraction_timing(found.retractions, date(2012, 1, 1))
    assert timing.timing is Timing.BEFORE_PUBLICATION
    (finding,) = role_findings(
        REFERENCE, found, related={}, role=Role.SUPPORTS, claim="C1", published=date(2012, 1, 1)
    )
    assert finding.code is FindingCode.CITED_AFTER_RETRACTION


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("2024-07-01", "2024-07", True),  # a day within the issue's month
        ("2024-07", "2024-07-01", True),
        ("2022-12-01", "2022-12-01", True),
        ("2024-07-01", "2024", True),
        ("2024-07-01", "2024-06", False),
        ("2024-07-01", "2024-07-02", False),
        ("2011-05-27", "2011-04", False),
    ],
)
def test_same_date_reads_at_the_coarser_precision(one: str, other: str, same: bool) -> None:
    assert same_date(one, other) is same
