"""Frozen data for the whole pipeline: the claim map, registry works and findings (the audit's
results are in results.py).

Nothing here does I/O or judgement; the loaders build these, the checks read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from claimcheck.events import UpdateEntry


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Role(StrEnum):
    """Why a claim cites a reference (claim-map spec, "Rules")."""

    SUPPORTS = "supports"
    CONTRASTS = "contrasts"
    BACKGROUND = "background"
    DISCUSSES = "discusses"

    @property
    def is_evidence(self) -> bool:
        # README, "Findings and verdicts": only supports and discusses count as evidence.
        return self in (Role.SUPPORTS, Role.DISCUSSES)


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
}
_KIND_OF = {FindingCode.CITED_AFTER_RETRACTION: FindingCode.RETRACTED}


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based line and column in the claim map."""

    line: int
    column: int


# --- the claim map -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    id: str
    location: Location
    doi: str | None = None  # normalised and lower-cased; None when absent or not a DOI
    doi_input: str | None = None  # exactly as written in the map
    doi_error: str | None = None  # why doi_input is not a DOI
    cited_as: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    authors_truncated: bool = False  # the printed list ended in "et al."
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    ref: str
    role: Role
    location: Location


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    finding: FindingCode
    reason: str
    location: Location
    ref: str | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    location: Location
    translation: str | None = None
    cites: tuple[Citation, ...] = ()
    acknowledge: tuple[Acknowledgement, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    title: str | None = None
    url: str | None = None
    language: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class ClaimMap:
    path: str
    version: int
    references: tuple[Reference, ...]
    claims: tuple[Claim, ...]
    article: Article | None = None

    def reference(self, ref_id: str) -> Reference:
        for reference in self.references:
            if reference.id == ref_id:
                return reference
        raise KeyError(ref_id)


# --- the registry --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Author:
    family: str = ""
    given: str = ""
    name: str = ""  # an organisation, which Crossref gives as `name` instead of family/given

    @property
    def display(self) -> str:
        if self.family:
            return f"{self.family}, {self.given}" if self.given else self.family
        return self.name


@dataclass(frozen=True, slots=True)
class Work:
    """The parts of a Crossref work record that the checks read."""

    doi: str
    title: str = ""
    subtitle: str = ""
    authors: tuple[Author, ...] = ()
    year: int | None = None
    container_titles: tuple[str, ...] = ()
    short_container_titles: tuple[str, ...] = ()
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    article_number: str | None = None
    type: str = ""
    publisher: str = ""
    update_to: tuple[UpdateEntry, ...] = ()
    updated_by: tuple[UpdateEntry, ...] = ()

    @property
    def journal(self) -> str:
        return (self.container_titles or self.short_container_titles or ("",))[0]

    def short_label(self) -> str:
        """ "Rubio et al. 2005", as a message names a work."""
        if not self.authors:
            label = self.title or self.doi
        else:
            first = self.authors[0].family or self.authors[0].name
            label = first if len(self.authors) == 1 else f"{first} et al."
        return f"{label} {self.year}" if self.year else label


class LookupStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not-found"
    OTHER_AGENCY = "other-agency"
    FAILED = "failed"  # could not check


@dataclass(frozen=True, slots=True)
class Lookup:
    doi: str
    status: LookupStatus
    work: Work | None = None
    agency: str | None = None
    error: str | None = None
    cache_age: float | None = None  # seconds since the cached answer was fetched; None if live
    cache_source: str | None = None  # the base URL whose cached answer this is


# --- findings ------------------------------------------------------------------------------


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
    return [
        f
        for f in findings
        if f.reference == ref
        and f.claim in (None, claim)
        and f.code is not FindingCode.UNUSED_REFERENCE
        and not (f.claim is None and f.code.value in acknowledged_here)
    ]
