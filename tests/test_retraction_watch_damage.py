"""The Retraction Watch CSV damaged, or written otherwise than Crossref's copy, and its index
damaged or removed under a run: what is refused, what is read, and what is counted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from claimcheck.model.errors import UsageError
from claimcheck.sources.retraction_watch import (
    RetractionWatchError,
    RetractionWatchIndex,
    RetractionWatchSource,
)
from claimcheck.sources.retraction_watch import index as rw_index
from tests.test_retraction_watch import COLUMNS, FULL_ROW, csv_text, index_files, only, write

PAPER = "10.5555/paper.1"


def numbered(count: int, **fields: str) -> list[dict[str, str]]:
    """`count` rows, Record IDs 1.., each retracting its own paper 10.5555/x.N."""
    return [
        {**FULL_ROW, "Record ID": str(i), "OriginalPaperDOI": f"10.5555/x.{i}", **fields}
        for i in range(1, count + 1)
    ]


def lines_of(rows: list[dict[str, str]]) -> list[str]:
    return csv_text(rows).splitlines()


def refused(path: Path, index_dir: Path) -> str:
    with pytest.raises(RetractionWatchError) as caught:
        RetractionWatchIndex(path, index_dir)
    assert index_files(index_dir) == []  # no index, half or whole, and no temporary file
    return str(caught.value)


# ---- a damaged CSV is refused, never half-indexed ---------------------------------------------


def test_a_stray_quote_that_swallows_rows_refuses_the_file(tmp_path: Path) -> None:
    # Line 4 opens a quote in its Title that nothing closes on that line: the csv module
    # reads every line up to the next quote character (here, to the end) as one field, and
    # the retraction of 10.5555/x.7 on line 8 was lost with a warning of "1 row".
    lines = lines_of(numbered(10, Title="Plain title"))
    lines[3] = lines[3].replace(",Plain title,", ',"Plain title,', 1)
    path = write(tmp_path, "\r\n".join(lines) + "\r\n")
    message = refused(path, tmp_path / "index")
    assert message.startswith(f"{path}:4: a row running over lines 4-11 cannot be read")
    assert "\n" not in message


def test_a_stray_quote_closed_in_the_same_column_of_a_later_row_refuses_the_file(
    tmp_path: Path,
) -> None:
    # The stray quote in line 3's Title is closed by the quote before line 6's Title: the
    # row read has the right number of fields (line 3's Record ID, line 6's other cells)
    # and was indexed, and lines 4-5, with the retraction of 10.5555/x.3, were lost unsaid.
    lines = lines_of(numbered(8, Title="Plain title"))
    lines[2] = lines[2].replace(",Plain title,", ',"Plain title,', 1)
    lines[5] = lines[5].replace(",Plain title,", ',"Plain title",', 1)
    path = write(tmp_path, "\r\n".join(lines) + "\r\n")
    message = refused(path, tmp_path / "index")
    assert message.startswith(f"{path}:3: a cell running over lines 3-6 holds whole rows")


def test_a_file_cut_short_in_its_last_row_is_refused(tmp_path: Path) -> None:
    text = csv_text(numbered(12))
    cut = text[: text.index("10.5555/x.12") + 4]  # the download stopped inside line 13
    path = write(tmp_path, cut)
    message = refused(path, tmp_path / "index")
    assert message.startswith(f"{path}:13: the last row is cut short")


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([]))
    assert refused(path, tmp_path / "index").startswith(f"{path}:2: no row after the header")


def test_a_last_row_without_a_line_break_is_read_when_it_is_whole(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text(numbered(3)).rstrip("\r\n"))
    with RetractionWatchIndex(path, tmp_path / "index") as index:
        assert (index.rows, index.skipped_rows) == (3, 0)


def test_a_note_over_several_lines_is_read(tmp_path: Path) -> None:
    rows = [{**FULL_ROW, "Notes": "See the notice,\r\nand the correction, dated later."}]
    with RetractionWatchIndex(write(tmp_path, csv_text(rows)), tmp_path / "index") as index:
        assert (index.rows, index.skipped_rows) == (1, 0)
        assert only(index, PAPER).record_id == "51234"


def test_a_bad_row_on_one_line_is_still_skipped_and_counted(tmp_path: Path) -> None:
    lines = lines_of(numbered(3))
    lines[2] += ",extra"  # line 3: a field too many
    path = write(tmp_path, "\r\n".join(lines) + "\r\n")
    with RetractionWatchIndex(path, tmp_path / "index") as index:
        assert (index.rows, index.skipped_rows, index.skipped_lines) == (2, 1, (3,))


# ---- DOI cells and dates written otherwise --------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "dois"),
    [
        (PAPER + "\u200b", (PAPER,)),  # a zero-width space copied with it
        ("\ufeff" + PAPER, (PAPER,)),  # a byte-order mark
        ("10.5555/pa\u00adper.1", (PAPER,)),  # a soft hyphen
        (PAPER + ", 10.5555/other", (PAPER, "10.5555/other")),
        (PAPER + " 10.5555/other", (PAPER, "10.5555/other")),
        (PAPER + ",10.5555/other;10.5555/third", (PAPER, "10.5555/other", "10.5555/third")),
        ("DOI 10.5555/paper.1", (PAPER,)),
    ],
)
def test_doi_cells_written_otherwise_are_read(
    tmp_path: Path, cell: str, dois: tuple[str, ...]
) -> None:
    notice = cell.replace("10.5555/", "10.5556/")
    rows = [{**FULL_ROW, "OriginalPaperDOI": cell, "RetractionDOI": notice}]
    with RetractionWatchIndex(write(tmp_path, csv_text(rows)), tmp_path / "index") as index:
        record = only(index, PAPER)
        assert record.original_dois == dois
        assert record.notice_dois == tuple(doi.replace("10.5555/", "10.5556/") for doi in dois)
        assert index.lost_dois.count == 0


def test_a_doi_cell_piece_that_is_no_doi_is_counted_with_its_line(tmp_path: Path) -> None:
    rows = [
        *numbered(2),
        {**FULL_ROW, "Record ID": "3", "OriginalPaperDOI": "10.5555/paper 1; 10.5555/kept"},
        {**FULL_ROW, "Record ID": "4", "RetractionDOI": "10,5555/notice.4"},
        {**FULL_ROW, "Record ID": "5", "OriginalPaperDOI": "unavailable", "RetractionDOI": ""},
    ]
    with RetractionWatchIndex(write(tmp_path, csv_text(rows)), tmp_path / "index") as index:
        assert (index.lost_dois.count, index.lost_dois.lines) == (2, (4, 5))
        assert only(index, "10.5555/kept").record_id == "3"


@pytest.mark.parametrize(
    "written",
    [
        "2/6/2010 0:00",
        "2/6/2010 12:00:00 AM",
        "2/6/2010 3:15 pm",
        "2010-02-06 00:00:00",
        "2010-02-06T00:00:00",
        "2010-02-06T00:00:00Z",
        "2010-02-06 00:00:00.000",
    ],
)
def test_dates_a_spreadsheet_or_an_export_writes_are_read(tmp_path: Path, written: str) -> None:
    rows = [{**FULL_ROW, "RetractionDate": written, "OriginalPaperDate": written}]
    with RetractionWatchIndex(write(tmp_path, csv_text(rows)), tmp_path / "index") as index:
        record = only(index, PAPER)
        assert (record.date, record.original_date) == ("2010-02-06", "2010-02-06")
        assert index.lost_dates.count == 0


def test_a_date_that_cannot_be_read_is_counted_with_its_line(tmp_path: Path) -> None:
    rows = [
        *numbered(2),
        {**FULL_ROW, "Record ID": "3", "RetractionDate": "6 Feb 2010"},
        {**FULL_ROW, "Record ID": "4", "OriginalPaperDate": "2/30/2020 0:00"},
        {**FULL_ROW, "Record ID": "5", "OriginalPaperDate": ""},  # blank: not known, not lost
    ]
    with RetractionWatchIndex(write(tmp_path, csv_text(rows)), tmp_path / "index") as index:
        assert (index.lost_dates.count, index.lost_dates.lines) == (2, (4, 5))
    with RetractionWatchIndex(write(tmp_path, csv_text(rows)), tmp_path / "index") as reopened:
        assert not reopened.built  # the tally is kept in the index's meta
        assert (reopened.lost_dates.count, reopened.lost_dates.lines) == (2, (4, 5))


# ---- another run removing the index --------------------------------------------------------


def test_an_index_removed_while_it_is_opened_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another run, indexing another copy of the CSV in the same cache folder, removes this
    # index as stale between this run's connect and its checks (the size check's stat()).
    path = write(tmp_path, csv_text([FULL_ROW]))
    with RetractionWatchIndex(path, tmp_path / "index") as first:
        index_path = first.index_path
    connect = sqlite3.connect

    def connect_then_lose(database: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        connection = connect(database, *args, **kwargs)  # type: ignore[arg-type]
        if str(database).startswith("file:") and index_path.exists():
            index_path.unlink()
        return connection

    monkeypatch.setattr(rw_index.sqlite3, "connect", connect_then_lose)
    with RetractionWatchIndex(path, tmp_path / "index") as second:
        assert second.built
        assert only(second, PAPER).record_id == "51234"


def test_an_index_removed_by_another_run_as_soon_as_it_is_built_is_still_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The other run builds its own copy's index just after this one's rename, and removes
    # this one as stale before this run has opened it.
    path = write(tmp_path, csv_text([FULL_ROW]))
    other = tmp_path / "other" / "retraction_watch.csv"
    other.parent.mkdir()
    other.write_text(csv_text([{**FULL_ROW, "OriginalPaperDOI": "10.5555/other"}]))
    remove_stale = rw_index._remove_stale
    others: list[RetractionWatchIndex] = []
    started: list[bool] = []

    def then_another_run(index_dir: Path, keep: Path) -> None:
        remove_stale(index_dir, keep)
        if not started:  # once: the other run's own build passes here too
            started.append(True)
            others.append(RetractionWatchIndex(other, index_dir))

    monkeypatch.setattr(rw_index, "_remove_stale", then_another_run)
    with RetractionWatchIndex(path, tmp_path / "index") as first:
        assert not first.index_path.exists()  # removed by the other run
        assert only(first, PAPER).record_id == "51234"
    others[0].close()


# ---- an index damaged where opening does not look --------------------------------------------


def damage_doi_index(index_path: Path) -> None:
    """Overwrite the b-tree of the index on paper DOIs, which opening does not read."""
    connection = sqlite3.connect(index_path)
    (root,) = connection.execute(
        "SELECT rootpage FROM sqlite_schema WHERE name = 'original_dois_doi'"
    ).fetchone()
    (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    data = bytearray(index_path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + page_size] = b"\xff" * (page_size - 8)
    index_path.write_bytes(bytes(data))


def damaged(tmp_path: Path) -> tuple[Path, RetractionWatchIndex]:
    path = write(tmp_path, csv_text([*numbered(3000), FULL_ROW]))
    with RetractionWatchIndex(path, tmp_path / "index") as first:
        damage_doi_index(first.index_path)
    return path, RetractionWatchIndex(path, tmp_path / "index")


def test_an_index_damaged_where_opening_does_not_look_is_built_again(tmp_path: Path) -> None:
    _path, index = damaged(tmp_path)
    with index:
        assert not index.built  # the damage does not show when it is opened
        assert only(index, PAPER).record_id == "51234"
        assert index.built
        assert len(index.by_original([f"10.5555/x.{i}" for i in range(1, 3001)])) == 3000
    with RetractionWatchIndex(index.csv_path, tmp_path / "index") as reopened:
        assert not reopened.built  # the new index is the one in place
        assert only(reopened, PAPER).record_id == "51234"


@pytest.mark.parametrize("through", ["index", "source"])
def test_a_damaged_index_that_cannot_be_built_again_is_a_clear_error(
    tmp_path: Path, through: str
) -> None:
    path, index = damaged(tmp_path)
    path.write_text(",".join(COLUMNS) + "\r\n")  # the CSV, meanwhile replaced by a header
    with index:
        if through == "source":
            # What an audit or `resolve` sees: a usage error (exit 2) naming the file.
            with pytest.raises(UsageError, match=rf"^--retraction-watch: {path}:2: no row"):
                RetractionWatchSource(index).entries([PAPER])
        else:
            with pytest.raises(RetractionWatchError, match=rf"^{path}:2: no row"):
                index.by_original([PAPER])


def test_an_index_whose_meta_is_nested_thousands_deep_is_built_again(tmp_path: Path) -> None:
    # The index is a file in the cache folder, anyone's to change: json.loads of a meta
    # value nested 5,000 deep raises RecursionError, which was an internal error.
    path = write(tmp_path, csv_text([FULL_ROW]))
    with RetractionWatchIndex(path, tmp_path / "index") as first:
        index_path = first.index_path
    with sqlite3.connect(index_path) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'rows'", ("[" * 5000,))
    connection.close()
    with RetractionWatchIndex(path, tmp_path / "index") as second:
        assert second.built
        assert only(second, PAPER).record_id == "51234"
