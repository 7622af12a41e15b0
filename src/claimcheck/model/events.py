"""Editorial events: the update entries a registry lists, and what claimcheck decides they
mean for one work (its retractions, concerns, corrections, and the notices it is). Frozen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class UpdateEntry:
    """One `update-to` or `updated-by` entry exactly as the registry lists it."""

    doi: str
    type: str
    label: str = ""
    date: str | None = None  # ISO date, from `updated.date-parts`
    source: str = "publisher"
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class SourceEntries:
    """Update entries a second source lists for one DOI, to join the registry's own: the
    notices that update the work (as `updated-by` would) and the works it is a notice of (as
    `update-to` would)."""

    updated_by: tuple[UpdateEntry, ...] = ()
    update_to: tuple[UpdateEntry, ...] = ()


class UpdateDirection(StrEnum):
    UPDATED_BY = "updated-by"  # the cited work is updated by the notice `doi`
    NOTICE_OF = "notice-of"  # the cited work is itself a notice about the original `doi`
    IN_PLACE = "in-place"  # the publisher updated the cited work in place
    UNCLEAR = "unclear"  # linked to `doi`, but nothing settles which record is the notice
    RELATED = "related"  # both records are notices, or both retracted works: no update


# The `basis` of in-place entries that contradict one another with nothing behind them
# (checks/in_place.py; README, role table row 1): their direction is `unclear`.
CONTRADICTORY = "in-place-contradictory"


# How a retraction of each type is worded (README: withdrawal and removal are retractions,
# partial_retraction "shown as partial"); any other type of the kind reads "retracted".
_RETRACTED_AS = {
    "withdrawal": "withdrawn",
    "removal": "removed",
    "partial_retraction": "partially retracted",
}


def retracted_as(types: Iterable[str]) -> str:
    """ "withdrawn", "removed", "partially retracted" when every type says so; else
    "retracted": Elsevier withdraws in place (10.1016/j.crad.2024.02.007), and a withdrawn
    paper reported as "retracted" is misnamed."""
    words = {_RETRACTED_AS.get(kind, "retracted") for kind in types}
    return words.pop() if len(words) == 1 else "retracted"


class EventKind(StrEnum):
    """What an update does to the work it updates (README, "How updates are read")."""

    RETRACTION = "retraction"  # retraction, withdrawal, removal, partial_retraction
    EXPRESSION_OF_CONCERN = "expression_of_concern"
    CORRECTION = "correction"  # correction, erratum, corrigendum, addendum, clarification
    REINSTATEMENT = "reinstatement"
    OTHER = "other"  # an update type claimcheck cannot place: shown, never judged


@dataclass(frozen=True, slots=True)
class UpdateEvent:
    """One editorial event: every entry naming the same notice (and kind), from every source
    and from both records' sides, folded into one."""

    type: str  # normalised; the most severe where the sources disagree
    direction: UpdateDirection
    doi: str  # the record at the other end; the cited work itself when in place
    date: str | None  # the earliest date the applied entries give
    sources: tuple[str, ...]
    source_types: tuple[tuple[str, str], ...] = ()  # (source, type), set only on disagreement
    title: str = ""  # of the record at `doi`, when it was read
    kind: EventKind = EventKind.OTHER
    source_dates: tuple[tuple[str, str], ...] = ()  # (source, date), set only when they differ
    basis: str = ""  # which row of the role table settled the direction (README)
    # (source, type) of entries on the wrong side (Elsevier's update-to on a retracted article
    # stamps the article's own status): shown, not applied, when no other entry of theirs is
    unapplied_types: tuple[tuple[str, str], ...] = ()
    other_end: str = ""  # found | not-found | other-agency: what a lookup of `doi` gave
    # Dates of an in-place event that are the record's own publication dates: Elsevier dates
    # its in-place withdrawal by the issue (10.1016/j.crad.2024.02.007: July 2024, deposited
    # in 2026), so they say nothing of when it was retracted and timing leaves them out.
    publication_dates: tuple[str, ...] = ()


class Verdict(StrEnum):
    """A work's editorial status in one word, most severe first."""

    RETRACTED = "retracted"
    RETRACTION_NOTICE = "retraction-notice"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    CONCERN_NOTICE = "concern-notice"
    UNCLEAR = "unclear"  # linked to an update whose direction nothing settles
    CORRECTED = "corrected"
    CORRECTION_NOTICE = "correction-notice"
    REINSTATED = "reinstated"
    CLEAN = "clean"
    UNVERIFIED = "unverified"  # could not check: a record the decision needs was not read


@dataclass(frozen=True, slots=True)
class EditorialStatus:
    """Everything the registry says about one work's editorial history, decided once."""

    verdict: Verdict
    events: tuple[UpdateEvent, ...] = ()  # every link, decided or not, in a stable order
    retractions: tuple[UpdateEvent, ...] = ()  # in force: not reversed by a reinstatement
    reinstatements: tuple[UpdateEvent, ...] = ()  # that reversed a retraction
    concerns: tuple[UpdateEvent, ...] = ()
    corrections: tuple[UpdateEvent, ...] = ()
    notice_of: tuple[UpdateEvent, ...] = ()  # the updates this work is the notice of
    unclear: tuple[UpdateEvent, ...] = ()
    retracted_by_title: bool = False  # a retraction marker in the title, no notice registered
    notice_by_title: EventKind | None = None  # a notice title, linked to nothing
    # The title that carried the marker of either, when it is not the first (the one reports
    # show): a translated or original-language title (Crossref's `title` holds "Work titles,
    # including translated titles", beside `original-title`).
    marked_title: str = ""
    # Titles whose markers read differently ("RETRACTED: X" and "Retraction: X"): the record
    # may be a retracted work or a notice, so its verdict is `unclear`, never a guess.
    titles_disagree: tuple[str, ...] = ()
    unreadable: tuple[tuple[str, str], ...] = ()  # (doi, why): records needed but not read
    # Whose title the title markers were read in: "" for the registry's (Crossref's), or
    # "datacite" for DataCite's record, which has no retraction field, so the findings say
    # their verdict rests on that record's title and not on a notice any registry lists.
    titled_by: str = ""


# The verdict a work gets when it is a notice of each kind.
NOTICE_VERDICTS = {
    EventKind.RETRACTION: Verdict.RETRACTION_NOTICE,
    EventKind.EXPRESSION_OF_CONCERN: Verdict.CONCERN_NOTICE,
    EventKind.CORRECTION: Verdict.CORRECTION_NOTICE,
}


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One editorial event that some of the sources consulted list and others do not (for
    example a retraction in the Retraction Watch data that Crossref's record lacks)."""

    kind: EventKind
    doi: str  # the notice; the work itself when updated in place
    listed_by: tuple[str, ...]
    not_listed_by: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The form a finding's evidence and the JSON report give it."""
        return {
            "kind": self.kind.value,
            "doi": self.doi or None,
            "listed_by": list(self.listed_by),
            "not_listed_by": list(self.not_listed_by),
        }
