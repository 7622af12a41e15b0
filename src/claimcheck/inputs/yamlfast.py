"""Read a plain YAML document into located data in one pass, or decline it.

Most claim maps use no anchor, alias, `<<` merge, tag, empty or non-text key, duplicate key
or deep nesting. For those, composing nodes (`yamlcompose`) and then walking them
(`yamlnodes`) builds every value twice: half the time to load a 10,000-reference map. This
reader builds the same plain data and the same locations straight from the parser's events,
and declines (returns None) at the first thing it does not handle, including every parser
error. The caller then reads the text again the general way, so every error, problem, bound
and location it reports is the general path's own; this reader never reports anything.
"""

from __future__ import annotations

from typing import Any

import yaml

from claimcheck.inputs.yamlcompose import NULLS, Loader
from claimcheck.model.location import Location

DataPath = tuple[str | int, ...]
Located = dict[DataPath, Location]

_Scalar = yaml.ScalarEvent
_MappingStart, _MappingEnd = yaml.MappingStartEvent, yaml.MappingEndEvent
_SequenceStart, _SequenceEnd = yaml.SequenceStartEvent, yaml.SequenceEndEvent


class _Declined(Exception):
    """The document needs the general path."""


def read_plain(text: str, max_depth: int) -> tuple[Any, Located, Located] | None:
    """(value, locations, key locations) as `yamlnodes.walk` gives them for `text`, or None
    when `text` needs the general path: anything unusual, an empty stream, or any error."""
    loader = None
    try:
        loader = Loader(text)
        return _Reader(loader, max_depth).document()
    except Exception:  # any error is the general path's to report, in its own words
        return None
    finally:
        if loader is not None:
            loader.dispose()


def _location(event: Any) -> Location:
    mark = event.start_mark
    return Location(mark.line + 1, mark.column + 1)


def _is_plain_text(event: Any) -> bool:
    """A scalar without anchor or tag: what the general path reads as text or a null."""
    return event.__class__ is _Scalar and event.anchor is None and event.tag is None


class _Reader:
    def __init__(self, loader: Any, max_depth: int) -> None:
        self.next_event = loader.get_event
        self.max_depth = max_depth
        self.locations: Located = {}
        self.key_locations: Located = {}

    def document(self) -> tuple[Any, Located, Located] | None:
        self.next_event()  # stream start
        start = self.next_event()
        if start.__class__ is not yaml.DocumentStartEvent:
            return None  # an empty stream: None, which the general path says for itself
        value = self.value(self.next_event(), (), 0)
        self.next_event()  # document end
        if self.next_event().__class__ is not yaml.StreamEndEvent:
            return None  # another document: the general path's error
        return value, self.locations, self.key_locations

    def value(self, event: Any, path: DataPath, depth: int) -> Any:
        if _is_plain_text(event):
            self.locations[path] = _location(event)
            text: str = event.value
            return None if event.implicit[0] and text in NULLS else text
        kind = event.__class__
        if kind not in (_MappingStart, _SequenceStart):
            raise _Declined  # an alias
        if event.anchor is not None or event.tag is not None:
            raise _Declined
        if depth + 1 >= self.max_depth:  # the items would come near the bound
            raise _Declined
        self.locations[path] = _location(event)
        if kind is _MappingStart:
            return self.mapping(path, depth)
        return self.sequence(path, depth)

    def mapping(self, path: DataPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        next_event, locations = self.next_event, self.locations
        while True:
            event = next_event()
            if event.__class__ is _MappingEnd:
                return result
            if not _is_plain_text(event):
                raise _Declined  # an alias, anchor, tag, or a key that is not text
            key: str = event.value
            if key in result or (event.implicit[0] and (key in NULLS or key == "<<")):
                raise _Declined  # a duplicate, an empty key, or a merge
            key_path = (*path, key)
            self.key_locations[key_path] = _location(event)
            event = next_event()
            if _is_plain_text(event):  # inline: most values are plain text
                locations[key_path] = _location(event)
                text: str = event.value
                result[key] = None if event.implicit[0] and text in NULLS else text
            else:
                result[key] = self.value(event, key_path, depth + 1)

    def sequence(self, path: DataPath, depth: int) -> list[Any]:
        result: list[Any] = []
        next_event = self.next_event
        while True:
            event = next_event()
            if event.__class__ is _SequenceEnd:
                return result
            result.append(self.value(event, (*path, len(result)), depth + 1))
