"""Reading the Retraction Watch CSV's rows into the index's tables, counting what could not
be read, and refusing a file that is damaged rather than indexing half of it.

Python's csv module reads a stray quote (a hand-edited title, an export that did not double
it) as the start of a quoted field that runs on, over line breaks, to the next quote
character in the file: every line in between becomes part of one field. Such a row has the
wrong number of fields, or, worse, the right one with another row's cells in it. Either way
the rows it swallowed are lost, and a retraction they list is not seen: so a row that spans
several lines and cannot be read, a row whose field holds a whole row's worth of commas
across a line break, or a last line cut short is a damaged file, refused with its line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.sources.retraction_watch.rows import (
    Parsed,
    RetractionWatchError,
    RetractionWatchRecord,
    parse_row,
    read_header,
)

if TYPE_CHECKING:
    import sqlite3
    from _csv import Reader


_BATCH = 5_000  # rows per executemany, so memory stays flat whatever the file's size


_PROGRESS_EVERY = 10_000


_KEPT_LINES = 20  # the first lines of each kind kept for a warning


@dataclass(frozen=True, slots=True)
class Tally:
    """How many rows had one problem, and the first lines they start on."""

    count: int = 0
    lines: tuple[int, ...] = ()

    def add(self, line: int) -> Tally:
        kept = self.lines if len(self.lines) >= _KEPT_LINES else (*self.lines, line)
        return Tally(self.count + 1, kept)


@dataclass(frozen=True, slots=True)
class Meta:
    """What the index holds and what it could not read, stored in its `meta` table."""

    rows: int
    skipped: Tally = Tally()  # rows not indexed: see services.py for the reasons
    lost_dois: Tally = Tally()  # rows indexed, with a DOI cell piece that is no DOI
    lost_dates: Tally = Tally()  # rows indexed, with a date that could not be read

    def as_meta(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            **{name: [tally.count, list(tally.lines)] for name, tally in self._tallies()},
        }

    def _tallies(self) -> list[tuple[str, Tally]]:
        return [
            ("skipped", self.skipped),
            ("lost_dois", self.lost_dois),
            ("lost_dates", self.lost_dates),
        ]

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Meta:
        tallies = {
            name: Tally(int(meta[name][0]), tuple(int(line) for line in meta[name][1]))
            for name in ("skipped", "lost_dois", "lost_dates")
        }
        return cls(int(meta["rows"]), **tallies)


def load(
    connection: sqlite3.Connection,
    text: Iterable[str],
    csv_path: Path,
    on_progress: Callable[[int], None] | None,
) -> Meta:
    """Insert every readable row of the CSV `text`; raise RetractionWatchError, naming the
    line, if the file is damaged (see the module's docstring) or holds no row."""
    last = [""]  # the last physical line read: a cut file's ends without a line break
    reader = csv.reader(_remembering(text, last))
    columns, named, width = read_header(reader, csv_path)
    counts = _Counts()
    batch: list[RetractionWatchRecord] = []
    while True:
        start = reader.line_num + 1
        try:
            fields: list[str] | None = next(reader)
        except StopIteration:
            break
        except csv.Error:  # e.g. a field over the csv module's size limit: the reader goes
            fields = None  # on at the next line, so only this row is lost
        if fields == []:
            continue  # a blank line is no row
        parsed = parse_row(fields, columns, named, width) if fields else None
        _check_damage(
            csv_path, reader, start, fields=fields, parsed=parsed, named=named, last_line=last[0]
        )
        record = counts.take(parsed, start)
        if record is not None:
            batch.append(record)
            if len(batch) == _BATCH:
                _insert(connection, batch)
            if on_progress is not None and counts.rows % _PROGRESS_EVERY == 0:
                on_progress(counts.rows)
    _insert(connection, batch)
    if not counts.rows and not counts.skipped.count:
        raise RetractionWatchError(
            f"{csv_path}:{reader.line_num + 1}: no row after the header: the copy is cut short"
            " or emptied; download it again"
        )
    if on_progress is not None:
        on_progress(counts.rows)
    return Meta(counts.rows, counts.skipped, counts.lost_dois, counts.lost_dates)


class _Counts:
    """The Record IDs seen and the tallies, as the rows are read."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.skipped = self.lost_dois = self.lost_dates = Tally()

    @property
    def rows(self) -> int:
        return len(self.seen)

    def take(self, parsed: Parsed | None, line: int) -> RetractionWatchRecord | None:
        """Count the row starting on `line`; its record if it is to be indexed."""
        if parsed is None or parsed.record.record_id in self.seen:
            self.skipped = self.skipped.add(line)  # malformed, or a repeated Record ID
            return None
        self.seen.add(parsed.record.record_id)
        if parsed.lost_doi:
            self.lost_dois = self.lost_dois.add(line)
        if parsed.lost_date:
            self.lost_dates = self.lost_dates.add(line)
        return parsed.record


def _remembering(text: Iterable[str], last: list[str]) -> Iterator[str]:
    for line in text:
        last[0] = line
        yield line


def _check_damage(
    csv_path: Path,
    reader: Reader,
    start: int,
    *,
    fields: list[str] | None,
    parsed: Parsed | None,
    named: int,
    last_line: str,
) -> None:
    """Raise RetractionWatchError if the row just read shows the file is damaged."""
    end = reader.line_num
    where = f"{csv_path}:{start}: "
    if parsed is None and end > start:
        raise RetractionWatchError(
            f"{where}a row running over lines {start}-{end} cannot be read (a quote opened in a"
            " cell and not closed on its line?): the rows on those lines would be lost, so the"
            " file is not used; fix or download it again"
        )
    if parsed is None and not last_line.endswith(("\n", "\r")):
        raise RetractionWatchError(
            f"{where}the last row is cut short (no line break after it, and not all its"
            " fields): the copy is incomplete, so the file is not used; download it again"
        )
    if end > start and fields and any(_holds_a_row(field, named) for field in fields):
        raise RetractionWatchError(
            f"{where}a cell running over lines {start}-{end} holds whole rows (a quote opened"
            " in a cell and closed in another row?): the rows on those lines would be lost,"
            " so the file is not used; fix or download it again"
        )


def _holds_a_row(field: str, named: int) -> bool:
    """A field that runs over a line break and holds as many commas as a row has: a stray
    quote swallowed the lines up to the next quote, which happened to close it in the same
    column. A multi-line note with a row's worth of commas (19) would be refused too: a
    refusal says why and where, where a half-read file would pass the gate."""
    return ("\n" in field or "\r" in field) and field.count(",") >= named - 1


def _insert(connection: sqlite3.Connection, batch: list[RetractionWatchRecord]) -> None:
    stored = map(_to_stored, batch)
    connection.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", stored)
    for table in ("original_dois", "notice_dois"):  # literals, never caller text
        pairs = [(doi, r.record_id) for r in batch for doi in getattr(r, table)]
        connection.executemany(f"INSERT INTO {table} VALUES (?, ?)", pairs)
    batch.clear()


def _to_stored(r: RetractionWatchRecord) -> tuple[Any, ...]:
    head = (r.record_id, r.nature, r.date, r.original_date, r.title, r.journal)
    return (*head, *map("\n".join, (r.original_dois, r.notice_dois, r.reasons)))
