"""A reference without a DOI whose first cited author is not the record's first: the match is
only weak, as the same reference with the DOI printed is a `metadata-mismatch`. Unit tests on
`validate`, then the command line over real HTTP to the replay server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimcheck.checks.matching import Candidate, MatchStatus, validate
from claimcheck.model.claimmap import Reference
from claimcheck.testing import ReplayServer
from tests.factories import (
    POLITE,
    STUDY_TITLE,
    search_item,
    study_work,
    work_envelope,
    work_list,
    write_map,
)
from tests.test_cli import run

TITLE = STUDY_TITLE
WORK = study_work("10.1000/w.7")


def cited(*authors: str) -> Reference:
    return Reference(
        "R1", None, title=TITLE, authors=authors, journal="Journal of Things", year=2019,
        volume="12", pages="100-10",
    )  # fmt: skip


def test_a_first_author_not_the_records_first_is_only_weak() -> None:
    outcome = validate(cited("Jones B", "Smith A"), [Candidate(WORK, 95.0)])
    assert outcome.status is MatchStatus.WEAK
    assert outcome.best is not None
    assert outcome.best.agreement.fields(False) == ("first_author",)
    assert outcome.best.similarity == 1.0  # not scored: SBMV's similarity is unchanged
    assert "only weak: first_author disagree" in outcome.why


def test_the_records_first_author_cited_first_stays_confident() -> None:
    outcome = validate(cited("Smith A", "Jones B"), [Candidate(WORK, 95.0)])
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.first_author is None  # never True: `authors` says that


def test_the_command_line_suggests_the_match_only_weakly(tmp_path: Path) -> None:
    body = work_envelope(
        WORK.doi, title=TITLE, authors=("Smith", "Jones"), year=2019, volume="12",
        page="100-110",
    )  # fmt: skip
    reference = (
        f'title: "{TITLE}", authors: [Jones B, Smith A], journal: Journal of Things, '
        "year: 2019, volume: '12', pages: 100-10"
    )
    document = audit_one_search(tmp_path, reference, body)
    suggested = [f for f in document["findings"] if f["code"] == "doi-suggested"]
    assert [f["severity"] for f in suggested] == ["warning"]
    assert "disagreed: first_author" in suggested[0]["message"]
    assert [c["status"] for c in document["claims"]] == ["weakened"]


def audit_one_search(tmp_path: Path, reference: str, body: bytes) -> dict[str, Any]:
    """The JSON report of a map whose one reference R1 (`reference`, YAML flow fields), cited
    by one claim, is searched for, over real HTTP, and found: `body` is the one work Crossref
    answers with, and its own record."""
    path = write_map(
        tmp_path,
        "claimcheck: 1\nreferences:\n"
        f"  R1: {{{reference}}}\n"
        "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n",
    )
    with ReplayServer(tmp_path) as server:  # no recorded answers: only those added here
        server.add_work(body)
        server.add_search(work_list(search_item(body, 95.0)))
        result = run("audit", path, "-f", "json", "--crossref-url", server.url, env=POLITE)
    document: dict[str, Any] = json.loads(result.stdout)
    return document
