"""The Retraction Watch CSV read row by row: each column's written forms, and bad input."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pytest

from claimcheck.sources.retraction_watch import (
    RetractionWatchError,
    RetractionWatchIndex,
    RetractionWatchRecord,
)
from claimcheck.sources.retraction_watch.rows import HEADER

ROOT = Path(__file__).resolve().parent.parent
DERIVED = ROOT / "tests" / "data" / "retraction_watch" / "derived.csv"
COLUMNS = HEADER.split(",")
SICI = "10.1002/1529-0131(200108)44:8<1928::AID-ART331>3.0.CO;2-P"
FULL_ROW = {
    "Record ID": "51234",
    "Title": "Stem cells, in mice",
    "Journal": "Journal of Tests",
    "Author": "A. Author;B. Author",
    "RetractionDate": "6/5/2020 0:00",
    "RetractionDOI": "10.5555/Notice.1",
    "OriginalPaperDate": "12/31/2018 0:00",
    "OriginalPaperDOI": "10.5555/Paper.1",
    "RetractionNature": "Retraction",
    "Reason": "+Concerns/Issues About Data;+Paper Mill;",
    "Paywalled": "No",
}


def csv_text(
    rows: Iterable[Mapping[str, str]],
    header: Sequence[str] = COLUMNS,
    *,
    header_comma: bool = False,
    row_comma: bool = False,
) -> str:
    """A CSV in the real file's layout; a trailing comma adds an empty last field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*header, ""] if header_comma else header)
    for row in rows:
        values = [row.get(column, "") for column in header]
        writer.writerow([*values, ""] if row_comma else values)
    return buffer.getvalue()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "retraction_watch.csv"
    path.write_bytes(text.encode(encoding))
    return path


def index_of(tmp_path: Path, text: str, encoding: str = "utf-8") -> RetractionWatchIndex:
    return RetractionWatchIndex(write(tmp_path, text, encoding), tmp_path / "index")


def only(index: RetractionWatchIndex, doi: str) -> RetractionWatchRecord:
    (record,) = index.by_original([doi])[doi]
    return record


def index_files(index_dir: Path) -> list[str]:
    return sorted(path.name for path in index_dir.iterdir()) if index_dir.exists() else []


# ---- parsing ---------------------------------------------------------------------------


def test_a_full_row_becomes_a_record(tmp_path: Path) -> None:
    with index_of(tmp_path, csv_text([FULL_ROW])) as index:
        assert index.rows == 1
        assert index.skipped_rows == 0
        assert only(index, "10.5555/paper.1") == RetractionWatchRecord(
            record_id="51234",
            nature="retraction",
            original_dois=("10.5555/paper.1",),
            notice_dois=("10.5555/notice.1",),
            date="2020-06-05",
            original_date="2018-12-31",
            title="Stem cells, in mice",
            journal="Journal of Tests",
            reasons=("Concerns/Issues About Data", "Paper Mill"),
        )


@pytest.mark.parametrize(
    ("header_comma", "row_comma"), [(False, False), (True, True), (True, False), (False, True)]
)
def test_header_and_rows_with_or_without_a_trailing_comma(
    tmp_path: Path, header_comma: bool, row_comma: bool
) -> None:
    text = csv_text([FULL_ROW], header_comma=header_comma, row_comma=row_comma)
    assert text.splitlines()[0].endswith(",") == header_comma
    with index_of(tmp_path, text) as index:
        assert (index.rows, index.skipped_rows) == (1, 0)
        assert only(index, "10.5555/paper.1").reasons == (
            "Concerns/Issues About Data",
            "Paper Mill",
        )


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    row = {**FULL_ROW, "Title": "Effets des cellules souches: étude"}
    with index_of(tmp_path, "\ufeff" + csv_text([row]), "utf-8") as index:
        assert only(index, "10.5555/paper.1").record_id == "51234"
        assert only(index, "10.5555/paper.1").title == "Effets des cellules souches: étude"


def test_a_file_in_latin1_is_read_as_latin1(tmp_path: Path) -> None:
    row = {**FULL_ROW, "Title": "Café au lait spots", "Journal": "Revista Médica"}
    with index_of(tmp_path, csv_text([row]), "latin-1") as index:
        record = only(index, "10.5555/paper.1")
        assert (record.title, record.journal) == ("Café au lait spots", "Revista Médica")


def test_utf8_with_a_few_latin1_bytes_keeps_both_right(tmp_path: Path) -> None:
    """Crossref's notes: the file "appears to have UTF-8 errors"; the UTF-8 around a bad
    byte must not be garbled (as decoding the whole file as latin-1 would)."""
    utf8 = {**FULL_ROW, "Title": "Ёлкин и Пётр: 細胞"}
    bad = {**FULL_ROW, "Record ID": "2", "OriginalPaperDOI": "10.5555/two", "Title": "Café"}
    data = csv_text([utf8]).encode("utf-8") + csv_text([bad]).split("\r\n", 1)[1].encode("latin-1")
    path = tmp_path / "retraction_watch.csv"
    path.write_bytes(data)
    with RetractionWatchIndex(path, tmp_path / "index") as index:
        assert only(index, "10.5555/paper.1").title == "Ёлкин и Пётр: 細胞"
        assert only(index, "10.5555/two").title == "Café"


def test_a_byte_order_mark_before_latin1_text_is_not_part_of_the_first_column(
    tmp_path: Path,
) -> None:
    row = {**FULL_ROW, "Title": "Café au lait spots"}
    path = tmp_path / "retraction_watch.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([row]).encode("latin-1"))
    with RetractionWatchIndex(path, tmp_path / "index") as index:
        assert only(index, "10.5555/paper.1").title == "Café au lait spots"


def test_column_names_are_matched_whatever_their_case_and_spaces(tmp_path: Path) -> None:
    header = [f" {name.lower()} " for name in COLUMNS]
    lowered = {f" {name.lower()} ": value for name, value in FULL_ROW.items()}
    with index_of(tmp_path, csv_text([lowered], header)) as index:
        assert only(index, "10.5555/paper.1").record_id == "51234"


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("6/5/2020 0:00", "2020-06-05"),
        ("12/31/1999 0:00", "1999-12-31"),
        ("1/2/2003", "2003-01-02"),
        ("2020-06-05", "2020-06-05"),
        (" 7/4/2019 12:30 ", "2019-07-04"),
        ("", None),
        ("2/30/2020 0:00", None),
        ("13/1/2020 0:00", None),
        ("unknown", None),
    ],
)
def test_dates(tmp_path: Path, written: str, iso: str | None) -> None:
    row = {**FULL_ROW, "RetractionDate": written, "OriginalPaperDate": written}
    with index_of(tmp_path, csv_text([row])) as index:
        record = only(index, "10.5555/paper.1")
        assert (record.date, record.original_date) == (iso, iso)


@pytest.mark.parametrize(
    ("written", "nature"),
    [
        ("Retraction", "retraction"),
        ("Correction", "correction"),
        ("Expression of concern", "expression_of_concern"),
        ("Expression of Concern", "expression_of_concern"),
        ("Reinstatement", "reinstatement"),
        (" Retraction  and Republication ", "retraction_and_republication"),
    ],
)
def test_natures(tmp_path: Path, written: str, nature: str) -> None:
    with index_of(tmp_path, csv_text([{**FULL_ROW, "RetractionNature": written}])) as index:
        assert only(index, "10.5555/paper.1").nature == nature


@pytest.mark.parametrize("written", ["", "  ", "Erratum?", "Withdrawn"])
def test_a_nature_that_is_blank_or_unknown_makes_the_row_unreadable(
    tmp_path: Path, written: str
) -> None:
    # Indexed, such a row would be an update nobody applies: the paper would come out clean
    # with no word of the record. Counted as unreadable, every run warns of it.
    text = csv_text([{**FULL_ROW, "RetractionNature": written}])
    with index_of(tmp_path, text) as index:
        assert (index.rows, index.skipped_rows, index.skipped_lines) == (0, 1, (2,))


def test_doi_lists_in_every_written_form(tmp_path: Path) -> None:
    cell = (
        "10.5555/A; https://doi.org/10.5555/B ;doi:10.5555/C;unavailable;"
        f" DOI: 10.5555/D.;10.5555/a;not a doi;10.12/too-short-prefix;{SICI};"
    )
    with index_of(tmp_path, csv_text([{**FULL_ROW, "OriginalPaperDOI": cell}])) as index:
        record = only(index, "10.5555/b")
        assert record.original_dois == (
            "10.5555/a",
            "10.5555/b",
            "10.5555/c",
            "10.5555/d",
            SICI.lower(),
        )
        found = index.by_original(["10.5555/A", SICI, "10.5555/c", "10.12/too-short-prefix"])
        assert sorted(found) == sorted(["10.5555/a", SICI.lower(), "10.5555/c"])


@pytest.mark.parametrize(
    ("cell", "dois"),
    [
        ("10.5555/paper.1; N/A", ("10.5555/paper.1",)),
        ("10.5555/paper.1; PMID: 12345", ("10.5555/paper.1",)),
        ("10.5555/paper.2; DOI 10.5555/paper.1", ("10.5555/paper.2", "10.5555/paper.1")),
        ("10.5555/paper.1; info:doi/10.5555/paper.2", ("10.5555/paper.1", "10.5555/paper.2")),
        ("10.5555/paper.1; (10.5555/paper.2)", ("10.5555/paper.1", "10.5555/paper.2")),
        (f"{SICI}; 10.5555/paper.1", (SICI.lower(), "10.5555/paper.1")),
    ],
)
def test_a_neighbour_that_is_no_doi_never_spoils_a_doi(
    tmp_path: Path, cell: str, dois: tuple[str, ...]
) -> None:
    # Only a SICI DOI's own tail (`;2-P`) joins the piece before it; the retraction of
    # 10.5555/paper.1 was lost when `; N/A` was glued onto it.
    with index_of(tmp_path, csv_text([{**FULL_ROW, "OriginalPaperDOI": cell}])) as index:
        assert only(index, dois[0]).original_dois == dois


@pytest.mark.parametrize("written", ["unavailable", "Unavailable", "UNAVAILABLE", "", "  "])
def test_no_notice_doi(tmp_path: Path, written: str) -> None:
    with index_of(tmp_path, csv_text([{**FULL_ROW, "RetractionDOI": written}])) as index:
        assert only(index, "10.5555/paper.1").notice_dois == ()
        assert index.by_notice(["unavailable", "10.5555/notice.1"]) == {}


@pytest.mark.parametrize(
    ("written", "reasons"),
    [
        ("+Error in Data;+Paper Mill;", ("Error in Data", "Paper Mill")),
        (
            " + Plagiarism of Text ; ;Duplication of Image",
            ("Plagiarism of Text", "Duplication of Image"),
        ),
        ("+Error\nin Data;", ("Error in Data",)),
        ("", ()),
        (";;+;", ()),
    ],
)
def test_reasons(tmp_path: Path, written: str, reasons: tuple[str, ...]) -> None:
    with index_of(tmp_path, csv_text([{**FULL_ROW, "Reason": written}])) as index:
        assert only(index, "10.5555/paper.1").reasons == reasons


# ---- bad input ---------------------------------------------------------------------------


def test_a_header_missing_columns_is_a_located_error(tmp_path: Path) -> None:
    header = [name for name in COLUMNS if name not in ("RetractionDOI", "Reason")]
    path = write(tmp_path, csv_text([FULL_ROW], header))
    with pytest.raises(RetractionWatchError) as caught:
        RetractionWatchIndex(path, tmp_path / "index")
    message = str(caught.value)
    assert message.startswith(f"{path}:1: ")
    assert "RetractionDOI, Reason" in message
    assert "\n" not in message
    assert not list((tmp_path / "index").glob("*"))  # no index, and no temporary file


def test_an_empty_file_is_a_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(RetractionWatchError, match=r":1: empty"):
        RetractionWatchIndex(path, tmp_path / "index")


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_a_path_that_is_not_a_file_is_an_error_naming_it(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "retraction_watch.csv"
    if kind == "directory":
        path.mkdir()
    with pytest.raises(RetractionWatchError) as caught:
        RetractionWatchIndex(path, tmp_path / "index")
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="needs an unprivileged POSIX user"
)
def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([FULL_ROW]))
    path.chmod(0)
    with pytest.raises(RetractionWatchError, match="cannot be read"):
        RetractionWatchIndex(path, tmp_path / "index")


def test_bad_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    good = csv_text([FULL_ROW, {**FULL_ROW, "Record ID": "2", "OriginalPaperDOI": "10.5555/two"}])
    lines = good.splitlines()
    text = "\r\n".join(
        [
            *lines[:2],
            "3,too,few,fields",  # line 3
            lines[2],  # line 4: good
            "",  # line 5: a blank line is no row
            lines[1].replace("51234", ""),  # line 6: no Record ID
            lines[1] + ",extra",  # line 7: one field too many, and not empty
            lines[1],  # line 8: Record ID 51234 again
            # lines 9-10: good (RetractionNature is the 17th field)
            '9,"a ""quoted""\r\nmulti-line title",'
            + ",".join([""] * 14 + ["Retraction"] + [""] * 3),
        ]
    )
    with index_of(tmp_path, text + "\r\n") as index:
        assert index.rows == 3
        assert index.skipped_rows == 4
        assert index.skipped_lines == (3, 6, 7, 8)
        assert only(index, "10.5555/paper.1").title == "Stem cells, in mice"
        assert sorted(index.by_original(["10.5555/two", "10.5555/paper.1"])) == [
            "10.5555/paper.1",
            "10.5555/two",
        ]
    with index_of(tmp_path, text + "\r\n") as reopened:
        assert not reopened.built
        assert (reopened.rows, reopened.skipped_rows, reopened.skipped_lines) == (
            3,
            4,
            (3, 6, 7, 8),
        )


def test_a_row_the_csv_module_cannot_read_is_skipped_and_counted(tmp_path: Path) -> None:
    too_long = {**FULL_ROW, "Record ID": "2", "Notes": "x" * (csv.field_size_limit() + 1)}
    last = {**FULL_ROW, "Record ID": "3", "OriginalPaperDOI": "10.5555/three"}
    with index_of(tmp_path, csv_text([FULL_ROW, too_long, last])) as index:
        assert (index.rows, index.skipped_rows, index.skipped_lines) == (2, 1, (3,))
        assert sorted(index.by_original(["10.5555/paper.1", "10.5555/three"])) == [
            "10.5555/paper.1",
            "10.5555/three",
        ]
