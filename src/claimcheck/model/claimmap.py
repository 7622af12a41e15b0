"""The claim map as loaded: the article, its references, and the claims that cite them
(claim-map spec)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from claimcheck.model.findings import FindingCode
from claimcheck.model.location import Location


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
