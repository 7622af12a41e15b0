"""References without DOIs, matched through the command line over real HTTP to the replay
server: a confident match is checked like a printed DOI, a weak one only suggests, and
nothing validating stays doi-missing saying a search was made. Also `claimcheck import`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimcheck.sources.crossref.batching import envelope
from claimcheck.testing import Fault, ReplayServer
from tests.conftest import RECONSTRUCTED, RECORDED
from tests.factories import POLITE, search_item, work_list, write_map
from tests.sbmv import CERMINE, SBMV
from tests.test_cli import run

WAKEFIELD = "10.1016/s0140-6736(97)11096-0"  # real: retracted 2010


def recorded(name: str) -> bytes:
    return (RECORDED / SBMV.format(name)).read_bytes()


def wakefield_search() -> bytes:
    """A work-list holding the recorded Wakefield record, as a search would answer: built
    here from the recorded `/works/{doi}` body; the score is chosen, not Crossref's."""
    path = next(RECORDED.glob("works_10.1016_s0140-6736(97)11096-0__*[!a].json"))
    return work_list(search_item(path.read_bytes(), 90.0))


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECONSTRUCTED, RECORDED) as replay:
        # The matched work's own record, as its /works/{doi} answer (an item of the list).
        items = json.loads(recorded("structured_ref_Tkaczyk_IJDAR"))["message"]["items"]
        replay.add_work(envelope(next(i for i in items if i["DOI"].lower() == CERMINE)))
        yield replay


def one_reference(fields: str) -> str:
    return (
        "claimcheck: 1\n"
        f"references:\n  R1: {{{fields}}}\n"
        "claims:\n  - {id: C1, text: a claim, cites: [R1]}\n"
    )


WAKEFIELD_FIELDS = (
    "title: 'Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
    "developmental disorder in children', authors: [Wakefield AJ, Murch SH], "
    "journal: Lancet, volume: '351', pages: 637-41, year: {year}"
)


def audit(server: ReplayServer, tmp_path: Path, fields: str, *args: str) -> dict[str, Any]:
    path = write_map(tmp_path, one_reference(fields))
    # The polite pool: its list pace (3/s, against 1/s) is the searches' and follow-ups'.
    result = run("audit", path, "-f", "json", "--crossref-url", server.url, *args, env=POLITE)
    assert result.exit_code in (0, 1, 3), result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def findings(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in document["findings"] if f["code"] == code]


def test_a_confident_match_is_suggested_with_its_fields(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_search(recorded("structured_ref_Tkaczyk_IJDAR"))
    fields = "authors: [Tkaczyk D], journal: IJDAR, volume: '18', pages: '317', year: 2015"
    doc = audit(server, tmp_path, fields)
    (suggested,) = findings(doc, "doi-suggested")
    assert suggested["evidence"]["doi"] == CERMINE
    assert suggested["evidence"]["confidence"] == "confident"
    assert "volume" in suggested["evidence"]["agreed"]
    assert findings(doc, "doi-missing") == []
    (search,) = [r for r in server.requests if "query.bibliographic" in r.query]
    assert search.route == "list"  # paced as a list query
    assert search.query["rows"] == ["100"]  # a structured reference: SBMV's 100 rows


def test_a_doi_less_citation_of_a_retracted_paper_is_flagged_retracted(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_search(wakefield_search())
    doc = audit(server, tmp_path, WAKEFIELD_FIELDS.format(year=1998))
    (retracted,) = findings(doc, "retracted")
    assert retracted["evidence"]["matched"] == {
        "doi": WAKEFIELD,
        "basis": "matched by metadata, not by a printed DOI",
    }
    assert "matched by metadata, not by a printed DOI" in retracted["message"]
    assert doc["summary"]["exit_code"] == 1


def test_a_confident_match_whose_record_cannot_be_read_is_unverified(
    server: ReplayServer, tmp_path: Path
) -> None:
    # As a printed DOI whose lookup fails: the run fails closed (exit 3), never passes on a
    # warning while the matched work's retraction goes unread.
    server.add_search(wakefield_search())
    server.add_fault(Fault.http(400, match="/works/10.1016"))
    doc = audit(server, tmp_path, WAKEFIELD_FIELDS.format(year=1998))
    (unverified,) = findings(doc, "unverified")
    assert unverified["reference"] == "R1"
    assert unverified["evidence"]["matched"]["doi"] == WAKEFIELD
    (suggested,) = findings(doc, "doi-suggested")
    assert suggested["evidence"]["confidence"] == "confident"
    assert doc["summary"]["exit_code"] == 3
    assert [c["status"] for c in doc["claims"]] == ["unverified"]


def test_a_weak_match_to_a_retracted_paper_is_only_a_possible_retraction(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_search(wakefield_search())
    doc = audit(server, tmp_path, WAKEFIELD_FIELDS.format(year=2001))
    assert findings(doc, "retracted") == []
    (possible,) = findings(doc, "possibly-retracted")
    assert possible["severity"] == "warning"
    assert "not asserted" in possible["message"]
    (suggested,) = findings(doc, "doi-suggested")
    assert suggested["evidence"]["confidence"] == "weak"


def test_nothing_validating_stays_doi_missing_and_says_a_search_was_made(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_search(recorded("structured_ref_nomatch"))
    fields = (
        "authors: [Tkaczyk D], journal: Communications in Computer and Information, "
        "volume: '93', year: 2015"
    )
    doc = audit(server, tmp_path, fields)
    (missing,) = findings(doc, "doi-missing")
    assert "a search by its metadata found no work that validates" in missing["message"]
    assert findings(doc, "doi-suggested") == []


@pytest.mark.parametrize("status", [503, 400])  # retried, then failed; failed at once
def test_a_failed_search_is_unverified_not_a_passing_warning(
    server: ReplayServer, tmp_path: Path, status: int
) -> None:
    # A working search would match Wakefield 1998 and fail the gate on its retraction; a
    # search that fails must not pass it instead.
    server.add_search(wakefield_search())
    server.add_fault(Fault.http(status, match="query.bibliographic"))
    doc = audit(server, tmp_path, WAKEFIELD_FIELDS.format(year=1998), "--retries", "0")
    (missing,) = findings(doc, "doi-missing")
    assert "could not be made" in missing["message"]
    (unverified,) = findings(doc, "unverified")
    assert unverified["reference"] == "R1"
    assert f"HTTP {status}" in unverified["evidence"]["cause"]
    assert doc["summary"]["unverified"] == 1
    assert doc["summary"]["exit_code"] == 3
    assert [c["status"] for c in doc["claims"]] == ["unverified"]


def test_no_match_makes_no_search_and_so_nothing_unverified(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_fault(Fault.http(503, match="query.bibliographic"))
    doc = audit(server, tmp_path, WAKEFIELD_FIELDS.format(year=1998), "--no-match")
    assert findings(doc, "unverified") == []
    assert doc["summary"]["exit_code"] == 0


def test_too_little_cited_is_not_searched(server: ReplayServer, tmp_path: Path) -> None:
    doc = audit(server, tmp_path, "cited_as: 'Smith, 1999.'")
    (missing,) = findings(doc, "doi-missing")
    assert "not searched" in missing["message"]
    assert not [r for r in server.requests if "query.bibliographic" in r.query]


def test_no_match_turns_searching_off(server: ReplayServer, tmp_path: Path) -> None:
    server.add_search(wakefield_search())
    doc = audit(server, tmp_path, WAKEFIELD_FIELDS.format(year=1998), "--no-match")
    assert findings(doc, "retracted") == []
    assert findings(doc, "doi-missing")
    assert not [r for r in server.requests if "query.bibliographic" in r.query]


def test_import_match_fills_in_a_confident_doi_with_a_comment(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_search(wakefield_search())
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{wakefield1998,\n"
        "  title = {Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive"
        " developmental disorder in children},\n"
        "  author = {Wakefield, A. J. and Murch, S. H.},\n"
        "  journal = {Lancet}, year = {1998}, volume = {351}, pages = {637--641}\n}\n",
        encoding="utf-8",
    )
    out = tmp_path / "claims" / "new.yaml"
    result = run("import", bib, "-o", out, "--match", "--crossref-url", server.url, env=POLITE)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert f'doi: "{WAKEFIELD}"' in text
    assert f"matched by metadata: {WAKEFIELD}" in text
    # The written map audits, and the matched DOI is then checked as printed.
    audited = run(
        "audit", out, "-f", "json", "--crossref-url", server.url, "--no-match", env=POLITE
    )
    assert "retracted" in {f["code"] for f in json.loads(audited.stdout)["findings"]}


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title = {A study of things}, year = {2001}}\n", encoding="utf-8")
    out = tmp_path / "map.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    refused = run("import", bib, "-o", out)
    assert refused.exit_code == 2
    assert "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert run("import", bib, "-o", out, "--force").exit_code == 0
    assert "A study of things" in out.read_text(encoding="utf-8")


def test_import_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title = {A study of things}, year = {2001}}\n", encoding="utf-8")
    result = run("import", bib, "-o", bib, "--force")
    assert result.exit_code == 2
    assert bib.read_text(encoding="utf-8").startswith("@article")


def test_import_of_bad_input_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "refs.json"
    bad.write_text('[{"title": "x",]', encoding="utf-8")
    result = run("import", bad)
    assert result.exit_code == 2
    assert f"{bad}:1:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_weak_match_leaves_the_claim_weakened_not_supported(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_search(wakefield_search())
    doc = audit(server, tmp_path, WAKEFIELD_FIELDS.format(year=2001))
    (suggested,) = findings(doc, "doi-suggested")
    assert suggested["severity"] == "warning"
    (claim,) = doc["claims"]
    assert claim["status"] != "supported"
