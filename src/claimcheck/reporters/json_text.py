"""The JSON report's references and findings written straight to JSON text. Pure.

Most of a report's time went into a dict per entry, and the encoder writing the same keys
into every one. These write the text `COMPACT` makes of `json_entries.reference_entry` and
`finding_entry` for fields of their declared types (a StrEnum member is a str whose text is
its value); a value of another type makes `_string` raise TypeError, and the entry is made
as a dict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from claimcheck.model.events import UpdateEvent
from claimcheck.model.findings import Finding
from claimcheck.model.location import Location
from claimcheck.model.record import Lookup, Work
from claimcheck.model.results import ReferenceResult
from claimcheck.reporters.json_entries import finding_entry, plain_evidence, reference_entry
from claimcheck.reporters.words import cited_authors

# One line per entry, as the report writes them (`json_report.document_chunks`).
COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


_string = json.encoder.encode_basestring  # `COMPACT`'s own writer of a str


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _number(value: int | None) -> str:
    if value is None:
        return "null"
    # Exact int only: `COMPACT` writes a bool, which is an int too, as true or false.
    return int.__repr__(value) if type(value) is int else COMPACT.encode(value)


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


def reference_text(result: ReferenceResult, file: str) -> str:
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
        return COMPACT.encode(reference_entry(result, file))
    if result.disagreements:
        disagreement = COMPACT.encode([d.as_json() for d in result.disagreements])
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
        text += f', "source_types": {COMPACT.encode(dict(event.source_types))}'
    if event.source_dates:
        text += f', "source_dates": {COMPACT.encode(dict(event.source_dates))}'
    if event.unapplied_types:
        text += f', "unapplied_types": {COMPACT.encode(dict(event.unapplied_types))}'
    return text + "}"


def finding_text(finding: Finding) -> str:
    try:
        return (
            f'{{"code": {_string(finding.code)}, "severity": {_string(finding.severity)}, '
            f'"reference": {_text(finding.reference)}, "claim": {_text(finding.claim)}, '
            f'"message": {_string(finding.message)}, '
            f'"evidence": {_evidence_text(finding.evidence)}, '
            f'"location": {_location_text(finding.location)}, "file": {_string(finding.file)}}}'
        )
    except TypeError:
        return COMPACT.encode(finding_entry(finding))


def _evidence_text(value: Any) -> str:
    """`COMPACT.encode(plain_evidence(value))` without making the evidence anew, for dicts
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
    return "null" if value is None else COMPACT.encode(plain_evidence(value))


_TEXT = frozenset({str})
