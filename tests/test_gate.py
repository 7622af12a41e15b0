"""The pre-publish gate: --fail-on policies, --allow-incomplete, several maps, several outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.testing import ReplayServer
from tests.conftest import RECONSTRUCTED
from tests.factories import write_map
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: connection refused, on loopback

MAP_A = """
claimcheck: 1
references:
  A1: {doi: 10.1038/nbt.2816}
  A2: {doi: 10.1158/0008-5472.can-10-2451}
claims:
  - {id: C1, text: one, cites: [A1]}
  - id: C2
    text: two
    cites: [{ref: A2, role: discusses}]
"""
MAP_B = """
claimcheck: 1
references:
  B1: {doi: "https://doi.org/10.1038/NBT.2816"}
  B2: {doi: 10.1634/stemcells.22-4-448}
claims:
  - {id: C1, text: uno, cites: [B1, B2]}
"""


def test_a_directory_of_maps_is_one_report_with_shared_lookups(tmp_path: Path) -> None:
    write_map(tmp_path, MAP_A, "a.yaml")
    write_map(tmp_path, MAP_B, "b.yml")
    (tmp_path / "notes.txt").write_text("not a map")
    with ReplayServer(RECONSTRUCTED) as server:
        result = run("audit", tmp_path, "-f", "json", "--crossref-url", server.url)
        asked = [d for r in server.requests for d in (r.filter_dois or (r.doi,))]
    assert sorted(asked) == sorted(set(asked))  # every DOI fetched once across both maps
    assert asked.count("10.1038/nbt.2816") == 1
    doc = json.loads(result.stdout)
    assert doc["claim_map"] is None
    assert doc["claim_maps"] == [str(tmp_path / "a.yaml"), str(tmp_path / "b.yml")]
    files = {(r["file"], r["id"]) for r in doc["references"]}
    assert (str(tmp_path / "b.yml"), "B1") in files
    claim_files = sorted(c["file"] for c in doc["claims"] if c["id"] == "C1")
    assert claim_files == [str(tmp_path / "a.yaml"), str(tmp_path / "b.yml")]
    assert result.exit_code == doc["summary"]["exit_code"] == 0


def test_errors_in_several_maps_are_all_reported(tmp_path: Path) -> None:
    bad_a = write_map(tmp_path, "claimcheck: 2\nreferences: {}\nclaims: []\n", "a.yaml")
    bad_b = write_map(
        tmp_path, "claimcheck: 1\nreferences: {R1: {yeer: 1}}\nclaims: []\n", "b.yaml"
    )
    result = run("audit", bad_a, bad_b)
    assert result.exit_code == 2
    assert f"{bad_a}:1:" in result.stderr
    assert f"{bad_b}:2:" in result.stderr


def test_an_empty_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = run("audit", tmp_path)
    assert result.exit_code == 2
    assert "no *.yaml claim maps" in result.stderr


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        ("error", 1),  # the seed has three unsupported claims
        # The seed has no retraction, DOI or metadata mismatch; twelve of its searches are not
        # in its snapshot, so those references are unverified: incomplete, exit 3.
        ("retracted,doi-mismatch", 3),
        ("doi-missing", 1),
        ("metadata-mismatch,unverified", 3),
        ("doi-suggested,unverified", 1),  # refs 1, 5, 10, 13 and 17 are matched by metadata
        ("info", 1),
    ],
)
def test_fail_on_a_severity_or_a_list_of_codes(fail_on: str, code: int) -> None:
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "--fail-on", fail_on, "-f", "json")
    assert result.exit_code == code
    assert json.loads(result.stdout)["summary"]["exit_code"] == code
    assert f"--fail-on {','.join(sorted(fail_on.split(',')))}" in result.stderr


def test_an_unknown_fail_on_code_suggests_the_closest() -> None:
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "--fail-on", "retractd")
    assert result.exit_code == 2
    assert "did you mean 'retracted'" in result.stderr


def test_env_sets_the_policy() -> None:
    result = run(
        "audit", SEED_MAP, "--replay", SEED_EVIDENCE, env={"CLAIMCHECK_FAIL_ON": "retracted"}
    )
    # 3, not the default policy's 1: only retractions fail the gate, and the seed's twelve
    # unanswered searches leave those references unverified.
    assert result.exit_code == 3


INVALID = """
claimcheck: 1
references:
  GOOD: {doi: 10.1038/nbt.2816}
  BAD: {doi: 10.1038}
claims:
  - {id: C1, text: one, cites: [GOOD]}
  - {id: C2, text: two, cites: [BAD]}
"""


def test_unreachable_crossref_fails_closed_by_default(tmp_path: Path) -> None:
    path = write_map(tmp_path, MAP_B)
    result = run("audit", path, "-f", "json", "--crossref-url", UNREACHABLE, "--retries", "0")
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert {r["status"] for r in doc["references"]} == {"unverified"}
    assert (
        "incomplete (exit 3): 2 reference(s) unverified, since a lookup or search failed; no"
        " other finding matches --fail-on error." in " ".join(result.stderr.split())
    )
    allowed = run(
        "audit", path, "--crossref-url", UNREACHABLE, "--retries", "0", "--allow-incomplete"
    )
    assert allowed.exit_code == 0
    assert "2 unverified reference(s) allowed by --allow-incomplete" in allowed.stderr
    assert "allowed by --allow-incomplete" in allowed.stderr


def test_unreachable_crossref_with_another_error_exits_1(tmp_path: Path) -> None:
    path = write_map(tmp_path, INVALID)
    for extra in ((), ("--allow-incomplete",)):
        result = run("audit", path, "--crossref-url", UNREACHABLE, "--retries", "0", *extra)
        assert result.exit_code == 1


def test_unverified_in_fail_on_contradicts_allow_incomplete() -> None:
    result = run(
        "audit",
        SEED_MAP,
        "--replay",
        SEED_EVIDENCE,
        "--fail-on",
        "unverified",
        "--allow-incomplete",
    )
    assert result.exit_code == 2


ACKNOWLEDGED = """
claimcheck: 1
references:
  BAD: {doi: 10.1038}
claims:
  - id: C1
    text: one
    cites: [{ref: BAD, role: background}]
    acknowledge:
      - {finding: doi-invalid, ref: BAD, reason: known typo in the print edition, until: UNTIL}
      - {finding: unsupported-claim, reason: background only on purpose}
"""


@pytest.mark.parametrize(("until", "code"), [("2099-01-01", 0), ("2020-01-01", 1)])
def test_an_expired_acknowledgement_fails_the_gate_like_the_finding(
    tmp_path: Path, until: str, code: int
) -> None:
    path = write_map(tmp_path, ACKNOWLEDGED.replace("UNTIL", until))
    result = run("audit", path, "-f", "json", "--replay", SEED_EVIDENCE, "--as-of", "2026-01-01")
    assert result.exit_code == code
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    if code:
        assert {"doi-invalid", "acknowledgement-expired"} <= codes
    else:
        assert "doi-invalid" not in codes


def test_several_outputs_in_one_run(tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.json"
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-f", "json", "-o", f"json={report}")
    assert report.read_text(encoding="utf-8") == result.stdout
    assert not list(report.parent.glob(".*tmp"))  # no temporary file left behind


@pytest.mark.parametrize("spec", ["json", "yaml=x.yaml", "json="])
def test_bad_output_specs_are_refused_before_any_lookup(spec: str) -> None:
    result = run("audit", SEED_MAP, "--crossref-url", UNREACHABLE, "-o", spec)
    assert result.exit_code == 2
    assert "--output" in result.stderr


@pytest.mark.parametrize(
    ("fail_on", "advised"), [("retracted", True), ("retracted,unverified", False)]
)
def test_the_incomplete_sentence_advises_allow_incomplete_only_where_it_is_allowed(
    fail_on: str, advised: bool
) -> None:
    # With `unverified` named, --allow-incomplete is refused (exit 2): advising it misled.
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "--fail-on", fail_on)
    assert result.exit_code == 3
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("claimcheck: incomplete (exit 3)")
    assert ("Use --allow-incomplete to pass anyway." in last) is advised
