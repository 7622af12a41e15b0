"""Matching a reference without a DOI to a Crossref work (`claimcheck.checks.matching`).

The recorded cases are real `/works?query.bibliographic=` answers under
tests/data/crossref/recorded. Four come from Crossref's own matcher tests, whose references
and labels tests/sbmv.py quotes; the newer sidecars carry their own labels. Every other test
builds works in Crossref's schema by hand (section "synthetic works").
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import cast

import pytest

from claimcheck.checks.matching import (
    MAX_QUERY_CHARS,
    STRUCTURED_ROWS,
    UNSTRUCTURED_ROWS,
    Candidate,
    MatchOutcome,
    MatchStatus,
    bibliographic_query,
    is_structured,
    rows_for,
    validate,
)
from claimcheck.model.claimmap import Reference
from claimcheck.model.record import Author, Work
from tests.conftest import RECORDED
from tests.sbmv import (
    CERMINE,
    HERE,
    SBMV,
    STRUCTURED_MATCH,
    STRUCTURED_NOMATCH,
    UNSTRUCTURED_MATCH,
    UNSTRUCTURED_NOISY,
    recorded_candidates,
)


def sidecar(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        (RECORDED / name.replace(".json", ".meta.json")).read_text()
    )
    return loaded


# --- Crossref's own SBMV test cases (tests/sbmv.py quotes them) ------------------------


def test_sbmv_structured_reference_matches_confidently() -> None:
    outcome = validate(
        STRUCTURED_MATCH, recorded_candidates(SBMV.format("structured_ref_Tkaczyk_IJDAR"))
    )
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.doi == CERMINE
    # No title is cited: the journal (an acronym of the registry's name), volume and first page
    # identify the article.
    assert outcome.best.agreement.fields(True) == ("authors", "year", "journal", "volume", "pages")
    assert outcome.structured
    assert "disagrees on nothing" in outcome.why


def test_sbmv_printed_reference_matches_confidently() -> None:
    outcome = validate(
        UNSTRUCTURED_MATCH,
        recorded_candidates(SBMV.format("unstructured_ref_CERMINE_match")),
    )
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.doi == CERMINE
    assert not outcome.structured
    assert outcome.best.agreement.fields(False) == ()
    # The 2014 workshop paper of the same title scores far lower: the string's volume, issue and
    # pages are left unexplained by it.
    runner_up = outcome.candidates[1]
    assert runner_up.doi == "10.1109/das.2014.63"
    assert not runner_up.validates


def test_sbmv_structured_nomatch_is_none() -> None:
    outcome = validate(
        STRUCTURED_NOMATCH, recorded_candidates(SBMV.format("structured_ref_nomatch"))
    )
    assert outcome.status is MatchStatus.NONE
    assert outcome.best is None
    closest = outcome.candidates[0]
    assert closest.doi == "10.1007/978-3-319-25518-7_8"  # a chapter: only its pages identify it
    assert closest.rejected is not None
    assert "book chapter" in closest.rejected


def test_sbmv_noisy_printed_reference_is_none() -> None:
    outcome = validate(
        UNSTRUCTURED_NOISY, recorded_candidates(SBMV.format("unstructured_ref_noisy_nomatch"))
    )
    assert outcome.status is MatchStatus.NONE
    closest = outcome.candidates[0]
    assert closest.doi == CERMINE
    assert closest.agreement.fields(True) == ("title", "authors", "year", "journal")
    # The noisy reference drops the first author, Tkaczyk: it is printed Szostek first.
    assert closest.agreement.fields(False) == ("first_author", "volume", "issue", "pages")
    assert closest.rejected == "volume and pages contradict the record"
    assert "disagrees on first_author, volume, issue, pages" in outcome.why


@pytest.mark.parametrize(
    "name",
    [
        "works_query.bibliographic__van_Staal_ref_with_unrelated_2C_answer_nomatch__"
        "crossref-sbmv-tests_2019.json",
        "works_query.bibliographic__Tutin_1997_primates_select_DOI_score_rows1__globi_undated.json",
    ],
)
def test_recorded_sidecar_cases(name: str) -> None:
    meta = sidecar(name)
    reference = Reference("R", HERE, **cast(dict[str, str], meta["reference"]))
    outcome = validate(reference, recorded_candidates(name))
    if meta["expected"] == "match" and meta["evaluable"]:
        assert outcome.status is MatchStatus.CONFIDENT
        assert outcome.best is not None
        assert outcome.best.doi == meta["expected_doi"]
    else:  # no-match, or a record without metadata (select=DOI,score): nothing may validate
        assert outcome.status is MatchStatus.NONE
        assert outcome.best is None
        assert not any(c.validates for c in outcome.candidates)


# --- synthetic works, in Crossref's schema -----------------------------------------------------

REF = Reference(
    "R20",
    HERE,
    title="Spontaneous human adult stem cell transformation",
    authors=("Rubio D", "Garcia-Castro J", "et al."),
    year=2005,
    journal="Cancer Res",
    volume="65",
    pages="3035-9",
)
WORK = Work(
    doi="10.1158/0008-5472.can-04-4194",
    title="Spontaneous Human Adult Stem Cell Transformation",
    authors=(Author("Rubio", "Daniel"), Author("Garcia-Castro", "Javier")),
    year=2005,
    container_titles=("Cancer Research",),
    short_container_titles=("Cancer Res.",),
    volume="65",
    issue="8",
    page="3035-3039",
    type="journal-article",
)


def run(reference: Reference, *works: Work, score: float = 100.0) -> MatchOutcome:
    return validate(reference, [Candidate(w, score) for w in works])


def test_every_field_agreeing_is_confident_and_says_so() -> None:
    outcome = run(REF, WORK)
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.similarity == 1.0
    assert outcome.best.agreement.fields(True) == (
        "title", "authors", "year", "journal", "volume", "pages"
    )  # fmt: skip
    assert outcome.best.agreement.issue is None  # not cited
    assert "agrees on title, authors, year, journal, volume, pages" in outcome.why


def test_year_one_off_stays_confident_two_off_is_only_weak() -> None:
    one_off = run(REF, replace(WORK, year=2006))
    assert one_off.status is MatchStatus.CONFIDENT
    assert one_off.best is not None
    assert one_off.best.agreement.year is True
    assert one_off.best.similarity == round(5.5 / 6, 3)  # SBMV: a year one off scores 0.5
    two_off = run(REF, replace(WORK, year=2007))
    assert two_off.status is MatchStatus.WEAK
    assert two_off.best is not None
    assert two_off.best.agreement.year is False
    assert "year disagree" in two_off.why


@pytest.mark.parametrize("cited", ["Proc Natl Acad Sci U S A", "PNAS", "Proc. Natl. Acad. Sci."])
def test_journal_abbreviations_and_acronyms_agree(cited: str) -> None:
    work = replace(WORK, container_titles=("Proceedings of the National Academy of Sciences",))
    outcome = run(replace(REF, journal=cited), replace(work, short_container_titles=()))
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.journal is True


def test_a_different_journal_disagrees() -> None:
    outcome = run(replace(REF, journal="Cancer Cell"), WORK)
    assert outcome.status is MatchStatus.WEAK
    assert outcome.best is not None
    assert outcome.best.agreement.journal is False


def test_two_equally_good_candidates_are_ambiguous() -> None:
    twin = replace(WORK, doi="10.1158/0008-5472.can-04-4194-twin")
    outcome = run(REF, WORK, twin)
    assert outcome.status is MatchStatus.AMBIGUOUS
    assert outcome.best is None
    assert {c.doi for c in outcome.candidates if c.validates} == {WORK.doi, twin.doi}
    assert "neither is chosen" in outcome.why


def test_a_clearly_better_candidate_is_not_ambiguous() -> None:
    # The runner-up validates (5/6 = 0.83) but with a wrong first page, 0.17 behind.
    runner_up = replace(WORK, doi="10.1/other", page="1-9")
    outcome = run(REF, runner_up, WORK)
    assert outcome.candidates[1].validates
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.doi == WORK.doi


def test_the_same_doi_twice_is_one_candidate() -> None:
    outcome = validate(REF, [Candidate(WORK, 90.0), Candidate(WORK, 120.0)])
    assert outcome.status is MatchStatus.CONFIDENT
    assert [c.score for c in outcome.candidates] == [120.0]


@pytest.mark.parametrize(
    "reference",
    [
        Reference("A", HERE, authors=("Rubio D",), year=2005),  # no title, no journal
        Reference("B", HERE, title="Editorial", year=2005),  # title too short to search
        Reference("C", HERE, cited_as="Rubio 2005, p. 4"),  # printed form too short
        Reference("D", HERE, authors=("Rubio D",), journal="Cancer Res", year=2005),  # 1 number
    ],
)
def test_too_little_cited_is_not_searched(reference: Reference) -> None:
    assert bibliographic_query(reference) is None
    outcome = run(reference, WORK)
    assert outcome.status is MatchStatus.NOT_SEARCHED
    assert outcome.candidates == ()
    assert "Too little is cited" in outcome.why


def test_a_reference_with_a_doi_is_not_searched() -> None:
    outcome = run(replace(REF, doi="10.1158/0008-5472.can-04-4194"), WORK)
    assert outcome.status is MatchStatus.NOT_SEARCHED
    assert "prints a DOI" in outcome.why


def test_low_relevance_candidates_are_dropped() -> None:
    query = bibliographic_query(REF)
    assert query is not None
    outcome = run(REF, WORK, score=0.39 * len(query))  # SBMV keeps score/len >= 0.4 only
    assert outcome.status is MatchStatus.NONE
    assert outcome.dropped == 1
    assert outcome.candidates == ()
    assert "relevance of 0.4" in outcome.why
    assert run(REF, WORK, score=0.41 * len(query)).status is MatchStatus.CONFIDENT


def test_no_candidates_is_none() -> None:
    outcome = validate(REF, [])
    assert outcome.status is MatchStatus.NONE
    assert outcome.why == "Crossref returned no candidates."


def test_a_journal_issue_record_never_validates() -> None:
    outcome = run(REF, replace(WORK, type="journal-issue"))
    assert outcome.status is MatchStatus.NONE
    assert outcome.candidates[0].rejected == "a journal-issue record is never the cited work"


def test_a_book_chapter_needs_a_cited_title_or_pages() -> None:
    locator = Reference(
        "L", HERE, authors=("Rubio D",), journal="Cancer Res", year=2005, volume="65"
    )
    chapter = replace(WORK, type="book-chapter")
    assert run(locator, chapter).status is MatchStatus.NONE
    assert run(replace(locator, pages="3035-9"), chapter).status is MatchStatus.CONFIDENT


def test_two_contradicting_locators_veto_a_candidate() -> None:
    outcome = run(REF, replace(WORK, volume="66", page="100-110"))
    assert outcome.status is MatchStatus.NONE
    assert outcome.candidates[0].rejected == "volume and pages contradict the record"


def test_a_title_that_does_not_agree_is_only_weak() -> None:
    work = replace(WORK, title="Spontaneous transformation of adult mesenchymal stromal cells")
    outcome = run(REF, work)
    assert outcome.status is MatchStatus.WEAK
    assert outcome.best is not None
    assert outcome.best.agreement.title is False
    assert "the title does not agree" in outcome.why


def test_two_cited_fields_validate_but_never_confidently() -> None:
    two = Reference("T", HERE, title=REF.title, authors=("Rubio D",))
    outcome = run(two, WORK)
    assert outcome.status is MatchStatus.WEAK
    assert "only 2 fields are cited" in outcome.why
    one = Reference("O", HERE, title=REF.title)
    assert run(one, WORK).status is MatchStatus.NONE


def test_a_field_the_registry_lacks_weighs_half() -> None:
    outcome = run(REF, replace(WORK, volume=None))
    assert outcome.best is not None
    assert outcome.best.agreement.volume is None
    assert outcome.best.similarity == round(5 / 5.5, 3)
    assert outcome.status is MatchStatus.CONFIDENT


# --- printed references (cited_as only) ---------------------------------------------------------

PRINTED_TEXT = (
    "Rubio D, Garcia-Castro J, Martin MC, et al. Spontaneous human adult stem cell "
    "transformation. Cancer Res. 2005;65(8):3035-9. doi:10.1158/0008-5472.CAN-04-4194"
)
PRINTED = Reference("P", HERE, cited_as=PRINTED_TEXT)
FIELDS_ALL = ("title", "authors", "year", "journal", "volume", "issue", "pages")


def test_printed_reference_numbers_are_explained_by_the_record() -> None:
    outcome = run(PRINTED, WORK)
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    # "3035-9" is completed to 3035-3039; the DOI's digits are not counted as stray numbers.
    assert outcome.best.agreement.fields(True) == FIELDS_ALL
    assert outcome.best.similarity == 1.0


def test_printed_year_one_off_and_stray_numbers_lower_the_similarity() -> None:
    one_off = run(replace(PRINTED, cited_as=PRINTED_TEXT.replace("2005", "2006")), WORK)
    assert one_off.best is not None
    assert one_off.best.agreement.year is True
    assert one_off.best.similarity == round(7.5 / 8, 3)
    stray = run(replace(PRINTED, cited_as=f"{PRINTED_TEXT} 12 pp., 3 figs."), WORK)
    assert stray.best is not None
    assert stray.best.similarity == round(8 / 10, 3)
    assert stray.status is MatchStatus.CONFIDENT  # 0.80 >= 0.75


def test_printed_reference_with_wrong_volume_is_weak() -> None:
    wrong = run(replace(PRINTED, cited_as=PRINTED_TEXT.replace(";65(", ";64(")), WORK)
    assert wrong.status is MatchStatus.WEAK
    assert wrong.best is not None
    assert wrong.best.agreement.volume is False


def test_a_printed_reference_may_give_the_translated_title_and_its_numbers() -> None:
    # Crossref's `title` holds "Work titles, including translated titles": the Russian title
    # first, the English one second. The "19" of the English title is no stray number.
    translated = Work(
        doi="10.5555/covid",
        title="Эпидемиология коронавирусной инфекции в Москве",
        other_titles=("Epidemiology of COVID-19 in Moscow",),
        authors=(Author("Ivanov", "I. I."),),
        year=2021,
        container_titles=("Epidemiology and Vaccinal Prevention",),
        volume="20",
        issue="3",
        page="4-10",
    )
    text = (
        "Ivanov II. Epidemiology of COVID-19 in Moscow. Epidemiology and Vaccinal Prevention. "
        "2021;20(3):4-10."
    )
    outcome = run(Reference("T", HERE, cited_as=text), translated)
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.fields(True) == FIELDS_ALL
    assert outcome.best.similarity == 1.0


# --- the query ----------------------------------------------------------------------------------


def test_structured_query_and_rows() -> None:
    assert bibliographic_query(REF) == (
        "Rubio, Garcia-Castro (2005) Spontaneous human adult stem cell transformation "
        "Cancer Res 65 3035-9"
    )
    assert is_structured(REF)
    assert rows_for(REF) == STRUCTURED_ROWS == 100


def test_printed_query_and_rows() -> None:
    assert bibliographic_query(PRINTED) == PRINTED_TEXT
    assert not is_structured(PRINTED)
    assert rows_for(PRINTED) == UNSTRUCTURED_ROWS == 20


def test_locator_reference_without_title_is_searched_structured() -> None:
    assert bibliographic_query(STRUCTURED_MATCH) == "Tkaczyk (2015) IJDAR 18 317"
    assert is_structured(STRUCTURED_MATCH)


def test_long_query_is_cut_at_a_word() -> None:
    long = Reference("X", HERE, cited_as="word " * 200)
    query = bibliographic_query(long)
    assert query is not None
    assert len(query) <= MAX_QUERY_CHARS
    assert query.endswith("word")


def test_printed_reference_full_of_unexplained_numbers_does_not_validate() -> None:
    text = (
        "Rubio D, Garcia-Castro J. Spontaneous human adult stem cell transformation. "
        "Cancer Res. 2005; 11 22 33 44 55 66 77 88."
    )
    bare = replace(WORK, volume=None, issue=None, page=None)
    outcome = run(Reference("N", HERE, cited_as=text), bare)
    closest = outcome.candidates[0]
    assert closest.rejected is None
    assert closest.similarity == round(4 / 12, 3)  # title, authors, year, journal; 8 strays
    assert outcome.status is MatchStatus.NONE  # 0.333 < 0.34, SBMV's printed acceptance
    seven = run(Reference("S", HERE, cited_as=text.replace(" 88.", ".")), bare)
    assert seven.status is MatchStatus.WEAK  # validates (0.364), under the confident 0.75
    assert seven.best is not None
    assert seven.best.similarity == round(4 / 11, 3)
