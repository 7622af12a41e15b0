"""The judging pipeline's shortcuts against the plain definitions they stand for.

Each shortcut does less work per reference, citation or finding than the definition it
replaces. Each property here generates inputs that meet the cases the shortcut skips (no
findings, repeated citations, acknowledged copies, failed lookups, several claims) and
requires the exact result of the plain definition, written out here as it read before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from claimcheck.checks.claims import (
    _NOT_SOUND,
    CitationState,
    _claim_finding,
    _weight,
    _worst_codes,
    citation_state,
    judge_claim,
)
from claimcheck.checks.pipeline import reference_status, sort_findings
from claimcheck.checks.references import _notice, _retracted, claims_role_findings, role_findings
from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.events import (
    EditorialStatus,
    EventKind,
    UpdateDirection,
    UpdateEvent,
    Verdict,
)
from claimcheck.model.findings import Finding, FindingCode, Severity, applicable
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.model.results import ClaimResult, ClaimStatus, ReferenceStatus

HERE = Location(1, 1)
# Few names, so that generated findings and citations often meet.
REFS = ["R0", "R1", "R2"]
CLAIM_IDS = ["C0", "C1"]
CODES = [
    FindingCode.RETRACTED,
    FindingCode.METADATA_MISMATCH,
    FindingCode.NON_CROSSREF_DOI,
    FindingCode.UNVERIFIED,
    FindingCode.UNUSED_REFERENCE,
    FindingCode.ACKNOWLEDGED,
    FindingCode.CORRECTED,
]
# What an `acknowledged` copy names: the finding it hides and the severity it weighed, or
# nothing a code can be read from.
ACK_EVIDENCE = [
    {},
    {"finding": "retracted", "severity": "error"},
    {"finding": "unverified", "severity": "error"},
    {"finding": "non-crossref-doi", "severity": "info"},
    {"finding": "metadata-mismatch", "severity": "warning"},
    {"finding": "no-such-code", "severity": "error"},
]
findings = st.builds(
    Finding,
    code=st.sampled_from(CODES),
    severity=st.sampled_from(list(Severity)),
    message=st.just("m"),
    reference=st.sampled_from([None, *REFS]),
    claim=st.sampled_from([None, *CLAIM_IDS]),
    evidence=st.sampled_from(ACK_EVIDENCE),
)
# Findings that differ only in their code or message, to meet the sort's last keys.
sortable = st.builds(
    Finding,
    code=st.sampled_from(list(FindingCode)),
    severity=st.sampled_from(list(Severity)),
    message=st.sampled_from(["m", "n", ""]),
    reference=st.sampled_from([None, "R9", *REFS]),
    claim=st.sampled_from([None, "C9", *CLAIM_IDS]),
)
citations = st.builds(
    Citation, ref=st.sampled_from(REFS), role=st.sampled_from(list(Role)), location=st.just(HERE)
)
claims = st.builds(
    Claim,
    id=st.sampled_from(CLAIM_IDS),
    text=st.just("t"),
    location=st.just(HERE),
    cites=st.lists(citations, max_size=5).map(tuple),
)


# --- claim verdicts ---------------------------------------------------------------------------


def plain_citation_state(findings: Sequence[Finding]) -> CitationState:
    """The definition: each test a pass of its own over the weights."""
    weights = [_weight(f) for f in findings]
    worst = max(
        (severity.rank for code, severity in weights if code is not FindingCode.UNVERIFIED),
        default=0,
    )
    if worst >= Severity.ERROR.rank:
        return CitationState.FAILS
    if any(code is FindingCode.UNVERIFIED for code, _s in weights):
        return CitationState.UNVERIFIED
    if worst == Severity.WARNING.rank or any(code in _NOT_SOUND for code, _s in weights):
        return CitationState.DOUBTFUL
    return CitationState.SOUND


def plain_judge_claim(claim: Claim, findings: Sequence[Finding]) -> tuple[ClaimResult, object]:
    """The definition: every cited reference (once, however often a claim cites it) reads
    every finding, and every reason is worded."""
    if not claim.cites:
        reason = f"{claim.id} cites no reference"
        finding = _claim_finding(claim, FindingCode.UNCITED_CLAIM, reason)
        return ClaimResult(claim, ClaimStatus.UNCITED, "cites no reference"), finding
    evidence = []
    for cite in claim.cites:
        if cite.role.is_evidence and all(c.ref != cite.ref for c in evidence):
            evidence.append(cite)
    states: dict[CitationState, list[str]] = {s: [] for s in CitationState}
    for cite in evidence:
        found = plain_applicable(findings, cite.ref, claim.id)
        state = plain_citation_state(found)
        why = cite.ref if state is CitationState.SOUND else f"{cite.ref} ({_worst_codes(found)})"
        states[state].append(why)
    if states[CitationState.SOUND]:
        sound = ", ".join(states[CitationState.SOUND])
        return ClaimResult(claim, ClaimStatus.SUPPORTED, f"sound evidence: {sound}"), None
    if states[CitationState.UNVERIFIED]:
        reason = "could not check " + ", ".join(states[CitationState.UNVERIFIED])
        return ClaimResult(claim, ClaimStatus.UNVERIFIED, reason), None
    if states[CitationState.DOUBTFUL]:
        reason = "only doubtful evidence: " + ", ".join(states[CitationState.DOUBTFUL])
        return ClaimResult(claim, ClaimStatus.WEAKENED, reason), None
    if evidence:
        reason = "every evidence citation fails: " + ", ".join(states[CitationState.FAILS])
    else:
        roles = ", ".join(f"{c.ref} {c.role.value}" for c in claim.cites)
        reason = f"no citation is evidence ({roles})"
    finding = _claim_finding(claim, FindingCode.UNSUPPORTED_CLAIM, f"{claim.id}: {reason}")
    return ClaimResult(claim, ClaimStatus.UNSUPPORTED, reason), finding


def plain_applicable(findings: Sequence[Finding], ref: str, claim: str) -> list[Finding]:
    """The definition: every finding's code read, whatever the claim acknowledged."""
    acknowledged_here = {
        f.evidence.get("finding")
        for f in findings
        if f.code is FindingCode.ACKNOWLEDGED and f.reference == ref and f.claim == claim
    }
    return [
        f
        for f in findings
        if f.reference == ref
        and f.claim in (None, claim)
        and f.code is not FindingCode.UNUSED_REFERENCE
        and not (f.claim is None and f.code.value in acknowledged_here)
    ]


# Findings of one reference and few codes, so that acknowledged copies and the findings they
# hide, for this claim, another or none, often meet.
close_findings = st.builds(
    Finding,
    code=st.sampled_from(
        [FindingCode.RETRACTED, FindingCode.ACKNOWLEDGED, FindingCode.UNUSED_REFERENCE]
    ),
    severity=st.just(Severity.ERROR),
    message=st.just("m"),
    reference=st.sampled_from([None, "R0"]),
    claim=st.sampled_from([None, *CLAIM_IDS]),
    evidence=st.sampled_from(ACK_EVIDENCE[:3]),
)


RETRACTED_HERE = Finding(FindingCode.RETRACTED, Severity.ERROR, "m", "R0", "C0")


@given(st.lists(close_findings, max_size=6) | st.lists(findings, max_size=8))
# A claim's own finding stays beside its acknowledged copy of the reference's finding.
@example(
    [
        RETRACTED_HERE,
        replace(RETRACTED_HERE, code=FindingCode.ACKNOWLEDGED, evidence={"finding": "retracted"}),
    ]
)
def test_applicable_equals_the_definition(found: list[Finding]) -> None:
    assert applicable(found, "R0", "C0") == plain_applicable(found, "R0", "C0")


@given(st.lists(findings, max_size=8))
def test_citation_state_in_one_pass_equals_the_definition(found: list[Finding]) -> None:
    assert citation_state(found) is plain_citation_state(found)


@given(claims, st.lists(findings, max_size=12))
def test_a_claim_judged_by_its_references_findings_equals_the_definition(
    claim: Claim, found: list[Finding]
) -> None:
    assert judge_claim(claim, found) == plain_judge_claim(claim, found)


# --- the map's results ----------------------------------------------------------------------


def plain_reference_status(ref_id: str, findings: Sequence[Finding]) -> ReferenceStatus:
    own = [f for f in findings if f.reference == ref_id]
    if any(f.code is FindingCode.UNVERIFIED for f in own):
        return ReferenceStatus.UNVERIFIED
    worst = max(own, key=lambda f: f.severity.rank, default=None)
    return ReferenceStatus(worst.severity.value) if worst else ReferenceStatus.OK


@given(st.sampled_from(REFS), st.lists(findings, max_size=6))
def test_reference_status_equals_the_definition(ref_id: str, found: list[Finding]) -> None:
    assert reference_status(ref_id, found) is plain_reference_status(ref_id, found)


def plain_sort(claim_map: ClaimMap, findings: Sequence[Finding]) -> list[Finding]:
    """The definition: each code compared by its `.value`."""
    claim_order = {c.id: i for i, c in enumerate(claim_map.claims)}
    ref_order = {r.id: i for i, r in enumerate(claim_map.references)}
    return sorted(
        findings,
        key=lambda f: (
            -f.severity.rank,
            claim_order.get(f.claim, -1) if f.claim else -1,
            ref_order.get(f.reference, -1) if f.reference else -1,
            f.code.value,
            f.message,
        ),
    )


@given(st.permutations(CLAIM_IDS), st.permutations(REFS), st.lists(sortable, max_size=12))
def test_findings_sorted_by_their_codes_are_in_the_order_of_the_codes_values(
    claim_ids: list[str], ref_ids: list[str], found: list[Finding]
) -> None:
    claim_map = ClaimMap(
        "map.yaml",
        1,
        tuple(Reference(r, HERE) for r in ref_ids),
        tuple(Claim(c, "t", HERE) for c in claim_ids),
    )
    # Compared one by one as objects: equal findings must come in the same order.
    assert [id(f) for f in sort_findings(claim_map, found)] == [
        id(f) for f in plain_sort(claim_map, found)
    ]


# --- role findings -----------------------------------------------------------------------------

events = st.builds(
    UpdateEvent,
    type=st.sampled_from(["retraction", "partial_retraction", "correction", "withdrawal"]),
    direction=st.sampled_from(list(UpdateDirection)),
    doi=st.sampled_from(["10.5555/a", "10.5555/b", ""]),
    date=st.sampled_from([None, "2019", "2020-05", "2021-01-02"]),
    sources=st.sampled_from([("publisher",), ("publisher", "retraction-watch")]),
    title=st.sampled_from(["", "Retraction: A study"]),
    kind=st.sampled_from(list(EventKind)),
)
statuses = st.builds(
    EditorialStatus,
    verdict=st.just(Verdict.CLEAN),  # not read by the role findings
    retractions=st.lists(events, max_size=2).map(tuple),
    notice_of=st.lists(events, max_size=2).map(tuple),
    retracted_by_title=st.booleans(),
    notice_by_title=st.sampled_from([None, *EventKind]),
)
claim_roles = st.lists(
    st.tuples(st.sampled_from([None, *CLAIM_IDS]), st.sampled_from([None, *Role])), max_size=3
)
RELATED = {
    "10.5555/a": Lookup(
        "10.5555/a", LookupStatus.FOUND, Work("10.5555/a", title="A study", year=2010)
    )
}
REFERENCE = Reference("R0", HERE, doi="10.5555/r")


def plain_role_findings(
    status: EditorialStatus, role: Role | None, claim: str | None, published: date | None
) -> list[Finding]:
    """The definition: worked out for one claim, each finding replaced with its severity."""
    found = []
    for finding in (_retracted(REFERENCE, status, published), _notice(REFERENCE, status, RELATED)):
        if finding is not None:
            severity = Severity.INFO if role is Role.DISCUSSES else finding.severity
            found.append(replace(finding, severity=severity, claim=claim))
    return found


@given(statuses, claim_roles, st.sampled_from([None, date(2020, 6, 1)]))
def test_role_findings_worked_out_once_per_reference_equal_those_of_each_claim(
    status: EditorialStatus,
    roles: list[tuple[str | None, Role | None]],
    published: date | None,
) -> None:
    each = [f for claim, role in roles for f in plain_role_findings(status, role, claim, published)]
    assert (
        claims_role_findings(REFERENCE, status, roles, related=RELATED, published=published) == each
    )
    for claim, role in roles:
        assert role_findings(
            REFERENCE, status, related=RELATED, role=role, claim=claim, published=published
        ) == plain_role_findings(status, role, claim, published)
