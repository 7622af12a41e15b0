"""The JSON report's entries as JSON values (README, "JSON output"): each reference, update,
claim, finding and source as the dict the report holds, and evidence as plain JSON values.
Pure. The report writes references and findings as text directly (`json_text`), and these
dicts are what that text must equal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from claimcheck.model.events import UpdateEvent
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Work
from claimcheck.model.results import ClaimResult, ReferenceResult, Source
from claimcheck.reporters.words import cited_authors


def location(loc: Location | None) -> dict[str, int] | None:
    return {"line": loc.line, "column": loc.column} if loc else None


def registry_entry(work: Work | None) -> dict[str, Any] | None:
    if work is None:
        return None
    return {
        "title": work.title,
        "authors": [a.display for a in work.authors],
        "year": work.year,
        "journal": work.journal,
        "type": work.type,
    }


def update_entry(event: UpdateEvent) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": event.type,
        "direction": event.direction.value,
        "doi": event.doi,
        "date": event.date,
        "sources": list(event.sources),
        "kind": event.kind.value,
        "title": event.title or None,
        "basis": event.basis,
    }
    if event.source_types:
        entry["source_types"] = dict(event.source_types)
    if event.source_dates:
        entry["source_dates"] = dict(event.source_dates)
    if event.unapplied_types:
        entry["unapplied_types"] = dict(event.unapplied_types)
    return entry


def reference_entry(result: ReferenceResult, file: str) -> dict[str, Any]:
    reference = result.reference
    entry = {
        "id": reference.id,
        "doi": reference.doi or reference.doi_input,
        "status": result.status.value,
        "verdict": result.editorial.verdict.value if result.editorial else None,
        "registry": registry_entry(result.work),
        "updates": [update_entry(e) for e in result.updates],
        "cache": cache_entry(result),
        "location": location(reference.location),
        "file": file,
        # The reference as the article printed it, beside what the registry says.
        "cited_as": reference.cited_as,
        "cited": {"title": reference.title, "authors": cited_authors(reference)},
    }
    if result.disagreements:
        # Only where the sources consulted differ: the key's presence is the signal.
        entry["disagreement"] = [d.as_json() for d in result.disagreements]
    return entry


def source_entry(source: Source) -> dict[str, Any]:
    """The registry the records came from, and every source the audit consulted: a registry
    by its base URL, a data file by its name, sha256 and row count."""
    return {
        "crossref": source.crossref,
        "mode": source.mode,
        "sources": [
            {k: v for k, v in asdict(used).items() if v is not None} for used in source.used
        ],
    }


def cache_entry(result: ReferenceResult) -> dict[str, Any] | None:
    """Whether the registry data came from the cache, how old it was, and which server's
    answer it was (null: no lookup)."""
    if result.lookup is None:
        return None
    age = result.lookup.cache_age
    return {
        "hit": age is not None,
        "age_seconds": None if age is None else round(age),
        "source": result.lookup.cache_source,
    }


def claim_entry(result: ClaimResult, file: str) -> dict[str, Any]:
    claim = result.claim
    return {
        "id": claim.id,
        "status": result.status.value,
        "cites": [c.ref for c in claim.cites],
        "reason": result.reason,
        "location": location(claim.location),
        "file": file,
        "text": claim.text,
        "translation": claim.translation,
    }


def finding_entry(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code.value,
        "severity": finding.severity.value,
        "reference": finding.reference,
        "claim": finding.claim,
        "message": finding.message,
        "evidence": plain_evidence(finding.evidence),
        "location": location(finding.location),
        "file": finding.file,
    }


_SCALARS = (str, int, float, bool, type(None))


def plain_evidence(value: Any) -> Any:
    """Evidence as JSON values, with keys in a stable order."""
    kind = type(value)
    if kind is dict:
        if all(type(v) in _SCALARS for v in value.values()):
            # The common case, flat evidence of plain values: sorted, nothing to convert (a
            # FindingCode is a str subclass, so not `type(v) is str`, and takes the long way).
            return {str(k): value[k] for k in sorted(value)}
        return {str(k): plain_evidence(value[k]) for k in sorted(value)}
    # Exact types first: the nested events of a finding are plain dicts, lists and text, and
    # the abstract `Mapping` check below is the slowest of these tests.
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [plain_evidence(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain_evidence(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [plain_evidence(v) for v in value]
    if isinstance(value, FindingCode | Severity):
        return value.value
    return value
