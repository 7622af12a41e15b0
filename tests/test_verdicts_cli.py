"""Editorial verdicts through the command line, over real HTTP to the replay server: resolve
states the verdict, the gate treats cited-after-retraction as retracted, and a record that
could not be read leaves the reference unverified."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimcheck.testing import DataCiteReplayServer, Fault, ReplayServer
from tests.conftest import DATA, RECONSTRUCTED, RECORDED
from tests.factories import POLITE, write_map
from tests.test_cli import run

DATACITE = DATA / "datacite" / "recorded"

LANCET = "10.1016/s0140-6736(20)31180-6"
LANCET_NOTICE = "10.1016/s0140-6736(20)31324-6"
PLOS = "10.1371/journal.pone.0033693"  # real: updated-by a correction
PLOS_NOTICE = "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda"
WAKEFIELD = "10.1016/s0140-6736(97)11096-0"  # real: retracted 2010 (Retraction Watch)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(RECONSTRUCTED, RECORDED) as replay:
        yield replay


def resolve(server: ReplayServer, doi: str) -> tuple[int, dict[str, object], str]:
    # The polite pool: the linked records are read at its faster single-lookup pace.
    result = run("resolve", doi, "-f", "json", "--crossref-url", server.url, env=POLITE)
    table = run("resolve", doi, "--crossref-url", server.url, env=POLITE)
    return result.exit_code, json.loads(result.stdout), table.stdout


def test_resolve_states_retracted_and_names_the_notice_by_title(server: ReplayServer) -> None:
    code, doc, table = resolve(server, LANCET)
    assert code == 0
    assert doc["verdict"] == "retracted"
    assert str(doc["verdict_text"]).startswith(f"retracted: {LANCET_NOTICE} (2020-06-05")
    titles = {u["doi"]: u["title"] for u in doc["updates"]}  # type: ignore[attr-defined]
    assert str(titles[LANCET_NOTICE]).startswith("Retraction—Hydroxychloroquine")
    assert "Verdict" in table
    assert "retracted: 10.1016/s0140-6736(20)31324-6" in " ".join(table.split())


def test_resolve_names_a_notice_a_notice(server: ReplayServer) -> None:
    code, doc, _table = resolve(server, LANCET_NOTICE)
    assert code == 0
    assert doc["verdict"] == "retraction-notice"
    assert f"retraction notice of {LANCET}" in str(doc["verdict_text"])
    assert "RETRACTED: Hydroxychloroquine" in str(doc["verdict_text"])


@pytest.mark.parametrize(
    ("doi", "verdict"),
    [
        ("10.1371/journal.pone.0064723", "expression-of-concern"),
        (PLOS, "corrected"),
        ("10.57656/sc-2025-0013", "clean"),
        ("10.31234/osf.io/etvnm_v1", "retracted"),
    ],
)
def test_resolve_verdicts(server: ReplayServer, doi: str, verdict: str) -> None:
    code, doc, _table = resolve(server, doi)
    assert (code, doc["verdict"]) == (0, verdict)


def test_resolve_against_a_wrong_url_exits_2(server: ReplayServer) -> None:
    result = run("resolve", LANCET, "-f", "json", "--crossref-url", server.url + "/typo")
    assert result.exit_code == 2
    assert "does not answer as the Crossref REST API" in result.stderr
    assert "not-found" not in result.stdout


def test_resolve_when_a_needed_record_fails_is_unverified_exit_3(server: ReplayServer) -> None:
    server.add_fault(Fault.http(503, match=PLOS_NOTICE.lower()))
    result = run("resolve", PLOS, "-f", "json", "--crossref-url", server.url, "--retries", "0")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["verdict"] == "unverified"


ONE_REFERENCE = """
claimcheck: 1
article: {{published: {published}}}
references:
  R1: {{doi: {doi}}}
claims:
  - id: C1
    text: a claim
    cites: [R1]
{acknowledge}"""


def audit_one(
    server: ReplayServer,
    tmp_path: Path,
    doi: str,
    *args: str,
    published: str = "2015-01-01",
    acknowledge: str = "",
) -> tuple[int, dict[str, object]]:
    body = ONE_REFERENCE.format(doi=doi, published=published, acknowledge=acknowledge)
    path = write_map(tmp_path, body)
    result = run("audit", path, "-f", "json", "--crossref-url", server.url, *args, env=POLITE)
    return result.exit_code, json.loads(result.stdout)


def codes(document: dict[str, object]) -> list[str]:
    return [f["code"] for f in document["findings"]]  # type: ignore[attr-defined, index]


def test_fail_on_retracted_covers_cited_after_retraction(
    server: ReplayServer, tmp_path: Path
) -> None:
    code, doc = audit_one(server, tmp_path, WAKEFIELD, "--fail-on", "retracted")
    assert "cited-after-retraction" in codes(doc)
    assert code == 1


def test_a_retraction_after_publication_is_marked_so(server: ReplayServer, tmp_path: Path) -> None:
    _code, doc = audit_one(server, tmp_path, WAKEFIELD, published="2009-01-01")
    (finding,) = [f for f in doc["findings"] if f["code"] == "retracted"]  # type: ignore[attr-defined]
    assert "retracted after publication" in finding["message"]
    assert finding["evidence"]["timing"] == "retracted-after-publication"


def test_an_acknowledged_retraction_is_hidden_from_the_gate_not_made_sound(
    server: ReplayServer, tmp_path: Path
) -> None:
    acknowledge = (
        "    acknowledge:\n"
        "      - {finding: retracted, ref: R1, reason: cited as history of the debate}\n"
    )
    code, doc = audit_one(server, tmp_path, WAKEFIELD, acknowledge=acknowledge)
    assert "cited-after-retraction" not in codes(doc)
    assert "acknowledged" in codes(doc)
    (claim,) = doc["claims"]  # type: ignore[misc]
    assert claim["status"] == "unsupported"
    assert "unsupported-claim" in codes(doc)
    assert code == 1


def test_a_failed_lookup_of_a_linked_record_makes_the_reference_unverified(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_fault(Fault.http(503, match=PLOS_NOTICE.lower()))
    code, doc = audit_one(server, tmp_path, PLOS, "--retries", "0")
    (reference,) = doc["references"]  # type: ignore[misc]
    assert reference["status"] == "unverified"
    assert reference["verdict"] == "unverified"
    assert "unverified" in codes(doc)
    assert "corrected" not in codes(doc)  # the direction was never decided, so not reported
    assert code == 3


def test_a_404_at_the_other_end_is_decided_from_what_remains(
    server: ReplayServer, tmp_path: Path
) -> None:
    code, doc = audit_one(server, tmp_path, PLOS)
    (finding,) = [f for f in doc["findings"] if f["code"] == "corrected"]  # type: ignore[attr-defined]
    assert "no Crossref record of it" in finding["message"]
    assert finding["evidence"]["notices"][0]["other_end"] == "not-found"
    assert code == 0


def test_a_datacite_doi_alone_is_not_sound_evidence(tmp_path: Path) -> None:
    zenodo = "10.5281/zenodo.48440"  # real: DataCite's record of Zenodo software
    with (
        ReplayServer(RECONSTRUCTED, agencies={zenodo: "datacite"}) as replay,
        DataCiteReplayServer(DATACITE) as datacite,
    ):
        code, doc = audit_one(replay, tmp_path, zenodo, "--datacite-url", datacite.url)
    (claim,) = doc["claims"]  # type: ignore[misc]
    assert claim["status"] == "weakened"
    assert claim["reason"] == "only doubtful evidence: R1 (non-crossref-doi)"
    assert code == 0  # weakened raises no finding of its own; non-crossref-doi is info


def test_a_replayed_404_is_judged_the_same_on_every_run(
    server: ReplayServer, tmp_path: Path
) -> None:
    # Recorded with batching (the 200s come in one list answer, so no probe is made);
    # replayed one DOI at a time on several threads, where a 404 may come back first. Whether
    # it counts is settled after every answer is in, so the verdict never depends on order.
    body = """
claimcheck: 1
references:
  A: {doi: 10.9999/missing}
  B: {doi: 10.1038/nbt.2816}
  C: {doi: 10.1158/0008-5472.can-10-2451}
  D: {doi: 10.1186/scrt90}
claims:
  - {id: C1, text: x, cites: [A, B, C, D]}
"""
    path = write_map(tmp_path, body)
    snapshot = tmp_path / "snapshot"
    recorded = run("audit", path, "-f", "json", "--crossref-url", server.url, "--record", snapshot)
    assert [
        f["code"] for f in json.loads(recorded.stdout)["findings"] if f["reference"] == "A"
    ] == ["doi-not-found"]
    outcomes = set()
    for _ in range(8):
        replayed = run("audit", path, "-f", "json", "--replay", snapshot)
        document = json.loads(replayed.stdout)
        codes_a = tuple(f["code"] for f in document["findings"] if f["reference"] == "A")
        outcomes.add((replayed.exit_code, codes_a))
    assert outcomes == {(recorded.exit_code, ("doi-not-found",))}
