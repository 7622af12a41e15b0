"""The form the cache keeps a work in (sources/crossref/stored.py): it reads back as exactly the
Work that `parse_work` gave, and anything else reads as a miss, never an exception."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.model.events import UpdateEntry
from claimcheck.model.record import Author, Work
from claimcheck.sources.crossref.records import MalformedRecord, parse_work
from claimcheck.sources.crossref.stored import (
    AUTHOR_FIELDS,
    UPDATE_FIELDS,
    WORK_FIELDS,
    decode_work,
    encode_work,
)
from tests.conftest import RECONSTRUCTED, RECORDED


def same(decoded: Work | None, work: Work) -> None:
    """Equal, and of the same types: `==` alone takes True for 1 and a list for a tuple."""
    assert decoded == work
    assert repr(decoded) == repr(work)


def round_trip(work: Work) -> Work | None:
    body = encode_work(work)
    assert body is not None
    return decode_work(body)


def test_the_layout_names_every_field_of_the_dataclasses() -> None:
    # A field added to Work, Author or UpdateEntry must be stored too (and the schema bumped).
    assert sorted(WORK_FIELDS) == sorted(f.name for f in dataclasses.fields(Work))
    assert len(set(WORK_FIELDS)) == len(WORK_FIELDS)
    assert tuple(f.name for f in dataclasses.fields(Author)) == AUTHOR_FIELDS
    assert tuple(f.name for f in dataclasses.fields(UpdateEntry)) == UPDATE_FIELDS


def recorded_messages() -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every work record under tests/data/crossref: `/works/{doi}` answers and list items."""
    for directory in (RECORDED, RECONSTRUCTED):
        for path in sorted(directory.glob("*.json")):
            if path.name.endswith((".meta.json", ".provenance.json")):
                continue
            document = json.loads(path.read_bytes())
            if not isinstance(document, dict):
                continue
            if document.get("message-type") == "work":
                yield path.name, document["message"]
            elif document.get("message-type") == "work-list":
                for i, item in enumerate(document["message"].get("items", [])):
                    yield f"{path.name}[{i}]", item


def test_every_recorded_work_reads_back_as_parse_work_gave_it() -> None:
    checked = 0
    for name, message in recorded_messages():
        try:
            work = parse_work(message)
        except MalformedRecord:
            continue  # never stored
        decoded = round_trip(work)
        assert decoded == work, name
        assert repr(decoded) == repr(work), name
        checked += 1
    # 172 work records today, among them authors without a family name, organisations,
    # update entries of every kind, non-ASCII titles and names.
    assert checked >= 150


def test_the_recorded_works_hold_the_shapes_worth_checking() -> None:
    works = [parse_work(m) for _n, m in recorded_messages() if m.get("DOI")]
    assert any(a.name and not a.family for w in works for a in w.authors)
    assert any(u.record_id for w in works for u in w.updated_by + w.update_to)
    assert any(not w.title.isascii() for w in works)
    assert any(w.volume is None for w in works)
    # (An update entry without a date, a year past any calendar and the like are left to
    # the generated records below: none is recorded.)


# --- generated records ---------------------------------------------------------------------


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`usual` three times in four, else `odd`."""
    return st.integers(0, 3).flatmap(lambda i: odd if i == 0 else usual)


# Text of any code point, lone surrogates included (parse_work refuses those), padded with
# spaces (parse_work strips them).
_ANY_CHAR = st.characters(codec=None, exclude_categories=())
_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(_ANY_CHAR, max_size=6),
    st.sampled_from(["", " ", " x ", "Ünïcödé", "名前", "\u2028", "a\x1fb", "\\u0041"]),
)
_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just([]),
    st.just({}),
)
_VALUE = st.one_of(_TEXT, _ODD, st.lists(st.one_of(_TEXT, _ODD), max_size=3))
_DATE_PART = mostly(
    st.integers(1, 2030),
    st.one_of(
        st.integers(-5, 12_000), st.sampled_from(["2010", "07", "²", "x", ""]), st.booleans()
    ),
)
_DATE = mostly(
    st.fixed_dictionaries({"date-parts": st.lists(st.lists(_DATE_PART, max_size=4), max_size=2)}),
    st.one_of(_ODD, st.fixed_dictionaries({}, optional={"date-parts": _ODD})),
)
_NAME = mostly(_TEXT, _VALUE)
_AUTHOR = mostly(
    st.fixed_dictionaries(
        {"family": _NAME},
        optional={
            "given": _NAME,
            "name": _NAME,
            # "first" anywhere: parse_work moves that author to the front
            "sequence": st.sampled_from(["first", "additional", "", None]),
            "affiliation": st.just([{"name": "Somewhere"}]),
            "ORCID": st.just("https://orcid.org/0000-0002-1825-0097"),
        },
    ),
    st.one_of(st.fixed_dictionaries({}, optional={"name": _NAME, "given": _NAME}), _ODD),
)
_UPDATE = st.fixed_dictionaries(
    {},
    optional={
        "DOI": _VALUE,
        "type": _VALUE,
        "label": _VALUE,
        "updated": _DATE,
        "source": _VALUE,
        "record-id": _VALUE,
    },
)
# Anything but None or a list of objects makes parse_work refuse the record.
_UPDATES = mostly(st.lists(_UPDATE, max_size=3), st.one_of(_ODD, st.lists(_ODD, min_size=1)))


_MESSAGE = st.fixed_dictionaries(
    {
        # A record without a readable DOI is refused whatever else it holds: mostly give one.
        "DOI": mostly(st.builds(lambda s: f" 10.1/{s} ", _TEXT), _VALUE),
        "author": mostly(st.lists(_AUTHOR, max_size=5), _ODD),
    },
    optional={
        "title": _VALUE,
        "original-title": _VALUE,
        "subtitle": _VALUE,
        "issued": _DATE,
        "published": _DATE,
        "published-print": _DATE,
        "published-online": _DATE,
        "created": _DATE,
        "container-title": _VALUE,
        "short-container-title": _VALUE,
        "volume": _VALUE,
        "issue": _VALUE,
        "page": _VALUE,
        "article-number": _VALUE,
        "type": _VALUE,
        "publisher": _VALUE,
        "update-to": _UPDATES,
        "updated-by": _UPDATES,
    },
)


@given(_MESSAGE)
def test_any_record_parse_work_reads_is_stored_and_read_back_unchanged(
    message: dict[str, Any],
) -> None:
    try:
        work = parse_work(message)
    except MalformedRecord:
        return  # never stored
    same(round_trip(work), work)


# --- what is not a stored work reads as a miss ---------------------------------------------

WORK = Work(
    doi="10.1/x",
    title="Tïtle",
    subtitle="Sub",
    other_titles=("Translated title", "Título original"),
    other_subtitles=("Translated subtitle",),
    authors=(Author("Family", "G."), Author(name="A Consortium")),
    year=2009,
    published=("2009-06", "2009-05-14"),
    container_titles=("Journal",),
    short_container_titles=("J",),
    volume="17",
    issue="6",
    page="939-946",
    article_number="e1",
    type="journal-article",
    publisher="Publisher",
    update_to=(
        UpdateEntry("10.1/n", "retraction", "Retraction", "2010-01-02", "retraction-watch", "7"),
    ),
    updated_by=(UpdateEntry("10.1/c", "correction"),),
)
VALID = json.loads(encode_work(WORK) or b"")
COUNTS = 9  # year and eight counts come first; every later value is a str
OTHER_TITLES, OTHER_SUBTITLES, PUBLISHED = 6, 7, 8  # where those counts sit


def body(row: object) -> bytes:
    return json.dumps(row, ensure_ascii=False).encode("utf-8", "surrogatepass")


def test_the_sample_row_is_read() -> None:
    same(decode_work(body(VALID)), WORK)


@pytest.mark.parametrize("index", range(len(VALID)))
def test_a_value_of_the_wrong_type_anywhere_is_a_miss(index: int) -> None:
    if index < COUNTS:
        wrong: list[object] = ["1", 1.0, True, None, [], -1, 10**20]
    else:
        wrong = [1, 1.5, None, True, [], ["x"], {}]
    for value in wrong:
        row = [*VALID]
        row[index] = value
        assert decode_work(body(row)) is None, (index, value)


@pytest.mark.parametrize(
    "stored",
    [
        b"",
        b"not json",
        b"[",
        b"null",
        b'"a string"',
        b"{}",
        b'{"0": 1}',
        b"[]",
        b"[1, 2, 3]",
        b"[NaN]",
        body(VALID[:-1]),  # one value short
        body([*VALID, "extra"]),  # one too many
        body([VALID[0], VALID[1] + 1, *VALID[2:]]),  # a count that does not add up
        body(VALID) + b" ",  # anything after the array
        body(VALID) + b"[]",
        body([10000, *VALID[1:]]),  # not a year
        body([-1, *VALID[1:]]),
        body({str(i): v for i, v in enumerate(VALID)}),  # the values, but not as a list
        body(VALID).replace(b"Family", b"\xffamily"),  # not UTF-8
        body(VALID).replace(b"Family", b"\xed\xa0\x80"),  # a surrogate encoded as UTF-8
        body(VALID).replace(b"Family", b"\\ud800"),  # a lone surrogate, escaped
        body(VALID).replace(b"Family", b"\\udc00x"),
        body(VALID).replace(b"Family", b"\\ude00\\ud83d"),  # a pair in the wrong order
        "\ufeff".encode() + body(VALID),  # a byte order mark
        body(VALID).decode().encode("utf-16"),
        b"[" * 100_000 + b"]" * 100_000,  # nested past the recursion limit
        b"[" + b"9" * 5000 + b"]",  # past int()'s digit limit
    ],
)
def test_a_row_that_is_not_a_stored_work_is_a_miss(stored: bytes) -> None:
    assert decode_work(stored) is None


def test_every_title_is_stored_and_a_row_of_the_layout_before_them_is_a_miss() -> None:
    # Crossref's `title` is "Work titles, including translated titles": the checks compare
    # all of them, so the cache keeps all of them.
    at = VALID.index("Translated title")  # after the short container titles
    assert VALID[OTHER_TITLES] == 2
    assert VALID[at : at + 2] == ["Translated title", "Título original"]
    # Cache schema version 4 stored no other titles (nor other subtitles, nor publication
    # dates): six numbers, then the texts.
    older = [*VALID[:OTHER_TITLES], *VALID[COUNTS:at], *VALID[at + 5 :]]
    assert decode_work(body(older)) is None


def test_every_subtitle_is_stored_and_a_row_of_the_layout_before_them_is_a_miss() -> None:
    # Crossref's `subtitle` holds "Work subtitles, including original language and
    # translated": the checks pair each with each title, so the cache keeps all of them.
    at = VALID.index("Translated subtitle")  # after the other titles
    assert VALID[OTHER_SUBTITLES] == 1
    assert round_trip(WORK).other_subtitles == ("Translated subtitle",)
    # Cache schema version 5 stored no other subtitles (nor publication dates): seven
    # numbers, then the texts.
    older = [*VALID[:OTHER_SUBTITLES], *VALID[COUNTS:at], *VALID[at + 3 :]]
    assert decode_work(body(older)) is None


def test_publication_dates_are_stored_and_a_row_of_the_layout_before_them_is_a_miss() -> None:
    # Timing reads them to tell an in-place entry dated by the record's own issue (Elsevier's
    # 10.1016/j.crad.2024.02.007) from a dated retraction, so the cache keeps them.
    at = VALID.index("2009-06")  # after the other subtitles
    assert VALID[PUBLISHED] == 2
    assert round_trip(WORK).published == ("2009-06", "2009-05-14")
    # Cache schema version 6 stored no publication dates: eight numbers, then the texts.
    older = [*VALID[:PUBLISHED], *VALID[COUNTS:at], *VALID[at + 2 :]]
    assert decode_work(body(older)) is None


def test_an_escaped_pair_of_surrogates_is_one_character_and_reads() -> None:
    stored = body(VALID).replace(b"Family", b"\\ud83d\\ude00")
    work = decode_work(stored)
    assert work is not None
    assert work.authors[0].family == "\U0001f600"


def test_a_work_that_cannot_be_stored_is_not() -> None:
    # parse_work refuses lone surrogates, so only a Work made by hand can hold one.
    assert encode_work(dataclasses.replace(WORK, title="\ud800")) is None


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(_ANY_CHAR)),
    lambda inner: st.one_of(st.lists(inner, max_size=20), st.dictionaries(st.text(), inner)),
    max_leaves=40,
)


@given(st.one_of(st.binary(max_size=200), _JSON.map(body)))
def test_decoding_anything_never_raises_and_gives_only_a_readable_work(stored: bytes) -> None:
    work = decode_work(stored)
    if work is not None:
        same(round_trip(work), work)  # a Work of the right types, whatever the bytes


@given(st.data())
def test_any_value_replaced_by_another_json_value_reads_as_a_miss_or_right_types(
    data: st.DataObject,
) -> None:
    row = [*VALID]
    index = data.draw(st.integers(0, len(row) - 1))
    row[index] = data.draw(_JSON)
    work = decode_work(body(row))
    if work is not None:
        same(round_trip(work), work)
