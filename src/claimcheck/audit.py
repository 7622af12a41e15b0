"""The audit: dedupe DOIs -> look them up -> run the checks -> AuditResult.

I/O happens only through the CrossrefClient it is given; everything after the lookups is pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from claimcheck.checks.claims import acknowledge, citing, judge_claim, unused_reference_findings
from claimcheck.checks.metadata import metadata_findings
from claimcheck.checks.references import lookup_findings, role_findings, status_findings
from claimcheck.checks.updates import targets_to_fetch, update_events, update_state
from claimcheck.crossref import CrossrefClient
from claimcheck.errors import ExitCode
from claimcheck.models import (
    AuditResult,
    ClaimMap,
    Finding,
    FindingCode,
    Lookup,
    LookupStatus,
    Reference,
    ReferenceResult,
    ReferenceStatus,
    Severity,
    Source,
    UpdateEvent,
    Work,
)


@dataclass(frozen=True)
class AuditOptions:
    fail_on: Severity
    today: date
    checked_at: datetime
    source: Source


def run_audit(
    claim_map: ClaimMap,
    client: CrossrefClient,
    options: AuditOptions,
    on_lookup: Callable[[Lookup], None] | None = None,
) -> AuditResult:
    lookups = client.lookup_all([r.doi for r in claim_map.references if r.doi], on_lookup)
    related = _related_works(client, lookups.values())
    return judge(claim_map, lookups, related, options)


def planned_lookups(claim_map: ClaimMap) -> int:
    """How many distinct DOIs an audit looks up first (for a progress bar)."""
    return len({r.doi for r in claim_map.references if r.doi})


def _related_works(client: CrossrefClient, lookups: Iterable[Lookup]) -> dict[str, Work]:
    """Fetch the works that update entries point at, where the checks need to read them."""
    wanted: list[str] = []
    for lookup in lookups:
        if lookup.work is not None:
            wanted.extend(targets_to_fetch(lookup.work))
    related = client.lookup_all(wanted)
    return {doi: r.work for doi, r in related.items() if r.work is not None}


def judge(
    claim_map: ClaimMap,
    lookups: Mapping[str, Lookup],
    related: Mapping[str, Work],
    options: AuditOptions,
) -> AuditResult:
    """Every check over looked-up records. Pure: the same inputs give the same result."""
    findings: list[Finding] = []
    events: dict[str, tuple[UpdateEvent, ...]] = {}
    for reference in claim_map.references:
        lookup = lookups.get(reference.doi) if reference.doi else None
        ref_findings, ref_events = _reference_findings(claim_map, reference, lookup, related)
        findings.extend(ref_findings)
        events[reference.id] = ref_events
    findings.extend(unused_reference_findings(claim_map))
    findings = acknowledge(claim_map, findings, options.today)

    claim_results = []
    claim_findings = []
    for claim in claim_map.claims:
        result, finding = judge_claim(claim, findings)
        claim_results.append(result)
        if finding is not None:
            claim_findings.append(finding)
    findings.extend(acknowledge(claim_map, claim_findings, options.today))

    findings = sort_findings(claim_map, findings)
    references = tuple(
        ReferenceResult(
            reference=r,
            status=reference_status(r.id, findings),
            lookup=lookups.get(r.doi) if r.doi else None,
            updates=events[r.id],
        )
        for r in claim_map.references
    )
    return AuditResult(
        claim_map=claim_map,
        checked_at=options.checked_at,
        source=options.source,
        references=references,
        claims=tuple(claim_results),
        findings=tuple(findings),
        fail_on=options.fail_on,
        exit_code=int(gate_exit_code(findings, options.fail_on)),
    )


def _reference_findings(
    claim_map: ClaimMap,
    reference: Reference,
    lookup: Lookup | None,
    related: Mapping[str, Work],
) -> tuple[list[Finding], tuple[UpdateEvent, ...]]:
    found = lookup_findings(reference, lookup)
    if lookup is None or lookup.status is not LookupStatus.FOUND or lookup.work is None:
        return found, ()
    work = lookup.work
    ref_events = update_events(work, related)
    state = update_state(work, ref_events)
    found.extend(status_findings(reference, state))
    found.extend(metadata_findings(reference, work))
    citations = citing(claim_map, reference.id)
    if not citations:
        found.extend(
            role_findings(reference, work, state=state, related=related, role=None, claim=None)
        )
    for claim, citation in citations:
        found.extend(
            role_findings(
                reference, work, state=state, related=related, role=citation.role, claim=claim.id
            )
        )
    return found, ref_events


def reference_status(ref_id: str, findings: Sequence[Finding]) -> ReferenceStatus:
    own = [f for f in findings if f.reference == ref_id]
    if any(f.code is FindingCode.UNVERIFIED for f in own):
        return ReferenceStatus.UNVERIFIED
    worst = max(own, key=lambda f: f.severity.rank, default=None)
    return ReferenceStatus(worst.severity.value) if worst else ReferenceStatus.OK


def gate_exit_code(findings: Sequence[Finding], fail_on: Severity) -> ExitCode:
    """audit.md, "Exit codes": 1 if anything but a failed lookup reaches --fail-on; else 3 if
    a lookup failed (failing closed); else 0."""
    if any(
        f.severity.rank >= fail_on.rank and f.code is not FindingCode.UNVERIFIED for f in findings
    ):
        return ExitCode.GATE_FAILED
    if any(f.code is FindingCode.UNVERIFIED for f in findings):
        return ExitCode.INCOMPLETE
    return ExitCode.OK


def sort_findings(claim_map: ClaimMap, findings: Sequence[Finding]) -> list[Finding]:
    """By severity, then claim and reference in map order (reference-level findings first)."""
    claim_order = {c.id: i for i, c in enumerate(claim_map.claims)}
    ref_order = {r.id: i for i, r in enumerate(claim_map.references)}

    def key(f: Finding) -> tuple[int, int, int, str, str]:
        return (
            -f.severity.rank,
            claim_order.get(f.claim, -1) if f.claim else -1,
            ref_order.get(f.reference, -1) if f.reference else -1,
            f.code.value,
            f.message,
        )

    return sorted(findings, key=key)
