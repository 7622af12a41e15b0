"""Which of a search's candidates are notices although their titles do not say so. Pure.

Hindawi and Spandidos title a retraction notice "Retracted: <the original's title>" or
"[Retracted] <the original's title>" (the real 10.3892/ol.2018.7943, "[Retracted] Pediatric
sarcomas (Review)", same authors and journal as the work it retracts, a year later). That is
also how Elsevier marks a retracted article in place, so the title alone cannot say which it
is, and a DOI-less citation of the retracted work could match its notice: the `retracted`
error would become a `cites-retraction-notice` warning. Two things the candidates settle
without another lookup, each a row of the role table (README, "How updates are read"):

- a Retraction Watch entry in the candidate's `update-to` naming another DOI: Retraction
  Watch records each retraction in Crossref's convention, on the notice's record (row 2);
- the candidate links to another candidate (either side's entry) and one of its titles is a
  marker followed by one of that candidate's own titles (row 3, `names_any`).

A publisher's own `update-to` alone says nothing: Elsevier deposits one on retracted
articles too (row 6).
"""

from __future__ import annotations

from collections.abc import Iterable

from claimcheck.checks.titles import names_any
from claimcheck.checks.update_links import RETRACTION_WATCH, kind_of
from claimcheck.model.events import EventKind, UpdateEntry
from claimcheck.model.record import Work


def notices_among(works: Iterable[Work]) -> frozenset[str]:
    """The DOIs of the works that are notices of another work among them, or by Retraction
    Watch's entry in their `update-to`."""
    by_doi = {work.doi: work for work in works}
    notices = set()
    for work in by_doi.values():
        for entry in _editorial(work.update_to, work.doi):
            other = by_doi.get(entry.doi)
            if entry.source == RETRACTION_WATCH or (other and _names(work, other)):
                notices.add(work.doi)
        for entry in _editorial(work.updated_by, work.doi):
            other = by_doi.get(entry.doi)
            if other is not None and _names(other, work):
                notices.add(other.doi)
    return frozenset(notices)


def _editorial(entries: tuple[UpdateEntry, ...], own_doi: str) -> list[UpdateEntry]:
    """Entries of an editorial kind naming a record other than the work's own (an entry
    naming the work itself is an update in place: the work is no notice)."""
    return [
        entry
        for entry in entries
        if entry.doi and entry.doi != own_doi and kind_of(entry.type) is not EventKind.OTHER
    ]


def _names(notice: Work, other: Work) -> bool:
    """Row 3 holds only when exactly one record's titles name the other's: "RETRACTED: X" in
    place and a notice "Retracted: X" each name the other, and then the titles settle
    nothing. Every title and subtitle counts, as in the role table (a notice's translated
    title may be the one that names the original's translated title)."""
    return names_any(notice.titles, other.titles, other.subtitles) and not names_any(
        other.titles, notice.titles, notice.subtitles
    )
