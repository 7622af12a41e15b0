"""The CSL-JSON importer on awkward input: many items (each reference at its own line),
JSON the parser cannot hold (deep nesting, a number too long to convert) refused at its
place whatever the file's extension, half of a UTF-16 pair, and an `issued` date without
`date-parts`."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from claimcheck.inputs.importers import ImportedReference, ImportResult, import_references
from claimcheck.inputs.importers.model import mend_surrogates
from claimcheck.inputs.lines import LineIndex, position_of
from claimcheck.model.errors import ExitCode
from tests.test_importers import _failure, _write

# --- positions ------------------------------------------------------------------------------


def test_line_index_agrees_with_counting_the_text() -> None:
    text = "a\n\nbc\n" + "x" * 50 + "\n\n\nend"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        assert index.position(offset) == position_of(text, offset), offset


def test_every_item_of_a_long_list_is_at_its_line(tmp_path: Path) -> None:
    # Items on lines of their own, several to a line, and spread over lines: 20,000 of them.
    rng = random.Random(7)
    parts, expected, line = ["["], [], 1
    for n in range(20_000):
        item = json.dumps({"id": f"k{n}", "title": f"T {n}"}, indent=rng.choice([None, 1]))
        gap = rng.choice(["", " ", "\n", "\n\n"])
        line += gap.count("\n")
        expected.append(line)
        parts.append(gap + item + ("," if n < 19_999 else ""))
        line += item.count("\n")
    result = import_references(_write(tmp_path, "refs.json", "".join(parts) + "\n]\n"))
    assert [r.line for r in result.references] == expected


# --- JSON the parser cannot hold ------------------------------------------------------------

DEEP = '[{"id": "a", "title": "T",\n  "note": ' + "[" * 100_000 + "]" * 100_000 + "}]"
LONG = '[{"id": "a", "title": "T",\n  "volume": ' + "1" * 5000 + "}]"


@pytest.mark.parametrize("name", ["refs.json", "refs.txt"])
def test_deep_nesting_is_a_located_usage_error(tmp_path: Path, name: str) -> None:
    error = _failure(tmp_path, name, DEEP)
    assert error.exit_code == ExitCode.USAGE
    # The item's `{` is level 1; the 100th `[` of "note" is the first past 100 levels.
    column = DEEP.split("\n")[1].index("[") + 100  # 0-based index of the 1st, + 100
    assert str(error).startswith(f"{tmp_path / name}:2:{column}: ")
    assert "nested more than 100 levels deep" in str(error)


@pytest.mark.parametrize("name", ["refs.json", "refs.txt"])
def test_a_number_too_long_to_convert_is_a_located_usage_error(tmp_path: Path, name: str) -> None:
    # Valid JSON either way: a .txt holding it is CSL-JSON too, not a reference list.
    error = _failure(tmp_path, name, LONG)
    assert error.exit_code == ExitCode.USAGE
    assert str(error).startswith(f"{tmp_path / name}:2:13: a number of 5000 digits, over the ")


def test_json_that_is_not_a_list_still_reads_as_a_reference_list(tmp_path: Path) -> None:
    text = "[1] Smith J. First. J Biol. 2001;1:1.\n[2] Doe A. Second. Cell. 2002;2:2.\n"
    assert import_references(_write(tmp_path, "refs.txt", text)).format == "text"


# --- lone surrogates ------------------------------------------------------------------------


def test_a_lone_surrogate_is_replaced_with_a_note(tmp_path: Path) -> None:
    # What a title cut in the middle of an emoji leaves: half of a UTF-16 pair.
    text = '[{"id": "a", "title": "Broken emoji \\ud83d at the end", "author": '
    text += '[{"family": "M\\udc00ller", "given": "J"}], "DOI": "10.1000/x\\ud800"}]'
    result = import_references(_write(tmp_path, "refs.json", text))
    (reference,) = result.references
    assert reference.title == "Broken emoji \ufffd at the end"
    assert reference.authors == ("M\ufffdller J",)
    assert reference.doi is None
    assert any("the title holds a lone surrogate (\\ud83d" in n for n in result.notes)
    assert any("an author holds a lone surrogate" in n for n in result.notes)
    assert any("DOI" in n and "left out" in n for n in result.notes)


@pytest.mark.parametrize("format", ["bibtex", "ris", "text"])
def test_lone_surrogates_are_mended_whatever_the_format(format: str) -> None:
    # One step after every importer: BibTeX (whose file another change owns) included.
    reference = ImportedReference(
        "a", None, None, "x\udc80y", (), None, "J\ud800", None, None, None, 3
    )
    result = mend_surrogates(ImportResult(Path("refs"), format, (reference,), ("first",)))
    (mended,) = result.references
    assert (mended.title, mended.journal) == ("x\ufffdy", "J\ufffd")
    assert result.notes[0] == "first"
    assert result.notes[1].startswith("line 3: a: the title holds a lone surrogate (\\udc80")
    assert len(result.notes) == 3


# --- issued ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "year", "noted"),
    [
        ({"date-parts": [[2009, 5]]}, 2009, False),
        ({"raw": "2019"}, 2019, False),
        ({"raw": "2019-05-01"}, 2019, False),
        ("2019", 2019, False),  # some exporters write the date as a string
        ({"raw": "May 2019"}, None, True),
        ({"literal": "Spring 2019"}, None, True),
        ({"season": 1}, None, True),
        ({"date-parts": [["x"]]}, None, True),
    ],
)
def test_issued_gives_a_year_only_where_plain(
    tmp_path: Path, issued: object, year: int | None, noted: bool
) -> None:
    text = json.dumps([{"id": "a", "title": "T", "issued": issued}])
    result = import_references(_write(tmp_path, "refs.json", text))
    assert result.references[0].year == year
    assert any("has no plain year; left out" in note for note in result.notes) == noted


# --- the DOI under `DOI` or `doi` -----------------------------------------------------------


@pytest.mark.parametrize("empty", ['""', "null", '" "'])
def test_an_empty_doi_key_gives_way_to_the_other(tmp_path: Path, empty: str) -> None:
    # `item.get("DOI", item.get("doi"))` took the empty `DOI` and dropped the DOI.
    text = f'[{{"id": "a", "title": "T", "DOI": {empty}, "doi": "10.1000/lower"}}]'
    result = import_references(_write(tmp_path, "refs.json", text))
    assert (result.references[0].doi, result.notes) == ("10.1000/lower", ())


def test_the_same_doi_under_both_keys_is_one_and_two_are_left_out(tmp_path: Path) -> None:
    same = '[{"title": "T", "DOI": "10.1000/X", "doi": "https://doi.org/10.1000/x"}]'
    result = import_references(_write(tmp_path, "same.json", same))
    assert (result.references[0].doi, result.notes) == ("10.1000/X", ())
    two = '[{"title": "T", "DOI": "10.1000/a", "doi": "10.1000/b"}]'
    result = import_references(_write(tmp_path, "two.json", two))
    assert result.references[0].doi is None
    assert result.notes == (
        "line 1: DOI and doi give more than one DOI (10.1000/a, 10.1000/b); left out",
    )


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://doi.org/10.1000/viaurl", "10.1000/viaurl"),
        ("http://dx.doi.org/10.1000/ViaUrl", "10.1000/ViaUrl"),
        ("https://example.org/10.1000/notalink", None),
    ],
)
def test_a_doi_org_url_gives_the_doi_where_no_doi_key_does(
    tmp_path: Path, url: str, doi: str | None
) -> None:
    # BibTeX's url and RIS's UR gave the DOI of such a link; CSL-JSON's URL did not.
    text = json.dumps([{"id": "b", "title": "U", "URL": url}])
    result = import_references(_write(tmp_path, "refs.json", text))
    assert (result.references[0].doi, result.notes) == (doi, ())


def test_a_doi_key_wins_over_the_url(tmp_path: Path) -> None:
    text = json.dumps([{"title": "U", "DOI": "10.1000/a", "URL": "https://doi.org/10.1000/b"}])
    result = import_references(_write(tmp_path, "refs.json", text))
    assert (result.references[0].doi, result.notes) == ("10.1000/a", ())
