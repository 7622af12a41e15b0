"""A printed reference (`cited_as` only) whose first printed author is another author of the
record (printed Jones, Smith; registered Smith, Jones): only weak, as the structured reference
is (tests/test_matching_authors.py). Printed forms that name the record's first author first,
or name no author the start can be read as, stay as they were. Unit tests on `validate`, then
the command line over real HTTP to the replay server."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from claimcheck.checks.matching import Candidate, MatchOutcome, MatchStatus, validate
from claimcheck.model.claimmap import Reference
from claimcheck.model.record import Author, Work
from tests.factories import (
    STUDY_TITLE,
    study_work,
    work_envelope,
)
from tests.test_matching_authors import audit_one_search

T = STUDY_TITLE
WORK = study_work("10.1000/w.8")  # Smith A, Jones B (2019), Journal of Things 12:100-110


def match(printed: str, work: Work = WORK) -> MatchOutcome:
    return validate(Reference("R1", None, cited_as=printed), [Candidate(work, 95.0)])


@pytest.mark.parametrize(
    "printed",
    [
        f"Jones B, Smith A. {T}. J Things. 2019;12:100-10.",
        f"[3] Jones B, Smith A. {T}. J Things. 2019;12:100-10.",
        f'B. Jones and A. Smith, "{T}," J. Things, vol. 12, pp. 100-110, 2019.',
        f"Jones, B., & Smith, A. (2019). {T}. Journal of Things, 12, 100-110.",
        f"Jones B et al. {T}. J Things. 2019;12:100-10.",
        f"Jones B. {T}. J Things. 2019;12:100-10.",
        f"JONES B, SMITH A. {T}. J Things. 2019;12:100-10.",
    ],
)
def test_a_printed_first_author_not_the_records_first_is_only_weak(printed: str) -> None:
    outcome = match(printed)
    assert outcome.status is MatchStatus.WEAK
    assert outcome.best is not None
    assert outcome.best.agreement.fields(False) == ("first_author",)
    assert outcome.best.similarity == 1.0  # not scored: SBMV's similarity is unchanged
    assert "only weak: first_author disagree" in outcome.why


@pytest.mark.parametrize(
    "printed",
    [
        f"Smith A, Jones B. {T}. J Things. 2019;12:100-10.",
        f"Smith AB, Jones C. {T}. J Things. 2019;12:100-10.",
        f"Smith A. B., Jones B. {T}. J Things. 2019;12:100-10.",
        f'A. Smith and B. Jones, "{T}," J. Things, vol. 12, pp. 100-110, 2019.',
        f"Smith, A., Jones, B. (2019). {T}. Journal of Things, 12, 100-110.",
        f"Smith et al. {T}. J Things. 2019;12:100-10.",
        f"Alice Smith, Brian Jones. {T}. J Things. 2019;12:100-10.",
        f"{T}. Jones B, Smith A. J Things. 2019;12:100-10.",  # title first: no name read
    ],
)
def test_the_records_first_author_printed_first_stays_confident(printed: str) -> None:
    outcome = match(printed)
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.first_author is None


def work_by(*authors: Author) -> Work:
    return Work(
        doi="10.1000/w.9", title=T, authors=authors, year=2019,
        container_titles=("Journal of Things",), volume="12", page="100-110",
        type="journal-article",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("printed", "authors"),
    [
        # A given name that is another author's surname, printed given name first.
        ("Thomas Davies, Owen Thomas", (Author("Davies", "Thomas"), Author("Thomas", "Owen"))),
        # Family name first with a whole given name, as many references print Chinese names.
        ("Zhang Wei, Wei Li", (Author("Zhang", "Wei"), Author("Wei", "Li"))),
        ("van der Berg J, Berg K", (Author("van der Berg", "J"), Author("Berg", "K"))),
        ("Berg J van der, Smith A", (Author("van der Berg", "J"), Author("Smith", "A"))),
        ("García-Márquez J, Márquez L", (Author("Garcia-Marquez", "J"), Author("Marquez", "L"))),
        ("O'Brien P, Brien Q", (Author("O'Brien", "P"), Author("Brien", "Q"))),
        # A group author first, named in full; the person after it is also a record author.
        ("Stem Cell Group, Smith A", (Author(name="Stem Cell Group"), Author("Smith", "A"))),
    ],
)
def test_hard_printed_names_of_the_records_first_author_stay_confident(
    printed: str, authors: tuple[Author, ...]
) -> None:
    outcome = match(f"{printed}. {T}. J Things. 2019;12:100-10.", work_by(*authors))
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.first_author is None


@pytest.mark.parametrize("title", ["Stem cells in old mice versus young", "Cells of the young"])
def test_a_title_printed_first_is_no_name_even_when_it_ends_in_an_authors_surname(
    title: str,
) -> None:
    work = replace(work_by(Author("Smith", "A"), Author("Young", "B")), title=title)
    outcome = match(f"{title}. Smith A, Young B. J Things. 2019;12:100-10.", work)
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.first_author is None


def test_the_command_line_suggests_the_printed_match_only_weakly(tmp_path: Path) -> None:
    body = work_envelope(
        WORK.doi, title=T, authors=("Smith", "Jones"), year=2019, volume="12", page="100-110"
    )
    reference = f'cited_as: "Jones B, Smith A. {T}. Journal of Things. 2019;12:100-10."'
    document = audit_one_search(tmp_path, reference, body)
    suggested = [f for f in document["findings"] if f["code"] == "doi-suggested"]
    assert [f["severity"] for f in suggested] == ["warning"]
    assert "disagreed: first_author" in suggested[0]["message"]
    assert [c["status"] for c in document["claims"]] == ["weakened"]
