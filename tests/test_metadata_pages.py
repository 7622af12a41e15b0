"""Pages, volumes and issues in the forms references print them: an article number's label
("Article e49013", "Paper No. 15"), IOP's page count ("055409 (14pp)"), PubMed's "pii:",
a trailing period ("e49013."), "Vol." / "No." labels, a supplement's issue ("Suppl 2",
"Supplement_2", "S2"), also when cited in the volume ("41 Suppl 2"), an issue's part ("3 Pt
1"), a special issue ("Spec No", "SI") and APS's section letter ("051101(R)"). Each beside
the same form with a wrong number, still reported. Records named by DOI are real, from
tests/data/crossref/recorded/; the others hold only the fields compared."""

from __future__ import annotations

import pytest

from claimcheck.checks.metadata import FieldMismatch, compare
from claimcheck.checks.numbers import volume_and_issue
from claimcheck.checks.pages import parse_pages
from claimcheck.model.record import Work
from tests.test_editorial import listed
from tests.test_metadata import ref

# PLoS ONE 7(11): e49013 (2012), the e-locator as the record's `page`.
PLOS = "10.1371/journal.pone.0049013"
# European Journal of Physics 37(5): 055409 (2016); IOP prints it "055409 (14pp)".
IOP = "10.1088/0143-0807/37/5/055409"


@pytest.mark.parametrize(
    ("printed", "parsed"),
    [
        ("Article e33438", ("e33438", None)),
        ("Art. 234", ("234", None)),
        ("Art 234", ("234", None)),
        ("Article No. 234", ("234", None)),
        ("article no. 234", ("234", None)),
        ("Art. no. 234", ("234", None)),
        ("Paper No. 15", ("15", None)),
        ("No. 234", ("234", None)),
        ("055409 (14pp)", ("055409", None)),
        ("055409 (14 pp.)", ("055409", None)),
        ("1 [9 pages]", ("1", None)),
        ("pii: e33438", ("e33438", None)),
        ("pii: 20161281", ("20161281", None)),
        ("pp. 12-15 (4 pp)", ("12", "15")),
        # A publisher item identifier that is no page: nothing to compare.
        ("pii: S0140-6736(17)30001-X", None),
        ("pii: jcm8050678", None),
        ("PII S014067361730001", None),
    ],
)
def test_labels_and_page_counts_are_no_part_of_the_page(
    printed: str, parsed: tuple[str, str | None] | None
) -> None:
    assert parse_pages(printed) == parsed


@pytest.mark.parametrize(
    ("printed", "parsed"),
    [
        ("e1002345.", ("e1002345", None)),
        ("12.", ("12", None)),
        ("1-8.", ("1", "8")),
        ("pp. 1-8.", ("1", "8")),
        ("1234–1238;", ("1234", "1238")),
        ("12.-18.", ("12", "18")),
        ("pii: e33438.", ("e33438", None)),
    ],
)
def test_trailing_punctuation_is_no_part_of_the_page(
    printed: str, parsed: tuple[str, str | None]
) -> None:
    assert parse_pages(printed) == parsed


@pytest.mark.parametrize(
    ("doi", "cited"),
    [
        (PLOS, "Article e49013"),
        (PLOS, "Art. no. e49013"),
        (PLOS, "pii: e49013"),
        (PLOS, "e49013."),
        (PLOS, "49013."),
        (IOP, "055409 (14pp)"),
        (IOP, "Article 055409"),
        (IOP, "Paper No. 055409"),
    ],
)
def test_a_labelled_page_agrees(doi: str, cited: str) -> None:
    assert compare(ref(pages=cited), listed(doi)).mismatches == ()


@pytest.mark.parametrize(
    ("doi", "cited", "mismatch"),
    [
        (PLOS, "Article e49031", FieldMismatch("page", "e49031", "e49013")),
        (PLOS, "pii: e49031", FieldMismatch("page", "e49031", "e49013")),
        (PLOS, "e49031.", FieldMismatch("page", "e49031", "e49013")),
        (IOP, "055490 (14pp)", FieldMismatch("page", "055490", "055409")),
        (IOP, "Paper No. 55408", FieldMismatch("page", "55408", "055409")),
    ],
)
def test_a_wrong_labelled_page_is_still_reported(
    doi: str, cited: str, mismatch: FieldMismatch
) -> None:
    assert compare(ref(pages=cited), listed(doi)).mismatches == (mismatch,)


@pytest.mark.parametrize(
    ("volume", "issue"), [("Vol. 37", "No. 5"), ("vol 37", "no. 5"), ("Volume 37", "Issue 5")]
)
def test_volume_and_issue_labels_are_no_part_of_the_number(volume: str, issue: str) -> None:
    assert compare(ref(volume=volume, issue=issue), listed(IOP)).mismatches == ()


def test_a_wrong_labelled_volume_or_issue_is_still_reported() -> None:
    assert compare(ref(volume="Vol. 36", issue="No. 4"), listed(IOP)).mismatches == (
        FieldMismatch("volume", "Vol. 36", "37"),
        FieldMismatch("issue", "No. 4", "5"),
    )


@pytest.mark.parametrize(
    "registry", ["Supplement_2", "Supplement 2", "S2", "Suppl 2", "suppl_2", "Suppl. 2", "S02"]
)
@pytest.mark.parametrize("cited", ["Suppl 2", "Suppl. 2", "Suppl2", "Supp 2", "Supplement 2"])
def test_a_supplement_is_one_issue_however_written(cited: str, registry: str) -> None:
    assert compare(ref(issue=cited), Work(doi="10.1/x", issue=registry)).mismatches == ()


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Suppl 2", "Supplement_3"),
        ("Suppl 2", "S3"),
        # A supplement is not the volume's regular issue of its number.
        ("2", "Supplement_2"),
        ("Suppl 2", "2"),
        ("S2", "2"),
        ("1 Suppl 2", "Supplement_2"),
    ],
)
def test_another_supplement_or_a_regular_issue_disagrees(cited: str, registry: str) -> None:
    assert compare(ref(issue=cited), Work(doi="10.1/x", issue=registry)).mismatches == (
        FieldMismatch("issue", cited, registry),
    )


# --- an issue in parts, a special issue ------------------------------------------------------


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        # NLM's "Issue with part" against a record holding the issue alone, or the reverse:
        # the part is of that issue, which the record names.
        ("3 Pt 1", "3"), ("3 Pt 2", "3"), ("3", "3 Pt 1"), ("3(Pt 1)", "03"),
        ("3 Pt 1", "3pt1"), ("3 Pt 1", "3 Part 1"), ("3 Pt. 2", "3 Pt 2"), ("Pt A", "Part A"),
        # A double issue cited by either of its numbers.
        ("3", "3-4"), ("4", "3/4"), ("3-4", "3"),
    ],
)  # fmt: skip
def test_an_issue_cited_with_or_without_its_part_agrees(cited: str, registry: str) -> None:
    assert compare(ref(issue=cited), Work(doi="10.1/x", issue=registry)).mismatches == ()


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("3 Pt 1", "3 Pt 2"), ("3 Pt 1", "3pt2"), ("3 Part 2", "3 Pt 1"), ("Pt A", "Pt B"),
        ("3 Pt 1", "4"), ("3", "4 Pt 1"), ("3 Pt 1", "4 Pt 1"), ("3 Pt 1", "Suppl 1"),
        ("5", "3-4"), ("2", "3/4"), ("3", "34"),
    ],
)  # fmt: skip
def test_another_part_or_another_issue_disagrees(cited: str, registry: str) -> None:
    assert compare(ref(issue=cited), Work(doi="10.1/x", issue=registry)).mismatches == (
        FieldMismatch("issue", cited, registry),
    )


def test_a_volume_in_parts_is_still_its_volume() -> None:
    work = Work(doi="10.1/x", volume="98")
    assert compare(ref(volume="98 Pt 1"), work).mismatches == ()
    assert compare(ref(volume="99 Pt 1"), work).mismatches == (
        FieldMismatch("volume", "99 Pt 1", "98"),
    )


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Spec No", "SI"), ("Spec No", "Special Issue"), ("Spec Iss", "Special Issue"),
        ("Spec No", "Spec. No."), ("Special Issue", "SI"), ("Spec No 1", "SI1"),
        ("Spec Iss 2", "Special Issue 2"),
    ],
)  # fmt: skip
def test_a_special_issue_is_one_issue_however_written(cited: str, registry: str) -> None:
    assert compare(ref(issue=cited), Work(doi="10.1/x", issue=registry)).mismatches == ()


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        # A special issue is no regular issue and no supplement: each is numbered apart.
        ("Spec No", "3"), ("3", "SI"), ("Spec No", "S1"), ("Spec No", "Supplement"),
        ("Spec No", "Suppl 1"), ("Spec No 1", "Spec No 2"), ("SI1", "1"),
    ],
)  # fmt: skip
def test_a_special_issue_disagrees_with_another_issue(cited: str, registry: str) -> None:
    assert compare(ref(issue=cited), Work(doi="10.1/x", issue=registry)).mismatches == (
        FieldMismatch("issue", cited, registry),
    )


# --- a supplement cited in the volume ------------------------------------------------------


@pytest.mark.parametrize(
    ("volume", "issue", "registry_issue"),
    [
        # NLM's "Volume with supplement" (2009;41 Suppl 2:S1-S10), imported as the volume.
        ("41 Suppl 2", None, "Supplement_2"), ("41 Suppl 2", None, "S2"),
        ("41 Suppl 2", None, "Suppl 2"), ("41 Suppl. 2", "", "Supplement 2"),
        ("41(Suppl 2)", None, "Supplement_2"), ("41, Suppl 2", None, "S2"),
        ("41Suppl2", None, "suppl_2"), ("41 Suppl", None, "Supplement"),
        ("41 Suppl 2", "Suppl 2", "Supplement_2"), ("41 Suppl 2", None, None),
    ],
)  # fmt: skip
def test_a_supplement_cited_in_the_volume_is_the_records_issue(
    volume: str, issue: str | None, registry_issue: str | None
) -> None:
    work = Work(doi="10.1/x", volume="41", issue=registry_issue)
    assert compare(ref(volume=volume, issue=issue), work).mismatches == ()


@pytest.mark.parametrize(
    ("volume", "issue", "registry", "mismatch"),
    [
        # Supplement 2 is not the volume's regular issue 2 (above).
        ("41 Suppl 2", None, ("41", "2"), FieldMismatch("issue", "Suppl 2", "2")),
        ("41 Suppl 2", None, ("41", "Supplement_3"),
         FieldMismatch("issue", "Suppl 2", "Supplement_3")),
        ("41 Suppl 2", None, ("42", "Supplement_2"), FieldMismatch("volume", "41 Suppl 2", "42")),
        # A supplement to issue 3 (NLM's "41(3 Suppl 2)") is not issue 3.
        ("41 Suppl 2", "3", ("41", "3"), FieldMismatch("issue", "3 Suppl 2", "3")),
        # The same read in a record holding the supplement in its volume.
        ("41", "2", ("41 Suppl 2", None), FieldMismatch("issue", "2", "Suppl 2")),
    ],
)  # fmt: skip
def test_a_supplement_in_the_volume_still_disagrees_with_another_issue_or_volume(
    volume: str, issue: str | None, registry: tuple[str, str | None], mismatch: FieldMismatch
) -> None:
    work = Work(doi="10.1/x", volume=registry[0], issue=registry[1])
    assert compare(ref(volume=volume, issue=issue), work).mismatches == (mismatch,)


# --- Physical Review's section letter ------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "parsed"),
    [("051101(R)", "051101"), ("051101 (R)", "051101"), ("051101(R).", "051101"),
     ("239901(E)", "239901"), ("Article 051101(R)", "051101")],
)  # fmt: skip
def test_aps_section_letter_is_no_part_of_the_article_number(printed: str, parsed: str) -> None:
    assert parse_pages(printed) == (parsed, None)


@pytest.mark.parametrize(
    ("cited", "article_number", "mismatch"),
    [
        ("051101(R)", "051101", None),
        ("239901(E)", "239901", None),
        ("051101(R)", "051102", FieldMismatch("page", "051101", "051102")),
        ("051102 (R)", "051101", FieldMismatch("page", "051102", "051101")),
    ],
)
def test_a_rapid_communication_is_its_article_number(
    cited: str, article_number: str, mismatch: FieldMismatch | None
) -> None:
    work = Work(doi="10.1/x", article_number=article_number)
    assert compare(ref(pages=cited), work).mismatches == ((mismatch,) if mismatch else ())


def test_a_volume_longer_than_any_is_not_read_for_a_supplement() -> None:
    # The match took time growing with the square of a run of spaces at its end: a record's
    # volume of "1 Suppl", 30,000 spaces and "x" took 14 s to compare.
    volume = "1 Suppl" + " " * 30_000 + "x"
    assert volume_and_issue(volume, None) == (volume, None)
    assert volume_and_issue("1 Suppl 2" + " )" * 20, None) == ("1", "Suppl 2")
