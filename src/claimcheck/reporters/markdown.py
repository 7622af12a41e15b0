"""`--format markdown`: the audit as GitHub-flavoured Markdown, for a pull-request comment or
`$GITHUB_STEP_SUMMARY`. Pure: the same result renders the same bytes.

Only the structure is ours (heading, tables, `<details>`). Every piece of text, from the data
or not, goes through `md_escape`, which makes it inert: newlines collapse to spaces, control,
bidi and invisible formatting characters become visible `\\uXXXX` escapes, and every ASCII
punctuation character is backslash-escaped. CommonMark lets any ASCII punctuation be escaped,
so no HTML, entity, link, image, emphasis, code span, strikethrough, math or table pipe can
start inside data, and GFM autolinks (`https:`, `www.`, `a@b.c`) are broken because their
`:`, `.` and `@` are escaped. Data never goes inside a code span, where escapes do not work.
GitHub's own filters that run on the rendered text (@mentions, #123 references, :emoji:) are
out of reach of any Markdown escape.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimcheck.model.errors import ExitCode
from claimcheck.model.findings import Finding, Severity
from claimcheck.model.location import Location
from claimcheck.model.results import AuditResult, ClaimResult, ReferenceStatus
from claimcheck.model.sanitize import visible
from claimcheck.reporters.gate import gate_sentence
from claimcheck.reporters.words import counted

COLLAPSE_CLAIMS_OVER = 20  # a longer claims table goes inside <details>
CLAIM_TEXT_CHARS = 80  # claim text beyond this is cut, with an ellipsis
FINDING_COLUMNS = ("file:line", "reference", "claim", "code", "message")
CLAIM_COLUMNS = ("file:line", "id", "claim", "status", "why")
SEVERITY_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings"}

_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")
# Every ASCII punctuation character: !"#$%&'()*+,-./ :;<=>?@ [\]^_` {|}~
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def md_escape(text: str) -> str:
    """`text` as inert Markdown inline content that renders as exactly `text` (one line, with
    control, bidi and invisible formatting characters shown as `\\uXXXX`). Safe in a table
    cell."""
    one_line = _LINE_BREAKS.sub(" ", text)
    escaped = _ASCII_PUNCTUATION.sub(r"\\\g<0>", visible(one_line))
    # GitHub links `@user` and `#123` after rendering, where escapes no longer count; a word
    # joiner (U+2060, invisible) after each keeps a registry title from pinging anyone.
    return escaped.replace("@", "@\u2060").replace("#", "#\u2060")


def render(result: AuditResult) -> str:
    blocks = [
        "## claimcheck audit",
        _header(result),
        *_findings_blocks(result.findings),
        *_claims_blocks(result),
    ]
    return "\n\n".join(blocks) + "\n"


# --- header --------------------------------------------------------------------------------


def _gate_icon(result: AuditResult) -> str:
    if result.exit_code == ExitCode.GATE_FAILED:
        return "❌"
    unverified = any(r.status is ReferenceStatus.UNVERIFIED for r in result.references)
    return "⚠️" if result.exit_code != ExitCode.OK or unverified else "✅"


def _header(result: AuditResult) -> str:
    findings = result.findings  # a property that sorts every finding: read it once
    by_severity = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    unverified = sum(1 for r in result.references if r.status is ReferenceStatus.UNVERIFIED)
    counts = " · ".join(
        [
            counted(by_severity[Severity.ERROR], "error"),
            counted(by_severity[Severity.WARNING], "warning"),
            counted(by_severity[Severity.INFO], "info"),
            f"{unverified} unverified",
            counted(len(result.references), "reference"),
            counted(len(result.claims), "claim"),
        ]
    )
    files = ", ".join(md_escape(path) for path in result.files)
    checked = result.checked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = f"{result.source.mode}, {result.source.crossref}"
    source += "".join(f"; {other.describe()}" for other in result.source.others)
    items = [
        f"**Source:** {md_escape(source)} · **checked at** {md_escape(checked)}",
        f"**Counts:** {md_escape(counts)}",
        f"**{'File' if len(result.files) == 1 else 'Files'}:** {files}",
    ]
    gate = f"{_gate_icon(result)} **{md_escape(gate_sentence(result))}**"
    return gate + "\n\n" + "\n".join(f"- {item}" for item in items)


# --- tables --------------------------------------------------------------------------------


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table. Cells must be escaped already; every row has len(columns) cells."""
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _details(summary: str, body: str) -> str:
    # The blank lines after <summary> and before </details> end the HTML blocks, so the
    # Markdown between them is parsed as Markdown.
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"


def _where(file: str, location: Location | None) -> str:
    return md_escape(f"{file}:{location.line}" if location else file)


def _finding_row(finding: Finding) -> list[str]:
    return [
        _where(finding.file, finding.location),
        md_escape(finding.reference) if finding.reference else "—",
        md_escape(finding.claim) if finding.claim else "—",
        f"`{finding.code.value}`",  # our own enum value, so safe inside a code span
        md_escape(finding.message),
    ]


def _findings_blocks(findings: Sequence[Finding]) -> list[str]:
    if not findings:
        return ["No findings."]
    blocks = []
    for severity in (Severity.ERROR, Severity.WARNING):
        group = [f for f in findings if f.severity is severity]
        if group:
            title = f"### {SEVERITY_HEADING[severity]} ({len(group)})"
            blocks.append(
                title + "\n\n" + _table(FINDING_COLUMNS, [_finding_row(f) for f in group])
            )
    infos = [f for f in findings if f.severity is Severity.INFO]
    if infos:
        table = _table(FINDING_COLUMNS, [_finding_row(f) for f in infos])
        summary = "1 info finding" if len(infos) == 1 else f"{len(infos)} info findings"
        blocks.append(_details(summary, table))
    return blocks


def _claim_text(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > CLAIM_TEXT_CHARS:
        one_line = one_line[: CLAIM_TEXT_CHARS - 1].rstrip() + "…"
    return md_escape(one_line)


def _claim_row(claim: ClaimResult, file: str) -> list[str]:
    return [
        _where(file, claim.claim.location),
        md_escape(claim.claim.id),
        _claim_text(claim.claim.text),
        md_escape(claim.status.value),
        md_escape(claim.reason),
    ]


def _claims_blocks(result: AuditResult) -> list[str]:
    rows = [_claim_row(c, m.claim_map.path) for m in result.maps for c in m.claims]
    if not rows:
        return []
    table = _table(CLAIM_COLUMNS, rows)
    heading = f"### Claims ({len(rows)})"
    if len(rows) > COLLAPSE_CLAIMS_OVER:
        return [heading, _details(counted(len(rows), "claim"), table)]
    return [heading + "\n\n" + table]
