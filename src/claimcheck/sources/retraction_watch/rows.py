"""The Retraction Watch CSV's format: its header, and one row read into a record. Pure.

Crossref publishes the Retraction Watch database as one CSV file in its GitLab repository
`crossref/retraction-watch-data`. The header is one line, sometimes with a trailing comma or
after a UTF-8 byte-order mark:

    Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,
    RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,
    OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes

- `RetractionNature`: "Retraction", "Correction", "Expression of concern" or
  "Reinstatement"; read lower-cased with spaces as `_` ("expression_of_concern").
- `OriginalPaperDOI` (the paper) and `RetractionDOI` (the notice): DOIs separated by `;`,
  or "unavailable", or nothing. A value that is not a DOI is dropped, and the row counted.
- `RetractionDate`, `OriginalPaperDate`: `M/D/YYYY 0:00` ("6/5/2020 0:00"). A copy opened
  and saved by a spreadsheet or a database export writes the same dates otherwise
  (`2/6/2010 12:00:00 AM`, `2010-02-06 00:00:00`, `2010-02-06T00:00:00`): those are read
  too, and a date that cannot be read is counted.
- `Reason`: a `;`-separated list, each item led by `+` ("+Error in Data;+Paper Mill;").
- Encoding: Crossref's notes on the file say it "appears to have UTF-8 errors, but can be
  opened in latin-1 mode with some bumps in Russian author names".
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import DoiError

if TYPE_CHECKING:
    from _csv import Reader


SOURCE = "retraction-watch-csv"  # the source name claimcheck reports
HEADER = (
    "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,"
    "RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,"
    "OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes"
)


# The columns the index reads, in the order parse_row unpacks them.
COLUMNS = (
    "Record ID",
    "RetractionNature",
    "OriginalPaperDOI",
    "RetractionDOI",
    "RetractionDate",
    "OriginalPaperDate",
    "Title",
    "Journal",
    "Reason",
)


# No DOI: "unavailable" (the CSV's word), or a label left alone once `_BETWEEN_DOIS` split
# `DOI 10.5555/x` before the DOI.
_NO_DOI = frozenset({"", "unavailable", "doi", "doi:"})


# The time of day, which no check reads: `0:00`, `12:00:00 AM` (a spreadsheet's US locale).
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
_US_DATE = re.compile(rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})(?:\s+{_TIME}(?:\s*[AP]M)?)?", re.I)


# `2010-02-06`, and with a time as a database export or pandas writes it: `2010-02-06
# 00:00:00`, `2010-02-06T00:00:00`, perhaps with a zone (`Z`, `+00:00`).
_ISO_DATE = re.compile(rf"(\d{{4}})-(\d{{2}})-(\d{{2}})(?:[T ]{_TIME}(?:Z|[+-]\d{{2}}:?\d{{2}})?)?")


class RetractionWatchError(Exception):
    """The CSV (or its index) cannot be used; the message names the file, and the line."""


@dataclass(frozen=True, slots=True)
class RetractionWatchRecord:
    record_id: str
    nature: str
    original_dois: tuple[str, ...]
    notice_dois: tuple[str, ...]
    date: str | None
    original_date: str | None
    title: str
    journal: str
    reasons: tuple[str, ...]


def _latin_1(error: UnicodeError) -> tuple[str, int]:
    """Read a byte that is not UTF-8 as latin-1. The file has been seen in UTF-8 with a few
    bad bytes, and in latin-1: this reads both right, where decoding the whole file as
    latin-1 would garble its UTF-8, and errors="replace" would lose its latin-1 letters."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


LATIN_1_FALLBACK = "claimcheck-retraction-watch-latin-1"


codecs.register_error(LATIN_1_FALLBACK, _latin_1)


class HashingReader(io.RawIOBase):
    """Hashes the bytes as the CSV parser reads them, so the index is named after exactly
    the bytes it was built from, even if the file changed since it was first hashed."""

    def __init__(self, raw: io.FileIO) -> None:
        super().__init__()
        self._raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = self._raw.readinto(view) or 0
        self.digest.update(view[:count])
        return count


def read_header(reader: Reader, csv_path: Path) -> tuple[list[int], int, int]:
    """The positions of COLUMNS, the number of named fields, and the widest row accepted."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RetractionWatchError(f"{csv_path}:1: not readable as CSV: {exc}") from exc
    if not header:
        raise RetractionWatchError(f"{csv_path}:1: empty, expected the header {HEADER}")
    names = [name.strip() for name in header]
    positions: dict[str, int] = {}
    for position, name in enumerate(names):
        positions.setdefault(name.lower(), position)
    missing = [column for column in COLUMNS if column.lower() not in positions]
    if missing:
        raise RetractionWatchError(
            f"{csv_path}:1: not a Retraction Watch CSV header: missing column(s) "
            f"{', '.join(missing)}"
        )
    named = len(names)
    while named and not names[named - 1]:
        named -= 1
    # The header and the rows each may or may not end in a comma (an empty last field).
    return [positions[column.lower()] for column in COLUMNS], named, max(len(names), named + 1)


# Retraction Watch's natures are Retraction, Correction, Expression of concern and
# Reinstatement (and joined forms: "Retraction and Republication"). A row with a blank or
# other nature records something claimcheck cannot read: it is counted with the unreadable
# rows, which every run warns of, rather than indexed as an update nobody applies.
_KNOWN_NATURE = re.compile(r"retraction|correction|concern|reinstatement", re.IGNORECASE)


class Parsed(NamedTuple):
    """A row's record, and whether a DOI or a date it holds could not be read (dropped)."""

    record: RetractionWatchRecord
    lost_doi: bool
    lost_date: bool


def parse_row(fields: list[str], columns: list[int], named: int, width: int) -> Parsed | None:
    """The row's record, or None for a row with the wrong number of fields, no Record ID, or
    a RetractionNature that names none of the database's kinds (`_KNOWN_NATURE`)."""
    if not named <= len(fields) <= width or any(fields[named:]):
        return None
    record_id, nature, original, notice, when, original_when, title, journal, reason = (
        fields[column].strip() for column in columns
    )
    if not record_id or not _KNOWN_NATURE.search(nature):
        return None
    (original_dois, lost_original), (notice_dois, lost_notice) = _dois(original), _dois(notice)
    day, original_day = _iso_date(when), _iso_date(original_when)
    record = RetractionWatchRecord(
        record_id=record_id,
        nature="_".join(nature.lower().split()),
        original_dois=original_dois,
        notice_dois=notice_dois,
        date=day,
        original_date=original_day,
        title=title,
        journal=journal,
        reasons=_reasons(reason),
    )
    lost_date = bool((when and day is None) or (original_when and original_day is None))
    return Parsed(record, lost_original or lost_notice, lost_date)


def _reasons(text: str) -> tuple[str, ...]:
    reasons = (part.strip().lstrip("+").strip() for part in text.split(";"))
    # A reason never holds a line break, which the index puts between list items.
    return tuple(" ".join(r.split()) if "\n" in r else r for r in reasons if r)


# A `;`-separated piece that does not start like a DOI continues the previous one: SICI
# DOIs hold `;` (10.1002/(SICI)1097-4636(199812)43:4<365::AID-JBM3>3.0.CO;2-C).
# The tail of a SICI DOI after its own `;` (`…<1375::AID-JCLP7>3.0.CO;2-9`): the check
# character after `2-` is a digit, a letter or #. Only such a piece joins the DOI before it: any
# other piece is its own item, a DOI or not, so a neighbour that is no DOI (`N/A`,
# `PMID: 123`) can never spoil one that is.
_SICI_TAIL = re.compile(r"[0-9]+-[0-9A-Z#]", re.IGNORECASE)


# The common case, a bare ASCII DOI with no punctuation to strip, for which normalize_doi
# would return just the lower-cased text: 20 times faster, and the build is mostly DOIs.
_PLAIN_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/[!-~]*[!-(*+\-/-:<-~]")  # not `),.;` last


# Between two DOIs some rows have `, ` or a space instead of `;`: a split there, only before
# a piece that starts like a DOI, so `DOI: 10.5555/x` and SICI DOIs stay whole.
_BETWEEN_DOIS = re.compile(r"[,\s]+(?=10\.)")


def _dois(text: str) -> tuple[tuple[str, ...], bool]:
    """The distinct DOIs in a `;`-separated cell, and whether a piece that is neither a DOI
    nor "unavailable" was dropped (its paper or notice is then not seen)."""
    if ";" not in text and _PLAIN_DOI.fullmatch(text):  # most cells hold one plain DOI
        return (text.lower(),), False
    pieces: list[str] = []
    for raw in _without_format_characters(text).split(";"):
        for part in _BETWEEN_DOIS.split(raw):
            piece = part.strip()
            if piece.lower() in _NO_DOI:
                continue
            if pieces and _SICI_TAIL.fullmatch(piece):
                pieces[-1] += ";" + piece
            else:
                pieces.append(piece)
    dois = [doi_or_none(piece) for piece in pieces]
    return tuple(dict.fromkeys(doi for doi in dois if doi)), None in dois


def _without_format_characters(text: str) -> str:
    """`text` without Unicode format characters (category Cf: a zero-width space, a
    byte-order mark, a soft hyphen), which copying a DOI from a web page or a PDF brings
    along, invisible, and which no DOI holds."""
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def doi_or_none(text: str) -> str | None:
    if _PLAIN_DOI.fullmatch(text):
        return text.lower()
    try:
        return normalize_doi(text)
    except DoiError:
        return None


@functools.lru_cache(maxsize=4096)  # a few thousand distinct dates over 65,000 rows
def _iso_date(text: str) -> str | None:
    """A date in one of the forms `_US_DATE` and `_ISO_DATE` read, as ISO; None if blank or
    no real date."""
    if us := _US_DATE.fullmatch(text):
        month, day, year = (int(part) for part in us.groups())
    elif iso := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in iso.groups())
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
