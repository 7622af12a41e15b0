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

A comment (or a step summary pasted into one) holds at most 65,536 characters. A longer report
keeps its header and as many rows as fit, errors first, then warnings, claims and infos, and
says how many it left out and where they all are. It is cut between blocks and rows only, so
every table and `<details>` stays whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimcheck.model.errors import ExitCode
from claimcheck.model.findings import Finding, Severity
from claimcheck.model.location import Location
from claimcheck.model.results import AuditResult, ClaimResult, ReferenceStatus
from claimcheck.model.sanitize import visible
from claimcheck.reporters.gate import gate_sentence
from claimcheck.reporters.words import Labels, cited_labels, counted, shortened

COLLAPSE_CLAIMS_OVER = 20  # a longer claims table goes inside <details>
CLAIM_TEXT_CHARS = 80  # claim text beyond this is cut, with an ellipsis
CITED_CELL_CHARS = 60  # a reference as printed, beside its id in a findings row
GITHUB_LIMIT = 65_536  # the most characters a GitHub comment body may hold
TITLE = "## claimcheck audit"
FILES_CHARS = 2_000  # a cut report names more files than this only by their number
FINDING_COLUMNS = ("file:line", "reference", "claim", "code", "message")
CLAIM_COLUMNS = ("file:line", "id", "claim", "status", "why")
SEVERITY_HEADING = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings"}

_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]+")
# Every ASCII punctuation character: !"#$%&'()*+,-./ :;<=>?@ [\]^_` {|}~
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_LINKABLE_SIGN = re.compile(r"@(?=[A-Za-z0-9])|#(?=[0-9])")


def md_escape(text: str) -> str:
    """`text` as inert Markdown inline content that renders as exactly `text` (one line, with
    control, bidi and invisible formatting characters shown as `\\uXXXX`). Safe in a table
    cell."""
    one_line = _LINE_BREAKS.sub(" ", text)
    escaped = _ASCII_PUNCTUATION.sub(r"\\\g<0>", visible(one_line))
    # GitHub links `@user` and `#123` after rendering, where escapes no longer count; a word
    # joiner (U+2060, invisible) between the sign and the name or number keeps a registry
    # title from pinging anyone. Only there: elsewhere (`C#`, `notes#draft`, `a@`) it would
    # only make a path or DOI copied from the report differ from the real one.
    return _LINKABLE_SIGN.sub("\\g<0>\u2060", escaped)


def render(result: AuditResult) -> str:
    head = [TITLE, _header(result)]
    parts = _parts(result)
    full = _join(head, parts, [list(p.rows) for p in parts])
    if _size(full) <= GITHUB_LIMIT:
        return full
    return _within_limit(result, parts)


def _join(head: Sequence[str], parts: Sequence[_Part], shown: Sequence[Sequence[str]]) -> str:
    blocks = list(head)
    for part, rows in zip(parts, shown, strict=True):
        if rows:  # a part none of whose rows fit is left out whole
            blocks += _part_blocks(part, rows)
    if not any(p.findings for p in parts):
        blocks.insert(len(head), "No findings.")
    return "\n\n".join(blocks) + "\n"


def _size(text: str) -> int:
    """`text`'s length in UTF-16 code units, as a browser counts it: never less than its
    number of characters, whichever of the two GitHub counts."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


# --- header --------------------------------------------------------------------------------


def _gate_icon(result: AuditResult) -> str:
    if result.exit_code == ExitCode.GATE_FAILED:
        return "❌"
    unverified = any(r.status is ReferenceStatus.UNVERIFIED for r in result.references)
    return "⚠️" if result.exit_code != ExitCode.OK or unverified else "✅"


def _header(result: AuditResult, *, brief: bool = False) -> str:
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
    if brief and len(files) > FILES_CHARS:  # a cut report has no room for a thousand paths
        files = counted(len(result.files), "claim map")
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


@dataclass(frozen=True, slots=True)
class _Part:
    """One table of the report and what stands above it: a heading, a <details> summary or
    both (the counts are added when it is rendered)."""

    heading: str | None  # "### Errors": "### Errors (13)"
    summary: str | None  # "info finding": "<details><summary>8 info findings</summary>"
    columns: tuple[str, ...]
    rows: tuple[str, ...]  # each a whole table row, escaped
    findings: bool  # its rows are findings, not claims
    priority: int  # the order in which a cut report fills its room: errors first


def _part_blocks(part: _Part, rows: Sequence[str]) -> list[str]:
    total = len(part.rows)
    cut = "" if len(rows) == total else f", {len(rows)} shown"
    table = _table(part.columns, rows)
    blocks = [f"{part.heading} ({total}{cut})"] if part.heading else []
    if part.summary:
        return [*blocks, _details(f"{counted(total, part.summary)}{cut}", table)]
    return [*blocks, table]


def _table(columns: Sequence[str], rows: Sequence[str]) -> str:
    """A GFM table. Rows are whole lines already (`_row`), each of len(columns) cells."""
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines.extend(rows)
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    """A table row. Cells must be escaped already."""
    return "| " + " | ".join(cells) + " |"


def _details(summary: str, body: str) -> str:
    # The blank lines after <summary> and before </details> end the HTML blocks, so the
    # Markdown between them is parsed as Markdown.
    return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"


def _where(file: str, location: Location | None) -> str:
    return md_escape(f"{file}:{location.line}" if location else file)


def _reference_cell(finding: Finding, labels: Labels) -> str:
    """The reference's id, and the reference as the article printed it."""
    if not finding.reference:
        return "—"
    label = labels.get((finding.file, finding.reference), "")
    cited = f" — {md_escape(shortened(label, CITED_CELL_CHARS))}" if label else ""
    return md_escape(finding.reference) + cited


def _finding_row(finding: Finding, labels: Labels) -> str:
    return _row(
        [
            _where(finding.file, finding.location),
            _reference_cell(finding, labels),
            md_escape(finding.claim) if finding.claim else "—",
            f"`{finding.code.value}`",  # our own enum value, so safe inside a code span
            md_escape(finding.message),
        ]
    )


def _parts(result: AuditResult) -> list[_Part]:
    """Errors, warnings, infos (collapsed) and claims: each table that has rows, in order."""
    findings, labels = result.findings, cited_labels(result)
    parts: list[_Part] = []
    for priority, severity in enumerate((Severity.ERROR, Severity.WARNING)):
        rows = tuple(_finding_row(f, labels) for f in findings if f.severity is severity)
        heading = f"### {SEVERITY_HEADING[severity]}"
        parts.append(_Part(heading, None, FINDING_COLUMNS, rows, True, priority))
    infos = tuple(_finding_row(f, labels) for f in findings if f.severity is Severity.INFO)
    parts.append(_Part(None, "info finding", FINDING_COLUMNS, infos, True, 3))
    claims = tuple(_claim_row(c, m.claim_map.path) for m in result.maps for c in m.claims)
    summary = "claim" if len(claims) > COLLAPSE_CLAIMS_OVER else None
    parts.append(_Part("### Claims", summary, CLAIM_COLUMNS, claims, False, 2))
    return [p for p in parts if p.rows]


def _claim_text(text: str) -> str:
    return md_escape(shortened(text, CLAIM_TEXT_CHARS))


def _claim_row(claim: ClaimResult, file: str) -> str:
    translation = claim.claim.translation
    beside = f" (translation: {_claim_text(translation)})" if translation else ""
    return _row(
        [
            _where(file, claim.claim.location),
            md_escape(claim.claim.id),
            _claim_text(claim.claim.text) + beside,
            md_escape(claim.status.value),
            md_escape(claim.reason),
        ]
    )


# --- within GitHub's limit -----------------------------------------------------------------


def _within_limit(result: AuditResult, parts: Sequence[_Part]) -> str:
    """The report cut to GITHUB_LIMIT: the header, a note of what was left out, and the rows
    that fit, given out part by part in priority order (so every error, if errors fit)."""
    head = [TITLE, _header(result, brief=True)]
    left = {True: 0, False: 0}  # rows left out: of findings, of claims
    for part in parts:
        left[part.findings] += len(part.rows)
    # The note sized with its counts at their largest (nothing shown), so the real one is
    # never longer; "No findings." counted too, though it may not be written.
    room = GITHUB_LIMIT - _size(_join([*head, _note(left[True], left[False])], [], []))
    shown: dict[int, list[str]] = {}
    for index in sorted(range(len(parts)), key=lambda i: parts[i].priority):
        shown[index], room = _fill(parts[index], room)
        left[parts[index].findings] -= len(shown[index])
    note = _note(left[True], left[False])
    return _join([*head, note] if note else head, parts, [shown[i] for i in range(len(parts))])


def _fill(part: _Part, room: int) -> tuple[list[str], int]:
    """The rows of `part` that fit in `room` characters, and the room left after them. A row
    too long to fit is skipped, not cut: a later, shorter one may still fit."""
    # The part's frame: the blank line before it, its heading and table header, with the
    # "shown" count as wide as its total.
    frame = 2 + _size("\n\n".join(_part_blocks(part, []))) + len(str(len(part.rows)))
    if frame >= room:
        return [], room
    rows, left = [], room - frame
    for row in part.rows:
        cost = _size(row) + 1  # and its line break
        if cost <= left:
            rows.append(row)
            left -= cost
    return (rows, left) if rows else ([], room)


def _note(findings: int, claims: int) -> str:
    left = [counted(n, noun) for n, noun in ((findings, "finding"), (claims, "claim")) if n]
    if not left:
        return ""
    return (
        f"⚠️ {' and '.join(left)} left out to stay within GitHub's {GITHUB_LIMIT:,}-character "
        "limit; the JSON or HTML report (`--format json`, `--format html`) has them all."
    )
