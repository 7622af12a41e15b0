"""Compose a YAML document from the parser's events into small located nodes.

PyYAML's own composer keeps, for every node, an object with a dictionary and two `Mark`
objects: a 10,000-reference map took about 47 MB as nodes before a single value was read.
These nodes keep a tag, a value, a line and a column in four slots, and each event is let go
once read. The shape is the composer's: an alias is the very node its anchor named (so the
walk can tell an alias from a copy, and refuse a cycle), and errors are the composer's own
`ComposerError`s, with the same words and marks.
"""

from __future__ import annotations

from typing import Any

import yaml

# YAML 1.1's plain nulls: the only scalars told apart from text (the walk reads every other
# scalar as its source text, so `doi: 10.1000` stays "10.1000").
NULLS = frozenset({"", "~", "null", "Null", "NULL"})

NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"
STRING_TAG = "tag:yaml.org,2002:str"


def resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged scalar. Only what the walk needs is told apart: a plain null
    and the merge key `<<`. The safe loader's resolver tries a regular expression per type on
    every scalar, a third of the time to read a 10,000-reference map, for tags nobody reads."""
    if implicit[0] and value in NULLS:
        return NULL_TAG
    if implicit[0] and value == "<<":
        return MERGE_TAG
    return STRING_TAG


_CParser: Any = getattr(yaml, "cyaml", None) and getattr(yaml.cyaml, "CParser", None)
if _CParser is not None:  # libyaml: parse in C

    class Loader(_CParser):  # type: ignore[misc]
        """libyaml's parser; only its events are read."""

else:  # pragma: no cover - PyYAML without libyaml

    class Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: Any) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


LIBYAML_PARSER: Any = _CParser  # None without libyaml; it reports errors at byte offsets


class Node:
    __slots__ = ("column", "line", "tag", "value")

    def __init__(self, tag: str, value: Any, mark: Any) -> None:
        self.tag, self.value = tag, value
        self.line, self.column = mark.line + 1, mark.column + 1  # 1-based


class ScalarNode(Node):
    value: str


class SequenceNode(Node):
    value: list[Node]


class MappingNode(Node):
    value: list[Any]  # (key, value) pairs once composed; keys and values in turn before


class TooDeep(Exception):
    """A node nested deeper than the bound: the walk would refuse it anyway, and a composer
    must not hold an unbounded stack first."""

    def __init__(self, node: Node) -> None:
        super().__init__(node.line, node.column)
        self.node = node


def compose_events(loader: Any, max_depth: int) -> Node | None:
    """The single document of `loader`'s event stream as nodes; None for an empty stream.

    Raises the composer's `ComposerError`s (another document, an undefined or duplicate
    anchor), the parser's errors as they come, and TooDeep.
    """
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # document start
    first_mark = loader.peek_event().start_mark
    root = _compose_node_tree(loader, max_depth)
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        raise yaml.composer.ComposerError(
            "expected a single document in the stream",
            first_mark,
            "but found another document",
            event.start_mark,
        )
    return root


def _compose_node_tree(loader: Any, max_depth: int) -> Node:
    """One node and everything in it, without recursion: open collections are kept on a
    stack, so nesting costs no Python frames."""
    anchors: dict[str, tuple[Node, Any]] = {}
    stack: list[Node] = []
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            if isinstance(done, MappingNode):
                items = iter(done.value)
                done.value = list(zip(items, items, strict=True))
            if not stack:
                return done
            continue
        node = _node_of(event, anchors)
        if event.anchor is not None and not isinstance(event, yaml.AliasEvent):
            if event.anchor in anchors:
                raise yaml.composer.ComposerError(
                    f"found duplicate anchor {event.anchor!r}; first occurrence",
                    anchors[event.anchor][1],
                    "second occurrence",
                    event.start_mark,
                )
            anchors[event.anchor] = (node, event.start_mark)
        if stack:
            parent = stack[-1]
            is_key = isinstance(parent, MappingNode) and len(parent.value) % 2 == 0
            if not is_key and len(stack) > max_depth:  # as deep as the walk counts it
                raise TooDeep(node)
            parent.value.append(node)
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append(node)
        elif not stack:
            return node


def _node_of(event: Any, anchors: dict[str, tuple[Node, Any]]) -> Node:
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            mark: Any = event.start_mark
            problem = f"found undefined alias {event.anchor!r}"
            raise yaml.composer.ComposerError(None, None, problem, mark)
        return anchors[event.anchor][0]
    if isinstance(event, yaml.ScalarEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = resolve_scalar(event.value, event.implicit)
        return ScalarNode(tag, event.value, event.start_mark)
    if isinstance(event, yaml.SequenceStartEvent):
        return SequenceNode(event.tag or "", [], event.start_mark)
    if isinstance(event, yaml.MappingStartEvent):
        return MappingNode(event.tag or "", [], event.start_mark)
    raise yaml.composer.ComposerError(None, None, "unexpected event", event.start_mark)
