"""Where a work is printed (journal, volume, first page, year) as evidence that a DOI is the
cited work's: a reference whose title and authors both disagree with the record is a
`doi-mismatch`, unless every one of those agrees. Then the disagreement is one of form, as
when a Russian-only record is cited as NLM asks (title translated in brackets, names
romanised), and stays a `metadata-mismatch`. Records are made up in Crossref's schema."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from claimcheck.checks.journals import journals_agree
from claimcheck.checks.metadata import compare
from claimcheck.checks.metadata_findings import metadata_findings
from claimcheck.model.findings import FindingCode, Severity
from claimcheck.model.record import Work
from claimcheck.sources.crossref.records import parse_work
from tests.factories import work_envelope
from tests.test_metadata import ref


def record(doi: str, **fields: Any) -> Work:
    return parse_work(json.loads(work_envelope(doi, **fields))["message"])


# A Russian journal's record holding only the Russian title, names and journal.
RUSSIAN = record(
    "10.18087/cardio.2015.3.2011",
    title="Влияние статинов на функцию эндотелия у больных ишемической болезнью сердца",
    authors=("Иванов", "Петров"),
    year=2015,
    journal="Кардиология",
    volume="55",
    issue="3",
    page="12-18",
)
# The same article as MEDLINE and a Vancouver reference list cite it.
NLM = ref(
    doi="10.18087/cardio.2015.3.2011",
    title="[Effect of statins on endothelial function in patients with coronary heart disease]",
    authors=("Ivanov IP", "Petrov S"),
    year=2015,
    journal="Kardiologiia",
    volume="55",
    issue="3",
    pages="12-8",
)

# The same citation naming other authors: title and names both disagree with the record, so
# only the locator can tell a citation in another language from a citation of another work.
OTHERS = replace(NLM, authors=("Smirnov AA", "Kuznetsov B"))


def test_names_romanised_as_nlm_does_agree_with_the_cyrillic_record() -> None:
    # "Ivanov IP" disagreed with the record's "Иванов": the citation was judged by its
    # locator alone, and gave a first-author warning.
    comparison = compare(NLM, RUSSIAN)
    assert (comparison.title_agrees, comparison.authors_agree) == (False, True)
    [finding] = metadata_findings(NLM, RUSSIAN)
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert [entry["field"] for entry in finding.evidence["fields"]] == ["title"]


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Yakovleva EV", "Яковлева"),  # the English form names take (BGN/PCGN)
        ("Iakovleva EV", "Яковлева"),  # the Library of Congress's, as NLM romanises
        ("Zaytsev A", "Зайцев"),
        ("Zaitsev A", "Зайцев"),
        ("Khomenko I", "Хоменко"),  # Ukrainian
        ("Shcherbakov D", "Щербаков"),
    ],
)
def test_a_romanised_first_author_agrees_with_the_cyrillic_name(cited: str, registry: str) -> None:
    work = replace(RUSSIAN, authors=(replace(RUSSIAN.authors[0], family=registry),))
    assert compare(replace(NLM, authors=(cited,)), work).authors_agree is True


@pytest.mark.parametrize(
    ("cited", "registry"),
    [("Ivanova EV", "Иванов"), ("Petrov S", "Иванов"), ("Zaytseva A", "Зайцев")],
)
def test_another_romanised_name_still_disagrees(cited: str, registry: str) -> None:
    work = replace(RUSSIAN, authors=(replace(RUSSIAN.authors[0], family=registry),))
    comparison = compare(replace(NLM, authors=(cited,)), work)
    assert comparison.authors_agree is False
    assert "first_author" in [m.field for m in comparison.mismatches]


def test_a_translated_citation_whose_locator_agrees_is_a_metadata_mismatch() -> None:
    comparison = compare(OTHERS, RUSSIAN)
    assert (comparison.title_agrees, comparison.authors_agree) == (False, False)
    assert comparison.locator_agrees is True
    [finding] = metadata_findings(OTHERS, RUSSIAN)
    assert finding.code is FindingCode.METADATA_MISMATCH
    assert finding.severity is Severity.WARNING
    assert [entry["field"] for entry in finding.evidence["fields"]] == ["title", "first_author"]
    assert finding.evidence["locator_agrees"] is True
    assert finding.message.startswith('R1: title cited "[Effect of statins')
    assert finding.message.endswith(
        "first author cited Smirnov AA, registry Иванов (journal, volume, pages and year "
        "agree, so the title and names may differ by translation or romanisation rather "
        "than name another work)"
    )


def test_an_article_number_stands_for_the_first_page() -> None:
    work = replace(RUSSIAN, page=None, article_number="e0123456")
    reference = replace(OTHERS, pages="e0123456")
    [finding] = metadata_findings(reference, work)
    assert finding.code is FindingCode.METADATA_MISMATCH


@pytest.mark.parametrize(
    "change",
    [
        {"volume": "56"},  # another volume: another article at that page
        {"pages": "19-25"},
        {"year": 2018},  # beyond the year's tolerance
        {"journal": "Urologiia"},
        {"volume": None},  # a locator not cited in full confirms nothing
        {"pages": None},
        {"journal": None},
        {"year": None},
    ],
)
def test_a_locator_that_disagrees_or_is_not_cited_leaves_a_doi_mismatch(
    change: dict[str, Any],
) -> None:
    reference = replace(OTHERS, **change)
    assert compare(reference, RUSSIAN).locator_agrees is False
    [finding] = metadata_findings(reference, RUSSIAN)
    assert finding.code is FindingCode.DOI_MISMATCH
    assert finding.severity is Severity.ERROR


def test_a_record_without_the_locator_leaves_a_doi_mismatch() -> None:
    work = replace(RUSSIAN, volume=None)
    [finding] = metadata_findings(OTHERS, work)
    assert finding.code is FindingCode.DOI_MISMATCH


def test_another_work_in_the_same_issue_is_still_a_doi_mismatch() -> None:
    """The cited article is in the same journal, volume and year, on another page."""
    other = record(
        "10.1016/j.jacc.2019.01.001",
        title="Sodium-glucose cotransporter 2 inhibitors in heart failure",
        authors=("Nakamura", "Lee"),
        year=2019,
        volume="73",
        page="201-210",
        journal="Journal of the American College of Cardiology",
    )
    reference = ref(
        title="Statin withdrawal after acute coronary syndromes",
        authors=("Ramirez A", "Kowalski P"),
        year=2019,
        journal="J Am Coll Cardiol",
        volume="73",
        pages="1-9",
    )
    [finding] = metadata_findings(reference, other)
    assert finding.code is FindingCode.DOI_MISMATCH
    # The same citation at the page the record holds agrees on every locator field.
    [finding] = metadata_findings(replace(reference, pages="201-10"), other)
    assert finding.code is FindingCode.METADATA_MISMATCH


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Kardiologiia", "Кардиология"),  # NLM's romanisation (Library of Congress)
        ("Kardiologiya", "Кардиология"),  # BGN/PCGN's
        ("Ter Arkh", "Терапевтический архив"),
        ("Terapevticheskii arkhiv", "ТЕРАПЕВТИЧЕСКИЙ АРХИВ"),
        ("Vopr Pitan", "Вопросы питания"),
    ],
)
def test_a_romanised_journal_agrees_with_its_cyrillic_name(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [("Urologiia", "Кардиология"), ("Khirurgiia (Mosk)", "Кардиология")],
)
def test_another_romanised_journal_disagrees(cited: str, registry: str) -> None:
    assert not journals_agree(cited, registry)


def test_page_1_confirms_no_article_where_every_article_starts_at_1() -> None:
    # BMC and other online-only journals: each record gives "1-9", "1-12", … in one volume,
    # so journal, volume, year and page 1 agreeing tell nothing of which article it is.
    other = record(
        "10.1186/s12889-019-7001-1",
        title="Physical activity among adolescents in rural schools",
        authors=("Okafor", "Mensah"),
        year=2019,
        volume="19",
        page="1-9",
        journal="BMC Public Health",
    )
    reference = ref(
        title="Sugar-sweetened beverage taxes and dental caries in children",
        authors=("Lindqvist A", "Berg K"),
        year=2019,
        journal="BMC Public Health",
        volume="19",
        pages="1-12",
    )
    [finding] = metadata_findings(reference, other)
    assert finding.code is FindingCode.DOI_MISMATCH


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        # NLM's volume with supplement, imported as the volume: the volume is still 55.
        ({"volume": "55 Suppl 2", "issue": None}, {"issue": "Supplement_2"}),
        ({"issue": "3 Pt 1"}, {}),
        # A double issue, cited by one of its numbers (Russian journals often print them).
        ({}, {"issue": "3-4"}),
        ({"pages": "S12-8"}, {"page": "S12-S18"}),
        ({"pages": "051101(R)"}, {"page": None, "article_number": "051101"}),
    ],
)
def test_a_locator_printed_in_another_form_agrees(
    cited: dict[str, Any], registry: dict[str, Any]
) -> None:
    reference, work = replace(OTHERS, **cited), replace(RUSSIAN, **registry)
    comparison = compare(reference, work)
    assert [m.field for m in comparison.mismatches] == ["title", "first_author"]
    assert comparison.locator_agrees is True
    [finding] = metadata_findings(reference, work)
    assert finding.code is FindingCode.METADATA_MISMATCH


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ({"volume": "56 Suppl 2", "issue": None}, {"issue": "Supplement_2"}),
        ({"pages": "051102(R)"}, {"page": None, "article_number": "051101"}),
        # A supplement's page S12 is read as page 12, that of a regular issue's article in
        # the same volume: the supplement must be the record's too. It confirmed the
        # locator, and the DOI of the regular article was a mere warning.
        ({"volume": "55 Suppl 2", "issue": None, "pages": "S12-8"}, {}),
        ({"volume": "55 Suppl 2", "issue": None, "pages": "S12-8"}, {"issue": None}),
        ({"issue": "Suppl 2", "pages": "S12-8"}, {"issue": None}),
        ({"issue": "Spec No", "pages": "12-8"}, {}),
        # A supplement named by its page alone ("2009;55:S12-8"), against a regular page 12.
        ({"pages": "S12-8"}, {}),
        ({"pages": "S12-8", "issue": None}, {"issue": None}),
        ({}, {"page": "S12-S18"}),
        ({}, {"issue": "5-6"}),
        # Where each issue starts at page 1, page 12 of issue 4 is another article.
        ({"issue": "4"}, {}),
        # A volume's part may be paginated apart: the volume must be the record's exactly.
        ({"volume": "55 Pt B"}, {}),
    ],
)
def test_another_locator_printed_in_those_forms_leaves_a_doi_mismatch(
    cited: dict[str, Any], registry: dict[str, Any]
) -> None:
    reference, work = replace(OTHERS, **cited), replace(RUSSIAN, **registry)
    assert compare(reference, work).locator_agrees is False
    [finding] = metadata_findings(reference, work)
    assert finding.code is FindingCode.DOI_MISMATCH
