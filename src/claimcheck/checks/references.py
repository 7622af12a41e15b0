"""Findings about one reference's editorial status (its DOI and lookup: lookups.py; how a
title marker is named: marked_titles.py). Pure.

One finding per fact: a work's retraction is one `retracted` finding per citing claim, naming
every notice; its concerns, corrections and unclear links are one finding each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from claimcheck.checks.editorial import notice_kind
from claimcheck.checks.lookups import reference_finding
from claimcheck.checks.marked_titles import (
    TITLE_WORDS,
    marked_words,
    retracted_by_title,
    titles_disagree,
)
from claimcheck.checks.timing import Timing, event_dates, retraction_timing
from claimcheck.model.claimmap import Reference, Role
from claimcheck.model.events import (
    CONTRADICTORY,
    EditorialStatus,
    EventKind,
    UpdateDirection,
    UpdateEvent,
    retracted_as,
)
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.record import Lookup, LookupStatus


def _label(kind: str) -> str:
    return kind.replace("_", " ")


# What a lookup of the other record gave when the registry has no record of it.
_NO_RECORD = (LookupStatus.NOT_FOUND.value, LookupStatus.OTHER_AGENCY.value)


def _describe(event: UpdateEvent) -> str:
    """`10.1/n (2010-08-15; publisher + retraction-watch; "Retraction: …")`."""
    parts = [event.date or "undated"]
    if event.source_types:
        parts.append(", ".join(f"{source}: {_label(kind)}" for source, kind in event.source_types))
    else:
        parts.append(" + ".join(event.sources))
    for source, kind in event.unapplied_types:
        parts.append(
            f"{source} also lists it as {_label(kind)} on the other record's side, not applied"
        )
    if event.source_dates:
        parts.append("dated " + ", ".join(f"{s} {d}" for s, d in event.source_dates))
    if event.title:
        parts.append(repr(event.title[:80]))
    elif event.other_end in _NO_RECORD:
        parts.append("no Crossref record of it")
    if event.direction is UpdateDirection.IN_PLACE:
        where = "in place"
    else:
        where = event.doi or "a notice with no DOI"
    return f"{where} ({'; '.join(parts)})"


def _describe_all(events: Sequence[UpdateEvent]) -> str:
    return "; ".join(_describe(e) for e in events)


def event_evidence(event: UpdateEvent) -> dict[str, object]:
    evidence: dict[str, object] = {
        "doi": event.doi,
        "type": event.type,
        "kind": event.kind.value,
        "direction": event.direction.value,
        "date": event.date,
        "sources": list(event.sources),
        "title": event.title or None,
        "basis": event.basis,
    }
    if event.source_types:
        evidence["source_types"] = dict(event.source_types)
    if event.source_dates:
        evidence["source_dates"] = dict(event.source_dates)
    if event.unapplied_types:
        evidence["unapplied_types"] = dict(event.unapplied_types)
    if event.other_end:
        evidence["other_end"] = event.other_end
    return evidence


def _events_evidence(events: Sequence[UpdateEvent], key: str) -> dict[str, object]:
    """The first event's keys at the top (the keys of earlier reports), every event under `key`."""
    first = events[0]
    evidence: dict[str, object] = {
        "notice_doi" if key == "notices" else "original_doi": first.doi,
        "type": first.type,
        "date": first.date,
        "sources": list(first.sources),
        key: [event_evidence(e) for e in events],
    }
    if first.source_types:
        evidence["source_types"] = dict(first.source_types)
    return evidence


def _unreadable_finding(reference: Reference, status: EditorialStatus) -> Finding:
    """`unverified`: the linked records the decision needed and could not read."""
    records = "; ".join(f"{doi} ({why})" if doi else why for doi, why in status.unreadable)
    named = "; ".join(f"{doi} ({why})" for doi, why in status.unreadable if doi)
    # An entry without a DOI is the cap on linked records read: a clause of its own.
    said = [f"could not read {named}, which its updates name"] if named else []
    said += [why for doi, why in status.unreadable if not doi]
    return reference_finding(
        FindingCode.UNVERIFIED,
        reference,
        f"{reference.id}: {'; '.join(said)}; without those records, whether it is a notice or"
        " the updated work cannot be decided",
        {
            "doi": reference.doi,
            "cause": records,
            "records": [{"doi": d, "cause": why} for d, why in status.unreadable],
        },
    )


def status_findings(reference: Reference, status: EditorialStatus) -> list[Finding]:
    """Role-independent findings: unverified (a record the decision needs was not read),
    expression-of-concern, corrected, reinstated and update-role-unclear, one each."""
    found = [_unreadable_finding(reference, status)] if status.unreadable else []
    groups = (
        (FindingCode.EXPRESSION_OF_CONCERN, status.concerns, "carries an expression of concern"),
        (FindingCode.CORRECTED, status.corrections, None),
        (FindingCode.REINSTATED, status.reinstatements, "was retracted and later reinstated"),
    )
    for code, events, said in groups:
        if not events:
            continue
        kinds = ", ".join(sorted({_label(e.type) for e in events}))
        what = said or f"was corrected ({kinds})"
        found.append(
            reference_finding(
                code,
                reference,
                f"{reference.id} {what}: {_describe_all(events)}",
                _events_evidence(events, "notices"),
            )
        )
    contradictory = [e for e in status.unclear if e.basis == CONTRADICTORY]
    if contradictory:
        found.append(_contradictory(reference, contradictory))
    linked = [e for e in status.unclear if e.basis != CONTRADICTORY]
    if linked:
        found.append(_unclear(reference, linked))
    if status.titles_disagree:
        found.append(titles_disagree(reference, status))
    return found


_UNCLEAR_WHY = {
    "two-way-other-record-not-found": "both records list each other, and the other record "
    "could not be read",
    "two-way-no-title": "both records list each other, and neither title says which is the notice",
    "record-titles-disagree": "one record's own titles disagree, one marking a retracted work "
    "and another a notice",
}


def _unclear(reference: Reference, events: Sequence[UpdateEvent]) -> Finding:
    kinds = " and ".join(sorted({_label(e.kind.value) for e in events}))
    why = "; ".join(sorted({_UNCLEAR_WHY.get(e.basis, e.basis) for e in events}))
    return reference_finding(
        FindingCode.UPDATE_ROLE_UNCLEAR,
        reference,
        f"{reference.id} is linked by {kinds} to {_describe_all(events)}, but which record "
        f"is the notice is unclear ({why}): {reference.id} may be the updated work",
        {"links": [event_evidence(e) for e in events]},
    )


def _contradictory(reference: Reference, events: Sequence[UpdateEvent]) -> Finding:
    """In-place entries naming a retraction beside a concern or a correction, with nothing
    behind them (checks/in_place.py: 10.33552/ojdoh.2018.01.000503 names every type at once)."""
    kinds = sorted({_label(e.kind.value) for e in events})
    dates = ", ".join(sorted({d for e in events for d in event_dates(e)})) or "undated"
    return reference_finding(
        FindingCode.UPDATE_ROLE_UNCLEAR,
        reference,
        f"{reference.id}'s record lists updates of itself that contradict one another "
        f"({', '.join(kinds)}; dated {dates}), with no title marker or Retraction Watch entry "
        "behind them: whether it was retracted is unclear, and it is not reported as retracted",
        {"links": [event_evidence(e) for e in events], "basis": CONTRADICTORY, "kinds": kinds},
    )


_NOTICE_CODES = {
    EventKind.RETRACTION: FindingCode.CITES_RETRACTION_NOTICE,
    EventKind.EXPRESSION_OF_CONCERN: FindingCode.CITES_CONCERN_NOTICE,
    EventKind.CORRECTION: FindingCode.CITES_CORRECTION_NOTICE,
}
_NOTICE_NAMES = {
    EventKind.RETRACTION: "retraction notice",
    EventKind.EXPRESSION_OF_CONCERN: "expression-of-concern notice",
    EventKind.CORRECTION: "correction notice",
}


def role_findings(
    reference: Reference,
    status: EditorialStatus,
    *,
    related: Mapping[str, Lookup],
    role: Role | None,
    claim: str | None,
    published: date | None = None,
) -> list[Finding]:
    """The retraction and notice findings, whose severity depends on the citing role.

    The claim-map rules: "A retracted reference is an error under supports. Under discusses
    it is information." The same holds for a cited notice of any kind.
    """
    return claims_role_findings(
        reference, status, [(claim, role)], related=related, published=published
    )


def claims_role_findings(
    reference: Reference,
    status: EditorialStatus,
    roles: Sequence[tuple[str | None, Role | None]],
    *,
    related: Mapping[str, Lookup],
    published: date | None = None,
) -> list[Finding]:
    """`role_findings` for each (claim, role) of `roles` in turn. Only their severity depends
    on the role, so they are worked out once per reference, not once per citing claim, and
    each claim gets them scoped to it."""
    retracted = _retracted(reference, status, published)
    # A work is a notice only by its links or its title: most are neither, and are not asked
    # which kind of notice they are.
    maybe_notice = status.notice_of or status.notice_by_title is not None
    notice = _notice(reference, status, related) if maybe_notice else None
    found = [finding for finding in (retracted, notice) if finding is not None]
    if not found:
        return []  # most references: neither retracted nor a notice
    return [
        finding.scoped(Severity.INFO if role is Role.DISCUSSES else finding.severity, claim)
        for claim, role in roles
        for finding in found
    ]


def _retracted(
    reference: Reference, status: EditorialStatus, published: date | None
) -> Finding | None:
    if status.retractions:
        events = status.retractions
        what = retracted_as(e.type for e in events)
        message = f"{reference.id} was {what}: {_describe_all(events)}"
        evidence = _events_evidence(events, "notices")
        evidence["basis"] = "registry"
    elif status.retracted_by_title:
        message, evidence = retracted_by_title(reference, status)
        evidence["notices"] = []
    else:
        return None
    code = FindingCode.RETRACTED
    if published is not None and status.retractions:
        timing = retraction_timing(status.retractions, published)
        evidence["timing"] = timing.timing.value
        evidence["published"] = published.isoformat()
        message += f"; {timing.describe()}"
        if timing.timing is Timing.BEFORE_PUBLICATION:
            code = FindingCode.CITED_AFTER_RETRACTION
    return reference_finding(code, reference, message, evidence)


def _notice(
    reference: Reference, status: EditorialStatus, related: Mapping[str, Lookup]
) -> Finding | None:
    kind = notice_kind(status)
    code = _NOTICE_CODES.get(kind) if kind is not None else None
    if kind is None or code is None:
        return None
    name = _NOTICE_NAMES[kind]
    events = [e for e in status.notice_of if e.kind is kind]
    if not events:
        words = TITLE_WORDS[status.titled_by]
        marked = marked_words(reference, status)
        return reference_finding(
            code,
            reference,
            f"{marked.whose} reads as a {name}, but {words.links} it to no work it updates (it "
            "may be a notice, or a work updated in place)",
            {"original_doi": None, "sources": ["title"], "basis": marked.basis, "originals": []}
            | marked.evidence,
        )
    named = []
    for event in events:
        if not event.doi:  # a Retraction Watch record whose paper has no DOI ("unavailable")
            named.append("a work its sources give no DOI for")
            continue
        lookup = related.get(event.doi)
        work = lookup.work if lookup is not None else None
        named.append(
            f"{event.doi} ({work.short_label()}, {work.title[:80]!r})" if work else event.doi
        )
    others = [e for e in status.notice_of if e.kind is not kind]
    also = f"; it also updates {_describe_all(others)}" if others else ""
    evidence = _events_evidence([*events, *others], "originals")
    evidence["original_title"] = events[0].title or None
    return reference_finding(
        code,
        reference,
        f"{reference.id} is the {name} of {' and '.join(named)}, not the work itself{also}",
        evidence,
    )
