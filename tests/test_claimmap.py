"""The claim-map loader on valid maps (README, "The claim map"), YAML 1.1 surprises included."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from claimcheck.inputs.claimmap import load_claim_map, parse_claim_map
from claimcheck.model.claimmap import Role
from claimcheck.model.errors import ClaimMapError
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
