"""Every SARIF result of a run has its own partial fingerprint, acknowledgements of the same
finding in one claim included, and none moves with the line it is on."""

from __future__ import annotations

from pathlib import Path

from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.model.findings import FindingCode
from claimcheck.model.record import Author, Work
from claimcheck.model.results import AuditResult
from tests.factories import judge_works, write_map
from tests.test_sarif import run_of, shifted

# R1's DOI is another work's (doi-mismatch), acknowledged four times by C1: twice expired,
# with different `until` dates, and twice live, with the same `until` and other reasons.
MAP = """claimcheck: 1
references:
  R1: {doi: 10.1000/x, title: A study of things, authors: [Jones A]}
claims:
  - id: C1
    text: one
    cites: [R1]
    acknowledge:
      - {finding: doi-mismatch, ref: R1, reason: first, until: 2020-01-01}
      - {finding: doi-mismatch, ref: R1, reason: second, until: 2021-01-01}
      - {finding: doi-mismatch, ref: R1, reason: third, until: 2099-01-01}
      - {finding: doi-mismatch, ref: R1, reason: fourth, until: 2099-01-01}
  - id: C2
    text: two
    cites: [R1]
"""


def acknowledged_twice(tmp_path: Path, body: str = MAP) -> AuditResult:
    claim_map = load_claim_map(write_map(tmp_path, body))
    other = Work(doi="10.1000/x", title="Another paper", authors=(Author("Smith"),), year=2015)
    return judge_works(claim_map, other)


def prints(result: AuditResult) -> list[tuple[str, str]]:
    return [
        (entry["ruleId"], entry["partialFingerprints"]["claimcheck/v1"])
        for entry in run_of(result)["results"]
    ]


def test_every_result_has_its_own_fingerprint(tmp_path: Path) -> None:
    result = acknowledged_twice(tmp_path)
    codes = [f.code for f in result.findings]
    assert codes.count(FindingCode.ACKNOWLEDGEMENT_EXPIRED) == 2
    assert codes.count(FindingCode.ACKNOWLEDGED) == 2  # C2 does not, so C1 gets copies
    found = [fingerprint for _code, fingerprint in prints(result)]
    assert len(set(found)) == len(found)


def test_an_acknowledgements_fingerprint_does_not_move_with_its_line(tmp_path: Path) -> None:
    result = acknowledged_twice(tmp_path)
    moved = acknowledged_twice(tmp_path, MAP.replace("claims:\n", "\n\n\nclaims:\n"))
    assert [f.location for f in moved.findings] != [f.location for f in result.findings]
    assert prints(moved) == prints(result) == prints(shifted(result, 5))
