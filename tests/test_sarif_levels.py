"""SARIF result levels follow the gate, not the severity: code scanning fails a pull request's
check on an `error` alert, so `error` must mean exactly "this fails the run"."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from claimcheck.model.findings import FindingCode, Severity
from claimcheck.model.results import AuditResult, GatePolicy
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run
from tests.test_sarif import run_of, validate

RETRACTED = frozenset({FindingCode.RETRACTED})


def levels(result: AuditResult, policy: GatePolicy) -> list[tuple[str, str, str]]:
    """(ruleId, severity, level) of each result, under `policy`."""
    entries = run_of(replace(result, policy=policy))["results"]
    return [(r["ruleId"], r["properties"]["severity"], r["level"]) for r in entries]


def errors(result: AuditResult, policy: GatePolicy) -> set[str]:
    return {code for code, _severity, level in levels(result, policy) if level == "error"}


def test_only_the_codes_named_in_fail_on_are_errors(every_code_result: AuditResult) -> None:
    found = levels(every_code_result, GatePolicy(codes=RETRACTED, allow_incomplete=True))
    named = {"retracted", "cited-after-retraction"}  # a kind of `retracted`
    assert {code for code, _s, level in found if level == "error"} == named
    # A retraction under the role `discusses` is an info, yet this gate fails on it.
    assert ("retracted", "info", "error") in found
    # Every other finding passes this gate: a warning or a note, whatever its severity.
    others = {(s, lv) for c, s, lv in found if c not in named}
    assert others == {("error", "warning"), ("warning", "warning"), ("info", "note")}


def test_a_failed_lookup_is_an_error_unless_incomplete_runs_are_allowed(
    every_code_result: AuditResult,
) -> None:
    strict = GatePolicy(codes=RETRACTED)
    assert "unverified" in errors(every_code_result, strict)
    allowed = levels(every_code_result, replace(strict, allow_incomplete=True))
    assert {lv for c, _s, lv in allowed if c == "unverified"} == {"warning"}


@pytest.mark.parametrize("threshold", [Severity.WARNING, Severity.INFO])
def test_a_lower_threshold_makes_the_findings_it_fails_on_errors(
    every_code_result: AuditResult, threshold: Severity
) -> None:
    found = levels(every_code_result, GatePolicy(threshold=threshold))
    failing = [
        lv for c, s, lv in found if Severity(s).rank >= threshold.rank and c != "acknowledged"
    ]
    assert any(Severity(s) is threshold for _c, s, _lv in found)
    assert set(failing) == {"error"}
    # An acknowledgement hides its finding from a severity gate: a note.
    assert {lv for c, _s, lv in found if c == "acknowledged"} == {"note"}


def test_naming_acknowledged_makes_acknowledgements_errors(every_code_result: AuditResult) -> None:
    policy = GatePolicy(codes=frozenset({FindingCode.ACKNOWLEDGED}), allow_incomplete=True)
    assert errors(every_code_result, policy) == {"acknowledged"}


def seed_sarif(*args: str) -> tuple[int, dict[str, Any]]:
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-f", "sarif", *args)
    return result.exit_code, validate(result.stdout)["runs"][0]


def test_a_passing_gate_has_no_error_alert() -> None:
    code, sarif = seed_sarif("--fail-on", "retracted", "--allow-incomplete")
    assert code == 0
    results: list[dict[str, Any]] = sarif["results"]
    assert any(r["properties"]["severity"] == "error" for r in results)
    assert [r for r in results if r["level"] == "error"] == []


def test_a_failing_gate_marks_exactly_what_fails_it() -> None:
    code, sarif = seed_sarif("--fail-on", "warning", "--allow-incomplete")
    assert code == 1
    found = {(r["ruleId"], r["properties"]["severity"], r["level"]) for r in sarif["results"]}
    assert ("uncited-claim", "warning", "error") in found
    assert ("unverified", "error", "warning") in found  # allowed by --allow-incomplete
    assert {lv for _c, s, lv in found if s == "info"} == {"note"}
