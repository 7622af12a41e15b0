"""Output of `claimcheck resolve`: JSON, or a Rich panel and table. Pure."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from claimcheck.model.events import (
    CONTRADICTORY,
    NOTICE_VERDICTS,
    UpdateDirection,
    UpdateEvent,
    Verdict,
    retracted_as,
)
from claimcheck.model.record import LookupStatus
from claimcheck.model.resolution import Resolution
from claimcheck.reporters.json_entries import update_entry
from claimcheck.reporters.json_report import dumps
from claimcheck.reporters.table import (
    PROSE_MIN_CELLS,
    frame_cells,
    longest_word,
    safe,
    string_console,
)

if TYPE_CHECKING:
    from rich.table import Table

_WORDS = {
    Verdict.RETRACTED: "retracted",
    Verdict.RETRACTION_NOTICE: "retraction notice of",
    Verdict.EXPRESSION_OF_CONCERN: "expression of concern",
    Verdict.CONCERN_NOTICE: "expression-of-concern notice of",
    Verdict.UNCLEAR: "linked to an update, but which record is the notice is unclear",
    Verdict.CORRECTED: "corrected",
    Verdict.CORRECTION_NOTICE: "correction notice of",
    Verdict.REINSTATED: "reinstated after a retraction",
    Verdict.CLEAN: "clean: no retraction, concern or correction listed",
    Verdict.UNVERIFIED: "could not check",
}
_NOTICE_KINDS = {verdict: kind for kind, verdict in NOTICE_VERDICTS.items()}


def _event_text(event: UpdateEvent) -> str:
    own = event.direction is UpdateDirection.IN_PLACE or event.basis == CONTRADICTORY
    where = "in place" if own else event.doi
    title = f' "{event.title[:80]}"' if event.title else ""
    # Where the sources type it differently, each with its type, as the audit's findings
    # say it: 10.1016/j.apsusc.2007.01.131's notice is the publisher's erratum and Retraction
    # Watch's retraction, so "publisher + retraction-watch" would credit the publisher with a
    # retraction it never typed.
    credit = " + ".join(event.sources)
    if event.source_types:
        credit = ", ".join(
            f"{source}: {kind.replace('_', ' ')}" for source, kind in event.source_types
        )
    return f"{where} ({event.date or 'undated'}, {credit}){title}"


def verdict_text(resolution: Resolution) -> str:
    """One line: `retracted: 10.1/n (2010-08-15, publisher)`, `retraction notice of 10.1/o
    "Title"`, `clean: …`."""
    status = resolution.editorial
    if resolution.lookup.status is LookupStatus.FAILED and status is None:
        return _WORDS[Verdict.UNVERIFIED]
    if status is None:
        return _no_status_text(resolution)
    words = _WORDS[status.verdict]
    title = "the title of DataCite's record" if status.titled_by == "datacite" else "its title"
    if status.verdict is Verdict.RETRACTED:
        if status.retractions:
            what = retracted_as(e.type for e in status.retractions)
            return f"{what}: " + "; ".join(_event_text(e) for e in status.retractions)
        if status.marked_title:
            return (
                f"{words}: marked so by another of its titles, "
                f"{status.marked_title[:80]!r}; no notice registered"
            )
        return f"{words}: marked so by {title}; no notice registered"
    if status.verdict in _NOTICE_KINDS:
        kind = _NOTICE_KINDS[status.verdict]
        events = [e for e in status.notice_of if e.kind is kind]
        if not events:
            return f"{words} an unnamed work: {title} reads as a notice, but it is linked to none"
        return f"{words} " + "; ".join(_event_text(e) for e in events)
    chosen = {
        Verdict.EXPRESSION_OF_CONCERN: status.concerns,
        Verdict.CORRECTED: status.corrections,
        Verdict.REINSTATED: status.reinstatements,
        Verdict.UNCLEAR: status.unclear,
    }.get(status.verdict, ())
    if status.verdict is Verdict.UNCLEAR and any(e.basis == CONTRADICTORY for e in chosen):
        return _contradictory_text(chosen)
    if chosen:
        return f"{words}: " + "; ".join(_event_text(e) for e in chosen)
    if status.verdict is Verdict.UNCLEAR and status.titles_disagree:
        titles = "; ".join(repr(title[:80]) for title in status.titles_disagree)
        return f"unclear: its titles carry markers that disagree ({titles})"
    if status.verdict is Verdict.UNVERIFIED:
        return f"{words}: " + "; ".join(f"{d} ({why})" for d, why in status.unreadable)
    return words


def _contradictory_text(events: tuple[UpdateEvent, ...]) -> str:
    """The in-place entries of 10.33552/ojdoh.2018.01.000503's kind (checks/in_place.py)."""
    kinds = ", ".join(sorted({e.kind.value.replace("_", " ") for e in events}))
    return (
        f"unclear: its own updates contradict one another ({kinds}) with no title marker or "
        "Retraction Watch entry behind them: " + "; ".join(_event_text(e) for e in events)
    )


def _no_status_text(resolution: Resolution) -> str:
    """Why there is no verdict: as in an audit, whose `verdict` is null for the same DOI."""
    lookup = resolution.lookup
    problem = resolution.datacite_problem
    if problem is not None:
        return f"{_WORDS[Verdict.UNVERIFIED]}: {problem}"
    if lookup.status is LookupStatus.OTHER_AGENCY and lookup.agency == "datacite":
        # DataCite's record was read (datacite_problem above covers one that was not).
        return (
            "registered with DataCite, not Crossref: its record's title marks nothing, and "
            "DataCite has no retraction field, so no editorial status"
        )
    return "no Crossref record, so no editorial status"


RESOLVE_SCHEMA = "claimcheck.resolve/1"


def document(resolution: Resolution) -> dict[str, Any]:
    lookup = resolution.lookup
    work = lookup.work
    registry = None
    if work is not None:
        registry = {
            "title": work.title,
            "authors": [a.display for a in work.authors],
            "year": work.year,
            "journal": work.journal,
            "volume": work.volume,
            "issue": work.issue,
            "page": work.page or work.article_number,
            "publisher": work.publisher,
            "type": work.type,
        }
    updates = [update_entry(event) for event in resolution.updates]
    status = resolution.editorial
    return {
        "schema": RESOLVE_SCHEMA,
        "doi": lookup.doi,
        "status": "unverified" if lookup.status is LookupStatus.FAILED else lookup.status.value,
        "agency": lookup.agency or ("crossref" if work else None),
        "error": lookup.error or resolution.datacite_problem,
        "verdict": status.verdict.value if status else None,
        "verdict_text": verdict_text(resolution),
        "registry": registry,
        "updates": updates,
    }


def render_json(resolution: Resolution) -> str:
    return dumps(document(resolution))


def render_table(resolution: Resolution, *, width: int = 100, color: bool = False) -> str:
    from rich.table import Table
    from rich.text import Text

    doc = document(resolution)
    buffer = io.StringIO()
    console = string_console(buffer, width, color)
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column(overflow="fold")
    fields.add_row("DOI", Text(safe(doc["doi"])))
    fields.add_row("Status", Text(doc["status"]))
    fields.add_row("Verdict", Text(safe(doc["verdict_text"])))
    if doc["error"]:
        fields.add_row("Problem", Text(safe(doc["error"])))
    if doc["agency"] and doc["agency"] != "crossref":
        fields.add_row("Agency", Text(safe(doc["agency"])))
    for key, value in (doc["registry"] or {}).items():
        shown = "; ".join(value) if key == "authors" else value
        if shown not in (None, "", []):
            fields.add_row(key.capitalize(), Text(safe(str(shown))))
    console.print(fields)
    if doc["updates"]:
        console.print(_updates_table(doc["updates"], width))
    elif doc["agency"] == "datacite" and doc["registry"]:
        # DataCite lists no updates at all: "none listed" would read as a clean record.
        console.print(Text("No update events: DataCite has no retraction field to list any."))
    elif doc["registry"]:
        console.print(Text("No update events (no retraction, correction or concern listed)."))
    return buffer.getvalue()


_UPDATE_COLUMNS = ("Type", "Direction", "DOI", "Date", "Sources")


def _updates_table(updates: list[dict[str, Any]], width: int) -> Table:
    """One row per update event, in `width` cells. Its DOI is never broken across lines while
    the width allows it: a column each when they fit beside a readable title column, else
    the event's words stacked in one column and its DOI over its title in the other."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    rows = [
        (
            *(safe(str(u[k] or "")) for k in ("type", "direction", "doi", "date")),
            safe(", ".join(u["sources"])),
            safe(u["title"] or ""),
        )
        for u in updates
    ]
    cells = [
        max(cell_len(h), *(cell_len(r[i]) for r in rows)) for i, h in enumerate(_UPDATE_COLUMNS)
    ]
    title = max(longest_word(r[5] for r in rows), PROSE_MIN_CELLS)
    table = Table(title="Update events", title_justify="left")
    if sum(cells) + title + frame_cells(6) <= width:
        for column, fixed in zip(_UPDATE_COLUMNS, cells, strict=True):
            # Each as wide as its longest value, so Rich narrows only the title to fit.
            table.add_column(column, width=fixed, overflow="fold")
        table.add_column("Title", overflow="fold")
        for row in rows:
            table.add_row(*(Text(value) for value in row))
        return table
    table.add_column("Update", overflow="fold")
    table.add_column("DOI and title", overflow="fold")
    for kind, direction, doi, date, sources, title_text in rows:
        event = "\n".join(v for v in (kind, direction, date, sources) if v)
        table.add_row(Text(event), Text("\n".join(v for v in (doi, title_text) if v)))
    return table
