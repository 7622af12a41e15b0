"""A registry title agrees with a printed reference only as its printed title, never as a few
words inside a longer one (`claimcheck.checks.printed_title`): a two-word editorial "Stem
cells" is not the article "Stem cells promote tumour growth in mice". Unit tests, then the
command line over real HTTP to the replay server, with and without the DOI printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimcheck.checks.matching import Candidate, MatchStatus, validate
from claimcheck.checks.metadata import CITED_AS_AGREE, compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.printed_title import printed_title_score
from claimcheck.model.claimmap import Reference
from claimcheck.model.record import Author, Work
from claimcheck.model.text import fold
from claimcheck.testing import ReplayServer
from tests.factories import POLITE, search_item, work_envelope, work_list, write_map
from tests.test_cli import run

PRINTED = "Smith A, Jones B. Stem cells promote tumour growth in mice. Journal of Things. 2019."
EDITORIAL = Work(
    doi="10.1000/editorial.1",
    title="Stem cells",
    authors=(Author("Smith", "A"),),
    year=2019,
    container_titles=("Journal of Things",),
    volume="12",
    page="1",
    type="journal-editorial",
)
TITLE = "Mesenchymal stem cells promote tumour growth in a murine model of breast cancer"


@pytest.mark.parametrize(
    "registry", ["Stem cells", "tumour growth in mice", "Stem cells promote tumour growth"]
)
def test_words_inside_the_printed_title_do_not_agree(registry: str) -> None:
    assert printed_title_score(PRINTED, fold(registry)) < CITED_AS_AGREE


@pytest.mark.parametrize(
    "printed",
    [
        f"Smith A, Jones B. {TITLE}. J Things. 2019;12:100-10.",
        f'A. Smith and B. Jones, "{TITLE}," J. Things, vol. 12, pp. 100-110, 2019.',
        f"Smith A, Jones B,\u201c{TITLE},\u201d J Things 12 (2019) 100.",  # no space: SBMV's
        f"{TITLE}. Smith A. J Things 2019",
        f"Smith A (2019) {TITLE.replace('tumour', 'tumor')}. J Things 12:100",  # a typo
        f"Smith A (2019) {TITLE.replace(' murine', '')}. J Things 12:100",  # a dropped word
    ],
)
def test_the_printed_title_agrees(printed: str) -> None:
    assert printed_title_score(printed, fold(TITLE)) >= CITED_AS_AGREE


def test_a_title_with_a_subtitle_agrees_across_its_colon() -> None:
    printed = "Tkaczyk D. CERMINE: automatic extraction of metadata. IJDAR. 2015;18:317."
    form = fold("CERMINE: automatic extraction of metadata")
    assert printed_title_score(printed, form) == 1.0


def test_a_short_registry_title_inside_the_printed_one_is_no_confident_match() -> None:
    reference = Reference("R1", None, cited_as=PRINTED)
    assert compare(reference, EDITORIAL).title_agrees is False
    outcome = validate(reference, [Candidate(EDITORIAL, 50.0)])
    assert outcome.status is not MatchStatus.CONFIDENT
    assert outcome.candidates[0].agreement.title is False


# --- the command line ----------------------------------------------------------------------


def audit(tmp_path: Path, fields: str) -> dict[str, Any]:
    body = work_envelope(
        EDITORIAL.doi, title="Stem cells", authors=("Smith",), year=2019, volume="12", page="1"
    )
    path = write_map(
        tmp_path,
        "claimcheck: 1\nreferences:\n"
        f"  R1: {{{fields}}}\nclaims:\n  - {{id: C1, text: a claim, cites: [R1]}}\n",
    )
    with ReplayServer(tmp_path) as server:  # no recorded answers: only those added here
        server.add_work(body)
        server.add_search(work_list(search_item(body, 50.0)))
        result = run("audit", path, "-f", "json", "--crossref-url", server.url, env=POLITE)
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_without_a_doi_the_editorial_is_not_asserted(tmp_path: Path) -> None:
    document = audit(tmp_path, f'cited_as: "{PRINTED}"')
    suggested = [f for f in document["findings"] if f["code"] == "doi-suggested"]
    assert all(f["severity"] == "warning" for f in suggested)  # weak at most, never info
    assert [c["status"] for c in document["claims"]] != ["supported"]


def test_with_the_editorials_doi_printed_the_title_mismatch_is_reported(tmp_path: Path) -> None:
    document = audit(tmp_path, f"doi: '{EDITORIAL.doi}', cited_as: \"{PRINTED}\"")
    mismatches = [f for f in document["findings"] if f["code"] == "metadata-mismatch"]
    assert len(mismatches) == 1
    assert [e["field"] for e in mismatches[0]["evidence"]["fields"]] == ["title"]


# --- a title that runs straight into the journal ------------------------------------------

JOURNALS = ("Journal of Things", "J. Things")  # the record's name and short name
STUDY = Work(
    doi="10.1000/study.1",
    title=TITLE,
    authors=(Author("Smith", "A"), Author("Jones", "B")),
    year=2019,
    container_titles=("Journal of Things",),
    short_container_titles=("J. Things",),
    volume="12",
    page="100-110",
    type="journal-article",
)


@pytest.mark.parametrize(
    "printed",
    [
        f"Smith A, Jones B. {TITLE} Journal of Things 2019;12:100-10",
        f"Smith A, Jones B. {TITLE} J Things 2019;12:100-10",
        f"Smith A, Jones B. {TITLE} Journal of Things, 12, 100-110 (2019)",
        f"Smith A, Jones B. {TITLE} Journal of Things",
    ],
)
def test_a_title_running_into_the_records_journal_agrees(printed: str) -> None:
    assert printed_title_score(printed, fold(TITLE), JOURNALS) >= CITED_AS_AGREE
    assert printed_title_score(printed, fold(TITLE)) < CITED_AS_AGREE  # the journal decides


@pytest.mark.parametrize(
    ("printed", "registry"),
    [
        # A short title inside a longer one is still no title, journal or not.
        ("Smith A. Stem cells promote tumour growth Journal of Things 2019;12:100", "Stem cells"),
        ("Smith A. Mesenchymal stem cells Journal of Things 2019;12:100", "Stem cells"),
        # The journal's name as words of the title, running on: no part of its own.
        ("Smith A. Stem cells of things journal of things research. 2019", "Stem cells of things"),
        (f"Smith A. {TITLE} Journal of Things Research 2019;12:100", TITLE),
    ],
)
def test_words_before_the_journals_name_agree_only_as_the_whole_title(
    printed: str, registry: str
) -> None:
    assert printed_title_score(printed, fold(registry), JOURNALS) < CITED_AS_AGREE


def test_a_title_running_into_the_journal_is_a_confident_match() -> None:
    printed = f"Smith A, Jones B. {TITLE} J Things 2019;12:100-10"
    outcome = validate(Reference("R1", None, cited_as=printed), [Candidate(STUDY, 90.0)])
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.title is True


def test_a_short_title_before_the_journal_stays_no_confident_match() -> None:
    printed = "Smith A, Jones B. Stem cells promote tumour growth Journal of Things 2019;12:1"
    outcome = validate(Reference("R1", None, cited_as=printed), [Candidate(EDITORIAL, 50.0)])
    assert outcome.status is not MatchStatus.CONFIDENT
    assert outcome.candidates[0].agreement.title is False


def test_with_the_doi_printed_a_title_running_into_the_journal_is_no_mismatch() -> None:
    printed = f"Smith A, Jones B. {TITLE} Journal of Things 2019;12:100-10"
    reference = Reference("R1", None, doi=STUDY.doi, cited_as=printed)
    assert metadata_findings(reference, STUDY) == []
