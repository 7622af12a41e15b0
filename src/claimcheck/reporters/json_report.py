"""`--format json`: the document of README, "JSON output". Pure."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from typing import Any

from claimcheck import __version__
from claimcheck.model.events import UpdateEvent
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Work
from claimcheck.model.results import (
    AuditResult,
    ClaimResult,
    ReferenceResult,
    ReferenceStatus,
    Source,
)
from claimcheck.model.sanitize import json_escape
from claimcheck.reporters.words import cited_authors

SCHEMA = "claimcheck.audit/1"  # changes only with a breaking change (README, "JSON output")


def dumps(value: Any) -> str:
    """JSON text as claimcheck writes it: UTF-8 readable, but with controls, DEL, C1 and
    invisible or direction-changing characters as `\\uXXXX` escapes (`sanitize`), so that it
    decodes to the very same text and a person reading the file still sees them."""
    return json_escape(json.dumps(value, indent=2, ensure_ascii=False)) + "\n"


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def _escaped(text: str) -> str:
    # Most lines are ASCII without DEL: nothing in them to escape, and no regex scan needed.
    return text if text.isascii() and "\x7f" not in text else json_escape(text)


def document_chunks(value: Mapping[str, Any]) -> Iterator[str]:
    """A large document as pieces of JSON text: one JSON object with each top-level key, and
    each entry of a top-level list, on its own line. A top-level value that is an iterator is
    read one entry at a time, so the whole document is never held as Python objects.

    `json.dumps(indent=…)` falls back to CPython's pure-Python encoder, which for a report of
    10,000 references builds tens of megabytes of fragments; each line here is one call to
    the C encoder. The result is the same JSON value, and the same bytes on every run.
    """
    yield "{\n"
    keys = list(value)
    for index, key in enumerate(keys):
        comma = "," if index < len(keys) - 1 else ""
        item = value[key]
        name = _escaped(_COMPACT.encode(key))
        if isinstance(item, list | Iterator):
            yield from _list_chunks(name, iter(item), comma)
        else:
            yield f"  {name}: {_escaped(_COMPACT.encode(item))}{comma}\n"
    yield "}\n"


def _list_chunks(name: str, entries: Iterator[Any], comma: str) -> Iterator[str]:
    first = next(entries, _END)
    if first is _END:
        yield f"  {name}: []{comma}\n"
        return
    yield f"  {name}: [\n    {_escaped(_COMPACT.encode(first))}"
    for entry in entries:
        yield f",\n    {_escaped(_COMPACT.encode(entry))}"
    yield f"\n  ]{comma}\n"


_END = object()


def dumps_document(value: Mapping[str, Any]) -> str:
    """`document_chunks` as one text."""
    return "".join(document_chunks(value))


def chunks(result: AuditResult) -> Iterator[str]:
    """The report as pieces of text, each entry made only when it is written."""
    return document_chunks(document(result))


def render(result: AuditResult) -> str:
    return "".join(chunks(result))


def document(result: AuditResult) -> dict[str, Any]:
    """The report's top level; its references, claims and findings are iterators, made entry
    by entry as `document_chunks` writes them."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "claimcheck", "version": __version__},
        # One map: its path, as the audit contract has it. Several: null, and `claim_maps`
        # lists them; every reference, claim and finding then says its `file`.
        "claim_map": result.files[0] if len(result.files) == 1 else None,
        "claim_maps": list(result.files),
        "checked_at": result.checked_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": source_entry(result.source),
        "summary": summary(result),
        "references": (
            reference_entry(r, m.claim_map.path) for m in result.maps for r in m.references
        ),
        "claims": (claim_entry(c, m.claim_map.path) for m in result.maps for c in m.claims),
        "findings": (finding_entry(f) for f in result.findings),
    }


def summary(result: AuditResult) -> dict[str, int]:
    findings = result.findings  # a property that sorts every finding: read it once

    def count(severity: Severity) -> int:
        return sum(1 for f in findings if f.severity is severity)

    return {
        "claims": len(result.claims),
        "references": len(result.references),
        "errors": count(Severity.ERROR),
        "warnings": count(Severity.WARNING),
        "infos": count(Severity.INFO),
        "unverified": sum(1 for r in result.references if r.status is ReferenceStatus.UNVERIFIED),
        "exit_code": result.exit_code,
    }


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
