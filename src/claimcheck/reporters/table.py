"""`--format table`: the Rich audit tables. Pure: renders to a string.

Registry data is shown as plain `Text`, never parsed as Rich markup, and control, bidi and
invisible formatting characters are made visible (`sanitize`), so a hostile title cannot
restyle the terminal, reorder a line or hide a word.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from claimcheck.model.findings import Finding, Severity
from claimcheck.model.results import (
    AuditResult,
    ClaimStatus,
    MapResult,
    ReferenceResult,
    ReferenceStatus,
)
from claimcheck.model.sanitize import visible
from claimcheck.reporters.words import counted

STATUS_STYLE = {
    ReferenceStatus.OK.value: "green",
    ReferenceStatus.INFO.value: "cyan",
    ReferenceStatus.WARNING.value: "yellow",
    ReferenceStatus.ERROR.value: "bold red",
    ReferenceStatus.UNVERIFIED.value: "bold magenta",
    ClaimStatus.SUPPORTED.value: "green",
    ClaimStatus.WEAKENED.value: "yellow",
    ClaimStatus.UNSUPPORTED.value: "bold red",
    ClaimStatus.UNCITED.value: "yellow",
}
SEVERITY_STYLE = {Severity.INFO: "cyan", Severity.WARNING: "yellow", Severity.ERROR: "red"}
CLAIM_TEXT_CELLS = 28


def safe(text: str) -> str:
    """`text` for a table cell: unsafe characters shown as `\\uXXXX`, except the line break,
    which Rich keeps inside the cell."""
    return visible(text, keep="\n")


def string_console(buffer: io.StringIO, width: int, color: bool) -> Console:
    """A console that renders into `buffer`, with colour only when asked, and never reads
    markup or emoji codes out of the data it prints."""
    return Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )


def render(result: AuditResult, *, width: int = 120, color: bool = False) -> str:
    buffer = io.StringIO()
    console = string_console(buffer, width, color)
    for part in result.maps:
        console.print(_heading(part, result))
        console.print(references_table(part))
        console.print(claims_table(part))
    console.print(summary_line(result))
    return buffer.getvalue()


def _heading(part: MapResult, result: AuditResult) -> Text:
    cm = part.claim_map
    title = cm.article.title if cm.article and cm.article.title else ""
    heading = Text(f"claimcheck audit of {safe(cm.path)}", style="bold")
    if title:
        heading.append(f"  {safe(title)}")
    heading.append(f"\nsource: {result.source.mode} ({safe(result.source.crossref)})", style="dim")
    for other in result.source.others:
        heading.append(f"\nalso: {safe(other.describe())}", style="dim")
    return heading


def _status(value: str) -> Text:
    return Text(value, style=STATUS_STYLE.get(value, ""))


def _findings_cell(findings: list[Finding]) -> Text:
    cell = Text()
    for index, finding in enumerate(findings):
        if index:
            cell.append("\n")
        cell.append(finding.code.value, style=SEVERITY_STYLE[finding.severity])
        claim = f" [{safe(finding.claim)}]" if finding.claim else ""
        cell.append(f"{claim} {safe(finding.message)}")
    return cell


def references_table(result: MapResult) -> Table:
    table = Table(title="References", title_justify="left", expand=True, show_lines=False)
    table.add_column("Ref", no_wrap=True)
    table.add_column("DOI", overflow="fold", max_width=34)
    table.add_column("Status", no_wrap=True)
    table.add_column("Findings", ratio=1, overflow="fold")
    # Grouped once, in their order: a scan of every finding per row is quadratic.
    by_reference: dict[str | None, list[Finding]] = {}
    for finding in result.findings:
        by_reference.setdefault(finding.reference, []).append(finding)
    for ref in result.references:
        table.add_row(
            Text(safe(ref.reference.id)),
            Text(safe(_doi(ref))),
            _status(ref.status.value),
            _findings_cell(by_reference.get(ref.reference.id, [])),
        )
    return table


def _doi(ref: ReferenceResult) -> str:
    return ref.reference.doi or ref.reference.doi_input or "—"


def claims_table(result: MapResult) -> Table:
    table = Table(title="Claims", title_justify="left", expand=True)
    table.add_column("Claim", no_wrap=True)
    # Rich measures East Asian wide characters as two cells, so CJK text lines up.
    table.add_column(
        "Text", no_wrap=True, overflow="ellipsis", max_width=CLAIM_TEXT_CELLS, min_width=12
    )
    table.add_column("Status", no_wrap=True)
    table.add_column("Why", ratio=1, overflow="fold")
    for claim in result.claims:
        text = " ".join(claim.claim.text.split())
        table.add_row(
            Text(safe(claim.claim.id)),
            Text(safe(text), no_wrap=True, overflow="ellipsis"),
            _status(claim.status.value),
            Text(safe(claim.reason)),
        )
    return table


def summary_line(result: AuditResult) -> Text:
    findings = result.findings  # a property that sorts every finding: read it once
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    unverified = sum(1 for r in result.references if r.status is ReferenceStatus.UNVERIFIED)
    line = Text()
    line.append(counted(counts[Severity.ERROR], "error"), style=SEVERITY_STYLE[Severity.ERROR])
    line.append(", ")
    line.append(
        counted(counts[Severity.WARNING], "warning"), style=SEVERITY_STYLE[Severity.WARNING]
    )
    line.append(", ")
    line.append(counted(counts[Severity.INFO], "info"), style=SEVERITY_STYLE[Severity.INFO])
    line.append(f", {unverified} unverified; exit code {result.exit_code}")
    return line
