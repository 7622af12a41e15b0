"""Judging and reporting through indexes built once per map.

Acknowledgements are applied through an index by (finding code, reference) and claim, and
claim verdicts, JUnit testcases and table rows read findings grouped by reference and claim
instead of rescanning every finding. No test here times anything: each pins the exact result
of one path through the indexes (an acknowledgement scoped to a claim, a reference many claims
cite, expired acknowledgements, findings without a reference), and two compare the indexed
code with the plain definition it replaces over many generated maps.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from claimcheck.checks.claims import (
    UNACKNOWLEDGEABLE,
    _acknowledged,
    _expired,
    acknowledge,
    applicable,
)
from claimcheck.checks.pipeline import judge
from claimcheck.model.claimmap import (
    Acknowledgement,
    Article,
    Citation,
    Claim,
    ClaimMap,
    Reference,
    Role,
)
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, LookupStatus, Work
from claimcheck.model.results import AuditResult, GatePolicy, MapResult
from claimcheck.reporters import junit, table
from claimcheck.sources.crossref.records import parse_work
from tests.factories import FIXED_OPTIONS, judge_works, update, work_envelope

TODAY = FIXED_OPTIONS.today  # 2026-01-01
PAST, FUTURE = date(2025, 12, 31), date(2027, 1, 1)
META_MESSAGE = "META: year cited 2010, registry 2015"


def at(line: int) -> Location:
    return Location(line, 1)


def work(doi: str, **extra: Any) -> Work:
    return parse_work(json.loads(work_envelope(doi, **extra))["message"])


# Retraction Watch names the notice of a retraction, so no other record needs reading.
RETRACTED = work(
    "10.5555/ret",
    updated_by=[update("10.5555/notice", "retraction", "2021-03-01", "retraction-watch")],
)
ORDINARY = work("10.5555/meta")  # published 2015; META cites 2010: a metadata-mismatch
REFERENCES = (
    Reference("RET", at(1), doi="10.5555/ret"),
    Reference("META", at(2), doi="10.5555/meta", year=2010),
)


def cite(ref: str, role: Role = Role.SUPPORTS) -> Citation:
    return Citation(ref, role, at(9))


def ack(
    code: FindingCode, ref: str | None = None, reason: str = "checked", until: date | None = None
) -> Acknowledgement:
    return Acknowledgement(code, reason, at(9), ref, until)


def claim(claim_id: str, *cites: Citation, acks: Sequence[Acknowledgement] = ()) -> Claim:
    return Claim(claim_id, f"claim {claim_id}", at(10), cites=cites, acknowledge=tuple(acks))


def audit(*claims: Claim, published: date | None = None) -> AuditResult:
    """The claims judged over those of REFERENCES they cite."""
    article = Article(published=published) if published else None
    cited = {c.ref for cl in claims for c in cl.cites}
    references = tuple(r for r in REFERENCES if r.id in cited)
    claim_map = ClaimMap("map.yaml", 1, references, claims, article)
    return judge_works(claim_map, RETRACTED, ORDINARY)


def rows(result: AuditResult) -> list[tuple[str, str | None, str | None, str]]:
    return [(f.code.value, f.reference, f.claim, f.message) for f in result.findings]


def verdicts(result: AuditResult) -> list[tuple[str, str, str]]:
    return [(c.claim.id, c.status.value, c.reason) for c in result.claims]


# --- acknowledgements, one path at a time ---------------------------------------------------


def test_an_acknowledgement_speaks_only_for_its_own_claim() -> None:
    result = audit(
        claim("C1", cite("META"), acks=[ack(FindingCode.METADATA_MISMATCH, "META", "typo")]),
        claim("C2", cite("META")),
    )
    assert rows(result) == [
        ("metadata-mismatch", "META", None, META_MESSAGE),
        ("acknowledged", "META", "C1", f"{META_MESSAGE} [acknowledged: typo]"),
    ]
    # The acknowledged copy weighs what the finding weighed, for its claim too.
    doubtful = "only doubtful evidence: META (metadata-mismatch)"
    assert verdicts(result) == [("C1", "weakened", doubtful), ("C2", "weakened", doubtful)]


def test_a_reference_that_every_citing_claim_acknowledges_is_replaced_once() -> None:
    k = 300
    claims = [
        claim(f"C{i}", cite("META"), acks=[ack(FindingCode.METADATA_MISMATCH, "META", f"r{i}")])
        for i in range(1, k + 1)
    ]
    result = audit(*claims)
    # The first claim in map order gives the reason.
    assert rows(result) == [("acknowledged", "META", None, f"{META_MESSAGE} [acknowledged: r1]")]
    assert result.exit_code == 0


def test_a_reference_many_claims_cite_keeps_its_finding_for_the_others() -> None:
    k = 300
    claims = [
        claim(f"C{i}", cite("META"), acks=[ack(FindingCode.METADATA_MISMATCH, "META", f"r{i}")])
        for i in range(1, k)
    ]
    result = audit(*claims, claim(f"C{k}", cite("META")))
    assert rows(result) == [
        ("metadata-mismatch", "META", None, META_MESSAGE),
        *(
            ("acknowledged", "META", f"C{i}", f"{META_MESSAGE} [acknowledged: r{i}]")
            for i in range(1, k)
        ),
    ]
    rendered = table.render(result)
    assert rendered.count("acknowledged [C") == k - 1
    assert rendered.count("metadata-mismatch META:") == 1


def test_an_expired_acknowledgement_leaves_the_finding_and_says_so() -> None:
    result = audit(
        claim("C1", cite("META"), acks=[ack(FindingCode.METADATA_MISMATCH, "META", "old", PAST)]),
        claim("C2", cite("META"), acks=[ack(FindingCode.METADATA_MISMATCH, "META", "ok", TODAY)]),
    )
    expired = (
        "C1: the acknowledgement of metadata-mismatch on META expired on 2025-12-31; "
        "the finding applies again"
    )
    # An acknowledgement `until` today is live still.
    assert rows(result) == [
        ("metadata-mismatch", "META", None, META_MESSAGE),
        ("acknowledgement-expired", "META", "C1", expired),
        ("acknowledged", "META", "C2", f"{META_MESSAGE} [acknowledged: ok]"),
    ]


def test_a_claim_scoped_finding_is_acknowledged_by_its_claim_alone() -> None:
    # RET is retracted: one `retracted` finding per citing claim. C1 acknowledges its own;
    # C2's is an error still, and C3, citing it under `discusses`, gets an info.
    result = audit(
        claim("C1", cite("RET"), acks=[ack(FindingCode.RETRACTED, "RET", "known")]),
        claim("C2", cite("RET")),
        claim("C3", cite("RET", Role.DISCUSSES)),
    )
    message = "RET was retracted: 10.5555/notice (2021-03-01; retraction-watch)"
    fails = "every evidence citation fails: RET (retracted)"
    # An acknowledged retraction still weighs as one (claims.py `_weight`): C1 stays
    # unsupported.
    assert rows(result) == [
        ("unsupported-claim", None, "C1", f"C1: {fails}"),
        ("unsupported-claim", None, "C2", f"C2: {fails}"),
        ("retracted", "RET", "C2", message),
        ("acknowledged", "RET", "C1", f"{message} [acknowledged: known]"),
        ("retracted", "RET", "C3", message),
    ]
    assert verdicts(result) == [
        ("C1", "unsupported", fails),
        ("C2", "unsupported", fails),
        ("C3", "supported", "sound evidence: RET"),
    ]


def test_an_acknowledgement_of_retracted_covers_cited_after_retraction() -> None:
    result = audit(
        claim("C1", cite("RET"), acks=[ack(FindingCode.RETRACTED, "RET", "known")]),
        published=date(2022, 1, 1),
    )
    assert [(code, ref, cl) for code, ref, cl, _m in rows(result)] == [
        ("unsupported-claim", None, "C1"),
        ("acknowledged", "RET", "C1"),
    ]
    acknowledged = result.findings[1]
    assert acknowledged.evidence["finding"] == "cited-after-retraction"


def test_of_several_acknowledgements_the_first_in_the_claim_gives_the_reason() -> None:
    # Both cover C1's `cited-after-retraction`: one by its own code, one by the code it is a
    # kind of. The claim lists the first one first.
    first = ack(FindingCode.CITED_AFTER_RETRACTION, "RET", "first")
    second = ack(FindingCode.RETRACTED, "RET", reason="second")
    result = audit(claim("C1", cite("RET"), acks=[first, second]), published=date(2022, 1, 1))
    acknowledged = [f.message for f in result.findings if f.code is FindingCode.ACKNOWLEDGED]
    assert len(acknowledged) == 1
    assert acknowledged[0].endswith("[acknowledged: first]")
    result = audit(claim("C1", cite("RET"), acks=[second, first]), published=date(2022, 1, 1))
    acknowledged = [f.message for f in result.findings if f.code is FindingCode.ACKNOWLEDGED]
    assert acknowledged[0].endswith("[acknowledged: second]")


def test_expired_acknowledgements_are_reported_in_map_order() -> None:
    # C1 names the finding's own code, C2 the code it is a kind of: two entries of the index,
    # reported in the order of the claims all the same.
    claims = (
        claim("C1", cite("RET"), acks=[ack(FindingCode.CITED_AFTER_RETRACTION, "RET", "a", PAST)]),
        claim("C2", cite("RET"), acks=[ack(FindingCode.RETRACTED, "RET", "b", PAST)]),
    )
    found = Finding(FindingCode.CITED_AFTER_RETRACTION, Severity.ERROR, "m", reference="RET")
    out = acknowledge(ClaimMap("map.yaml", 1, REFERENCES, claims), [found], TODAY)
    assert [(f.code.value, f.claim, f.evidence.get("reason")) for f in out] == [
        ("cited-after-retraction", None, None),
        ("acknowledgement-expired", "C1", "a"),
        ("acknowledgement-expired", "C2", "b"),
    ]


def test_an_acknowledgement_naming_no_reference_hides_no_reference_finding() -> None:
    # C1 reviewed its claim's own finding; a retraction of RET (or of any reference it
    # cites) that nobody reviewed must stay visible and fail the gate.
    result = audit(
        claim("C1", cite("RET"), acks=[ack(FindingCode.RETRACTED, reason="not RET's")]),
    )
    codes = {(f.code.value, f.reference) for f in result.findings}
    assert ("retracted", "RET") in codes
    assert not any(f.code is FindingCode.ACKNOWLEDGED for f in result.findings)
    assert result.exit_code == 1


def test_acknowledged_findings_never_fail_the_gate_even_at_info() -> None:
    result = audit(claim("C1", cite("RET"), acks=[ack(FindingCode.RETRACTED, "RET", "seen")]))
    assert any(f.code is FindingCode.ACKNOWLEDGED for f in result.findings)
    info = GatePolicy(Severity.INFO)
    assert not any(info.fails(f) for f in result.findings if f.code is FindingCode.ACKNOWLEDGED)
    named = GatePolicy(codes=frozenset({FindingCode.ACKNOWLEDGED}))
    assert any(named.fails(f) for f in result.findings)


def test_findings_without_a_reference_take_only_their_claims_acknowledgements() -> None:
    result = audit(
        claim("C1", acks=[ack(FindingCode.UNCITED_CLAIM, reason="common knowledge")]),
        claim("C2"),
        # Scoped to a reference, it cannot cover the claim's own uncited-claim finding.
        claim("C3", acks=[ack(FindingCode.UNCITED_CLAIM, "META", "wrong scope")]),
        claim(
            "C4",
            cite("META", Role.BACKGROUND),
            acks=[
                ack(FindingCode.UNSUPPORTED_CLAIM, reason="the author's view"),
                # Unscoped, it covers the claim's own findings, not META's, which no claim owns.
                ack(FindingCode.METADATA_MISMATCH, reason="not META's"),
            ],
        ),
    )
    assert rows(result) == [
        ("metadata-mismatch", "META", None, META_MESSAGE),
        ("uncited-claim", None, "C2", "C2 cites no reference"),
        ("uncited-claim", None, "C3", "C3 cites no reference"),
        ("acknowledged", None, "C1", "C1 cites no reference [acknowledged: common knowledge]"),
        (
            "acknowledged",
            None,
            "C4",
            "C4: no citation is evidence (META background) [acknowledged: the author's view]",
        ),
    ]


def test_a_failed_lookup_is_never_acknowledged() -> None:
    claim_map = ClaimMap(
        "map.yaml",
        1,
        REFERENCES[:1],
        (claim("C1", cite("RET"), acks=[ack(FindingCode.UNVERIFIED, "RET")]),),
    )
    failed = Lookup("10.5555/ret", LookupStatus.FAILED, error="timed out")
    result = judge(claim_map, {"10.5555/ret": failed}, {}, FIXED_OPTIONS)
    assert [(code, ref, cl) for code, ref, cl, _m in rows(result)] == [
        ("unverified", "RET", None),
    ]
    assert verdicts(result) == [("C1", "unverified", "could not check RET (unverified)")]


def test_a_finding_of_no_reference_and_no_claim_takes_any_claims_acknowledgement() -> None:
    claim_map = ClaimMap(
        "map.yaml",
        1,
        REFERENCES,
        (
            claim("C1", acks=[ack(FindingCode.DOI_MISSING, reason="by C1", until=FUTURE)]),
            claim("C2", acks=[ack(FindingCode.DOI_MISSING, reason="by C2")]),
            claim("C0", acks=[ack(FindingCode.DOI_MISSING, reason="gone", until=PAST)]),
        ),
    )
    orphan = Finding(FindingCode.DOI_MISSING, Severity.WARNING, "no DOI")
    out = acknowledge(claim_map, [orphan], TODAY)
    assert [(f.code.value, f.claim, f.message) for f in out] == [
        ("acknowledged", None, "no DOI [acknowledged: by C1]"),
        (
            "acknowledgement-expired",
            "C0",
            "C0: the acknowledgement of doi-missing expired on 2025-12-31; "
            "the finding applies again",
        ),
    ]


# --- the indexed code against the plain definitions ------------------------------------------


def _matches(a: Acknowledgement, owner: Claim, finding: Finding) -> bool:
    """Whether `a`, of claim `owner`, covers `finding`: `acknowledge`'s rule, pair by pair."""
    if not finding.code.is_a(a.finding) or finding.code in UNACKNOWLEDGEABLE:
        return False
    if a.ref is not None and finding.reference != a.ref:
        return False
    if a.ref is None and finding.reference is not None:
        return False  # leave `ref` out only for a claim finding (the claim-map schema)
    return finding.claim in (None, owner.id)


def plain_acknowledge(cm: ClaimMap, findings: list[Finding], today: date) -> list[Finding]:
    """Every finding against every claim's every acknowledgement: the definition, quadratic."""
    out: list[Finding] = []
    extra: list[Finding] = []
    for finding in findings:
        every = [(c, a) for c in cm.claims for a in c.acknowledge if _matches(a, c, finding)]
        extra += [_expired(c, a, finding) for c, a in every if a.until and a.until < today]
        live = [(c, a) for c, a in every if a.until is None or a.until >= today]
        citing = {c.id for c in cm.claims for x in c.cites if x.ref == (finding.reference or "")}
        if not live:
            out.append(finding)
        elif finding.claim is not None or citing <= {c.id for c, _a in live}:
            out.append(_acknowledged(live[0][1], finding))
        else:
            out.append(finding)
            extra += [replace(_acknowledged(a, finding), claim=c.id) for c, a in live]
    return out + extra


CODES = [FindingCode(c) for c in ("retracted", "cited-after-retraction", "metadata-mismatch")]
CODES += [FindingCode(c) for c in ("uncited-claim", "unverified", "acknowledged")]
# Few names, so that generated findings and acknowledgements often meet.
REFS = ["R0", "R1"]
CLAIM_IDS = ["C0", "C1", "C2"]
maybe_ref = st.sampled_from([None, *REFS])
acks = st.builds(
    Acknowledgement,
    finding=st.sampled_from(CODES),
    reason=st.sampled_from(["a", "b"]),
    location=st.just(at(1)),
    ref=maybe_ref,
    until=st.sampled_from([None, PAST, TODAY, FUTURE]),
)
findings = st.builds(
    Finding,
    code=st.sampled_from(CODES),
    severity=st.sampled_from(list(Severity)),
    message=st.sampled_from(["m", "n"]),
    reference=maybe_ref,
    claim=st.sampled_from([None, *CLAIM_IDS]),
    # What an `acknowledged` copy names: it hides that finding of its reference for its claim.
    evidence=st.sampled_from([{}, {"finding": "metadata-mismatch"}, {"finding": "retracted"}]),
)


@st.composite
def claim_maps(draw: st.DrawFn) -> ClaimMap:
    claims = tuple(
        Claim(
            claim_id,
            "t",
            at(1),
            cites=tuple(cite(r) for r in draw(st.lists(st.sampled_from(REFS), max_size=3))),
            acknowledge=tuple(draw(st.lists(acks, max_size=4))),
        )
        for claim_id in draw(st.lists(st.sampled_from(CLAIM_IDS), max_size=4))
    )
    references = tuple(Reference(r, at(1)) for r in REFS)
    return ClaimMap("map.yaml", 1, references, claims)


@given(claim_maps(), st.lists(findings, max_size=12))
def test_indexed_acknowledge_equals_the_definition(cm: ClaimMap, found: list[Finding]) -> None:
    assert acknowledge(cm, found, TODAY) == plain_acknowledge(cm, found, TODAY)


def plain_bearing(part: MapResult, c: Claim) -> list[Finding]:
    """A JUnit testcase's findings by their definition: a scan of every finding."""
    cited = {id(f) for x in c.cites for f in applicable(part.findings, x.ref, c.id)}
    return [f for f in part.findings if f.claim == c.id or id(f) in cited]


@given(claim_maps(), st.lists(findings, max_size=12))
def test_junit_testcases_read_the_findings_the_definition_names(
    cm: ClaimMap, found: list[Finding]
) -> None:
    part = MapResult(cm, (), (), tuple(found))
    policy = GatePolicy()
    for c in cm.claims:
        bearing = plain_bearing(part, c)
        expected = junit.Case(
            junit.case_name(c),
            tuple(f for f in bearing if policy.fails(f)),
            tuple(f for f in bearing if f.code is FindingCode.UNVERIFIED),
            tuple(
                f for f in bearing if not policy.fails(f) and f.code is not FindingCode.UNVERIFIED
            ),
        )
        assert junit.claim_case(part, c, policy) == expected
