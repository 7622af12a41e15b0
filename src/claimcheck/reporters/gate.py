"""The gate's verdict in one sentence, for stderr and the Markdown report, and where each
finding stands with the gate, for the formats whose levels a CI system acts on. Pure."""

from __future__ import annotations

from claimcheck.model.errors import ExitCode
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.results import AuditResult, GatePolicy

# Where a finding stands with the gate, most pressing first.
FAILS_GATE = 0  # it fails the gate (exit 1)
BLOCKS = 1  # an `unverified` that makes the run incomplete (exit 3)
REPORTED = 2  # reported only: the run passes or fails without it


def standing(finding: Finding, policy: GatePolicy) -> int:
    """FAILS_GATE, BLOCKS or REPORTED, as the exit code judges the finding
    (checks/pipeline.py gate_exit_code)."""
    if policy.fails(finding):
        return FAILS_GATE
    if finding.code is FindingCode.UNVERIFIED and not policy.allow_incomplete:
        return BLOCKS
    return REPORTED


def gate_level(finding: Finding, policy: GatePolicy) -> Severity:
    """The level a CI annotation (a SARIF result, a workflow command) gives `finding`: ERROR
    exactly when it fails the run, whatever its severity; otherwise WARNING for a warning or
    an error the gate lets pass, INFO for an info. Code scanning fails a pull request's check
    on an `error` alert (by default), and an `::error` annotation reads as a failure, so an
    error level that the exit code does not back would fail a gate that passed; and a
    finding named in `--fail-on` must not show as a mere note."""
    if standing(finding, policy) != REPORTED:
        return Severity.ERROR
    return Severity.INFO if finding.severity is Severity.INFO else Severity.WARNING


def gate_sentence(result: AuditResult) -> str:
    """One sentence saying why the gate passed or failed."""
    policy = result.policy
    rule = f"--fail-on {policy.describe()}"
    failing = [f for f in result.findings if policy.fails(f)]
    # References, not findings: one failed lookup of a DOI two references cite is two
    # unverified references, and a reference is counted once whatever its findings.
    unverified = {
        (f.file, f.reference) for f in result.findings if f.code is FindingCode.UNVERIFIED
    }
    if result.exit_code == ExitCode.GATE_FAILED:
        codes = ", ".join(sorted({f.code.value for f in failing}))
        return f"gate failed (exit 1): {len(failing)} finding(s) match {rule} ({codes})."
    if result.exit_code == ExitCode.INCOMPLETE:
        # `unverified` named in --fail-on refuses --allow-incomplete: never advise it then.
        advice = (
            ""
            if FindingCode.UNVERIFIED in policy.codes
            else " Use --allow-incomplete to pass anyway."
        )
        return (
            f"incomplete (exit 3): {len(unverified)} reference(s) unverified, since a lookup or "
            f"search failed; no other finding matches {rule}.{advice}"
        )
    allowed = (
        f"; {len(unverified)} unverified reference(s) allowed by --allow-incomplete"
        if unverified
        else ""
    )
    return f"gate passed (exit 0): nothing matches {rule}{allowed}."
