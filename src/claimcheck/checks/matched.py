"""Findings for a reference that prints no DOI, from what a search by its metadata found.
Pure.

- A confident match is checked like a printed DOI: its editorial status goes through the same
  rules, with what other sources (the Retraction Watch CSV) list for the matched DOI, and
  every such finding says "matched by metadata, not by a printed DOI".
- A weak match only suggests: a retraction of it is `possibly-retracted`, a warning, never
  asserted as `retracted`.
- Two candidates that both validate are `doi-ambiguous`: claimcheck does not choose.
- Nothing validating, or too little cited to search, stays `doi-missing`, saying a search was
  made (or why not).
The thresholds and why are in checks/matching.py and README, "Matching".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from claimcheck.checks.editorial import editorial_status, with_entries
from claimcheck.checks.lookups import reference_finding
from claimcheck.checks.matching import MatchOutcome, MatchStatus, ScoredCandidate
from claimcheck.model.claimmap import Reference
from claimcheck.model.events import EditorialStatus, SourceEntries
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import Lookup, LookupStatus, Work

MATCHED = "matched by metadata, not by a printed DOI"


@dataclass(frozen=True, slots=True)
class Match:
    """A search for one DOI-less reference: what validation made of the candidates, or why
    no search could be made."""

    outcome: MatchOutcome
    error: str | None = None  # the search failed (network, not in a replayed snapshot)


# What the caller's role rules give for a reference with a known status: its retraction and
# notice findings under each citing claim's role (checks/references.py `role_findings`).
RoleFindings = Callable[[EditorialStatus], list[Finding]]


def matched_findings(
    reference: Reference,
    match: Match,
    lookups: Mapping[str, Lookup],
    related: Mapping[str, Lookup],
    *,
    entries: Mapping[str, SourceEntries],
    role_findings: RoleFindings,
    status_findings: Callable[[EditorialStatus], list[Finding]],
) -> tuple[list[Finding], Lookup | None, EditorialStatus | None]:
    """The findings, and the matched work's lookup and status when one was checked.
    `entries` are what other sources (the Retraction Watch CSV) list, by DOI: the matched
    DOI's join its registry record's, as a printed DOI's do."""
    outcome = match.outcome
    best = outcome.best
    if match.error is not None:
        return [_unmatched(reference, match), _search_failed(reference, match)], None, None
    if best is None:
        return [_unmatched(reference, match)], None, None
    lookup = lookups.get(best.doi)
    extra = entries.get(best.doi)
    work = _judged_work(best.doi, lookup, extra)
    suggested = _suggested(reference, outcome, best, lookup, other_sources=extra is not None)
    unchecked = _unchecked(reference, outcome, best, lookup)
    if work is None:
        return [suggested, *unchecked], lookup, None
    status = editorial_status(work, related)
    if outcome.status is MatchStatus.CONFIDENT:
        judged = status_findings(status) + role_findings(status)
        found = [suggested, *unchecked, *(_as_matched(f, best) for f in judged)]
        return found, lookup, status
    possible = _possibly_retracted(reference, best, status, outcome)
    return [suggested, *possible], lookup, status


def _unchecked(
    reference: Reference, outcome: MatchOutcome, best: ScoredCandidate, lookup: Lookup | None
) -> list[Finding]:
    """`unverified` for a confident match whose own record could not be read: the reference
    is taken to be that work, whose status was not checked, as for a printed DOI whose
    lookup failed (the run fails closed, exit 3). A weak match asserts nothing: its
    doi-suggested warning says the status is unknown."""
    if outcome.status is not MatchStatus.CONFIDENT:
        return []
    if lookup is not None and lookup.status is LookupStatus.FOUND:
        return []
    cause = lookup.error if lookup is not None and lookup.error else "it was not looked up"
    message = f"{reference.id}: lookup of {best.doi} (matched by metadata) failed: {cause}"
    evidence = {"doi": best.doi, "cause": cause, "matched": {"doi": best.doi, "basis": MATCHED}}
    return [reference_finding(FindingCode.UNVERIFIED, reference, message, evidence)]


def _search_failed(reference: Reference, match: Match) -> Finding:
    """`unverified` for a reference whose search failed: the search is its lookup, and a
    match it would have found, retracted or not, was never checked. A failed lookup is never
    clean, so the run fails closed (exit 3), as for a printed DOI whose lookup failed; a
    search that was made and found nothing that validates stays `doi-missing` alone."""
    cause = match.error or "the search failed"
    message = (
        f"{reference.id}: the search by its metadata failed: {cause}; the work it cites, "
        "and any retraction of it, could not be checked"
    )
    evidence = {"cause": cause, "query": match.outcome.query}
    return reference_finding(FindingCode.UNVERIFIED, reference, message, evidence)


def _judged_work(doi: str, lookup: Lookup | None, extra: SourceEntries | None) -> Work | None:
    """The matched work whose editorial status is judged: its registry record with what other
    sources list for it; only those entries when the record could not be read (a retraction
    any source lists is never dropped); None when nothing is known."""
    if lookup is not None and lookup.status is LookupStatus.FOUND and lookup.work is not None:
        return with_entries(lookup.work, extra)
    if extra is None:
        return None
    return Work(doi=doi, updated_by=extra.updated_by, update_to=extra.update_to)


def _candidate_evidence(candidate: ScoredCandidate) -> dict[str, object]:
    agreement = candidate.agreement
    return {
        "doi": candidate.doi,
        "label": candidate.label,
        "score": candidate.score,
        "similarity": round(candidate.similarity, 3),
        "agreed": list(agreement.fields(True)),
        "disagreed": list(agreement.fields(False)),
    }


def _fields(candidate: ScoredCandidate) -> str:
    agreed = ", ".join(candidate.agreement.fields(True)) or "none"
    disagreed = ", ".join(candidate.agreement.fields(False)) or "none"
    return f"agreed: {agreed}; disagreed: {disagreed}"


def _unmatched(reference: Reference, match: Match) -> Finding:
    outcome = match.outcome
    evidence: dict[str, object] = {"search": outcome.status.value, "query": outcome.query}
    if match.error is not None:
        said = f"a search by its metadata could not be made ({match.error})"
        evidence["cause"] = match.error
    elif outcome.status is MatchStatus.AMBIGUOUS:
        return _ambiguous(reference, outcome)
    elif outcome.status is MatchStatus.NOT_SEARCHED:
        said = f"it was not searched for: {outcome.why}"
    else:
        said = f"a search by its metadata found no work that validates: {outcome.why}"
        evidence["candidates"] = [_candidate_evidence(c) for c in outcome.candidates[:3]]
    message = f"{reference.id} has no DOI, so it cannot be verified; {said}"
    return reference_finding(FindingCode.DOI_MISSING, reference, message, evidence)


def _ambiguous(reference: Reference, outcome: MatchOutcome) -> Finding:
    tied = [c for c in outcome.candidates if c.validates][:5] or list(outcome.candidates[:2])
    named = "; ".join(f"{c.doi} ({c.label}, similarity {c.similarity:.2f})" for c in tied)
    return reference_finding(
        FindingCode.DOI_AMBIGUOUS,
        reference,
        f"{reference.id} has no DOI, and more than one work matches its metadata: {named}. "
        "claimcheck does not choose; add the right DOI",
        {"query": outcome.query, "candidates": [_candidate_evidence(c) for c in tied]},
    )


def _suggested(
    reference: Reference,
    outcome: MatchOutcome,
    best: ScoredCandidate,
    lookup: Lookup | None,
    *,
    other_sources: bool,
) -> Finding:
    confident = outcome.status is MatchStatus.CONFIDENT
    how = "confidently" if confident else "weakly (not asserted; confirm it)"
    message = (
        f"{reference.id} prints no DOI; it matches {best.doi} ({best.label}) {how}, "
        f"similarity {best.similarity:.2f}, Crossref score {best.score:g} ({_fields(best)})"
    )
    evidence = {
        "confidence": outcome.status.value,
        "query": outcome.query,
        **_candidate_evidence(best),
    }
    # A weak match is not evidence that the reference is that work: until a person confirms
    # it, the reference counts as doubtful, as a reference with no DOI does.
    severity = None if confident else Severity.WARNING
    if lookup is None or lookup.status is not LookupStatus.FOUND:
        why = lookup.error if lookup is not None and lookup.error else "it was not looked up"
        known = (
            "only other sources' updates of it are known"
            if other_sources
            else ("its status is unknown")
        )
        message += f"; its record could not be read, so {known}: {why}"
        evidence["status_checked"] = False
        severity = Severity.WARNING
    return reference_finding(
        FindingCode.DOI_SUGGESTED, reference, message, evidence, severity=severity
    )


def _as_matched(finding: Finding, best: ScoredCandidate) -> Finding:
    return replace(
        finding,
        message=f"{finding.message} [{best.doi}: {MATCHED}]",
        evidence={**finding.evidence, "matched": {"doi": best.doi, "basis": MATCHED}},
    )


def _possibly_retracted(
    reference: Reference, best: ScoredCandidate, status: EditorialStatus, outcome: MatchOutcome
) -> list[Finding]:
    if not status.retractions and not status.retracted_by_title:
        return []
    notices = ", ".join(e.doi or "a notice with no DOI" for e in status.retractions) or (
        "its registry title marks it retracted"
    )
    return [
        reference_finding(
            FindingCode.POSSIBLY_RETRACTED,
            reference,
            f"{reference.id} may cite a retracted work: its closest match by metadata, "
            f"{best.doi} ({best.label}), was retracted ({notices}); the match is weak "
            f"(similarity {best.similarity:.2f}), so this is not asserted: confirm which work "
            "the reference is",
            {"doi": best.doi, "confidence": outcome.status.value, "notices": notices},
        )
    ]
