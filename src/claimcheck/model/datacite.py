"""A DataCite record, and the outcome of looking a DOI up at DataCite: the parts the checks
read. DataCite has no retraction field: a record's Withdrawn dates and version-succession
relations are kept to be mentioned, never judged (sources/datacite/records.py says why)."""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.model.record import LookupStatus, Work


@dataclass(frozen=True, slots=True)
class DataCiteRelation:
    """One relatedIdentifier: this record (A) `relation_type` the resource `identifier` (B)."""

    relation_type: str  # spelt as the schema spells it, e.g. "IsObsoletedBy"
    identifier: str
    identifier_type: str  # "DOI", "URL", "arXiv", …


@dataclass(frozen=True, slots=True)
class DataCiteDate:
    """A date of dateType "Withdrawn", and the reason the record gives (`dateInformation`)."""

    date: str
    information: str = ""


@dataclass(frozen=True, slots=True)
class DataCiteRecord:
    work: Work
    relations: tuple[DataCiteRelation, ...] = ()  # SUPERSESSION_RELATIONS only
    withdrawn: tuple[DataCiteDate, ...] = ()
    state: str = ""  # "findable" in every public answer (registered DOIs are hidden)


@dataclass(frozen=True, slots=True)
class DataCiteLookup:
    doi: str  # lower-cased, as asked
    status: LookupStatus  # FOUND, NOT_FOUND or FAILED (never OTHER_AGENCY)
    record: DataCiteRecord | None = None
    error: str | None = None  # why a FAILED lookup could not check the DOI
    note: str | None = None  # what a NOT_FOUND lookup does and does not show
    cache_age: float | None = None  # seconds since the cached answer was fetched; None if live
    cache_source: str | None = None  # the base URL whose cached answer this is

    @property
    def work(self) -> Work | None:
        return self.record.work if self.record is not None else None
