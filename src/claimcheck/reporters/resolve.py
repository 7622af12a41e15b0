"""Output of `claimcheck resolve`: JSON, or a Rich panel and table. Pure."""

from __future__ import annotations

import io
from typing import Any

from claimcheck.models import LookupStatus
from claimcheck.reporters.json_report import dumps, update_entry
from claimcheck.reporters.table import safe, string_console
from claimcheck.resolve import Resolution

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
    updates = []
    for event in resolution.updates:
        entry = update_entry(event)
        entry["title"] = event.title or None
        updates.append(entry)
    return {
        "schema": RESOLVE_SCHEMA,
        "doi": lookup.doi,
        "status": "unverified" if lookup.status is LookupStatus.FAILED else lookup.status.value,
        "agency": lookup.agency or ("crossref" if work else None),
        "error": lookup.error,
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
        table = Table(title="Update events", title_justify="left")
        for column in ("Type", "Direction", "DOI", "Date", "Sources", "Title"):
            table.add_column(column, overflow="fold")
        for u in doc["updates"]:
            table.add_row(
                *(Text(safe(str(u[k] or ""))) for k in ("type", "direction", "doi", "date")),
                Text(", ".join(u["sources"])),
                Text(safe(u["title"] or "")),
            )
        console.print(table)
    elif doc["registry"]:
        console.print(Text("No update events (no retraction, correction or concern listed)."))
    return buffer.getvalue()
