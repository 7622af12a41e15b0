"""Cited fields compared one by one: authors, year, journal, volume, issue and pages."""

from __future__ import annotations

import pytest

from claimcheck.checks.metadata import FieldMismatch, compare, journals_agree
from claimcheck.checks.pages import parse_pages
from claimcheck.model.record import Author, Work
from tests.test_metadata import ref

# --- authors -------------------------------------------------------------------------------

ANKRUM = Work(
    doi="10.1038/nbt.2816",
    authors=(Author("Ankrum", "James A"), Author("Ong", "Joon Faii"), Author("Karp", "Jeffrey M")),
)


@pytest.mark.parametrize(
    ("authors", "first_ok", "any_ok"),
    [
        (("Ankrum J", "Ong J"), True, True), (("James A. Ankrum",), True, True),
        (("James Ankrum",), True, True), (("Ankrum, J.",), True, True),
        (("et al.", "Ankrum J"), True, True), (("Ong J", "Ankrum J"), False, True),
        (("Smith J", "Jones K", "et al."), False, False),
    ],
)  # fmt: skip
def test_author_agreement(authors: tuple[str, ...], first_ok: bool, any_ok: bool) -> None:
    comparison = compare(ref(authors=authors), ANKRUM)
    assert (comparison.mismatches == ()) is first_ok
    assert comparison.authors_agree is any_ok
    if not first_ok:
        assert comparison.mismatches == (FieldMismatch("first_author", authors[0], "Ankrum"),)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("De la Fuente", Author("de la Fuente", "Ricardo")),
        ("Fuente R", Author("de la Fuente", "Ricardo")),
        ("In’t Anker P.S.", Author("in 't Anker", "P.S.")),
        ("Anker PS", Author("In 't Anker", "P.S.")),
        ("Van Tassell B.W.", Author("Van Tassell", "Benjamin W.")),
        ("Garcia-Castro J", Author("García-Castro", "Javier")),
        ("Schrødder H", Author("Schrodder", "H")),
        ("World Health Organization", Author(name="World Health Organization")),
        ("WORLD HEALTH ORGANISATION", Author(name="World Health Organisation")),
    ],
)
def test_first_author_forms_agree(cited: str, registry: Author) -> None:
    comparison = compare(ref(authors=(cited,)), Work(doi="10.1/x", authors=(registry,)))
    assert comparison.mismatches == ()
    assert comparison.authors_agree is True


def test_authors_not_comparable_without_registry_authors() -> None:
    comparison = compare(ref(authors=("Ankrum J",)), Work(doi="10.1/x"))
    assert comparison.authors_agree is None
    assert comparison.mismatches == ()


def test_only_et_al_is_not_comparable() -> None:
    assert compare(ref(authors=("et al.",)), ANKRUM).authors_agree is None


# --- year, journal, volume, issue ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cited", "mismatch"), [(2009, False), (2008, False), (2010, False), (2007, True), (2011, True)]
)
def test_year_allows_one_either_way(cited: int, mismatch: bool) -> None:
    comparison = compare(ref(year=cited), Work(doi="10.1/x", year=2009))
    expected = (FieldMismatch("year", str(cited), "2009"),) if mismatch else ()
    assert comparison.mismatches == expected


AGREEING_JOURNALS = [
    ("Br J Haematol", "British Journal of Haematology"),
    ("J Cardiovasc Nurs", "The Journal of Cardiovascular Nursing"),
    ("The Journal of Cardiovascular Nursing", "J Cardiovasc Nurs"),
    ("Nat Biotechnol", "Nature Biotechnology"),
    ("Cancer Res.", "Cancer Research"),
    ("Stem Cell Res Ther", "Stem Cell Research & Therapy"),
    ("Stem Cell Research & Therapy", "Stem Cell Research and Therapy"),
    ("Mol Ther", "Molecular Therapy"),
    ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences"),
    ("Proc Natl Acad Sci USA",
     "Proceedings of the National Academy of Sciences of the United States of America"),
    ("PNAS", "Proceedings of the National Academy of Sciences"),
    ("Proceedings of the National Academy of Sciences", "PNAS"),
    ("PLoS One", "PLoS ONE"),
    ("Molecular Biology of the Cell", "Mol Biol Cell"),
    ("Bone Marrow Transplant", "Bone Marrow Transplantation"),
    ("Arthritis and Rheumatism", "Arthritis Rheum"),
    ("Archivum Immunologiae et Therapiae Experimentalis (Warsz)",
     "Archivum Immunologiae et Therapiae Experimentalis"),
    ("British Journal of Hematology", "British Journal of Haematology"),
    ("STEM CELLS", "Stem Cells"),
]  # fmt: skip

DISAGREEING_JOURNALS = [
    ("Cancer Res.", "Cancer Letters"), ("Blood", "Bone"), ("Nature", "Nature Medicine"),
    ("Cell", "Cell Transplantation"), ("Stem Cells", "Stem Cells and Development"),
    ("Stem Cells", "Stem Cell Research & Therapy"), ("Physical Review A", "Physical Review E"),
    ("Mol Ther", "Molecular Cancer"), ("J Cell Biol", "Journal of Cellular Biochemistry"),
    ("Oncogene", "Science"),
]  # fmt: skip


@pytest.mark.parametrize(("cited", "registry"), AGREEING_JOURNALS)
def test_journals_that_agree(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    comparison = compare(ref(journal=cited), Work(doi="10.1/x", container_titles=(registry,)))
    assert comparison.mismatches == ()


@pytest.mark.parametrize(("cited", "registry"), DISAGREEING_JOURNALS)
def test_journals_that_disagree(cited: str, registry: str) -> None:
    assert not journals_agree(cited, registry)
    assert not journals_agree(registry, cited)
    [mismatch] = compare(
        ref(journal=cited), Work(doi="10.1/x", container_titles=(registry,))
    ).mismatches
    assert mismatch.field == "journal"
    assert (mismatch.cited, mismatch.registry) == (cited, registry)
    assert mismatch.score is not None
    assert 0 <= mismatch.score < 1


def test_journal_checks_short_container_titles_too() -> None:
    work = Work(
        doi="10.1/x", container_titles=("Cancer Research",), short_container_titles=("Cancer Res",)
    )
    assert compare(ref(journal="Cancer Res"), work).mismatches == ()
    assert compare(ref(journal="Cancer Letters"), work).mismatches[0].registry == "Cancer Research"


@pytest.mark.parametrize(
    ("field", "cited", "registry", "mismatch"),
    [
        ("volume", "7", "7", False), ("volume", "07", "7", False), ("volume", "7", "8", True),
        ("issue", "3", "03", False), ("issue", "3", "4", True), ("issue", "", "4", False),
        ("issue", "Suppl 1", "suppl. 1", False),
    ],
)  # fmt: skip
def test_volume_and_issue(field: str, cited: str, registry: str, mismatch: bool) -> None:
    comparison = compare(ref(**{field: cited}), Work(doi="10.1/x", **{field: registry}))
    assert comparison.mismatches == ((FieldMismatch(field, cited, registry),) if mismatch else ())


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("98-103", ("98", "103")), ("98–103", ("98", "103")), ("98 — 103", ("98", "103")),
        ("1568-71", ("1568", "1571")), ("939-46", ("939", "946")), ("11002-7", ("11002", "11007")),
        ("e33438", ("e33438", None)), ("6682", ("6682", None)), ("49", ("49", None)),
        ("pp. 12-19", ("12", "19")), ("S12-5", ("S12", "S15")), ("", None),
    ],
)  # fmt: skip
def test_parse_pages(text: str, parsed: tuple[str, str | None] | None) -> None:
    assert parse_pages(text) == parsed


@pytest.mark.parametrize(
    ("cited", "page", "article_number", "expected"),
    [
        ("98-103", "98-105", None, FieldMismatch("pages", "98-103", "98-105")),
        ("98-105", "98-105", None, None),
        ("98–105", "98-105", None, None),
        ("1568-71", "1568-1571", None, None),
        ("1568-72", "1568-1571", None, FieldMismatch("pages", "1568-1572", "1568-1571")),
        ("97-105", "98-105", None, FieldMismatch("page", "97", "98")),
        ("98", "98-105", None, None),
        ("98-103", "98", None, None),
        ("e33438", "e33438", None, None),
        ("e33438", "E33438", None, None),
        ("33438", "e33438", None, None),
        ("e33439", "e33438", None, FieldMismatch("page", "e33439", "e33438")),
        ("49", None, "49", None),
        ("48", None, "49", FieldMismatch("page", "48", "49")),
        ("234", "234", "999", None),
    ],
)
def test_pages(
    cited: str, page: str | None, article_number: str | None, expected: FieldMismatch | None
) -> None:
    work = Work(doi="10.1/x", page=page, article_number=article_number)
    comparison = compare(ref(pages=cited), work)
    assert comparison.mismatches == ((expected,) if expected else ())
