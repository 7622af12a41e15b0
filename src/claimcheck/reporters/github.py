"""`--format github`: GitHub Actions workflow commands, a summary line with the gate's verdict,
then one annotation per finding at its place in the claim map. Pure: the same result renders
the same lines.

Printed on stdout inside a workflow step, each line becomes an annotation on the pull request:
`::error file=claims/x.yaml,line=12,col=5,title=claimcheck retracted%3A R4::R4 was retracted…`.
The kind follows the gate, not the severity (reporters/gate.py gate_level): `::error` exactly
for what fails the run (a finding the gate fails on, or a failed lookup when incomplete runs
are not allowed), `::warning` for any other error or warning, `::notice` for an info. A
finding's severity is still in the summary's counts.

GitHub shows only the first 10 error, 10 warning and 10 notice annotations of a step, and 50
of a job (actions/toolkit, docs/problem-matchers.md, "Limitations"); the rest stay in the log
only. So the order is what decides what a reviewer sees: the summary with the gate's verdict
comes first, then the findings that fail the gate, then the failed lookups that make the run
incomplete, then the rest; each group in the report's own order (most severe first, then as
the claim map lists them), so the same result prints the same lines.

The runner reads a command from any line that starts with `::`, so data must never start a
line or end a property. Every text is first made visible (`sanitize`: controls, bidi and
invisible characters as `\\uXXXX`), then escaped as GitHub's toolkit does: `%`, CR and LF as
`%25`, `%0D` and `%0A` everywhere, and in a property also `:` and `,` as `%3A` and `%2C`. So a
title with a line break and `::error::` in it stays inside its own annotation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from claimcheck.model.errors import ExitCode
from claimcheck.model.findings import Finding, Severity
from claimcheck.model.results import AuditResult, GatePolicy
from claimcheck.model.sanitize import visible
from claimcheck.reporters.gate import gate_level, gate_sentence, standing
from claimcheck.reporters.words import Labels, cited_labels, cited_suffix, counted

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))  # `%` first: it starts the others
_PROPERTY_ESCAPES = (*_DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    # CR and LF are kept by `visible` so that they become GitHub's own %0D and %0A, which an
    # annotation shows as a line break; every other control is made visible.
    text = visible(text, keep="\r\n")
    for raw, escape in escapes:
        text = text.replace(raw, escape)
    return text


def escape_data(text: str) -> str:
    """`text` as a workflow command's message."""
    return _escaped(text, _DATA_ESCAPES)


def escape_property(text: str) -> str:
    """`text` as the value of a workflow command's property (file, title)."""
    return _escaped(text, _PROPERTY_ESCAPES)


def command(name: str, message: str, properties: Mapping[str, str | int] | None = None) -> str:
    """One workflow command line: `::name key=value,…::message`."""
    pairs = ",".join(f"{key}={escape_property(str(v))}" for key, v in (properties or {}).items())
    return f"::{name}{' ' + pairs if pairs else ''}::{escape_data(message)}"


def annotation(finding: Finding, labels: Labels, policy: GatePolicy) -> str:
    """The finding as an annotation at its place in the claim map (the map itself when it
    has no line), titled with its code and what it is about; an error only if it fails the
    run."""
    properties: dict[str, str | int] = {}
    if finding.file:
        properties["file"] = finding.file
        if finding.location is not None:
            properties["line"] = finding.location.line
            properties["col"] = finding.location.column
    subject = finding.reference or finding.claim
    properties["title"] = f"claimcheck {finding.code.value}" + (f": {subject}" if subject else "")
    message = finding.message + cited_suffix(finding, labels)
    return command(COMMAND[gate_level(finding, policy)], message, properties)


def summary(result: AuditResult, findings: tuple[Finding, ...]) -> str:
    """The first line: the counts and the gate's verdict; an error when the run fails the job
    (the gate failed, or a lookup did and incomplete runs are not allowed)."""
    counts = ", ".join(
        counted(sum(1 for f in findings if f.severity is s), s.value) for s in COMMAND
    )
    name = "notice" if result.exit_code == ExitCode.OK else "error"
    return command(name, f"claimcheck: {counts}; {gate_sentence(result)}")


def by_standing(findings: tuple[Finding, ...], policy: GatePolicy) -> list[Finding]:
    """What fails the gate, then what makes the run incomplete, then the rest: GitHub shows
    only the first 10 annotations of each kind, so those that decide the run must come
    first. The sort is stable: each group keeps the report's order."""
    return sorted(findings, key=lambda finding: standing(finding, policy))


def chunks(result: AuditResult) -> Iterator[str]:
    """The commands, one line each, made as they are written: the verdict first."""
    findings = result.findings  # a property that sorts every finding: read it once
    labels = cited_labels(result)
    yield summary(result, findings) + "\n"
    for finding in by_standing(findings, result.policy):
        yield annotation(finding, labels, result.policy) + "\n"


def render(result: AuditResult) -> str:
    return "".join(chunks(result))
