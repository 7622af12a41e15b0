"""YAML's own tags in a claim map (README, "The claim map"): the text under `!!str`, `!!int`
and the like is read as written, and a tag that would read the map otherwise is refused at
the tag: `!!null` on text that is not a null, and a tag of one kind of node on another."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from claimcheck.inputs.claimmap import parse_claim_map
from claimcheck.inputs.yamlfast import read_plain
from claimcheck.inputs.yamlnodes import MAX_DEPTH, read_yaml
from claimcheck.model.claimmap import ClaimMap
from claimcheck.model.errors import ClaimMapError
from tests.factories import write_map
from tests.test_cli import run


def load(text: str) -> ClaimMap:
    return parse_claim_map(dedent(text), "map.yaml")


def errors(text: str) -> list[str]:
    with pytest.raises(ClaimMapError) as raised:
        load(text)
    return [str(error) for error in raised.value.errors]


_NULL_DOI = """\
    claimcheck: 1
    references:
      R1: {doi: !!null 10.5555/bad, title: Bad study}
    claims:
      - {id: C1, text: A claim., cites: [R1]}
"""

_DROPPED = "YAML tag '!!null' would read '{}' as an empty value"


def test_a_null_tag_on_a_doi_is_refused_at_the_tag() -> None:
    # PyYAML's safe loader reads `!!null 10.5555/bad` as None: the retracted DOI was never
    # looked up and the gate passed.
    (line,) = errors(_NULL_DOI)
    assert line.startswith("map.yaml:3:13: references.R1.doi: " + _DROPPED.format("10.5555/bad"))


@pytest.mark.parametrize(
    ("fields", "where", "text"),
    [
        ("cites: !!null R1", "4:37: claims[0].cites", "R1"),
        (
            "acknowledge: [{finding: uncited-claim, reason: r, until: !!null 9999-12-31}]",
            "4:87: claims[0].acknowledge[0].until",
            "9999-12-31",
        ),
        (
            "cites: [R1], acknowledge: [{finding: retracted, ref: !!null R1, reason: r}]",
            "4:83: claims[0].acknowledge[0].ref",
            "R1",
        ),
    ],
    ids=["cites", "until", "ack-ref"],
)
def test_a_null_tag_on_text_is_refused_wherever_it_stands(
    fields: str, where: str, text: str
) -> None:
    found = errors(
        f"""\
        claimcheck: 1
        references: {{R1: {{doi: 10.5555/good1}}}}
        claims:
          - {{id: C1, text: A claim., {fields}}}
        """
    )
    assert f"map.yaml:{where}: {_DROPPED.format(text)}" in [
        line[: line.index(";")] for line in found
    ]


def test_a_null_tag_on_a_key_is_refused_once() -> None:
    found = errors(
        """\
        claimcheck: 1
        references:
          !!null R1: {doi: 10.5555/good1}
        claims: []
        """
    )
    assert found == [
        f"map.yaml:3:3: references: {_DROPPED.format('R1')}; remove the tag to keep the text,"
        " or write ~ or nothing for an empty value"
    ]


@pytest.mark.parametrize("spelling", ["~", "null", "Null", "NULL", "''", '""', ""])
def test_a_null_tag_on_a_null_spelling_is_an_empty_value(spelling: str) -> None:
    # https://yaml.org/type/null.html: `~`, `null`, `Null`, `NULL` and the empty scalar.
    claim_map = load(
        f"""\
        claimcheck: 1
        references:
          R1: {{title: A title, doi: !!null {spelling}}}
        claims: []
        """
    )
    assert claim_map.references[0].doi_input is None


@pytest.mark.parametrize(
    ("tagged", "found"),
    [
        (
            "acknowledge: !!null [{finding: uncited-claim, reason: r}]",
            "'!!null' expects text, found a list",
        ),
        ("acknowledge: !!str {finding: uncited-claim}", "'!!str' expects text, found a mapping"),
        ("cites: !!map [R1]", "'!!map' expects a mapping, found a list"),
        ("cites: !!seq R1", "'!!seq' expects a list, found text"),
    ],
)
def test_a_tag_of_another_kind_of_node_is_refused(tagged: str, found: str) -> None:
    # The safe loader refuses these too ("expected a scalar node, but found sequence");
    # reading the list under `!!null` would keep what the tag seems to switch off.
    lines = errors(
        f"""\
        claimcheck: 1
        references: {{R1: {{doi: 10.5555/good1}}}}
        claims:
          - id: C1
            text: A claim.
            {tagged}
        """
    )
    assert any(line.startswith("map.yaml:6:") and f"YAML tag {found}" in line for line in lines)


@pytest.mark.parametrize(
    ("tagged", "read"),
    [
        ("doi: !!bool 10.5555/bad", ("doi_input", "10.5555/bad")),
        ("doi: !!float 10.1000", ("doi_input", "10.1000")),
        ("doi: !!str ~", ("doi_input", "~")),
        ("year: !!int 2014", ("year", 2014)),
        ("title: !!timestamp 2001-12-14", ("title", "2001-12-14")),
    ],
)
def test_the_other_core_tags_read_the_text_under_them(
    tagged: str, read: tuple[str, object]
) -> None:
    claim_map = load(
        f"""\
        claimcheck: 1
        references:
          R1: !!map {{cited_as: As printed., {tagged}}}
        claims:
          - !!map {{id: C1, text: A claim., cites: !!seq [R1]}}
        """
    )
    name, value = read
    assert getattr(claim_map.references[0], name) == value


def test_the_one_pass_reader_leaves_a_null_tag_to_the_general_path() -> None:
    text = "a: !!null 10.5555/bad\n"
    assert read_plain(text, MAX_DEPTH) is None
    tree = read_yaml(text)
    assert tree is not None
    assert [p.message.split(";")[0] for p in tree.problems] == [
        "a: " + _DROPPED.format("10.5555/bad")
    ]


def test_audit_of_a_null_tagged_doi_exits_2_before_any_lookup(tmp_path: Path) -> None:
    path = write_map(tmp_path, dedent(_NULL_DOI))
    result = run("audit", path, "--offline", "-q")
    assert result.exit_code == 2, result.stderr
    assert f"{path}:3:13: references.R1.doi: YAML tag '!!null'" in result.stderr
