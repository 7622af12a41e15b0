"""Journal names as NLM abbreviates them beside the registry's: the NLM Catalog's place
qualifier printed without its brackets, as reference managers abbreviate it ("Lancet Lond
Engl" for "Lancet (London, England)"), and abbreviations whose words are stopwords
elsewhere ("Ann N Y Acad Sci"), a section's letter before a colon ("Proc R Soc B"), and the
NLM Catalog's own titles ("Proc Biol Sci"). Each beside distinct journals that must still
disagree. The Lancet, Proceedings B and British Journal of Surgery records are real, from
tests/data/crossref/recorded/."""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimcheck.checks.metadata import FieldMismatch, compare, journals_agree
from claimcheck.model.record import Work
from tests.test_editorial import listed, real
from tests.test_metadata import ref

# Mehra et al. 2020, retracted; the record's journal is "The Lancet".
LANCET = "10.1016/s0140-6736(20)31180-6"
# The record's container-title for J Natl Cancer Inst (OUP).
JNCI = "JNCI: Journal of the National Cancer Institute"


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Lancet Lond Engl", "The Lancet"),
        ("Lancet London England", "The Lancet"),
        ("Science N Y N Y", "Science"),
        ("Science New York N.Y.", "Science"),
        ("BMJ Clin Res Ed", "BMJ"),
        ("Methods San Diego Calif", "Methods"),
        ("Molecules Basel Switz", "Molecules"),
        ("Cancers Basel", "Cancers"),
        ("Medicine Baltimore", "Medicine"),
        ("Bioinforma Oxf Engl", "Bioinformatics"),
    ],
)
def test_an_unbracketed_place_qualifier_is_no_part_of_the_name(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Lancet Oncol", "The Lancet"),  # a last word that is no place: another journal
        ("Lancet Lond Engl", "The Lancet Oncology"),
        ("Lond Engl", "The Lancet"),  # the qualifier alone names no journal
        ("Science N Y N Y", "Science Advances"),
    ],
)
def test_other_journals_still_disagree(cited: str, registry: str) -> None:
    assert not journals_agree(cited, registry)


def test_the_lancet_cited_with_its_place_agrees_with_its_record() -> None:
    work = real(LANCET).work
    assert work is not None
    assert compare(ref(journal="Lancet Lond Engl"), work).mismatches == ()
    (mismatch,) = compare(ref(journal="Lancet Oncol"), work).mismatches
    assert mismatch == FieldMismatch("journal", "Lancet Oncol", "The Lancet", mismatch.score)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        # "y" is Spanish "and", but here the Y of "N Y".
        ("Ann N Y Acad Sci", "Annals of the New York Academy of Sciences"),
        ("N Y State J Med", "New York State Journal of Medicine"),
        # ... and still "and" in a Spanish title.
        ("Rev Psiquiatr Salud Ment", "Revista de Psiquiatría y Salud Mental"),
        ("Revista de Psiquiatria y Salud Mental", "Revista de Psiquiatría y Salud Mental"),
    ],
)
def test_a_one_letter_stopword_may_be_an_initial(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    assert journals_agree(registry, cited)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        # The article "a" is no part of the name ...
        ("CA Cancer J Clin", "CA: A Cancer Journal for Clinicians"),
        ("CA Cancer J Clin", "CA A Cancer J Clin"),
        # ... but a last "a" is a section's letter, and one within may be too.
        ("Phys Rev A", "Physical Review A"),
        ("J Chromatogr A", "Journal of Chromatography A"),
        ("J Phys A Math Theor", "Journal of Physics A: Mathematical and Theoretical"),
        ("Proc R Soc A", "Proceedings of the Royal Society A"),
    ],
)
def test_the_article_a_is_no_part_of_the_name(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    assert journals_agree(registry, cited)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("J Natl Cancer Inst", JNCI),
        ("Journal of the National Cancer Institute", JNCI),
        ("JNCI", JNCI),
        ("J Am Med Assoc", "JAMA: The Journal of the American Medical Association"),
        ("Can Med Assoc J", "CMAJ: Canadian Medical Association Journal"),
    ],
)
def test_an_acronym_before_a_colon_names_the_journal_either_way(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    assert journals_agree(registry, cited)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Angew Chem Int Ed Engl", "Angewandte Chemie International Edition"),
        ("Angew Chem Int Ed Engl", "Angew. Chem. Int. Ed."),
        ("Angew Chem Int Ed", "Angewandte Chemie International Edition"),
        # The journal's title until 1998.
        ("Angew Chem Int Ed Engl", "Angewandte Chemie International Edition in English"),
    ],
)
def test_the_english_editions_engl_is_no_part_of_the_name(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    assert journals_agree(registry, cited)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Cancer Res", "Cancer Research"),
        ("Cancer Rep", "Cancer Reports"),
        ("Cancer Rev", "Cancer Reviews"),
        ("Clin Orthop Relat Res", "Clinical Orthopaedics and Related Research"),
        ("Ann Rheum Dis", "Annals of the Rheumatic Diseases"),
        ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences"),
        ("Mon Not R Astron Soc", "Monthly Notices of the Royal Astronomical Society"),
        ("Dtsch Arztebl Int", "Deutsches Ärzteblatt International"),
        ("Jpn J Clin Oncol", "Japanese Journal of Clinical Oncology"),
        ("MMWR Morb Mortal Wkly Rep", "MMWR. Morbidity and Mortality Weekly Report"),
    ],
)
def test_iso_4_abbreviations_agree(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    assert journals_agree(registry, cited)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Cell", "Cell Reports"),
        ("Phys Rev A", "Physical Review E"),
        ("Physical Review A", "Physical Review E"),
        ("Science", "Science Advances"),
        ("Lancet", "The Lancet Oncology"),
        ("Lancet", "Lancet Oncology"),
        ("Ann N Y Acad Sci", "Annals of Surgery"),
        ("N Y State J Med", "New England Journal of Medicine"),
        ("Phys Rev E", "Physical Review A"),
        ("Phys Rev", "Physical Review A"),
        ("J Chromatogr B", "Journal of Chromatography A"),
        ("J Phys A Math Theor", "Journal of Physics B: Atomic, Molecular and Optical Physics"),
        ("Proc R Soc B", "Proceedings of the Royal Society A"),
        ("CA Cancer J Clin", "Cancer"),
        # A colon after no acronym of the rest: the part before it is another journal.
        ("Circulation", "Circulation: Heart Failure"),
        ("JACC", "JACC: Heart Failure"),
        ("J Allergy Clin Immunol", "The Journal of Allergy and Clinical Immunology: In Practice"),
        (
            "Alzheimers Dement",
            "Alzheimer's & Dementia: Translational Research & Clinical Interventions",
        ),
        ("J Natl Cancer Inst", "JNCI Cancer Spectrum"),
        ("JNCI Monographs", JNCI),
        # ISO 4 abbreviates Research "Res", Reports "Rep" and Reviews "Rev".
        ("Cancer Res", "Cancer Reports"),
        ("Cancer Res", "Cancer Reviews"),
        ("Nucleic Acids Res", "Nucleic Acids Reports"),
        # The German edition; a last "Engl" after no "Ed" is kept.
        ("Angew Chem Int Ed Engl", "Angewandte Chemie"),
        ("Angew Chem Engl", "Angewandte Chemie"),
    ],
)
def test_distinct_journals_disagree(cited: str, registry: str) -> None:
    assert not journals_agree(cited, registry)
    assert not journals_agree(registry, cited)


# --- a section's letter before a colon, and the NLM Catalog's titles -----------------------

# The real record (tests/data/crossref/recorded/): "Proceedings of the Royal Society B:
# Biological Sciences", short name "Proc. R. Soc. B.".
PROC_B_DOI = "10.1098/rspb.2016.1281"
PROC_B = "Proceedings of the Royal Society B: Biological Sciences"
PROC_A = "Proceedings of the Royal Society A: Mathematical, Physical and Engineering Sciences"
PHIL_TRANS_B = "Philosophical Transactions of the Royal Society B: Biological Sciences"
# Springer's; also "Proceedings" and "Biological Sciences", and a section B.
PNAS_INDIA_B = (
    "Proceedings of the National Academy of Sciences, India Section B: Biological Sciences"
)
J_PHYS_A = "Journal of Physics A: Mathematical and Theoretical"
J_PHYS_B = "Journal of Physics B: Atomic, Molecular and Optical Physics"
POLYMER_PHYSICS = "Journal of Polymer Science Part B: Polymer Physics"
POLYMER_LETTERS_B = "Journal of Polymer Science Part B: Polymer Letters"
POLYMER_LETTERS_C = "Journal of Polymer Science Part C: Polymer Letters"
J_CHROMATOGR_B = (
    "Journal of Chromatography B: Analytical Technologies in the Biomedical and Life Sciences"
)
# The real record of a British Journal of Surgery article (ISSN 0007-1323) names it so.
BJS_DOI = "10.1046/j.1365-2168.2000.01374.x"


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Proc R Soc B", PROC_B),
        ("Proc. R. Soc. B", PROC_B),
        ("Proceedings of the Royal Society B", PROC_B),
        ("Proc R Soc A", PROC_A),
        ("Philos Trans R Soc B", PHIL_TRANS_B),
        ("J Phys A", J_PHYS_A),
        ("J Chromatogr B", J_CHROMATOGR_B),
        ("J. Polym. Sci., Part B: Polym. Phys.", POLYMER_PHYSICS),
    ],
)
def test_a_section_letter_before_a_colon_names_the_journal(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)


# Journals that share a main title and its section's letter, each with its own subject: the
# subject a reference cites is compared whole, never dropped. (Found by a review: each agreed
# through the two main titles.)
@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        # Polymer Letters (1963-72) and Polymer Physics (1986-2019), both "Part B".
        ("J. Polym. Sci., Part B: Polym. Lett.", POLYMER_PHYSICS),
        ("J. Polym. Sci., Part B: Polym. Phys.", POLYMER_LETTERS_B),
        ("J. Polym. Sci., Part C: Polym. Symp.", POLYMER_LETTERS_C),
        # A separate series, cited with a colon.
        ("Nucl. Phys. B: Proc. Suppl.", "Nuclear Physics B"),
        ("Nuclear Physics B: Proceedings Supplements", "Nucl Phys B"),
        # One journal renamed in 2007, its volumes numbered on: a warning, as before the
        # letter was read, rather than a rule that passes the pairs above.
        ("Journal of Physics A: Mathematical and General", J_PHYS_A),
    ],
)
def test_a_cited_subject_is_compared_whole(cited: str, registry: str) -> None:
    assert not journals_agree(cited, registry)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Proc Biol Sci", PROC_B),
        ("Proc. Biol. Sci.", PROC_B),
        ("Proceedings Biological Sciences", PROC_B),
        ("Proc Math Phys Eng Sci", PROC_A),
        ("Br J Surg", "Journal of British Surgery"),
        ("British Journal of Surgery", "Journal of British Surgery"),
    ],
)
def test_the_nlm_catalogs_title_names_the_journal(cited: str, registry: str) -> None:
    assert journals_agree(cited, registry)
    assert journals_agree(registry, cited)


@pytest.mark.parametrize(
    ("cited", "registry"),
    [
        ("Proc Biol Sci", PROC_A),
        ("Proc Math Phys Eng Sci", PROC_B),
        ("Proc Biol Sci", PNAS_INDIA_B),
        ("Proc Biol Sci", PHIL_TRANS_B),
        ("Biol Sci", PROC_B),
        ("Proc R Soc A", PROC_B),
        ("Proc R Soc B", PROC_A),
        ("Proc R Soc B", PNAS_INDIA_B),
        ("Philos Trans R Soc B", PROC_B),
        ("Proc R Soc B", PHIL_TRANS_B),
        ("Philos Trans R Soc A", PHIL_TRANS_B),
        ("J Phys B", J_PHYS_A),
        # A section's letter is no initial: Journal of Physics C is not Physical Chemistry.
        ("J Phys Chem", "J. Phys. C: Solid State Phys."),
        ("Journal of Physical Chemistry", "Journal of Physics C: Solid State Physics"),
        ("Proc R Soc Biol", PROC_B),
        (J_PHYS_A, J_PHYS_B),
        ("J Chromatogr A", J_CHROMATOGR_B),
        ("Br J Surg", "Journal of Surgery"),
        ("J Surg", "Journal of British Surgery"),
        ("Br J Anaesth", "Journal of British Surgery"),
        # A part read by its section's letter, or an NLM title, is no acronym's source.
        ("JPA", J_PHYS_A),
        ("PBS", PROC_B),
    ],
)
def test_other_journals_than_the_section_or_the_nlm_title_disagree(
    cited: str, registry: str
) -> None:
    assert not journals_agree(cited, registry)
    assert not journals_agree(registry, cited)


def test_proc_b_abbreviated_by_nlm_or_iso_4_agrees_with_its_record() -> None:
    work = listed(PROC_B_DOI)
    assert work.container_titles == (PROC_B,)
    for cited in ("Proc Biol Sci", "Proc R Soc B", "Proc. R. Soc. B"):
        assert compare(ref(journal=cited), work).mismatches == ()
    (mismatch,) = compare(ref(journal="Proc R Soc A"), work).mismatches
    assert (mismatch.field, mismatch.registry) == ("journal", PROC_B)


def test_br_j_surg_agrees_with_the_record_naming_it_journal_of_british_surgery() -> None:
    work = listed(BJS_DOI)
    assert work.container_titles == ("Journal of British Surgery",)
    assert compare(ref(journal="Br J Surg"), work).mismatches == ()
    (mismatch,) = compare(ref(journal="Br J Anaesth"), work).mismatches
    assert mismatch.field == "journal"


# The Journal of Geophysical Research was one journal until 2013, when its sections became
# journals ("Journal of Geophysical Research: Atmospheres"). By the names alone the pair is
# shaped as "Circulation" and "Circulation: Heart Failure", another journal, so no rule on
# names reads the parent for the section: only a record whose own short name abbreviates the
# parent says it names the journal. (No JGR record is recorded here; the shapes are made up.)
JGR_ATMOSPHERES = "Journal of Geophysical Research: Atmospheres"


def test_j_geophys_res_agrees_only_where_the_record_abbreviates_it_so() -> None:
    parent = Work(
        doi="10.1/x",
        container_titles=(JGR_ATMOSPHERES,),
        short_container_titles=("J. Geophys. Res.",),
    )
    assert compare(ref(journal="J Geophys Res"), parent).mismatches == ()
    section = replace(parent, short_container_titles=("JGR Atmospheres",))
    (mismatch,) = compare(ref(journal="J Geophys Res"), section).mismatches
    assert (mismatch.field, mismatch.registry) == ("journal", JGR_ATMOSPHERES)
    assert not journals_agree("J Geophys Res", JGR_ATMOSPHERES)
    assert journals_agree("J Geophys Res Atmos", JGR_ATMOSPHERES)
