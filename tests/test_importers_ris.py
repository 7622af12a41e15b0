"""The RIS importer where rispy alone would lose or mangle what a record says: SP given as
a range with EP, DO given twice, authors under both AU and A1, a DOI only in a UR link."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.inputs.importers import ImportResult, import_references
from tests.test_importers import _write


def _ris(tmp_path: Path, *lines: str) -> ImportResult:
    text = "\n".join(["TY  - JOUR", "TI  - A title", *lines, "ER  - ", ""])
    return import_references(_write(tmp_path, "refs.ris", text))


@pytest.mark.parametrize(
    ("start", "end", "pages", "noted"),
    [
        ("939", "946", "939-946", False),
        ("939", None, "939", False),
        ("939", "939", "939", False),
        ("939-946", "946", "939-946", False),  # was "939-946-946"
        ("939-946", None, "939-946", False),
        ("939-46", "946", "939-46", False),  # the end abbreviated, as Vancouver writes it
        ("939-946", "46", "939-946", False),  # EP abbreviated: was left out as disagreeing
        ("939-46", "46", "939-46", False),
        ("99-105", "5", "99-105", False),
        ("939-946", "939-46", "939-946", False),
        ("939-946", "45", None, True),
        ("939-946", "7", None, True),
        ("939-946", "939–946", "939-946", False),  # the same range, another dash
        ("939", "939-946", "939-946", False),
        ("e1234", "e1234", "e1234", False),
        ("939-946", "950", None, True),
        ("939-946", "940", None, True),
        ("939", "940-946", None, True),
    ],
)
def test_pages_from_sp_and_ep(
    tmp_path: Path, start: str, end: str | None, pages: str | None, noted: bool
) -> None:
    lines = [f"SP  - {start}"] + ([f"EP  - {end}"] if end else [])
    result = _ris(tmp_path, *lines)
    assert result.references[0].pages == pages
    assert any("disagree; pages left out" in note for note in result.notes) == noted


def test_two_different_dois_are_left_out_with_a_note(tmp_path: Path) -> None:
    result = _ris(tmp_path, "DO  - 10.1000/first", "DO  - 10.1000/second")
    assert result.references[0].doi is None
    assert (
        "line 1: more than one DOI is given (DO lines: 10.1000/first, 10.1000/second); left out"
        in result.notes
    )


def test_the_same_doi_twice_is_one_doi(tmp_path: Path) -> None:
    result = _ris(tmp_path, "DO  - 10.1000/ABC", "DO  - https://doi.org/10.1000/abc")
    assert result.references[0].doi == "10.1000/ABC"
    assert result.notes == ()


def test_au_and_a1_authors_are_merged_in_order(tmp_path: Path) -> None:
    lines = ["A1  - Smith, John A.", "AU  - Doe, Jane", "AU  - Smith, J. A.", "AU  - Wang, Yu"]
    result = _ris(tmp_path, *lines, "AU  - Wang, Y.")
    # The one person under both tags once; two people of one name under one tag both.
    assert result.references[0].authors == ("Smith JA", "Doe J", "Wang Y", "Wang Y")
    assert "line 1: authors are given as both AU and A1; read in order" in result.notes


def test_a_doi_link_in_ur_is_read_when_there_is_no_do(tmp_path: Path) -> None:
    result = _ris(tmp_path, "UR  - https://example.org/a", "UR  - https://doi.org/10.1038/nm.1234")
    assert result.references[0].doi == "10.1038/nm.1234"
    given = _ris(tmp_path, "DO  - 10.1000/printed", "UR  - http://dx.doi.org/10.1038/nm.1234")
    assert given.references[0].doi == "10.1000/printed"
    two = _ris(tmp_path, "UR  - https://doi.org/10.1000/a", "UR  - https://doi.org/10.1000/b")
    assert two.references[0].doi is None
    assert any("(UR links: 10.1000/a, 10.1000/b); left out" in note for note in two.notes)


def test_a_do_line_continued_on_the_next_line_is_not_cut_short(tmp_path: Path) -> None:
    # rispy joins an untagged line to the tag before it: "10.1172/JCI- 40123" is no DOI.
    result = _ris(tmp_path, "DO  - 10.1172/JCI-", "40123")
    assert result.references[0].doi is None
    assert any("'10.1172/JCI- 40123' is not a DOI" in note for note in result.notes)


def test_ur_links_are_split_at_a_semicolon_before_another_link_only(tmp_path: Path) -> None:
    sici = "10.1002/(SICI)1521-3773(19980904)37:16<2174::AID-ANIE2174>3.0.CO;2-#"
    for line in (
        "UR  - https://example.org/paper; https://doi.org/10.1000/x",
        "UR  - https://example.org/paper;https://doi.org/10.1000/x",
    ):
        assert _ris(tmp_path, line).references[0].doi == "10.1000/x"
    assert _ris(tmp_path, f"UR  - https://doi.org/{sici}").references[0].doi == sici
