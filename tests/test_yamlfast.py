"""The one-pass reader (yamlfast) agrees with composing and walking (yamlnodes), or declines.

Whatever the one-pass reader returns must be exactly what the general path gives: the same
values, the same locations in the same order, and no problem the general path would report.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.inputs.yamlfast import read_plain
from claimcheck.inputs.yamlnodes import MAX_DEPTH, YamlProblem, compose, read_yaml, walk

BENCH_LIKE = """\
# a comment
claimcheck: 1
article:
  title: An article
references:
  R1: {doi: 10.5555/bench.1}
  "R2": {doi: '10.5555/x', year: 2010, authors: [A B, "C D", et al.]}
  3: {title: ~, journal: null, volume: NULL, issue: Null, pages: ""}
claims:
  - id: C1
    text: >
      Folded text
    cites: [R1, {ref: R2, role: contrasts}]
  - {id: C2, text: "two
      lines", cites: []}
  - id: C3
    text: |
      literal
    cites:
"""


def general(text: str) -> tuple[str, object, object, object] | str:
    """What the compose-and-walk path gives, as comparable reprs, or its error."""
    try:
        root = compose(text)
        if root is None:
            return "empty"
        tree = walk(root)
    except YamlProblem as error:
        return f"error {error.problem}"
    return (
        repr(tree.value),
        list(tree.locations.items()),
        list(tree.key_locations.items()),
        tree.problems,
    )


def agrees(text: str) -> bool:
    """Whether the one-pass reader took `text`; fails if it took it and disagrees."""
    fast = read_plain(text, MAX_DEPTH)
    slow = general(text)
    if fast is None:
        return False
    value, locations, key_locations = fast
    assert slow == (repr(value), list(locations.items()), list(key_locations.items()), [])
    return True


@pytest.mark.parametrize(
    "text",
    [
        BENCH_LIKE,
        "a: b",
        "- x\n- ~\n- ''\n- '<<'\n- NO\n- 10.1000\n",
        "k: é中文\n'<<': quoted merge is text\nx: <<\n",
        "[a, [b, {c: d}], {}]",
        "\ufeffa: 1",
        "a: 'x'\nb: \"y\"\nc:\nd: \n",
        "?  complex\n: value",
        "a:\n  - b\n  -\n    c: d\n",
        "plain",
        "---\na: 1\n...\n",
    ],
)
def test_plain_documents_take_the_one_pass_reader_and_agree(text: str) -> None:
    assert agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "a: &x 1\nb: *x\n",
        "base: &b {x: 1}\nmine: {<<: *b, y: 2}\n",
        "a: {<<: [{x: 1}], y: 2}",
        "a: !!str 1",
        "a: !!null ''",
        "!!merge a: 1",
        "a: ! x",
        "a: !custom {b: 1}",
        "a: 1\na: 2",
        "~: 1",
        "'': 1\n: 2",
        "[a]: 1",
        "{a: 1}: 2",
        "a: 1\n---\nb: 2",
        "a: [1, 2",
        "a: 'unclosed",
        "a:\n\t- b",
        "a: *undefined",
        "a: &x 1\nb: &x 2",
        "[" * MAX_DEPTH + "]" * MAX_DEPTH,
        "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2),
        "x: \x07",
    ],
)
def test_unusual_documents_are_left_to_the_general_path(text: str) -> None:
    assert not agrees(text)


def test_nesting_just_inside_the_declining_margin_is_read_in_one_pass() -> None:
    assert agrees("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))


def test_read_yaml_reports_the_general_paths_problems() -> None:
    with pytest.raises(YamlProblem) as raised:
        read_yaml("a: [1, 2")
    assert str(raised.value).startswith("invalid YAML:")
    tree = read_yaml("a: 1\na: 2")
    assert tree is not None
    assert [p.message for p in tree.problems] == ["duplicate key 'a' (first at line 1)"]


def test_a_generated_benchmark_map_takes_the_one_pass_reader(tmp_path: Path) -> None:
    lines = ["claimcheck: 1", "references:"]
    lines += [f"  R{i}: {{doi: 10.5555/bench.{i}}}" for i in range(200)]
    lines += ["claims:", "  - id: C1", "    text: T.", "    cites: [R1, R2]"]
    assert agrees("\n".join(lines) + "\n")


# Scalars and keys to build documents from: plain, quoted, null, merge,
# unicode, anchored, aliased, tagged, and a few that are not valid where they land.
_TOKENS = [
    *("a", "b", "B", "~", "null", "Null", "''", '""', "'<<'", "<<", "NO", "yes", "10.1000"),
    *("2010", "é中", "'it''s'", '"\\u00e9"', "&a x", "*a", "!!str x", "!!null ''", "! x"),
    *("!!merge <<", "-", "'#'", "x # comment", "?", ":", "'a: b'", "{}", "[]"),
]
_KEYS = ["a", "b", "A", "~", "''", "<<", "'<<'", "1", "é", "&k a", "*a", "!!str a", "? c"]


def _render(node: object, indent: int, flow: bool) -> str:
    """YAML text for a generated tree; not always valid, which is the point too."""
    if isinstance(node, str):
        return node
    if isinstance(node, list) and node and isinstance(node[0], tuple):
        pairs = [(str(key), value) for key, value in node]
        if flow:
            return "{" + ", ".join(f"{k}: {_render(v, 0, True)}" for k, v in pairs) + "}"
        pad = " " * indent
        return "\n" + "\n".join(f"{pad}{k}: {_render(v, indent + 2, False)}" for k, v in pairs)
    items = node if isinstance(node, list) else []
    if flow or not items:
        return "[" + ", ".join(_render(item, 0, True) for item in items) + "]"
    pad = " " * indent
    return "\n" + "\n".join(f"{pad}- {_render(item, indent + 2, False)}" for item in items)


_TREES = st.recursive(
    st.sampled_from(_TOKENS),
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(st.tuples(st.sampled_from(_KEYS), children), min_size=1, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.fuzz
@given(_TREES, st.booleans(), st.sampled_from(["", "&r ", "!!map "]))
def test_generated_documents_agree_or_are_declined(tree: object, flow: bool, head: str) -> None:
    agrees(head + _render(tree, 0, flow).lstrip("\n"))
