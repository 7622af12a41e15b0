"""Claim maps of the wrong shape: values of the wrong type, missing keys, a bad version."""

from __future__ import annotations

import pytest

from claimcheck.inputs.claimmap import parse_claim_map
from tests.test_claimmap import errors, single_error

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


def test_merge_of_something_other_than_a_mapping() -> None:
    found = errors("claimcheck: 1\nreferences:\n  R1: {<<: [a], title: t}\n  R2: {<<: [[]]}\n")
    assert found == [
        "map.yaml:1:1: missing required key 'claims'",
        "map.yaml:3:13: references.R1: '<<' expected a mapping or a list of mappings, found text",
        "map.yaml:4:3: references.R2: expected at least one of doi, cited_as, title, authors,"
        " year, journal, volume, issue, pages; found none",
        "map.yaml:4:13: references.R2: '<<' expected a mapping or a list of mappings, found a list",
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
