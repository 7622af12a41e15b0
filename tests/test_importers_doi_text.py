"""DOIs as exporters and articles print them, imported as the DOI itself: BibTeX's escaped
characters in every form exporters write, a pasted DOI set off by brackets or quotes; and
BibTeX author lists with an empty name. What cannot be read plainly gets a note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.inputs.claimmap import parse_claim_map
from claimcheck.inputs.importers import ImportedReference, import_references
from claimcheck.inputs.importers.text import parse_reference
from tests.test_importers import _write


def _bibtex(tmp_path: Path, fields: str) -> tuple[ImportedReference, tuple[str, ...]]:
    text = f"@article{{k1, title={{T}}, journal={{J}}, year={{2012}}, {fields}}}\n"
    result = import_references(_write(tmp_path, "refs.bib", text))
    (reference,) = result.references
    return reference, result.notes


# --- BibTeX: escaped characters in a verbatim DOI -------------------------------------------


@pytest.mark.parametrize(
    "written",
    [r"10.5555/a\_b", r"10.5555/a{\_}b", r"10.5555/a$\_$b"],
    ids=["backslash", "braced-as-mendeley-writes-it", "math"],
)
def test_an_escaped_underscore_in_a_doi_is_the_underscore(tmp_path: Path, written: str) -> None:
    # Mendeley's export writes `doi = {10.5555/a{\_}b}`: read as `a{_}b`, it was looked up as
    # written and reported doi-not-found.
    reference, notes = _bibtex(tmp_path, f"doi={{{written}}}")
    assert reference.doi == "10.5555/a_b"
    assert notes == ()


@pytest.mark.parametrize("char", ["%", "&", "#", "$"])
def test_every_escaped_character_is_read_in_each_form(tmp_path: Path, char: str) -> None:
    reference, _notes = _bibtex(tmp_path, f"doi={{10.5555/x{{\\{char}}}y}}")
    assert reference.doi == f"10.5555/x{char}y"


def test_latex_left_in_a_doi_is_kept_with_a_note(tmp_path: Path) -> None:
    reference, notes = _bibtex(tmp_path, r"doi={10.5555/a{\textunderscore}b}")
    assert reference.doi == r"10.5555/a{\textunderscore}b"
    assert notes == (
        r"line 1: the DOI '10.5555/a{\\textunderscore}b' of 'k1' keeps a brace or backslash,"
        " likely LaTeX markup; kept as written: check it",
    )


def test_a_sici_doi_from_bibtex_is_kept_whole_without_a_note(tmp_path: Path) -> None:
    sici = "10.1002/(SICI)1097-4636(199706)35:4<483::AID-JBM7>3.0.CO;2-B"
    reference, notes = _bibtex(tmp_path, f"doi={{{sici}}}")
    assert (reference.doi, notes) == (sici, ())


# --- BibTeX: empty names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ("Smith, John and", ("Smith J",)),  # was "Smith JA": the "and" read as an initial
        ("Smith, John and and Doe, Jane", ("Smith J", "Doe J")),  # was "and Doe J"
        ("and Smith, John", ("Smith J",)),
        ("Smith, John and {} and Doe, Jane", ("Smith J", "Doe J")),  # was dropped silently
    ],
)
def test_an_empty_name_is_left_out_with_a_note(
    tmp_path: Path, author: str, names: tuple[str, ...]
) -> None:
    reference, notes = _bibtex(tmp_path, f"author={{{author}}}")
    assert reference.authors == names
    assert notes == (
        "line 1: the authors of 'k1' hold 1 empty name (an 'and' with no name on one side);"
        " left out",
    )


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ("Smith, Anders and Anderson, K", ("Smith A", "Anderson K")),
        ("{Barnes and Noble, Inc.} and Doe, Jane", ("Barnes and Noble, Inc.", "Doe J")),
    ],
)
def test_a_name_holding_and_is_kept(tmp_path: Path, author: str, names: tuple[str, ...]) -> None:
    reference, notes = _bibtex(tmp_path, f"author={{{author}}}")
    assert (reference.authors, notes) == (names, ())


# --- pasted text: what closes a DOI in running text -----------------------------------------

_SICI = "10.1002/(SICI)1097-4636(199706)35:4<483::AID-JBM7>3.0.CO;2-B"


@pytest.mark.parametrize(
    ("printed", "doi"),
    [
        ("[doi:10.5555/t2]", "10.5555/t2"),
        ("[doi:10.5555/t2].", "10.5555/t2"),
        ("<https://doi.org/10.1000/t5>", "10.1000/t5"),
        ("{doi:10.1000/b1}", "10.1000/b1"),
        ('doi:10.1000/t8"', "10.1000/t8"),
        ("“doi:10.1000/q1”.", "10.1000/q1"),
        ("'doi:10.1000/q2'", "10.1000/q2"),
        ("(doi:10.1000/p1)", "10.1000/p1"),
        (f"doi: {_SICI}.", _SICI),
        (f"<doi:{_SICI}>", _SICI),
        (f"[https://doi.org/{_SICI}]", _SICI),
        ("doi:10.1000/a[1]b", "10.1000/a[1]b"),
    ],
)
def test_a_pasted_doi_loses_what_closes_it_in_the_text(printed: str, doi: str) -> None:
    reference, notes = parse_reference(f"Smith J. A title. J Test. 2009;1:2. {printed}", "R1", 1)
    assert reference.doi == doi
    assert not [note for note in notes if "DOI" in note or "doi" in note]


@pytest.mark.parametrize("doi", ["10.1000/x]", "10.1000/x>", '10.1000/x"', "10.1000/x}"])
def test_a_claim_maps_doi_keeps_a_bracket_or_quote(doi: str) -> None:
    # The README names what `doi:` loses in a claim map: `.`, `,`, `;`, a leading `(` and an
    # unbalanced `)`. Anything else stays and is looked up as written.
    text = f"claimcheck: 1\nreferences:\n  R1: {{doi: '{doi}'}}\nclaims: []\n"
    (reference,) = parse_claim_map(text, "map.yaml").references
    assert reference.doi == doi


# --- a DOI cut short: a SICI check character `#`, a URL fragment ----------------------------

_SICI_HASH = "10.1002/(SICI)1521-3773(19980904)37:16<2174::AID-ANIE2174>3.0.CO;2-#"
_CUT = "'https://doi.org/10.1000/abc-#x' gives the DOI '10.1000/abc-', ending with '-'"


def _each_format(tmp_path: Path, value: str) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """The DOI and notes each format reads from `value` given as its DOI field or link."""
    sources = {
        "refs.txt": f"1. Smith J. A title. J Test. 2009;1:2. {value}\n",
        "url.bib": f"@article{{k1, title={{T}}, url={{{value}}}}}\n",
        "doi.bib": f"@article{{k1, title={{T}}, doi={{{value}}}}}\n",
        "do.ris": f"TY  - JOUR\nTI  - T\nDO  - {value}\nER  - \n",
        "ur.ris": f"TY  - JOUR\nTI  - T\nUR  - {value}\nER  - \n",
        "refs.json": json.dumps([{"id": "k1", "title": "T", "DOI": value}]),
    }
    found = {}
    for name, text in sources.items():
        result = import_references(_write(tmp_path, name, text))
        found[name] = (result.references[0].doi, result.notes)
    return found


def test_a_sici_doi_ending_in_hash_is_read_whole_in_every_format(tmp_path: Path) -> None:
    for name, (doi, notes) in _each_format(tmp_path, f"https://doi.org/{_SICI_HASH}").items():
        assert doi == _SICI_HASH, name
        assert not [note for note in notes if "DOI" in note or "doi" in note], name


def test_a_doi_cut_short_by_a_fragment_is_left_out_in_every_format(tmp_path: Path) -> None:
    for name, (doi, notes) in _each_format(tmp_path, "https://doi.org/10.1000/abc-#x").items():
        assert doi is None, name
        assert any(_CUT in note and "it may be cut short; left out" in note for note in notes)


@pytest.mark.parametrize("value", ["10.1000/abc_", "doi:10.1000/abc/"])
def test_a_doi_field_ending_as_no_doi_does_is_left_out(tmp_path: Path, value: str) -> None:
    reference, notes = _bibtex(tmp_path, f"doi={{{value}}}")
    assert reference.doi is None
    assert notes == (
        f"line 1: doi of 'k1': {value!r} ends with {value[-1]!r}: it may be cut short; left out",
    )


# --- a list of DOIs in one field, with no space ---------------------------------------------


@pytest.mark.parametrize("separator", [";", ",", "; "])
def test_a_doi_list_is_left_out_in_every_format(tmp_path: Path, separator: str) -> None:
    # BibTeX left such a list out; text, RIS DO and CSL-JSON DOI wrote it as one DOI.
    value = f"10.1000/aaa{separator}10.1000/bbb"
    sources = {
        "refs.txt": f"1. Smith J. T. J. 2009;1:2-3. doi:{value}\n",
        "refs.bib": f"@article{{k1, title={{T}}, doi={{{value}}}}}\n",
        "refs.ris": f"TY  - JOUR\nTI  - T\nDO  - {value}\nER  - \n",
        "refs.json": json.dumps([{"id": "k1", "title": "T", "DOI": value}]),
    }
    for name, text in sources.items():
        if name == "refs.txt" and " " in separator:
            continue  # in running text, the DOI ends at the space
        result = import_references(_write(tmp_path, name, text))
        assert result.references[0].doi is None, name
        assert any(
            "more than one DOI" in note and "10.1000/aaa, 10.1000/bbb" in note
            for note in result.notes
        ), name


def test_a_sici_dois_semicolon_is_no_list(tmp_path: Path) -> None:
    sici = "10.1002/(SICI)1097-4636(199706)35:4<483::AID-JBM7>3.0.CO;2-B"
    ris = import_references(_write(tmp_path, "r.ris", f"TY  - JOUR\nDO  - {sici}\nER  - \n"))
    csl = import_references(_write(tmp_path, "r.json", json.dumps([{"DOI": sici}])))
    text, _notes = parse_reference(f"Smith J. T. J. 2009;1:2. doi:{sici}", "R1", 1)
    assert (ris.references[0].doi, csl.references[0].doi, text.doi) == (sici, sici, sici)


def test_one_rule_reads_a_doi_list() -> None:
    # BibTeX, RIS, CSL-JSON and the pasted list share it: one function, not copies.
    from claimcheck.inputs.importers import bibtex, csljson, ris, text_dois
    from claimcheck.inputs.importers.model import doi_parts

    assert doi_parts("10.1000/a;10.1000/b") == ["10.1000/a", "10.1000/b"]
    assert doi_parts("10.1000/a;b") == ["10.1000/a;b"]
    assert not hasattr(bibtex, "_DOI_SEPARATOR")
    assert text_dois.doi_parts is doi_parts
    assert ris.listed_dois is csljson.listed_dois is bibtex.listed_dois


# --- a DOI ending in an ellipsis ------------------------------------------------------------


@pytest.mark.parametrize(
    "printed",
    [
        "https://doi.org/10.1016/j.cell.2020…",
        "doi:10.1016/j.cell.2020…",
        "doi:10.1016/j.cell.2020...",
        "(https://doi.org/10.1016/j.cell.2020…).",
        "doi: 10.1016/j.cell.2020... PMID: 123.",
    ],
)
def test_a_pasted_doi_ending_in_an_ellipsis_is_left_out(printed: str) -> None:
    # The `…` was kept as part of the DOI, and `...` dropped as punctuation: a DOI cut
    # short in print was written as if whole.
    reference, notes = parse_reference(f"Smith J. A title. Cell. 2020;1:2-3. {printed}", "R1", 1)
    assert reference.doi is None
    assert any("ends with an ellipsis: it may be cut short; left out" in note for note in notes)


@pytest.mark.parametrize(
    "value", ["10.1016/j.cell.2020…", "10.1016/j.cell.2020...", "10.1016/j.cell.2020...)."]
)
def test_a_doi_field_ending_in_an_ellipsis_is_left_out(tmp_path: Path, value: str) -> None:
    # Three dots were dropped as trailing punctuation: `10.1016/j.cell.2020` was written
    # as the DOI, without a word.
    reference, notes = _bibtex(tmp_path, f"doi={{{value}}}")
    assert reference.doi is None
    assert notes == (
        f"line 1: doi of 'k1': {value!r} ends with an ellipsis: it may be cut short; left out",
    )


def test_a_doi_ending_in_three_dots_is_left_out_in_every_format(tmp_path: Path) -> None:
    for name, (doi, notes) in _each_format(tmp_path, "10.1016/j.cell.2020...").items():
        if name not in ("doi.bib", "do.ris", "refs.json"):
            continue  # links hold no bare DOI; a pasted one needs its label (tested above)
        assert doi is None, name
        assert any("ends with an ellipsis: it may be cut short" in note for note in notes), name


def test_a_doi_ending_in_one_period_keeps_its_doi(tmp_path: Path) -> None:
    # A period closing the field is punctuation, not a cut.
    reference, notes = _bibtex(tmp_path, "doi={10.1016/j.cell.2020.01.001.}")
    assert reference.doi == "10.1016/j.cell.2020.01.001"
    assert notes == ()


@pytest.mark.parametrize("first", ["10.1000/abc...", "10.1000/abc-", "10.1000/abc…"])
def test_a_doi_list_with_one_doi_cut_short_gives_none_in_every_format(
    tmp_path: Path, first: str
) -> None:
    # The whole one was filled in: which DOI is the reference's is not for an importer to
    # guess, with one of them cut short or not.
    value = f"{first};10.1000/def"
    sources = {
        "refs.txt": f"1. Smith J. T. J. 2009;1:2-3. doi:{value}\n2. Roe B. U. K. 2010;2:3-4.\n",
        "refs.bib": f"@article{{k1, title={{T}}, doi={{{value}}}}}\n",
        "refs.ris": f"TY  - JOUR\nTI  - T\nDO  - {value}\nER  - \n",
        "refs.json": json.dumps([{"id": "k1", "title": "T", "DOI": value}]),
    }
    for name, text in sources.items():
        result = import_references(_write(tmp_path, name, text))
        assert result.references[0].doi is None, name
        assert any("not each of them whole; none is filled in" in n for n in result.notes), name
