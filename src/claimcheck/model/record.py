"""A registry's record of a work, and the outcome of looking one DOI up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from claimcheck.model.events import UpdateEntry


@dataclass(frozen=True, slots=True)
class Author:
    family: str = ""
    given: str = ""
    name: str = ""  # an organisation, which Crossref gives as `name` instead of family/given

    @property
    def display(self) -> str:
        if self.family:
            return f"{self.family}, {self.given}" if self.given else self.family
        return self.name


@dataclass(frozen=True, slots=True)
class Work:
    """The parts of a Crossref work record that the checks read."""

    doi: str
    title: str = ""  # the primary title: the one every report shows
    subtitle: str = ""
    # The record's other titles, compared with a cited title like `title` but never shown.
    # Crossref's schema defines `title` as "Work titles, including translated titles" (a
    # Russian title, then its English translation) and also has `original-title`.
    other_titles: tuple[str, ...] = ()
    # The other subtitles (Crossref's `subtitle`: "Work subtitles, including original language
    # and translated"), in no stated pairing with the titles: compared, never shown.
    other_subtitles: tuple[str, ...] = ()
    authors: tuple[Author, ...] = ()
    year: int | None = None
    # `issued`, `published`, `published-print`, `published-online` as ISO dates ("2024-07"),
    # each once: an in-place entry dated one of them is not dated by its retraction.
    published: tuple[str, ...] = ()
    container_titles: tuple[str, ...] = ()
    short_container_titles: tuple[str, ...] = ()
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    type: str = ""
    publisher: str = ""
    update_to: tuple[UpdateEntry, ...] = ()
    updated_by: tuple[UpdateEntry, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        """Every title, the primary one first: a marker on any of them counts (titles.py)."""
        return (self.title, *self.other_titles)

    @property
    def subtitles(self) -> tuple[str, ...]:
        """Every subtitle, the one shown first."""
        return (self.subtitle, *self.other_subtitles) if self.subtitle else self.other_subtitles

    @property
    def journal(self) -> str:
        return (self.container_titles or self.short_container_titles or ("",))[0]

    def short_label(self) -> str:
        """ "Rubio et al. 2005", as a message names a work."""
        if not self.authors:
            label = self.title or self.doi
        else:
            first = self.authors[0].family or self.authors[0].name
            label = first if len(self.authors) == 1 else f"{first} et al."
        return f"{label} {self.year}" if self.year else label


class LookupStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not-found"
    OTHER_AGENCY = "other-agency"
    FAILED = "failed"  # could not check


@dataclass(frozen=True, slots=True)
class Lookup:
    doi: str
    status: LookupStatus
    work: Work | None = None
    agency: str | None = None
    error: str | None = None
    cache_age: float | None = None  # seconds since the cached answer was fetched; None if live
    cache_source: str | None = None  # the base URL whose cached answer this is


@dataclass(frozen=True, slots=True)
class Candidate:
    """One item of a `/works?query.bibliographic=` answer: the work and its relevance `score`."""

    work: Work
    score: float
