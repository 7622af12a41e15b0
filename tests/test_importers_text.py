"""The plain-text importer: a numbered or line-separated reference list pasted from an
article, its DOIs in every printed form, and the fields common citation styles make plain."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.inputs.importers import (
    ImportedReference,
    import_references,
)
from claimcheck.inputs.importers.text import parse_reference
from tests.test_importers import TEXT_LIST, VANCOUVER, _write

# --- text: segmenting -----------------------------------------------------------------------


def test_text_numbered_list_inside_an_article(tmp_path: Path) -> None:
    result = import_references(_write(tmp_path, "article.txt", TEXT_LIST))
    assert result.format == "text"
    one, two, three = result.references
    assert [r.id for r in result.references] == ["R1", "R2", "R3"]
    assert [r.line for r in result.references] == [4, 5, 7]
    assert one.cited_as == VANCOUVER
    # The wrapped line is joined with one space; the prose around the list is not read.
    assert two.cited_as == (
        "Ankrum, J., Ong, J. & Karp, J. Mesenchymal stem cells: immune evasive, not immune "
        "privileged. Nat Biotechnol 32, 252–260 (2014). https://doi.org/10.1038/nbt.2816"
    )
    assert (three.doi, three.year, three.title) == (None, 2020, None)
    assert "the 3 other non-empty lines are not in the list" in result.notes[0]


@pytest.mark.parametrize("marker", ["{n}.", "[{n}]", "{n})"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["next-line", "after-a-blank"])
def test_a_number_alone_on_its_line_starts_the_reference_below(
    tmp_path: Path, marker: str, gap: str
) -> None:
    # "1." alone on its line was a reference of its own ("1."), and every id was shifted.
    text = "".join(
        f"{marker.format(n=n)}{gap}Ref{n} A, Doe B. Title {n}. Nature. 2009;17(5):939-4{n}.\n"
        for n in (1, 2, 3)
    )
    result = import_references(_write(tmp_path, "refs.txt", text))
    assert [(r.id, r.title, r.pages) for r in result.references] == [
        (f"R{n}", f"Title {n}", f"939-4{n}") for n in (1, 2, 3)
    ]
    assert result.references[1].cited_as == "Ref2 A, Doe B. Title 2. Nature. 2009;17(5):939-42."
    assert result.notes[0] == "read the numbered references 1–3"


def test_a_number_alone_with_the_reference_wrapped_below(tmp_path: Path) -> None:
    text = "[1]\nSmith J. A title.\nNature. 2009;17(5):939-46.\n[2]\nRoe B. Another. Cell.\n"
    result = import_references(_write(tmp_path, "refs.txt", text))
    one, two = result.references
    assert one.cited_as == "Smith J. A title. Nature. 2009;17(5):939-46."
    assert (one.id, one.journal, two.id, two.cited_as) == (
        "R1",
        "Nature",
        "R2",
        "Roe B. Another. Cell.",
    )


@pytest.mark.parametrize("marker", ["1.", "[7]", "3)"])
def test_one_reference_under_its_number_alone_is_one_reference(tmp_path: Path, marker: str) -> None:
    # With no second number the list was read line by line: the number was a reference of
    # its own ("1."), and the reference itself took the next id.
    text = f"{marker}\nSmith J, Jones K. A title. Nature. 2000;1:2-3. doi:10.1038/abc\n"
    result = import_references(_write(tmp_path, "one.txt", text))
    number = marker.strip("[].)")
    assert [(r.id, r.title, r.doi, r.line) for r in result.references] == [
        (f"R{number}", "A title", "10.1038/abc", 1)
    ]
    assert result.references[0].cited_as == (
        "Smith J, Jones K. A title. Nature. 2000;1:2-3. doi:10.1038/abc"
    )
    assert result.notes[0] == f"read the numbered reference {number}"


@pytest.mark.parametrize(
    ("text", "number_line"),
    [
        # A number alone lower down may end a wrapped line: nothing read as a list of one.
        ("Doe A. One. Science. 2001;2:3-\n4.\nSmith J. Two. Nature. 2000;1:2-3.\n", 2),
        # A number alone first, then lines after a blank: a list of one would leave them out.
        ("1.\nDoe A. One. Science. 2001;2:3-4.\n\nSmith J. Two. Nature. 2000;1:2-3.\n", 1),
    ],
)
def test_no_list_of_one_where_it_would_leave_a_line_out(
    tmp_path: Path, text: str, number_line: int
) -> None:
    result = import_references(_write(tmp_path, "refs.txt", text))
    # The number alone is no reference: it was one ("4.", "1."), and shifted every id.
    assert [(r.id, (r.cited_as or "")[:6]) for r in result.references] == [
        ("R1", "Doe A."),
        ("R2", "Smith "),
    ]
    assert result.notes[0] == (
        "no numbered list: each of the 3 non-empty lines is a reference, but for line "
        f"{number_line}, a number alone: no reference"
    )


def test_a_number_alone_over_unnumbered_references_runs_none_together(tmp_path: Path) -> None:
    # Read as a list of one, the three references were one, with the last one's DOI.
    lines = [
        "Smith J, Lee K. Statins and myopathy. N Engl J Med. 2020;382:100-10. "
        "doi:10.1056/NEJMoa1000001",
        "Jones A. Aspirin and bleeding. Lancet. 2019;393:200-8. doi:10.1016/S0140-6736(19)30001-1",
        "Garcia M. Exercise and mood. BMJ. 2018;360:k100. doi:10.1136/bmj.k100",
    ]
    result = import_references(_write(tmp_path, "refs.txt", "\n".join(["1.", *lines]) + "\n"))
    assert [(r.id, r.doi) for r in result.references] == [
        ("R1", "10.1056/NEJMoa1000001"),
        ("R2", "10.1016/S0140-6736(19)30001-1"),
        ("R3", "10.1136/bmj.k100"),
    ]


def test_a_page_ending_a_wrapped_last_reference_starts_nothing(tmp_path: Path) -> None:
    # "46." alone on the last line goes on from 45, but no reference follows it.
    lines = [f"{n}. Ref{n} A. Title {n}. J. 2001;{n}:1." for n in range(1, 45)]
    text = "\n".join([*lines, "45. Ref45 A. Title 45. J. 2001;45:939-", "46."])
    result = import_references(_write(tmp_path, "refs.txt", text))
    assert len(result.references) == 45
    assert result.references[-1].cited_as == "Ref45 A. Title 45. J. 2001;45:939- 46."


@pytest.mark.parametrize("marker", ["{n}.", "[{n}]", "{n})", "{n}"])
def test_text_numbering_styles(tmp_path: Path, marker: str) -> None:
    lines = [f"{marker.format(n=n)} Ref{n} A. Title {n}. J. 2001;{n}:1." for n in (1, 2)]
    result = import_references(_write(tmp_path, "refs.txt", "\n".join(lines)))
    assert [(r.id, r.cited_as) for r in result.references] == [
        ("R1", "Ref1 A. Title 1. J. 2001;1:1."),
        ("R2", "Ref2 A. Title 2. J. 2001;2:1."),
    ]


def test_text_numbers_that_break_the_run_continue_a_reference(tmp_path: Path) -> None:
    text = "1. Smith J. A numbered aside.\n\n1. Ankrum J. Title. Nat Biotechnol\n32 252-260.\n"
    text += "2. Ong J. Second.\n3. Karp J. Third.\n"
    result = import_references(_write(tmp_path, "refs.txt", text))
    assert [r.id for r in result.references] == ["R1", "R2", "R3"]
    assert result.references[0].cited_as == "Ankrum J. Title. Nat Biotechnol 32 252-260."
    assert result.references[0].line == 3


@pytest.mark.parametrize("marker", ["{n}.", "[{n}]", "{n}"])
def test_a_list_past_999_references_goes_on_numbering(tmp_path: Path, marker: str) -> None:
    # Everything after 999 was read into R999, and the import said nothing.
    lines = [
        f"{marker.format(n=n)} Smith J. Title {n}. Nature. 2010;3:1-10." for n in range(1, 1502)
    ]
    result = import_references(_write(tmp_path, "refs.txt", "\n".join(lines)))
    assert [r.id for r in result.references] == [f"R{n}" for n in range(1, 1502)]
    assert result.references[998].cited_as == "Smith J. Title 999. Nature. 2010;3:1-10."
    assert result.references[1000].line == 1001
    assert result.notes[0] == "read the numbered references 1–1501"


def test_a_year_starting_a_wrapped_line_starts_no_reference(tmp_path: Path) -> None:
    # Why a marker has three digits: years start wrapped lines, and 2009 then 2010 would
    # otherwise be a run of two, as long as the list's own.
    text = "1. Smith J. Title. Nature.\n2009 Jun;3:1-10.\n2. Doe A. Other. Cell.\n2010. 4:5.\n"
    result = import_references(_write(tmp_path, "refs.txt", text))
    assert [(r.id, r.cited_as) for r in result.references] == [
        ("R1", "Smith J. Title. Nature. 2009 Jun;3:1-10."),
        ("R2", "Doe A. Other. Cell. 2010. 4:5."),
    ]
    assert not any("check them" in note for note in result.notes)


def test_references_read_into_the_one_before_them_are_named(tmp_path: Path) -> None:
    # Reference 6 is missing: 7 to 10 cannot be told from more of reference 5, so they are
    # read into it, and a note names their lines.
    lines = [f"{n}. Smith J. Title {n}. Nature. 2010;3:1-10." for n in range(1, 11) if n != 6]
    result = import_references(_write(tmp_path, "refs.txt", "\n".join(lines)))
    assert [r.id for r in result.references] == ["R1", "R2", "R3", "R4", "R5"]
    assert "lines 6, 7, 8, 9 start with a number that breaks the numbering" in result.notes[1]


def test_text_without_numbers_reads_one_reference_per_line(tmp_path: Path) -> None:
    text = "\n- Smith J. First. J Biol. 2001;1:1.\n\n• Doe A. Second. Cell. 2002;2:2.\n"
    result = import_references(_write(tmp_path, "refs.txt", text))
    assert [(r.id, r.line, r.year) for r in result.references] == [("R1", 2, 2001), ("R2", 4, 2002)]
    assert result.references[1].cited_as == "Doe A. Second. Cell. 2002;2:2."
    assert any("no numbered list" in note for note in result.notes)


# --- text: DOIs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "doi"),
    [
        ("doi:10.1038/nbt.2816", "10.1038/nbt.2816"),
        ("doi: 10.1038/nbt.2816.", "10.1038/nbt.2816"),
        ("DOI: 10.1158/0008-5472.CAN-10-2451.", "10.1158/0008-5472.CAN-10-2451"),
        ("DOI 10.1038/nbt.2816;", "10.1038/nbt.2816"),
        ("https://doi.org/10.1038/nbt.2816,", "10.1038/nbt.2816"),
        ("http://dx.doi.org/10.1038/nbt.2816", "10.1038/nbt.2816"),
        ("(doi: 10.1038/nbt.2816)", "10.1038/nbt.2816"),
        ("doi:10.1016/S0140-6736(97)11096-0.", "10.1016/S0140-6736(97)11096-0"),
        ("https://doi.org/10.1000/a%2Fb", "10.1000/a/b"),
    ],
)
def test_text_reads_every_printed_doi_form(printed: str, doi: str) -> None:
    reference, notes = parse_reference(f"Smith J. A title. J Biol. 2009;1:2. {printed}", "R1", 1)
    assert reference.doi == doi
    assert notes == []


@pytest.mark.parametrize(
    ("cited", "note"),
    [
        ("Smith J. Title. J. 2009;1:2. 10.1038/nbt.2816", "has no label; not filled in"),
        ("Smith J. Title. doi:10.1038/a. doi:10.1038/b.", "more than one DOI is printed"),
        ("Smith J. Title. doi: 10.1000", "is not a DOI"),
    ],
)
def test_text_never_guesses_a_doi(cited: str, note: str) -> None:
    reference, notes = parse_reference(cited, "R1", 1)
    assert reference.doi is None
    assert any(note in n for n in notes), notes


# --- text: fields ---------------------------------------------------------------------------


def test_vancouver_reference_is_read_whole() -> None:
    reference, notes = parse_reference(VANCOUVER, "R19", 7)
    assert reference == ImportedReference(
        id="R19",
        cited_as=VANCOUVER,
        doi="10.1126/science.1099513",
        title="Gastric cancer originating from bone marrow-derived cells",
        authors=("Houghton J", "Stoicov C", "Nomura S"),
        year=2004,
        journal="Science",
        volume="306",
        issue="5701",
        pages="1568-71",
        line=7,
    )
    assert notes == []


@pytest.mark.parametrize(
    ("cited", "authors", "source"),
    [
        (
            "Pandey A.C., Kaushal D. et al. A title.\u00a0Stem Cells. 2011; 2(6): 49.",
            ("Pandey A.C.", "Kaushal D.", "et al."),
            (2011, "2", "6", "49"),
        ),
        (
            "De Bari C., Luyten F. P. A title. Arthritis Rheum. 2001; 1037: 145-63.",
            ("De Bari C.", "Luyten F. P."),
            (2001, "1037", None, "145-63"),
        ),
        (
            "De la Fuente, Bernad A. Retraction: A title. Cancer Res. 2010 Aug 15;70(16):6682.",
            ("De la Fuente", "Bernad A"),
            (2010, "70", "16", "6682"),
        ),
        (
            "Smith JA, Doe B. A title? Mol Ther. 2009, 17: 939–946.",
            ("Smith JA", "Doe B"),
            (2009, "17", None, "939–946"),
        ),
    ],
)
def test_vancouver_variants(
    cited: str, authors: tuple[str, ...], source: tuple[int, str, str | None, str]
) -> None:
    reference, _ = parse_reference(cited, "R1", 1)
    assert reference.authors == authors
    assert reference.title is not None
    assert reference.title.startswith(("A title", "Retraction: A title"))
    assert (reference.year, reference.volume, reference.issue, reference.pages) == source


def test_nature_reference_is_read_whole() -> None:
    cited = (
        "Ankrum, J., Ong, J. & Karp, J. Mesenchymal stem cells: immune evasive, not immune "
        "privileged.\u00a0Nat Biotechnol\u00a032, 252–260 (2014). https://doi.org/10.1038/nbt.2816"
    )
    reference, _ = parse_reference(cited, "R24", 1)
    assert reference.authors == ("Ankrum, J.", "Ong, J.", "Karp, J.")
    assert reference.title == "Mesenchymal stem cells: immune evasive, not immune privileged"
    assert (reference.journal, reference.volume, reference.issue, reference.pages) == (
        "Nat Biotechnol",
        "32",
        None,
        "252–260",
    )
    assert (reference.year, reference.doi) == (2014, "10.1038/nbt.2816")


@pytest.mark.parametrize(
    "cited",
    [
        "Smith J. Stem cells. A review. J Biol Chem. 2009;17(5):939-46.",  # title or journal?
        "Smith J. A title. J. Biol. Chem. 2009;17(5):939-46.",  # dotted journal abbreviation
        "Guidelines for stem cell research. Some Journal. 2009;17(5):939-46.",  # no authors
        "Stem cells in RNA. Some review. Some Journal. 2009;17(5):939-46.",  # a title, not names
    ],
)
def test_unclear_shapes_keep_only_the_plain_fields(cited: str) -> None:
    reference, _ = parse_reference(cited, "R1", 1)
    assert (reference.title, reference.authors, reference.journal) == (None, (), None)
    assert (reference.year, reference.volume, reference.issue, reference.pages) == (
        2009,
        "17",
        "5",
        "939-46",
    )
    assert reference.cited_as == cited


@pytest.mark.parametrize(
    ("cited", "year", "ambiguous"),
    [
        ("Smith, J. (2009). A book. Example Press.", 2009, False),
        ("Smith J. A book. Example Press; 2009.", 2009, False),
        ("Smith J. A book. London: Example Press. 2009.", 2009, False),
        ("Smith J. Cancer statistics 1999-2008. Press; 2009.", 2009, False),
        ("Smith J. A book (1998). Example Press; 2009.", None, True),  # which one?
        ("Smith J. A book without a year. Example Press.", None, False),
    ],
)
def test_year_only_where_plain(cited: str, year: int | None, ambiguous: bool) -> None:
    reference, notes = parse_reference(cited, "R1", 1)
    assert reference.year == year
    assert any("several years" in note for note in notes) == ambiguous


# --- text: an abbreviated genus after the authors -------------------------------------------


@pytest.mark.parametrize(
    ("cited", "authors", "title"),
    [
        (
            "Frank C, Werber D. E. coli O104:H4 outbreak in Germany. N Engl J Med. "
            "2011;365(19):1771-80.",
            ("Frank C", "Werber D"),
            "E. coli O104:H4 outbreak in Germany",
        ),
        (
            "Lowy FD. S. aureus infections. N Engl J Med. 1998;339(8):520-32.",
            ("Lowy FD",),
            "S. aureus infections",
        ),
        (
            "Lowy FD. Treatment of S. aureus bacteremia. Clin Infect Dis. 2010;50(1):2-3.",
            ("Lowy FD",),
            "Treatment of S. aureus bacteremia",
        ),
        (
            "Luyten F. P. et al. A title. Arthritis Rheum. 2001; 1037: 145-63.",
            ("Luyten F. P.", "et al."),
            "A title",
        ),
    ],
)
def test_an_abbreviated_genus_starts_the_title(
    cited: str, authors: tuple[str, ...], title: str
) -> None:
    # Initials without periods ("Frank C", "Lowy FD") make "E." the title's, not a name's.
    reference, notes = parse_reference(cited, "R1", 1)
    assert (reference.authors, reference.title) == (authors, title)
    assert reference.journal is not None
    assert notes == []


@pytest.mark.parametrize(
    "cited",
    [
        # Dotted initials: "E." may be Werber's, and the title "coli outbreak".
        "Smith J. A., Werber D. E. coli outbreak. N Engl J Med. 2011;365(19):1771-80.",
        "Lowy F. S. aureus infections. N Engl J Med. 1998;339(8):520-32.",
        "Frank, C. & Werber, D. E. coli outbreak. N Engl J Med 365, 1771–1780 (2011).",
        # A name mixing initials with and without periods: where does the list end?
        "Lowy FD. S. Aureus infections. N Engl J Med. 1998;339(8):520-32.",
        "Frank C, Werber D. E. Coli outbreak. N Engl J Med. 2011;365(19):1771-80.",
    ],
)
def test_an_author_list_that_may_end_at_either_period_is_not_read(cited: str) -> None:
    reference, notes = parse_reference(cited, "R1", 1)
    assert (reference.authors, reference.title, reference.journal) == ((), None, None)
    assert reference.year is not None  # what is plain is still read
    assert any("ends is not plain" in note for note in notes), notes


# --- text: a DOI broken over two lines ------------------------------------------------------

WRAPPED = """\
1. Lee K, Park S. A title. J Clin Invest. 2010;120(1):1-10. https://doi.org/10.1172/JCI-
   40123
2. Kim H. Another. Cell. 2011;1:2-3. doi: 10.1038/nbt
   .2816
3. Kim H. A third. Cell. 2011;1:2-3. doi: 10.1126/science
   1099513.
4. Kim H. A fourth. Cell. 2011;1:2-3. doi: 10.1126/science.1099513.
   PMID: 15514118.
5. Kim H. A fifth. Cell. 2011;1:2-3. doi:10.1172/JCI- 40123
"""


def test_a_doi_broken_over_two_lines_is_joined_or_left_out(tmp_path: Path) -> None:
    result = import_references(_write(tmp_path, "refs.txt", WRAPPED))
    dois = [r.doi for r in result.references]
    assert dois == ["10.1172/JCI-40123", "10.1038/nbt.2816", None, "10.1126/science.1099513", None]
    # cited_as stays as printed, its wrapped lines joined by one space.
    assert result.references[0].cited_as.endswith("https://doi.org/10.1172/JCI- 40123")
    notes = "\n".join(result.notes)
    assert "R1 (line 1): the DOI is broken over two lines" in notes
    assert "R3 (line 5): 'doi: 10.1126/science' ends at a line's end" in notes
    assert "R5 (line 9): 'doi:10.1172/JCI-' ends with '-': it may be cut short" in notes
    assert "R4" not in notes


def test_a_doi_link_broken_after_the_resolver_is_joined(tmp_path: Path) -> None:
    # "https://doi.org/" at a line's end, the DOI on the next: no DOI was read.
    text = (
        "1. Smith J. A title. Cell. 2020;1:2-3. https://doi.org/\n10.1038/nbt.2816\n"
        "2. Smith J. A title. Cell. 2020;1:2-3. http://dx.doi.org/\n   10.1172/JCI-\n   40123\n"
        "3. Smith J. A title. Cell. 2020;1:2-3. https://doi.org/ 10.1038/nbt.2816\n"
    )
    result = import_references(_write(tmp_path, "refs.txt", text))
    assert [r.doi for r in result.references] == ["10.1038/nbt.2816", "10.1172/JCI-40123", None]
    assert result.references[0].cited_as == (
        "Smith J. A title. Cell. 2020;1:2-3. https://doi.org/ 10.1038/nbt.2816"
    )
    assert result.references[0].pages == "2-3"
    assert (
        "R1 (line 1): a DOI link is broken over two lines after 'doi.org/'; read joined: check it"
        in result.notes
    )
