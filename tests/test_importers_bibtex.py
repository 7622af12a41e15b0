"""The BibTeX importer on what real bibliographies hold: raw `%` and `&`, verbatim DOIs and
URLs, LaTeX it cannot read plainly, truncated author lists, biblatex fields, crossref
inheritance, DOI lists and very long fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.inputs.importers import (
    ImportedReference,
    ImportResult,
    import_references,
    render_claim_map,
)
from claimcheck.model.errors import ExitCode
from tests.test_importers import _failure, _write


def _read(tmp_path: Path, text: str) -> ImportResult:
    return import_references(_write(tmp_path, "refs.bib", text))


def _only(tmp_path: Path, text: str) -> tuple[ImportedReference, tuple[str, ...]]:
    result = _read(tmp_path, text)
    (reference,) = result.references
    return reference, result.notes


# --- LaTeX: what is decoded, what is kept ---------------------------------------------------

RAW_CHARACTERS = r"""
@article{chen2019,
  author  = {Chen, Li and Wang, Hui},
  title   = {A 50% reduction in mortality
             was not observed in the placebo arm},
  journal = {Research & Development Letters},
  year    = {2019},
  doi     = {10.1002/(SICI)1097-0258(19980430)17:8%3C857::AID-SIM777%3E3.0.CO;2-E}
}
"""


def test_raw_percent_and_ampersand_are_the_characters(tmp_path: Path) -> None:
    # A raw `%` used to start a LaTeX comment, cutting the rest of the field and reversing
    # the title's meaning; a raw `&` was dropped.
    reference, notes = _only(tmp_path, RAW_CHARACTERS)
    assert reference.title == "A 50% reduction in mortality was not observed in the placebo arm"
    assert reference.journal == "Research & Development Letters"
    assert reference.doi == "10.1002/(SICI)1097-0258(19980430)17:8%3C857::AID-SIM777%3E3.0.CO;2-E"
    assert notes == ()


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title = {R&D at 100%}", "R&D at 100%"),
        (r"title = {R\&D at 100\%}", "R&D at 100%"),  # escaped: the same characters
        (r"title = {Costs of \$5 and \$10}", "Costs of $5 and $10"),
        ("title = {Costs of $5 today}", "Costs of $5 today"),  # a lone `$` is a dollar sign
        (r"title = {The $\alpha%$-helix}", r"The $\alpha%$-helix"),  # math as written
        (r"title = {See \url{http://a.b/%20c~d}}", "See http://a.b/%20c~d"),
        (r"title = {M{\"u}ller's {DNA} \emph{in} -- {\em vitro}}", "Müller's DNA in – vitro"),
        (r"title = {\textsf{Sans} \texttt{mono} {\bf bold}}", "Sans mono bold"),
    ],
)
def test_text_fields_are_decoded_without_losing_characters(
    tmp_path: Path, field: str, expected: str
) -> None:
    reference, notes = _only(tmp_path, f"@article{{k, {field}, year = 2001}}")
    assert (reference.title, notes) == (expected, ())


@pytest.mark.parametrize(
    ("doi", "expected"),
    [
        ("10.5555/abc--def", "10.5555/abc--def"),  # not an en dash
        ("10.1000/a``b''c", "10.1000/a``b''c"),  # not curly quotes
        ("10.1000/~user/abc", "10.1000/~user/abc"),  # not a space
        (r"10.1000/xyz\_123", "10.1000/xyz_123"),  # escaped for BibTeX styles: the character
        ("https://doi.org/10.1000/a%3Cb%3E", "10.1000/a<b>"),
    ],
)
def test_doi_is_verbatim(tmp_path: Path, doi: str, expected: str) -> None:
    reference, notes = _only(tmp_path, f"@article{{k, title = {{T}}, doi = {{{doi}}}}}")
    assert (reference.doi, notes) == (expected, ())


@pytest.mark.parametrize(
    ("title", "why"),
    [
        (r"Using \BibTeX{} with $x$", r"holds \BibTeX, a command not read as text here"),
        (r"As shown \cite{smith} before", r"holds \cite, which drops its text"),
        (r"A \begin{center}centred\end{center} title", r"holds \begin{center}"),
        (r"A title ending in \c", "is not LaTeX that can be read"),
    ],
)
def test_latex_not_read_plainly_is_kept_as_written_with_a_note(
    tmp_path: Path, title: str, why: str
) -> None:
    # These used to be decoded into fewer words, in silence (`\BibTeX{}` vanished).
    text = f"@article{{k, title = {{{title}}}, year = 2001}}"
    reference, (note,) = _only(tmp_path, text)
    assert (reference.title, reference.year) == (title, 2001)
    assert note.startswith(f"line 1: the title of 'k' {why}")
    assert note.endswith("; kept as written")


def test_an_author_not_read_plainly_is_kept_as_written_with_a_note(tmp_path: Path) -> None:
    text = r"@article{k, author = {M{\"u}ller, J. and {\noopsort{b}}Smith, Ann}, title = {T}}"
    reference, notes = _only(tmp_path, text)
    assert reference.authors == ("Müller J", r"{\noopsort{b}}Smith A")
    assert notes == (
        r"line 1: the author '{\noopsort{b}}Smith, Ann' of 'k' holds \noopsort, a command "
        "not read as text here; kept as written",
    )


# --- bounded time: long fields --------------------------------------------------------------


def test_a_long_field_without_latex_is_read_whole(tmp_path: Path) -> None:
    # Not handed to the LaTeX decoder at all: it held a 5 MB title for minutes.
    title = "word " * 200_000
    reference, notes = _only(tmp_path, f"@article{{k, title = {{{title}}}, year = 2001}}")
    assert reference.title == title.strip()
    assert notes == ()


def test_a_long_field_with_latex_is_kept_as_written_past_the_limit(tmp_path: Path) -> None:
    from claimcheck.inputs.importers.bibtex_latex import MAX_DECODED

    unit = r"M{\"u}ller "
    at_limit = (unit * MAX_DECODED)[:MAX_DECODED]
    reference, notes = _only(tmp_path, f"@article{{k, title = {{{at_limit}}}}}")
    assert reference.title is not None
    assert reference.title.startswith("Müller Müller")
    assert notes == ()

    over = unit * (MAX_DECODED // len(unit) + 1)
    reference, notes = _only(tmp_path, f"@article{{k, title = {{{over}}}}}")
    assert reference.title == over.strip()  # as written, braces and all
    assert notes == (
        f"line 1: the title of 'k' is {len(over)} characters long with LaTeX in it "
        f"(over {MAX_DECODED}); kept as written",
    )


def test_a_long_author_list_is_decoded_name_by_name(tmp_path: Path) -> None:
    names = " and ".join(rf"M{{\"u}}ller{n}, J{{\"o}}rg" for n in range(3000))
    reference, notes = _only(tmp_path, f"@article{{k, author = {{{names}}}, title = {{T}}}}")
    assert len(reference.authors) == 3000
    assert reference.authors[-1] == "Müller2999 J"
    assert notes == ()


def test_latex_nested_too_deep_is_kept_as_written(tmp_path: Path) -> None:
    title = "{" * 60 + r"\"u" + "}" * 60
    reference, notes = _only(tmp_path, f"@article{{k, title = {{{title}}}}}")
    assert reference.title == title
    assert notes == ("line 1: the title of 'k' nests braces more than 50 deep; kept as written",)


def test_latex_past_the_files_budget_is_kept_as_written_with_one_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimcheck.inputs.importers import bibtex_latex

    # Each field costs its length and 25 for the call; a value met again costs nothing.
    monkeypatch.setattr(bibtex_latex, "MAX_DECODED_PER_FILE", 100)
    entries = [rf"@article{{k{n}, title = {{M{{\"u}}ller {n}}}}}" for n in range(5)]
    entries.insert(1, r"@article{again, title = {M{\"u}ller 0}}")
    entries.append("@article{plain, title = {Plain text is never decoded}}")
    result = _read(tmp_path, "\n".join(entries))
    titles = [reference.title for reference in result.references]
    assert titles == [
        "Müller 0",
        "Müller 0",
        "Müller 1",
        r"M{\"u}ller 2",
        r"M{\"u}ller 3",
        r"M{\"u}ller 4",
        "Plain text is never decoded",
    ]
    assert result.notes == (
        "line 4: the LaTeX of 3 fields from here on was not decoded, the file holding more "
        "than 100 characters of it; kept as written",
    )


# --- truncated author lists -----------------------------------------------------------------


@pytest.mark.parametrize("marker", ["et al.", "et al", "Et Al.", "et. al.", "{et al.}", "others"])
def test_a_final_et_al_marks_the_list_truncated(tmp_path: Path, marker: str) -> None:
    # "and et al." used to be read as a person named "al. E".
    text = f"@article{{k, author = {{Smith, J. and Doe, A. and {marker}}}, title = {{T}}}}"
    reference, notes = _only(tmp_path, text)
    assert (reference.authors, notes) == (("Smith J", "Doe A", "et al."), ())
    claim_map = load_claim_map(
        _write(tmp_path, "map.yaml", render_claim_map(_read(tmp_path, text), source_name="r"))
    )
    (loaded,) = claim_map.references
    assert (loaded.authors, loaded.authors_truncated) == (("Smith J", "Doe A"), True)


def test_et_al_before_the_last_name_is_left_out_with_a_note(tmp_path: Path) -> None:
    text = "@article{k, author = {Smith, J. and et al. and Doe, A.}, title = {T}}"
    reference, notes = _only(tmp_path, text)
    assert reference.authors == ("Smith J", "Doe A")
    assert notes == ("line 1: the authors of 'k' name 'et al.' before the last; left out",)


# --- biblatex fields and years --------------------------------------------------------------


def test_biblatex_journaltitle_and_date_are_read(tmp_path: Path) -> None:
    text = r"""
@article{bl,
  author       = {Smith, John},
  title        = {Biblatex entry},
  journaltitle = {Nature Methods},
  date         = {2019-05-01},
  volume       = {16},
  number       = {5},
  pages        = {1--10},
}
"""
    reference, notes = _only(tmp_path, text)
    assert (reference.journal, reference.year, reference.volume, reference.pages) == (
        "Nature Methods", 2019, "16", "1-10"
    )  # fmt: skip
    assert notes == ()


@pytest.mark.parametrize(
    ("fields", "year"),
    [
        ("date = {2019}", 2019),
        ("date = {2019-05}", 2019),
        ("date = {2019/2020}", 2019),  # a range: the year it starts
        ("date = {2019-05-01/2019-06-30}", 2019),
        ("date = {2019/}", 2019),  # open-ended
        ("date = {2019/..}", 2019),
        ("date = {2019-05-01T10:30:00Z}", 2019),
        ("year = {2018}, date = {2019}", 2018),  # `year` wins
        ("year = 2001", 2001),
        ("year = {{2001}}", 2001),  # braced twice: still a plain year
        ("year = {{2001}}, date = {2019}", 2001),
    ],
)
def test_the_year_comes_from_year_or_else_date(tmp_path: Path, fields: str, year: int) -> None:
    reference, notes = _only(tmp_path, f"@article{{k, title = {{T}}, {fields}}}")
    assert (reference.year, notes) == (year, ())


@pytest.mark.parametrize("date", ["2019~", "2019?", "201X", "../2020", "/2020", "May 2019"])
def test_a_date_not_plain_gives_no_year_and_a_note(tmp_path: Path, date: str) -> None:
    reference, notes = _only(tmp_path, f"@article{{k, title = {{T}}, date = {{{date}}}}}")
    assert reference.year is None
    assert notes == (f"line 1: date {date!r} of 'k' is not a plain date; left out",)


def test_journal_wins_over_journaltitle(tmp_path: Path) -> None:
    text = "@article{k, journal = {J. Old}, journaltitle = {J. New}, booktitle = {B}}"
    reference, _ = _only(tmp_path, text)
    assert reference.journal == "J. Old"


# --- crossref -------------------------------------------------------------------------------

CROSSREF = r"""
@inproceedings{child,
  author   = {Smith, John},
  title    = {Child paper},
  pages    = {1--10},
  crossref = {proc},
}
@inproceedings{own, title = {Own volume}, volume = {7}, crossref = {PROC}}
@proceedings{proc,
  title     = {Proceedings of the Big Conference},
  booktitle = {Big Conference},
  editor    = {Doe, Jane},
  year      = {2015},
  volume    = {42},
  doi       = {10.5555/proceedings.2015},
}
"""


def test_crossref_fields_are_inherited(tmp_path: Path) -> None:
    # The child used to lose its volume's title, year and volume.
    child, own, proc = _read(tmp_path, CROSSREF).references
    # The parent's title is the child's booktitle, as biblatex; its DOI names the volume.
    assert (child.title, child.authors, child.year, child.journal, child.volume) == (
        "Child paper", ("Smith J",), 2015, "Proceedings of the Big Conference", "42"
    )  # fmt: skip
    assert (child.pages, child.doi) == ("1-10", None)
    # The child's own fields win; the key matches regardless of case, as in BibTeX.
    assert (own.title, own.volume, own.year) == ("Own volume", "7", 2015)
    assert (proc.title, proc.doi) == (
        "Proceedings of the Big Conference",
        "10.5555/proceedings.2015",
    )


def test_crossref_follows_a_chain_and_maps_a_periodicals_title(tmp_path: Path) -> None:
    text = """
@article{paper, title = {Paper}, crossref = {issue}}
@periodical{issue, title = {Journal of Things}, number = {3}, crossref = {volume}}
@misc{volume, volume = {12}, year = {2020}}
"""
    paper, _, _ = _read(tmp_path, text).references
    assert (paper.journal, paper.issue, paper.volume, paper.year) == (
        "Journal of Things", "3", "12", 2020
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "note", "other"),
    [
        (
            "@inproceedings{child, title = {C}, crossref = {nowhere}}",
            "line 1: crossref 'nowhere' of 'child' names no entry in the file; read without it",
            None,
        ),
        (
            "@misc{a, title = {A}, crossref = {b}}\n@misc{b, year = 2001, crossref = {a}}",
            "line 2: crossref 'a' of 'b' closes a loop; read without it",
            "line 1: crossref 'b' of 'a' closes a loop; read without it",
        ),
        (
            "@misc{a, title = {A}, crossref = {a}}",
            "line 1: crossref 'a' of 'a' closes a loop; read without it",
            None,
        ),
    ],
)
def test_a_crossref_that_cannot_be_followed_gives_a_note(
    tmp_path: Path, text: str, note: str, other: str | None
) -> None:
    result = _read(tmp_path, text)
    assert result.references[0].title in ("C", "A")
    assert set(result.notes) == {note, other} - {None}


def test_a_very_long_crossref_chain_stops_with_a_note(tmp_path: Path) -> None:
    entries = [f"@misc{{e{n}, title = {{T{n}}}, crossref = {{e{n + 1}}}}}" for n in range(20)]
    entries.append("@misc{e20, year = 2001}")
    result = _read(tmp_path, "\n".join(entries))
    # Eight crossrefs up at most: e12 reaches e20's year, e11 stops at e19.
    assert [r.year for r in result.references] == [None] * 12 + [2001] * 9
    assert result.notes[0] == (
        "line 1: the crossref chain of 'e0' is more than 8 long; read up to 'e8'"
    )
    assert len(result.notes) == 12


# --- DOIs: lists, and doi.org links in url --------------------------------------------------


@pytest.mark.parametrize(
    ("doi", "expected", "note"),
    [
        (
            "10.1038/nm.1234,10.1038/nm.5678",
            None,
            "gives more than one DOI (10.1038/nm.1234, 10.1038/nm.5678); left out",
        ),
        (
            "10.1038/nm.1234; 10.1038/nm.5678 10.5555/x",
            None,
            "gives more than one DOI (10.1038/nm.1234, 10.1038/nm.5678, 10.5555/x); left out",
        ),
        ("10.1038/NM.1234, 10.1038/nm.1234", "10.1038/NM.1234", None),  # one DOI, twice
        ("10.1000/a,b", "10.1000/a,b", None),  # a comma inside a DOI
        # A SICI DOI's own `;` leaves a part that is not a DOI: one DOI.
        ("10.1002/(SICI)1097-0258(199806)17:8<1::AID-SIM1>3.0.CO;2-E",) * 2 + (None,),
    ],
)
def test_a_doi_field_listing_dois(
    tmp_path: Path, doi: str, expected: str | None, note: str | None
) -> None:
    # The list used to be written as one DOI. More than one is left out, as in a pasted list.
    reference, notes = _only(tmp_path, f"@article{{k, title = {{T}}, doi = {{{doi}}}}}")
    assert reference.doi == expected
    assert notes == ((f"line 1: doi of 'k' {note}",) if note else ())


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("url = {https://doi.org/10.1038/nm.9999}", "10.1038/nm.9999"),
        ("url = {http://dx.doi.org/10.1038/nm.9999}", "10.1038/nm.9999"),
        ("url = {doi.org/10.1038/nm.9999}", "10.1038/nm.9999"),
        ("url = {https://example.org/10.1038/nm.9999}", None),  # not a DOI link
        ("url = {https://doi.org/10.1038/nm.9999}, doi = {10.5555/own}", "10.5555/own"),
    ],
)
def test_a_doi_org_link_in_url_is_the_doi_when_there_is_no_doi_field(
    tmp_path: Path, fields: str, expected: str | None
) -> None:
    reference, notes = _only(tmp_path, f"@misc{{u, title = {{U}}, {fields}}}")
    assert (reference.doi, notes) == (expected, ())


def test_a_doi_org_link_without_a_doi_gives_a_note(tmp_path: Path) -> None:
    reference, notes = _only(tmp_path, "@misc{u, title = {U}, url = {https://doi.org/about}}")
    assert reference.doi is None
    assert len(notes) == 1
    assert notes[0].startswith("line 1: url of 'u': 'https://doi.org/about' is not a DOI")


# --- a missing comma between fields ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "fields"),
    [
        (
            "@article{k,\n  title = {Gene therapy}\n  year = {2009},\n  journal = {Nature},\n}\n",
            "3:3",
            "'title' and 'year'",
        ),
        ('@article{k, title = "A = B" year = 2009}\n', "1:29", "'title' and 'year'"),
        ("@article{k, year = 2009\n journal = {J}}\n", "2:2", "'year' and 'journal'"),
        ("@article(k, title = {A} # {B} journal = {J})\n", "1:31", "'title' and 'journal'"),
        (
            "@article{a, title={x}}\n\n@article{b, title={T},\n  journal={J} year={2009}}\n",
            "4:15",
            "'journal' and 'year'",
        ),
    ],
)
def test_a_missing_comma_between_fields_is_refused_at_its_place(
    tmp_path: Path, text: str, where: str, fields: str
) -> None:
    # bibtexparser reads `title = {Gene therapy}` `year = {2009}` as one title, "Gene
    # therapy year = 2009", and the year was lost without a word.
    error = _failure(tmp_path, "refs.bib", text)
    assert error.exit_code == ExitCode.USAGE
    assert str(error).startswith(f"{tmp_path / 'refs.bib'}:{where}: no comma between the fields")
    assert fields in str(error)


@pytest.mark.parametrize(
    "fields",
    [
        "title = {a = b}, note = {x, y = z}",
        'title = "a = b", note = "{x\\" = }" # " = z"',
        "title = {A} # { = B}, year = 2009",
        "title = {T}, year = 2009,\n",
        "title = {T},\n  year = 2009\n",
        "title = {T}, abstract = {Let $x = \\{1\\}$ then y = 2}",
    ],
)
def test_an_equals_sign_inside_a_value_is_no_missing_comma(tmp_path: Path, fields: str) -> None:
    reference, _notes = _only(tmp_path, f"@article{{k, {fields}}}\n")
    assert reference.title in ("a = b", "A = B", "T")
