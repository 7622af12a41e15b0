"""A reference that prints no DOI, matched by metadata, judged with what other sources (the
Retraction Watch CSV) list for the matched DOI, as a printed DOI is (checks/matched.py).
Pure: the pipeline over made-up records; tests/test_sources_cli.py runs the same through the
command line."""

from __future__ import annotations

from pathlib import Path

from claimcheck.checks.matched import Match
from claimcheck.checks.matching import MatchStatus, validate
from claimcheck.checks.pipeline import judge
from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.claimmap import ClaimMap
from claimcheck.model.events import SourceEntries, UpdateEntry
from claimcheck.model.record import Author, Candidate, Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult
from tests.factories import FIXED_OPTIONS, write_map

PAPER, NOTICE = "10.5555/paper.1", "10.5555/notice.1"
TITLE = "Stem cell transformation in long-term culture of mice"
THE_PAPER = Work(
    doi=PAPER,
    title=TITLE,
    authors=(Author("Rubio", "A."), Author("Garcia", "B.")),
    year=2018,
    container_titles=("Journal of Tests",),
    volume="12",
    page="100-110",
    type="journal-article",
)
CSV_RETRACTS = SourceEntries(
    updated_by=(
        UpdateEntry(NOTICE, "retraction", "retraction", "2020-06-05", "retraction-watch-csv"),
    )
)


def cited_without_doi(tmp_path: Path, year: int = 2018) -> ClaimMap:
    body = (
        "claimcheck: 1\nreferences:\n"
        f"  R1: {{title: '{TITLE}', authors: [Rubio A, Garcia B], journal: Journal of Tests, "
        f"volume: '12', pages: 100-110, year: {year}}}\n"
        "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n"
    )
    return load_claim_map(write_map(tmp_path, body))


def judged(
    claim_map: ClaimMap, lookup: Lookup, entries: dict[str, SourceEntries]
) -> tuple[AuditResult, MatchStatus]:
    (reference,) = claim_map.references
    outcome = validate(reference, [Candidate(THE_PAPER, 95.0)])
    matches = {(claim_map.path, reference.id): Match(outcome)}
    result = judge(claim_map, {PAPER: lookup}, {}, FIXED_OPTIONS, entries=entries, matches=matches)
    return result, outcome.status


def codes(result: AuditResult) -> set[str]:
    return {f.code.value for f in result.maps[0].findings}


def test_a_confident_match_is_retracted_by_the_csv(tmp_path: Path) -> None:
    found = Lookup(PAPER, LookupStatus.FOUND, work=THE_PAPER)
    result, status = judged(cited_without_doi(tmp_path), found, {PAPER: CSV_RETRACTS})
    assert status is MatchStatus.CONFIDENT
    assert "retracted" in codes(result)
    editorial = result.maps[0].references[0].editorial
    assert editorial is not None
    assert editorial.verdict.value == "retracted"
    assert result.exit_code == 1


def test_without_the_csvs_entries_the_same_match_is_clean(tmp_path: Path) -> None:
    found = Lookup(PAPER, LookupStatus.FOUND, work=THE_PAPER)
    result, _status = judged(cited_without_doi(tmp_path), found, {})
    assert "retracted" not in codes(result)
    assert result.exit_code == 0


def test_a_weak_match_the_csv_retracts_is_possibly_retracted(tmp_path: Path) -> None:
    found = Lookup(PAPER, LookupStatus.FOUND, work=THE_PAPER)
    result, status = judged(cited_without_doi(tmp_path, 2021), found, {PAPER: CSV_RETRACTS})
    assert status is MatchStatus.WEAK
    assert "possibly-retracted" in codes(result)
    assert "retracted" not in codes(result)


def test_the_csvs_retraction_stands_when_the_matched_record_could_not_be_read(
    tmp_path: Path,
) -> None:
    # A retraction any source lists is never dropped, as for a printed DOI.
    failed = Lookup(PAPER, LookupStatus.FAILED, error="HTTP 503")
    result, _status = judged(cited_without_doi(tmp_path), failed, {PAPER: CSV_RETRACTS})
    assert "retracted" in codes(result)
    (suggested,) = [f for f in result.maps[0].findings if f.code.value == "doi-suggested"]
    assert "only other sources' updates of it are known" in suggested.message
    assert result.exit_code == 1
