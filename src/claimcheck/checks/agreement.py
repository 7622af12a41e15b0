"""Where the sources consulted disagree about a work's retraction. Pure.

Single sources miss retractions: Crossref's records lack some that the Retraction Watch data
lists, and the CSV a user keeps may predate a retraction that Crossref already carries. When
an audit consults both, a retraction (or reinstatement) that one lists and the other does not
is shown, in the finding and in JSON as `disagreement`, never settled silently: the event
still applies (a retraction any source lists is reported), and the reader sees who lists it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from claimcheck.checks.update_links import RETRACTION_WATCH_CSV
from claimcheck.model.events import Disagreement, EditorialStatus, EventKind
from claimcheck.model.findings import Finding, FindingCode

CROSSREF = "crossref"
# Which consulted source an update entry's `source` comes from: Crossref's record carries the
# publisher's entries and its own copy of Retraction Watch's.
_CONSULTED = {RETRACTION_WATCH_CSV: RETRACTION_WATCH_CSV}
_COMPARED_KINDS = (EventKind.RETRACTION, EventKind.REINSTATEMENT)
_FINDINGS_OF_KIND = {
    EventKind.RETRACTION: frozenset(
        {
            FindingCode.RETRACTED,
            FindingCode.CITED_AFTER_RETRACTION,
            FindingCode.CITES_RETRACTION_NOTICE,
        }
    ),
    EventKind.REINSTATEMENT: frozenset({FindingCode.REINSTATED}),
}


def consulted_source(entry_source: str) -> str:
    return _CONSULTED.get(entry_source, CROSSREF)


def disagreements(status: EditorialStatus, consulted: Collection[str]) -> tuple[Disagreement, ...]:
    """The retractions and reinstatements of `status` that some consulted sources do not
    list. Nothing when only one source was consulted."""
    if len(consulted) < 2:
        return ()
    found = []
    for event in status.events:
        if event.kind not in _COMPARED_KINDS:
            continue
        listed = sorted({consulted_source(s) for s in event.sources})
        silent = sorted(set(consulted) - set(listed))
        if silent:
            found.append(Disagreement(event.kind, event.doi, tuple(listed), tuple(silent)))
    return tuple(found)


def describe(disagreement: Disagreement) -> str:
    """`retraction-watch-csv lists it; crossref does not`."""
    listed = " and ".join(disagreement.listed_by)
    silent = " and ".join(disagreement.not_listed_by)
    verb = "lists" if len(disagreement.listed_by) == 1 else "list"
    return f"{listed} {verb} it; {silent} does not"


def annotate(findings: Sequence[Finding], found: Sequence[Disagreement]) -> list[Finding]:
    """Each retraction or reinstatement finding says which sources do not list its event."""
    if not found:
        return list(findings)
    return [_annotated(finding, found) for finding in findings]


def _annotated(finding: Finding, found: Sequence[Disagreement]) -> Finding:
    relevant = [d for d in found if finding.code in _FINDINGS_OF_KIND[d.kind]]
    if not relevant:
        return finding
    said = "; ".join(describe(d) for d in relevant)
    return replace(
        finding,
        message=f"{finding.message}; sources disagree: {said}",
        evidence={**finding.evidence, "disagreement": [d.as_json() for d in relevant]},
    )
