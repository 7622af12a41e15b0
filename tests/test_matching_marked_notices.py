"""A notice titled like a retracted work ("[Retracted] <title>", as Spandidos and Hindawi
title theirs) among a DOI-less reference's candidates: the records' links show it is the
notice, so a citation of the retracted work is not matched to its notice (which would turn the
`retracted` error into a warning). The notice here is the real recorded 10.3892/ol.2018.7943;
the work it retracts, 10.3892/ol.2017.7467, is not recorded and is made up in its shape."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from claimcheck.checks.candidate_notices import notices_among
from claimcheck.checks.matching import Candidate, MatchStatus, validate
from claimcheck.model.claimmap import Reference
from claimcheck.model.events import UpdateEntry
from claimcheck.model.record import Author, Work
from claimcheck.testing import ReplayServer
from tests.conftest import RECORDED
from tests.factories import POLITE, search_item, update, work_envelope, work_list, write_map
from tests.test_cli import run

NOTICE_BODY = (
    RECORDED / "works_10.3892_ol.2018.7943__notice_titled_bracket-Retracted_update-to_"
    "retraction_source_retraction-watch__referencecheck_2026.json"
).read_bytes()
TITLE = "Pediatric sarcomas (Review)"
AUTHORS = (Author("Cao", "Junhua"), Author("An", "Qi"), Author("Wang", "Li"))
NOTICE_DOI, ORIGINAL_DOI = "10.3892/ol.2018.7943", "10.3892/ol.2017.7467"


def entry(doi: str, source: str) -> UpdateEntry:
    return UpdateEntry(doi, "retraction", "Retraction", "2018-02-02", source)


def original(source: str = "retraction-watch", title: str = TITLE) -> Work:
    return Work(
        doi=ORIGINAL_DOI, title=title, authors=AUTHORS, year=2017, volume="15", page="1-10",
        container_titles=("Oncology Letters",), type="journal-article",
        updated_by=(entry(NOTICE_DOI, source),),
    )  # fmt: skip


def notice(source: str = "retraction-watch", title: str = f"[Retracted] {TITLE}") -> Work:
    return Work(
        doi=NOTICE_DOI, title=title, authors=AUTHORS, year=2018, type="journal-article",
        container_titles=("Oncology Letters",), update_to=(entry(ORIGINAL_DOI, source),),
    )  # fmt: skip


def structured(year: int, title: str = TITLE) -> Reference:
    return Reference(
        "R1", None, title=title, authors=("Cao J", "An Q", "Wang L"),
        journal="Oncology Letters", year=year,
    )  # fmt: skip


def printed(year: int, title: str = TITLE) -> Reference:
    return Reference("R1", None, cited_as=f"Cao J, An Q, Wang L. {title}. Oncol Lett. {year}.")


@pytest.mark.parametrize("source", ["retraction-watch", "publisher"])
@pytest.mark.parametrize("year", [2017, 2018])  # 2018: the notice's year, as a citation may give
@pytest.mark.parametrize("reference", [structured, printed])
def test_the_retracted_work_is_matched_not_its_marked_notice(
    source: str, year: int, reference: Any
) -> None:
    candidates = [Candidate(notice(source), 95.0), Candidate(original(source), 90.0)]
    outcome = validate(reference(year), candidates)
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.doi == ORIGINAL_DOI
    vetoed = next(c for c in outcome.candidates if c.doi == NOTICE_DOI)
    assert (
        vetoed.rejected
        == "the record is the notice of another work, and the reference cites no notice"
    )


@pytest.mark.parametrize("reference", [structured, printed])
def test_a_retraction_watch_notice_alone_is_not_taken_for_the_work(reference: Any) -> None:
    # Retraction Watch's entry sits on the notice's record (Crossref's convention), so the
    # notice is known without the work it retracts among the candidates.
    outcome = validate(reference(2018), [Candidate(notice("retraction-watch"), 95.0)])
    assert outcome.status is MatchStatus.NONE
    assert outcome.best is None


def test_a_reference_printing_the_marker_may_still_match_the_notice() -> None:
    # "[Retracted] Pediatric sarcomas (Review)" is the notice's own title: nothing settles
    # which record is cited, so the candidates compete as before.
    outcome = validate(structured(2018, f"[Retracted] {TITLE}"), [Candidate(notice(), 95.0)])
    assert outcome.best is not None
    assert outcome.best.doi == NOTICE_DOI


def test_an_article_retracted_in_place_stays_a_candidate() -> None:
    # Elsevier marks the retracted article itself "RETRACTED: …" and may list its notice in
    # the article's own update-to (README, role table row 6): that alone makes it no notice.
    article = replace(
        original("publisher", title=f"RETRACTED: {TITLE}"),
        updated_by=(), update_to=(entry(NOTICE_DOI, "publisher"),),
    )  # fmt: skip
    elsevier_notice = notice("publisher", title=f"Retraction notice to “{TITLE}”")
    assert ORIGINAL_DOI not in notices_among([article, elsevier_notice])
    outcome = validate(
        structured(2017), [Candidate(elsevier_notice, 95.0), Candidate(article, 90.0)]
    )
    assert outcome.best is not None
    assert outcome.best.doi == ORIGINAL_DOI


def test_two_records_that_each_name_the_other_settle_nothing() -> None:
    # "RETRACTED: X" in place and "Retracted: X" each read as a marker before the other's
    # title: row 3 needs exactly one title to name the other.
    article = replace(original("publisher", title=f"RETRACTED: {TITLE}"))
    marked = notice("publisher", title=f"Retracted: {TITLE}")
    assert notices_among([article, marked]) == frozenset()


def test_a_link_of_no_editorial_kind_makes_no_notice() -> None:
    new_version = UpdateEntry(ORIGINAL_DOI, "new_version", "New version", None, "publisher")
    marked = replace(notice("publisher"), update_to=(new_version,))
    assert notices_among([marked, replace(original("publisher"), updated_by=())]) == frozenset()


# --- the command line, over real HTTP to the replay server ----------------------------------


def audit(tmp_path: Path, year: int) -> tuple[int, Any]:
    made_up_original = work_envelope(
        ORIGINAL_DOI, title=TITLE, authors=("Cao", "An", "Wang"), year=2017,
        journal="Oncology Letters", volume="15", page="1-10",
        updated_by=[update(NOTICE_DOI, "retraction", "2018-02-02", "retraction-watch")],
    )  # fmt: skip
    body = (
        "claimcheck: 1\nreferences:\n"
        f"  R1: {{title: {TITLE}, authors: [Cao J, An Q, Wang L], journal: Oncology Letters, "
        f"year: {year}}}\nclaims:\n  - {{id: C1, text: a claim, cites: [R1]}}\n"
    )
    (tmp_path / "replay").mkdir()
    with ReplayServer(tmp_path / "replay") as server:
        server.add_work(NOTICE_BODY)
        server.add_work(made_up_original)
        # The notice ranks first, as the newer record often does.
        server.add_search(
            work_list(search_item(NOTICE_BODY, 95.0), search_item(made_up_original, 90.0))
        )
        path = write_map(tmp_path, body)
        result = run("audit", path, "-f", "json", "--crossref-url", server.url, env=POLITE)
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("year", [2017, 2018])
def test_the_retracted_work_cited_without_a_doi_fails_the_gate(tmp_path: Path, year: int) -> None:
    exit_code, document = audit(tmp_path, year)
    codes = {f["code"] for f in document["findings"]}
    assert exit_code == 1
    assert "retracted" in codes
    assert "cites-retraction-notice" not in codes
    suggested = next(f for f in document["findings"] if f["code"] == "doi-suggested")
    assert ORIGINAL_DOI in suggested["message"]


RUSSIAN = "Саркомы у детей (обзор)"  # made up: a Russian title beside the English one


def test_a_notice_that_names_the_work_in_its_translated_title_is_vetoed() -> None:
    # Crossref's `title` holds translated titles too: the marker may sit on the English one
    # only, and a publisher's own links (no Retraction Watch entry) are all there is.
    translated_notice = replace(
        notice("publisher", title=f"[Отозвано] {RUSSIAN}"),
        other_titles=(f"[Retracted] {TITLE}",),
    )
    translated_original = replace(original("publisher", title=RUSSIAN), other_titles=(TITLE,))
    assert notices_among([translated_notice, translated_original]) == {NOTICE_DOI}
    candidates = [Candidate(translated_notice, 95.0), Candidate(translated_original, 90.0)]
    outcome = validate(structured(2018), candidates)
    assert outcome.best is not None
    assert outcome.best.doi == ORIGINAL_DOI


def test_a_notice_titled_so_only_in_translation_is_vetoed() -> None:
    # "Retraction: <title>" on the translated title alone still makes the record a notice.
    translated = replace(
        notice("publisher", title=RUSSIAN),
        other_titles=(f"Retraction: {TITLE}",), update_to=(),
    )  # fmt: skip
    outcome = validate(structured(2018), [Candidate(translated, 95.0)])
    vetoed = next(c for c in outcome.candidates if c.doi == NOTICE_DOI)
    assert vetoed.rejected == "the record is a notice, and the reference cites no notice's title"
    assert outcome.best is None
