"""Update entries as links: their types and kinds, and the records they name. Pure.

Crossmark's update types (https://www.crossref.org/documentation/crossmark/participating-in-
crossmark/), Retraction Watch's natures, and old free-text variants are placed in four kinds:
retraction, expression of concern, correction, reinstatement.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from claimcheck.model.events import EventKind, UpdateEntry
from claimcheck.model.record import Work

RETRACTION_WATCH = "retraction-watch"  # Crossref's copy, inside each work record
RETRACTION_WATCH_CSV = "retraction-watch-csv"  # the published CSV, read locally
RETRACTION_WATCH_SOURCES = frozenset({RETRACTION_WATCH, RETRACTION_WATCH_CSV})

# Crossmark's update types (https://www.crossref.org/documentation/crossmark/
# participating-in-crossmark/), Retraction Watch's natures, and old free-text variants.
_KIND_OF_TYPE = {
    "retraction": EventKind.RETRACTION,
    "partial_retraction": EventKind.RETRACTION,
    "withdrawal": EventKind.RETRACTION,
    "removal": EventKind.RETRACTION,
    "expression_of_concern": EventKind.EXPRESSION_OF_CONCERN,
    "correction": EventKind.CORRECTION,
    "erratum": EventKind.CORRECTION,
    "corrigendum": EventKind.CORRECTION,
    "partial_correction": EventKind.CORRECTION,
    "addendum": EventKind.CORRECTION,
    "clarification": EventKind.CORRECTION,
    "reinstatement": EventKind.REINSTATEMENT,
}
# Versions and editions are not editorial events: a new version says nothing about the old.
NOT_EDITORIAL = frozenset({"new_version", "new_edition", "relation"})
# A variant spelling is placed by what it contains, so it is never dropped as "no update".
_KIND_HINTS = (
    ("reinstat", EventKind.REINSTATEMENT),
    ("retract", EventKind.RETRACTION),
    ("withdraw", EventKind.RETRACTION),
    ("remov", EventKind.RETRACTION),
    ("concern", EventKind.EXPRESSION_OF_CONCERN),
    ("correct", EventKind.CORRECTION),
    ("errat", EventKind.CORRECTION),
    ("corrig", EventKind.CORRECTION),
    ("addend", EventKind.CORRECTION),
)
KIND_RANK = {
    EventKind.RETRACTION: 5,
    EventKind.EXPRESSION_OF_CONCERN: 4,
    EventKind.CORRECTION: 3,
    EventKind.REINSTATEMENT: 2,
    EventKind.OTHER: 1,
}
# Within a kind, which type names an event whose sources (or one source) disagree: the
# plainest whole type first, a partial one last.
_TYPE_ORDER = (
    "retraction",
    "withdrawal",
    "removal",
    "partial_retraction",
    "expression_of_concern",
    "correction",
    "erratum",
    "corrigendum",
    "addendum",
    "clarification",
    "partial_correction",
    "reinstatement",
)


@lru_cache(maxsize=1024)
def normalise_type(raw: str) -> str:
    text = re.sub(r"[\s\-]+", "_", raw.strip().lower()).strip("_")
    return {"retration": "retraction"}.get(text, text)


# Updates that act on another update: "removal of expression of concern" lifts a concern and
# "retraction of correction" withdraws a correction; neither retracts the work, which the
# hints alone ("remov", "retract") would say. Such a type is read as no editorial kind. "Notice
# of retraction" and "expression of concern" are not among them: each names one kind.
_ACTIONS_ON_AN_UPDATE = frozenset(
    {"removal", "withdrawal", "lifting", "reversal", "rescission", "retraction", "correction"}
)


@lru_cache(maxsize=1024)
def kind_of(update_type: str) -> EventKind:
    text = normalise_type(update_type)
    if text in _KIND_OF_TYPE:
        return _KIND_OF_TYPE[text]
    action, of, target = text.partition("_of_")
    if of and action in _ACTIONS_ON_AN_UPDATE and _hinted(target) is not EventKind.OTHER:
        return EventKind.OTHER
    return _hinted(text)


def _hinted(text: str) -> EventKind:
    return next((kind for hint, kind in _KIND_HINTS if hint in text), EventKind.OTHER)


@lru_cache(maxsize=1024)
def type_rank(update_type: str) -> tuple[int, int, str]:
    """Orders types by severity: kind first, then `_TYPE_ORDER`, then by name."""
    text = normalise_type(update_type)
    known = _TYPE_ORDER.index(text) if text in _TYPE_ORDER else len(_TYPE_ORDER)
    return (KIND_RANK[kind_of(update_type)], -known, text)


class Side(StrEnum):
    UPDATE_TO = "update-to"
    UPDATED_BY = "updated-by"


@dataclass(frozen=True, slots=True)
class Link:
    """One registry entry, with the list it sits in and its normalised type."""

    side: Side
    entry: UpdateEntry
    type: str

    @property
    def kind(self) -> EventKind:
        return kind_of(self.type)


def links_of(work: Work) -> list[Link]:
    """Every editorial entry of the work; versions and editions are left out."""
    found = []
    for side, entries in ((Side.UPDATE_TO, work.update_to), (Side.UPDATED_BY, work.updated_by)):
        for entry in entries:
            kind = normalise_type(entry.type) or normalise_type(entry.label) or "unknown"
            if kind not in NOT_EDITORIAL:
                found.append(Link(side, entry, kind))
    return found


# The most linked records read per work. Real records link a handful (The Lancet paper: 5);
# one hostile record listing 100,000 must not make an audit fetch 100,000 works. Records
# whose direction Retraction Watch settles (`settled_by_retraction_watch`) are read only to
# name them, so the cap never makes them unverified: one Retraction Watch notice can retract
# hundreds of papers at once (a publisher's mass retraction of a paper mill's output).
MAX_LINKED = 50


def linked_dois(work: Work) -> list[str]:
    """The other records a work's updates name, read to decide directions and to name them:
    the first MAX_LINKED, those a decision needs first, each part in DOI order."""
    if not work.update_to and not work.updated_by:
        return []  # most works: nothing linked, asked once per answer
    # The sides Retraction Watch entries sit on, per record: one side settles it (below).
    sides: dict[str, set[Side]] = {}
    for link in links_of(work):
        on = sides.setdefault(link.entry.doi, set())
        if link.entry.source in RETRACTION_WATCH_SOURCES:
            on.add(link.side)
    sides.pop(work.doi, None)
    sides.pop("", None)
    # The first MAX_LINKED in that order, without sorting all of a hostile record's links
    # (`nsmallest` is documented equivalent to `sorted(...)[:n]`).
    return heapq.nsmallest(MAX_LINKED, sides, key=lambda d: (len(sides[d]) == 1, d))


def settled_by_retraction_watch(links: list[Link]) -> bool:
    """Whether Retraction Watch entries sit on one side only of these links to one record:
    that side settles their direction (roles.py), so the record need not be read."""
    return len({link.side for link in links if link.entry.source in RETRACTION_WATCH_SOURCES}) == 1
