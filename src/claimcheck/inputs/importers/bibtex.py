"""BibTeX: one reference per entry, read with bibtexparser 2.

BibTeX has no printed form of a reference, so `cited_as` stays empty; the structured fields
come from the entry. LaTeX is decoded (`M{\\"u}ller` -> `Müller`), and the braces that protect
capitals are dropped; math (`$\\alpha$`) is kept as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.inputs.importers.model import (
    IdMaker,
    ImportedReference,
    ImportFailed,
    ImportResult,
    doi_or_note,
    plain_year,
    squash,
    vancouver_name,
)

if TYPE_CHECKING:
    from bibtexparser.library import Library
    from bibtexparser.model import Entry

__all__ = ["read_bibtex"]

_MATH = re.compile(r"(\$[^$]*\$)")
_START = re.compile(r"^[ \t]*@", re.MULTILINE)


def read_bibtex(text: str, path: Path) -> ImportResult:
    """Every entry of a BibTeX file. ImportFailed, located, for an entry that cannot be read."""
    shown = str(path)
    library = _parse(text, shown)
    _refuse_failures(library, text, shown)
    notes: list[str] = []
    ids = IdMaker()
    references = []
    for position, entry in enumerate(_entries(library, notes), start=1):
        line = (entry.start_line or 0) + 1  # bibtexparser counts lines from 0
        reference = _reference(entry, ids.make(entry.key, position, line), line, notes)
        if reference.is_empty():
            notes.append(
                f"line {line}: entry {entry.key!r} has no field a claim map holds; skipped"
            )
            continue
        references.append(reference)
    if not references:
        where = "no @article{…} or other entry" if not library.entries else "no entry with fields"
        raise ImportFailed(shown, f"{where}; expected BibTeX entries such as @article{{key, …}}", 1)
    return ImportResult(path, "bibtex", tuple(references), tuple(ids.notes + notes))


def _parse(text: str, shown: str) -> Library:
    import logging

    try:
        from bibtexparser import middlewares
        from bibtexparser.entrypoint import parse_string

        from claimcheck.inputs.importers.bibtex_concat import JoinConcatenations
    except ImportError:  # not installed, or bibtexparser 1.x, whose API differs
        raise ImportFailed(
            shown, "reading BibTeX needs bibtexparser 2 (pip install bibtexparser)"
        ) from None

    # LaTeX is decoded first, keeping braced groups: the decoder cannot reach names once
    # they are split, and a corporate author ({World Health Organization}) must keep its
    # braces to be split as one name. `_text` drops the braces afterwards.
    stack = [
        JoinConcatenations(),
        middlewares.LatexDecodingMiddleware(keep_braced_groups=True),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),
    ]
    # bibtexparser logs each broken block as a warning; ours is the located error below.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return parse_string(text, append_middleware=stack)
    except Exception as error:  # bibtexparser re-raises its own bugs
        message = f"bibtexparser could not read the file ({type(error).__name__}: {error})"
        raise ImportFailed(shown, message, 1) from None
    finally:
        logger.setLevel(level)


def _refuse_failures(library: Library, text: str, shown: str) -> None:
    """A block that could not be split is refused: skipping it would lose a reference."""
    from bibtexparser.model import (
        DuplicateBlockKeyBlock,
        DuplicateFieldKeyBlock,
        MiddlewareErrorBlock,
    )

    problems = []
    for block in library.failed_blocks:
        if isinstance(block, MiddlewareErrorBlock):
            continue  # a field that could not be decoded; the entry is read without it
        line, column = _where(block.start_line, block.raw, text)
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
    if problems:
        line, column, message = min(problems)
        more = len(problems) - 1
        if more:
            message += f" (and {more} more {'entry' if more == 1 else 'entries'} like it)"
        raise ImportFailed(shown, message, line, column)


def _where(start_line: int | None, raw: str | None, text: str) -> tuple[int, int]:
    line = (start_line or 0) + 1
    source = text.split("\n")
    if raw and 0 < line <= len(source):
        column = source[line - 1].find(raw.lstrip().split("\n", 1)[0])
        return line, column + 1 if column >= 0 else 1
    return line, 1


def _entries(library: Library, notes: list[str]) -> list[Entry]:
    """The entries in file order, including those whose LaTeX or names could not be read."""
    from bibtexparser.model import Entry, MiddlewareErrorBlock

    entries = []
    for block in library.blocks:
        if isinstance(block, Entry):
            entries.append(block)
        elif isinstance(block, MiddlewareErrorBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            line = (block.start_line or 0) + 1
            key = block.ignore_error_block.key
            notes.append(f"line {line}: entry {key!r}: {squash(str(block.error))}; read without it")
            entries.append(block.ignore_error_block)
    return entries


def _reference(entry: Entry, ref_id: str, line: int, notes: list[str]) -> ImportedReference:
    fields = {field.key.lower(): field.value for field in entry.fields}
    year = fields.get("year")
    parsed_year = plain_year(year) if isinstance(year, str) else None
    if year is not None and parsed_year is None:
        notes.append(f"line {line}: year {year!r} of {entry.key!r} is not a plain year; left out")
    return ImportedReference(
        id=ref_id,
        cited_as=None,
        doi=doi_or_note(_text(fields.get("doi")), f"line {line}: doi of {entry.key!r}", notes),
        title=_text(fields.get("title")),
        authors=_authors(fields.get("author"), line, notes),
        year=parsed_year,
        journal=_text(fields.get("journal")) or _text(fields.get("booktitle")),
        volume=_text(fields.get("volume")),
        issue=_text(fields.get("number")) or _text(fields.get("issue")),
        pages=_pages(fields.get("pages")),
        line=line,
    )


def _text(value: Any) -> str | None:
    """A field's text without the braces that only protect capitals; math kept as written."""
    if not isinstance(value, str):
        return None
    parts = _MATH.split(value)
    plain = [p if p.startswith("$") else p.replace("{", "").replace("}", "") for p in parts]
    return squash("".join(plain))


def _pages(value: Any) -> str | None:
    # LaTeX decoding made `--` an en dash; the claim map writes a range with `-`.
    text = _text(value)
    return re.sub(r"\s*[–—-]+\s*", "-", text) if text else None


def _authors(value: Any, line: int, notes: list[str]) -> tuple[str, ...]:
    from bibtexparser.middlewares.names import NameParts

    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, NameParts) for v in value):
        # Splitting failed, and `_entries` said why: the names are not guessed at.
        notes.append(f"line {line}: the authors could not be read as names; left out")
        return ()
    names = []
    for parts in value:
        last = _text(" ".join(parts.von + parts.last)) or ""
        if not parts.first and not parts.von and last.lower() == "others":
            names.append("et al.")  # BibTeX's "and others": a truncated list
            continue
        given = [_text(name) or "" for name in parts.first]
        names.append(vancouver_name(last, given, _text(" ".join(parts.jr)) or ""))
    return tuple(name for name in names if name)
