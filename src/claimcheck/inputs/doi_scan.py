"""A quick first read of the DOIs a claim map prints, so the lookups can leave while the
map is still being located and validated.

It is only a head start, never a verdict: nothing read here is judged or reported. The full
loader (claimmap.py) still reads, locates and validates every node, and the audit looks up
exactly the DOIs it yields; a DOI this scan found and the loader refuses is never used, and
one this scan missed is looked up as usual. So any doubt here means "no head start": a file
too big, YAML the fast reader cannot take, an unexpected shape, all give an empty list.

It reads libyaml's parse events rather than building the document: building resolves the
type of every plain scalar with regular expressions, which at 1,000 references took longer
than everything else before the first request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from claimcheck.inputs.discovery import MAX_FILE_BYTES, open_regular
from claimcheck.inputs.yamlnodes import gc_paused
from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import DoiError

# Tags a DOI's scalar may carry: none (plain or quoted), the non-specific "!", or !!str.
_TEXT_TAGS = frozenset({None, "!", "tag:yaml.org,2002:str"})


def printed_dois(path: Path) -> list[str]:
    """The normalised DOIs under `references:` in the claim map at `path`, in order, once
    each; empty when the file cannot be read quickly and plainly."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed
    found: dict[str, None] = {}
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return []
        with gc_paused():  # tens of thousands of short-lived events, none in a cycle
            for raw in _reference_dois(yaml.parse(data, Loader=loader)):
                try:
                    found[normalize_doi(raw)] = None
                except DoiError:
                    continue
    except Exception:  # the loader reports every problem, with its place; none here
        return []
    return list(found)


class _Open:
    """A mapping or sequence being read: for a mapping, whether a key comes next, and the
    key of the value being read."""

    __slots__ = ("is_key", "key", "mapping", "wants_key")

    def __init__(self, mapping: bool, is_key: bool) -> None:
        self.mapping, self.is_key = mapping, is_key
        self.wants_key = mapping
        self.key: str | None = None


def _reference_dois(events: Iterable[Any]) -> Iterator[str]:
    """The text of each `references.<id>.doi` scalar of the first document."""
    from yaml import (
        AliasEvent,
        DocumentEndEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    # Compared by exact type: libyaml makes exactly these classes, and a dispatch on type
    # instead of isinstance chains halves the time of the scan.
    starts = {MappingStartEvent: True, SequenceStartEvent: False}
    ends = (MappingEndEvent, SequenceEndEvent)
    stack: list[_Open] = []
    for event in events:
        kind = type(event)
        if kind is DocumentEndEvent:
            return
        parent = stack[-1] if stack else None
        as_key = parent is not None and parent.mapping and parent.wants_key
        if kind in starts:
            stack.append(_Open(starts[kind], as_key))
        elif kind in ends:
            was_key = stack.pop().is_key
            _read(stack[-1] if stack else None, None, was_key)
        elif kind is ScalarEvent:
            if not as_key and event.tag in _TEXT_TAGS and _at_doi(stack):
                yield event.value
            _read(parent, event.value, as_key)
        elif kind is AliasEvent:
            _read(parent, None, as_key)


def _read(parent: _Open | None, text: str | None, as_key: bool) -> None:
    """A node of `parent` was read whole: its key (`text` when a scalar), or its value."""
    if parent is None or not parent.mapping:
        return
    if as_key:
        parent.key, parent.wants_key = text, False
    else:
        parent.key, parent.wants_key = None, True


def _at_doi(stack: list[_Open]) -> bool:
    """Whether the next value is `references.<id>.doi` of the top-level mapping."""
    return (
        len(stack) == 3
        and all(node.mapping and not node.is_key for node in stack)
        and stack[0].key == "references"
        and stack[2].key == "doi"
    )
