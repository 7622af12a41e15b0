"""Whether a work's in-place entries (role table row 1: entries naming its own DOI) can be
read as they stand, or contradict one another with nothing behind them. Pure.

A real faulty deposit, 10.33552/ojdoh.2018.01.000503: an ordinary title, no Retraction Watch
entry, and 25 publisher entries naming its own DOI, all dated its own online day, typed
retraction, withdrawal, removal, partial_retraction, expression_of_concern, correction,
erratum, addendum, clarification, new_version and new_edition at once. A work is not retracted
and under an expression of concern and corrected by one deposit on one day; reading the most
severe type would report a retraction nothing shows, so such entries are `unclear`
(README: "never a guess"). A real in-place retraction stands alone among its own DOI's entries
(IEEE's "Notice of Retraction", Elsevier's "Withdrawal notice to …" and "REMOVED: …", whose
errata are other records) or is backed by a title marker or a Retraction Watch entry.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from claimcheck.checks.titles import TitleReading, TitleSignal
from claimcheck.checks.update_links import Link
from claimcheck.model.events import CONTRADICTORY, EventKind

__all__ = ["CONTRADICTORY", "contradictory"]

_BESIDE_A_RETRACTION = frozenset({EventKind.EXPRESSION_OF_CONCERN, EventKind.CORRECTION})


def contradictory(
    kinds: Collection[EventKind], links: Iterable[Link], reading: TitleReading
) -> bool:
    """Whether in-place entries of these `kinds` name a retraction beside a concern or a
    correction, with no title marker of a retraction and no Retraction Watch entry to back
    the retraction."""
    if EventKind.RETRACTION not in kinds or not _BESIDE_A_RETRACTION.intersection(kinds):
        return False
    marked = reading.signal is TitleSignal.RETRACTED_ORIGINAL or (
        reading.signal is TitleSignal.NOTICE and reading.kind == EventKind.RETRACTION.value
    )
    watched = any(link.entry.source == "retraction-watch" for link in links)
    return not marked and not watched
