"""Author names as references print them and as real Crossref records hold them: surname
first (GB/T 7714), group authors, German and Scandinavian transliteration. Each form that
agrees is tested beside a genuinely different author in the same form, which must still be
reported. Records are real, from tests/data/crossref/recorded/."""

from __future__ import annotations

import json

import pytest

from claimcheck.checks.matching import Candidate, MatchStatus, validate
from claimcheck.checks.metadata import FieldMismatch, compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.model.claimmap import Reference
from claimcheck.model.findings import FindingCode
from claimcheck.model.record import Author, Work
from claimcheck.model.text import (
    family_keys,
    given_names_agree,
    surname_first,
)
from claimcheck.sources.crossref.records import parse_work
from tests.factories import work_envelope
from tests.test_editorial import listed
from tests.test_metadata import ref

# Zhang Yong and Lou Jizhong (PLoS ONE 2012), as Crossref holds them: family "Zhang", given
# "Yong". Its title has a subtitle after a colon, which a citation may leave out.
CALMODULIN = "10.1371/journal.pone.0049013"
CALMODULIN_MAIN_TITLE = "The Ca2+ influence on calmodulin unfolding pathway"
# Bo Maolin, Guo Yongling, Liu Yonghui, ... (RSC Advances 2016).
SC_CLUSTERS = "10.1039/c5ra26919a"


def first_author_of(name: str, work: Work) -> tuple[FieldMismatch, ...]:
    return compare(ref(authors=(name,)), work).mismatches


# --- surname first (GB/T 7714) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("Zhang Yong", ("Zhang", "Yong")),
        ("ZHANG Jun", ("ZHANG", "Jun")),
        ("HU Jiayu", ("HU", "Jiayu")),
        ("Dong Xin-zhuang", ("Dong", "Xin-zhuang")),
        ("Kim Min Jun", ("Kim", "Min Jun")),
        ("Zhang Yong et al.", ("Zhang", "Yong")),
        ("Zhang Y", None),  # initials: family "Zhang" as `parse_cited_name` reads it
        ("Zhang", None),
        ("Zhang, Yong", None),  # a comma says which part is the family
        ("J Smith", None),  # a one-letter first word is an initial
        ("Ricardo de la Fuente Garcia", None),  # four words
    ],
)
def test_surname_first_reading(name: str, read: tuple[str, str] | None) -> None:
    assert surname_first(name) == read


@pytest.mark.parametrize(
    ("cited", "registry", "agree"),
    [
        ("Yong", "Yong", True),
        ("Xin-zhuang", "Xinzhuang", True),
        ("Xin-zhuang", "Xin-Zhuang", True),
        ("Xinzhuang", "Xin Zhuang", True),
        ("Yong", "Y.", True),
        ("Xin-zhuang", "X.-Z.", True),
        ("Xin-zhuang", "XZ", True),
        ("Yong", "Wei", False),
        ("Yong", "W.", False),
        ("Smith", "Elton", False),
        ("Yong", "", False),
    ],
)
def test_given_names_agree(cited: str, registry: str, agree: bool) -> None:
    assert given_names_agree(cited, registry) is agree


@pytest.mark.parametrize("name", ["Zhang Yong", "ZHANG Yong", "Zhang Yong et al.", "Zhang Y"])
def test_a_surname_first_name_is_the_records_first_author(name: str) -> None:
    assert first_author_of(name, listed(CALMODULIN)) == ()


@pytest.mark.parametrize("name", ["Wang Yong", "WANG Yong", "Zhang Wei", "Lou Jizhong"])
def test_a_different_surname_first_author_is_still_reported(name: str) -> None:
    work = listed(CALMODULIN)
    assert first_author_of(name, work) == (FieldMismatch("first_author", name, "Zhang"),)


def test_a_western_given_first_name_is_not_read_as_a_family_name_that_hides_another_author() -> (
    None
):
    # Read surname first, "John Smith" has family "John"; a registry first author John, Elton
    # is another person, and stays reported. Given first, as before, it is Smith, John.
    elton = Work(doi="10.1/x", authors=(Author("John", "Elton"),))
    assert first_author_of("John Smith", elton) == (
        FieldMismatch("first_author", "John Smith", "John"),
    )
    assert first_author_of("John Smith", Work(doi="10.1/x", authors=(Author("Smith", "J."),))) == ()


def test_a_title_cited_without_its_subtitle_by_surname_first_authors_is_not_a_doi_mismatch() -> (
    None
):
    # The reviewer's map: every field right, the names as GB/T 7714 prints them. Read as
    # families "Zhang Yong" / "Yong", no author agreed, and with the shortened title the
    # record was judged a different work (an error).
    reference = ref(
        doi=CALMODULIN, title=CALMODULIN_MAIN_TITLE, authors=("Zhang Yong", "Lou Jizhong"),
        journal="PLoS One", year=2012, volume="7", issue="11", pages="e49013",
    )  # fmt: skip
    work = listed(CALMODULIN)
    assert compare(reference, work).authors_agree is True
    codes = [finding.code for finding in metadata_findings(reference, work)]
    assert FindingCode.DOI_MISMATCH not in codes


def test_a_different_work_cited_with_surname_first_authors_is_still_a_doi_mismatch() -> None:
    reference = ref(
        doi=CALMODULIN, title="Mesenchymal stem cells in the treatment of heart failure",
        authors=("Wang Wei", "Li Na"), year=2012,
    )  # fmt: skip
    (finding,) = metadata_findings(reference, listed(CALMODULIN))
    assert finding.code is FindingCode.DOI_MISMATCH


def sc_clusters_reference(*authors: str) -> Reference:
    return Reference(
        "BO_CN", None, authors=authors, journal="RSC Adv", year=2016, volume="6",
        pages="8511-8516",
        title="Electronic binding energy relaxation of Sc clusters by monatomic alloying: "
        "DFT-BOLS approximation",
    )  # fmt: skip


def test_a_surname_first_reference_without_a_doi_is_matched_confidently() -> None:
    # "BO Maolin" read given first is initials B. O. and family Maolin: no author agreed and
    # the match was only weak.
    reference = sc_clusters_reference("BO Maolin", "GUO Yongling", "LIU Yonghui")
    outcome = validate(reference, [Candidate(listed(SC_CLUSTERS), 120.0)])
    assert outcome.status is MatchStatus.CONFIDENT
    assert outcome.best is not None
    assert outcome.best.agreement.authors is True


def test_a_surname_first_reference_led_by_another_author_stays_weak() -> None:
    reference = sc_clusters_reference("GUO Yongling", "BO Maolin", "LIU Yonghui")
    outcome = validate(reference, [Candidate(listed(SC_CLUSTERS), 120.0)])
    assert outcome.status is MatchStatus.WEAK
    assert outcome.best is not None
    assert outcome.best.agreement.fields(False) == ("first_author",)


# --- group authors -----------------------------------------------------------------------

# A PLOS ONE correction notice whose one author is the group "The PLOS ONE Staff" (`name`).
PLOS_STAFF = "10.1371/journal.pone.0122945"


@pytest.mark.parametrize(
    "name", ["The PLOS ONE Staff", "PLOS ONE Staff", "The PLoS ONE staff", "PLOS ONE Staff et al."]
)
def test_a_group_author_cited_as_the_registry_names_it_agrees(name: str) -> None:
    work = listed(PLOS_STAFF)
    assert work.authors[0].name == "The PLOS ONE Staff"
    comparison = compare(ref(authors=(name,)), work)
    assert comparison.mismatches == ()
    assert comparison.authors_agree is True


@pytest.mark.parametrize("name", ["The PLOS Medicine Staff", "PLOS ONE Editors", "Staff"])
def test_another_group_author_is_still_reported(name: str) -> None:
    assert first_author_of(name, listed(PLOS_STAFF)) == (
        FieldMismatch("first_author", name, "The PLOS ONE Staff"),
    )


# --- German and Scandinavian letters spelled out -------------------------------------------

# Jäckel, Mortega, Sturm, ... (PLOS ONE 2021).
CITIZEN_SCIENCE = "10.1371/journal.pone.0253763"


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Jaeckel", "Jäckel"),
        ("Jackel", "Jäckel"),
        ("Mueller", "Müller"),
        ("Schroeder", "Schröder"),
        ("Oevreboe", "Øvrebø"),
        ("Aaberg", "Åberg"),
        ("Jaeckel", "Ja\u0308ckel"),  # decomposed: "a" and a combining diaeresis
        ("van der Mueller", "van der Müller"),
        ("Mueller", "van der Müller"),
    ],
)
def test_a_letter_spelled_out_agrees(cited: str, registry: str) -> None:
    assert family_keys(cited) & family_keys(registry)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [("Jaekel", "Jäckel"), ("Mueller", "Muller"), ("Schroder", "Schroeder"), ("Muler", "Müller")],
)
def test_other_spellings_still_disagree(cited: str, registry: str) -> None:
    assert not family_keys(cited) & family_keys(registry)


def test_a_spelled_out_first_author_is_the_records() -> None:
    work = listed(CITIZEN_SCIENCE)
    assert work.authors[0].family == "Jäckel"
    assert first_author_of("Jaeckel D", work) == ()
    wrong = FieldMismatch("first_author", "Jaekel D", "Jäckel")
    assert first_author_of("Jaekel D", work) == (wrong,)


# --- suffixes and double surnames in the registry's family name ----------------------------


def single_author_record(family: str, given: str = "Raymond J.") -> Work:
    """A made-up record (Crossref's schema) whose one author has `family`, its title running
    on after an en dash, as a citation may leave out."""
    message = json.loads(
        work_envelope(
            "10.1016/j.joca.2018.04.012",
            title="Mesenchymal stem cells in knee osteoarthritis – a systematic review",
            authors=(family,),
            year=2018,
            journal="Osteoarthritis and Cartilage",
            volume="26",
            page="1001-1012",
        )
    )["message"]
    message["author"][0]["given"] = given
    return parse_work(message)


@pytest.mark.parametrize(
    ("family", "cited"),
    [
        ("Gibbons Jr.", "Gibbons RJ"),
        ("Gibbons Jr.", "Gibbons RJ Jr"),
        ("Gibbons Jr.", "Gibbons Jr RJ"),
        ("Gibbons, Jr", "Gibbons, R. J."),
        ("Wright III", "Wright JT"),
        ("García Castro", "García-Castro J"),
    ],
)
def test_a_registry_suffix_or_second_surname_is_cited_without_it(family: str, cited: str) -> None:
    work = single_author_record(family)
    comparison = compare(ref(authors=(cited,)), work)
    assert comparison.mismatches == ()
    assert comparison.authors_agree is True


@pytest.mark.parametrize(
    ("family", "cited"),
    [
        ("García-Castro", "Castro J"),  # the second surname alone
        ("García Castro", "Castro J"),
        ("Lloyd-Jones", "Jones D"),
        # A compound name's first part alone: Spanish practice, but also another author's
        # ("Lloyd D" for Lloyd-Jones, "James R" for a whole name deposited as the family).
        ("García-Castro", "García J"),
        ("García de la Torre", "García J"),
        ("Lloyd-Jones", "Lloyd D"),
        ("James Wilson", "James R"),
        ("García", "García-Castro J"),  # a cited second surname the record does not hold
        ("García-Castro", "Garza J"),
        ("O'Brien", "O J"),  # an apostrophe's word is no surname
        ("Gibbons Jr.", "Jr RJ"),
    ],
)
def test_another_surname_still_disagrees(family: str, cited: str) -> None:
    work = single_author_record(family)
    assert first_author_of(cited, work) == (FieldMismatch("first_author", cited, family),)


def test_keys_of_a_registry_family_name() -> None:
    assert family_keys("Gibbons Jr.") == {"gibbons"}
    assert family_keys("García-Castro") == {"garciacastro"}  # no key of its first part alone
    assert family_keys("O'Brien") == {"obrien"}


@pytest.mark.parametrize(
    ("family", "cited"), [("Gibbons Jr.", "Gibbons RJ"), ("Gibbons Jr.", "Gibbons RJ Jr")]
)
def test_a_shortened_title_by_a_shortened_name_is_no_different_work(
    family: str, cited: str
) -> None:
    # Neither agreeing, title and authors made the record a different work (an error), though
    # only the en-dash subtitle and the name's suffix or second surname were left out. Each
    # now agrees (the main title, checks/title_agreement.py; the name, here).
    reference = ref(title="Mesenchymal stem cells in knee osteoarthritis", authors=(cited,))
    assert metadata_findings(reference, single_author_record(family)) == []
