"""What a search by metadata found for a reference that prints no DOI: each candidate's
field-by-field agreement, and the outcome (checks/matching.py decides it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FIELDS = ("title", "authors", "first_author", "year", "journal", "volume", "issue", "pages")


class MatchStatus(StrEnum):
    CONFIDENT = "confident"
    WEAK = "weak"
    AMBIGUOUS = "ambiguous"
    NONE = "none"
    NOT_SEARCHED = "not-searched"


@dataclass(frozen=True, slots=True)
class Agreement:
    """Per cited field: True agrees, False disagrees, None not cited or not comparable.
    `year` agrees within one year; `authors` when at least one surname agrees; `journal`
    allows abbreviations and acronyms (`journals_agree`); `pages` compares the first page.
    `first_author` is only ever False (the first cited author is not the record's first) or
    None: it is not scored, and its agreeing is already `authors`; disagreeing, it keeps the
    match from being confident, as the same reference with its DOI printed would be a
    `metadata-mismatch`."""

    title_similarity: float | None = None
    title: bool | None = None
    authors: bool | None = None
    first_author: bool | None = None
    year: bool | None = None
    journal: bool | None = None
    volume: bool | None = None
    issue: bool | None = None
    pages: bool | None = None

    def fields(self, value: bool) -> tuple[str, ...]:
        """The fields whose agreement is `value`, in `FIELDS` order."""
        return tuple(name for name in FIELDS if getattr(self, name) is value)


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    doi: str
    label: str  # "Tkaczyk et al. 2015"
    score: float  # Crossref's relevance score
    normalised_score: float  # score / len(query)
    similarity: float  # the validation similarity, 0..1
    validates: bool  # similarity >= the acceptance threshold and no veto
    agreement: Agreement
    rejected: str | None = None  # why a rule set the similarity to 0, if one did


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """`best` is set only for confident and weak; `candidates` lists every candidate kept,
    best first, each with its field agreement; `dropped` counts those under the relevance
    floor."""

    status: MatchStatus
    why: str
    best: ScoredCandidate | None = None
    candidates: tuple[ScoredCandidate, ...] = ()
    query: str | None = None
    structured: bool = True
    dropped: int = 0
