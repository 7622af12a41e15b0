"""Findings: what the checks conclude about a reference or a claim, with its code and
severity (README, "Findings and verdicts")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from claimcheck.model.location import Location


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class FindingCode(StrEnum):
    """Every finding code (README, "Findings and verdicts"), with its default severity."""

    RETRACTED = "retracted"
    CITES_RETRACTION_NOTICE = "cites-retraction-notice"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    CORRECTED = "corrected"
    REINSTATED = "reinstated"
    DOI_NOT_FOUND = "doi-not-found"
    NON_CROSSREF_DOI = "non-crossref-doi"
    DOI_MISMATCH = "doi-mismatch"
    METADATA_MISMATCH = "metadata-mismatch"
    DOI_INVALID = "doi-invalid"
    DOI_MISSING = "doi-missing"
    UNVERIFIED = "unverified"
    UNCITED_CLAIM = "uncited-claim"
    UNSUPPORTED_CLAIM = "unsupported-claim"
    UNUSED_REFERENCE = "unused-reference"
    ACKNOWLEDGED = "acknowledged"
    ACKNOWLEDGEMENT_EXPIRED = "acknowledgement-expired"
    # Beyond the original table: notices of every kind named as such, links whose
    # direction nothing settles, and a retraction the article cited after it was public.
    CITES_CONCERN_NOTICE = "cites-concern-notice"
    CITES_CORRECTION_NOTICE = "cites-correction-notice"
    UPDATE_ROLE_UNCLEAR = "update-role-unclear"
    CITED_AFTER_RETRACTION = "cited-after-retraction"
    # References that print no DOI, matched by their metadata (README, "Matching").
    DOI_SUGGESTED = "doi-suggested"
    DOI_AMBIGUOUS = "doi-ambiguous"
    POSSIBLY_RETRACTED = "possibly-retracted"

    @property
    def default_severity(self) -> Severity:
        return DEFAULT_SEVERITY[self]

    def is_a(self, other: FindingCode) -> bool:
        """Whether this code is `other` or a kind of it: `cited-after-retraction` is a kind of
        `retracted`, so `--fail-on retracted` and an acknowledgement of `retracted` cover it."""
        return self is other or _KIND_OF.get(self) is other


DEFAULT_SEVERITY: Mapping[FindingCode, Severity] = {
    FindingCode.RETRACTED: Severity.ERROR,
    FindingCode.CITES_RETRACTION_NOTICE: Severity.WARNING,
    FindingCode.EXPRESSION_OF_CONCERN: Severity.WARNING,
    FindingCode.CORRECTED: Severity.INFO,
    FindingCode.REINSTATED: Severity.INFO,
    FindingCode.DOI_NOT_FOUND: Severity.ERROR,
    FindingCode.NON_CROSSREF_DOI: Severity.INFO,
    FindingCode.DOI_MISMATCH: Severity.ERROR,
    FindingCode.METADATA_MISMATCH: Severity.WARNING,
    FindingCode.DOI_INVALID: Severity.ERROR,
    FindingCode.DOI_MISSING: Severity.WARNING,
    FindingCode.UNVERIFIED: Severity.ERROR,
    FindingCode.UNCITED_CLAIM: Severity.WARNING,
    FindingCode.UNSUPPORTED_CLAIM: Severity.ERROR,
    FindingCode.UNUSED_REFERENCE: Severity.INFO,
    FindingCode.ACKNOWLEDGED: Severity.INFO,
    FindingCode.ACKNOWLEDGEMENT_EXPIRED: Severity.WARNING,
    FindingCode.CITES_CONCERN_NOTICE: Severity.WARNING,
    FindingCode.CITES_CORRECTION_NOTICE: Severity.WARNING,
    FindingCode.UPDATE_ROLE_UNCLEAR: Severity.WARNING,
    FindingCode.CITED_AFTER_RETRACTION: Severity.ERROR,
    FindingCode.DOI_SUGGESTED: Severity.INFO,
    FindingCode.DOI_AMBIGUOUS: Severity.WARNING,
    FindingCode.POSSIBLY_RETRACTED: Severity.WARNING,
}
_KIND_OF = {FindingCode.CITED_AFTER_RETRACTION: FindingCode.RETRACTED}

# The findings about a claim itself (checks/claims.py raises them naming no reference). Every
# other code is about a reference, so an acknowledgement names it with `ref`, and one of
# these without (README, "Gate policy"): either way round it would match no finding.
CLAIM_FINDINGS = frozenset({FindingCode.UNCITED_CLAIM, FindingCode.UNSUPPORTED_CLAIM})


@dataclass(frozen=True, slots=True)
class Finding:
    code: FindingCode
    severity: Severity
    message: str
    reference: str | None = None
    claim: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    location: Location | None = None
    file: str = ""  # the claim map it was found in

    def in_file(self, path: str) -> Finding:
        """This finding, labelled with its claim map: `replace(self, file=path)` without its
        per-field lookups (every finding of a map is labelled). Names every field: one added
        above must be added here too (test_models checks it against `replace`)."""
        return Finding(
            self.code,
            self.severity,
            self.message,
            self.reference,
            self.claim,
            self.evidence,
            self.location,
            path,
        )

    def scoped(self, severity: Severity, claim: str | None) -> Finding:
        """This finding with another severity and claim: `replace(self, severity=…,
        claim=…)` without its per-field lookups (every role finding of a reference is
        scoped). Names every field, as `in_file` does (test_models checks it too)."""
        return Finding(
            self.code,
            severity,
            self.message,
            self.reference,
            claim,
            self.evidence,
            self.location,
            self.file,
        )


def applicable(findings: Iterable[Finding], ref: str, claim: str) -> list[Finding]:
    """The findings that bear on one citation: the reference's own, and those for this claim.

    A reference-level finding that this claim acknowledged is replaced, for this claim only,
    by its claim-scoped `acknowledged` copy.
    """
    findings = list(findings)
    acknowledged_here = {
        f.evidence.get("finding")
        for f in findings
        if f.code is FindingCode.ACKNOWLEDGED and f.reference == ref and f.claim == claim
    }
    # `.value` is an enum property, slow to read: it is read only when this claim
    # acknowledged something here, which most citations do not.
    return [
        f
        for f in findings
        if f.reference == ref
        and f.claim in (None, claim)
        and f.code is not FindingCode.UNUSED_REFERENCE
        and not (acknowledged_here and f.claim is None and f.code.value in acknowledged_here)
    ]
