"""A DOI that Crossref names as DataCite's, judged from DataCite's record. Pure.

Its cited metadata is compared with DataCite's record as it would be with Crossref's. Its
retraction status cannot be: DataCite has no retraction field and no retraction relation
(https://datacite-metadata-schema.readthedocs.io/en/4.6/appendices/appendix-1/relationType/).
Only its title can mark it, as a Crossref title marks a work that lists no update: a record
titled "RETRACTED: …" is `retracted`, one titled "Retraction: …" reads as a notice, by the
same rule (checks/titles.py), each saying the verdict rests on DataCite's title: the marker
says what it says whichever agency holds the record, and a Crossref record with the same
title would fail the same citation.
What DataCite advises for retracted content is shown, never turned into a verdict: a
"Withdrawn" date, and relations saying a newer version replaces the record
(https://support.datacite.org/docs/what-should-i-do-if-the-resource-that-a-doi-points-to-is-retracted).
A DOI DataCite's public API does not show is `unverified`: it is registered (Crossref named
its agency), and DataCite hides DOIs in the "registered" state, the state it advises for
retracted content (https://support.datacite.org/docs/doi-states).
A DOI whose DataCite record was not read at all (offline without DataCite's answer in the
cache, a snapshot without it, no DataCite client) is `unverified` too: its title and
metadata were not checked. An answer the cache gave is said so in the finding's evidence
(`cache`: how old, and which DataCite URL gave it), as the reference's `cache` says of
Crossref's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from claimcheck.checks.editorial import editorial_status, with_entries
from claimcheck.checks.lookups import reference_finding
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.titles import TitleSignal, read_titles
from claimcheck.model.claimmap import Reference
from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.events import EditorialStatus, SourceEntries
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import Lookup, LookupStatus, Work

# Why a DataCite DOI's record was not read when no DataCite client was given (the library's
# callers): `unverified`, as offline and replayed runs that could not read it are.
NOT_ASKED = "DataCite was not asked (no DataCite client was given)"

NO_RETRACTION_FIELD = (
    "DataCite has no retraction field, so its retraction status was not checked beyond a "
    "marker in its title"
)


def not_read(doi: str, why: str = NOT_ASKED) -> DataCiteLookup:
    """The lookup of a DataCite DOI whose record was not read: a failure, never an answer."""
    return DataCiteLookup(doi, LookupStatus.FAILED, error=why)


def is_datacites(lookup: Lookup) -> bool:
    """Whether Crossref names `lookup`'s DOI as DataCite's: DataCite's record then judges it."""
    return lookup.status is LookupStatus.OTHER_AGENCY and lookup.agency == "datacite"


def compared_fields(reference: Reference, work: Work) -> list[str]:
    """The cited fields DataCite's record also holds, which metadata_findings compares; a
    field either side lacks is not compared (checks/metadata.py)."""
    both = {
        "title": bool(reference.title or reference.cited_as) and any(work.titles),
        "authors": bool(reference.authors) and bool(work.authors),
        "year": reference.year is not None and work.year is not None,
        "journal": bool(reference.journal)
        and bool(work.container_titles or work.short_container_titles),
        "volume": bool(reference.volume and work.volume),
        "issue": bool(reference.issue and work.issue),
        "pages": bool(reference.pages) and bool(work.page or work.article_number),
    }
    return [name for name, present in both.items() if present]


def datacite_findings(reference: Reference, lookup: DataCiteLookup) -> list[Finding]:
    """`non-crossref-doi` saying what was and was not checked, and the metadata findings;
    or `unverified` when DataCite's record could not be read."""
    doi = lookup.doi
    record = lookup.record
    if lookup.status is not LookupStatus.FOUND or record is None:
        why = lookup.note if lookup.status is LookupStatus.NOT_FOUND else lookup.error
        return [
            reference_finding(
                FindingCode.UNVERIFIED,
                reference,
                f"{reference.id}: {doi} is registered with DataCite, but its record could not "
                f"be read: {why}",
                _with_cache({"doi": doi, "agency": "datacite", "cause": why}, lookup),
            )
        ]
    said = [f"{reference.id}: {doi} is registered with DataCite, not Crossref"]
    # "Compared" only of the fields both sides hold: a record lacking every cited field
    # checked nothing, and must not read as if it had.
    compared = compared_fields(reference, record.work)
    if compared:
        said.append(f"its cited {', '.join(compared)} compared with DataCite's record")
    else:
        said.append("DataCite's record holds none of the fields it cites, so nothing was compared")
    evidence = _with_cache({"doi": doi, "agency": "datacite", "compared": compared}, lookup)
    severity = Severity.INFO
    if record.withdrawn:
        when = ", ".join(
            w.date + (f" ({w.information})" if w.information else "") for w in record.withdrawn
        )
        said.append(f"DataCite records it as withdrawn: {when}")
        evidence["withdrawn"] = [
            {"date": w.date, "information": w.information} for w in record.withdrawn
        ]
        severity = Severity.WARNING
    if record.relations:
        named = ", ".join(f"{r.relation_type} {r.identifier}" for r in record.relations)
        said.append(f"DataCite lists {named}")
        evidence["relations"] = [
            {
                "type": r.relation_type,
                "identifier": r.identifier,
                "identifier_type": r.identifier_type,
            }
            for r in record.relations
        ]
    said.append(NO_RETRACTION_FIELD)
    found = [
        reference_finding(
            FindingCode.NON_CROSSREF_DOI, reference, "; ".join(said), evidence, severity=severity
        )
    ]
    return found + metadata_findings(reference, record.work)


def _with_cache(evidence: dict[str, object], lookup: DataCiteLookup) -> dict[str, object]:
    """`evidence`, with `cache` when the cache gave DataCite's answer: its age in whole
    seconds (never below 0: a clock a little behind the one that stored it) and the DataCite
    URL that gave it. Absent for an answer read live or from a snapshot."""
    if lookup.cache_age is not None:
        age = max(0, round(lookup.cache_age))
        evidence["cache"] = {"age_seconds": age, "source": lookup.cache_source}
    return evidence


def datacite_status(
    lookup: DataCiteLookup, extra: SourceEntries | None, related: Mapping[str, Lookup]
) -> EditorialStatus | None:
    """The editorial status of a DOI DataCite registers, from its record's title and what
    other sources (the Retraction Watch CSV) list for it; None when DataCite's record was
    not read, or its title marks nothing and no other source lists an update.

    None, not `clean`: with no retraction field at DataCite, an unmarked title says nothing
    of the work's status, and the JSON `verdict` stays null as for a record not read."""
    work = lookup.work
    if lookup.status is not LookupStatus.FOUND or work is None:
        return None
    # Every title of DataCite's record counts (TranslatedTitle, AlternativeTitle …), as
    # every title of Crossref's does (editorial.py).
    reading = read_titles(work.titles)
    if reading.signal is TitleSignal.NONE and not reading.disagree and extra is None:
        return None
    status = editorial_status(with_entries(work, extra), related)
    return replace(status, titled_by="datacite")
