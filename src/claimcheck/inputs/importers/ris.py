"""RIS: one reference per `TY  - ` … `ER  - ` record, read with rispy.

rispy skips what it cannot place (a record with no `ER`, text before the first `TY`) and
gives no line numbers, so the records are first delimited here: a record left open is
refused at its `TY` line, and each reference gets the line its record starts on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from claimcheck.inputs.importers.model import (
    IdMaker,
    ImportedReference,
    ImportFailed,
    ImportResult,
    comma_name,
    doi_or_note,
    plain_year,
    squash,
)

__all__ = ["read_ris"]

# rispy's own tag rule (RisParser.parse_line): two characters, two spaces, a hyphen.
_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?$")
_EXPECTED = "expected RIS records: a `TY  - JOUR` line, tagged lines, and an `ER  - ` line"
_RANGE = re.compile(r"(\w+)\s*[-–—]+\s*(\w+)")


def read_ris(text: str, path: Path) -> ImportResult:
    """Every record of a RIS file. ImportFailed, located, for a file rispy would misread."""
    shown = str(path)
    try:
        import rispy
    except ImportError:
        raise ImportFailed(shown, "reading RIS needs rispy (pip install rispy)") from None
    starts, notes = _records(text, shown)
    try:
        records = rispy.loads(text)
    except Exception as error:  # a parser bug must not become a traceback
        message = f"rispy could not read the file ({type(error).__name__}: {error}); {_EXPECTED}"
        raise ImportFailed(shown, message, 1) from None
    if len(records) != len(starts):  # a record rispy placed differently: never guess which
        raise ImportFailed(shown, f"cannot delimit the RIS records; {_EXPECTED}", 1)
    ids = IdMaker()
    references = []
    for position, (record, line) in enumerate(zip(records, starts, strict=True), start=1):
        hint = record.get("id")
        reference = _reference(record, ids.make(_one(hint), position, line), line, notes)
        if reference.is_empty():
            notes.append(f"line {line}: the record has no field a claim map holds; skipped")
            continue
        references.append(reference)
    if not references:
        raise ImportFailed(shown, f"no record with fields; {_EXPECTED}", 1)
    return ImportResult(path, "ris", tuple(references), tuple(ids.notes + notes))


def _records(text: str, shown: str) -> tuple[list[int], list[str]]:
    """The line of each record's `TY`; ImportFailed for a record not closed by `ER`."""
    starts: list[int] = []
    ignored: list[int] = []
    open_at: int | None = None
    tagged = False  # whether the open record has a tagged line after its TY
    for number, raw in enumerate(text.split("\n"), start=1):
        match = _TAG.match(raw.rstrip())
        tag = match.group(1) if match else None
        if open_at is not None and tag is None and raw.strip() and not tagged:
            # rispy would append this to the previous record's last tag (or fail).
            message = "a line without a tag right after TY; expected `XX  - value`"
            raise ImportFailed(shown, message, number)
        if tag is not None:
            tagged = tag != "TY"
        if tag == "TY":
            if open_at is not None:
                message = f"a new record starts before the record at line {open_at} has its ER"
                raise ImportFailed(shown, f"{message}; {_EXPECTED}", number)
            open_at = number
            starts.append(number)
        elif tag == "ER":
            if open_at is None:
                raise ImportFailed(shown, f"an ER line outside a record; {_EXPECTED}", number)
            open_at = None
        elif open_at is None and raw.strip():
            ignored.append(number)
    if open_at is not None:
        raise ImportFailed(
            shown, f"this record is never closed by an ER line; {_EXPECTED}", open_at
        )
    if not starts:
        raise ImportFailed(shown, f"no RIS record found; {_EXPECTED}", 1)
    notes = []
    if ignored:
        # rispy skips these; say so rather than lose a pasted reference silently.
        lines = ", ".join(str(n) for n in ignored[:5]) + (", …" if len(ignored) > 5 else "")
        notes.append(f"lines outside any TY…ER record were ignored: {lines}")
    return starts, notes


def _one(value: Any) -> str | None:
    """The first text of a tag that may repeat (rispy gives a list then)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return squash(value) if isinstance(value, str) else None


def _first(record: dict[str, Any], *names: str) -> str | None:
    return next((text for name in names if (text := _one(record.get(name)))), None)


def _reference(
    record: dict[str, Any], ref_id: str, line: int, notes: list[str]
) -> ImportedReference:
    raw_year = _first(record, "year", "publication_year")
    year = plain_year(raw_year) if raw_year else None
    if raw_year and year is None:
        notes.append(f"line {line}: year {raw_year!r} is not a plain year; left out")
    authors = record.get("authors") or record.get("first_authors") or []
    return ImportedReference(
        id=ref_id,
        cited_as=None,
        doi=doi_or_note(_first(record, "doi"), f"line {line}: DO", notes),
        title=_first(record, "title", "primary_title"),
        authors=tuple(name for a in authors if isinstance(a, str) if (name := comma_name(a))),
        year=year,
        journal=_first(record, "journal_name", "alternate_title3", "secondary_title"),
        volume=_first(record, "volume"),
        issue=_first(record, "number"),
        pages=_pages(_first(record, "start_page"), _first(record, "end_page"), line, notes),
        line=line,
    )


def _pages(start: str | None, end: str | None, line: int, notes: list[str]) -> str | None:
    """SP and EP as one range. An SP that is a range already ("939-946") is kept when EP
    repeats its end ("946", or "46" abbreviated); EP disagreeing is left out with a note."""
    if not (start and end) or start == end:
        return start or end
    if not _RANGE.fullmatch(start):
        span = _RANGE.fullmatch(end)
        if span is None:
            return f"{start}-{end}"
        if span.group(1) == start:  # "SP 939, EP 939-946"
            return end
    elif _same_end(start, end):
        return start
    notes.append(f"line {line}: SP {start!r} and EP {end!r} disagree; pages left out")
    return None


def _same_end(span: str, end: str) -> bool:
    """Whether `end` is where the range `span` ends, written whole or abbreviated, or the
    same range with another dash."""
    match = _RANGE.fullmatch(span)
    if match is None:
        return False
    first, last = match.groups()
    whole = first[: len(first) - len(last)] + last if len(last) < len(first) else last
    other = _RANGE.fullmatch(end)
    if other is not None:
        return other.group(1) == first and other.group(2) in (last, whole)
    return end in (last, whole)
