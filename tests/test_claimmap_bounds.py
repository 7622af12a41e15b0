"""The claim-map loader's bounds: alias expansion, nesting depth and file size."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from claimcheck.inputs.claimmap import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    load_claim_map,
    parse_claim_map,
)
from claimcheck.model.claimmap import Role
from claimcheck.model.errors import ClaimMapError
from claimcheck.model.location import Location
from tests.test_claimmap import BILLION_LAUGHS, MINIMAL, single_error

# --- bounds: aliases, nesting, size --------------------------------------------------------


def test_alias_bomb_is_refused() -> None:
    line = single_error(BILLION_LAUGHS)
    assert line.startswith("map.yaml:")
    assert line.endswith(f"YAML aliases expand past {MAX_ALIAS_EXPANSION} nodes")
    assert int(line.split(":")[1]) in range(3, 11)


def test_alias_bomb_through_merge_keys_is_refused() -> None:
    lines = ["claimcheck: 1", "m0: &m0 {k: v}"]
    for level in range(1, 30):
        lines.append(f"m{level}: &m{level} [*m{level - 1}, *m{level - 1}]")
    lines.append("x: {<<: *m29}")
    line = single_error("\n".join(lines) + "\n")
    assert "YAML aliases expand past" in line


def test_merging_one_mapping_over_and_over_is_refused() -> None:
    keys = ", ".join(f"k{i}: v" for i in range(4_000))
    merges = ", ".join(["*m"] * 4_000)
    text = f"claimcheck: 1\nm: &m {{{keys}}}\nx: {{<<: [{merges}]}}\nreferences: {{}}\nclaims: []\n"
    line = single_error(text)
    assert line == f"map.yaml:3:5: YAML aliases expand past {MAX_ALIAS_EXPANSION} nodes"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("claimcheck: 1\nreferences: &r\n  R1: *r\nclaims: []\n", "map.yaml:3:3:"),
        ("claimcheck: 1\nreferences: &r {R1: {<<: *r}}\nclaims: []\n", "map.yaml:2:22:"),
        ("claimcheck: 1\nclaims: &c [1, [2, *c]]\nreferences: {}\n", "map.yaml:2:16:"),
    ],
)
def test_alias_cycle_is_refused(text: str, where: str) -> None:
    line = single_error(text)
    assert line.startswith(where)
    assert "alias cycle" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "claimcheck: 1\nreferences: {R1: *nowhere}\nclaims: []\n",
            "map.yaml:2:18: invalid YAML: found undefined alias 'nowhere'",
        ),
        (
            "claimcheck: 1\nreferences: &r {}\nclaims: &r []\n",
            "map.yaml:3:9: invalid YAML: found duplicate anchor 'r'; first occurrence at line 2, "
            "second occurrence",
        ),
    ],
)
def test_anchor_errors_are_the_composers_located(text: str, expected: str) -> None:
    assert single_error(text) == expected


def test_an_alias_is_its_anchors_node_not_a_copy() -> None:
    # Read through an alias, a value is the same text at the anchor's place.
    text = "claimcheck: 1\nreferences:\n  R1: &t {title: Shared}\n  R2: *t\nclaims: []\n"
    claim_map = parse_claim_map(text, "map.yaml")
    assert [(r.id, r.title, r.location.line) for r in claim_map.references] == [
        ("R1", "Shared", 3),
        ("R2", "Shared", 4),
    ]


def test_deep_nesting_is_refused() -> None:
    text = "claimcheck: 1\nreferences: {}\nclaims: " + "[" * 200 + "]" * 200 + "\n"
    line = single_error(text)
    assert line == (f"map.yaml:3:{8 + MAX_DEPTH + 1}: YAML nesting deeper than {MAX_DEPTH} levels")


def test_nesting_past_the_parser_limit_is_refused() -> None:
    line = single_error("x: " + "[" * 20_000 + "]" * 20_000)
    assert line.startswith("map.yaml:1:")
    assert "nesting" in line


def test_nesting_within_the_bound_is_only_a_type_error() -> None:
    depth = MAX_DEPTH - 2
    text = "claimcheck: 1\nreferences: {}\nclaims: " + "[" * depth + "]" * depth + "\n"
    assert "expected a mapping" in single_error(text)


def test_file_over_10_mb_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(dedent(MINIMAL).encode() + b"#" * MAX_FILE_BYTES)
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map(big, display_path="big.yaml")
    (error,) = raised.value.errors
    assert (error.path, error.line, error.column) == ("big.yaml", 1, 1)
    assert "over 10 MB" in error.message


def test_text_over_10_mb_is_refused() -> None:
    line = single_error(b"#" * (MAX_FILE_BYTES + 1))
    assert line == (
        f"map.yaml:1:1: the file is {MAX_FILE_BYTES + 1} bytes; claim maps over 10 MB are refused"
    )


def test_exactly_10_mb_is_read(tmp_path: Path) -> None:
    body = dedent(MINIMAL).encode()
    target = tmp_path / "ok.yaml"
    target.write_bytes(body + b"#" * (MAX_FILE_BYTES - len(body)))
    assert load_claim_map(target).claims[0].id == "C1"


def test_a_large_valid_map_loads_whole_and_located() -> None:
    # How fast it loads is measured by bench/run.py, not asserted here.
    count = 5_000
    refs = "".join(f"  R{i}:\n    doi: 10.1000/x{i}\n    year: 2001\n" for i in range(count))
    claims = "".join(
        f"  - id: C{i}\n    text: t\n"
        f"    cites: [R{i}, {{ref: R{(i + 1) % count}, role: background}}]\n"
        for i in range(count)
    )
    claim_map = parse_claim_map(f"claimcheck: 1\nreferences:\n{refs}claims:\n{claims}", "m")
    assert len(claim_map.references) == len(claim_map.claims) == count
    assert claim_map.claims[-1].cites[1].ref == "R0"
    assert claim_map.claims[-1].cites[1].role is Role.BACKGROUND
    assert claim_map.claims[-1].location == Location(3 * count + 4 + 3 * (count - 1), 5)


def test_a_50_mb_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.write(b"claimcheck: 1\n")
        handle.truncate(50 * 1024 * 1024)  # sparse: cheap to make, 50 MB to a reader
    with pytest.raises(ClaimMapError) as info:
        load_claim_map(huge)
    (error,) = info.value.errors
    assert (error.line, error.column) == (1, 1)
    assert "over 10 MB" in error.message
