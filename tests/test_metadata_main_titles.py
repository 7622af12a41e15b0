"""A title cited without the subtitle its record runs on after a colon: the main title alone
agrees when it is long enough to tell the work, and only exactly. Records are real, from
tests/data/crossref/recorded/."""

from __future__ import annotations

import pytest

from claimcheck.checks.metadata import compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.title_agreement import main_titles
from tests.test_editorial import listed
from tests.test_metadata import ref
from tests.test_metadata_names import CALMODULIN, CALMODULIN_MAIN_TITLE, SC_CLUSTERS

# "Opportunities and limitations: A comparative analysis of citizen science and expert
# recordings for bioacoustic research": a main title of three words.
CITIZEN_SCIENCE = "10.1371/journal.pone.0253763"


@pytest.mark.parametrize(
    ("doi", "title"),
    [
        (CALMODULIN, CALMODULIN_MAIN_TITLE),
        (CALMODULIN, "THE CA2+ INFLUENCE ON CALMODULIN UNFOLDING PATHWAY."),
        (SC_CLUSTERS, "Electronic binding energy relaxation of Sc clusters by monatomic alloying"),
    ],
)
def test_a_main_title_cited_without_its_subtitle_agrees(doi: str, title: str) -> None:
    comparison = compare(ref(title=title), listed(doi))
    assert comparison.title_agrees is True
    assert comparison.mismatches == ()


def test_the_reviewers_reference_gets_no_finding() -> None:
    # Every field right, the title without its subtitle: a warning before (similarity 0.68).
    reference = ref(
        doi=CALMODULIN, title=CALMODULIN_MAIN_TITLE, authors=("Zhang Yong", "Lou Jizhong"),
        journal="PLoS One", year=2012, volume="7", issue="11", pages="e49013",
    )  # fmt: skip
    assert metadata_findings(reference, listed(CALMODULIN)) == []


@pytest.mark.parametrize(
    "title",
    [
        "The Ca2+ influence on calmodulin folding pathway",  # a word changed
        "The Ca2+ influence on calmodulin unfolding",  # a word short of the main title
        "The Ca2+ influence on calmodulin unfolding pathway: an experimental study",
    ],
)
def test_a_title_that_is_not_the_main_title_exactly_still_disagrees(title: str) -> None:
    (mismatch,) = compare(ref(title=title), listed(CALMODULIN)).mismatches
    assert mismatch.field == "title"


def test_a_short_main_title_does_not_tell_the_work() -> None:
    work = listed(CITIZEN_SCIENCE)
    assert main_titles(work) == frozenset()
    (mismatch,) = compare(ref(title="Opportunities and limitations"), work).mismatches
    assert mismatch.field == "title"


def test_main_titles_are_folded_and_taken_before_the_first_colon() -> None:
    assert main_titles(listed(CALMODULIN)) == {"the ca2 influence on calmodulin unfolding pathway"}
