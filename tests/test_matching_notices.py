"""A reference without a DOI whose search answers both a work and a notice titled after it
("Retraction Note: <title>", same authors and journal, a year later): the title says which
one is cited, so a retracted work is not mistaken for its notice, nor the other way round.
Unit tests on `validate`, then the command line over real HTTP to the replay server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimcheck.checks.matching import Candidate, MatchStatus, validate
from claimcheck.model.claimmap import Reference
from claimcheck.model.record import Work
from claimcheck.testing import ReplayServer
from tests.factories import (
    POLITE,
    STUDY_TITLE,
    search_item,
    study_work,
    update,
    work_envelope,
    work_list,
    write_map,
)
from tests.test_cli import run

TITLE = STUDY_TITLE
ORIGINAL = study_work("10.1000/orig.2")


def notice_of(work: Work, marker: str) -> Work:
    return Work(
        doi="10.1000/notice.2",
        title=f"{marker} {work.title}",
        authors=work.authors,
        year=2020,
        container_titles=work.container_titles,
        volume="13",
        page="55",
        type="journal-article",
    )


def cited(title: str, year: int) -> Reference:
    return Reference(
        "R1", None, title=title, authors=("Smith A", "Jones B"),
        journal="Journal of Things", year=year,
    )  # fmt: skip


@pytest.mark.parametrize("marker", ["Retraction Note:", "Correction to:", "Erratum:"])
@pytest.mark.parametrize("year", [2019, 2020])  # 2020: the notice's year, one off the work's
def test_the_cited_work_is_matched_not_its_notice(marker: str, year: int) -> None:
    notice = notice_of(ORIGINAL, marker)
    # The notice ranks first in the search, as a newer record often does.
    outcome = validate(cited(TITLE, year), [Candidate(notice, 95.0), Candidate(ORIGINAL, 90.0)])
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.doi == ORIGINAL.doi
    rejected = next(c for c in outcome.candidates if c.doi == notice.doi)
    assert rejected.rejected == "the record is a notice, and the reference cites no notice's title"
    assert rejected.agreement.title is False


def test_a_reference_citing_the_notice_matches_the_notice() -> None:
    notice = notice_of(ORIGINAL, "Retraction Note:")
    reference = cited(notice.title, 2020)
    outcome = validate(reference, [Candidate(ORIGINAL, 95.0), Candidate(notice, 90.0)])
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.doi == notice.doi
    rejected = next(c for c in outcome.candidates if c.doi == ORIGINAL.doi)
    assert rejected.rejected == "the reference cites a notice's title, and the record is no notice"


def test_a_notice_cited_alone_never_matches_the_work_it_names() -> None:
    outcome = validate(cited(f"Retraction: {TITLE}", 2019), [Candidate(ORIGINAL, 95.0)])
    assert outcome.status is MatchStatus.NONE


PRINTED = "Smith A, Jones B. {title}. Journal of Things. {year};{volume}:{pages}."


def printed(title: str, year: int, volume: str, pages: str) -> Reference:
    text = PRINTED.format(title=title, year=year, volume=volume, pages=pages)
    return Reference("R1", None, cited_as=text)


def test_a_printed_reference_to_the_work_is_not_matched_to_its_notice() -> None:
    notice = notice_of(ORIGINAL, "Retraction Note:")
    reference = printed(TITLE, 2019, "12", "100-10")
    outcome = validate(reference, [Candidate(notice, 95.0), Candidate(ORIGINAL, 90.0)])
    assert outcome.best is not None
    assert outcome.best.doi == ORIGINAL.doi
    assert outcome.status is MatchStatus.CONFIDENT


def test_a_printed_reference_to_the_notice_is_matched_to_the_notice() -> None:
    notice = notice_of(ORIGINAL, "Retraction Note:")
    reference = printed(notice.title, 2020, "13", "55")
    outcome = validate(reference, [Candidate(ORIGINAL, 95.0), Candidate(notice, 90.0)])
    assert outcome.best is not None
    assert outcome.best.doi == notice.doi
    assert next(c for c in outcome.candidates if c.doi == ORIGINAL.doi).rejected


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ReplayServer]:
    original = work_envelope(
        ORIGINAL.doi, title=TITLE, authors=("Smith", "Jones"), year=2019, volume="12",
        page="100-110", updated_by=[update("10.1000/notice.2", "retraction", "2020-05-01")],
    )  # fmt: skip
    notice = work_envelope(
        "10.1000/notice.2", title=f"Retraction Note: {TITLE}", authors=("Smith", "Jones"),
        year=2020, volume="13", page="55",
        update_to=[update(ORIGINAL.doi, "retraction", "2020-05-01")],
    )  # fmt: skip
    with ReplayServer(tmp_path) as replay:  # no recorded answers: only those added here
        replay.add_work(original)
        replay.add_work(notice)
        replay.add_search(work_list(search_item(notice, 95.0), search_item(original, 90.0)))
        yield replay


def audit(server: ReplayServer, tmp_path: Path, title: str, year: int) -> tuple[int, Any]:
    body = (
        "claimcheck: 1\nreferences:\n"
        f'  R1: {{title: "{title}", authors: [Smith A, Jones B], journal: Journal of Things, '
        f"year: {year}}}\nclaims:\n  - {{id: C1, text: a claim, cites: [R1]}}\n"
    )
    path = write_map(tmp_path, body)
    result = run("audit", path, "-f", "json", "--crossref-url", server.url, env=POLITE)
    return result.exit_code, json.loads(result.stdout)


def codes(document: Any) -> set[str]:
    return {f["code"] for f in document["findings"]}


def test_a_retracted_work_cited_without_a_doi_fails_the_gate(
    server: ReplayServer, tmp_path: Path
) -> None:
    exit_code, document = audit(server, tmp_path, TITLE, 2020)
    assert exit_code == 1
    assert "retracted" in codes(document)
    assert "cites-retraction-notice" not in codes(document)


def test_its_notice_cited_without_a_doi_is_a_warning(server: ReplayServer, tmp_path: Path) -> None:
    exit_code, document = audit(server, tmp_path, f"Retraction Note: {TITLE}", 2020)
    assert "cites-retraction-notice" in codes(document)
    assert "retracted" not in codes(document)
    assert exit_code == 0
