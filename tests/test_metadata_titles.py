"""Titles compared: title mismatch against doi-mismatch, and a work with several titles."""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimcheck.checks.metadata import CITED_AS_AGREE, TITLE_AGREE, compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.model.claimmap import Reference
from claimcheck.model.findings import FindingCode, Severity
from claimcheck.model.record import Author, Work
from tests.test_metadata import HERE, REF5, fields_of, load_work, ref

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
    # The names romanised agree with the record's Cyrillic ones (model/romanise.py).
    assert comparison.authors_agree is True
    assert metadata_findings(reference, BILINGUAL) == []
    assert metadata_findings(replace(reference, authors=("Иванов ИИ",)), BILINGUAL) == []
    # Another first author is a metadata finding, not a doi-mismatch: the title agrees.
    [finding] = metadata_findings(replace(reference, authors=("Sidorov SS",)), BILINGUAL)
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert fields_of([finding]) == ["first_author"]


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
