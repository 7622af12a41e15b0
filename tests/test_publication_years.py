"""A cited year against every year the record is dated. An article online first in November
2019 and printed in a March 2021 issue is cited 2021 by Vancouver and APA (the issue's
year) and 2019 by others; Crossref's `issued` holds only the earlier. Records are made up
in Crossref's schema."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from claimcheck.checks.matching import validate
from claimcheck.checks.metadata import FieldMismatch, compare, registry_years
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.model.findings import FindingCode
from claimcheck.model.matching import MatchStatus
from claimcheck.model.record import Candidate, Work
from claimcheck.sources.crossref.records import parse_work
from tests.factories import work_envelope
from tests.test_metadata import ref

TITLE = "Effects of intermittent fasting on hepatic insulin sensitivity in adult mice"


def record(**dates: Any) -> Work:
    message = json.loads(
        work_envelope(
            "10.1007/s00125-019-05012-3",
            title=TITLE,
            authors=("Smith", "Okafor"),
            year=2019,
            journal="Diabetologia",
            volume="64",
            issue="3",
            page="512-524",
        )
    )["message"]
    message.update(dates)
    return parse_work(message)


# Online first in November 2019, in the March 2021 issue: Crossref's `issued` is the earlier.
BACKLOG = record(
    issued={"date-parts": [[2019, 11, 5]]},
    **{
        "published-online": {"date-parts": [[2019, 11, 5]]},
        "published-print": {"date-parts": [[2021, 3]]},
    },
)
CITED = ref(title=TITLE, authors=("Smith J", "Okafor N"), journal="Diabetologia", volume="64")


def test_the_record_is_dated_by_its_issue_and_online_years() -> None:
    assert BACKLOG.year == 2019
    assert registry_years(BACKLOG) == (2019, 2021)


@pytest.mark.parametrize("year", [2018, 2019, 2020, 2021, 2022])
def test_a_year_within_one_of_any_publication_date_agrees(year: int) -> None:
    reference = replace(CITED, year=year)
    assert compare(reference, BACKLOG).mismatches == ()
    assert metadata_findings(reference, BACKLOG) == []


@pytest.mark.parametrize("year", [2017, 2023])
def test_a_year_far_from_every_date_disagrees_and_names_them_all(year: int) -> None:
    reference = replace(CITED, year=year)
    wrong = FieldMismatch("year", str(year), "2019 or 2021")
    assert compare(reference, BACKLOG).mismatches == (wrong,)
    [finding] = metadata_findings(reference, BACKLOG)
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert finding.message == f"R1: year cited {year}, registry 2019 or 2021"


def test_a_record_dated_one_year_shows_that_year() -> None:
    work = record(**{"published-print": {"date-parts": [[2019, 12]]}})
    assert registry_years(work) == (2019,)
    [finding] = metadata_findings(replace(CITED, year=2021), work)
    assert finding.message == "R1: year cited 2021, registry 2019"


def test_the_issue_year_confirms_the_locator() -> None:
    # Title and authors cited in another form; the journal, volume, first page and the
    # issue's year place it where the DOI's work is printed.
    reference = ref(
        title="Intermittent fasting and the liver",
        authors=("Smyth J",),
        journal="Diabetologia",
        volume="64",
        pages="512-24",
        year=2021,
    )
    comparison = compare(reference, replace(BACKLOG, published=("2019-11-05", "2023-03")))
    assert comparison.locator_agrees is False  # 2021 is two years from 2019 and from 2023
    assert compare(reference, BACKLOG).locator_agrees is True
    [finding] = metadata_findings(reference, BACKLOG)
    assert finding.code is FindingCode.METADATA_MISMATCH


def test_a_search_match_cited_by_the_issue_year_agrees_on_the_year() -> None:
    reference = replace(CITED, year=2021, pages="512-24")
    outcome = validate(reference, [Candidate(BACKLOG, 120.0)])
    assert outcome.best is not None
    assert outcome.best.agreement.year is True
    assert "year" not in outcome.best.agreement.fields(False)


def test_a_date_decades_from_issued_is_a_digitisation_no_citation_gives() -> None:
    # Issued 1939, put online in 2017: a reference citing 2016 or 2017 cites another work
    # (or a wrong year), and agreed through the online date.
    old = record(
        issued={"date-parts": [[1939]]},
        **{
            "published-print": {"date-parts": [[1939]]},
            "published-online": {"date-parts": [[2017, 3, 1]]},
        },
    )
    assert registry_years(old) == (1939,)
    (mismatch,) = compare(replace(CITED, year=2016), old).mismatches
    assert mismatch == FieldMismatch("year", "2016", "1939")


# A printed reference (one string, no fields), validated as a search candidate: its printed
# numbers are looked for in the record, and one the record cannot explain weighs against it.
PRINTED = (
    "Smith J, Okafor N. Effects of intermittent fasting on hepatic insulin sensitivity in "
    "adult mice. Diabetologia. {years};64(3):512-24."
)


@pytest.mark.parametrize(
    ("years", "after"), [("2021", ""), ("2019", ""), ("2021 Mar", " Epub 2019.")]
)
def test_a_printed_reference_may_print_any_publication_year(years: str, after: str) -> None:
    # "2021" was compared with `issued` (2019) only: two years off, no year agreement, and
    # the 2021 left over counted against the work itself.
    reference = replace(ref(cited_as=PRINTED.format(years=years) + after), title=None)
    outcome = validate(reference, [Candidate(BACKLOG, 120.0)])
    assert outcome.best is not None
    assert outcome.best.agreement.year is True
    assert outcome.best.similarity == 1.0


@pytest.mark.parametrize("years", ["2023", "2016"])
def test_a_printed_year_far_from_every_date_still_weighs_against(years: str) -> None:
    reference = replace(ref(cited_as=PRINTED.format(years=years)), title=None)
    outcome = validate(reference, [Candidate(BACKLOG, 120.0)])
    assert outcome.best is not None
    assert outcome.best.agreement.year is False
    assert outcome.best.similarity < 1.0


def test_a_printed_year_one_off_a_later_date_is_half_a_year() -> None:
    # 2022 is one year from the print date (2021): half agreement, as one off `issued` is.
    reference = replace(ref(cited_as=PRINTED.format(years="2022")), title=None)
    outcome = validate(reference, [Candidate(BACKLOG, 120.0)])
    assert outcome.best is not None
    assert outcome.best.agreement.year is True
    assert 0.9 < outcome.best.similarity < 1.0


def test_a_first_page_that_is_another_dated_year_is_read_as_the_page() -> None:
    # Issued 2020, online 2019, printed at pages 2019-2025: "2019" was taken as the online
    # year before the pages were looked for, and the pages disagreed.
    work = replace(
        record(
            issued={"date-parts": [[2020, 2]]},
            **{"published-online": {"date-parts": [[2019, 12, 1]]}},
        ),
        page="2019-2025",
    )
    text = PRINTED.format(years="2020").replace("512-24", "2019-25") + " PMID: 31234567."
    outcome = validate(replace(ref(cited_as=text), title=None), [Candidate(work, 120.0)])
    assert outcome.best is not None
    assert (outcome.best.agreement.year, outcome.best.agreement.pages) == (True, True)
    assert outcome.status is MatchStatus.CONFIDENT


def test_a_second_dated_year_beside_issued_is_still_a_number_left_over() -> None:
    # Issued 2019, online 2018, no volume or pages in the record: "2018" printed beside
    # "2019" may be a page; taken as the online year, a weak candidate became confident.
    work = replace(
        record(
            issued={"date-parts": [[2019, 3]]},
            **{"published-online": {"date-parts": [[2018, 11, 2]]}},
        ),
        volume=None,
        issue=None,
        page=None,
    )
    text = f"Smith J, Okafor N. {TITLE}. Diabetologia. 2019;45:2018."
    outcome = validate(replace(ref(cited_as=text), title=None), [Candidate(work, 120.0)])
    assert outcome.best is not None
    assert outcome.best.agreement.year is True
    assert outcome.status is not MatchStatus.CONFIDENT


def test_pubmeds_epub_date_is_no_number_of_the_locator() -> None:
    # "Epub 2019 Nov 5": its day was a number the record could not explain.
    text = PRINTED.format(years="2021 Mar") + " Epub 2019 Nov 5."
    outcome = validate(replace(ref(cited_as=text), title=None), [Candidate(BACKLOG, 120.0)])
    assert outcome.best is not None
    assert outcome.best.similarity == 1.0


def test_a_first_page_that_is_the_issued_year_is_read_as_the_page() -> None:
    # Issued (online) 2019, printed 2020 at pages 2019-2025: "2019" was taken as the
    # issued year, and the pages disagreed.
    work = replace(
        record(
            issued={"date-parts": [[2019, 12, 1]]},
            **{
                "published-online": {"date-parts": [[2019, 12, 1]]},
                "published-print": {"date-parts": [[2020, 3]]},
            },
        ),
        page="2019-2025",
    )
    text = PRINTED.format(years="2020").replace("512-24", "2019-25")
    outcome = validate(replace(ref(cited_as=text), title=None), [Candidate(work, 120.0)])
    assert outcome.best is not None
    assert (outcome.best.agreement.year, outcome.best.agreement.pages) == (True, True)
    assert outcome.status is MatchStatus.CONFIDENT
