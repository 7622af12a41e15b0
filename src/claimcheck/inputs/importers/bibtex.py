"""BibTeX: one reference per entry, read with bibtexparser 2.

BibTeX has no printed form of a reference, so `cited_as` stays empty; the structured fields
come from the entry. The fields read as text have their LaTeX decoded (`M{\\"u}ller` ->
`Müller`; `bibtex_latex`) and the braces that protect capitals dropped; math (`$\\alpha$`) is
kept as written. The doi and url fields are verbatim, as in biblatex: never decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claimcheck.inputs.importers.bibtex_commas import missing_comma
from claimcheck.inputs.importers.bibtex_crossref import Linked, inherit
from claimcheck.inputs.importers.bibtex_latex import OVER_BUDGET, Decoder
from claimcheck.inputs.importers.model import (
    IdMaker,
    ImportedReference,
    ImportFailed,
    ImportResult,
    doi_or_note,
    listed_dois,
    one_doi,
    plain_year,
    squash,
    vancouver_name,
)

if TYPE_CHECKING:
    from bibtexparser.library import Library
    from bibtexparser.model import Entry

__all__ = ["read_bibtex"]

_MATH = re.compile(r"(\$[^$]*\$)")
_DATE = r"(?:\d{4}(?:-\d{2}(?:-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?)"
_DATE_RANGE = re.compile(rf"({_DATE})(?:/(?:{_DATE}|\.\.)?)?")
# A truncated author list: BibTeX's "and others", and the "and et al." people write, which
# was read as a person named "al. E".
_TRUNCATED = re.compile(r"others|et(?:\.\s*|\s+)al\.?", re.IGNORECASE)
# Escapes of the characters TeX treats specially, which BibTeX styles printing a DOI as text
# need: `\_` as most exporters write it, `{\_}` as Mendeley's export does
# (`doi = {10.5555/a{\_}b}`), and `$\_$` in math mode. In a verbatim field each stands for the
# character, since no DOI holds a backslash before one. Any brace or backslash left in a DOI
# after these is kept, with a note (`_Fields.doi`).
_ESCAPED = re.compile(r"\{\\([_%&#$])\}|\$\\([_%&#$])\$|\\([_%&#$])")
_LATEX_LEFT = re.compile(r"[{}\\]")
# The resolver links the README lists among the DOI forms read: doi.org and dx.doi.org.
_DOI_URL = re.compile(r"(?:https?://)?(?:dx\.|www\.)?doi\.org/", re.IGNORECASE)


def read_bibtex(text: str, path: Path) -> ImportResult:
    """Every entry of a BibTeX file. ImportFailed, located, for an entry that cannot be read."""
    shown = str(path)
    library = _parse(text, shown)
    _refuse_failures(library, text, shown)
    file = _File()
    ids = IdMaker()
    references = []
    entries = [_linked(entry) for entry in library.entries]
    inherit(entries, file.notes)
    for position, entry in enumerate(entries, start=1):
        line = entry.line
        reference = _Fields(entry.fields, entry.key, line, file).reference(
            ids.make(entry.key, position, line)
        )
        if reference.is_empty():
            file.notes.append(
                f"line {line}: entry {entry.key!r} has no field a claim map holds; skipped"
            )
            continue
        references.append(reference)
    if not references:
        where = "no @article{…} or other entry" if not library.entries else "no entry with fields"
        raise ImportFailed(shown, f"{where}; expected BibTeX entries such as @article{{key, …}}", 1)
    return ImportResult(path, "bibtex", tuple(references), tuple(ids.notes + file.all_notes()))


def _linked(entry: Entry) -> Linked:
    fields = {field.key.lower(): field.value for field in entry.fields}
    line = (entry.start_line or 0) + 1  # bibtexparser counts lines from 0
    return Linked(entry.key, entry.entry_type.lower(), fields, line)


def _parse(text: str, shown: str) -> Library:
    import logging

    try:
        from bibtexparser.entrypoint import parse_string

        from claimcheck.inputs.importers.bibtex_concat import JoinConcatenations
    except ImportError:  # not installed, or bibtexparser 1.x, whose API differs
        raise ImportFailed(
            shown, "reading BibTeX needs bibtexparser 2 (pip install bibtexparser)"
        ) from None

    # Only `#` joins run as a middleware: LaTeX is decoded and names split by `_Fields`, for
    # the fields read and no others, so a verbatim field is never decoded.
    # bibtexparser logs each broken block as a warning; ours is the located error below.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return parse_string(text, append_middleware=[JoinConcatenations()])
    except Exception as error:  # bibtexparser re-raises its own bugs
        message = f"bibtexparser could not read the file ({type(error).__name__}: {error})"
        raise ImportFailed(shown, message, 1) from None
    finally:
        logger.setLevel(level)


def _refuse_failures(library: Library, text: str, shown: str) -> None:
    """A block that could not be split is refused: skipping it would lose a reference."""
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    problems = []
    source = text.split("\n")  # once: a file of many broken entries stays linear
    for block in library.failed_blocks:
        line, column = _where(block.start_line, block.raw, source)
        if isinstance(block, DuplicateBlockKeyBlock):
            first = (block.previous_block.start_line or 0) + 1
            message = f"duplicate entry key {block.key!r} (first at line {first}); rename one"
        elif isinstance(block, DuplicateFieldKeyBlock):
            keys = ", ".join(sorted(block.duplicate_keys))
            message = f"the entry gives {keys} more than once; expected each field once"
        else:
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            message = f"cannot read this entry: {squash(reason)}"
        problems.append((line, column, message))
    for entry in library.entries:
        problems += _missing_commas(entry, source)
    if problems:
        line, column, message = min(problems)
        more = len(problems) - 1
        if more:
            message += f" (and {more} more {'entry' if more == 1 else 'entries'} like it)"
        raise ImportFailed(shown, message, line, column)


def _missing_commas(entry: Entry, source: list[str]) -> list[tuple[int, int, str]]:
    """The entry, if a field in it follows a value with no comma between: bibtexparser reads
    that as one value ("Gene therapy year = 2009"), losing the field."""
    raw = entry.raw or ""
    found = missing_comma(raw)
    if found is None:
        return []
    line, column = _where(entry.start_line, raw, source)
    before = raw[: found.offset]
    if "\n" in before:
        column = found.offset - before.rfind("\n")
    else:
        column += found.offset
    message = (
        f"no comma between the fields {found.previous!r} and {found.name!r} of {entry.key!r}:"
        " the value would run into the next field; expected ',' after each field's value"
    )
    return [(line + before.count("\n"), column, message)]


def _where(start_line: int | None, raw: str | None, source: list[str]) -> tuple[int, int]:
    line = (start_line or 0) + 1
    if raw and 0 < line <= len(source):
        column = source[line - 1].find(raw.lstrip().split("\n", 1)[0])
        return line, column + 1 if column >= 0 else 1
    return line, 1


@dataclass
class _File:
    """What reading one file shares: its notes, and its LaTeX decoder with the budget."""

    notes: list[str] = field(default_factory=list)
    decode: Decoder = field(default_factory=Decoder)
    over_budget: list[int] = field(default_factory=list)  # lines of fields not decoded

    def all_notes(self) -> list[str]:
        if not self.over_budget:
            return self.notes
        count, first = len(self.over_budget), self.over_budget[0]
        # One note, not one a field: a file that spends the budget holds thousands of them.
        return [
            *self.notes,
            f"line {first}: the LaTeX of {count} field{'s' if count > 1 else ''} from here on "
            f"was not decoded, the file holding more than {self.decode.budget:,} characters "
            "of it; kept as written",
        ]


class _Fields:
    """One entry's fields as written (lower-case names), read into a reference; what cannot
    be read plainly goes to the file's notes, naming the entry's line and key."""

    def __init__(self, fields: dict[str, object], key: str, line: int, file: _File):
        self.fields, self.key, self.line, self.file = fields, key, line, file
        self.notes = file.notes

    def decode(self, value: str, what: str) -> str | None:
        """`value` decoded (braces kept), or None with a note, or counted past the budget."""
        plain, problem = self.file.decode(value)
        if problem == OVER_BUDGET:
            self.file.over_budget.append(self.line)
        elif problem is not None:
            self.note(f"{what} of {self.key!r} {problem}; kept as written")
        return None if problem else plain

    def reference(self, ref_id: str) -> ImportedReference:
        return ImportedReference(
            id=ref_id,
            cited_as=None,
            doi=self.doi(),
            title=self.text("title"),
            authors=self.authors(),
            year=self.year(),
            # biblatex names the journal `journaltitle`; BibTeX's `journal` is its alias.
            journal=self.text("journal") or self.text("journaltitle") or self.text("booktitle"),
            volume=self.text("volume"),
            issue=self.text("number") or self.text("issue"),
            pages=self.pages(),
            line=self.line,
        )

    def note(self, message: str) -> None:
        self.notes.append(f"line {self.line}: {message}")

    def raw(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if isinstance(value, str) else None

    def text(self, name: str) -> str | None:
        """A text field with its LaTeX decoded and the braces that only protect capitals
        dropped; as written, with a note, when its LaTeX cannot be read plainly."""
        value = self.raw(name)
        if value is None:
            return None
        plain = self.decode(value, f"the {name}")
        return squash(value) if plain is None else _unbraced(plain)

    def verbatim(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        return squash(_ESCAPED.sub(lambda m: next(c for c in m.groups() if c), value))

    def doi(self) -> str | None:
        """The DOI `_doi` reads, with a note when LaTeX is left in it: a brace or backslash
        that no escape above accounts for is far likelier markup than part of the DOI."""
        doi = self._doi()
        if doi is not None and _LATEX_LEFT.search(doi):
            self.note(
                f"the DOI {doi!r} of {self.key!r} keeps a brace or backslash, likely LaTeX "
                "markup; kept as written: check it"
            )
        return doi

    def _doi(self) -> str | None:
        """The `doi`, or else a doi.org link in `url`. A `doi` listing DOIs (`doi_parts`)
        gives each; more than one is left
        out with a note, as the pasted-list importer does: which is the reference's is not
        for the importer to guess."""
        written = self.verbatim("doi")
        if written is None:
            url = self.verbatim("url")
            if url is None or not _DOI_URL.match(url):
                return None
            return doi_or_note(url, f"line {self.line}: url of {self.key!r}", self.notes)
        where = f"line {self.line}: doi of {self.key!r}"
        return one_doi(
            listed_dois(written, where, self.notes),
            lambda listed: self.note(
                f"doi of {self.key!r} gives more than one DOI ({listed}); left out"
            ),
        )

    def year(self) -> int | None:
        """The `year`, or else the year of biblatex's `date`; a note for one not plain."""
        year, date = self.raw("year"), self.raw("date")
        if year is not None:
            parsed = plain_year(_unbraced(year) or "")  # `{{2001}}` is 2001
            if parsed is None:
                self.note(f"year {year!r} of {self.key!r} is not a plain year; left out")
            return parsed
        if date is None:
            return None
        # An ISO 8601 date or range (`2019-05-01`, `2019/2020`, `2019/..`): its start's year.
        # One uncertain (`2019?`), approximate (`2019~`), unspecified (`201X`) or with no start
        # (`../2020`) states no year plainly.
        match = _DATE_RANGE.fullmatch(squash(_unbraced(date)) or "")
        parsed = plain_year(match.group(1)) if match else None
        if parsed is None:
            self.note(f"date {date!r} of {self.key!r} is not a plain date; left out")
        return parsed

    def pages(self) -> str | None:
        # Decoding made `--` an en dash; the claim map writes a range with `-`.
        text = self.text("pages")
        return re.sub(r"\s*[–—-]+\s*", "-", text) if text else None

    def authors(self) -> tuple[str, ...]:
        from bibtexparser.middlewares.names import split_multiple_persons_names

        value = self.raw("author")
        if value is None:
            return ()
        written_names, empty = _without_empty_names(split_multiple_persons_names(value))
        if empty:
            self.note(
                f"the authors of {self.key!r} hold {empty} empty name{'s' if empty > 1 else ''}"
                " (an 'and' with no name on one side); left out"
            )
        names = []
        for position, written in enumerate(written_names, start=1):
            if _TRUNCATED.fullmatch(written.replace("{", "").replace("}", "").strip()):
                if position == len(written_names):
                    names.append("et al.")  # what the claim-map loader reads as truncated
                else:
                    self.note(
                        f"the authors of {self.key!r} name {written!r} before the last; left out"
                    )
                continue
            name = self.name(written)
            if name is None:
                return ()
            names.append(name)
        return tuple(name for name in names if name)

    def name(self, written: str) -> str | None:
        """One name as "Family GI"; None, with a note, when it cannot be split into parts.

        Decoding keeps braces, so a corporate author ({World Health Organization}) is one
        name; each name is decoded alone, so a long author list costs no more than its names.
        """
        from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

        # Quoted by hand: repr would double every backslash of the LaTeX.
        plain = self.decode(written, f"the author '{squash(written)}'")
        try:
            parts = parse_single_name_into_parts(written if plain is None else plain)
        except InvalidNameError as error:
            self.note(f"the authors of {self.key!r} could not be read as names ({error}); left out")
            return None
        text = squash if plain is None else _unbraced
        last = text(" ".join(parts.von + parts.last)) or ""
        given = [text(name) or "" for name in parts.first]
        return vancouver_name(last, given, text(" ".join(parts.jr)) or "")


# An `and` with no name on one side. bibtexparser, like BibTeX, splits names only at an
# `and` with a space on both sides, so `Smith, John and` stays one name (given names "John
# and": "Smith JA"), and `Smith, John and and Doe, Jane` gives "and Doe, Jane".
_AND_BEFORE = re.compile(r"^(?:and(?:\s+|$))+", re.IGNORECASE)
_AND_AFTER = re.compile(r"(?:(?:^|\s+)and)+$", re.IGNORECASE)
_NO_NAME = re.compile(r"[\s{}~]*")  # what is left of a name that was never written


def _without_empty_names(written: list[str]) -> tuple[list[str], int]:
    """The names, each without a stray `and` at either end, and how many were empty."""
    names, empty = [], 0
    for name in written:
        stripped = name.strip()
        bare = _AND_AFTER.sub("", _AND_BEFORE.sub("", stripped))
        nothing = bool(_NO_NAME.fullmatch(bare))  # `{}`, or only the `and`
        if bare != stripped or nothing:
            empty += 1
        if not nothing:
            names.append(bare)
    return names, empty


def _unbraced(value: str) -> str | None:
    """`value` without the braces that only protect capitals; math kept as written."""
    parts = _MATH.split(value)
    plain = [p if p.startswith("$") else p.replace("{", "").replace("}", "") for p in parts]
    return squash("".join(plain))
