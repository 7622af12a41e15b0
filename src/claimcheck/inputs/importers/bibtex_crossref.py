"""BibTeX's `crossref`: an entry takes the fields it lacks from the entry it names.

`@inproceedings{child, title = {Child paper}, crossref = {proc}}` with `@proceedings{proc,
title = {Proceedings of the Big Conference}, year = 2015, volume = 42}` is a paper in that
volume, published in 2015. BibTeX copies every field the child lacks from its parent
(Patashnik, "BibTeXing", on cross-references); biblatex also gives the child the parent's
`title` as its `booktitle` where the parent is a book or proceedings, and as its
`journaltitle` where the parent is a periodical, and follows a parent's own `crossref`.

Two kinds of field are not inherited: the links themselves, and the parent's `doi` and
`url`, which name the volume, not the paper: a child given its volume's DOI would be checked
against the volume's record.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Linked", "inherit"]

# The parent types whose title is, for the child, the title of what holds it.
_TITLE_AS = {
    **dict.fromkeys(
        (
            *("book", "mvbook", "collection", "mvcollection", "proceedings"),
            *("mvproceedings", "reference", "mvreference"),
        ),
        "booktitle",
    ),
    "periodical": "journaltitle",
}
# A parent's titles, which biblatex gives the child only as the field above.
_TITLES = frozenset(
    ("title", "subtitle", "titleaddon", "shorttitle", "sorttitle", "indextitle", "indexsorttitle")
)
_NOT_INHERITED = frozenset(
    ("crossref", "xref", "xdata", "ids", "entryset", "related", "doi", "url")
)
# biblatex follows a parent's own crossref; no bibliography chains more than a few, and the
# limit keeps a file that chains thousands of entries from costing thousands each.
_MAX_CHAIN = 8


@dataclass
class Linked:
    """One entry: its key, type (lower-case), fields (lower-case names) and 1-based line."""

    key: str
    kind: str
    fields: dict[str, object]
    line: int


def inherit(entries: list[Linked], notes: list[str]) -> None:
    """Each entry's `fields` completed, in place, from the entries its `crossref` chain
    names, nearest first; a note for a key that names no entry, a chain that leads back to
    itself, or one more than _MAX_CHAIN long."""
    by_key = {entry.key: entry for entry in entries}
    # BibTeX matches the key regardless of case; an exact match is preferred.
    folded = {entry.key.casefold(): entry for entry in reversed(entries)}
    own = {id(entry): dict(entry.fields) for entry in entries}  # as written, before any is filled
    said: set[str] = set()  # a broken link is named once, not once for each entry below it
    for entry in entries:
        current, seen = entry, {entry.key}
        while isinstance(target := own[id(current)].get("crossref"), str) and target.strip():
            name = target.strip()
            parent = by_key.get(name) or folded.get(name.casefold())
            link = f"line {current.line}: crossref {name!r} of {current.key!r}"
            if parent is None or parent.key in seen:
                why = "names no entry in the file" if parent is None else "closes a loop"
                if link not in said:
                    said.add(link)
                    notes.append(f"{link} {why}; read without it")
                break
            if len(seen) > _MAX_CHAIN:
                notes.append(
                    f"line {entry.line}: the crossref chain of {entry.key!r} is more than "
                    f"{_MAX_CHAIN} long; read up to {current.key!r}"
                )
                break
            seen.add(parent.key)
            for field, value in _inherited(parent.kind, own[id(parent)]).items():
                entry.fields.setdefault(field, value)
            current = parent


def _inherited(kind: str, parent: dict[str, object]) -> dict[str, object]:
    """What a parent of type `kind` with fields `parent` passes to its child."""
    title_as = _TITLE_AS.get(kind)
    fields = {
        field: value
        for field, value in parent.items()
        if field not in _NOT_INHERITED and not (title_as and field in _TITLES)
    }
    if title_as and "title" in parent:
        fields[title_as] = parent["title"]  # over the parent's own booktitle
    return fields
