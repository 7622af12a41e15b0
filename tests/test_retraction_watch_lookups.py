"""Lookups in the Retraction Watch index: by original and by notice, chunked, by fast DOIs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import DoiError
from claimcheck.sources.retraction_watch import RetractionWatchIndex
from claimcheck.sources.retraction_watch import rows as rw_rows
from tests.test_retraction_watch import DERIVED, FULL_ROW, csv_text, index_of

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
