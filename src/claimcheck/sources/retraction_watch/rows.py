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
  or "unavailable", or nothing. A value that is not a DOI is dropped.
- `RetractionDate`, `OriginalPaperDate`: `M/D/YYYY 0:00` ("6/5/2020 0:00").
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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


_NO_DOI = frozenset({"", "unavailable"})


_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


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


def parse_row(
    fields: list[str], columns: list[int], named: int, width: int
) -> RetractionWatchRecord | None:
    """The row's record, or None for a row with the wrong number of fields, no Record ID, or
    a RetractionNature that names none of the database's kinds (`_KNOWN_NATURE`)."""
    if not named <= len(fields) <= width or any(fields[named:]):
        return None
    record_id, nature, original, notice, when, original_when, title, journal, reason = (
        fields[column].strip() for column in columns
    )
    if not record_id or not _KNOWN_NATURE.search(nature):
        return None
    return RetractionWatchRecord(
        record_id=record_id,
        nature="_".join(nature.lower().split()),
        original_dois=_dois(original),
        notice_dois=_dois(notice),
        date=_iso_date(when),
        original_date=_iso_date(original_when),
        title=title,
        journal=journal,
        reasons=_reasons(reason),
    )


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


def _dois(text: str) -> tuple[str, ...]:
    """The distinct DOIs in a `;`-separated cell; "unavailable" and non-DOIs are dropped."""
    if ";" not in text and _PLAIN_DOI.fullmatch(text):  # most cells hold one plain DOI
        return (text.lower(),)
    pieces: list[str] = []
    for raw in text.split(";"):
        piece = raw.strip()
        if piece.lower() in _NO_DOI:
            continue
        if pieces and _SICI_TAIL.fullmatch(piece):
            pieces[-1] += ";" + piece
        else:
            pieces.append(piece)
    return tuple(dict.fromkeys(doi for piece in pieces if (doi := doi_or_none(piece))))


def doi_or_none(text: str) -> str | None:
    if _PLAIN_DOI.fullmatch(text):
        return text.lower()
    try:
        return normalize_doi(text)
    except DoiError:
        return None


@functools.lru_cache(maxsize=4096)  # a few thousand distinct dates over 65,000 rows
def _iso_date(text: str) -> str | None:
    """`M/D/YYYY 0:00`, `M/D/YYYY` or `YYYY-MM-DD` as ISO; None if blank or no real date."""
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
