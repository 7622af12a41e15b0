"""The pipeline over looked-up records: every check, each claim's verdict, the gate. Pure:
the same inputs give the same result."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from claimcheck.checks.claims import acknowledge, judge_claim, unused_reference_findings
from claimcheck.checks.editorial import editorial_status
from claimcheck.checks.metadata import metadata_findings
from claimcheck.checks.references import lookup_findings, role_findings, status_findings
from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.errors import ExitCode
from claimcheck.model.events import EditorialStatus
from claimcheck.model.findings import Finding, FindingCode
from claimcheck.model.record import Lookup, LookupStatus
from claimcheck.model.results import (
    AuditOptions,
    AuditResult,
    GatePolicy,
    MapResult,
    ReferenceResult,
    ReferenceStatus,
    as_maps,
)


def judge(
    claim_maps: ClaimMap | Sequence[ClaimMap],
    lookups: Mapping[str, Lookup],
    related: Mapping[str, Lookup],
    options: AuditOptions,
) -> AuditResult:
    """Every check over looked-up records. Pure: the same inputs give the same result."""
    maps = tuple(judge_map(cm, lookups, related, options.today) for cm in as_maps(claim_maps))
    findings = [f for m in maps for f in m.findings]
    return AuditResult(
        maps=maps,
        checked_at=options.checked_at,
        source=options.source,
        policy=options.policy,
        exit_code=int(gate_exit_code(findings, options.policy)),
    )


def judge_map(
    claim_map: ClaimMap,
    lookups: Mapping[str, Lookup],
    related: Mapping[str, Lookup],
    today: date,
) -> MapResult:
    cited_by: defaultdict[str, list[tuple[Claim, Citation]]] = defaultdict(list)
    for claim in claim_map.claims:
        for citation in claim.cites:
            cited_by[citation.ref].append((claim, citation))
    findings: list[Finding] = []
    statuses: dict[str, EditorialStatus | None] = {}
    published = claim_map.article.published if claim_map.article else None
    for reference in claim_map.references:
        lookup = lookups.get(reference.doi) if reference.doi else None
        ref_findings, statuses[reference.id] = _reference_findings(
            cited_by[reference.id], reference, lookup, related, published
        )
        findings.extend(ref_findings)
    findings.extend(unused_reference_findings(claim_map))
    findings = acknowledge(claim_map, findings, today)

    # Grouped once by reference and claim: judging each citation, and each reference's
    # status, then reads only the findings that can bear on it, never every finding in the
    # map, nor the other claims' findings on a reference that many claims cite.
    bearing = _Bearing(findings)
    claim_results = []
    claim_findings = []
    for claim in claim_map.claims:
        result, finding = judge_claim(claim, bearing.on(claim))
        claim_results.append(result)
        if finding is not None:
            claim_findings.append(finding)
    findings.extend(acknowledge(claim_map, claim_findings, today))

    labelled = [f.in_file(claim_map.path) for f in sort_findings(claim_map, findings)]
    labelled_by_ref = _by_reference(labelled)
    references = tuple(
        ReferenceResult(
            reference=r,
            status=reference_status(r.id, labelled_by_ref[r.id]),
            lookup=lookups.get(r.doi) if r.doi else None,
            editorial=statuses[r.id],
        )
        for r in claim_map.references
    )
    return MapResult(claim_map, references, tuple(claim_results), tuple(labelled))


def _reference_findings(
    citations: Sequence[tuple[Claim, Citation]],
    reference: Reference,
    lookup: Lookup | None,
    related: Mapping[str, Lookup],
    published: date | None,
) -> tuple[list[Finding], EditorialStatus | None]:
    found = lookup_findings(reference, lookup)
    if lookup is None or lookup.status is not LookupStatus.FOUND or lookup.work is None:
        return found, None
    work = lookup.work
    status = editorial_status(work, related)
    found.extend(status_findings(reference, status))
    found.extend(metadata_findings(reference, work))
    # An uncited reference still gets its retraction reported once, under no role.
    for claim, role in _one_role_per_claim(citations) or [(None, None)]:
        found.extend(
            role_findings(
                reference, status, related=related, role=role, claim=claim, published=published
            )
        )
    return found, status


def _one_role_per_claim(
    citations: Sequence[tuple[Claim, Citation]],
) -> list[tuple[str | None, Role | None]]:
    """Each citing claim once. A claim citing a reference twice is judged by its stricter
    role: any role but `discusses` keeps a retraction an error for that claim."""
    roles: dict[str, Role] = {}
    for claim, citation in citations:
        if claim.id not in roles or roles[claim.id] is Role.DISCUSSES:
            roles[claim.id] = citation.role
    return list(roles.items())


class _Bearing:
    """A map's findings grouped once by (reference, claim), in their order."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self._position = {id(f): at for at, f in enumerate(findings)}
        self._groups: defaultdict[tuple[str | None, str | None], list[Finding]] = defaultdict(list)
        for finding in findings:
            self._groups[finding.reference, finding.claim].append(finding)

    def on(self, claim: Claim) -> list[Finding]:
        """The findings of each reference `claim` cites that are the reference's own or the
        claim's: all that `applicable` keeps for its citations, in their order in the map."""
        found: list[Finding] = []
        for ref in dict.fromkeys(c.ref for c in claim.cites):
            shared, own = self._groups.get((ref, None), []), self._groups.get((ref, claim.id), [])
            found += sorted(shared + own, key=lambda f: self._position[id(f)]) if own else shared
        return found


def _by_reference(findings: Iterable[Finding]) -> defaultdict[str | None, list[Finding]]:
    grouped: defaultdict[str | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.reference].append(finding)
    return grouped


def reference_status(ref_id: str, findings: Sequence[Finding]) -> ReferenceStatus:
    own = [f for f in findings if f.reference == ref_id]
    if any(f.code is FindingCode.UNVERIFIED for f in own):
        return ReferenceStatus.UNVERIFIED
    worst = max(own, key=lambda f: f.severity.rank, default=None)
    return ReferenceStatus(worst.severity.value) if worst else ReferenceStatus.OK


def gate_exit_code(findings: Sequence[Finding], policy: GatePolicy) -> ExitCode:
    """README, "Exit codes": 1 if anything but a failed lookup fails the gate; else 3 if a
    lookup failed (failing closed, unless --allow-incomplete); else 0."""
    if any(policy.fails(f) for f in findings):
        return ExitCode.GATE_FAILED
    if not policy.allow_incomplete and any(f.code is FindingCode.UNVERIFIED for f in findings):
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
