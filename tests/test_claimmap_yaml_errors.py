"""Claim maps that are not YAML the loader will read: malformed, tagged, empty; each located."""

from __future__ import annotations

from textwrap import dedent

import pytest

from tests.test_claimmap import MINIMAL, errors, load, single_error

# --- malformed YAML ------------------------------------------------------------------------


def test_malformed_yaml_is_located() -> None:
    line = single_error("claimcheck: 1\nreferences: {R1: {title: x}\nclaims: []\n")
    assert line.startswith("map.yaml:3:")
    assert "invalid YAML" in line


def test_tab_indentation_is_located() -> None:
    line = single_error("claimcheck: 1\nreferences:\n\tR1: {title: x}\nclaims: []\n")
    assert line.startswith("map.yaml:3:1: invalid YAML:")
    assert line.endswith("; found a tab: indent YAML with spaces")


def test_unclosed_quote_is_located() -> None:
    line = single_error('claimcheck: 1\nreferences:\n  R1: {title: "open}\nclaims: []\n')
    assert line.startswith("map.yaml:5:1: invalid YAML:")
    assert "quoted scalar" in line
    assert "line 3" in line


def test_two_documents_are_refused() -> None:
    line = single_error(dedent(MINIMAL) + "---\nclaimcheck: 1\n")
    assert line == (
        "map.yaml:9:1: invalid YAML: expected a single document in the stream at line 1,"
        " but found another document"
    )


def test_undefined_alias_is_located() -> None:
    line = single_error("claimcheck: 1\nreferences: *nothing\nclaims: []\n")
    assert line.startswith("map.yaml:2:13: invalid YAML:")
    assert "alias" in line


def test_control_character_is_located() -> None:
    line = single_error("claimcheck: 1\nreferences:\n  R1: {title: 干细胞\x07}\nclaims: []\n")
    assert line == (
        "map.yaml:3:18: invalid YAML: expected printable text, found the character U+0007"
    )


_TAGGED = "claimcheck: 1\nreferences:\n  R1: {doi: !!python/object:os.system 10.1/x}\nclaims: []\n"


def test_a_tag_asking_for_a_python_object_is_refused_at_the_tag() -> None:
    # PyYAML's safe loader refuses this tag; reading the text under it instead would let a
    # map that never meant "10.1/x" be audited as if it did.
    assert single_error(_TAGGED) == (
        "map.yaml:3:13: references.R1.doi: unsupported YAML tag '!!python/object:os.system':"
        " a claim map holds only text, lists and mappings"
    )


def test_local_tags_on_a_key_a_mapping_and_a_merge_source_are_each_refused() -> None:
    found = errors(
        """\
        claimcheck: 1
        !note references: !!omap
          - R1: {title: T}
        base: &b !custom {title: T}
        claims:
          - {id: C1, text: A claim., <<: *b}
        """
    )
    tags = [line.split("unsupported YAML tag ")[1].split(":")[0] for line in found if "tag" in line]
    assert tags == ["'!note'", "'!!omap'", "'!custom'", "'!custom'"]
    assert found[0].startswith("map.yaml:2:1: unsupported YAML tag '!note'")


@pytest.mark.parametrize(
    ("tagged", "plain"),
    [
        ("doi: !!str 10.1038/nbt.2816", "doi: 10.1038/nbt.2816"),
        ("doi: ! 10.1038/nbt.2816", "doi: 10.1038/nbt.2816"),
        ("year: !!int 2014", "year: 2014"),
        ("doi: 10.1/x, title: !!null ''", "doi: 10.1/x, title: ~"),
    ],
)
def test_yaml_own_tags_are_still_read_as_text(tagged: str, plain: str) -> None:
    def reference(fields: str, head: str) -> object:
        text = f"claimcheck: 1\nreferences: {head}\n  R1: {{{fields}}}\nclaims: []\n"
        return load(text).reference("R1")

    assert reference(tagged, "!!map") == reference(plain, "")


@pytest.mark.parametrize(
    "breaker", ["\u2028", "\u2029", "\x85", "\r", "\r\n\n"], ids=["LS", "PS", "NEL", "CR", "CRLF"]
)
def test_lines_are_counted_as_an_editor_counts_them(breaker: str) -> None:
    # YAML 1.1 also breaks lines at NEL, LS, PS and a lone CR, even inside a quoted title;
    # editors, git and GitHub annotations count line feeds only.
    title = f'"A{breaker}B"' if breaker != "\r\n\n" else '"AB"'
    text = (
        f"claimcheck: 1\narticle: {{title: {title}}}\nreferences:\n  R1: {{doi: 10.1/x, yeer: 1}}\n"
    )
    if breaker == "\r\n\n":  # a CRLF file: the same lines
        text = text.replace("\n", "\r\n")
    text += "claims:\n  - {id: C1, text: one, cites: [R9]}\n"
    assert errors(text) == [
        "map.yaml:4:21: references.R1: unknown key 'yeer'; did you mean 'year'?",
        "map.yaml:6:33: claims[0].cites[0]: claim C1 cites unknown reference 'R9'",
    ]


def test_a_syntax_error_after_a_line_separator_is_located_by_line_feeds() -> None:
    line = single_error(
        'claimcheck: 1\narticle: {title: "A\u2028B"}\nreferences: {R1: {title: "x}\n'
    )
    assert line.startswith("map.yaml:4:1: invalid YAML:")
    assert "at line 3" in line


def test_lone_surrogate_in_text_is_located() -> None:
    line = single_error("claimcheck: 1\nreferences: {R1: {title: \ud800}}\n")
    assert line.startswith("map.yaml:2:26: ")
    assert "U+D800" in line


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n...\n"])
def test_empty_file_is_refused(text: str) -> None:
    assert single_error(text) == (
        "map.yaml:1:1: the file is empty; expected a mapping with claimcheck, references, claims"
    )


@pytest.mark.parametrize(("text", "found"), [("- 1\n- 2\n", "a list"), ("hello\n", "'hello'")])
def test_top_level_must_be_a_mapping(text: str, found: str) -> None:
    assert single_error(text) == (
        f"map.yaml:1:1: expected a mapping with claimcheck, references and claims, found {found}"
    )
