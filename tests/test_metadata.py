"""Cited metadata against registry records: metadata-mismatch and doi-mismatch."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.checks.metadata import (
    CITED_AS_AGREE,
    TITLE_AGREE,
    FieldMismatch,
    MetadataComparison,
    compare,
    journals_agree,
)
from claimcheck.checks.metadata_findings import (
    _cites_a_field,
    compared_findings,
    metadata_findings,
)
from claimcheck.checks.pages import parse_pages
from claimcheck.model.claimmap import Reference
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Work

DATA = Path(__file__).parent / "data" / "crossref" / "reconstructed"
HERE = Location(line=3, column=5)


def load_work(doi_file: str) -> Work:
    """A tiny reader of a reconstructed Crossref body, kept here so these tests do not depend
    on the registry parser."""
    m: dict[str, Any] = json.loads((DATA / doi_file).read_text("utf-8"))["message"]
    people = sorted(m.get("author", []), key=lambda a: a.get("sequence") != "first")
    issued = m.get("issued", {}).get("date-parts", [[None]])[0]
    return Work(
        doi=m["DOI"], title=(m.get("title") or [""])[0], subtitle=(m.get("subtitle") or [""])[0],
        authors=tuple(Author(a.get("family", ""), a.get("given", ""), a.get("name", ""))
                      for a in people),
        year=issued[0] if issued else None,
        container_titles=tuple(m.get("container-title", [])),
        short_container_titles=tuple(m.get("short-container-title", [])),
        volume=m.get("volume"), issue=m.get("issue"), page=m.get("page"),
        article_number=m.get("article-number"), type=m.get("type", ""),
    )  # fmt: skip


def ref(ref_id: str = "R1", **fields: Any) -> Reference:
    return Reference(id=ref_id, location=HERE, **fields)


def fields_of(findings: list[Any]) -> list[str]:
    return [entry["field"] for entry in findings[0].evidence["fields"]]


# --- the seed article's references against the reconstructed records ----------------------

REF5 = ref(
    "R5", doi="10.1097/jcn.0b013e318197a6a5", title="Introduction to stem cell therapy",
    authors=("Biehl J.K.", "Russell B."), year=2009, volume="24", issue="2", pages="98-103",
    journal="The Journal of Cardiovascular Nursing",
)  # fmt: skip


def test_ref5_page_range_mismatch_is_reported() -> None:
    findings = metadata_findings(REF5, load_work("10.1097_jcn.0b013e318197a6a5.json"))
    assert len(findings) == 1
    finding = findings[0]
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert finding.severity is Severity.WARNING
    assert finding.reference == "R5"
    assert finding.claim is None
    assert finding.location == HERE
    assert finding.message == "R5: pages cited 98-103, registry 98-105"
    assert finding.evidence == {
        "fields": [{"field": "pages", "cited": "98-103", "registry": "98-105"}]
    }


# The seed list's own citations of the references with a reconstructed record (all but ref 5
# agree): (id, file stem, year, journal, volume, issue, pages, authors "; "-joined, title).
# fmt: off
SEED_CLEAN = [
    ("ref20-notice", "10.1158_0008-5472.can-10-2451", 2010, "Cancer Res.", "70", "16", "6682",
     "De la Fuente; Bernad A; Garcia-Castro J; Martin MC; Cigudosa JC",
     "Retraction: Spontaneous human adult stem cell transformation"),
    ("ref10-plos", "10.1371_journal.pone.0033438", 2012, "PLoS One", "7", "3", "e33438",
     "Van Tassell B.W.; Arena R.A.; Toldo S.; et al.",
     "Enhanced interleukin-1 activity contributes to exercise intolerance in patients with "
     "systolic heart failure"),
    ("ref19-science", "10.1126_science.1099513", 2004, "Science", "306", "5701", "1568-71",
     "Houghton J; Stoicov C; Nomura S; Rogers AB; Carlson J; Li H; Cai X; Fox JG",
     "Gastric cancer originating from bone marrow-derived cells"),
    ("ref1-kappa-b", "10.1186_scrt90", 2011, "Stem Cell Research & Therapy", "2", "6", "49",
     "Pandey A.C.; Semon J.A.; Kaushal D.; et al.",
     "MicroRNA profiling reveals age-dependent differential expression of nuclear factor κB and "
     "mitogen-activated protein kinase in adipose and bone marrow-derived human mesenchymal "
     "stem cells"),
    ("ref1-kappaB-spelled", "10.1186_scrt90", 2011, "Stem Cell Res Ther", None, None, "49",
     "Pandey AC",
     "MicroRNA profiling reveals age-dependent differential expression of nuclear factor kappaB "
     "and mitogen-activated protein kinase in adipose and bone marrow-derived human "
     "mesenchymal stem cells"),
    ("ref2", "10.1038_mt.2009.62", 2009, "Molecular Therapy", "17", "6", "939-46",
     "Prockop D.J.",
     "Repair of tissues by adult stem/progenitor cells (MSCs): controversies, myths, and "
     "changing paradigms"),
    ("ref3-pnas", "10.1073_pnas.0704421104", 2007, "PNAS", "104", "26", "11002-7",
     "Ortiz L.A.; Dutreil M.; Fattman C.; et al.",
     "Interleukin 1 receptor antagonist mediates the antiinflammatory and antifibrotic effect "
     "of mesenchymal stem cells during lung injury"),
    ("ref14", "10.1089_scd.2006.0110", 2007, "Stem Cells and Development", "16", "4", "597-604",
     "Hoogduijn M.J.; Crop M.J.; Peeters A.M.; et al.",
     "Human heart, spleen, and perirenal fat-derived mesenchymal stem cells have "
     "immunomodulatory capacities"),
    ("ref17", "10.1091_mbc.e02-02-0105", 2002, "Molecular Biology of the Cell", "13", "12",
     "4279-95", "Zuk P.A.; Zhu M.; Ashjian P.; et al.",
     "Human adipose tissue is a source of multipotent stem cells"),
    ("ref18", "10.1038_sj.onc.1207651", 2004, "Oncogene", "23", "29", "5095-8",
     "Serakinci N; Guldberg P; Burns JS; Abdallah B; Schrødder H; Jensen T; Kassem M",
     "Adult human mesenchymal stem cell as a target for neoplastic transformation"),
    ("ref21", "10.1158_0008-5472.can-10-1305", 2010, "Cancer Res.", "70", "15", "6393-6",
     "Torsvik A; Røsland GV; Svendsen A; Molven A; Immervoll H; McCormack E; Lønning PE",
     "Spontaneous malignant transformation of human mesenchymal stem cells reflects "
     "cross-contamination: putting the research field on track – letter"),
    ("ref22", "10.1038_bmt.2015.331", 2016, "Bone Marrow Transplant", "51", "5", "680-6",
     "Truong TH; Moorjani R; Dewey D; Guilcher GM; Prokopishyn NL; Lewis VA",
     "Adverse reactions during stem cell infusion in children treated with autologous and "
     "allogeneic stem cell transplantation"),
    ("ref23-article-number", "10.1186_s13287-015-0240-9", 2015, "Stem Cell Res Ther", "6", None,
     "234", "Zhang J; Huang X; Wang H; Liu X; Zhang T; Wang Y; Hu D",
     "The challenges and promises of allogeneic mesenchymal stem cells for use as a cell-based "
     "therapy"),
    ("ref24-comma-names", "10.1038_nbt.2816", 2014, "Nat Biotechnol", "32", None, "252–260",
     "Ankrum, J.; Ong, J.; Karp, J.",
     "Mesenchymal stem cells: immune evasive, not immune privileged"),
    ("ref25", "10.1634_stemcells.22-4-448", 2004, "Stem Cells", "22", "4", "448-56",
     "Li L; Baroja ML; Majumdar A; Chadwick K; Rouleau A; Gallacher L; Ferber I",
     "Human embryonic stem cells possess immune-privileged properties"),
]
# fmt: on


@pytest.mark.parametrize("row", SEED_CLEAN, ids=[row[0] for row in SEED_CLEAN])
def test_seed_references_that_agree_give_no_finding(row: tuple[Any, ...]) -> None:
    _, stem, year, journal, volume, issue, pages, authors, title = row
    work = load_work(f"{stem}.json")
    reference = ref(
        doi=work.doi, title=title, authors=tuple(authors.split("; ")), year=year,
        journal=journal, volume=volume, issue=issue, pages=pages,
    )  # fmt: skip
    comparison = compare(reference, work)
    assert comparison.mismatches == ()
    assert comparison.title_agrees is True
    assert comparison.authors_agree is True
    assert metadata_findings(reference, work) == []


def test_ref20_notice_matches_by_cited_as_alone() -> None:
    work = load_work("10.1158_0008-5472.can-10-2451.json")
    reference = ref(
        "R20",
        cited_as="De la Fuente, Bernad A, Garcia-Castro J, Martin MC, Cigudosa JC. Retraction: "
        "Spontaneous human adult stem cell transformation. Cancer Res. 2010 Aug 15;70(16):6682.",
    )
    comparison = compare(reference, work)
    assert comparison.title_agrees is True
    assert comparison.title_similarity == 1.0
    assert comparison.authors_agree is None
    assert metadata_findings(reference, work) == []


# --- doi-mismatch and title mismatch -------------------------------------------------------


def test_different_work_is_a_doi_mismatch() -> None:
    work = load_work("10.1186_scrt90.json")  # Pandey et al., microRNA profiling
    reference = replace(REF5, id="R7", doi="10.1186/scrt90")  # Biehl & Russell's citation
    comparison = compare(reference, work)
    assert comparison.title_agrees is False
    assert comparison.authors_agree is False
    findings = metadata_findings(reference, work)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.code is FindingCode.DOI_MISMATCH
    assert finding.severity is Severity.ERROR
    assert finding.reference == "R7"
    assert finding.location == HERE
    assert finding.message == (
        'R7: DOI 10.1186/scrt90 resolves to a different work: "MicroRNA profiling reveals '
        "age-dependent differential expression of nuclear factor κB and mitogen-activated "
        'protein kinase in adipose and bone marrow-derived human mesenchymal stem cells" '
        "by Pandey et al. (2011)"
    )
    evidence = finding.evidence
    assert set(evidence) == {"title_similarity", "cited_title", "registry_title", "fields"}
    assert evidence["cited_title"] == "Introduction to stem cell therapy"
    assert evidence["title_similarity"] < TITLE_AGREE
    assert evidence["title_similarity"] == round(evidence["title_similarity"], 3)
    assert [f["field"] for f in evidence["fields"]] == [
        "title", "first_author", "year", "journal", "volume", "issue", "page",
    ]  # fmt: skip


def test_title_only_mismatch_is_a_metadata_mismatch_with_score() -> None:
    work = load_work("10.1097_jcn.0b013e318197a6a5.json")
    reference = ref("R5", title="Mesenchymal stromal cells in cardiac repair: a review",
                    authors=("Biehl J.K.",), year=2009, pages="98-105")  # fmt: skip
    comparison = compare(reference, work)
    assert comparison.title_agrees is False
    assert comparison.authors_agree is True
    [finding] = metadata_findings(reference, work)
    assert finding.code is FindingCode.METADATA_MISMATCH
    [entry] = finding.evidence["fields"]
    assert entry["field"] == "title"
    assert entry["cited"] == "Mesenchymal stromal cells in cardiac repair: a review"
    assert entry["registry"] == "Introduction to Stem Cell Therapy"
    assert 0 <= entry["score"] < TITLE_AGREE
    assert finding.message.startswith(
        'R5: title cited "Mesenchymal stromal cells in cardiac repair: a review", '
        'registry "Introduction to Stem Cell Therapy" (similarity '
    )


def test_title_mismatch_without_cited_authors_is_not_a_doi_mismatch() -> None:
    work = load_work("10.1097_jcn.0b013e318197a6a5.json")
    reference = ref(title="Something else entirely about kidneys")
    assert compare(reference, work).authors_agree is None
    [finding] = metadata_findings(reference, work)
    assert finding.code is FindingCode.METADATA_MISMATCH


def test_one_word_prefix_does_not_agree() -> None:
    work = Work(doi="10.1/x", title="Introduction to Stem Cell Therapy")
    comparison = compare(ref(title="Introduction"), work)
    assert comparison.title_agrees is False


@pytest.mark.parametrize(
    ("cited", "registry", "subtitle"),
    [
        ("Gastric cancer originating from bone marrow-derived cells",
         "Gastric Cancer Originating from Bone Marrow-Derived Cells", ""),
        ("The <i>p53</i> pathway in stem cells", "The p53 pathway in stem cells", ""),
        ("Stem cells: a review", "Stem cells", "a review"),
        ("Nuclear factor kappaB in MSCs", "Nuclear factor <mml:math><mml:mi>κ</mml:mi>"
         "</mml:math>B in MSCs", ""),
        ("Interleukin 1 receptor antagonist mediates the antiinflammatory effect",
         "Interleukin 1 receptor antagonist mediates the anti-inflammatory effect", ""),
    ],
)  # fmt: skip
def test_titles_that_agree(cited: str, registry: str, subtitle: str) -> None:
    work = Work(doi="10.1/x", title=registry, subtitle=subtitle)
    comparison = compare(ref(title=cited), work)
    assert comparison.title_agrees is True
    assert comparison.title_similarity is not None
    assert comparison.title_similarity >= TITLE_AGREE


def test_cited_as_that_does_not_contain_the_title_disagrees() -> None:
    work = Work(doi="10.1/x", title="Introduction to Stem Cell Therapy")
    comparison = compare(ref(cited_as="Pandey A.C. MicroRNA profiling. Stem Cell Res Ther."), work)
    assert comparison.title_similarity is not None
    assert comparison.title_similarity < CITED_AS_AGREE
    assert comparison.title_agrees is False
    assert comparison.mismatches[0].field == "title"


def test_cited_as_shorter_than_the_title_is_not_a_partial_match() -> None:
    work = Work(doi="10.1/x", title="Introduction to Stem Cell Therapy in Cardiac Repair")
    assert compare(ref(cited_as="Stem Cell Therapy"), work).title_agrees is False


def test_nothing_comparable() -> None:
    comparison = compare(ref(), Work(doi="10.1/x"))
    assert comparison == compare(ref(), Work(doi="10.1/x"))
    assert comparison.mismatches == ()
    assert comparison.title_similarity is None
    assert comparison.title_agrees is None
    assert comparison.authors_agree is None
    assert metadata_findings(ref(), Work(doi="10.1/x")) == []


# --- authors -------------------------------------------------------------------------------

ANKRUM = Work(
    doi="10.1038/nbt.2816",
    authors=(Author("Ankrum", "James A"), Author("Ong", "Joon Faii"), Author("Karp", "Jeffrey M")),
)


@pytest.mark.parametrize(
    ("authors", "first_ok", "any_ok"),
    [
        (("Ankrum J", "Ong J"), True, True), (("James A. Ankrum",), True, True),
        (("James Ankrum",), True, True), (("Ankrum, J.",), True, True),
        (("et al.", "Ankrum J"), True, True), (("Ong J", "Ankrum J"), False, True),
        (("Smith J", "Jones K", "et al."), False, False),
    ],
)  # fmt: skip
def test_author_agreement(authors: tuple[str, ...], first_ok: bool, any_ok: bool) -> None:
    comparison = compare(ref(authors=authors), ANKRUM)
    assert (comparison.mismatches == ()) is first_ok
    assert comparison.authors_agree is any_ok
    if not first_ok:
        assert comparison.mismatches == (FieldMismatch("first_author", authors[0], "Ankrum"),)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("De la Fuente", Author("de la Fuente", "Ricardo")),
        ("Fuente R", Author("de la Fuente", "Ricardo")),
        ("In’t Anker P.S.", Author("in 't Anker", "P.S.")),
        ("Anker PS", Author("In 't Anker", "P.S.")),
        ("Van Tassell B.W.", Author("Van Tassell", "Benjamin W.")),
        ("Garcia-Castro J", Author("García-Castro", "Javier")),
        ("Schrødder H", Author("Schrodder", "H")),
        ("World Health Organization", Author(name="World Health Organization")),
        ("WORLD HEALTH ORGANISATION", Author(name="World Health Organisation")),
    ],
)
def test_first_author_forms_agree(cited: str, registry: Author) -> None:
    comparison = compare(ref(authors=(cited,)), Work(doi="10.1/x", authors=(registry,)))
    assert comparison.mismatches == ()
    assert comparison.authors_agree is True


def test_authors_not_comparable_without_registry_authors() -> None:
    comparison = compare(ref(authors=("Ankrum J",)), Work(doi="10.1/x"))
    assert comparison.authors_agree is None
    assert comparison.mismatches == ()


def test_only_et_al_is_not_comparable() -> None:
    assert compare(ref(authors=("et al.",)), ANKRUM).authors_agree is None


# --- year, journal, volume, issue ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cited", "mismatch"), [(2009, False), (2008, False), (2010, False), (2007, True), (2011, True)]
)
def test_year_allows_one_either_way(cited: int, mismatch: bool) -> None:
    comparison = compare(ref(year=cited), Work(doi="10.1/x", year=2009))
    expected = (FieldMismatch("year", str(cited), "2009"),) if mismatch else ()
    assert comparison.mismatches == expected


AGREEING_JOURNALS = [
    ("Br J Haematol", "British Journal of Haematology"),
    ("J Cardiovasc Nurs", "The Journal of Cardiovascular Nursing"),
    ("The Journal of Cardiovascular Nursing", "J Cardiovasc Nurs"),
    ("Nat Biotechnol", "Nature Biotechnology"),
    ("Cancer Res.", "Cancer Research"),
    ("Stem Cell Res Ther", "Stem Cell Research & Therapy"),
    ("Stem Cell Research & Therapy", "Stem Cell Research and Therapy"),
    ("Mol Ther", "Molecular Therapy"),
    ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences"),
    ("Proc Natl Acad Sci USA",
     "Proceedings of the National Academy of Sciences of the United States of America"),
    ("PNAS", "Proceedings of the National Academy of Sciences"),
    ("Proceedings of the National Academy of Sciences", "PNAS"),
    ("PLoS One", "PLoS ONE"),
    ("Molecular Biology of the Cell", "Mol Biol Cell"),
    ("Bone Marrow Transplant", "Bone Marrow Transplantation"),
    ("Arthritis and Rheumatism", "Arthritis Rheum"),
    ("Archivum Immunologiae et Therapiae Experimentalis (Warsz)",
     "Archivum Immunologiae et Therapiae Experimentalis"),
    ("British Journal of Hematology", "British Journal of Haematology"),
    ("STEM CELLS", "Stem Cells"),
]  # fmt: skip

DISAGREEING_JOURNALS = [
    ("Cancer Res.", "Cancer Letters"), ("Blood", "Bone"), ("Nature", "Nature Medicine"),
    ("Cell", "Cell Transplantation"), ("Stem Cells", "Stem Cells and Development"),
    ("Stem Cells", "Stem Cell Research & Therapy"), ("Physical Review A", "Physical Review E"),
    ("Mol Ther", "Molecular Cancer"), ("J Cell Biol", "Journal of Cellular Biochemistry"),
    ("Oncogene", "Science"),
]  # fmt: skip


@pytest.mark.parametrize(("cited", "registry"), AGREEING_JOURNALS)
def test_journals_that_agree(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    comparison = compare(ref(journal=cited), Work(doi="10.1/x", container_titles=(registry,)))
    assert comparison.mismatches == ()


@pytest.mark.parametrize(("cited", "registry"), DISAGREEING_JOURNALS)
def test_journals_that_disagree(cited: str, registry: str) -> None:
    assert not journals_agree(cited, registry)
    assert not journals_agree(registry, cited)
    [mismatch] = compare(
        ref(journal=cited), Work(doi="10.1/x", container_titles=(registry,))
    ).mismatches
    assert mismatch.field == "journal"
    assert (mismatch.cited, mismatch.registry) == (cited, registry)
    assert mismatch.score is not None
    assert 0 <= mismatch.score < 1


def test_journal_checks_short_container_titles_too() -> None:
    work = Work(
        doi="10.1/x", container_titles=("Cancer Research",), short_container_titles=("Cancer Res",)
    )
    assert compare(ref(journal="Cancer Res"), work).mismatches == ()
    assert compare(ref(journal="Cancer Letters"), work).mismatches[0].registry == "Cancer Research"


@pytest.mark.parametrize(
    ("field", "cited", "registry", "mismatch"),
    [
        ("volume", "7", "7", False), ("volume", "07", "7", False), ("volume", "7", "8", True),
        ("issue", "3", "03", False), ("issue", "3", "4", True), ("issue", "", "4", False),
        ("issue", "Suppl 1", "suppl. 1", False),
    ],
)  # fmt: skip
def test_volume_and_issue(field: str, cited: str, registry: str, mismatch: bool) -> None:
    comparison = compare(ref(**{field: cited}), Work(doi="10.1/x", **{field: registry}))
    assert comparison.mismatches == ((FieldMismatch(field, cited, registry),) if mismatch else ())


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("98-103", ("98", "103")), ("98–103", ("98", "103")), ("98 — 103", ("98", "103")),
        ("1568-71", ("1568", "1571")), ("939-46", ("939", "946")), ("11002-7", ("11002", "11007")),
        ("e33438", ("e33438", None)), ("6682", ("6682", None)), ("49", ("49", None)),
        ("pp. 12-19", ("12", "19")), ("S12-5", ("S12", "S15")), ("", None),
    ],
)  # fmt: skip
def test_parse_pages(text: str, parsed: tuple[str, str | None] | None) -> None:
    assert parse_pages(text) == parsed


@pytest.mark.parametrize(
    ("cited", "page", "article_number", "expected"),
    [
        ("98-103", "98-105", None, FieldMismatch("pages", "98-103", "98-105")),
        ("98-105", "98-105", None, None),
        ("98–105", "98-105", None, None),
        ("1568-71", "1568-1571", None, None),
        ("1568-72", "1568-1571", None, FieldMismatch("pages", "1568-1572", "1568-1571")),
        ("97-105", "98-105", None, FieldMismatch("page", "97", "98")),
        ("98", "98-105", None, None),
        ("98-103", "98", None, None),
        ("e33438", "e33438", None, None),
        ("e33438", "E33438", None, None),
        ("33438", "e33438", None, None),
        ("e33439", "e33438", None, FieldMismatch("page", "e33439", "e33438")),
        ("49", None, "49", None),
        ("48", None, "49", FieldMismatch("page", "48", "49")),
        ("234", "234", "999", None),
    ],
)
def test_pages(
    cited: str, page: str | None, article_number: str | None, expected: FieldMismatch | None
) -> None:
    work = Work(doi="10.1/x", page=page, article_number=article_number)
    comparison = compare(ref(pages=cited), work)
    assert comparison.mismatches == ((expected,) if expected else ())


# --- messages and determinism --------------------------------------------------------------


def test_several_fields_in_fixed_order() -> None:
    work = Work(
        doi="10.1/x", title="Introduction to Stem Cell Therapy", authors=(Author("Biehl", "J"),),
        year=2009, container_titles=("Journal of Cardiovascular Nursing",), volume="24",
        issue="2", page="98-105",
    )  # fmt: skip
    reference = ref(
        "R5", title="Introduction to stem cell therapy", authors=("Biehl J.K.",), year=2001,
        journal="Cancer Letters", volume="25", issue="2", pages="98-103",
    )  # fmt: skip
    [finding] = metadata_findings(reference, work)
    assert fields_of([finding]) == ["year", "journal", "volume", "pages"]
    assert finding.message.startswith("R5: year cited 2001, registry 2009; journal cited ")
    assert finding.message.endswith(
        "; volume cited 25, registry 24; pages cited 98-103, registry 98-105"
    )
    score = finding.evidence["fields"][1]["score"]
    assert score == round(score, 3)
    assert "score" not in finding.evidence["fields"][0]
    assert metadata_findings(reference, work) == [finding]


# --- robustness ----------------------------------------------------------------------------

_text = st.text(max_size=60)
_opt = st.none() | _text
_texts = st.lists(_text, max_size=4).map(tuple)
_references = st.builds(
    Reference, id=st.just("R1"), location=st.just(HERE), doi=_opt, cited_as=_opt, title=_opt,
    authors=_texts, year=st.none() | st.integers(), journal=_opt, volume=_opt, issue=_opt,
    pages=_opt,
)  # fmt: skip
_works = st.builds(
    Work, doi=st.just("10.1/x"), title=_text, subtitle=_text, other_titles=_texts,
    year=st.none() | st.integers(),
    authors=st.lists(st.builds(Author, _text, _text, _text), max_size=4).map(tuple),
    container_titles=_texts, short_container_titles=_texts, volume=_opt, issue=_opt, page=_opt,
    article_number=_opt,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(_references, _works)
def test_compare_never_raises(reference: Reference, work: Work) -> None:
    comparison = compare(reference, work)
    assert comparison == compare(reference, work)
    for mismatch in comparison.mismatches:
        assert mismatch.score is None or 0 <= mismatch.score <= 1
    findings = metadata_findings(reference, work)
    assert len(findings) <= 1
    assert findings == metadata_findings(reference, work)


def test_a_retracted_work_is_compared_under_the_title_it_was_published_with() -> None:
    # The real Wakefield record is retitled "RETRACTED: Ileal-lymphoid-nodular hyperplasia…";
    # the article cites the title the paper was published under.
    work = Work(
        doi="10.1016/s0140-6736(97)11096-0",
        title="RETRACTED: Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and "
        "pervasive developmental disorder in children",
        authors=(Author("Wakefield", "A.J."),),
        year=1998,
    )
    cited = ref(
        title="Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
        "developmental disorder in children",
        authors=("Wakefield AJ",),
    )
    short = replace(work, title="WITHDRAWN: A short one")
    assert compare(cited, work).title_agrees is True
    assert compare(ref(title="A short one", authors=("Wakefield AJ",)), short).title_agrees
    assert (
        compare(ref(title="Another paper entirely", authors=("Wakefield",)), short).title_agrees
        is False
    )


# --- a work with several titles --------------------------------------------------------------

# Crossref's `title` holds "Work titles, including translated titles" (its schema): here a
# Russian title, then its English translation, with the authors in Cyrillic.
ENGLISH = "Effect of stem cells on liver regeneration"
BILINGUAL = Work(
    doi="10.5555/ru",
    title="Влияние стволовых клеток на регенерацию печени",
    other_titles=(ENGLISH,),
    authors=(Author("Иванов", "И. И."), Author("Петров", "П.")),
    year=2015,
)


def test_a_work_cited_by_its_translated_title_is_no_different_work() -> None:
    reference = ref(title=ENGLISH, authors=("Ivanov II", "Petrov P"), year=2015)
    comparison = compare(reference, BILINGUAL)
    assert (comparison.title_agrees, comparison.title_similarity) == (True, 1.0)
    # Names in another script do not agree: that stays a metadata finding, not doi-mismatch.
    assert comparison.authors_agree is False
    [finding] = metadata_findings(reference, BILINGUAL)
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert fields_of([finding]) == ["first_author"]
    assert metadata_findings(replace(reference, authors=("Иванов ИИ",)), BILINGUAL) == []


RETITLED = "RETRACTED: Liver regeneration"


@pytest.mark.parametrize(
    ("cited", "work"),
    [
        (ref(title=BILINGUAL.title), BILINGUAL),
        (ref(title=ENGLISH.upper()), BILINGUAL),
        (ref(cited_as=f"Ivanov II, Petrov P. {ENGLISH}. Vestn Khir. 2015;3:12-8."), BILINGUAL),
        # A translated title retitled "RETRACTED: …" too: without the marker it agrees.
        (ref(title="Liver regeneration"), replace(BILINGUAL, other_titles=("Первое", RETITLED))),
    ],
)
def test_any_title_of_the_record_agrees(cited: Reference, work: Work) -> None:
    comparison = compare(cited, work)
    assert comparison.title_agrees is True
    assert comparison.mismatches == ()


def test_a_title_disagreeing_with_every_one_shows_the_primary_title_and_the_best_score() -> None:
    cited = "Effects of stem cell transplantation on regeneration of the liver"
    english_only = replace(BILINGUAL, title=ENGLISH, other_titles=())
    best = compare(ref(title=cited), english_only).title_similarity
    assert best is not None
    assert 0.5 < best < TITLE_AGREE
    [entry] = compare(ref(title=cited), BILINGUAL).mismatches
    assert (entry.registry, entry.score) == (BILINGUAL.title, best)
    # Authors disagreeing too make it another work, still named by its primary title.
    [finding] = metadata_findings(ref(title="Cardiac repair", authors=("Smith J",)), BILINGUAL)
    assert finding.code is FindingCode.DOI_MISMATCH
    assert finding.evidence["registry_title"] == BILINGUAL.title
    assert f'"{BILINGUAL.title}" by Иванов et al. (2015)' in finding.message


# --- a reference that cites no field ---------------------------------------------------------

# Each field a reference can cite: absent, blank, or a value that may disagree with the record.
_CITED = {
    "title": st.sampled_from([None, "", "Another paper entirely"]),
    "cited_as": st.sampled_from([None, "", "Smith J. Another paper entirely. 2001"]),
    "authors": st.sampled_from([(), ("",), ("et al.",), ("Smith J",)]),
    "year": st.sampled_from([None, 0, 1990, 2001]),
    "journal": st.sampled_from([None, "", "Cancer Letters"]),
    "volume": st.sampled_from([None, "", "7"]),
    "issue": st.sampled_from([None, "", "3"]),
    "pages": st.sampled_from([None, "", "98-103"]),
}


@st.composite
def _sparse_references(draw: st.DrawFn) -> Reference:
    """A reference citing at most two fields: often none, often exactly one."""
    names = draw(st.sets(st.sampled_from(sorted(_CITED)), max_size=2))
    return ref(**{name: draw(_CITED[name]) for name in names})


def plain_metadata_findings(reference: Reference, work: Work) -> list[Finding]:
    """The definition: every reference compared field by field."""
    return compared_findings(reference, work)


# Records whose every field can disagree with what a sparse reference cites, or agree.
_records = st.builds(
    Work,
    doi=st.just("10.1/x"),
    title=st.sampled_from(["", "A study of things", "Another paper entirely"]),
    authors=st.sampled_from([(), (Author("Smith", "J"),), (Author("Jones", "K"),)]),
    year=st.sampled_from([None, 2001]),
    container_titles=st.sampled_from([(), ("Cancer Letters",), ("Nature",)]),
    volume=st.sampled_from([None, "7", "8"]),
    issue=st.sampled_from([None, "3", "4"]),
    page=st.sampled_from([None, "98-103", "12-20"]),
)


@given(_sparse_references(), _records)
def test_a_reference_citing_no_field_is_not_compared_and_gets_what_comparing_finds(
    reference: Reference, work: Work
) -> None:
    if not _cites_a_field(reference):
        assert compare(reference, work) == MetadataComparison((), None, None, None)
    assert metadata_findings(reference, work) == plain_metadata_findings(reference, work)


# --- a record with nothing to compare ------------------------------------------------------


@pytest.mark.parametrize(
    "cited",
    [
        {"title": "A study of things"},
        {"cited_as": "Smith J. A study of things. Cancer Letters. 2001;7:98-103."},
        {"authors": ("Smith J",), "year": 2001},
    ],
)
def test_a_record_with_no_title_and_no_authors_leaves_the_doi_unconfirmed(
    cited: dict[str, Any],
) -> None:
    # A DOI mistyped into a sparse record (no title, no author) must not pass as the work
    # the reference names: nothing that identifies a work could be compared.
    bare = Work(doi="10.1/x", year=2001, container_titles=("Cancer Letters",))
    (finding,) = metadata_findings(ref(**cited), bare)
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert finding.severity is Severity.WARNING
    assert "is not confirmed" in finding.message
    assert finding.evidence["compared"] is False


def test_a_record_with_a_title_or_an_author_is_compared_as_before() -> None:
    titled = Work(doi="10.1/x", title="A study of things")
    assert metadata_findings(ref(title="A study of things"), titled) == []
    authored = Work(doi="10.1/x", authors=(Author("Smith", "J"),))
    assert metadata_findings(ref(title="A study of things", authors=("Smith J",)), authored) == []
    # A reference citing only its journal and year names no work to confirm.
    assert metadata_findings(ref(journal="Cancer Letters", year=2001), Work(doi="10.1/x")) == []
