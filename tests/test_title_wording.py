"""What in a title's wording tells two works apart, and what only shortens one: word order and
a year named are the work's own; a subtitle after a dash or question is not, when the main
title is cited alone as `title` (inside a printed reference nothing marks where it ends)."""

from __future__ import annotations

import pytest

from claimcheck.checks.metadata import compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.printed_title import OTHER_YEAR_SCORE, names_other_years, title_score
from claimcheck.model.claimmap import Reference
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Work
from claimcheck.model.text import fold

AUTHORS = (Author("Siegel", "Rebecca L."), Author("Miller", "Kimberly D."), Author("Jemal", "A."))
# The 2019 edition of an annual report, as its record reads: each year's is its own work.
EDITION_2019 = Work(
    doi="10.3322/caac.21551",
    title="Cancer statistics, 2019",
    authors=AUTHORS,
    year=2019,
    container_titles=("CA: A Cancer Journal for Clinicians",),
    volume="69",
    issue="1",
    page="7-34",
)


def ref(**fields: object) -> Reference:
    return Reference(id="R1", location=Location(line=1, column=1), **fields)  # type: ignore[arg-type]


def work(title: str) -> Work:
    return Work(doi="10.1000/w", title=title, authors=(Author("Smith", "John"),), year=2010)


def test_the_next_edition_of_an_annual_report_is_another_work() -> None:
    reference = ref(
        title="Cancer statistics, 2020", authors=("Siegel RL", "Miller KD", "Jemal A"), year=2020
    )
    comparison = compare(reference, EDITION_2019)
    assert comparison.title_agrees is False
    assert comparison.title_similarity == OTHER_YEAR_SCORE
    assert [f.code.value for f in metadata_findings(reference, EDITION_2019)] == [
        "metadata-mismatch"
    ]


@pytest.mark.parametrize(
    "printed",
    [
        "Siegel RL, Miller KD, Jemal A. Cancer statistics, 2020. CA Cancer J Clin. 2020.",
        "Siegel RL, Miller KD, Jemal A. Cancer statistics, 2020. CA Cancer J Clin. "
        "2020;70(1):7-30.",
    ],
)
def test_a_printed_reference_to_the_next_edition_disagrees(printed: str) -> None:
    assert compare(ref(cited_as=printed), EDITION_2019).title_agrees is False


@pytest.mark.parametrize(
    "printed",
    [
        "Siegel RL, Miller KD, Jemal A. Cancer statistics, 2019. CA Cancer J Clin. 2019.",
        "Siegel RL, Miller KD, Jemal A. Cancer statistics, 2019. CA Cancer J Clin. 2020.",
    ],
)
def test_the_same_edition_printed_agrees_whatever_year_follows(printed: str) -> None:
    assert compare(ref(cited_as=printed), EDITION_2019).title_agrees is True


@pytest.mark.parametrize(
    ("one", "other", "differ"),
    [
        ("cancer statistics 2019", "cancer statistics 2020", True),
        ("burden of disease 1990 2019", "burden of disease 1990 2019", False),
        ("cancer statistics 2019", "cancer statistics", False),  # one names no year
        ("a trial in 2000 patients", "a trial in 200 patients", False),  # 200 is no year
        ("results of 36 cancers in 185 countries", "results of 36 cancers", False),
    ],
)
def test_years_named(one: str, other: str, differ: bool) -> None:
    assert names_other_years(one, other) is differ
    assert names_other_years(other, one) is differ


def test_word_order_tells_two_papers_apart() -> None:
    # Two real lines of research: each predicts the other, in titles of the same words.
    cited = "Depressive symptoms predict incident type 2 diabetes in older adults"
    registry = "Type 2 diabetes predicts incident depressive symptoms in older adults"
    assert title_score(fold(cited), fold(registry)) < 0.85
    assert compare(ref(title=cited), work(registry)).title_agrees is False


MAIN = "Mesenchymal stem cells in knee osteoarthritis"


@pytest.mark.parametrize(
    "registry",
    [
        f"{MAIN} \u2013 a systematic review and meta-analysis",
        f"{MAIN} - a systematic review and meta-analysis",
        f"{MAIN}\u2014a systematic review and meta-analysis",
    ],
)
def test_a_main_title_cited_without_its_dash_subtitle_agrees(registry: str) -> None:
    assert compare(ref(title=MAIN), work(registry)).title_agrees is True


def test_a_main_title_ending_in_a_question_cited_alone_agrees() -> None:
    registry = work("Do mesenchymal stem cells cause cancer? A systematic review")
    assert compare(ref(title="Do mesenchymal stem cells cause cancer?"), registry).title_agrees


@pytest.mark.parametrize(
    ("registry", "printed"),
    [
        (
            "Is atrial fibrillation screening worthwhile? Evidence from the LOOP trial",
            "Smith A. Is atrial fibrillation screening worthwhile? A cost-effectiveness "
            "analysis. Eur Heart J. 2019;40:100-5.",
        ),
        (
            "Stem cell therapy in heart failure: a randomized placebo-controlled trial",
            "Smith J. Stem cell therapy in heart failure: a cost-effectiveness analysis. Eur "
            "Heart J. 2010;31:1-9.",
        ),
    ],
)
def test_a_printed_title_with_another_subtitle_is_not_read_as_the_main_title(
    registry: str, printed: str
) -> None:
    # Inside a printed reference nothing marks where a title ends: the main title alone
    # matched the start of a title running on into another subtitle, and agreed.
    assert compare(ref(cited_as=printed), work(registry)).title_agrees is False


def test_a_hyphenated_word_is_no_subtitle() -> None:
    registry = work("Long-term follow-up of stem cell therapy in heart failure patients")
    assert compare(ref(title="Long"), registry).title_agrees is False
    assert (
        compare(ref(title="Long-term follow-up of stem cell therapy"), registry).title_agrees
        is False
    )
