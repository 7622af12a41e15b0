"""Property tests: any text, bytes or YAML tree gives a ClaimMap or a located ClaimMapError."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.inputs.claimmap import parse_claim_map
from claimcheck.model.errors import ClaimMapError

# --- never anything but a ClaimMap or a ClaimMapError --------------------------------------


def _parses_or_refuses(text: str | bytes) -> None:
    try:
        result = parse_claim_map(text, "fuzz.yaml")
    except ClaimMapError as error:
        found = error.errors
    else:
        assert result.version == 1
        return
    assert found
    for located in found:
        assert located.path == "fuzz.yaml"
        assert located.line >= 1
        assert located.column >= 1
        assert located.message


@pytest.mark.fuzz
@given(st.text(max_size=500))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _parses_or_refuses(text)


@pytest.mark.fuzz
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    _parses_or_refuses(data)


_KEYS = st.sampled_from(
    [
        "claimcheck",
        "references",
        "claims",
        "article",
        "id",
        "text",
        "cites",
        "ref",
        "role",
        "acknowledge",
        "finding",
        "reason",
        "until",
        "doi",
        "authors",
        "year",
        "R1",
        "C1",
        "1",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["supports", "retracted", "R1", "2025-01-09", "et al.", "10.1000/x"]),
    st.dates(),
)
_TREES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(_KEYS, st.text(max_size=5)), children, max_size=5),
    ),
    max_leaves=30,
)


@pytest.mark.fuzz
@given(_TREES, st.booleans())
def test_arbitrary_yaml_trees_never_crash(tree: Any, with_version: bool) -> None:
    if with_version and isinstance(tree, dict):
        tree = {"claimcheck": 1, **tree}
    _parses_or_refuses(yaml.safe_dump(tree, allow_unicode=True))
