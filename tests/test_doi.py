"""DOI normalisation, validation and URL encoding (claim-map.md, "DOIs")."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.model.doi import (
    _BARE,
    _normalize,
    doi_filename,
    doi_path_segment,
    is_doi,
    normalize_doi,
)
from claimcheck.model.errors import DoiError

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


# --- forms found in real text (hostile-input review) ----------------------------------------


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        # A resolver URL's `?` starts a query and `#` a fragment: shared links carry both.
        ("https://doi.org/10.1000/xyz?utm_source=twitter", "10.1000/xyz"),
        ("https://doi.org/10.1000/xyz#references", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000/XYZ?utm_source=twitter&utm_medium=social", "10.1000/xyz"),
        ("doi.org/10.1000/xyz?ref=share", "10.1000/xyz"),
        ("https://doi.org/10.5555/what%3Fx=1?utm_source=x", "10.5555/what?x=1"),
        # Not a URL: the `?` and `#` belong to the suffix, as today.
        ("10.5555/what?x=1", "10.5555/what?x=1"),
        ("doi:10.5555/frag#ment", "10.5555/frag#ment"),
    ],
)
def test_a_resolver_url_loses_its_query_and_fragment(raw: str, doi: str) -> None:
    assert normalize_doi(raw) == doi


_SICI_HASH = "10.1002/(SICI)1521-3773(19980904)37:16<2174::AID-ANIE2174>3.0.CO;2-#"


@pytest.mark.parametrize(
    "raw",
    [
        f"https://doi.org/{_SICI_HASH}",
        f"https://doi.org/{_SICI_HASH[:-1]}%23",
        f"http://dx.doi.org/{_SICI_HASH}.",
        f"https://onlinelibrary.wiley.com/doi/abs/{_SICI_HASH}",
    ],
)
def test_a_sici_check_character_hash_ending_a_url_is_the_dois(raw: str) -> None:
    # It was read as an empty fragment: the DOI came out cut short, ending `;2-`.
    assert normalize_doi(raw) == _SICI_HASH.lower()


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        (f"https://doi.org/{_SICI_HASH}section", f"{_SICI_HASH[:-1]}"),  # a real fragment
        (f"https://doi.org/{_SICI_HASH[:-1]}?x=1#", f"{_SICI_HASH[:-1]}"),  # after a query
        ("https://doi.org/10.1000/xyz-#", "10.1000/xyz-"),  # not a SICI DOI's end
    ],
)
def test_only_a_sici_dois_final_hash_is_kept(raw: str, doi: str) -> None:
    assert normalize_doi(raw) == doi.lower()


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("(doi:10.1000/xyz)", "10.1000/xyz"),
        ("10.1000/xyz).", "10.1000/xyz"),
        ("(10.1000/xyz);", "10.1000/xyz"),
        ("(https://doi.org/10.1000/xyz).", "10.1000/xyz"),
        ("10.1016/S0140-6736(97)11096-0", "10.1016/s0140-6736(97)11096-0"),
        ("(10.1016/S0140-6736(97)11096-0).", "10.1016/s0140-6736(97)11096-0"),
        (SICI, SICI.lower()),
        (f"(doi:{SICI}).", SICI.lower()),
        ("10.1000/abc(1)", "10.1000/abc(1)"),
        ("10.1000/abc(1))", "10.1000/abc(1)"),
        ("10.1000/(abc", "10.1000/(abc"),
        # Chinese text: full-width brackets and the ideographic full stop.
        ("（doi：10.1000/xyz）。", "10.1000/xyz"),
        ("10.1000/xyz。", "10.1000/xyz"),
    ],
)
def test_only_an_unbalanced_closing_bracket_is_stripped(raw: str, doi: str) -> None:
    assert normalize_doi(raw) == doi


@pytest.mark.parametrize(
    "raw",
    [
        "info:doi/10.1000/xyz",
        "INFO:DOI/10.1000/XYZ",
        "urn:doi:10.1000/xyz",
        "URN:DOI:10.1000/xyz",
        "doi：10.1000/xyz",
        "DOI：　10.1000/xyz",
        "ＤＯＩ：10.1000/xyz",
        "ＤＯＩ　10.1000/xyz",
        "　doi：10.1000/xyz　",
    ],
)
def test_uri_labels_and_full_width_prefixes_are_accepted(raw: str) -> None:
    assert normalize_doi(raw) == "10.1000/xyz"


def test_nfkc_never_touches_the_suffix() -> None:
    # NFKC would turn the full-width `ＡＢ` into `ab`: a different DOI.
    assert normalize_doi("doi：10.1000/ＡＢ") == "10.1000/ａｂ"


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://onlinelibrary.wiley.com/doi/10.1002/job.1858", "10.1002/job.1858"),
        ("https://onlinelibrary.wiley.com/doi/full/10.1002/job.1858", "10.1002/job.1858"),
        ("https://onlinelibrary.wiley.com/doi/epdf/10.1002/job.1858#", "10.1002/job.1858"),
        ("https://onlinelibrary.wiley.com/doi/10.1002%2Fjob.1858", "10.1002/job.1858"),
        ("https://www.pnas.org/doi/full/10.1073/pnas.0704421104", "10.1073/pnas.0704421104"),
        ("https://www.tandfonline.com/doi/abs/10.1080/x?journalCode=y", "10.1080/x"),
        (
            "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0033693",
            "10.1371/journal.pone.0033693",
        ),
        (
            "https://journals.plos.org/plosone/article?id=10.1371%2Fjournal.pone.0033693&t=p",
            "10.1371/journal.pone.0033693",
        ),
        ("https://example.org/lookup?doi=10.5555/a+b", "10.5555/a+b"),
        ("https://hdl.handle.net/10.1000/xyz", "10.1000/xyz"),
        ("hdl.handle.net/10.1000/xyz", "10.1000/xyz"),
        ("doi.org/10.1000/xyz", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000/xyz", "10.1000/xyz"),
    ],
)
def test_publisher_and_handle_urls_give_their_doi(raw: str, doi: str) -> None:
    assert normalize_doi(raw) == doi


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("https://example.org/", "URL with no DOI"),
        ("https://example.org/doi/", "URL with no DOI"),
        ("https://example.org/doi/a/b/c/10.1000/x", "URL with no DOI"),
        ("https://example.org/files/10.1000/x", "URL with no DOI"),
        ("https://example.org/article?id=12345", "URL with no DOI"),
        ("https://arxiv.org/abs/2101.00001", "URL with no DOI"),
        ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "URL with no DOI"),
        ("http://[::1", "cannot be read"),
        ("https://doi.org/", "empty"),
        ("https://hdl.handle.net/2027/abc", "prefix `10.`"),
        ("https://doi.org/10.1000/a%00b", "control"),
        ("https://doi.org/10.1000/a%E2%80%AEb", "invisible"),
        ("https://doi.org/10.1000/a%20b", "white space"),
        ("10.1000", "no `/`"),
        ("10.1000/xyz is retracted", "white space"),
        ("10.1000/xyz　撤稿", "white space"),
        ("https://doi.org/10.1000/xyz see below", "white space"),
        ("see doi:10.1000/xyz", "prefix `10.`"),
        ("retracted", "prefix `10.`"),
        ("ISBN 978-3-16-148410-0", "prefix `10.`"),
        ("978-3-16-148410-0", "prefix `10.`"),
        ("PMID: 12345678", "prefix `10.`"),
        ("12345678", "prefix `10.`"),
        ("arXiv:2101.00001", "prefix `10.`"),
        ("2101.00001", "prefix `10.`"),
        ("１０.１０００/xyz", "prefix `10.`"),
        ("(doi:)", "empty"),
    ],
)
def test_urls_and_prose_without_a_doi_are_refused(raw: str, problem: str) -> None:
    with pytest.raises(DoiError, match=re.escape(problem)):
        normalize_doi(raw)


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


def _general(raw: str) -> str:
    """The general path's answer for `raw`: the DOI, or the reason it is refused."""
    try:
        return _normalize(raw)
    except DoiError as error:
        return f"refused: {error}"


def _answer(raw: str) -> str:
    try:
        return normalize_doi(raw)
    except DoiError as error:
        return f"refused: {error}"


@pytest.mark.parametrize("raw", ["10.5555/bench.1", "10.1038/NBT.2816", SICI, "10.1000.1/a(b)c"])
def test_bare_dois_take_the_shortcut_and_agree(raw: str) -> None:
    assert _BARE.fullmatch(raw)
    assert normalize_doi(raw) == _general(raw)


# DOI-like text around the shortcut's edges: prefixes of every length, suffixes with the
# punctuation the general path strips, brackets, spaces, controls and non-ASCII digits.
_DOI_LIKE = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["10.", "10.100/", "10.1000/", "10.123456789/", "10.1234567890/"]),
        st.sampled_from(["", "10.1000.5/", "1.2/", "doi:", " ", "(", "١٢٣٤/"]),
        st.text(alphabet="aZ09./-()<>;:,。）（% \t\x00\u200b\u00e9", max_size=10),
        st.sampled_from(["", ".", ")", ",", ";", "x", " ", "。", "）", "\n"]),
    ),
)


@pytest.mark.fuzz
@given(st.one_of(_DOI_LIKE, st.text(max_size=40)))
def test_the_bare_doi_shortcut_agrees_with_the_general_path(raw: str) -> None:
    assert _answer(raw) == _general(raw)
