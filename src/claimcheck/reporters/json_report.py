"""`--format json`: the document of README, "JSON output". Pure."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from itertools import starmap
from typing import Any, NamedTuple

from claimcheck import __version__
from claimcheck.model.findings import Severity
from claimcheck.model.results import (
    AuditResult,
    ReferenceStatus,
)
from claimcheck.model.sanitize import json_escape
from claimcheck.reporters.json_entries import (
    claim_entry,
    finding_entry,
    reference_entry,
    source_entry,
)
from claimcheck.reporters.json_text import COMPACT, finding_text, reference_text

SCHEMA = "claimcheck.audit/1"  # changes only with a breaking change (README, "JSON output")


def dumps(value: Any) -> str:
    """JSON text as claimcheck writes it: UTF-8 readable, but with controls, DEL, C1 and
    invisible or direction-changing characters as `\\uXXXX` escapes (`sanitize`), so that it
    decodes to the very same text and a person reading the file still sees them."""
    return json_escape(json.dumps(value, indent=2, ensure_ascii=False)) + "\n"


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
        name = _escaped(COMPACT.encode(key))
        if isinstance(item, Written):
            yield from _list_chunks(name, item.entries, comma)
        elif isinstance(item, list | Iterator):
            yield from _list_chunks(name, map(COMPACT.encode, item), comma)
        else:
            yield f"  {name}: {_escaped(COMPACT.encode(item))}{comma}\n"
    yield "}\n"


class Written(NamedTuple):
    """A top-level list whose entries are JSON text already, as `COMPACT` writes them."""

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
            Written(starmap(reference_text, references))
            if written
            else starmap(reference_entry, references)
        ),
        "claims": (claim_entry(c, m.claim_map.path) for m in result.maps for c in m.claims),
        "findings": (
            Written(map(finding_text, findings)) if written else map(finding_entry, findings)
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
