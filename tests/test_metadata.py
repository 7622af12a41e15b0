"""Cited metadata against registry records: the seed's references, messages, robustness."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.checks.metadata import compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.model.claimmap import Reference
from claimcheck.model.findings import FindingCode, Severity
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
