"""The Retraction Watch CSV as an offline source: parsing, the SQLite index, lookups."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import runpy
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import DoiError
from claimcheck.sources.retraction_watch import (
    RetractionWatchError,
    RetractionWatchIndex,
    RetractionWatchRecord,
)
from claimcheck.sources.retraction_watch import index as rw_index
from claimcheck.sources.retraction_watch import rows as rw_rows
from claimcheck.sources.retraction_watch.rows import HEADER

ROOT = Path(__file__).resolve().parent.parent
DERIVED = ROOT / "tests" / "data" / "retraction_watch" / "derived.csv"
SCRIPT = ROOT / "scripts" / "build_retraction_watch_csv.py"
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


# ---- the index ---------------------------------------------------------------------------


def test_the_index_is_built_once_and_reused(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([FULL_ROW]))
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    with RetractionWatchIndex.open(path, tmp_path / "index") as first:
        assert first.built
        assert first.sha256 == sha256
        assert first.csv_path == path
        assert first.index_path == tmp_path / "index" / f"retraction-watch-{sha256}.sqlite"
        before = first.index_path.stat()
    with RetractionWatchIndex(path, tmp_path / "index") as second:
        assert not second.built
        assert (second.rows, second.sha256) == (1, sha256)
        assert only(second, "10.5555/paper.1").record_id == "51234"
        after = second.index_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert index_files(tmp_path / "index") == [f"retraction-watch-{sha256}.sqlite"]


def test_a_changed_csv_gets_a_new_index_and_the_old_one_goes(tmp_path: Path) -> None:
    old = index_of(tmp_path, csv_text([FULL_ROW]))
    assert old.by_notice(["10.5555/notice.2"]) == {}
    changed = {**FULL_ROW, "Record ID": "2", "RetractionDOI": "10.5555/notice.2"}
    with index_of(tmp_path, csv_text([FULL_ROW, changed])) as new:
        assert new.built
        assert new.sha256 != old.sha256
        assert new.rows == 2
        (record,) = new.by_notice(["10.5555/notice.2"])["10.5555/notice.2"]
        assert record.record_id == "2"
        assert index_files(tmp_path / "index") == [new.index_path.name]
        if os.name == "posix":  # an open index outlives its file's removal
            assert only(old, "10.5555/paper.1").record_id == "51234"
    old.close()


def corrupt_garbage(path: Path) -> None:
    path.write_bytes(b"this is not a SQLite file\n" * 100)


def corrupt_truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def corrupt_last_page_lost(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    data = path.read_bytes()
    path.write_bytes(data[:-page_size])


def corrupt_empty(path: Path) -> None:
    path.write_bytes(b"")


def corrupt_schema_version(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    connection.close()


def corrupt_lost_rows(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM records")
    connection.close()


def corrupt_no_meta(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE meta")
    connection.close()


@pytest.mark.parametrize(
    "corrupt",
    [
        corrupt_garbage,
        corrupt_truncated,
        corrupt_last_page_lost,
        corrupt_empty,
        corrupt_schema_version,
        corrupt_lost_rows,
        corrupt_no_meta,
    ],
)
def test_a_corrupt_or_outdated_index_is_rebuilt(
    tmp_path: Path, corrupt: Callable[[Path], None]
) -> None:
    path = write(tmp_path, csv_text([FULL_ROW]))
    with RetractionWatchIndex(path, tmp_path / "index") as first:
        index_path = first.index_path
    corrupt(index_path)
    with RetractionWatchIndex(path, tmp_path / "index") as second:
        assert second.built
        assert only(second, "10.5555/paper.1").record_id == "51234"
    with RetractionWatchIndex(path, tmp_path / "index") as third:
        assert not third.built
    assert index_files(tmp_path / "index") == [index_path.name]


def test_an_interrupted_build_leaves_no_index(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text([FULL_ROW]))

    def interrupt(rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        RetractionWatchIndex(path, tmp_path / "index", on_progress=interrupt)
    assert index_files(tmp_path / "index") == []
    with RetractionWatchIndex(path, tmp_path / "index") as index:
        assert index.built
        assert index.rows == 1


def test_a_concurrent_builder_does_not_break_the_first(tmp_path: Path) -> None:
    """Another builder (here in the same process) builds and renames its index while the
    first is half way: both end with a whole index, and the first's rename wins."""
    path = write(tmp_path, csv_text([FULL_ROW]))
    others: list[RetractionWatchIndex] = []

    def build_another(rows: int) -> None:
        if not others:
            others.append(RetractionWatchIndex(path, tmp_path / "index"))

    with RetractionWatchIndex(path, tmp_path / "index", on_progress=build_another) as first:
        (second,) = others
        assert first.built
        assert second.built
        for index in (first, second):
            assert only(index, "10.5555/paper.1").record_id == "51234"
        second.close()
    with RetractionWatchIndex(path, tmp_path / "index") as third:
        assert not third.built
    assert index_files(tmp_path / "index") == [third.index_path.name]


def test_builders_in_threads_agree(tmp_path: Path) -> None:
    rows = [
        {**FULL_ROW, "Record ID": str(i), "OriginalPaperDOI": f"10.5555/t.{i}"} for i in range(3000)
    ]
    path = write(tmp_path, csv_text(rows))
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            with RetractionWatchIndex(path, tmp_path / "index") as index:
                results.append((index.rows, index.sha256))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert results[0][0] == 3000
    assert [name for name in index_files(tmp_path / "index") if name.endswith(".tmp")] == []


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    stale = index_dir / ".retraction-watch-stale.tmp"
    fresh = index_dir / ".retraction-watch-fresh.tmp"
    for temp in (stale, fresh):
        temp.write_bytes(b"half an index")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    with RetractionWatchIndex(write(tmp_path, csv_text([FULL_ROW])), index_dir):
        pass
    assert not stale.exists()
    assert fresh.exists()  # perhaps another process's build in progress


def test_progress_is_reported(tmp_path: Path) -> None:
    rows = [
        {**FULL_ROW, "Record ID": str(i), "OriginalPaperDOI": f"10.5555/p.{i}"}
        for i in range(10_500)
    ]
    seen: list[int] = []
    path = write(tmp_path, csv_text(rows))
    with RetractionWatchIndex(path, tmp_path / "index", on_progress=seen.append) as index:
        assert index.rows == 10_500
    assert seen == [10_000, 10_500]


def test_the_index_tables(tmp_path: Path) -> None:
    with index_of(tmp_path, csv_text([FULL_ROW])) as index:
        index_path = index.index_path
    with sqlite3.connect(index_path) as connection:
        meta = {k: json.loads(v) for k, v in connection.execute("SELECT key, value FROM meta")}
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        notices = connection.execute("SELECT doi, record_id FROM notice_dois").fetchall()
    connection.close()
    assert meta["schema_version"] == rw_index.SCHEMA_VERSION
    assert meta["rows"] == 1
    assert meta["sha256"] == index_path.stem.removeprefix("retraction-watch-")
    assert {
        "records",
        "original_dois",
        "notice_dois",
        "original_dois_doi",
        "notice_dois_doi",
    } <= tables
    assert notices == [("10.5555/notice.1", "51234")]


# ---- lookups ---------------------------------------------------------------------------


@pytest.fixture
def derived(tmp_path: Path) -> Iterable[RetractionWatchIndex]:
    with RetractionWatchIndex(DERIVED, tmp_path / "index") as index:
        yield index


def test_lookup_by_original_sorts_by_date(derived: RetractionWatchIndex) -> None:
    found = derived.by_original(["https://doi.org/10.1016/S0140-6736(20)31180-6", "10.5555/absent"])
    assert list(found) == ["10.1016/s0140-6736(20)31180-6"]
    records = found["10.1016/s0140-6736(20)31180-6"]
    assert [(r.record_id, r.nature, r.date) for r in records] == [
        ("23528", "correction", "2020-05-30"),
        ("23527", "expression_of_concern", "2020-06-03"),
        ("23529", "retraction", "2020-06-05"),
    ]
    assert records[2].notice_dois == ("10.1016/s0140-6736(20)31324-6",)
    assert records[2].journal == "The Lancet"


def test_lookup_by_notice(derived: RetractionWatchIndex) -> None:
    found = derived.by_notice(["doi:10.1016/s0140-6736(20)31324-6", "10.3892/OL.2018.7943"])
    assert {doi: [r.record_id for r in records] for doi, records in found.items()} == {
        "10.1016/s0140-6736(20)31324-6": ["23529"],
        "10.3892/ol.2018.7943": ["17177"],
    }
    assert found["10.3892/ol.2018.7943"][0].original_dois == ("10.3892/ol.2017.7467",)


def test_the_derived_rows_cover_what_they_say(derived: RetractionWatchIndex) -> None:
    found = derived.by_original(
        [
            "10.5555/claimcheck.rw.reinstated",
            "10.5555/claimcheck.rw.list-a",
            "10.5555/claimcheck.rw.list-b",
            "10.5555/claimcheck.rw.notice-unavailable",
            "10.5555/claimcheck.rw.corrected",
            "10.5555/claimcheck.rw.concern",
            "10.5555/claimcheck.rw.csv-only",
            "10.1109/icetce.2011.5774727",
        ]
    )
    natures = {doi: [r.nature for r in records] for doi, records in found.items()}
    assert natures == {
        "10.5555/claimcheck.rw.reinstated": ["retraction", "reinstatement"],
        "10.5555/claimcheck.rw.list-a": ["retraction"],
        "10.5555/claimcheck.rw.list-b": ["retraction"],
        "10.5555/claimcheck.rw.notice-unavailable": ["retraction"],
        "10.5555/claimcheck.rw.corrected": ["correction"],
        "10.5555/claimcheck.rw.concern": ["expression_of_concern"],
        "10.5555/claimcheck.rw.csv-only": ["retraction"],
        "10.1109/icetce.2011.5774727": ["retraction"],
    }
    assert found["10.5555/claimcheck.rw.list-a"] == found["10.5555/claimcheck.rw.list-b"]
    assert found["10.5555/claimcheck.rw.notice-unavailable"][0].notice_dois == ()
    assert found["10.5555/claimcheck.rw.csv-only"][0].reasons == (
        "Fabrication of Data",
        "Paper Mill",
    )
    assert derived.rows == 16
    assert derived.skipped_rows == 0


def test_lookups_of_many_dois_are_chunked(tmp_path: Path) -> None:
    rows = [
        {**FULL_ROW, "Record ID": str(i), "OriginalPaperDOI": f"10.5555/chunk.{i}"}
        for i in range(1_200)
    ]
    asked = [f"10.5555/chunk.{i}" for i in range(1_200)] + [
        f"10.5555/absent.{i}" for i in range(1_300)
    ]
    with index_of(tmp_path, csv_text(rows)) as index:
        # SQLite before 3.32 allowed 999 parameters per statement; some builds still do.
        index._connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        found = index.by_original(asked)
    assert len(found) == 1_200
    assert all(records[0].record_id == doi.rsplit(".", 1)[1] for doi, records in found.items())


def test_lookups_ignore_repeats_and_non_dois(derived: RetractionWatchIndex) -> None:
    asked = ["10.1109/ICETCE.2011.5774727", "doi:10.1109/icetce.2011.5774727", "", "nonsense"]
    assert list(derived.by_original(asked)) == ["10.1109/icetce.2011.5774727"]
    assert list(derived.by_notice(iter(asked))) == ["10.1109/icetce.2011.5774727"]
    assert derived.by_original([]) == {}


def test_a_closed_index_refuses_lookups(tmp_path: Path) -> None:
    with index_of(tmp_path, csv_text([FULL_ROW])) as index:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        index.by_original(["10.5555/paper.1"])


@given(
    st.one_of(
        st.from_regex(r"10\.[0-9]{2,10}(\.[0-9]+)?/[!-~]{0,12}", fullmatch=True),
        st.from_regex(
            r"\s?(doi:|https://doi\.org/)?10\.[0-9]{4}/[!-~\x80-\xff]{1,8}[.,;)\s]?", fullmatch=True
        ),
        st.text(max_size=20),
    )
)
def test_the_fast_doi_path_agrees_with_normalize_doi(text: str) -> None:
    try:
        expected: str | None = normalize_doi(text)
    except DoiError:
        expected = None
    assert rw_rows.doi_or_none(text) == expected


# ---- the derived test data ------------------------------------------------------------


def test_the_derived_csv_is_what_the_script_makes() -> None:
    made = runpy.run_path(str(SCRIPT), run_name="build_retraction_watch_csv")["render"]()
    assert set(made) == {"derived.csv", "derived.csv.provenance.json"}
    for name, data in made.items():
        assert (DERIVED.parent / name).read_bytes() == data, f"{name}: run {SCRIPT.name}"


def test_the_sidecar_labels_and_hashes_its_sources() -> None:
    sidecar = json.loads(DERIVED.with_name("derived.csv.provenance.json").read_text("utf-8"))
    assert "DERIVED" in sidecar["status"]
    assert "NOT a copy" in sidecar["status"]
    assert sidecar["sha256"] == hashlib.sha256(DERIVED.read_bytes()).hexdigest()
    for source in sidecar["sources"]:
        assert hashlib.sha256((ROOT / source["file"]).read_bytes()).hexdigest() == source["sha256"]
    with DERIVED.open(encoding="utf-8", newline="") as stream:
        ids = [row["Record ID"] for row in csv.DictReader(stream)]
    derived = [row["Record ID"] for row in sidecar["derived_rows"]]
    synthetic = [row["Record ID"] for row in sidecar["synthetic_rows"]["rows"]]
    assert ids == derived + synthetic


def test_synthetic_dois_are_in_no_recorded_response() -> None:
    recorded = b"".join(
        path.read_bytes().lower() for path in (ROOT / "tests/data/crossref/recorded").iterdir()
    )
    assert b"10.5555/claimcheck.rw" not in recorded
