"""A BibTeX entry missing the comma between two fields, which bibtexparser 2 reads silently.

`title = {Gene therapy}` then `year = {2009},` on the next line is read as one title,
"Gene therapy year = 2009", and the year is lost. Each entry's text is walked field by
field: a value (braced, quoted, or bare, joined by `#`) followed by `name =` where a comma
or the entry's end should be is such an entry. A `=` inside braces or quotes is the
value's own. Text the walk cannot follow is left to bibtexparser, which reads it or
refuses it itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MissingComma", "missing_comma"]

_START = re.compile(r"\s*@\s*[A-Za-z]+\s*([{(])")
_NAME = re.compile(r"[^\s=,{}()\"#]+")
_NEXT_FIELD = re.compile(r"([^\s=,{}()\"#]+)\s*=")
_BARE = re.compile(r"[^\s,#{}()\"=]+")


@dataclass(frozen=True, slots=True)
class MissingComma:
    """Where in the entry's text the next field starts, the field before it, and its name."""

    offset: int
    previous: str
    name: str


def missing_comma(raw: str) -> MissingComma | None:
    """The first field of the entry `raw` that follows a value with no comma between."""
    start = _START.match(raw)
    if start is None:
        return None
    closer = "}" if start.group(1) == "{" else ")"
    key_end = raw.find(",", start.end())
    if key_end < 0:
        return None
    index = key_end + 1
    while True:
        index = _skip(raw, index)
        name = _NAME.match(raw, index)
        if name is None:
            return None  # the entry's end, or text bibtexparser judges
        index = _skip(raw, name.end())
        if not raw.startswith("=", index):
            return None
        end = _value_end(raw, index + 1, closer)
        if end is None:
            return None
        if raw.startswith(",", end):
            index = end + 1
            continue
        following = _NEXT_FIELD.match(raw, end)
        if following is None:
            return None
        return MissingComma(end, name.group(), following.group(1))


def _value_end(raw: str, index: int, closer: str) -> int | None:
    """Where the value starting at `index` ends (past the space after it), or None."""
    while True:
        index = _skip(raw, index)
        if raw.startswith("{", index):
            end = _closing_brace(raw, index)
        elif raw.startswith('"', index):
            end = _closing_quote(raw, index)
        else:
            bare = _BARE.match(raw, index)
            end = bare.end() if bare and closer not in bare.group() else None
        if end is None:
            return None
        index = _skip(raw, end)
        if not raw.startswith("#", index):
            return index
        index += 1


def _closing_brace(raw: str, index: int) -> int | None:
    depth = 0
    for position in range(index, len(raw)):
        char = raw[position]
        if char == "{" and not _escaped(raw, position):
            depth += 1
        elif char == "}" and not _escaped(raw, position):
            depth -= 1
            if depth == 0:
                return position + 1
    return None


def _closing_quote(raw: str, index: int) -> int | None:
    depth = 0
    for position in range(index + 1, len(raw)):
        char = raw[position]
        if _escaped(raw, position):
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            return position + 1
    return None


def _skip(raw: str, index: int) -> int:
    while index < len(raw) and raw[index].isspace():
        index += 1
    return index


def _escaped(raw: str, position: int) -> bool:
    return position > 0 and raw[position - 1] == "\\"
