"""Findings about one reference: its DOI, its lookup, and its update events. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from claimcheck.checks.updates import UpdateState
from claimcheck.models import (
    Finding,
    FindingCode,
    Lookup,
    LookupStatus,
    Reference,
    Role,
    Severity,
    UpdateEvent,
    Work,
)

_AGENCY_LABELS = {"datacite": "DataCite", "medra": "mEDRA", "jalc": "JaLC", "kisti": "KISTI"}


def _finding(
    code: FindingCode,
    reference: Reference,
    message: str,
    evidence: Mapping[str, object] | None = None,
    *,
    severity: Severity | None = None,
    claim: str | None = None,
) -> Finding:
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
            _finding(
                FindingCode.DOI_INVALID,
                reference,
                f"{reference.id}: {reference.doi_input!r} is not a DOI: it {reference.doi_error}",
                {"doi": reference.doi_input, "problem": reference.doi_error},
            )
        ]
    if reference.doi is not None and lookup is None:
        # Fail closed: a DOI that was never looked up is not "missing" but unchecked.
        return [
            _finding(
                FindingCode.UNVERIFIED,
                reference,
                f"{reference.id}: {reference.doi} was not looked up",
                {"doi": reference.doi, "cause": "not looked up"},
            )
        ]
    if reference.doi is None or lookup is None:
        return [
            _finding(
                FindingCode.DOI_MISSING,
                reference,
                f"{reference.id} has no DOI, so it cannot be verified",
            )
        ]
    doi = reference.doi
    if lookup.status is LookupStatus.FAILED:
        return [
            _finding(
                FindingCode.UNVERIFIED,
                reference,
                f"{reference.id}: lookup of {doi} failed: {lookup.error}",
                {"doi": doi, "cause": lookup.error},
            )
        ]
    if lookup.status is LookupStatus.NOT_FOUND:
        where = "Crossref has no record of it" + (
            "" if lookup.agency else ", and no registration agency knows it"
        )
        return [
            _finding(
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
            _finding(
                FindingCode.NON_CROSSREF_DOI,
                reference,
                f"{reference.id}: {doi} is registered with {label}, not Crossref; "
                "its metadata was not compared",
                {"doi": doi, "agency": agency},
            )
        ]
    return []


def _describe(event: UpdateEvent) -> str:
    parts = [event.date or "undated"]
    if event.source_types:
        parts.append("; ".join(f"{source}: {kind}" for source, kind in event.source_types))
    else:
        parts.append(" + ".join(event.sources))
    return f"{event.doi} ({', '.join(parts)})"


def _event_evidence(event: UpdateEvent, key: str = "notice_doi") -> dict[str, object]:
    evidence: dict[str, object] = {
        key: event.doi,
        "type": event.type,
        "date": event.date,
        "sources": list(event.sources),
    }
    if event.source_types:
        evidence["source_types"] = dict(event.source_types)
    return evidence


def status_findings(reference: Reference, state: UpdateState) -> list[Finding]:
    """Role-independent update findings: expression-of-concern, corrected, reinstated."""
    found = []
    for event in state.concerns:
        found.append(
            _finding(
                FindingCode.EXPRESSION_OF_CONCERN,
                reference,
                f"{reference.id} carries an expression of concern: notice {_describe(event)}",
                _event_evidence(event),
            )
        )
    for event in state.corrections:
        found.append(
            _finding(
                FindingCode.CORRECTED,
                reference,
                f"{reference.id} carries a {event.type.replace('_', ' ')}: "
                f"notice {_describe(event)}",
                _event_evidence(event),
            )
        )
    for event in state.reinstatements:
        found.append(
            _finding(
                FindingCode.REINSTATED,
                reference,
                f"{reference.id} was retracted and later reinstated: {_describe(event)}",
                _event_evidence(event),
            )
        )
    return found


def role_findings(
    reference: Reference,
    work: Work,
    *,
    state: UpdateState,
    related: Mapping[str, Work],
    role: Role | None,
    claim: str | None,
) -> list[Finding]:
    """retracted / cites-retraction-notice, whose severity depends on the citing role.

    claim-map.md: "A retracted reference is an error under supports. Under discusses it is
    information." The same holds for a cited notice (audit.md).
    """

    def severity(code: FindingCode) -> Severity:
        return Severity.INFO if role is Role.DISCUSSES else code.default_severity

    found = []
    for event in state.retractions:
        found.append(
            _finding(
                FindingCode.RETRACTED,
                reference,
                f"{reference.id} was retracted: {event.type.replace('_', ' ')} notice "
                f"{_describe(event)}",
                _event_evidence(event),
                severity=severity(FindingCode.RETRACTED),
                claim=claim,
            )
        )
    if state.retracted_by_title:
        found.append(
            _finding(
                FindingCode.RETRACTED,
                reference,
                f"{reference.id} is marked retracted by its registry title "
                f"({work.title[:80]!r}); the registry lists no notice",
                {"title": work.title, "sources": ["title"]},
                severity=severity(FindingCode.RETRACTED),
                claim=claim,
            )
        )
    if state.notice_by_title:
        found.append(
            _finding(
                FindingCode.CITES_RETRACTION_NOTICE,
                reference,
                f"{reference.id}'s registry title reads as a retraction notice "
                f"({work.title[:80]!r}), but the registry links it to no original",
                {"original_doi": None, "title": work.title, "sources": ["title"]},
                severity=severity(FindingCode.CITES_RETRACTION_NOTICE),
                claim=claim,
            )
        )
    for event in state.notice_of:
        original = related.get(event.doi)
        named = f" ({original.short_label()}, {original.title!r})" if original else ""
        evidence = _event_evidence(event, "original_doi")
        evidence["original_title"] = original.title if original else None
        found.append(
            _finding(
                FindingCode.CITES_RETRACTION_NOTICE,
                reference,
                f"{reference.id} is the retraction notice of {event.doi}{named}, "
                "not the retracted work itself",
                evidence,
                severity=severity(FindingCode.CITES_RETRACTION_NOTICE),
                claim=claim,
            )
        )
    return found
