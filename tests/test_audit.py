"""The audit end to end over real HTTP: every finding code, roles, verdicts, exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from claimcheck.model.findings import FindingCode, Severity
from claimcheck.model.results import AuditResult, ClaimStatus, ReferenceStatus
from claimcheck.testing import ReplayServer
from tests.auditcase import MAP, audit, every_code_server
from tests.conftest import RECONSTRUCTED
from tests.factories import work_envelope, write_map


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with every_code_server() as replay:
        yield replay


@pytest.fixture
def result(every_code_result: AuditResult) -> AuditResult:
    """The one audit of MAP (conftest), shared by every test that only reads its result: the
    result is frozen, and each audit takes seconds at Crossref's list pace."""
    return every_code_result


def codes(result: AuditResult, ref: str | None = None, claim: str | None = None) -> set[str]:
    return {
        f.code.value
        for f in result.findings
        if (ref is None or f.reference == ref) and (claim is None or f.claim == claim)
    }


def test_every_finding_code_is_produced(result: AuditResult) -> None:
    assert codes(result) == {code.value for code in FindingCode}


def test_retracted_is_an_error_under_supports_and_info_under_discusses(result: AuditResult) -> None:
    by_claim = {f.claim: f for f in result.findings if f.code is FindingCode.RETRACTED}
    assert by_claim["C1"].severity is Severity.ERROR
    assert by_claim["C2"].severity is Severity.INFO
    assert by_claim["C11"].severity is Severity.ERROR  # background does not soften it
    assert "10.5555/notice" in by_claim["C1"].message
    assert by_claim["C1"].evidence["sources"] == ["publisher", "retraction-watch"]
    assert by_claim["C1"].evidence["date"] == "2021-02-27"


def test_one_retraction_from_two_sources_is_one_update(result: AuditResult) -> None:
    ret = next(r for r in result.references if r.reference.id == "RET")
    assert [(u.doi, u.sources) for u in ret.updates] == [
        ("10.5555/notice", ("publisher", "retraction-watch"))
    ]


def test_cited_notice_names_the_retracted_original(result: AuditResult) -> None:
    (finding,) = [f for f in result.findings if f.code is FindingCode.CITES_RETRACTION_NOTICE]
    assert finding.severity is Severity.WARNING
    assert finding.evidence["original_doi"] == "10.1158/0008-5472.can-04-4194"
    assert finding.evidence["original_title"] == "Spontaneous Human Adult Stem Cell Transformation"
    assert "Rubio et al. 2005" in finding.message


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("NOTICE", {"cites-retraction-notice", "metadata-mismatch"}),
        ("EOC", {"expression-of-concern"}),
        ("CORR", {"corrected"}),
        ("REIN", {"reinstated"}),
        ("NF", {"doi-not-found"}),
        ("DC", {"non-crossref-doi"}),
        ("MIS", {"doi-mismatch"}),
        ("META", {"acknowledged"}),
        ("INV", {"doi-invalid"}),
        ("NODOI", {"doi-missing", "acknowledgement-expired"}),
        ("FAIL", {"unverified"}),
        ("UNUSED", {"unused-reference"}),
        # Real captures: Wakefield 1998 (retracted 2010, corrected 2004, Retraction Watch
        # only), and The Lancet's 2020 registry study (retracted after the article's date,
        # under concern, corrected, and cross-linked to two records the replay lacks).
        ("WAKE", {"cited-after-retraction", "corrected"}),
        (
            "LANCET",
            {"retracted", "expression-of-concern", "corrected", "update-role-unclear"},
        ),
        ("ERRATUM", {"cites-correction-notice"}),
        ("EOCN", {"cites-concern-notice"}),
        # No DOI printed: a confident match, a weak match to a retracted work, and a tie.
        ("SUGG", {"doi-suggested"}),
        ("WEAKRET", {"doi-suggested", "possibly-retracted"}),
        ("TWIN", {"doi-ambiguous"}),
    ],
)
def test_reference_findings(result: AuditResult, ref: str, expected: set[str]) -> None:
    assert codes(result, ref=ref) == expected


@pytest.mark.parametrize(
    ("ref", "status"),
    [
        ("RET", ReferenceStatus.ERROR),
        ("NOTICE", ReferenceStatus.WARNING),
        ("CORR", ReferenceStatus.INFO),
        ("FAIL", ReferenceStatus.UNVERIFIED),
        ("META", ReferenceStatus.INFO),
        ("NODOI", ReferenceStatus.WARNING),
    ],
)
def test_reference_status_is_its_worst_finding(
    result: AuditResult, ref: str, status: ReferenceStatus
) -> None:
    assert next(r for r in result.references if r.reference.id == ref).status is status


@pytest.mark.parametrize(
    ("claim", "status"),
    [
        ("C1", ClaimStatus.UNSUPPORTED),
        ("C2", ClaimStatus.SUPPORTED),
        ("C3", ClaimStatus.WEAKENED),
        ("C4", ClaimStatus.UNCITED),
        ("C5", ClaimStatus.UNVERIFIED),
        ("C6", ClaimStatus.SUPPORTED),
        # An acknowledgement hides a finding from the gate; it does not make META sound.
        ("C7", ClaimStatus.WEAKENED),
        ("C8", ClaimStatus.WEAKENED),
        ("C9", ClaimStatus.UNSUPPORTED),
        ("C10", ClaimStatus.SUPPORTED),
        ("C11", ClaimStatus.UNSUPPORTED),
        ("C12", ClaimStatus.UNSUPPORTED),
        ("C13", ClaimStatus.UNSUPPORTED),
        ("C14", ClaimStatus.WEAKENED),
    ],
)
def test_claim_verdicts(result: AuditResult, claim: str, status: ClaimStatus) -> None:
    assert next(c for c in result.claims if c.claim.id == claim).status is status


def test_claim_findings(result: AuditResult) -> None:
    unsupported = {f.claim for f in result.findings if f.code is FindingCode.UNSUPPORTED_CLAIM}
    assert unsupported == {"C1", "C9", "C11", "C12", "C13"}
    assert codes(result, claim="C4") == {"uncited-claim"}


def test_acknowledged_finding_keeps_its_reason(result: AuditResult) -> None:
    (ack,) = [f for f in result.findings if f.code is FindingCode.ACKNOWLEDGED]
    assert ack.evidence["finding"] == "metadata-mismatch"
    assert ack.evidence["reason"] == "the registry is wrong"
    assert "pages cited 98-103, registry 98-105" in ack.message


def test_findings_are_sorted_by_severity_then_map_order(result: AuditResult) -> None:
    ranks = [f.severity.rank for f in result.findings]
    assert ranks == sorted(ranks, reverse=True)
    errors = [f for f in result.findings if f.severity is Severity.ERROR and f.claim]
    claim_ids = [f.claim for f in errors]
    assert claim_ids == sorted(claim_ids, key=lambda c: int(c.lstrip("C")))  # type: ignore[union-attr]


def test_exit_code_fails_the_gate_on_errors(result: AuditResult) -> None:
    assert result.exit_code == 1


SMALL = """
claimcheck: 1
references:
  A: {doi: 10.1038/nbt.2816}
  B: {doi: 10.1634/stemcells.22-4-448}
  C: {cited_as: no doi here}
claims:
  - {id: C1, text: one, cites: [A, C]}
  - {id: C2, text: two, cites: [B]}
"""


def test_only_a_failed_lookup_exits_3(server: ReplayServer, tmp_path: Path) -> None:
    result = audit(server, write_map(tmp_path, SMALL))
    assert result.exit_code == 3
    assert codes(result, ref="A") == {"unverified"}


def test_fail_on_warning_counts_warnings(tmp_path: Path) -> None:
    with ReplayServer(RECONSTRUCTED) as replay:
        passed = audit(replay, write_map(tmp_path, SMALL))
        strict = audit(replay, write_map(tmp_path, SMALL), Severity.WARNING)
    assert passed.exit_code == 0  # doi-missing is only a warning
    assert strict.exit_code == 1


SHARED_ACK = """
claimcheck: 1
references:
  EOC: {doi: 10.5555/concern, title: A study of things}
claims:
  - id: C1
    text: acknowledges the concern
    cites: [EOC]
    acknowledge:
      - {finding: expression-of-concern, ref: EOC, reason: reviewed by the editor}
  - {id: C2, text: does not, cites: [EOC]}
"""


def test_an_acknowledgement_speaks_only_for_its_own_claim(
    server: ReplayServer, tmp_path: Path
) -> None:
    result = audit(server, write_map(tmp_path, SHARED_ACK))
    # Both claims rest on a work under concern: acknowledging it hides C1's finding from the
    # gate, but does not make the work sound evidence for C1.
    statuses = {c.claim.id: c.status for c in result.claims}
    assert statuses == {"C1": ClaimStatus.WEAKENED, "C2": ClaimStatus.WEAKENED}
    reasons = {c.claim.id: c.reason for c in result.claims}
    assert reasons["C1"] == "only doubtful evidence: EOC (expression-of-concern)"
    assert result.references[0].status is ReferenceStatus.WARNING
    scoped = [f for f in result.findings if f.code is FindingCode.ACKNOWLEDGED]
    assert [(f.reference, f.claim) for f in scoped] == [("EOC", "C1")]


def test_when_every_citing_claim_acknowledges_the_finding_is_replaced(
    server: ReplayServer, tmp_path: Path
) -> None:
    one_claim = SHARED_ACK.split("  - {id: C2", maxsplit=1)[0]
    result = audit(server, write_map(tmp_path, one_claim))
    assert codes(result, ref="EOC") == {"acknowledged"}
    assert result.references[0].status is ReferenceStatus.INFO


def test_a_retraction_notice_title_without_links_is_flagged(
    server: ReplayServer, tmp_path: Path
) -> None:
    server.add_work(work_envelope("10.5555/bare-notice", title="Retraction: A study"))
    bare = "claimcheck: 1\nreferences: {N: {doi: 10.5555/bare-notice}}\n"
    bare += "claims: [{id: C1, text: x, cites: [N]}]\n"
    result = audit(server, write_map(tmp_path, bare))
    assert codes(result, ref="N") == {"cites-retraction-notice"}


BILINGUAL_MAP = """
claimcheck: 1
references:
  R: {doi: 10.5555/ru, title: Effect of stem cells on liver regeneration, authors: [Ivanov II]}
claims:
  - {id: C1, text: x, cites: [R]}
"""


def test_a_work_cited_by_its_translated_title_is_the_work_cited(tmp_path: Path) -> None:
    # Crossref's `title` holds "Work titles, including translated titles": the Russian title
    # first, its English translation second, the authors in Cyrillic.
    envelope = json.loads(work_envelope("10.5555/ru", authors=("Иванов", "Петров")))
    envelope["message"]["title"] = [
        "Влияние стволовых клеток на регенерацию печени",
        "Effect of stem cells on liver regeneration",
    ]
    with ReplayServer(RECONSTRUCTED) as replay:
        replay.add_work(json.dumps(envelope).encode())
        result = audit(replay, write_map(tmp_path, BILINGUAL_MAP))
    # The first author is named in another script, and agrees romanised: the work cited.
    assert codes(result, ref="R") == set()
    assert [c.status for c in result.claims] == [ClaimStatus.SUPPORTED]
    assert result.exit_code == 0


def test_a_doi_never_looked_up_is_unverified_not_missing() -> None:
    from claimcheck.checks.lookups import lookup_findings
    from claimcheck.model.claimmap import Reference
    from claimcheck.model.location import Location

    reference = Reference(id="R", location=Location(1, 1), doi="10.1/x")
    (finding,) = lookup_findings(reference, None)
    assert finding.code is FindingCode.UNVERIFIED


@pytest.mark.parametrize(
    ("doi", "hint"),
    [
        ("10.1002/1097-0142(20010815)92:4%3c1019::aid-cncr1407%3e3.0.co;2-k", True),
        ("10.1002/plain", False),
        ("10.1002/100%25-sure", True),
        ("10.1002/%zz-not-an-escape", False),
        ("10.1002/a%20b", False),  # decodes to white space: no DOI, no hint
    ],
)
def test_a_missing_doi_with_url_escapes_names_the_decoded_doi(doi: str, hint: bool) -> None:
    from claimcheck.checks.lookups import lookup_findings
    from claimcheck.model.claimmap import Reference
    from claimcheck.model.location import Location
    from claimcheck.model.record import Lookup, LookupStatus

    reference = Reference(id="R", location=Location(1, 1), doi=doi)
    (finding,) = lookup_findings(reference, Lookup(doi, LookupStatus.NOT_FOUND))
    assert finding.code is FindingCode.DOI_NOT_FOUND
    decoded = unquote(doi)
    assert (f"the DOI is {decoded} " in finding.message) is hint


def test_the_json_update_shows_a_type_it_did_not_apply(result: AuditResult) -> None:
    from claimcheck.reporters.json_entries import update_entry

    lancet = next(r for r in result.references if r.reference.id == "LANCET")
    (concern,) = [u for u in lancet.updates if u.doi == "10.1016/s0140-6736(20)31290-3"]
    entry = update_entry(concern)
    assert entry["type"] == "expression_of_concern"
    assert entry["unapplied_types"] == {"publisher": "retraction"}


def test_a_claim_citing_a_reference_twice_is_judged_by_its_stricter_role(
    server: ReplayServer, tmp_path: Path
) -> None:
    twice = MAP.split("claims:")[0] + (
        "claims:\n  - id: C1\n    text: x\n"
        "    cites: [{ref: RET, role: discusses}, {ref: RET, role: supports}]\n"
    )
    result = audit(server, write_map(tmp_path, twice))
    ret = [f for f in result.findings if f.code is FindingCode.RETRACTED and f.reference == "RET"]
    assert [(f.claim, f.severity) for f in ret] == [("C1", Severity.ERROR)]


@pytest.mark.parametrize(
    ("other_role", "severity", "status"),
    [
        ("contrasts", Severity.INFO, ClaimStatus.SUPPORTED),
        ("background", Severity.INFO, ClaimStatus.SUPPORTED),
        ("supports", Severity.ERROR, ClaimStatus.UNSUPPORTED),
    ],
)
def test_a_reference_a_claim_discusses_is_judged_by_its_evidence_role_only(
    server: ReplayServer, tmp_path: Path, other_role: str, severity: Severity, status: ClaimStatus
) -> None:
    """A claim about a retracted paper that also names it under a role that is not
    evidence stays supported by it: the other role must not make its one sound evidence
    citation a failed one. Under `supports` the retraction still fails the claim."""
    twice = MAP.split("claims:")[0] + (
        "claims:\n  - id: C1\n    text: x\n"
        f"    cites: [{{ref: RET, role: discusses}}, {{ref: RET, role: {other_role}}}]\n"
    )
    result = audit(server, write_map(tmp_path, twice))
    ret = [f for f in result.findings if f.code is FindingCode.RETRACTED and f.reference == "RET"]
    assert [(f.claim, f.severity) for f in ret] == [("C1", severity)]
    assert [c.status for c in result.claims] == [status]


def test_a_reference_cited_twice_is_named_once_in_the_claims_reason(
    server: ReplayServer, tmp_path: Path
) -> None:
    twice = MAP.split("claims:")[0] + (
        "claims:\n  - id: C1\n    text: x\n"
        "    cites: [{ref: RET, role: supports}, {ref: RET, role: discusses}]\n"
    )
    result = audit(server, write_map(tmp_path, twice))
    (claim,) = result.claims
    assert claim.status is ClaimStatus.UNSUPPORTED
    assert claim.reason == "every evidence citation fails: RET (retracted)"
