"""The role table (README, "How updates are read"): for the links between a work and one
other record, which of the two is the notice. Pure.

Evidence first: Retraction Watch's side; a title that names the other record; the titles of
both records read together; then Crossref's convention for a one-way publisher link. A link
nothing settles is `unclear`, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.checks.titles import TitleSignal, names_any, read_titles
from claimcheck.checks.update_links import RETRACTION_WATCH_SOURCES, Link, Side
from claimcheck.model.events import EventKind, UpdateDirection
from claimcheck.model.record import Lookup, LookupStatus, Work


@dataclass(frozen=True)
class Direction:
    """How one link was read: its direction, the rule that settled it, and what was missing."""

    direction: UpdateDirection | None  # None: the record at the other end was needed, not read
    basis: str
    unreadable: str = ""


def decide(work: Work, links: list[Link], other: Lookup | None, *, own_title: bool) -> Direction:
    """The role table (README, "How updates are read"), row by row, for the links between
    `work` and one other record. `own_title` is False when the work was updated in place: its
    titles then name that update, not the work's role towards others. A notice title speaks
    only for its own kind: "Correction for multiple comparisons …" says nothing about a
    retraction."""
    by_retraction_watch = retraction_watch_direction(links)
    if by_retraction_watch is not None:
        return Direction(by_retraction_watch, "retraction-watch")
    if other is None or other.status is LookupStatus.FAILED:
        if any(link.kind is not EventKind.OTHER for link in links):
            why = "it was not looked up" if other is None else other.error or "its lookup failed"
            return Direction(None, "other-record-unreadable", why)
        other = None
    other_work = other.work if other is not None else None
    # Every title of each record counts, translated ones too (Crossref's `title` holds "Work
    # titles, including translated titles"): a notice may name the original only in English.
    titles = work.titles if own_title else ()
    if other_work is not None:
        # A notice named after the other record: only one of the two may name the other.
        named = (
            names_any(titles, other_work.titles, other_work.subtitles),
            names_any(other_work.titles, titles, work.subtitles),
        )
        if named == (True, False):
            return Direction(UpdateDirection.NOTICE_OF, "title-names-the-other")
        if named == (False, True):
            return Direction(UpdateDirection.UPDATED_BY, "title-names-the-other")
    kinds = {link.kind.value for link in links}
    own = read_titles(titles, kinds)
    theirs = read_titles(other_work.titles, kinds) if other_work is not None else None
    if own.disagree or (theirs is not None and theirs.disagree):
        # One record's own titles read both ways ("RETRACTED: X" and "Retraction: X"): it
        # may be the notice or the retracted work, and no side or title settles which.
        return Direction(UpdateDirection.UNCLEAR, "record-titles-disagree")
    return _by_sides(links, own.signal, theirs.signal if theirs is not None else None)


def _by_sides(links: list[Link], own: TitleSignal, theirs: TitleSignal | None) -> Direction:
    """Rows 4 to 7: the sides the entries sit on, read with what each title says."""
    sides = {link.side for link in links}
    if len(sides) == 2:
        return _two_way(own, theirs)
    return _one_way(own, theirs, _conventional(sides))


def retraction_watch_direction(links: list[Link]) -> UpdateDirection | None:
    """Retraction Watch records each update from the notice's side and the original's, in
    Crossref's convention (in its CSV too: OriginalPaperDOI is the updated work), so the side
    its entries sit on fixes the direction; None if it has no entry here, or both sides."""
    sides = {link.side for link in links if link.entry.source in RETRACTION_WATCH_SOURCES}
    return _conventional(sides) if len(sides) == 1 else None


def _says(own: TitleSignal, theirs: TitleSignal | None) -> tuple[bool, bool]:
    """(the titles make the work the notice, the titles make it the updated work)."""
    notice = own is TitleSignal.NOTICE or theirs is TitleSignal.RETRACTED_ORIGINAL
    original = own is TitleSignal.RETRACTED_ORIGINAL or theirs is TitleSignal.NOTICE
    return notice, original


def _two_way(own: TitleSignal, theirs: TitleSignal | None) -> Direction:
    """Both records list each other, so the sides say nothing: both titles must speak."""
    if theirs is None:
        return Direction(UpdateDirection.UNCLEAR, "two-way-other-record-not-found")
    if own is theirs and own is not TitleSignal.NONE:
        # Two notices of one work, or two retracted works the publisher cross-linked (The
        # Lancet's 2020 hydroxychloroquine paper and the comment retracted with it).
        basis = "both-notices" if own is TitleSignal.NOTICE else "both-retracted"
        return Direction(UpdateDirection.RELATED, basis)
    notice, original = _says(own, theirs)
    if TitleSignal.NONE in (own, theirs) or notice == original:
        return Direction(UpdateDirection.UNCLEAR, "two-way-no-title")
    return Direction(UpdateDirection.NOTICE_OF if notice else UpdateDirection.UPDATED_BY, "title")


def _one_way(
    own: TitleSignal, theirs: TitleSignal | None, convention: UpdateDirection
) -> Direction:
    """One record lists the other: Crossref's convention, unless both titles say otherwise."""
    notice, original = _says(own, theirs)
    if not notice and not original:
        return Direction(convention, "convention")
    if notice and original:
        return Direction(UpdateDirection.UNCLEAR, "titles-disagree")
    by_title = UpdateDirection.NOTICE_OF if notice else UpdateDirection.UPDATED_BY
    if by_title is convention:
        return Direction(convention, "convention")
    if own is not TitleSignal.NONE and theirs not in (None, TitleSignal.NONE):
        # Elsevier's retracted article lists its own notice in update-to: "RETRACTED: …" on
        # one side and "Retraction notice to …" on the other outweigh the side it sits on.
        return Direction(by_title, "title")
    return Direction(UpdateDirection.UNCLEAR, "title-against-convention")


def _conventional(sides: set[Side]) -> UpdateDirection:
    return UpdateDirection.NOTICE_OF if sides == {Side.UPDATE_TO} else UpdateDirection.UPDATED_BY
