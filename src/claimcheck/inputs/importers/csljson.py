"""CSL-JSON, as Zotero, Mendeley and citeproc export it: a JSON list of items.

The list is walked item by item with `raw_decode`, so each reference gets the line its item
starts on, and a syntax error is reported where the parser stopped. What the parser cannot
read for want of room (an item nested too deeply, a number too long to convert) is a usage
error at its place too, never an internal error.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from claimcheck.inputs.importers.model import (
    DOI_LINK,
    IdMaker,
    ImportedReference,
    ImportFailed,
    ImportResult,
    listed_dois,
    one_doi,
    plain_year,
    squash,
    vancouver_name,
)
from claimcheck.inputs.lines import LineIndex

__all__ = ["read_csl_json"]

_EXPECTED = 'expected CSL-JSON: a list of items such as [{"id": …, "title": …}]'
_WHITESPACE = " \t\n\r"
# A CSL item nests a few levels (item, author list, person; issued, date-parts, date). An
# item the parser runs out of stack on is named at the first bracket deeper than this.
_MAX_DEPTH = 100
_DECODER = json.JSONDecoder()
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def read_csl_json(text: str, path: Path) -> ImportResult:
    """Every item of a CSL-JSON list. ImportFailed, located, for JSON that is not one."""
    shown = str(path)
    items = _items(text, shown)
    notes: list[str] = []
    ids = IdMaker()
    references = []
    for position, (item, line) in enumerate(items, start=1):
        hint = item.get("id")
        hint_text = (
            str(hint) if isinstance(hint, str | int) and not isinstance(hint, bool) else None
        )
        reference = _reference(item, ids.make(hint_text, position, line), line, notes)
        if reference.is_empty():
            notes.append(f"line {line}: the item has no field a claim map holds; skipped")
            continue
        references.append(reference)
    if not references:
        raise ImportFailed(shown, f"no item with fields; {_EXPECTED}", 1)
    return ImportResult(path, "csl-json", tuple(references), tuple(ids.notes + notes))


def _items(text: str, shown: str) -> list[tuple[dict[str, Any], int]]:
    """(item, line) for each element of the top-level list."""
    lines = LineIndex(text)
    index = _skip(text, 0)
    if not text.startswith("[", index):
        raise ImportFailed(shown, _EXPECTED, *lines.position(index))
    items = []
    index = _skip(text, index + 1)
    while not text.startswith("]", index):
        line, column = lines.position(index)
        item, index = _decode(text, index, shown, lines)
        if not isinstance(item, dict):
            raise ImportFailed(
                shown, f"expected an item (a JSON object); {_EXPECTED}", line, column
            )
        items.append((item, line))
        index = _skip(text, index)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
        elif not text.startswith("]", index):
            raise ImportFailed(shown, "invalid JSON: expected ',' or ']'", *lines.position(index))
    if text[_skip(text, index + 1) :]:
        where = lines.position(_skip(text, index + 1))
        raise ImportFailed(shown, "invalid JSON: extra data after the list", *where)
    if not items:
        raise ImportFailed(shown, f"the list is empty; {_EXPECTED}", 1)
    return items


def _decode(text: str, index: int, shown: str, lines: LineIndex) -> tuple[Any, int]:
    """The JSON value at `index` and where it ends; ImportFailed, located, if unreadable."""
    try:
        return _DECODER.raw_decode(text, index)
    except json.JSONDecodeError as error:
        raise ImportFailed(shown, f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        deep = _too_deep(text, index)
        depth = f"more than {_MAX_DEPTH} levels" if deep is not None else "too"
        message = f"invalid JSON: nested {depth} deep; {_EXPECTED}"
        raise ImportFailed(
            shown, message, *lines.position(index if deep is None else deep)
        ) from None
    except ValueError:  # all that is left: the interpreter's limit on converting an int
        limit = sys.get_int_max_str_digits()
        number = re.compile(rf"\d{{{limit + 1},}}").search(text, index)
        digits = f"{len(number.group())} digits" if number else "too many digits"
        message = f"a number of {digits}, over the {limit} a number may have; expected a "
        message += "CSL-JSON value such as a year or a volume"
        where = lines.position(number.start() if number else index)
        raise ImportFailed(shown, message, *where) from None


def _too_deep(text: str, index: int) -> int | None:
    """Where the value at `index` first nests deeper than _MAX_DEPTH, if it does."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text, index):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > _MAX_DEPTH:
                return match.start()
        elif token in ("]", "}"):
            depth -= 1
            if depth <= 0:
                return None
    return None


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _reference(item: dict[str, Any], ref_id: str, line: int, notes: list[str]) -> ImportedReference:
    return ImportedReference(
        id=ref_id,
        cited_as=None,
        doi=_doi(item, line, notes),
        title=_text(item.get("title")),
        authors=_authors(item.get("author")),
        year=_year(item.get("issued"), line, notes),
        journal=_text(item.get("container-title")),
        volume=_text(item.get("volume")),
        issue=_text(item.get("issue")),
        pages=_text(item.get("page")),
        line=line,
    )


def _doi(item: dict[str, Any], line: int, notes: list[str]) -> str | None:
    """The item's `DOI`, or the `doi` some exporters write (an empty or null one is none),
    or else a doi.org link in `URL`; one listing several DOIs (`10.1000/a;10.1000/b`), or
    the two keys different DOIs, is left out."""
    given = {key: text for key in ("DOI", "doi") if (text := _text(item.get(key)))}
    url = _text(item.get("URL"))
    if not given and url and DOI_LINK.fullmatch(url):
        given = {"URL": url}  # a doi.org link, as BibTeX's url and RIS's UR give one
    where = f"line {line}: {' and '.join(given) or 'DOI'}"
    dois = [doi for text in given.values() for doi in listed_dois(text, where, notes)]
    return one_doi(
        dois,
        lambda listed: notes.append(
            f"{where} give{'s' if len(given) < 2 else ''} more than one DOI ({listed}); left out"
        ),
    )


def _text(value: Any) -> str | None:
    """A CSL string, number or (as some exporters write) a list whose first entry is one."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return squash(str(value))


def _authors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for person in value:
        if not isinstance(person, dict):
            continue
        family, given, literal = (_text(person.get(k)) for k in ("family", "given", "literal"))
        if family:
            particle = _text(person.get("non-dropping-particle"))
            family = f"{particle} {family}" if particle else family
            names.append(vancouver_name(family, [given or ""], _text(person.get("suffix")) or ""))
        elif literal:
            names.append(literal)  # an institution, or a name the exporter did not split
    return tuple(names)


def _year(issued: Any, line: int, notes: list[str]) -> int | None:
    """The year of `issued.date-parts` ([[2009, 5, 1]]), or of `issued.raw` ("2009-05-01",
    as some exporters write it instead) when that plainly starts with one; None, with a
    note, for any other date given."""
    if issued is None:
        return None
    if not isinstance(issued, dict) or "date-parts" not in issued:
        raw = issued.get("raw") if isinstance(issued, dict) else issued
        year = plain_year(raw) if isinstance(raw, str | int) else None
        if year is None:
            notes.append(f"line {line}: issued {_shown(issued)} has no plain year; left out")
        return year
    parts = issued["date-parts"]
    first = parts[0] if isinstance(parts, list) and parts else None
    year = plain_year(first[0]) if isinstance(first, list) and first else None
    if year is None:
        notes.append(f"line {line}: issued {_shown(parts)} has no plain year; left out")
    return year


def _shown(value: Any) -> str:
    """A JSON value for a note, cut short: a note names the value, it need not hold it."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except RecursionError:  # as deep as the parser could go: no room to write it out
        return "(deeply nested)"
    return text if len(text) <= 80 else text[:79] + "…"
