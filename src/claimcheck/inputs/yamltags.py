"""Which tags a claim map's YAML may carry, and what is wrong with one that it may not.

A claim map holds only text, lists and mappings, so the walk (`yamlnodes`) reads every
scalar as its source text whatever YAML type a tag names (README, "The claim map": `!!str`,
`!!int` and the like "are read as the text under them"). A tag is refused, at the node,
wherever reading the text under it would read the map differently from what was written:

- a tag that asks for a type to be built (`!!python/object:…`, `!custom`, `!!omap`), which
  PyYAML's safe loader refuses too;
- `!!null` on text that is not one of YAML's spellings of null. The null type
  (https://yaml.org/type/null.html, and the YAML 1.2 core schema, section 10.3.2) is written
  `~`, `null`, `Null`, `NULL` or nothing; PyYAML's constructor ignores the text under the tag
  and yields None, so `doi: !!null 10.5555/x` would drop the DOI without a word;
- a tag of one kind of node on another: a scalar type (`!!null`, `!!str`, …) on a list or a
  mapping, `!!seq` on anything but a list, `!!map` on anything but a mapping. The safe
  loader refuses these ("expected a scalar node, but found mapping"); reading the list
  under `acknowledge: !!null [...]` would keep what the tag seems to switch off.
"""

from __future__ import annotations

from claimcheck.inputs.yamlcompose import NULL_TAG, NULLS, MappingNode, Node, SequenceNode

YAML_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(
    YAML_TAG + name for name in ("str", "null", "bool", "int", "float", "timestamp")
)
SEQ_TAG = YAML_TAG + "seq"
MAP_TAG = YAML_TAG + "map"
# `""` is an untagged collection; `!`, the non-specific tag, is resolved by its kind. The
# composer resolves every untagged or `!` scalar to `!!str`, `!!null` or `!!merge`.
_ANY_KIND = frozenset({"", "!"})
PLAIN_TAGS = _ANY_KIND | _SCALAR_TAGS | {SEQ_TAG, MAP_TAG, YAML_TAG + "merge"}


def shown(tag: str) -> str:
    """`tag:yaml.org,2002:null` as written in YAML: `!!null`."""
    return "!!" + tag.removeprefix(YAML_TAG) if tag.startswith(YAML_TAG) else tag


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, SequenceNode) else "text"


def tag_problem(node: Node) -> str | None:
    """Why `node`'s tag cannot be read as written (without the path), or None when it can."""
    tag = node.tag
    if tag not in PLAIN_TAGS:
        return (
            f"unsupported YAML tag '{shown(tag)}': a claim map holds only text, lists and mappings"
        )
    kind = _kind(node)
    expected = {SEQ_TAG: "a list", MAP_TAG: "a mapping"}.get(tag, "text")
    if tag not in _ANY_KIND and kind != expected:
        return f"YAML tag '{shown(tag)}' expects {expected}, found {kind}; remove the tag"
    if tag == NULL_TAG and kind == "text" and node.value not in NULLS:
        return (
            f"YAML tag '!!null' would read {node.value!r} as an empty value; remove the tag "
            "to keep the text, or write ~ or nothing for an empty value"
        )
    return None
