"""The pipeline over looked-up records: every check, each claim's verdict, the gate. Pure:
the same inputs give the same result."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from claimcheck.checks.agreement import annotate, disagreements
from claimcheck.checks.claims import acknowledge, judge_claim, unused_reference_findings
from claimcheck.checks.datacite import datacite_findings, datacite_status, is_datacites, not_read
from claimcheck.checks.editorial import editorial_status, with_entries
from claimcheck.checks.lookups import lookup_findings
from claimcheck.checks.matched import Match, matched_findings
from claimcheck.checks.matching import MatchStatus
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.checks.references import claims_role_findings, status_findings
from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.datacite import DataCiteLookup
from claimcheck.model.errors import ExitCode
from claimcheck.model.events import Disagreement, EditorialStatus, SourceEntries
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import Lookup, LookupStatus, Work
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
    *,
    entries: Mapping[str, SourceEntries] | None = None,
    datacite: Mapping[str, DataCiteLookup] | None = None,
    matches: Mapping[tuple[str, str], Match] | None = None,
    judged: Mapping[tuple[str, str], Judged] | None = None,
) -> AuditResult:
    """Every check over looked-up records, the update entries other sources list for each
    DOI (`entries`), and DataCite's records of the DOIs Crossref names as DataCite's. Pure:
    the same inputs give the same result.

    `judged` holds references already judged, keyed by (claim-map path, reference id), by
    `judge_reference` over these same inputs (checks/early.py, while other lookups were in
    flight): they are taken as they are instead of being judged again."""
    sources = Sources(entries or {}, consulted_sources(options), datacite or {}, matches or {})
    maps = tuple(
        judge_map(cm, lookups, related, options.today, sources=sources, judged=judged)
        for cm in as_maps(claim_maps)
    )
    findings = [f for m in maps for f in m.findings]
    return AuditResult(
        maps=maps,
        checked_at=options.checked_at,
        source=options.source,
        policy=options.policy,
        exit_code=int(gate_exit_code(findings, options.policy)),
    )


class Sources(NamedTuple):
    entries: Mapping[str, SourceEntries]  # what sources beside the registry list, by DOI
    consulted: tuple[str, ...]  # every source the audit consulted, by name
    datacite: Mapping[str, DataCiteLookup]  # DataCite's answers, by DOI
    matches: Mapping[tuple[str, str], Match]  # (map path, reference id): DOI-less searches


_NO_OTHER_SOURCES = Sources({}, (), {}, {})


def consulted_sources(options: AuditOptions) -> tuple[str, ...]:
    """The sources that list editorial events: DataCite has no retraction field, so it can
    neither confirm nor deny one."""
    return tuple(u.name for u in options.source.used if u.name != "datacite")


class Judged(NamedTuple):
    """One reference's own findings and status, before claims and acknowledgements."""

    findings: tuple[Finding, ...]
    status: _Status


class Citing:
    """What judging one reference reads from its claim map besides the reference: the
    claims citing it, and the article's publication date."""

    def __init__(self, claim_map: ClaimMap) -> None:
        self.path = claim_map.path
        self.published = claim_map.article.published if claim_map.article else None
        self.cited_by: defaultdict[str, list[tuple[Claim, Citation]]] = defaultdict(list)
        for claim in claim_map.claims:
            for citation in claim.cites:
                self.cited_by[citation.ref].append((claim, citation))


def judge_reference(
    citing: Citing,
    reference: Reference,
    lookups: Mapping[str, Lookup],
    related: Mapping[str, Lookup],
    sources: Sources,
) -> Judged:
    """One reference: its lookup, editorial status, metadata and roles. Pure."""
    match = sources.matches.get((citing.path, reference.id))
    citations = citing.cited_by.get(reference.id, [])
    if match is not None and reference.doi is None and reference.doi_error is None:
        found, status = _matched(
            citations,
            reference,
            match,
            lookups,
            related,
            published=citing.published,
            sources=sources,
        )
    else:
        lookup = lookups.get(reference.doi) if reference.doi else None
        found, status = _reference_findings(
            citations, reference, lookup, related, citing.published, sources=sources
        )
    return Judged(tuple(found), status)


def judge_map(
    claim_map: ClaimMap,
    lookups: Mapping[str, Lookup],
    related: Mapping[str, Lookup],
    today: date,
    *,
    sources: Sources = _NO_OTHER_SOURCES,
    judged: Mapping[tuple[str, str], Judged] | None = None,
) -> MapResult:
    citing = Citing(claim_map)
    findings: list[Finding] = []
    statuses: dict[str, _Status] = {}
    for reference in claim_map.references:
        early = judged.get((claim_map.path, reference.id)) if judged else None
        one = early or judge_reference(citing, reference, lookups, related, sources)
        statuses[reference.id] = one.status
        findings.extend(one.findings)
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
    references = []
    for r in claim_map.references:
        status = statuses[r.id]
        found = reference_status(r.id, labelled_by_ref.get(r.id, ()))
        references.append(
            ReferenceResult(
                reference=r,
                status=found,
                lookup=status.lookup,
                editorial=status.editorial,
                disagreements=status.disagreements,
            )
        )
    return MapResult(claim_map, tuple(references), tuple(claim_results), tuple(labelled))


class _Status(NamedTuple):
    lookup: Lookup | None  # the registry's answer; DataCite's record as its work, if read
    editorial: EditorialStatus | None
    disagreements: tuple[Disagreement, ...] = ()


def _reference_findings(
    citations: Sequence[tuple[Claim, Citation]],
    reference: Reference,
    lookup: Lookup | None,
    related: Mapping[str, Lookup],
    published: date | None,
    *,
    sources: Sources,
) -> tuple[list[Finding], _Status]:
    found = lookup_findings(reference, lookup)
    at_datacite = sources.datacite.get(reference.doi) if reference.doi else None
    extra = sources.entries.get(reference.doi) if reference.doi else None
    if lookup is not None and is_datacites(lookup):
        # Fail closed: DataCite's record judges a DataCite DOI; not read, it is `unverified`.
        at_datacite = at_datacite or not_read(lookup.doi)
        found = datacite_findings(reference, at_datacite)
        lookup = replace(lookup, work=at_datacite.work)
        status = datacite_status(at_datacite, extra, related)
        if status is not None:
            # Its own title marks it (or another source lists its updates): judged as a
            # Crossref work with that title would be. Its metadata was compared above, and
            # no source disagreement is put on it: Crossref has no record of it to differ.
            found.extend(status_findings(reference, status))
            found.extend(_role_findings(citations, reference, status, related, published))
            return found, _Status(lookup, status)
    found_work = lookup is not None and lookup.status is LookupStatus.FOUND
    if lookup is None or reference.doi is None or (not found_work and extra is None):
        return found, _Status(lookup, None)
    if lookup.work is not None and found_work:
        work = with_entries(lookup.work, extra)
    else:
        # The registry gave no record (its lookup failed, or the DOI is unknown to it or
        # registered elsewhere), but another source lists updates of this DOI: its editorial
        # status is still checked from them. Its metadata is not: the lookup's own finding
        # above says so.
        assert extra is not None
        work = Work(doi=reference.doi, updated_by=extra.updated_by, update_to=extra.update_to)
    status = editorial_status(work, related)
    # Sources can disagree only where each of them was read.
    differ = disagreements(status, sources.consulted) if found_work else ()
    found.extend(annotate(status_findings(reference, status), differ))
    if found_work:
        found.extend(metadata_findings(reference, work))
    roles = _role_findings(citations, reference, status, related, published)
    found.extend(annotate(roles, differ))
    return found, _Status(lookup, status, differ)


def _role_findings(
    citations: Sequence[tuple[Claim, Citation]],
    reference: Reference,
    status: EditorialStatus,
    related: Mapping[str, Lookup],
    published: date | None,
) -> list[Finding]:
    # An uncited reference still gets its retraction reported once, under no role.
    each = _one_role_per_claim(citations) or [(None, None)]
    return claims_role_findings(reference, status, each, related=related, published=published)


def _matched(
    citations: Sequence[tuple[Claim, Citation]],
    reference: Reference,
    match: Match,
    lookups: Mapping[str, Lookup],
    related: Mapping[str, Lookup],
    *,
    published: date | None,
    sources: Sources,
) -> tuple[list[Finding], _Status]:
    """A reference that prints no DOI, judged by what a search by its metadata found. A
    confident match is judged as its printed DOI would be: with what other sources list for
    it, and saying where they disagree."""
    best = match.outcome.best
    at_registry = lookups.get(best.doi) if best is not None else None
    # As for a printed DOI, sources can disagree only where each of them was read.
    read = at_registry is not None and at_registry.status is LookupStatus.FOUND

    def differ(status: EditorialStatus) -> tuple[Disagreement, ...]:
        return disagreements(status, sources.consulted) if read else ()

    def roles(status: EditorialStatus) -> list[Finding]:
        each = _one_role_per_claim(citations) or [(None, None)]
        found = claims_role_findings(reference, status, each, related=related, published=published)
        return annotate(found, differ(status))

    found, lookup, status = matched_findings(
        reference,
        match,
        lookups,
        related,
        entries=sources.entries,
        role_findings=roles,
        status_findings=lambda s: annotate(status_findings(reference, s), differ(s)),
    )
    # A weak match is not asserted to be the cited work: no disagreement is put on it.
    confident = match.outcome.status is MatchStatus.CONFIDENT
    return found, _Status(lookup, status, differ(status) if status and confident else ())


def _one_role_per_claim(
    citations: Sequence[tuple[Claim, Citation]],
) -> list[tuple[str | None, Role | None]]:
    """Each citing claim once. A claim citing a reference twice is judged by its stricter
    evidence role: any role but `discusses` keeps a retraction an error for that claim. Roles
    that are not evidence count only when the claim cites the reference under no evidence
    role: a claim that `discusses` a retracted paper and also names it `contrasts` or
    `background` is about that paper, and its one sound citation must not turn into a
    failed one (claims.judge_claim weighs every citation of a reference by one finding)."""
    roles: dict[str, Role] = {}
    for claim, citation in citations:
        held = roles.get(claim.id)
        if held is None or _stricter(citation.role, held):
            roles[claim.id] = citation.role
    return list(roles.items())


def _stricter(role: Role, held: Role) -> bool:
    """Whether `role` should replace `held` as the role a claim's citation is judged by."""
    if role.is_evidence != held.is_evidence:
        return role.is_evidence
    return held is Role.DISCUSSES and role is not Role.DISCUSSES


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


# The reference status each severity gives its worst finding, looked up instead of made
# from the severity's value per reference.
_STATUS_OF = {severity: ReferenceStatus(severity.value) for severity in Severity}


def reference_status(ref_id: str, findings: Sequence[Finding]) -> ReferenceStatus:
    """`unverified` if any of the reference's own findings is, else its worst severity."""
    worst: Severity | None = None
    for finding in findings:  # one pass; most references have no finding at all
        if finding.reference != ref_id:
            continue
        if finding.code is FindingCode.UNVERIFIED:
            return ReferenceStatus.UNVERIFIED
        if worst is None or finding.severity.rank > worst.rank:
            worst = finding.severity
    return ReferenceStatus.OK if worst is None else _STATUS_OF[worst]


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
            # The code itself, not its `.value` (an enum property, slow to read): a StrEnum
            # member is the string of its value, so it sorts and compares as the value does.
            f.code,
            f.message,
        )

    return sorted(findings, key=key)
