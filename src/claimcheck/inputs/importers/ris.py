"""RIS: one reference per `TY  - ` … `ER  - ` record, read with rispy.

rispy skips what it cannot place (a record with no `ER`, text before the first `TY`) and
gives no line numbers, so the records are first delimited here: a record left open is
refused at its `TY` line, and each reference gets the line its record starts on. The tagged
lines of each record are kept too, for what rispy drops: a second `DO` line (it keeps the
first), and the order of `AU` and `A1` authors (it lists them apart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcheck.inputs.importers.model import (
    DOI_LINK,
    IdMaker,
    ImportedReference,
    ImportFailed,
    ImportResult,
    comma_name,
    doi_or_note,
    listed_dois,
    one_doi,
    plain_year,
    squash,
)

__all__ = ["read_ris"]

# rispy's own tag rule (RisParser.parse_line): two characters, two spaces, a hyphen.
_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?$")
_EXPECTED = "expected RIS records: a `TY  - JOUR` line, tagged lines, and an `ER  - ` line"
# UR lists links with `;`. rispy splits at every `;`, which cuts a SICI DOI's `…CO;2-#` in
# two, so UR is read from the lines, split only at a `;` before a space or another link.
_LINK_SEPARATOR = re.compile(r";\s*(?=\s|https?://|(?:dx\.|www\.)?doi\.org/)", re.IGNORECASE)
_RANGE = re.compile(r"(\w+)\s*[-–—]+\s*(\w+)")
_AUTHOR_TAGS = ("AU", "A1")


@dataclass(slots=True)
class _Record:
    """Where a record starts, and its tagged lines in order (a line with no tag joined to
    the one before with a space, as rispy joins it)."""

    line: int
    tags: list[tuple[str, str]] = field(default_factory=list)

    def values(self, *tags: str) -> list[tuple[str, str]]:
        return [(tag, value) for tag, value in self.tags if tag in tags and value]


def read_ris(text: str, path: Path) -> ImportResult:
    """Every record of a RIS file. ImportFailed, located, for a file rispy would misread."""
    shown = str(path)
    try:
        import rispy
    except ImportError:
        raise ImportFailed(shown, "reading RIS needs rispy (pip install rispy)") from None
    delimited, notes = _records(text, shown)
    try:
        records = rispy.loads(text)
    except Exception as error:  # a parser bug must not become a traceback
        message = f"rispy could not read the file ({type(error).__name__}: {error}); {_EXPECTED}"
        raise ImportFailed(shown, message, 1) from None
    if len(records) != len(delimited):  # a record rispy placed differently: never guess which
        raise ImportFailed(shown, f"cannot delimit the RIS records; {_EXPECTED}", 1)
    ids = IdMaker()
    references = []
    for position, (record, lines) in enumerate(zip(records, delimited, strict=True), start=1):
        ref_id = ids.make(_one(record.get("id")), position, lines.line)
        reference = _reference(record, lines, ref_id, notes)
        if reference.is_empty():
            notes.append(f"line {lines.line}: the record has no field a claim map holds; skipped")
            continue
        references.append(reference)
    if not references:
        raise ImportFailed(shown, f"no record with fields; {_EXPECTED}", 1)
    return ImportResult(path, "ris", tuple(references), tuple(ids.notes + notes))


def _records(text: str, shown: str) -> tuple[list[_Record], list[str]]:
    """Each record's `TY` line and tagged lines; ImportFailed for a record not closed by `ER`."""
    records: list[_Record] = []
    ignored: list[int] = []
    open_record: _Record | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        match = _TAG.match(raw.rstrip())
        tag = match.group(1) if match else None
        if open_record is not None and tag is None and raw.strip():
            if len(open_record.tags) < 2:
                # rispy would append this to the previous record's last tag (or fail).
                message = "a line without a tag right after TY; expected `XX  - value`"
                raise ImportFailed(shown, message, number)
            last_tag, value = open_record.tags[-1]
            open_record.tags[-1] = (last_tag, f"{value} {raw.strip()}".strip())
        elif tag == "TY":
            if open_record is not None:
                message = f"a new record starts before the record at line {open_record.line}"
                raise ImportFailed(shown, f"{message} has its ER; {_EXPECTED}", number)
            open_record = _Record(number, [(tag, "")])
            records.append(open_record)
        elif tag == "ER":
            if open_record is None:
                raise ImportFailed(shown, f"an ER line outside a record; {_EXPECTED}", number)
            open_record = None
        elif tag is not None and match is not None and open_record is not None:
            open_record.tags.append((tag, (match.group(2) or "").strip()))
        elif open_record is None and raw.strip():
            ignored.append(number)
    if open_record is not None:
        message = f"this record is never closed by an ER line; {_EXPECTED}"
        raise ImportFailed(shown, message, open_record.line)
    if not records:
        raise ImportFailed(shown, f"no RIS record found; {_EXPECTED}", 1)
    notes = []
    if ignored:
        # rispy skips these; say so rather than lose a pasted reference silently.
        lines = ", ".join(str(n) for n in ignored[:5]) + (", …" if len(ignored) > 5 else "")
        notes.append(f"lines outside any TY…ER record were ignored: {lines}")
    return records, notes


def _one(value: Any) -> str | None:
    """The first text of a tag that may repeat (rispy gives a list then)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return squash(value) if isinstance(value, str) else None


def _first(record: dict[str, Any], *names: str) -> str | None:
    return next((text for name in names if (text := _one(record.get(name)))), None)


def _reference(
    record: dict[str, Any], lines: _Record, ref_id: str, notes: list[str]
) -> ImportedReference:
    line = lines.line
    raw_year = _first(record, "year", "publication_year")
    year = plain_year(raw_year) if raw_year else None
    if raw_year and year is None:
        notes.append(f"line {line}: year {raw_year!r} is not a plain year; left out")
    start, end = _first(record, "start_page"), _first(record, "end_page")
    return ImportedReference(
        id=ref_id,
        cited_as=None,
        doi=_doi(lines, notes),
        title=_first(record, "title", "primary_title"),
        authors=_authors(lines, notes),
        year=year,
        journal=_first(record, "journal_name", "alternate_title3", "secondary_title"),
        volume=_first(record, "volume"),
        issue=_first(record, "number"),
        pages=_pages(start, end, line, notes),
        line=line,
    )


def _doi(lines: _Record, notes: list[str]) -> str | None:
    """The DOI of the DO lines (a line may list several), or else of a doi.org link in UR.
    More than one different DOI is left out with a note, as in a pasted reference list:
    never pick one."""
    where = f"line {lines.line}"
    given = lines.values("DO")
    dois = [doi for _, value in given for doi in listed_dois(value, f"{where}: DO", notes)]
    if not dois:
        urls = (url for _, value in lines.values("UR") for url in _LINK_SEPARATOR.split(value))
        for url in urls:
            link = DOI_LINK.fullmatch(url.strip())
            doi = doi_or_note(link.group(), f"{where}: UR", notes) if link else None
            dois += [doi] if doi is not None else []
    tags = ("DO lines" if len(given) > 1 else "DO") if given else "UR links"
    return one_doi(
        dois,
        lambda listed: notes.append(
            f"{where}: more than one DOI is given ({tags}: {listed}); left out"
        ),
    )


def _authors(lines: _Record, notes: list[str]) -> tuple[str, ...]:
    """AU and A1 names in file order. rispy lists the two tags apart, and some exporters
    write a person under both: such a repeat is dropped, two people of one name under one
    tag are kept."""
    named = lines.values(*_AUTHOR_TAGS)
    seen: dict[str, set[str]] = {tag: set() for tag in _AUTHOR_TAGS}
    names = []
    for tag, value in named:
        name = comma_name(value)
        if name and not any(name in seen[other] for other in _AUTHOR_TAGS if other != tag):
            names.append(name)
            seen[tag].add(name)
    if all(seen.values()):
        notes.append(f"line {lines.line}: authors are given as both AU and A1; read in order")
    return tuple(names)


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
    """Whether `end` is where the range `span` ends, written whole or abbreviated (in the
    range, in EP or both: `939-946` with `46`), or the same range with another dash."""
    match = _RANGE.fullmatch(span)
    if match is None:
        return False
    first, last = match.groups()
    whole = _expanded(first, last)
    other = _RANGE.fullmatch(end)
    if other is not None:
        return other.group(1) == first and _expanded(first, other.group(2)) == whole
    return _expanded(first, end) == whole


def _expanded(first: str, end: str) -> str:
    """The end page `end`, abbreviated against the start `first`, written whole: `46` after
    `939` is `946`, `5` after `99` is `105`; as given when it is not shorter, or not digits."""
    if not (first.isdigit() and end.isdigit()) or len(end) >= len(first):
        return end
    whole = int(first[: len(first) - len(end)] + end)
    if whole < int(first):
        whole += 10 ** len(end)
    return str(whole)
