"""The claim-map loader: every rule of the claim-map format (README, "The claim map"), and
every refusal."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.inputs.claimmap import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    load_claim_map,
    parse_claim_map,
)
from claimcheck.model.claimmap import Role
from claimcheck.model.errors import ClaimMapError, ExitCode
from claimcheck.model.findings import FindingCode
from claimcheck.model.location import Location

DATA = Path(__file__).parent / "data" / "claimmaps"


def load(text: str) -> Any:
    return parse_claim_map(dedent(text), "map.yaml")


def errors(text: str | bytes) -> list[str]:
    """Every error line for `text`, as `file:line:column: message`."""
    source = dedent(text) if isinstance(text, str) else text
    with pytest.raises(ClaimMapError) as raised:
        parse_claim_map(source, "map.yaml")
    return [str(error) for error in raised.value.errors]


def single_error(text: str | bytes) -> str:
    found = errors(text)
    assert len(found) == 1, found
    return found[0]


MINIMAL = """\
    claimcheck: 1
    references:
      R1:
        doi: 10.1038/nbt.2816
    claims:
      - id: C1
        text: A claim.
        cites: [R1]
"""


# --- a valid map ---------------------------------------------------------------------------


def test_spec_example_loads_into_the_models() -> None:
    claim_map = load_claim_map(DATA / "spec_example.yaml", display_path="article/map.yaml")

    assert claim_map.path == "article/map.yaml"
    assert claim_map.version == 1
    assert claim_map.article is not None
    assert claim_map.article.title == "干细胞治疗的安全性到底怎么样?"
    assert claim_map.article.language == "zh"
    assert claim_map.article.published == date(2025, 1, 9)
    assert [ref.id for ref in claim_map.references] == ["R20", "R21"]

    r20 = claim_map.reference("R20")
    assert r20.location == Location(8, 3)
    assert r20.doi == "10.1158/0008-5472.can-10-2451"
    assert r20.doi_input == "10.1158/0008-5472.CAN-10-2451"
    assert r20.doi_error is None
    assert r20.cited_as is not None
    assert r20.cited_as.startswith("De la Fuente, Bernad A")
    assert r20.cited_as.endswith("Cancer Res. 2010 Aug 15;70(16):6682.")
    assert "\n" not in r20.cited_as
    assert r20.title == "Retraction: Spontaneous human adult stem cell transformation"
    assert r20.authors == (
        "De la Fuente",
        "Bernad A",
        "Garcia-Castro J",
        "Martin MC",
        "Cigudosa JC",
    )
    assert not r20.authors_truncated
    assert (r20.year, r20.journal, r20.volume, r20.issue, r20.pages) == (
        2010,
        "Cancer Res.",
        "70",
        "16",
        "6682",
    )

    r21 = claim_map.reference("R21")
    assert r21.location == Location(21, 3)
    assert r21.doi == "10.1038/nbt.2816"
    assert r21.doi_input == "https://doi.org/10.1038/NBT.2816."
    assert r21.cited_as is None
    assert r21.authors == ()

    (claim,) = claim_map.claims
    assert claim.id == "C14"
    assert claim.location == Location(24, 5)
    assert claim.text.startswith("不久前")
    assert claim.translation is not None
    assert claim.translation.startswith("Articles reporting spontaneous")
    assert [(c.ref, c.role, c.location) for c in claim.cites] == [
        ("R20", Role.DISCUSSES, Location(30, 9)),
        ("R21", Role.SUPPORTS, Location(32, 9)),
    ]
    (ack,) = claim.acknowledge
    assert ack.finding is FindingCode.CITES_RETRACTION_NOTICE
    assert ack.ref == "R20"
    assert ack.reason.startswith("The notice itself")
    assert ack.until == date(2027, 6, 30)
    assert ack.location == Location(34, 9)


def test_path_as_given_when_no_display_path(tmp_path: Path) -> None:
    target = tmp_path / "map.yaml"
    target.write_text(dedent(MINIMAL), encoding="utf-8")
    assert load_claim_map(target).path == str(target)
    assert load_claim_map(str(target)).path == str(target)


def test_minimal_map_defaults() -> None:
    claim_map = load(
        """\
        claimcheck: 1
        references:
          R1: {cited_as: "Smith J. A paper. Nature. 2001."}
        claims:
          - id: C1
            text: Nothing cited yet.
          - id: C2
            text: Empty lists are fine.
            cites:
            acknowledge:
        """
    )
    assert claim_map.article is None
    assert claim_map.reference("R1").doi is None
    assert claim_map.reference("R1").doi_input is None
    assert [claim.cites for claim in claim_map.claims] == [(), ()]
    assert claim_map.claims[1].acknowledge == ()
    assert claim_map.claims[1].location == Location(7, 5)


def test_doi_alone_and_role_in_flow_mapping() -> None:
    claim_map = load(
        """\
        claimcheck: 1
        references: {R1: {doi: "doi:10.1038/nbt.2816"}, R2: {doi: "DOI 10.1038/NBT.2816;"}}
        claims:
          - {id: C1, text: x, cites: [{ref: R1, role: contrasts}, {ref: R2, role: background}]}
        """
    )
    assert [ref.doi for ref in claim_map.references] == ["10.1038/nbt.2816"] * 2
    cites = claim_map.claims[0].cites
    assert [(c.ref, c.role) for c in cites] == [("R1", Role.CONTRASTS), ("R2", Role.BACKGROUND)]
    assert cites[1].location == Location(4, 59)
    assert claim_map.claims[0].location == Location(4, 5)


def test_references_keep_file_order() -> None:
    ids = ["Z9", "a1", "M.2", "b_3", "0-x"]
    body = "".join(f"  {ref_id}: {{title: t}}\n" for ref_id in ids)
    text = f"claimcheck: 1\nreferences:\n{body}claims: []\n"
    assert [ref.id for ref in parse_claim_map(text, "m").references] == ids


# --- YAML 1.1 surprises: every scalar is read as its text ----------------------------------


def test_doi_that_yaml_reads_as_a_float_stays_text_and_is_reported_later() -> None:
    claim_map = load(
        """\
        claimcheck: 1
        references:
          R1:
            doi: 10.1000
            journal: NO
            title: yes
            issue: 0x1F
        claims: []
        """
    )
    ref = claim_map.reference("R1")
    assert ref.doi is None
    assert ref.doi_input == "10.1000"
    assert ref.doi_error is not None
    assert "/" in ref.doi_error
    assert (ref.journal, ref.title, ref.issue) == ("NO", "yes", "0x1F")


def test_numeric_reference_and_claim_ids_are_their_text() -> None:
    claim_map = load(
        """\
        claimcheck: 1
        references:
          1: {title: one}
          007: {title: bond}
          1.50: {title: float-looking}
        claims:
          - id: 2
            text: 3
            cites: [1, 007, 1.50]
        """
    )
    assert [ref.id for ref in claim_map.references] == ["1", "007", "1.50"]
    claim = claim_map.claims[0]
    assert (claim.id, claim.text) == ("2", "3")
    assert [cite.ref for cite in claim.cites] == ["1", "007", "1.50"]


def test_plain_and_quoted_one_are_the_same_reference_id() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references:
          1: {title: a}
          "1": {title: b}
        claims: []
        """
    )
    assert line == "map.yaml:4:3: references: duplicate key '1' (first at line 3)"


def test_numbers_as_volume_issue_pages_are_kept_as_text() -> None:
    claim_map = load(
        """\
        claimcheck: 1
        references:
          R1: {volume: 70, issue: 16, pages: 98-103, year: "2010"}
          R2: {volume: 070, pages: 1568-71}
          R3: {pages: e33438}
          R4: {pages: 98–103, issue: 1.0}
        claims: []
        """
    )
    got = [(ref.volume, ref.issue, ref.pages, ref.year) for ref in claim_map.references]
    assert got == [
        ("70", "16", "98-103", 2010),
        ("070", None, "1568-71", None),
        (None, None, "e33438", None),
        (None, "1.0", "98–103", None),
    ]


@pytest.mark.parametrize(
    ("last", "authors"),
    [
        ("et al.", ("Smith J", "Jones K")),
        ("et al", ("Smith J", "Jones K")),
        ("ET AL.", ("Smith J", "Jones K")),
        ("Et  al.", ("Smith J", "Jones K")),
    ],
)
def test_final_et_al_means_truncated(last: str, authors: tuple[str, ...]) -> None:
    claim_map = load(
        f"""\
        claimcheck: 1
        references:
          R1: {{authors: ["Smith J", "Jones K", "{last}"]}}
        claims: []
        """
    )
    ref = claim_map.reference("R1")
    assert ref.authors == authors
    assert ref.authors_truncated


def test_names_as_printed_are_kept_and_no_et_al_is_not_truncated() -> None:
    names = ["Van Tassell B.W.", "In't Anker P.S.", "de la Fuente R", "Ankrum J", "Metal A"]
    text = f"claimcheck: 1\nreferences:\n  R1: {{authors: {names!r}}}\nclaims: []\n"
    ref = parse_claim_map(text, "m").reference("R1")
    assert list(ref.authors) == names
    assert not ref.authors_truncated


def test_et_al_before_the_end_is_kept_as_a_name() -> None:
    text = 'claimcheck: 1\nreferences:\n  R1: {authors: ["et al.", "Smith J"]}\nclaims: []\n'
    ref = parse_claim_map(text, "m").reference("R1")
    assert ref.authors == ("et al.", "Smith J")
    assert not ref.authors_truncated


def test_merge_keys_are_understood() -> None:
    claim_map = load(
        """\
        claimcheck: 1
        references:
          R1: &cancer {journal: Cancer Res., year: 2010}
          R2:
            <<: *cancer
            year: 2011
            title: Own title
        claims: []
        """
    )
    r2 = claim_map.reference("R2")
    assert (r2.journal, r2.year, r2.title) == ("Cancer Res.", 2011, "Own title")


def test_a_modest_alias_is_accepted() -> None:
    claim_map = load(
        """\
        claimcheck: 1
        references:
          R1: {authors: &team [Smith J, Jones K]}
          R2: {authors: *team}
        claims: []
        """
    )
    assert claim_map.reference("R2").authors == ("Smith J", "Jones K")


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


# --- wrong types ---------------------------------------------------------------------------


def test_year_that_is_not_an_integer() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references:
          R5:
            year: abc
        claims: []
        """
    )
    assert line == "map.yaml:4:11: references.R5.year: expected an integer, found 'abc'"


@pytest.mark.parametrize("year", ["2010.5", "true", "1e3", "[2010]"])
def test_year_other_non_integers(year: str) -> None:
    line = single_error(f"claimcheck: 1\nreferences:\n  R5: {{year: {year}}}\nclaims: []\n")
    assert line.startswith("map.yaml:3:14: references.R5.year: expected an integer, found ")


def test_authors_as_a_string() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references:
          R1:
            authors: Smith J, Jones K
        claims: []
        """
    )
    assert line == (
        "map.yaml:4:14: references.R1.authors: expected a list of names, found 'Smith J, Jones K'"
    )


def test_author_that_is_not_text() -> None:
    line = single_error("claimcheck: 1\nreferences:\n  R1: {authors: [A, [B]]}\nclaims: []\n")
    assert line == "map.yaml:3:21: references.R1.authors[1]: expected text, found a list"


def test_cites_as_a_mapping() -> None:
    line = single_error(
        """\
        claimcheck: 1
        references: {R1: {title: t}}
        claims:
          - id: C1
            text: x
            cites:
              ref: R1
        """
    )
    assert line.startswith("map.yaml:7:7: claims[0].cites: expected a list of reference ids")
    assert line.endswith("found a mapping")


def test_cites_item_that_is_a_list() -> None:
    line = single_error(
        "claimcheck: 1\nreferences: {R1: {title: t}}\nclaims:\n"
        "  - {id: C1, text: x, cites: [[R1]]}\n"
    )
    assert line == (
        "map.yaml:4:31: claims[0].cites[0]: expected a reference id or a mapping"
        " with 'ref' and 'role', found a list"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("references: [R1]", "map.yaml:2:13: references: expected a mapping of reference ids"),
        ("references:", "map.yaml:2:12: references: expected a mapping of reference ids"),
        ("references: {R1: }", "map.yaml:2:18: references.R1: expected a mapping, found nothing"),
        ("references: {R1: x}", "map.yaml:2:18: references.R1: expected a mapping, found 'x'"),
    ],
)
def test_references_of_the_wrong_shape(body: str, message: str) -> None:
    assert single_error(f"claimcheck: 1\n{body}\nclaims: []\n").startswith(message)


def test_empty_reference_is_refused() -> None:
    found = errors(
        "claimcheck: 1\nreferences:\n  R1: {}\n  R2: {doi: }\n  R3: {doi: x}\nclaims: []\n"
    )
    fields = "doi, cited_as, title, authors, year, journal, volume, issue, pages"
    assert found == [
        f"map.yaml:3:3: references.R1: expected at least one of {fields}; found none",
        f"map.yaml:4:3: references.R2: expected at least one of {fields}; found none",
    ]


def test_claims_must_be_a_list() -> None:
    line = single_error("claimcheck: 1\nreferences: {}\nclaims:\n  id: C1\n")
    assert line == "map.yaml:4:3: claims: expected a list of claims, found a mapping"


def test_claim_text_must_be_text() -> None:
    line = single_error("claimcheck: 1\nreferences: {}\nclaims:\n  - id: C1\n    text: {a: b}\n")
    assert line == "map.yaml:5:11: claims[0].text: expected text, found a mapping"


def test_article_must_be_a_mapping_and_published_a_date() -> None:
    found = errors(
        """\
        claimcheck: 1
        article:
          published: 2025-1-9
        references: {R1: {title: t}}
        claims:
          - {id: C1, text: x, acknowledge: [{finding: uncited-claim, reason: r, until: soon}]}
        """
    )
    assert found == [
        "map.yaml:3:14: article.published: expected a date as YYYY-MM-DD, found '2025-1-9'",
        "map.yaml:6:80: claims[0].acknowledge[0].until: expected a date as YYYY-MM-DD,"
        " found 'soon'",
    ]
    line = single_error("claimcheck: 1\narticle: My title\nreferences: {}\nclaims: []\n")
    assert line == "map.yaml:2:10: article: expected a mapping, found 'My title'"


def test_impossible_date_is_refused() -> None:
    line = single_error(
        "claimcheck: 1\narticle: {published: 2025-02-30}\nreferences: {}\nclaims: []\n"
    )
    assert line.startswith("map.yaml:2:22: article.published: expected a date as YYYY-MM-DD")


def test_non_text_keys_are_refused() -> None:
    found = errors(
        "claimcheck: 1\nreferences:\n  ? [a, b]\n  : {title: t}\n  ~: {title: u}\nclaims: []\n"
    )
    assert found == [
        "map.yaml:3:5: references: expected a text key, found a list",
        "map.yaml:5:3: references: expected a text key, found nothing",
    ]


# --- missing keys and the version ----------------------------------------------------------


@pytest.mark.parametrize("key", ["claimcheck", "references", "claims"])
def test_missing_top_level_keys(key: str) -> None:
    present = {
        "claimcheck": "claimcheck: 1\n",
        "references": "references: {R1: {title: t}}\n",
        "claims": "claims: [{id: C1, text: x}]\n",
    }
    text = "# a claim map\n" + "".join(line for name, line in present.items() if name != key)
    assert single_error(text) == f"map.yaml:2:1: missing required key '{key}'"


def test_missing_claim_id_and_text() -> None:
    found = errors(
        """\
        claimcheck: 1
        references: {R1: {title: t}}
        claims:
          - text: no id
          - id: C2
        """
    )
    assert found == [
        "map.yaml:4:5: claims[0]: missing required key 'id'",
        "map.yaml:5:5: claims[1]: missing required key 'text'",
    ]


def test_missing_citation_ref_and_acknowledgement_reason() -> None:
    found = errors(
        """\
        claimcheck: 1
        references: {R1: {title: t}}
        claims:
          - id: C1
            text: x
            cites:
              - role: supports
            acknowledge:
              - finding: uncited-claim
        """
    )
    assert found == [
        "map.yaml:7:9: claims[0].cites[0]: missing required key 'ref'",
        "map.yaml:9:9: claims[0].acknowledge[0]: missing required key 'reason'",
    ]


@pytest.mark.parametrize("version", ["2", "0", '"2"'])
def test_unsupported_version(version: str) -> None:
    line = single_error(f"claimcheck: {version}\nreferences: {{}}\nclaims: []\n")
    assert line == (
        f"map.yaml:1:13: claimcheck: unsupported claim-map version {version.strip(chr(34))};"
        " this claimcheck reads version 1"
    )


def test_version_that_is_not_a_number() -> None:
    line = single_error("claimcheck: one\nreferences: {}\nclaims: []\n")
    assert line == "map.yaml:1:13: claimcheck: expected an integer, found 'one'"


def test_quoted_version_one_is_accepted() -> None:
    assert parse_claim_map('claimcheck: "1"\nreferences: {}\nclaims: []\n', "m").version == 1


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


# --- bounds: aliases, nesting, size --------------------------------------------------------

BILLION_LAUGHS = """\
claimcheck: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
references: {}
claims: []
"""


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


# --- reading the file ----------------------------------------------------------------------


def test_non_utf8_byte_is_located() -> None:
    data = "claimcheck: 1\nreferences:\n  R1: {title: 干细胞".encode() + b"\xff}\nclaims: []\n"
    assert single_error(data) == (
        "map.yaml:3:18: expected UTF-8 text, found the byte 0xff (invalid start byte)"
    )


def test_latin1_file_is_located(tmp_path: Path) -> None:
    target = tmp_path / "latin1.yaml"
    target.write_bytes("claimcheck: 1\nreferences:\n  R1: {title: Café}\n".encode("latin-1"))
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map(target, display_path="latin1.yaml")
    assert str(raised.value).startswith(
        "latin1.yaml:3:18: expected UTF-8 text, found the byte 0xe9"
    )


def test_bom_is_accepted(tmp_path: Path) -> None:
    target = tmp_path / "bom.yaml"
    target.write_bytes(b"\xef\xbb\xbf" + dedent(MINIMAL).encode())
    claim_map = load_claim_map(target)
    assert claim_map.version == 1
    assert claim_map.reference("R1").location == Location(3, 3)
    assert parse_claim_map("\ufeff" + dedent(MINIMAL), "m").claims[0].id == "C1"


def test_bom_then_bad_byte_is_located_after_the_bom() -> None:
    assert single_error(b"\xef\xbb\xbfclaimcheck: \xc3").startswith("map.yaml:1:13: expected UTF-8")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map(tmp_path / "nope.yaml", display_path="nope.yaml")
    (error,) = raised.value.errors
    assert (error.path, error.line, error.column) == ("nope.yaml", 1, 1)
    assert error.message.startswith("cannot read the claim map: ")
    assert "No such file" in error.message


def test_path_with_a_nul_byte() -> None:
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map("map\0.yaml", display_path="map.yaml")
    assert str(raised.value) == "map.yaml:1:1: cannot read the claim map: embedded null byte"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ClaimMapError) as raised:
        load_claim_map(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path}:1:1: cannot read the claim map: expected a file, found a directory"
    )


def test_str_and_bytes_parse_alike() -> None:
    text = dedent(MINIMAL)
    assert parse_claim_map(text, "m") == parse_claim_map(text.encode(), "m")


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


# --- the pure-Python loader, used when PyYAML lacks libyaml --------------------------------


@pytest.fixture
def python_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    import claimcheck.inputs.yamlnodes

    monkeypatch.setattr(claimcheck.inputs.yamlnodes, "Loader", yaml.SafeLoader)


@pytest.mark.usefixtures("python_loader")
def test_python_loader_reads_the_spec_example_alike() -> None:
    text = (DATA / "spec_example.yaml").read_text(encoding="utf-8")
    assert parse_claim_map(text, "m") == load_claim_map(
        DATA / "spec_example.yaml", display_path="m"
    )


@pytest.mark.usefixtures("python_loader")
def test_python_loader_locates_errors_alike() -> None:
    control = "claimcheck: 1\nreferences:\n  R1: {title: 干细胞\x07}\nclaims: []\n"
    assert single_error(control).startswith("map.yaml:3:18: invalid YAML: expected printable")
    surrogate = "claimcheck: 1\nreferences: {R1: {title: \ud800}}\n"
    assert single_error(surrogate).startswith("map.yaml:2:26: invalid YAML: expected printable")
    tab = "claimcheck: 1\nreferences:\n\tR1: {title: x}\nclaims: []\n"
    assert single_error(tab).startswith("map.yaml:3:1: invalid YAML:")
    assert single_error(BILLION_LAUGHS).endswith("YAML aliases expand past 10000 nodes")


@pytest.mark.usefixtures("python_loader")
def test_python_loader_survives_nesting_past_the_recursion_limit() -> None:
    # Composed without recursion: refused at the first list too deep, located as with libyaml.
    line = single_error("x: " + "[" * 5_000 + "]" * 5_000)
    assert line == f"map.yaml:1:{3 + MAX_DEPTH + 1}: YAML nesting deeper than {MAX_DEPTH} levels"


def test_merge_of_something_other_than_a_mapping() -> None:
    found = errors("claimcheck: 1\nreferences:\n  R1: {<<: [a], title: t}\n  R2: {<<: [[]]}\n")
    assert found == [
        "map.yaml:1:1: missing required key 'claims'",
        "map.yaml:3:13: references.R1: '<<' expected a mapping or a list of mappings, found text",
        "map.yaml:4:3: references.R2: expected at least one of doi, cited_as, title, authors,"
        " year, journal, volume, issue, pages; found none",
        "map.yaml:4:13: references.R2: '<<' expected a mapping or a list of mappings, found a list",
    ]


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
