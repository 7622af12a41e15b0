"""Claim verdicts, unused references and acknowledgements (README, "Findings and
verdicts"). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from enum import StrEnum
from functools import cached_property

from claimcheck.model.claimmap import Acknowledgement, Citation, Claim, ClaimMap
from claimcheck.model.findings import Finding, FindingCode, Severity, applicable
from claimcheck.model.results import ClaimResult, ClaimStatus


class CitationState(StrEnum):
    SOUND = "sound"
    DOUBTFUL = "doubtful"
    FAILS = "fails"
    UNVERIFIED = "unverified"


# Findings that leave a citation short of sound evidence whatever their severity: a DOI of
# another agency was never compared with what the reference cites.
_NOT_SOUND = frozenset({FindingCode.NON_CROSSREF_DOI})


def _weight(finding: Finding) -> tuple[FindingCode, Severity]:
    """The code and severity a finding carries as evidence. An acknowledgement hides a
    finding from the gate; it does not make the reference sound evidence, so an
    acknowledged finding weighs what it weighed before."""
    if finding.code is FindingCode.ACKNOWLEDGED:
        try:
            return (
                FindingCode(str(finding.evidence.get("finding"))),
                Severity(str(finding.evidence.get("severity"))),
            )
        except ValueError:
            return finding.code, finding.severity
    return finding.code, finding.severity


def citation_state(findings: Sequence[Finding]) -> CitationState:
    """A known failure outweighs an unknown: a retracted work whose other links could not be
    read fails as evidence; otherwise a failed lookup leaves the citation unverified."""
    # One pass over the findings: the worst severity of those that are not `unverified`,
    # whether any is, and whether any leaves the citation short of sound.
    worst, unverified, not_sound = 0, False, False
    for finding in findings:
        code, severity = _weight(finding)
        if code is FindingCode.UNVERIFIED:
            unverified = True
        else:
            worst = max(worst, severity.rank)
        not_sound = not_sound or code in _NOT_SOUND
    if worst >= Severity.ERROR.rank:
        return CitationState.FAILS
    if unverified:
        return CitationState.UNVERIFIED
    if worst == Severity.WARNING.rank or not_sound:
        return CitationState.DOUBTFUL
    return CitationState.SOUND


def _worst_codes(findings: Sequence[Finding]) -> str:
    weights = [_weight(f) for f in findings]
    worst = max((severity.rank for _c, severity in weights), default=0)
    codes = {code.value for code, severity in weights if severity.rank == worst}
    codes |= {code.value for code, _s in weights if code in _NOT_SOUND}
    return ", ".join(sorted(codes))


_STATES = tuple(CitationState)
# What each citation weighs, by state: (reference id, the findings that bear on it).
_Cited = list[tuple[str, list[Finding]]]


def judge_claim(claim: Claim, findings: Sequence[Finding]) -> tuple[ClaimResult, Finding | None]:
    """The claim's status, why, and the claim finding it raises (if any)."""
    if not claim.cites:
        return (
            ClaimResult(claim, ClaimStatus.UNCITED, "cites no reference"),
            _claim_finding(claim, FindingCode.UNCITED_CLAIM, f"{claim.id} cites no reference"),
        )
    # Each reference once: one cited twice is weighed by one set of findings (its stricter
    # evidence role's, pipeline._one_role_per_claim), so a second weighing only repeats it.
    evidence = list({c.ref: c for c in claim.cites if c.role.is_evidence}.values())
    # `applicable` keeps only findings of the reference it is asked about: grouped by
    # reference once, each citation reads its own few, not every finding on the claim.
    by_ref: dict[str | None, list[Finding]] = {}
    for finding in findings:
        by_ref.setdefault(finding.reference, []).append(finding)
    states: dict[CitationState, _Cited] = {s: [] for s in _STATES}
    for cite in evidence:
        own = by_ref.get(cite.ref)
        found = applicable(own, cite.ref, claim.id) if own else []
        # No finding weighs nothing: the citation is sound (most citations).
        state = citation_state(found) if found else CitationState.SOUND
        states[state].append((cite.ref, found))
    # Only the reasons of the state that decides the verdict are put into words.
    if states[CitationState.SOUND]:
        sound = ", ".join(ref for ref, _found in states[CitationState.SOUND])
        return ClaimResult(claim, ClaimStatus.SUPPORTED, f"sound evidence: {sound}"), None
    if states[CitationState.UNVERIFIED]:
        # Not "unsupported": a failed lookup says nothing about the claim, and the run is
        # reported incomplete instead (exit 3).
        reason = "could not check " + _why(states[CitationState.UNVERIFIED])
        return ClaimResult(claim, ClaimStatus.UNVERIFIED, reason), None
    if states[CitationState.DOUBTFUL]:
        reason = "only doubtful evidence: " + _why(states[CitationState.DOUBTFUL])
        return ClaimResult(claim, ClaimStatus.WEAKENED, reason), None
    if evidence:
        reason = "every evidence citation fails: " + _why(states[CitationState.FAILS])
    else:
        roles = ", ".join(f"{c.ref} {c.role.value}" for c in claim.cites)
        reason = f"no citation is evidence ({roles})"
    finding = _claim_finding(claim, FindingCode.UNSUPPORTED_CLAIM, f"{claim.id}: {reason}")
    return ClaimResult(claim, ClaimStatus.UNSUPPORTED, reason), finding


def _why(cited: _Cited) -> str:
    """`R1 (retracted), R2 (metadata-mismatch)`: each citation with its worst codes."""
    return ", ".join(f"{ref} ({_worst_codes(found)})" for ref, found in cited)


def _claim_finding(claim: Claim, code: FindingCode, message: str) -> Finding:
    return Finding(
        code=code,
        severity=code.default_severity,
        message=message,
        claim=claim.id,
        location=claim.location,
    )


def unused_reference_findings(claim_map: ClaimMap) -> list[Finding]:
    cited = {c.ref for claim in claim_map.claims for c in claim.cites}
    return [
        Finding(
            code=FindingCode.UNUSED_REFERENCE,
            severity=FindingCode.UNUSED_REFERENCE.default_severity,
            message=f"{ref.id} is cited by no claim",
            reference=ref.id,
            location=ref.location,
        )
        for ref in claim_map.references
        if ref.id not in cited
    ]


def citing(claim_map: ClaimMap, ref_id: str) -> list[tuple[Claim, Citation]]:
    return [(cl, c) for cl in claim_map.claims for c in cl.cites if c.ref == ref_id]


# A failed lookup is never made clean by a person's say-so (README: `unverified` is never
# shown as clean), and the acknowledgement findings themselves cannot be acknowledged.
UNACKNOWLEDGEABLE = frozenset(
    {FindingCode.UNVERIFIED, FindingCode.ACKNOWLEDGED, FindingCode.ACKNOWLEDGEMENT_EXPIRED}
)


# The codes an acknowledgement may name to cover a finding of each code: the code itself and
# what it is a kind of (`retracted` covers `cited-after-retraction`).
_COVERED_BY = {code: tuple(c for c in FindingCode if code.is_a(c)) for code in FindingCode}

_Live = tuple[Claim, Acknowledgement]
# (claim's position in the map, acknowledgement's position in the claim, claim, ack): the
# positions keep matches in the order of a walk over every claim's acknowledgements.
_Entry = tuple[int, int, Claim, Acknowledgement]


class _AckIndex:
    """Every acknowledgement of a claim map, indexed once by what a finding can match it by,
    so that applying them costs time in proportion to the matches, not to findings × claims.

    An acknowledgement naming a reference covers that reference's findings: reference-level
    ones (claim None) for whichever claim names it, claim-scoped ones only for its own claim.
    One naming no reference covers its own claim's findings that name no reference, and
    findings of neither a reference nor a claim for every claim.
    """

    def __init__(self, claim_map: ClaimMap) -> None:
        self.by_ref: dict[tuple[FindingCode, str], list[_Entry]] = {}
        self.by_ref_claim: dict[tuple[FindingCode, str, str], list[_Entry]] = {}
        self.by_claim: dict[tuple[FindingCode, str], list[_Entry]] = {}
        self.unscoped: dict[FindingCode, list[_Entry]] = {}
        self._claims = claim_map.claims
        for at, claim in enumerate(claim_map.claims):
            for nth, ack in enumerate(claim.acknowledge):
                entry = (at, nth, claim, ack)
                if ack.ref is not None:
                    self.by_ref.setdefault((ack.finding, ack.ref), []).append(entry)
                    key = (ack.finding, ack.ref, claim.id)
                    self.by_ref_claim.setdefault(key, []).append(entry)
                else:
                    self.by_claim.setdefault((ack.finding, claim.id), []).append(entry)
                    self.unscoped.setdefault(ack.finding, []).append(entry)
        self.empty = not self.by_ref and not self.by_claim

    @cached_property
    def citing(self) -> dict[str, set[str]]:
        """The claims citing each reference: needed only once a live acknowledgement covers
        a reference-level finding, so most maps never walk their citations for it."""
        citing: dict[str, set[str]] = {}
        for claim in self._claims:
            for cite in claim.cites:
                citing.setdefault(cite.ref, set()).add(claim.id)
        return citing

    def matching(self, finding: Finding) -> list[_Live]:
        """The (claim, acknowledgement) pairs that cover `finding`, in map order."""
        if finding.code in UNACKNOWLEDGEABLE:
            return []
        ref, claim = finding.reference, finding.claim
        found: list[_Entry] = []
        for code in _COVERED_BY[finding.code]:
            # A finding about a reference is covered only by an acknowledgement naming that
            # reference ("leave `ref` out for a claim finding", the claim-map schema): one
            # naming none would also hide the findings of references nobody reviewed.
            if ref is not None and claim is None:
                found += self.by_ref.get((code, ref), ())
            elif ref is not None:
                found += self.by_ref_claim.get((code, ref, claim or ""), ())
            elif claim is not None:
                found += self.by_claim.get((code, claim), ())
            else:
                found += self.unscoped.get(code, ())
        found.sort(key=lambda entry: (entry[0], entry[1]))
        return [(c, ack) for _at, _nth, c, ack in found]

    def covers(self, finding: Finding, live: list[_Live]) -> bool:
        """Whether every claim citing the finding's reference acknowledges it."""
        citing_claims = self.citing.get(finding.reference or "", set())
        return citing_claims <= {claim.id for claim, _ack in live}


def acknowledge(claim_map: ClaimMap, findings: list[Finding], today: date) -> list[Finding]:
    """Apply every claim's acknowledgements to `findings`.

    A live acknowledgement turns the finding into `acknowledged` (info), still shown with the
    reason. It speaks for its own claim: a reference-level finding is replaced outright only
    when every claim citing the reference acknowledges it; otherwise the finding stays for the
    others and the acknowledging claims get a claim-scoped `acknowledged` copy. An expired
    acknowledgement (`until` before today) leaves the finding as it was and adds
    `acknowledgement-expired`.
    """
    index = _AckIndex(claim_map)
    if index.empty:
        # No claim acknowledges anything (most maps): no finding has a match to apply.
        return list(findings)
    out: list[Finding] = []
    extra: list[Finding] = []
    for finding in findings:
        live: list[_Live] = []
        for claim, ack in index.matching(finding):
            if ack.until is not None and ack.until < today:
                extra.append(_expired(claim, ack, finding))
            else:
                live.append((claim, ack))
        if not live:
            out.append(finding)
        elif finding.claim is not None or index.covers(finding, live):
            out.append(_acknowledged(live[0][1], finding))
        else:
            out.append(finding)
            extra.extend(
                replace(_acknowledged(ack, finding), claim=claim.id) for claim, ack in live
            )
    return out + extra


def _acknowledged(ack: Acknowledgement, finding: Finding) -> Finding:
    evidence = dict(finding.evidence)
    evidence.update(
        finding=finding.code.value,
        severity=finding.severity.value,
        reason=ack.reason,
        until=ack.until.isoformat() if ack.until else None,
    )
    return replace(
        finding,
        code=FindingCode.ACKNOWLEDGED,
        severity=FindingCode.ACKNOWLEDGED.default_severity,
        message=f"{finding.message} [acknowledged: {ack.reason}]",
        evidence=evidence,
    )


def _expired(claim: Claim, ack: Acknowledgement, finding: Finding) -> Finding:
    until = ack.until.isoformat() if ack.until else ""
    return Finding(
        code=FindingCode.ACKNOWLEDGEMENT_EXPIRED,
        severity=FindingCode.ACKNOWLEDGEMENT_EXPIRED.default_severity,
        message=(
            f"{claim.id}: the acknowledgement of {finding.code.value}"
            f"{' on ' + finding.reference if finding.reference else ''} expired on {until}; "
            "the finding applies again"
        ),
        reference=finding.reference,
        claim=claim.id,
        evidence={"finding": finding.code.value, "until": until, "reason": ack.reason},
        location=ack.location,
    )
