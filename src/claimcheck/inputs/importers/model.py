"""What an importer returns, and the rules every importer applies to what it reads.

An importer starts a claim map from a bibliography; it never decides for the user. A value
it cannot read plainly is left out (and said so in `ImportResult.notes`), so the map it
starts holds only what the source states.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import DoiError, LocatedError, UsageError

__all__ = [
    "DOI_LINK",
    "ENDS_IN_ELLIPSIS",
    "ID_PATTERN",
    "LIST_NOT_WHOLE",
    "IdMaker",
    "ImportFailed",
    "ImportResult",
    "ImportedReference",
    "bare_doi",
    "comma_name",
    "cut_short",
    "doi_or_note",
    "doi_parts",
    "dois_of_parts",
    "listed_dois",
    "mend_surrogates",
    "one_doi",
    "plain_year",
    "squash",
    "vancouver_name",
]

# A DOI given as a resolver link (RIS `UR`, CSL-JSON `URL`), read where no DOI field gives one.
DOI_LINK = re.compile(r"(?:https?://)?(?:dx\.|www\.)?doi\.org/\S+", re.IGNORECASE)
# The claim map's id rule (inputs/claimmap.py `_ID`).
ID_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
_NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_HINT = 64  # a longer key (a Zotero item URL, say) makes a poor id: R<n> instead
_YEAR = re.compile(r"(19|20)\d\d")
_SPACE = re.compile(r"\s+")
# Vancouver names carry at most four initials: the loader reads a longer run as a family name.
_MAX_INITIALS = 4
# Half of a UTF-16 pair with no other half: what text cut in the middle of an emoji leaves.
# JSON's "\ud83d" escape decodes to one; no UTF-8 file can hold it, nor YAML read it.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A DOI field listing DOIs (`10.1038/nm.1234,10.1038/nm.5678`): parts split at commas,
# semicolons or spaces, each of the shape of a DOI. A SICI DOI's own `;` leaves a part that
# is not (`…3.0.CO;2-E`), so such a DOI stays whole.
_DOI_SEPARATOR = re.compile(r"[\s,;]+")
_DOI_SHAPE = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
# What no whole DOI ends with: a DOI read so was cut short (at a line's end, by a URL's `#`,
# or in print, as an ellipsis shows).
_CUT_SHORT = ("-", "/", "_", "…")
# An ellipsis, `…` or three dots, ending a DOI before what may close it (`…2020...).`): the
# source cut the DOI short. Three dots must be read before the DOI is: `normalize_doi` drops
# them as trailing punctuation, and the DOI would come out looking whole.
ENDS_IN_ELLIPSIS = re.compile(r"(?:…|\.\.\.)[^\w…]*$")
_TEXT_FIELDS = ("doi", "cited_as", "title", "journal", "volume", "issue", "pages")


@dataclass(frozen=True, slots=True)
class ImportedReference:
    """One reference as the source gives it; a field the source does not state plainly is None.

    `authors` are "Family GI" strings, as a claim map writes them (a final "et al." means
    the list was truncated); `line` is where the reference starts in the source, 1-based.
    """

    id: str
    cited_as: str | None
    doi: str | None
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    journal: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    line: int

    def is_empty(self) -> bool:
        """True when no field a claim map holds was read (the loader refuses such a one)."""
        values = (self.cited_as, self.doi, self.title, self.year, self.journal)
        more = (self.volume, self.issue, self.pages)
        return all(v is None for v in (*values, *more)) and not self.authors


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The references read from `path` in `format`, in source order, and what was noticed."""

    path: Path
    format: str
    references: tuple[ImportedReference, ...]
    notes: tuple[str, ...]


class ImportFailed(UsageError):
    """A source that cannot be imported (exit 2), at a 1-based line and column when known."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int = 1):
        self.location = LocatedError(path, line, column, message) if line is not None else None
        super().__init__(str(self.location) if self.location else f"{path}: {message}")


def mend_surrogates(result: ImportResult) -> ImportResult:
    """`result` with every lone surrogate in its text replaced by U+FFFD, each said in a
    note; a DOI holding one is left out. One place for every importer, so no format can
    pass one on to a claim map that the loader would then refuse."""
    notes = list(result.notes)
    references = tuple(_mended(reference, notes) for reference in result.references)
    if len(notes) == len(result.notes):
        return result
    return ImportResult(result.path, result.format, references, tuple(notes))


def _mended(reference: ImportedReference, notes: list[str]) -> ImportedReference:
    values = (getattr(reference, name) for name in _TEXT_FIELDS)
    every = "".join(filter(None, (*values, *reference.authors)))
    if every.isascii() or not _SURROGATE.search(every):  # nearly always: one check
        return reference
    fixed: dict[str, Any] = {}
    for name in (*_TEXT_FIELDS, "authors"):
        value = getattr(reference, name)
        texts = value if isinstance(value, tuple) else (value,) if value else ()
        found = next((m for t in texts if not t.isascii() and (m := _SURROGATE.search(t))), None)
        if found is None:
            continue
        field = "an author" if name == "authors" else f"the {name}"
        what = f"line {reference.line}: {reference.id}: {field} holds a lone surrogate"
        what += f" (\\u{ord(found.group()):04x}, what text cut in the middle of an emoji leaves)"
        if name == "doi":  # a DOI with a character replaced is another DOI
            fixed[name] = None
            notes.append(f"{what}; left out")
        else:
            mended = tuple(_SURROGATE.sub("\ufffd", text) for text in texts)
            fixed[name] = mended if isinstance(value, tuple) else mended[0]
            notes.append(f"{what}; written as U+FFFD")
    return replace(reference, **fixed) if fixed else reference


# --- ids ------------------------------------------------------------------------------------


class IdMaker:
    """Claim-map ids from the source's own keys: sanitised, and unique within one import."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._next_suffix: dict[str, int] = {}  # so n clashing keys cost n tries, not n²
        self.notes: list[str] = []

    def make(self, hint: str | None, position: int, line: int) -> str:
        """An id for the `position`-th reference (1-based) whose source key is `hint`."""
        fallback = f"R{position}"
        base = _sanitised(hint) if hint else ""
        if not base or len(base) > _MAX_HINT or "://" in (hint or ""):
            base = fallback
        chosen, count = base, self._next_suffix.get(base, 1)
        while chosen in self._taken:
            count += 1
            chosen = f"{base}-{count}"
        self._next_suffix[base] = count
        self._taken.add(chosen)
        if hint and chosen != hint:
            # The user will look for their own key in the map: say where it went.
            why = "is already used" if base == hint else "is not a claim-map id"
            self.notes.append(f"line {line}: key {hint!r} {why}; written as {chosen!r}")
        return chosen


def _sanitised(hint: str) -> str:
    # Accents are dropped, not replaced ("Müller2009" -> "Muller2009"), so a key stays legible.
    decomposed = unicodedata.normalize("NFKD", hint.strip())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ID.sub("-", ascii_only).strip("-")


# --- values ---------------------------------------------------------------------------------


def squash(value: str | None) -> str | None:
    """One line with single spaces (no-break spaces and tabs too), or None when blank."""
    if value is None:
        return None
    text = _SPACE.sub(" ", value).strip()
    return text or None


def bare_doi(raw: str) -> str:
    """The DOI in `raw` (any form `normalize_doi` reads), bare but in the case printed.

    Raises DoiError when `raw` is not a DOI. The printed case is kept because a person
    compares the map with the source; claimcheck compares DOIs lower-cased anyway."""
    canonical = normalize_doi(raw)
    start = raw.lower().find(canonical)
    if start < 0:  # percent-escaped in a URL: the decoded form is the DOI
        return canonical
    printed = raw[start : start + len(canonical)]
    return printed if printed.lower() == canonical else canonical


def cut_short(printed: str, doi: str) -> str | None:
    """Why the DOI `doi`, read from `printed`, may be cut short (a note ending "left out"),
    or None. No DOI ends in `-`, `/`, `_` or an ellipsis `…`: one that does lost its end in
    the source, or in reading (`https://doi.org/10.1000/x-#y` is `10.1000/x-` and a
    fragment)."""
    if ENDS_IN_ELLIPSIS.search(printed):
        return f"{printed!r} ends with an ellipsis: it may be cut short; left out"
    if not doi.endswith(_CUT_SHORT):
        return None
    if printed.endswith(doi[-1]):
        return f"{printed!r} ends with {doi[-1]!r}: it may be cut short; left out"
    return (
        f"{printed!r} gives the DOI {doi!r}, ending with {doi[-1]!r}: it may be cut short; left out"
    )


def doi_or_note(raw: str | None, where: str | None, notes: list[str]) -> str | None:
    """`bare_doi(raw)`, or None with a note (after `where: `, if given) when `raw` is not a
    DOI or may be cut short."""
    text = squash(raw)
    if text is None:
        return None
    try:
        doi = bare_doi(text)
    except DoiError as error:
        notes.append(_at(where, f"{text!r} is not a DOI (it {error}); left out"))
        return None
    short = cut_short(text, doi)
    if short is not None:
        notes.append(_at(where, short))
        return None
    return doi


def _at(where: str | None, note: str) -> str:
    return f"{where}: {note}" if where else note


def doi_parts(written: str) -> list[str]:
    """The DOIs `written` lists (`10.1000/a;10.1000/b`, `10.1000/a, 10.1000/b`), or
    `[written]` when it is one. A comma or semicolon may be part of a DOI, so `written` is
    read as a list only when each part is itself of a DOI's shape."""
    parts = [part for part in _DOI_SEPARATOR.split(written) if part]
    if len(parts) < 2 or not all(_DOI_SHAPE.fullmatch(part) for part in parts):
        return [written]
    return parts


# A list of DOIs one of which was left out (cut short, or no DOI): the one left would be
# taken for the reference's, which is not for an importer to guess (`one_doi`).
LIST_NOT_WHOLE = "{written!r} lists more than one DOI, not each of them whole; none is filled in"


def listed_dois(written: str | None, where: str, notes: list[str]) -> list[str]:
    """The DOIs a DOI field gives (`doi_or_note` of each of its `doi_parts`): one, or
    several where it lists them, for `one_doi` to refuse; none where a listed one was
    left out (`LIST_NOT_WHOLE`)."""
    if written is None:
        return []
    return dois_of_parts(doi_parts(written), written, where, notes)


def dois_of_parts(
    parts: Sequence[str], written: str, where: str | None, notes: list[str]
) -> list[str]:
    """The DOI of each of `parts` (`doi_or_note`), as `written` lists them; none where there
    are several and one was left out (`LIST_NOT_WHOLE`)."""
    dois = [doi_or_note(part, where, notes) for part in parts]
    if len(parts) > 1 and not all(dois):
        notes.append(_at(where, LIST_NOT_WHOLE.format(written=written)))
        return []
    return [doi for doi in dois if doi]


def one_doi(dois: Iterable[str], more: Callable[[str], None]) -> str | None:
    """The DOI `dois` give, the same DOI twice (in any case) counting once. Where they give
    more than one, None, and `more` is told which (", "-joined): which DOI is the
    reference's is not for an importer to guess."""
    found: dict[str, str] = {}
    for doi in dois:
        found.setdefault(doi.lower(), doi)
    if len(found) > 1:
        more(", ".join(found.values()))
        return None
    return next(iter(found.values()), None)


def plain_year(value: object) -> int | None:
    """A year written plainly: 2009, "2009", "2009///", "2009-05-01"; else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1900 <= value <= 2099 else None
    if not isinstance(value, str):
        return None
    match = _YEAR.match(value.strip())
    if match is None or value.strip()[4:5].isdigit():
        return None
    return int(match.group())


def vancouver_name(family: str, given: Iterable[str] = (), suffix: str = "") -> str:
    """ "Family GI", as a claim map writes an author: ("Smith", ["John", "A."]) -> "Smith JA".

    A name with more than four initials is written "Family, Given" instead: claimcheck reads
    a longer capital run as part of the family name."""
    family = squash(family) or ""
    given_text = squash(" ".join(given)) or ""
    initials = "".join(
        part[0].upper() for part in re.split(r"[\s.\-‐]+", given_text) if part[:1].isalpha()
    )
    if len(initials) > _MAX_INITIALS:
        name = f"{family}, {given_text}"
    else:
        name = f"{family} {initials}".strip()
    return f"{name} {suffix.strip()}".strip() if suffix.strip() else name


def comma_name(name: str) -> str:
    """ "Smith, John A." (RIS, CSL literal) -> "Smith JA"; a name without a comma as written."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) < 2 or not parts[0]:
        return squash(name) or ""
    suffix = parts[2] if len(parts) > 2 else ""
    return vancouver_name(parts[0], [parts[1]], suffix)
