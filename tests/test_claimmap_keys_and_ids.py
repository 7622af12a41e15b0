"""Duplicate keys and ids, unknown keys, references, roles and codes; every error at once."""

from __future__ import annotations

import pytest

from claimcheck.inputs.claimmap import parse_claim_map
from claimcheck.model.errors import ClaimMapError, ExitCode
from tests.test_claimmap import errors, single_error

# --- duplicates, unknown keys, unknown ids --------------------------------------------------


def test_duplicate_reference_key() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references:
          R5:
            title: first
          R6: {title: other}
          R5:
            title: second
        claims: []
        """
    )
    assert line == "map.yaml:6:3: references: duplicate key 'R5' (first at line 3)"


def test_duplicate_keys_inside_a_reference_and_at_the_top() -> None:
    found = errors(
        "claimcheck: 1\nreferences: {R1: {title: a, title: b}}\nclaims: []\nclaims: []\n"
    )
    assert found == [
        "map.yaml:2:29: references.R1: duplicate key 'title' (first at line 2)",
        "map.yaml:4:1: duplicate key 'claims' (first at line 3)",
    ]


def test_duplicate_claim_id() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references: {}
        claims:
          - id: C3
            text: first
          - id: C4
            text: other
          - id: C3
            text: again
        """
    )
    assert line == "map.yaml:8:9: claims[2].id: duplicate claim id 'C3' (first at line 4)"


def test_unknown_key_with_a_suggestion() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references:
          R1:
            cited_ass: Smith J. Nature. 2001.
        claims: []
        """
    )
    assert line == "map.yaml:4:5: references.R1: unknown key 'cited_ass'; did you mean 'cited_as'?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "claimcheck: 1\nreference: {}\nreferences: {}\nclaims: []\n",
            "did you mean 'references'?",
        ),
        (
            "claimcheck: 1\nreferences: {}\nclaims: [{id: C1, text: x, Translation: y}]\n",
            "claims[0]: unknown key 'Translation'; did you mean 'translation'?",
        ),
        (
            "claimcheck: 1\nreferences: {R1: {doi: x}}\n"
            "claims: [{id: C, text: x, cites: [{ref: R1, rol: x}]}]\n",
            "claims[0].cites[0]: unknown key 'rol'; did you mean 'role'?",
        ),
        (
            "claimcheck: 1\narticle: {tittle: x}\nreferences: {}\nclaims: []\n",
            "article: unknown key 'tittle'; did you mean 'title'?",
        ),
    ],
)
def test_unknown_keys_everywhere_get_suggestions(text: str, message: str) -> None:
    assert message in single_error(text)


def test_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    line = single_error("claimcheck: 1\nreferences:\n  R1:\n    colour: blue\nclaims: []\n")
    assert line == (
        "map.yaml:4:5: references.R1: unknown key 'colour'; expected one of doi, cited_as,"
        " title, authors, year, journal, volume, issue, pages"
    )


def test_unknown_reference_in_cites() -> None:
    found = errors(
        """\
        claimcheck: 1
        references:
          R9: {title: t}
          R10: {title: u}
        claims:
          - id: C1
            text: x
          - id: C2
            text: y
          - id: C3
            text: z
            cites:
              - R99
              - {ref: Q1, role: background}
        """
    )
    assert found == [
        "map.yaml:13:9: claims[2].cites[0]: claim C3 cites unknown reference 'R99';"
        " did you mean 'R9'?",
        "map.yaml:14:15: claims[2].cites[1].ref: claim C3 cites unknown reference 'Q1'",
    ]


def test_unknown_reference_in_acknowledge() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references: {R1: {title: t}}
        claims:
          - id: C1
            text: x
            cites: [R1]
            acknowledge:
              - finding: retracted
                ref: r1
                reason: known
        """
    )
    assert line == (
        "map.yaml:9:14: claims[0].acknowledge[0].ref: claim C1 acknowledges unknown"
        " reference 'r1'; did you mean 'R1'?"
    )


def test_unknown_reference_is_named_even_when_the_claim_has_no_id() -> None:
    found = errors("claimcheck: 1\nreferences: {}\nclaims:\n  - {text: x, cites: [R1]}\n")
    assert found == [
        "map.yaml:4:5: claims[0]: missing required key 'id'",
        "map.yaml:4:23: claims[0].cites[0]: claim claims[0] cites unknown reference 'R1'",
    ]


def test_unknown_finding_code_suggests_the_closest() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references: {R1: {title: t}}
        claims:
          - id: C1
            text: x
            acknowledge:
              - finding: cites-retraction-notise
                reason: r
        """
    )
    assert line.startswith("map.yaml:7:18: claims[0].acknowledge[0].finding: expected one of ")
    assert "retracted, cites-retraction-notice, " in line
    assert line.endswith("found 'cites-retraction-notise'; did you mean 'cites-retraction-notice'?")


def test_bad_role() -> None:
    line = single_error(
        "claimcheck: 1\nreferences: {R1: {title: t}}\nclaims:\n"
        "  - {id: C1, text: x, cites: [{ref: R1, role: support}]}\n"
    )
    assert line == (
        "map.yaml:4:47: claims[0].cites[0].role: expected one of supports, contrasts,"
        " background, discusses; found 'support'; did you mean 'supports'?"
    )


def test_role_far_from_any_gets_no_suggestion() -> None:
    line = single_error(
        "claimcheck: 1\nreferences: {R1: {title: t}}\nclaims:\n"
        "  - {id: C1, text: x, cites: [{ref: R1, role: xyz}]}\n"
    )
    assert line.endswith("found 'xyz'")


def test_bad_id_characters() -> None:
    found = errors(
        """\
        claimcheck: 1
        references:
          R 1: {title: t}
          "R/2": {title: u}
          Réf: {title: v}
        claims:
          - id: C#1
            text: x
          - id: ""
            text: y
        """
    )
    assert found == [
        "map.yaml:3:3: references: reference id 'R 1' may contain only letters, digits,"
        " '-', '_' and '.'",
        "map.yaml:4:3: references: reference id 'R/2' may contain only letters, digits,"
        " '-', '_' and '.'",
        "map.yaml:5:3: references: reference id 'Réf' may contain only letters, digits,"
        " '-', '_' and '.'",
        "map.yaml:7:9: claims[0].id: claim id 'C#1' may contain only letters, digits,"
        " '-', '_' and '.'",
        "map.yaml:9:9: claims[1].id: claim id '' may contain only letters, digits,"
        " '-', '_' and '.'",
    ]


def test_every_error_is_listed_at_once_sorted_by_position() -> None:
    text = """\
        claimcheck: 1
        references:
          R1:
            year: abc
            cited_ass: x
          R1: {title: again}
          R2:
            authors: Smith
        claims:
          - id: C1
            text: x
            cites: [R99, {ref: R2, role: maybe}]
          - id: C1
            cites: {ref: R1}
          - id: C3
            text: y
            acknowledge:
              - {finding: nope, reason: r}
        """
    found = errors(text)
    expected = [
        ("4:11", "references.R1.year: expected an integer, found 'abc'"),
        ("5:5", "references.R1: unknown key 'cited_ass'; did you mean 'cited_as'?"),
        ("6:3", "references: duplicate key 'R1' (first at line 3)"),
        ("8:14", "references.R2.authors: expected a list of names, found 'Smith'"),
        ("12:13", "claims[0].cites[0]: claim C1 cites unknown reference 'R99'"),
        ("12:34", "claims[0].cites[1].role: expected one of supports, contrasts,"),
        ("13:5", "claims[1]: missing required key 'text'"),
        ("13:9", "claims[1].id: duplicate claim id 'C1' (first at line 10)"),
        ("14:12", "claims[1].cites: expected a list of reference ids or {ref, role} mappings"),
        ("18:19", "claims[2].acknowledge[0].finding: expected one of retracted,"),
    ]
    assert len(found) == len(expected) == 10, found
    for line, (where, fragment) in zip(found, expected, strict=True):
        assert line.startswith(f"map.yaml:{where}: {fragment}"), line


def test_claim_map_error_is_a_usage_error() -> None:
    with pytest.raises(ClaimMapError) as raised:
        parse_claim_map("claims: []\n", "m.yaml")
    assert raised.value.exit_code == ExitCode.USAGE
    assert str(raised.value) == "m.yaml:1:1: missing required key 'claimcheck'\n" + (
        "m.yaml:1:1: missing required key 'references'"
    )
