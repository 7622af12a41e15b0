"""A record updated in place and retitled as its notice, cited by its own title (README, role
table row 1): the marker names the update, so the title is compared without it. Real records
from tests/data/crossref/recorded/."""

from __future__ import annotations

from claimcheck.checks.metadata import compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.title_agreement import registry_title_forms
from claimcheck.model.claimmap import Reference
from claimcheck.model.location import Location
from tests.test_editorial import real

HERE = Location(line=3, column=5)


def test_an_in_place_notice_of_retraction_is_compared_under_its_own_title() -> None:
    # IEEE retitled the paper itself "Notice of Retraction: World-class city under
    # globalization" and lists its own DOI in both lists (Retraction Watch): an article
    # citing it by the title it was published under cites this work.
    work = real("10.1109/icetce.2011.5774727").work
    assert work is not None
    reference = Reference(
        id="R1",
        location=HERE,
        doi=work.doi,
        title="World-class city under globalization",
        authors=("Hu J",),
        year=2011,
    )
    comparison = compare(reference, work)
    assert comparison.title_agrees is True
    assert comparison.title_similarity == 1.0
    assert metadata_findings(reference, work) == []


def test_a_notice_of_another_record_keeps_its_marker() -> None:
    # The Lancet's notice "Retraction—Hydroxychloroquine or chloroquine …" names the paper it
    # retracts in `update-to`, not itself: it is not that paper, so no form drops the marker
    # (the DOI-less matching in checks/matching.py compares candidates with these forms).
    work = real("10.1016/s0140-6736(20)31324-6").work
    assert work is not None
    assert all(form.startswith("retraction") for form in registry_title_forms(work))
