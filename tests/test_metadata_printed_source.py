"""Printed references that print no title (Science, APS, Nature journals' styles): no title to
disagree with, while the first author, year, volume and first page they print are still
compared. Records are real, from tests/data/crossref/recorded/."""

from __future__ import annotations

import pytest

from claimcheck.checks.matching import Candidate, validate
from claimcheck.checks.metadata import FieldMismatch, compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.printed_source import PrintedSource, printed_without_title
from claimcheck.model.findings import FindingCode
from tests.test_editorial import listed, real
from tests.test_metadata import ref

# Prokhorov, Koptsov, Matiushechkina, Mitrofanov, Physics Letters A 382, 2186-2191 (2018).
APS = "10.1016/j.physleta.2017.07.007"
APS_PRINTED = (
    "L. G. Prokhorov, D. V. Koptsov, M. S. Matiushechkina, and V. P. Mitrofanov, "
    "Phys. Lett. A 382, 2186 (2018)."
)
# Kuschel and Reiss, "Charges ride the spin wave", Nature Nanotechnology 10, 22-24 (2015).
NATURE = "10.1038/nnano.2014.279"


@pytest.mark.parametrize(
    ("printed", "journals", "read"),
    [
        (
            "J. Houghton et al., Science 306, 1568 (2004).",
            ["Science"],
            PrintedSource("J. Houghton", "Science", "306", "1568", 2004),
        ),
        (
            APS_PRINTED + " doi:10.1016/j.physleta.2017.07.007",
            ["Physics Letters A"],
            PrintedSource("L. G. Prokhorov", "Phys. Lett. A", "382", "2186", 2018),
        ),
        (
            "Kuschel, T. & Reiss, G. Nature Nanotechnol. 10, 22–24 (2015).",
            ["Nature Nanotechnology"],
            PrintedSource("Kuschel, T.", "Nature Nanotechnol.", "10", "22-24", 2015),
        ),
        (
            "[3] J.-C. Dupont and P. van der Berg, Phys. Rev. Lett. 81, 1453 (1998)",
            ["Physical Review Letters"],
            PrintedSource("J.-C. Dupont", "Phys. Rev. Lett.", "81", "1453", 1998),
        ),
    ],
)
def test_a_printed_reference_without_a_title_is_read(
    printed: str, journals: list[str], read: PrintedSource
) -> None:
    assert printed_without_title(printed, journals) == read


@pytest.mark.parametrize(
    "printed",
    [
        # A title, set off by periods (Nature) or commas: it is compared as a printed title.
        "Kuschel, T. & Reiss, G. Charges ride the spin wave. Nature Nanotechnol. 10, 22 (2015).",
        "T. Kuschel and G. Reiss, Charges ride the spin wave, Nature Nanotechnol. 10, 22 (2015).",
        # Another journal than the record's: maybe a title, maybe a wrong DOI.
        "T. Kuschel and G. Reiss, Nature Phys. 10, 22 (2015).",
        # Vancouver, which prints titles.
        "Kuschel T, Reiss G. Charges ride the spin wave. Nat Nanotechnol. 2015;10(1):22-4.",
    ],
)
def test_a_printed_reference_with_a_title_or_another_journal_is_not_read(printed: str) -> None:
    assert printed_without_title(printed, ["Nature Nanotechnology", "Nature Nanotech"]) is None


@pytest.mark.parametrize(
    "printed", [APS_PRINTED, APS_PRINTED + " doi:10.1016/j.physleta.2017.07.007"]
)
def test_a_printed_reference_without_a_title_is_no_title_mismatch(printed: str) -> None:
    reference = ref(doi=APS, cited_as=printed)
    comparison = compare(reference, listed(APS))
    assert comparison.title_similarity is None
    assert comparison.authors_agree is True
    assert metadata_findings(reference, listed(APS)) == []


def test_the_imported_fields_beside_the_printed_form_are_compared_as_before() -> None:
    # `claimcheck import` fills year, volume and pages from such a reference (sci.yaml).
    reference = ref(doi=APS, cited_as=APS_PRINTED, year=2018, volume="382", pages="2186")
    assert metadata_findings(reference, listed(APS)) == []
    wrong = ref(doi=APS, cited_as=APS_PRINTED, year=2018, volume="383", pages="2186")
    assert compare(wrong, listed(APS)).mismatches == (FieldMismatch("volume", "383", "382"),)


@pytest.mark.parametrize(
    ("printed", "mismatches"),
    [
        (
            "A. Smith et al., Phys. Lett. A 382, 2186 (2018).",
            (FieldMismatch("first_author", "A. Smith", "Prokhorov"),),
        ),
        (
            "L. G. Prokhorov et al., Phys. Lett. A 382, 2186 (2015).",
            (FieldMismatch("year", "2015", "2018"),),
        ),
        (
            "L. G. Prokhorov et al., Phys. Lett. A 381, 2190 (2018).",
            (FieldMismatch("volume", "381", "382"), FieldMismatch("page", "2190", "2186")),
        ),
    ],
)
def test_what_a_printed_reference_without_a_title_prints_wrong_is_still_reported(
    printed: str, mismatches: tuple[FieldMismatch, ...]
) -> None:
    reference = ref(doi=APS, cited_as=printed)
    assert compare(reference, listed(APS)).mismatches == mismatches
    (finding,) = metadata_findings(reference, listed(APS))
    assert finding.code is FindingCode.METADATA_MISMATCH


def test_a_made_up_printed_reference_reports_the_author_and_page_it_prints() -> None:
    # The reviewer's made-up Nature-style reference: only "title" was reported.
    work = real(NATURE).work
    assert work is not None
    reference = ref(doi=NATURE, cited_as="Author, A. et al. Nature Nanotechnol. 10, 1 (2015).")
    assert compare(reference, work).mismatches == (
        FieldMismatch("first_author", "Author, A.", "Kuschel"),
        FieldMismatch("page", "1", "22"),
    )


def test_a_printed_reference_naming_another_journal_is_still_compared_by_its_title() -> None:
    reference = ref(doi=APS, cited_as="L. G. Prokhorov et al., Phys. Rev. D 382, 2186 (2018).")
    (mismatch,) = compare(reference, listed(APS)).mismatches
    assert mismatch.field == "title"


def test_a_match_by_a_printed_reference_without_a_title_does_not_count_a_title_against_it() -> None:
    outcome = validate(ref(cited_as=APS_PRINTED), [Candidate(listed(APS), 80.0)])
    assert outcome.best is not None
    assert outcome.best.agreement.title is None
    assert "title" not in outcome.best.agreement.fields(False)
    assert outcome.best.similarity == 1.0
