"""A DOI that Crossref names as DataCite's, judged from DataCite's record. Pure.

Its cited metadata is compared with DataCite's record as it would be with Crossref's. Its
retraction status cannot be: DataCite has no retraction field and no retraction relation
(https://datacite-metadata-schema.readthedocs.io/en/4.6/appendices/appendix-1/relationType/).
What DataCite advises for retracted content is shown, never turned into a verdict: a
"Withdrawn" date, and relations saying a newer version replaces the record
(https://support.datacite.org/docs/what-should-i-do-if-the-resource-that-a-doi-points-to-is-retracted).
A DOI DataCite's public API does not show is `unverified`: it is registered (Crossref named
its agency), and DataCite hides DOIs in the "registered" state, the state it advises for
retracted content (https://support.datacite.org/docs/doi-states).
"""

from __future__ import annotations

from claimcheck.checks.metadata import metadata_findings
from claimcheck.checks.references import reference_finding
from claimcheck.model.claimmap import Reference
from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import LookupStatus

NO_RETRACTION_FIELD = "DataCite has no retraction field, so its retraction status was not checked"


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
                {"doi": doi, "agency": "datacite", "cause": why},
            )
        ]
    said = [f"{reference.id}: {doi} is registered with DataCite, not Crossref"]
    said.append("its metadata was compared with DataCite's record")
    evidence: dict[str, object] = {"doi": doi, "agency": "datacite", "compared": True}
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
