"""An acknowledgement names a reference exactly when its finding is about one (README, "Gate
policy"): one with the other scope would match no finding, so the loader refuses it."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from claimcheck.inputs.claimmap import parse_claim_map
from claimcheck.model.claimmap import ClaimMap
from claimcheck.model.errors import ClaimMapError
from claimcheck.model.findings import CLAIM_FINDINGS, FindingCode
from claimcheck.model.results import AuditResult
from tests.factories import write_map
from tests.test_cli import run

_MAP = """\
claimcheck: 1
references:
  R1: {{doi: 10.5555/bad, title: Bad study}}
claims:
  - id: C1
    text: A claim.
    cites: [R1]
    acknowledge:
      - {{finding: {code}, {ref}reason: reviewed}}
"""
# The codes no acknowledgement may name at all (refused for that reason, whatever the ref).
_UNACKNOWLEDGEABLE = {"unverified", "acknowledged", "acknowledgement-expired"}
_ACKNOWLEDGEABLE = [code for code in FindingCode if code.value not in _UNACKNOWLEDGEABLE]


def load(code: str, ref: str) -> ClaimMap:
    return parse_claim_map(_MAP.format(code=code, ref=ref), "map.yaml")


def errors(code: str, ref: str) -> list[str]:
    with pytest.raises(ClaimMapError) as raised:
        load(code, ref)
    return [str(error) for error in raised.value.errors]


def test_a_claim_finding_acknowledged_with_a_ref_is_refused_at_the_ref() -> None:
    # It matched nothing: the claim's `unsupported-claim` names no reference.
    assert errors("unsupported-claim", "ref: R1, ") == [
        "map.yaml:9:43: claims[0].acknowledge[0].ref: claim C1 acknowledges"
        " 'unsupported-claim', a finding about the claim itself, with a ref; leave `ref` out"
    ]


def test_a_reference_finding_acknowledged_without_a_ref_is_refused_at_the_acknowledgement() -> None:
    # It matched nothing: a reference's finding is covered only by an acknowledgement
    # naming it, so that one never hides a reference nobody reviewed.
    assert errors("retracted", "") == [
        "map.yaml:9:9: claims[0].acknowledge[0]: claim C1 acknowledges 'retracted' without a"
        " ref; 'retracted' is a finding about a reference: name it with `ref: <reference id>`"
        " (only uncited-claim and unsupported-claim are acknowledged without one)"
    ]


@pytest.mark.parametrize("code", _ACKNOWLEDGEABLE, ids=str)
def test_each_code_is_acknowledged_in_its_own_scope_only(code: FindingCode) -> None:
    about_the_claim = code in CLAIM_FINDINGS
    right, wrong = ("", "ref: R1, ") if about_the_claim else ("ref: R1, ", "")
    (ack,) = load(code.value, right).claims[0].acknowledge
    assert ack.finding is code
    assert ack.ref == (None if about_the_claim else "R1")
    (line,) = errors(code.value, wrong)
    assert ("leave `ref` out" if about_the_claim else "name it with `ref:") in line


def test_a_null_ref_is_a_ref_left_out() -> None:
    assert load("uncited-claim", "ref: ~, ").claims[0].acknowledge[0].ref is None
    assert "without a ref" in errors("retracted", "ref: ~, ")[0]


def test_the_claim_findings_are_those_the_checks_raise_without_a_reference(
    every_code_result: AuditResult,
) -> None:
    by_scope = {
        (finding.code, finding.reference is None)
        for finding in every_code_result.findings
        if finding.code not in (FindingCode.ACKNOWLEDGED, FindingCode.ACKNOWLEDGEMENT_EXPIRED)
    }
    assert {code for code, unreferenced in by_scope if unreferenced} == CLAIM_FINDINGS
    assert not {code for code, unreferenced in by_scope if not unreferenced} & CLAIM_FINDINGS


@pytest.mark.parametrize(
    ("ack", "where"),
    [
        ("{finding: retracted, reason: reviewed}", ":9:9: claims[0].acknowledge[0]:"),
        (
            "{finding: unsupported-claim, ref: R1, reason: x}",
            ":9:43: claims[0].acknowledge[0].ref:",
        ),
    ],
)
def test_audit_refuses_a_wrongly_scoped_acknowledgement_with_exit_2(
    tmp_path: Path, ack: str, where: str
) -> None:
    body = _MAP.format(code="x", ref="").replace("{finding: x, reason: reviewed}", ack)
    path = write_map(tmp_path, dedent(body))
    result = run("audit", path, "--offline", "-q")
    assert result.exit_code == 2, result.stderr
    assert f"{path}{where}" in result.stderr


_TWO_REFS = """\
claimcheck: 1
references:
  GOOD: {doi: 10.5555/good}
  WAK: {doi: 10.5555/retracted}
claims:
  - id: C1
    text: A claim.
    cites: [GOOD]
    acknowledge:
      - {finding: FINDING, ref: WAK, reason: reviewed}
"""


def test_an_acknowledgement_of_a_reference_its_claim_does_not_cite_is_refused() -> None:
    # WAK is cited by no claim, so C1's acknowledgement would have hidden its retraction from
    # the gate for everyone; of a reference another claim cites, it would match nothing.
    for body in (_TWO_REFS, _TWO_REFS + "  - {id: C2, text: Another., cites: [WAK]}\n"):
        with pytest.raises(ClaimMapError) as raised:
            parse_claim_map(body.replace("FINDING", "retracted"), "map.yaml")
        assert [str(error) for error in raised.value.errors] == [
            "map.yaml:10:35: claims[0].acknowledge[0].ref: claim C1 acknowledges 'retracted' on"
            " WAK, which it does not cite; an acknowledgement speaks for its own claim: put it"
            " on a claim that cites WAK"
        ]


def test_unused_reference_is_acknowledged_from_any_claim() -> None:
    # No claim cites an unused reference, so no acknowledgement of it could come from one.
    claim_map = parse_claim_map(_TWO_REFS.replace("FINDING", "unused-reference"), "map.yaml")
    (ack,) = claim_map.claims[0].acknowledge
    assert (ack.finding, ack.ref) == (FindingCode.UNUSED_REFERENCE, "WAK")
