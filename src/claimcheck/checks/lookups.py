"""Findings about one reference's DOI and its lookup: missing, invalid, unverified, not found
or another agency's; and `reference_finding`, which every check about a reference builds its
findings with. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from claimcheck.model.claimmap import Reference
from claimcheck.model.doi import decoded_if_escaped
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import Lookup, LookupStatus

_AGENCY_LABELS = {"datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC", "kisti": "KISTI"}


def reference_finding(
    code: FindingCode,
    reference: Reference,
    message: str,
    evidence: Mapping[str, object] | None = None,
    *,
    severity: Severity | None = None,
    claim: str | None = None,
) -> Finding:
    """A finding about `reference`, at its place in the claim map, with the code's default
    severity unless another is given."""
    return Finding(
        code=code,
        severity=severity or code.default_severity,
        message=message,
        reference=reference.id,
        claim=claim,
        evidence=dict(evidence or {}),
        location=reference.location,
    )


def lookup_findings(reference: Reference, lookup: Lookup | None) -> list[Finding]:
    """doi-missing, doi-invalid, unverified, doi-not-found or non-crossref-doi."""
    if reference.doi_error is not None:
        return [
            reference_finding(
                FindingCode.DOI_INVALID,
                reference,
                f"{reference.id}: {reference.doi_input!r} is not a DOI: it {reference.doi_error}",
                {"doi": reference.doi_input, "problem": reference.doi_error},
            )
        ]
    if reference.doi is not None and lookup is None:
        # Fail closed: a DOI that was never looked up is not "missing" but unchecked.
        return [
            reference_finding(
                FindingCode.UNVERIFIED,
                reference,
                f"{reference.id}: {reference.doi} was not looked up",
                {"doi": reference.doi, "cause": "not looked up"},
            )
        ]
    if reference.doi is None or lookup is None:
        return [
            reference_finding(
                FindingCode.DOI_MISSING,
                reference,
                f"{reference.id} has no DOI, so it cannot be verified",
            )
        ]
    doi = reference.doi
    if lookup.status is LookupStatus.FAILED:
        return [
            reference_finding(
                FindingCode.UNVERIFIED,
                reference,
                f"{reference.id}: lookup of {doi} failed: {lookup.error}",
                {"doi": doi, "cause": lookup.error},
            )
        ]
    if lookup.status is LookupStatus.NOT_FOUND:
        # Not found means no agency knows it either (answers.agency_lookup): an agency
        # answer makes it another agency's, or, naming Crossref, an unverified lookup.
        where = "Crossref has no record of it, and no registration agency knows it"
        decoded = decoded_if_escaped(doi)
        if decoded is not None:
            # Read as written, as documented; copied from a URL, it meant the decoded DOI.
            where += (
                f"; it holds URL escapes: if it was copied from a URL, the DOI is {decoded} "
                "(write that, or the whole doi.org URL)"
            )
        return [
            reference_finding(
                FindingCode.DOI_NOT_FOUND,
                reference,
                f"{reference.id}: {doi} does not exist: {where}",
                {"doi": doi, "agency": lookup.agency},
            )
        ]
    if lookup.status is LookupStatus.OTHER_AGENCY:
        agency = lookup.agency or "another agency"
        label = _AGENCY_LABELS.get(agency, agency)
        return [
            reference_finding(
                FindingCode.NON_CROSSREF_DOI,
                reference,
                f"{reference.id}: {doi} is registered with {label}, not Crossref; "
                "its metadata was not compared",
                {"doi": doi, "agency": agency},
            )
        ]
    return []
