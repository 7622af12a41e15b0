"""DOI normalisation, validation and URL encoding (claim-map.md, "DOIs")."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.doi import doi_filename, doi_path_segment, is_doi, normalize_doi
from claimcheck.errors import DoiError

SICI = "10.1002/1529-0131(200108)44:8<1928::AID-ART331>3.0.CO;2-P"


@pytest.mark.parametrize(
    "raw",
    [
        "10.1038/nbt.2816",
        "doi:10.1038/nbt.2816",
        "DOI 10.1038/nbt.2816",
        "DOI: 10.1038/nbt.2816",
        "https://doi.org/10.1038/nbt.2816",
        "http://dx.doi.org/10.1038/nbt.2816",
        "https://www.doi.org/10.1038/NBT.2816",
        "  10.1038/nbt.2816.  ",
        "10.1038/nbt.2816,",
        "10.1038/nbt.2816;",
        "https://doi.org/10.1038%2Fnbt.2816",
    ],
)
def test_accepted_forms_normalise_to_the_bare_lower_case_doi(raw: str) -> None:
    assert normalize_doi(raw) == "10.1038/nbt.2816"


def test_sici_doi_keeps_its_brackets_and_semicolon() -> None:
    assert normalize_doi(SICI) == SICI.lower()
    assert normalize_doi(f"doi:{SICI}.") == SICI.lower()


def test_seed_doi_is_lower_cased() -> None:
    assert normalize_doi("10.1158/0008-5472.CAN-10-2451") == "10.1158/0008-5472.can-10-2451"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "empty"),
        ("nbt.2816", "prefix"),
        ("10.1038", "no `/`"),
        ("10.1038/", "empty suffix"),
        ("10.12/abc", "malformed prefix"),
        ("10.1038/nbt 2816", "white space"),
        ("10.1038/nbt\u202e2816", "invisible"),
        ("10.1038/nbt\x002816", "control"),
    ],
)
def test_strings_that_are_not_dois_are_refused_with_the_reason(raw: str, problem: str) -> None:
    with pytest.raises(DoiError, match=problem):
        normalize_doi(raw)
    assert not is_doi(raw)


@pytest.mark.parametrize(
    "doi",
    [SICI.lower(), "10.1234/../../members", "10.1/a?b#c%d", "10.1234/x/y", "10.5555/a,b"],
)
def test_path_segment_cannot_add_segments_or_a_query(doi: str) -> None:
    segment = doi_path_segment(doi)
    assert not {"/", "?", "#", ",", ";", "<", ">", " "} & set(segment)
    assert unquote(segment) == doi


def test_filename_matches_the_reconstructed_naming() -> None:
    assert doi_filename("10.1158/0008-5472.CAN-10-2451") == "10.1158_0008-5472.can-10-2451"
    assert "/" not in doi_filename("10.1234/../x")
    assert doi_filename("10.1000/a/b") != doi_filename("10.1000/a_b")


@pytest.mark.fuzz
@given(st.text(max_size=80))
def test_normalise_returns_a_doi_or_raises_doi_error(raw: str) -> None:
    try:
        doi = normalize_doi(raw)
    except DoiError:
        return
    assert doi == doi.lower()
    assert doi.startswith("10.")
    assert normalize_doi(doi) == doi  # idempotent
