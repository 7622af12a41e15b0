"""The gate's verdict in one sentence, for stderr and the Markdown report. Pure."""

from __future__ import annotations

from claimcheck.model.errors import ExitCode
from claimcheck.model.findings import FindingCode
from claimcheck.model.results import AuditResult


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
        return (
            f"incomplete (exit 3): {len(unverified)} reference(s) unverified, since a lookup or "
            f"search failed; no other finding matches {rule}. Use --allow-incomplete to pass "
            "anyway."
        )
    allowed = (
        f"; {len(unverified)} unverified reference(s) allowed by --allow-incomplete"
        if unverified
        else ""
    )
    return f"gate passed (exit 0): nothing matches {rule}{allowed}."
