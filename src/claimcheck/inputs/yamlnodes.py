"""Located YAML: compose a document with a safe loader and walk its nodes into plain data.

Every scalar becomes its source text (a plain null becomes None), so YAML 1.1 never turns
`NO` into False or `10.1000` into a float. Every value and every mapping key keeps its
1-based line and column. The walk is bounded: nesting depth, nodes reached through
aliases, and alias cycles are all refused with a located problem, never a crash.

`read_yaml` first offers the text to `yamlfast`, which reads a plain document (most claim
maps) in one pass to the same result, and declines anything else back to this path.
"""

from __future__ import annotations

import difflib
import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claimcheck.inputs.lines import position_of
from claimcheck.inputs.yamlcompose import (
    LIBYAML_PARSER,
    MERGE_TAG,
    NULL_TAG,
    STRING_TAG,
    Loader,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    TooDeep,
    compose_events,
)
from claimcheck.inputs.yamlfast import DataPath, read_plain
from claimcheck.inputs.yamllines import LineFeeds, RelocatedEvents, line_feeds_for
from claimcheck.inputs.yamltags import tag_problem
from claimcheck.model.location import Location

MAX_DEPTH = 64  # nesting levels of mappings and lists
MAX_ALIAS_EXPANSION = 10_000  # nodes visited through aliases, in total


_CANNOT = "cannot read the claim map: "


def _tagged(node: Node) -> bool:
    """Whether `node` has a tag to check: not an untagged collection (tag "") nor a scalar
    the composer resolved to text, which is almost every node. A `!!null` the composer
    resolved is always a null spelling; one written by hand is checked like any tag."""
    tag = node.tag
    return bool(tag) and (tag != STRING_TAG or node.__class__ is not ScalarNode)


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str


class YamlProblem(Exception):
    """A problem that stops reading the document: malformed YAML or a bound exceeded."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class LocatedTree:
    """Plain data (dict / list / str / None) with the location of every value and key."""

    value: Any
    locations: dict[DataPath, Location] = field(default_factory=dict)
    key_locations: dict[DataPath, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def location_of(self, path: DataPath) -> Location:
        """The location of `path`, or of its nearest recorded ancestor."""
        for end in range(len(path), -1, -1):
            found = self.locations.get(path[:end])
            if found is not None:
                return found
        return Location(1, 1)


def format_path(path: DataPath) -> str:
    """`("claims", 2, "cites", 0)` -> `claims[2].cites[0]`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def describe(value: Any) -> str:
    """What was found, for a message: the text quoted, or the kind of value."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def suggest(found: str, choices: Collection[str]) -> str:
    """`; did you mean 'x'?` for the closest of `choices`, or nothing when none is close."""
    if len(found) > 100 or len(choices) > 1000:  # keep a pathological file fast
        return ""
    lowered = {choice.lower(): choice for choice in choices}  # `Title` -> `title`, `r1` -> `R1`
    close = difflib.get_close_matches(found.lower(), list(lowered), n=1, cutoff=0.6)
    return f"; did you mean '{lowered[close[0]]}'?" if close else ""


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the file at `path`; YamlProblem at 1:1 if unreadable or over `limit`."""
    reason = _CANNOT + "expected a file, found a directory"
    try:
        if not path.is_dir():
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
            reason = f"the file is over {limit} bytes; claim maps over 10 MB are refused"
            if len(data) <= limit:
                return data
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = _CANNOT + (getattr(error, "strerror", None) or str(error))
    raise YamlProblem(Problem(Location(1, 1), reason))


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a BOM; YamlProblem at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        body = bytes(error.object)  # without the BOM, which utf-8-sig strips first
        before = body[: error.start]
        line_start = before.rfind(b"\n") + 1
        where = Location(
            before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1
        )
        found = f"0x{body[error.start]:02x}"
        message = f"expected UTF-8 text, found the byte {found} ({error.reason})"
        raise YamlProblem(Problem(where, message)) from None


def _mark(node: Node) -> Location:
    return Location(node.line, node.column)


def _offset_location(text: str, offset: int) -> Location:
    return Location(*position_of(text, offset))


def _syntax_problem(
    error: yaml.MarkedYAMLError, text: str, line_feeds: LineFeeds | None = None
) -> Problem:
    """Malformed YAML, in the loader's words, at the problem and naming where it started."""
    if line_feeds is not None:
        if error.problem_mark is not None:
            error.problem_mark = line_feeds.relocated(error.problem_mark)
        if error.context_mark is not None:
            error.context_mark = line_feeds.relocated(error.context_mark)
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return Problem(Location(1, 1), f"invalid YAML: {error}")
    where = Location(mark.line + 1, mark.column + 1)
    message = error.problem or error.context or "cannot be parsed"
    if error.context and error.problem:
        started = f" at line {error.context_mark.line + 1}" if error.context_mark else ""
        if error.context.startswith("while"):
            message = f"{error.problem} ({error.context}{started})"
        else:
            message = f"{error.context}{started}, {error.problem}"
    lines = text.split("\n")
    if mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
        message += "; found a tab: indent YAML with spaces"
    return Problem(where, f"invalid YAML: {message}")


def compose(text: str) -> Node | None:
    """Compose one YAML document; raise YamlProblem for anything the loader refuses."""
    return _compose(text, line_feeds_for(text))


def _compose(text: str, lines: LineFeeds | None) -> Node | None:
    """`compose`, with the text's line feeds where YAML counts its lines otherwise (None for
    almost every map)."""
    loader = None
    try:
        loader = Loader(text)  # libyaml encodes the text here: a lone surrogate fails already
        node = compose_events(
            loader if lines is None else RelocatedEvents(loader, lines), MAX_DEPTH
        )
    except TooDeep as error:
        message = f"YAML nesting deeper than {MAX_DEPTH} levels"
        raise YamlProblem(Problem(_mark(error.node), message)) from None
    except yaml.MarkedYAMLError as error:
        raise YamlProblem(_syntax_problem(error, text, lines)) from None
    except yaml.reader.ReaderError as error:
        offset = error.position
        if LIBYAML_PARSER is not None and issubclass(Loader, LIBYAML_PARSER):  # counts bytes
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        where = _offset_location(text, offset)
        found = f"U+{error.character:04X}" if isinstance(error.character, int) else "a byte"
        message = f"invalid YAML: expected printable text, found the character {found}"
        raise YamlProblem(Problem(where, message)) from None
    except UnicodeEncodeError as error:
        where = _offset_location(text, error.start)
        found = f"U+{ord(text[error.start]):04X}"
        message = f"expected printable text, found the unpaired surrogate {found}"
        raise YamlProblem(Problem(where, message)) from None
    except yaml.YAMLError as error:
        raise YamlProblem(Problem(Location(1, 1), f"invalid YAML: {error}")) from None
    finally:
        if loader is not None:
            loader.dispose()
    return node


def walk(root: Node) -> LocatedTree:
    """Walk a composed document into a LocatedTree; raise YamlProblem past a bound."""
    walker = _Walker()
    value = walker.value(root, (), 0, False, root)
    return LocatedTree(value, walker.locations, walker.key_locations, walker.problems)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, which would only rescan a big acyclic node graph
    (cycles are refused) several times over: a 7 MB map reads in 1 s instead of 8."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_yaml(text: str) -> LocatedTree | None:
    """Compose and walk `text`; None for an empty document. Raises YamlProblem."""
    with gc_paused():
        # Most maps: one pass, no nodes. A text YAML breaks at other characters than line
        # feeds (yamllines.py) takes the general path, whose marks are set again.
        lines = line_feeds_for(text)
        plain = read_plain(text, MAX_DEPTH) if lines is None else None
        if plain is not None:
            return LocatedTree(*plain)
        root = _compose(text, lines)
        return walk(root) if root is not None else None


class _Walker:
    def __init__(self) -> None:
        self.locations: dict[DataPath, Location] = {}
        self.key_locations: dict[DataPath, Location] = {}
        self.problems: list[Problem] = []
        self.seen: set[int] = set()  # every node reached; reaching one again is an alias
        self.active: set[int] = set()  # the nodes that contain the current one
        self.alias_visits = 0
        self.alias_via: Node | None = None  # where the current alias expansion began

    def enter(self, node: Node, depth: int, in_alias: bool, via: Node) -> bool:
        """Check the bounds before visiting `node`; return whether it is reached by alias."""
        if depth > MAX_DEPTH:
            message = f"YAML nesting deeper than {MAX_DEPTH} levels"
            raise YamlProblem(Problem(_mark(node), message))
        if id(node) in self.active:
            message = "YAML alias refers to a node that contains it (an alias cycle)"
            raise YamlProblem(Problem(_mark(via), message))
        if not in_alias and id(node) in self.seen:
            in_alias, self.alias_via = True, via
        self.seen.add(id(node))
        if in_alias:
            self.count_alias_visit(self.alias_via or via)
        return in_alias

    def count_alias_visit(self, where: Node) -> None:
        self.alias_visits += 1
        if self.alias_visits > MAX_ALIAS_EXPANSION:
            message = f"YAML aliases expand past {MAX_ALIAS_EXPANSION} nodes"
            raise YamlProblem(Problem(_mark(where), message))

    def value(self, node: Node, path: DataPath, depth: int, in_alias: bool, via: Node) -> Any:
        """The plain value of `node`, reached from `via`: its key, or the list holding it.

        An alias has no mark of its own, so problems met through one are placed at `via`.
        """
        in_alias = self.enter(node, depth, in_alias, via)
        self.locations[path] = _mark(node)
        if _tagged(node):
            label = format_path(path)
            self.check_tag(node, f"{label}: " if label else "")
        if isinstance(node, ScalarNode):
            return None if node.tag == NULL_TAG else str(node.value)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [
                    self.value(item, (*path, index), depth + 1, in_alias, node)
                    for index, item in enumerate(node.value)
                ]
            return self.mapping(node, path, depth, in_alias)
        finally:
            self.active.discard(id(node))

    def mapping(self, node: Node, path: DataPath, depth: int, in_alias: bool) -> Any:
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        label = format_path(path)
        prefix = f"{label}: " if label else ""
        for key_node, value_node, merged in self.pairs(node, depth, in_alias, prefix):
            key = self.key(key_node, prefix)
            if key is None:
                continue
            where = _mark(key_node)
            if key in first_lines:
                if not merged:
                    message = f"{prefix}duplicate key '{key}' (first at line {first_lines[key]})"
                    self.problems.append(Problem(where, message))
                continue
            first_lines[key] = where.line
            self.key_locations[(*path, key)] = where
            result[key] = self.value(value_node, (*path, key), depth + 1, in_alias, key_node)
        return result

    def check_tag(self, node: Node, prefix: str) -> bool:
        """A located problem for a tag that cannot be read as written (yamltags); whether
        there was one."""
        problem = tag_problem(node)
        if problem is not None:
            self.problems.append(Problem(_mark(node), prefix + problem))
        return problem is not None

    def key(self, node: Node, prefix: str) -> str | None:
        if _tagged(node) and self.check_tag(node, prefix) and isinstance(node, ScalarNode):
            return str(node.value)  # refused already; its value is still checked
        if isinstance(node, ScalarNode) and node.tag != NULL_TAG:
            return str(node.value)
        found = (
            "nothing"
            if isinstance(node, ScalarNode)
            else ("a list" if isinstance(node, SequenceNode) else "a mapping")
        )
        self.problems.append(Problem(_mark(node), f"{prefix}expected a text key, found {found}"))
        return None

    def pairs(
        self, node: Node, depth: int, in_alias: bool, prefix: str
    ) -> Iterator[tuple[Node, Node, bool]]:
        """The key/value nodes of a mapping: its own first, then those of `<<` merges."""
        merges = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag == MERGE_TAG:
                merges.append((key_node, value_node))
            else:
                yield key_node, value_node, False
        for key_node, value_node in merges:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    found = "a list" if isinstance(source, SequenceNode) else "text"
                    message = (
                        f"{prefix}'<<' expected a mapping or a list of mappings, found {found}"
                    )
                    self.problems.append(Problem(_mark(source), message))
                    continue
                if _tagged(source):
                    self.check_tag(source, prefix)
                self.enter(source, depth + 1, in_alias, key_node)
                self.active.add(id(source))
                try:
                    for pair_key, pair_value, _ in self.pairs(source, depth + 1, True, prefix):
                        self.count_alias_visit(key_node)  # even a key that is overridden
                        yield pair_key, pair_value, True
                finally:
                    self.active.discard(id(source))
