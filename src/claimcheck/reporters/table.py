"""`--format table`: the Rich audit tables. Pure: renders to a string of the width it is given.

Registry data is shown as plain `Text`, never parsed as Rich markup, and control, bidi and
invisible formatting characters are made visible (`sanitize`), so a hostile title cannot
restyle the terminal, reorder a line or hide a word.

A DOI is never broken across lines while the width allows it: one copied from the table
must resolve. So columns are sized from what they hold, and where a DOI column does not fit
beside a findings column wide enough for the DOIs its messages quote (80 columns, often),
the two become one column: the DOI on its own line, then the findings. Under each DOI is one
line of the reference as the article printed it (`cited_label`): a reader recognises that,
where the map's id ("R4") means nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.cells import cell_len
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
from claimcheck.reporters.words import cited_label, counted

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
# The narrowest a column of wrapped prose (findings, titles) is made when a layout is chosen:
# narrower, a message reads a word or two per line.
PROSE_MIN_CELLS = 20
# A word longer than this (a URL, a path) may be folded: keeping it whole would leave no room
# for the other columns.
WORD_MAX_CELLS = 60
# Under each DOI, one line of the reference as cited, cut to the DOI column: at least this
# wide, and up to a quarter of the table on a wide terminal. Enough to recognise it by.
CITED_MIN_CELLS = 30


def safe(text: str) -> str:
    """`text` for a table cell: unsafe characters shown as `\\uXXXX`, except the line break,
    which Rich keeps inside the cell."""
    return visible(text, keep="\n")


RENDER_HEIGHT = 25  # lines; unused by a table, see string_console


def string_console(buffer: io.StringIO, width: int, color: bool) -> Console:
    """A console that renders into `buffer`, with colour only when asked, and never reads
    markup or emoji codes out of the data it prints."""
    return Console(
        file=buffer,
        # Both width and height given: Rich then never reads COLUMNS or LINES itself, where a
        # value of thousands of digits raises (int() refuses it). A table ignores the height.
        width=width,
        height=RENDER_HEIGHT,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )


def frame_cells(columns: int) -> int:
    """The cells a Rich table with the default box and padding takes besides its columns'
    content: a rule before each column and after the last, and a space each side of a cell."""
    return columns + 1 + 2 * columns


def longest_word(texts: Iterable[str]) -> int:
    """The cells of the longest run without a space: what Rich cannot wrap, only fold."""
    return min(
        max((cell_len(word) for text in texts for word in text.split()), default=0),
        WORD_MAX_CELLS,
    )


def render(result: AuditResult, *, width: int = 120, color: bool = False) -> str:
    buffer = io.StringIO()
    console = string_console(buffer, width, color)
    for part in result.maps:
        console.print(_heading(part, result))
        console.print(references_table(part, width))
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


def references_table(result: MapResult, width: int = 120) -> Table:
    """References with their DOI, status and findings, in `width` cells."""
    # Grouped once, in their order: a scan of every finding per row is quadratic.
    by_reference: dict[str | None, list[Finding]] = {}
    for finding in result.findings:
        by_reference.setdefault(finding.reference, []).append(finding)
    rows = [
        (
            Text(safe(ref.reference.id)),
            Text(safe(_doi(ref))),
            safe(cited_label(ref.reference)),
            _status(ref.status.value),
            _findings_cell(by_reference.get(ref.reference.id, [])),
        )
        for ref in result.references
    ]
    cited = _widest((row[2] for row in rows), 0)
    doi_heading = "DOI, cited as" if cited else "DOI"
    # Each column at least as wide as its heading.
    ids = _widest((row[0].plain for row in rows), 3)
    dois = _widest((row[1].plain for row in rows), len(doi_heading))
    dois = max(dois, min(cited, max(CITED_MIN_CELLS, width // 4)))
    statuses = _widest((row[3].plain for row in rows), 6)
    findings = max(longest_word(row[4].plain for row in rows), PROSE_MIN_CELLS)
    table = Table(title="References", title_justify="left", expand=True, show_lines=False)
    table.add_column("Ref", no_wrap=True)
    if ids + dois + statuses + findings + frame_cells(4) <= width:
        # As wide as the longest DOI: fixed, so Rich never narrows it to make room.
        table.add_column(doi_heading, width=dois, overflow="fold")
        table.add_column("Status", no_wrap=True)
        table.add_column("Findings", ratio=1, overflow="fold")
        for ref_id, doi, label, status, cell in rows:
            table.add_row(ref_id, _with_label(doi, label, dois), status, cell)
        return table
    # The one wide column: the DOI, the citation and the findings, each from a new line.
    wide = max(width - frame_cells(3) - ids - statuses, PROSE_MIN_CELLS)
    table.add_column("Status", no_wrap=True)
    table.add_column(f"{doi_heading}, findings", ratio=1, overflow="fold")
    for ref_id, doi, label, status, cell in rows:
        parts = [_with_label(doi, label, wide), *([cell] if cell else [])]
        table.add_row(ref_id, status, Text("\n").join(parts))
    return table


def _widest(texts: Iterable[str], at_least: int) -> int:
    return max([at_least, *(cell_len(text) for text in texts)])


def _with_label(doi: Text, label: str, cells: int) -> Text:
    """The DOI, and under it, dimmed, one line of the reference as cited, cut to `cells`."""
    if not label:
        return doi
    line = Text(label, style="dim")
    line.truncate(cells, overflow="ellipsis")
    return Text.assemble(doi, "\n", line)


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
