"""A reference list as text: pasted from an article, or the whole article around it.

Segmenting: lines that start with a number ("1.", "[1]", "1)", "1 ") start references, as
does a number alone on its line ("1." or "[1]", the reference on the lines below), and the
list is the longest run of them numbered one after another, so numbers elsewhere (a
numbered list in the body, a wrapped line starting "32 252-260") start none. A
reference runs on over wrapped lines up to a blank line or the next number. With no such
run of two or more, each non-empty line is one reference, except one reference under its
number alone on the first line.

Fields: `cited_as` keeps the reference as printed (leading number removed; wrapped lines
joined by one space). DOIs are read only where labelled or in a resolver URL. Year,
volume, issue and pages are read where the style makes them plain, and authors, title and
journal only for the whole Vancouver ("Authors. Title. Journal. 2009;17(5):939-46.") or
Nature ("Family, I. & Family, I. Title. Journal 17, 939–946 (2009).") shape. A field that
is not plain is left out, never guessed: `cited_as` still holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from claimcheck.inputs.importers.model import (
    ImportedReference,
    ImportFailed,
    ImportResult,
    squash,
)
from claimcheck.inputs.importers.text_dois import read_doi
from claimcheck.inputs.importers.text_names import BOUNDARY, GENUS, author_list

__all__ = ["parse_reference", "read_text"]

_GAP = r"[ \t\u00a0\u3000]"
_MARKER = re.compile(
    rf"{_GAP}*(?:\[(\d{{1,3}})\]{_GAP}*|(\d{{1,3}})[.)]{_GAP}+|(\d{{1,3}}){_GAP}+)(?=\S)"
)
# Four digits and more read like a year ("2014 Jun;…", "2010." on a wrapped line), which is
# why a marker has at most three; such a line starts a reference only where it continues the
# numbering (reference 1000 after 999), so a long list is not cut there.
_LONG_MARKER = re.compile(
    rf"{_GAP}*(?:\[(\d{{4,6}})\]{_GAP}*|(\d{{4,6}})[.)]{_GAP}+|(\d{{4,6}}){_GAP}+)(?=\S)"
)
# A number alone on its line ("1." or "[1]"), its reference on the lines after it.
_ALONE = re.compile(rf"{_GAP}*(?:\[(\d{{1,6}})\]|(\d{{1,6}})[.)]){_GAP}*$")
# A line starting as an item of a list does ("12.", "12)", "[12]"), not a wrapped "32 252-60".
_ITEM = re.compile(rf"{_GAP}*(?:\[(\d{{1,6}})\]|(\d{{1,6}})[.)](?:{_GAP}|$))")
_BULLET = re.compile(rf"{_GAP}*(?:[-*•·▪]|\[\d{{1,3}}\]|\d{{1,3}}[.)]){_GAP}+(?=\S)")


_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE = r"(?:\s+[A-Z][a-z]{2,8}\.?(?:[-–/][A-Z][a-z]{2,8}\.?)?(?:\s+\d{1,2})?)?"
_PAGES = r"(?P<pages>[A-Za-z]{0,2}\d+[A-Za-z]?(?:\s*[-–—]\s*[A-Za-z]{0,2}\d+[A-Za-z]?)?)"
_AFTER = r"(?=\.?\s*$|\.\s)"
# "2009;17(5):939-46", "2004 Jun 24;23(29):5095-8", "2013; 1037: 145-63", "2007, 25: 2363-70".
_VANCOUVER_SOURCE = re.compile(
    rf"(?<![\w.]){_YEAR}{_DATE}\s*[;,]\s*(?P<volume>\d{{1,5}})"
    rf"(?:\s*\((?P<issue>[^()]{{1,20}})\))?\s*:\s*{_PAGES}{_AFTER}"
)
# Nature: "Nat Biotechnol 32, 252–260 (2014)".
_NATURE_SOURCE = re.compile(rf"(?<![\w.])(?P<volume>\d{{1,5}}),\s+{_PAGES}\s+\({_YEAR}\){_AFTER}")
# A year where the common styles print it: "(2009)", "2009;", ". 2009.", ". 2009 Jun" or
# a book's "Press; 2009.".
_PLAIN_YEAR = re.compile(
    r"\(((?:19|20)\d\d)[a-z]?\)|(?<![\w./-])((?:19|20)\d\d)[a-z]?\s*;"
    r"|(?:^|[.;,]\s+)((?:19|20)\d\d)[a-z]?(?=[.,:;]|\s+[A-Z][a-z]{2}\b|$)"
)


@dataclass(frozen=True, slots=True)
class _Block:
    number: int | None
    line: int
    text: str
    breaks: tuple[int, ...] = ()  # where in `text` a wrapped line was joined (the space)


@dataclass(frozen=True, slots=True)
class _Source:
    """The year-volume-issue-pages part of a reference, and where it starts."""

    nature: bool
    start: int
    year: int
    volume: str
    issue: str | None
    pages: str


@dataclass(frozen=True, slots=True)
class _Shape:
    authors: tuple[str, ...]
    title: str
    journal: str


def read_text(text: str, path: Path) -> ImportResult:
    """The references of a numbered or line-separated list; ImportFailed if there are none."""
    lines = text.split("\n")
    blocks, notes = _numbered(lines)
    if not blocks:
        blocks, notes = _line_by_line(lines)
    if not blocks:
        raise ImportFailed(str(path), "no reference found; expected one reference per line", 1)
    references, partial = [], []
    for position, block in enumerate(blocks, start=1):
        ref_id = f"R{block.number if block.number is not None else position}"
        reference, reference_notes = parse_reference(
            block.text, ref_id, block.line, breaks=block.breaks
        )
        notes += [f"{ref_id} (line {block.line}): {note}" for note in reference_notes]
        if reference.title is None:
            partial.append(ref_id)
        references.append(reference)
    if partial:
        listed = ", ".join(partial[:10]) + (", …" if len(partial) > 10 else "")
        notes.append(
            "authors, title and journal are left out where the style is not plainly "
            f"Vancouver or Nature, and cited_as holds them: {listed}"
        )
    return ImportResult(path, "text", tuple(references), tuple(notes))


# --- segmenting -----------------------------------------------------------------------------


def _numbered(lines: list[str]) -> tuple[list[_Block], list[str]]:
    """The longest run of consecutively numbered lines (the later on a tie), as blocks."""
    starts: list[tuple[int, int, str]] = []
    length: dict[int, int] = {}  # position in `starts` -> length of the run ending there
    previous: dict[int, int] = {}
    latest: dict[int, int] = {}  # number -> the latest position with that number
    for index, line in enumerate(lines):
        match = _MARKER.match(line) or _LONG_MARKER.match(line) or _alone(lines, index)
        if match is None:
            continue
        number = int(next(g for g in match.groups() if g is not None))
        before = latest.get(number - 1)
        if before is None and number >= 1000:
            continue  # a year, or a number that does not continue the list
        position = len(starts)
        starts.append((index, number, line[match.end() :]))
        length[position] = 1 if before is None else length[before] + 1
        if before is not None:
            previous[position] = before
        latest[number] = position
    if not length or (max(length.values()) < 2 and not _one_under_its_number(lines, starts)):
        return [], []
    run = [max(length, key=lambda p: (length[p], p))]
    while run[-1] in previous:
        run.append(previous[run[-1]])
    return _blocks(lines, [starts[p] for p in reversed(run)])


def _one_under_its_number(lines: list[str], starts: list[tuple[int, int, str]]) -> bool:
    """Whether the text is one reference under its number alone on the first line ("1."
    then the reference on the next line, and nothing else): a list of one. Read line by
    line, the number would be a reference of its own and shift the ids. Only so plain a
    case counts: a number alone further down may end a wrapped line ("46."), and lines
    after the reference's may be more references, unnumbered, which a list of one would
    run together into one (`_line_by_line` then leaves the number out)."""
    if len(starts) != 1 or starts[0][2].strip():
        return False
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return filled == [starts[0][0], starts[0][0] + 1]


def _alone(lines: list[str], index: int) -> re.Match[str] | None:
    """The number alone on line `index`, when a reference follows it: the next non-empty
    line is text, not another number (a wrapped "46." ending the list starts nothing)."""
    match = _ALONE.match(lines[index])
    if match is None:
        return None
    following = next((line for line in lines[index + 1 :] if line.strip()), None)
    if following is None or _ALONE.match(following) or _MARKER.match(following):
        return None
    return match


def _blocks(lines: list[str], run: list[tuple[int, int, str]]) -> tuple[list[_Block], list[str]]:
    blocks, used, merged = [], set(), []
    for k, (index, number, rest) in enumerate(run):
        stop = run[k + 1][0] if k + 1 < len(run) else len(lines)
        # A number alone on its line: the reference is on the lines after it.
        parts, breaks = [rest.strip()] if rest.strip() else [], list[int]()
        used.add(index)
        for follow in range(index + 1, stop):
            if not lines[follow].strip():
                if parts:
                    break  # a blank line ends a reference
                continue
            if parts:
                breaks.append(breaks[-1] + 1 + len(parts[-1]) if breaks else len(parts[0]))
            parts.append(lines[follow].strip())
            used.add(follow)
            if _later_item(lines[follow], number):
                merged.append(follow + 1)
        blocks.append(_Block(number, index + 1, " ".join(parts), tuple(breaks)))
    ignored = [i + 1 for i, line in enumerate(lines) if line.strip() and i not in used]
    first, last = run[0][1], run[-1][1]
    notes = [
        f"read the numbered references {first}–{last}"
        if len(run) > 1
        else f"read the numbered reference {first}"
    ]
    if ignored:
        notes[0] += f"; the {len(ignored)} other non-empty lines are not in the list: ignored"
    # Read into the reference before them, past a gap in the numbering: said, never silent.
    starts = [n for n in ignored if _MARKER.match(lines[n - 1]) or _ALONE.match(lines[n - 1])]
    numbered = sorted(merged + starts)
    if numbered:
        listed = ", ".join(map(str, numbered[:5])) + (", …" if len(numbered) > 5 else "")
        notes.append(f"lines {listed} start with a number that breaks the numbering; check them")
    return blocks, notes


def _later_item(line: str, number: int) -> bool:
    """Whether `line`, read as part of reference `number`, starts as a later item of a list
    would ("7. Smith J…" in reference 5 when 6 is missing). A year does not count: "2010."
    on a wrapped line is more of the reference."""
    match = _ITEM.match(line)
    if match is None:
        return False
    item = int(next(g for g in match.groups() if g is not None))
    return item > number and not 1900 <= item <= 2099


def _line_by_line(lines: list[str]) -> tuple[list[_Block], list[str]]:
    blocks, numbers = [], []
    for index, line in enumerate(lines):
        if _ALONE.match(line):  # "1." alone: the number of the line below, no reference
            numbers.append(index + 1)
        elif line.strip():
            bullet = _BULLET.match(line)
            blocks.append(_Block(None, index + 1, line[bullet.end() if bullet else 0 :].strip()))
    if not blocks:
        return [], []
    filled = len(blocks) + len(numbers)
    notes = [f"no numbered list: each of the {filled} non-empty lines is a reference"]
    if numbers:
        listed = ", ".join(map(str, numbers[:5])) + (", …" if len(numbers) > 5 else "")
        notes[0] += f", but for line {listed}, a number alone: no reference"
    return blocks, notes


# --- fields ---------------------------------------------------------------------------------


def parse_reference(
    cited: str, ref_id: str, line: int, *, breaks: tuple[int, ...] = ()
) -> tuple[ImportedReference, list[str]]:
    """One printed reference, read into the fields that are plain in it, and notes on why
    others were left out. `breaks` are where in `cited` wrapped lines were joined (each
    the offset of the joining space): a DOI that runs to a line's end may run on."""
    notes: list[str] = []
    doi, body = read_doi(cited, notes, breaks)
    source = _source(body, notes)
    shape = _shape(body, source, notes) if source else None
    reference = ImportedReference(
        id=ref_id,
        cited_as=cited.strip() or None,
        doi=doi,
        title=shape.title if shape else None,
        authors=shape.authors if shape else (),
        year=source.year if source else _year(body, notes),
        journal=shape.journal if shape else None,
        volume=source.volume if source else None,
        issue=source.issue if source else None,
        pages=source.pages if source else None,
        line=line,
    )
    return reference, notes


def _source(body: str, notes: list[str]) -> _Source | None:
    """Year, volume, issue and pages, when exactly one part of the text prints them."""
    matches = [*_VANCOUVER_SOURCE.finditer(body), *_NATURE_SOURCE.finditer(body)]
    if len(matches) != 1:
        if matches:
            notes.append("volume, issue and pages are printed more than once; left out")
        return None
    match = matches[0]
    issue = match.group("issue") if match.re is _VANCOUVER_SOURCE else None
    return _Source(
        nature=match.re is _NATURE_SOURCE,
        start=match.start(),
        year=int(match.group("year")),
        volume=match.group("volume"),
        issue=squash(issue),
        pages=match.group("pages"),
    )


def _year(body: str, notes: list[str]) -> int | None:
    years = {int(next(g for g in m.groups() if g)) for m in _PLAIN_YEAR.finditer(body)}
    if len(years) > 1:
        notes.append(f"several years are printed ({', '.join(map(str, sorted(years)))}); left out")
        return None
    return next(iter(years), None)


def _shape(body: str, source: _Source, notes: list[str]) -> _Shape | None:
    """Authors, title and journal when the text before the source part is exactly
    "Authors. Title. Journal." (Vancouver) or "Authors. Title. Journal" (Nature)."""
    head = body[: source.start].rstrip()
    if source.nature == head.endswith("."):
        return None  # Vancouver ends the journal with a period; Nature runs on to the volume
    found = author_list(head, source.nature, notes)
    if found is None:
        return None
    authors, end = found
    middle = head[end:].strip().removesuffix(".").rstrip()
    boundaries = [b for b in BOUNDARY.finditer(middle) if not GENUS.match(middle, b.start() - 1)]
    if len(boundaries) != 1:
        return None  # another period could end the title or sit in the journal's name
    cut = boundaries[0]
    mark = cut.group()[0]
    title = squash(middle[: cut.start()] + ("" if mark == "." else mark))
    journal = squash(middle[cut.end() :])
    if not title or not journal:
        return None
    return _Shape(authors, title, journal)
