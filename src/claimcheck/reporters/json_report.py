"""`--format json`: the document of README, "JSON output". Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from itertools import starmap
from typing import Any, NamedTuple

from claimcheck import __version__
from claimcheck.model.events import UpdateEvent
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, Work
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
    the C encoder, or a `Written` entry. The same JSON value, and bytes, on every run.
    """
    yield "{\n"
    keys = list(value)
    for index, key in enumerate(keys):
        comma = "," if index < len(keys) - 1 else ""
        item = value[key]
        name = _escaped(_COMPACT.encode(key))
        if isinstance(item, Written):
            yield from _list_chunks(name, item.entries, comma)
        elif isinstance(item, list | Iterator):
            yield from _list_chunks(name, map(_COMPACT.encode, item), comma)
        else:
            yield f"  {name}: {_escaped(_COMPACT.encode(item))}{comma}\n"
    yield "}\n"


class Written(NamedTuple):
    """A top-level list whose entries are JSON text already, as `_COMPACT` writes them."""

    entries: Iterator[str]


def _list_chunks(name: str, entries: Iterator[str], comma: str) -> Iterator[str]:
    first = next(entries, None)
    if first is None:
        yield f"  {name}: []{comma}\n"
        return
    yield f"  {name}: [\n    {_escaped(first)}"
    for entry in entries:
        yield f",\n    {_escaped(entry)}"
    yield f"\n  ]{comma}\n"


def dumps_document(value: Mapping[str, Any]) -> str:
    """`document_chunks` as one text."""
    return "".join(document_chunks(value))


def chunks(result: AuditResult) -> Iterator[str]:
    """The report as pieces of text, each entry made only when it is written: the text of
    `document(result)`, with its references and findings written straight to JSON text."""
    return document_chunks(document(result, written=True))


def render(result: AuditResult) -> str:
    return "".join(chunks(result))


def document(result: AuditResult, *, written: bool = False) -> dict[str, Any]:
    """The report's top level; its references, claims and findings are iterators, made entry
    by entry as `document_chunks` writes them. With `written`, the references and findings are
    `Written`: the same text, made without a dict per entry (test_json_fast_paths checks)."""
    findings = result.findings  # a property that sorts every finding: read it once
    references = ((r, m.claim_map.path) for m in result.maps for r in m.references)
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
            Written(starmap(_reference_text, references))
            if written
            else starmap(reference_entry, references)
        ),
        "claims": (claim_entry(c, m.claim_map.path) for m in result.maps for c in m.claims),
        "findings": (
            Written(map(_finding_text, findings)) if written else map(finding_entry, findings)
        ),
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


# --- the same entries, written straight to JSON text ----------------------------------------
# Most of a report's time went into a dict per entry, and the encoder writing the same keys
# into every one. These write the text `_COMPACT` makes of `reference_entry` and `finding_entry`
# for fields of their declared types (a StrEnum member is a str whose text is its value); a
# value of another type makes `_string` raise TypeError, and the entry is made as a dict.

_string = json.encoder.encode_basestring  # `_COMPACT`'s own writer of a str


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _number(value: int | None) -> str:
    if value is None:
        return "null"
    # Exact int only: `_COMPACT` writes a bool, which is an int too, as true or false.
    return int.__repr__(value) if type(value) is int else _COMPACT.encode(value)


def _texts(values: Iterable[str]) -> str:
    return f"[{', '.join(map(_string, values))}]"


def _location_text(loc: Location | None) -> str:
    if not loc:
        return "null"
    return f'{{"line": {_number(loc.line)}, "column": {_number(loc.column)}}}'


def _registry_text(work: Work | None) -> str:
    if work is None:
        return "null"
    authors = _texts([a.display for a in work.authors])
    return (
        f'{{"title": {_string(work.title)}, "authors": {authors}, "year": {_number(work.year)}, '
        f'"journal": {_string(work.journal)}, "type": {_string(work.type)}}}'
    )


def _cache_text(lookup: Lookup | None) -> str:
    if lookup is None:
        return "null"
    age = lookup.cache_age
    hit, seconds = ("false", "null") if age is None else ("true", _number(round(age)))
    return f'{{"hit": {hit}, "age_seconds": {seconds}, "source": {_text(lookup.cache_source)}}}'


def _reference_text(result: ReferenceResult, file: str) -> str:
    reference = result.reference
    try:
        text = (
            f'{{"id": {_string(reference.id)}, '
            f'"doi": {_text(reference.doi or reference.doi_input)}, '
            f'"status": {_string(result.status)}, '
            f'"verdict": {_string(result.editorial.verdict) if result.editorial else "null"}, '
            f'"registry": {_registry_text(result.work)}, '
            f'"updates": [{", ".join(map(_update_text, result.updates))}], '
            f'"cache": {_cache_text(result.lookup)}, '
            f'"location": {_location_text(reference.location)}, '
            f'"file": {_string(file)}, "cited_as": {_text(reference.cited_as)}, '
            f'"cited": {{"title": {_text(reference.title)}, '
            f'"authors": {_texts(cited_authors(reference))}}}'
        )
    except TypeError:
        return _COMPACT.encode(reference_entry(result, file))
    if result.disagreements:
        disagreement = _COMPACT.encode([d.as_json() for d in result.disagreements])
        return f'{text}, "disagreement": {disagreement}}}'
    return text + "}"


def _update_text(event: UpdateEvent) -> str:
    text = (
        f'{{"type": {_string(event.type)}, "direction": {_string(event.direction)}, '
        f'"doi": {_string(event.doi)}, "date": {_text(event.date)}, '
        f'"sources": {_texts(event.sources)}, "kind": {_string(event.kind)}, '
        f'"title": {_text(event.title or None)}, "basis": {_string(event.basis)}'
    )
    # Set only where sources disagree: rare enough to go through the encoder.
    if event.source_types:
        text += f', "source_types": {_COMPACT.encode(dict(event.source_types))}'
    if event.source_dates:
        text += f', "source_dates": {_COMPACT.encode(dict(event.source_dates))}'
    if event.unapplied_types:
        text += f', "unapplied_types": {_COMPACT.encode(dict(event.unapplied_types))}'
    return text + "}"


def _finding_text(finding: Finding) -> str:
    try:
        return (
            f'{{"code": {_string(finding.code)}, "severity": {_string(finding.severity)}, '
            f'"reference": {_text(finding.reference)}, "claim": {_text(finding.claim)}, '
            f'"message": {_string(finding.message)}, '
            f'"evidence": {_evidence_text(finding.evidence)}, '
            f'"location": {_location_text(finding.location)}, "file": {_string(finding.file)}}}'
        )
    except TypeError:
        return _COMPACT.encode(finding_entry(finding))


def _evidence_text(value: Any) -> str:
    """`_COMPACT.encode(plain_evidence(value))` without making the evidence anew, for dicts
    keyed by text, lists, text and null; anything else takes the long way. A text value, the
    most common, is written in place rather than by a call of its own."""
    kind = type(value)
    if kind is dict and {*map(type, value)} <= _TEXT:
        items = [
            f"{_string(k)}: {_string(v) if type(v) is str else _evidence_text(v)}"
            for k, v in sorted(value.items())  # keys differ: no two values are compared
        ]
        return f"{{{', '.join(items)}}}"
    if kind is list or kind is tuple:
        texts = [_string(v) if type(v) is str else _evidence_text(v) for v in value]
        return f"[{', '.join(texts)}]"
    return "null" if value is None else _COMPACT.encode(plain_evidence(value))


_TEXT = frozenset({str})
