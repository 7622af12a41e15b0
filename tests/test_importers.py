"""`claimcheck import`'s library part: BibTeX, RIS, CSL-JSON and pasted reference lists read
into references, and written as a claim-map skeleton that claimcheck's own loader accepts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from claimcheck.inputs.claimmap import load_claim_map
from claimcheck.inputs.importers import (
    IMPORT_FORMATS,
    ImportedReference,
    ImportFailed,
    ImportResult,
    import_references,
    render_claim_map,
)
from claimcheck.inputs.schema import claim_map_json_schema
from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import ExitCode, UsageError

ROOT = Path(__file__).parent.parent

BIBTEX = r"""% exported from a reference manager
@string{mt = "Molecular Therapy"}

@article{Prockop:2009,
  author  = {Prockop, Darwin J. and van der Berg, Anna and {World Health Organization}
             and M{\"u}ller, J{\"o}rg-Peter and others},
  title   = {Repair of tissues by adult stem/progenitor cells ({MSCs}): controversies},
  journal = mt,
  year    = 2009,
  volume  = {17}, number = {6}, pages = {939--946},
  doi     = {https://doi.org/10.1038/MT.2009.62},
}

@inproceedings{conf-2010,
  title = "A conference paper", booktitle = {Proc. Stem Cells}, year = {2010}
}
"""

RIS = """\
TY  - JOUR
ID  - prockop2009
AU  - Prockop, Darwin J.
AU  - van der Berg, Anna
TI  - Repair of tissues by adult stem/progenitor cells
JO  - Mol Ther
PY  - 2009///
VL  - 17
IS  - 6
SP  - 939
EP  - 946
DO  - 10.1038/mt.2009.62
ER  -

TY  - BOOK
T1  - A book without a journal
A1  - Doe, Jane
Y1  - 2020/05/01/
ER  -
"""

CSL = [
    {
        "id": "prockop2009",
        "type": "article-journal",
        "DOI": "10.1038/mt.2009.62",
        "title": "Repair of tissues by adult stem/progenitor cells",
        "author": [
            {"family": "Prockop", "given": "Darwin J."},
            {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
            {"literal": "World Health Organization"},
        ],
        "issued": {"date-parts": [[2009, 6]]},
        "container-title": "Molecular Therapy",
        "volume": "17",
        "issue": 6,
        "page": "939-946",
    },
    {"id": "http://zotero.org/users/1/items/ABCD", "title": "Second", "issued": {"raw": "x"}},
]

VANCOUVER = (
    "Houghton J, Stoicov C, Nomura S. Gastric cancer originating from bone marrow-derived "
    "cells. Science. 2004 Nov 26;306(5701):1568-71. doi: 10.1126/science.1099513."
)

TEXT_LIST = f"""\
An article's closing remarks, which are not references.

References
1. {VANCOUVER}
2. Ankrum, J., Ong, J. & Karp, J. Mesenchymal stem cells: immune evasive, not immune
   privileged. Nat Biotechnol 32, 252–260 (2014). https://doi.org/10.1038/nbt.2816
3. Doe J. An example book without a DOI. Example Press; 2020.

Disclaimer: not medical advice.
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _by_id(result: ImportResult) -> dict[str, ImportedReference]:
    return {reference.id: reference for reference in result.references}


def _failure(tmp_path: Path, name: str, text: str, **options: str) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        import_references(_write(tmp_path, name, text), **options)
    return caught.value


# --- BibTeX ---------------------------------------------------------------------------------


def test_bibtex_fields(tmp_path: Path) -> None:
    result = import_references(_write(tmp_path, "refs.bib", BIBTEX))
    assert result.format == "bibtex"
    first, second = result.references
    assert first == ImportedReference(
        id="Prockop-2009",
        cited_as=None,
        doi="10.1038/MT.2009.62",  # bare, in the printed case
        title="Repair of tissues by adult stem/progenitor cells (MSCs): controversies",
        authors=(
            "Prockop DJ",
            "van der Berg A",
            "World Health Organization",
            "Müller JP",
            "et al.",
        ),
        year=2009,
        journal="Molecular Therapy",
        volume="17",
        issue="6",
        pages="939-946",
        line=4,
    )
    assert (second.id, second.journal, second.year, second.line) == (
        "conf-2010",
        "Proc. Stem Cells",
        2010,
        14,
    )


CONCATENATED = r"""
@string{pre = {Advances in }}
@string{adv = pre # "Stem Cell Research"}
@string{j = "Nature"}
@article{joined,
  title = {Repair of tissues } # "by stem cells" # { ({MSCs})},
  journal = adv, year = 2009,
}
@article{named, title = "Mesenchymal " # j # {~cells}, journal = j # { Medicine}, year = 2010}
@article{undefined, title = "A " # nowhere, journal = j, year = 2011}
"""


def test_bibtex_concatenations_are_joined(tmp_path: Path) -> None:
    # BibTeX joins `#` parts: braced and quoted text and @string names, which may join
    # others. A part naming no string is left as written: nothing is guessed.
    joined, named, undefined = import_references(
        _write(tmp_path, "refs.bib", CONCATENATED)
    ).references
    assert joined.title == "Repair of tissues by stem cells (MSCs)"
    assert joined.journal == "Advances in Stem Cell Research"
    assert (named.title, named.journal) == ("Mesenchymal Nature cells", "Nature Medicine")
    assert undefined.title == '"A " # nowhere'
    assert undefined.journal == "Nature"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('{A } # "B"', "A B"),
        ("pre # {x}", "Advances in x"),
        ('jan # "~1"', "January~1"),
        ('2009 # "a"', "2009a"),
        ('"a # b"', None),  # inside quotes: no join
        ("{a # b}", None),  # inside braces: no join
        ('"a" #', None),  # an empty part
        ("{a # b", None),  # an unclosed brace
        ('self # "x"', None),  # a definition that names itself, however deep
        ('"a" # nowhere', None),
    ],
)
def test_bibtex_concatenation_parts(value: str, expected: str | None) -> None:
    from claimcheck.inputs.importers.bibtex_concat import joined

    strings = {"pre": "Advances in ", "self": 'self # "y"'}
    assert joined(value, strings) == expected


def test_bibtex_ids_are_sanitised_and_unique(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "@article{Smith:2009, title={a}}",
            "@article{Smith-2009, title={b}}",
            "@article{Müller2010, title={c}}",
            "@article{文献, title={d}}",
            "@article{R4, title={e}}",
        ]
    )
    result = import_references(_write(tmp_path, "refs.bib", text))
    assert [r.id for r in result.references] == [
        "Smith-2009",
        "Smith-2009-2",
        "Muller2010",
        "R4",
        "R4-2",
    ]
    assert any("'Smith:2009' is not a claim-map id" in note for note in result.notes)
    assert any("'R4' is already used" in note for note in result.notes)


def test_bibtex_entry_without_fields_is_skipped_with_a_note(tmp_path: Path) -> None:
    result = import_references(_write(tmp_path, "refs.bib", "@misc{empty,}\n@misc{x, year=2001}"))
    assert [r.id for r in result.references] == ["x"]
    assert any("'empty' has no field" in note for note in result.notes)


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ("@article{a, title={x}}\n\n@article{b,\n  title = {unclosed\n", "3:1", "cannot read"),
        ("@article{a, title={x}}\n@article{a, title={y}}\n", "2:1", "duplicate entry key 'a'"),
        ("% only a comment\n", "1:1", "expected BibTeX entries"),
        ("  \n\n", "1:1", "the file is empty"),
    ],
)
def test_bibtex_errors_are_located(tmp_path: Path, text: str, where: str, expected: str) -> None:
    error = _failure(tmp_path, "refs.bib", text)
    assert isinstance(error, UsageError)
    assert error.exit_code == ExitCode.USAGE
    assert str(error).startswith(f"{tmp_path / 'refs.bib'}:{where}: ")
    assert expected in str(error)


# --- RIS ------------------------------------------------------------------------------------


def test_ris_fields(tmp_path: Path) -> None:
    result = import_references(_write(tmp_path, "refs.ris", RIS))
    first, second = result.references
    assert first == ImportedReference(
        id="prockop2009",
        cited_as=None,
        doi="10.1038/mt.2009.62",
        title="Repair of tissues by adult stem/progenitor cells",
        authors=("Prockop DJ", "van der Berg A"),
        year=2009,
        journal="Mol Ther",
        volume="17",
        issue="6",
        pages="939-946",
        line=1,
    )
    assert (second.id, second.title, second.authors, second.year, second.line) == (
        "R2",
        "A book without a journal",
        ("Doe J",),
        2020,
        15,
    )


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ("TY  - JOUR\nTI  - never closed\n", "1:1", "never closed by an ER line"),
        ("TY  - JOUR\nTI  - a\nTY  - JOUR\nER  - \n", "3:1", "before the record at line 1"),
        ("TI  - a\nER  - \n", "2:1", "an ER line outside a record"),
        ("TY - JOUR\nTI - one space only\nER - \n", "1:1", "no RIS record found"),
    ],
)
def test_ris_errors_are_located(tmp_path: Path, text: str, where: str, expected: str) -> None:
    error = _failure(tmp_path, "refs.ris", text)
    assert str(error).startswith(f"{tmp_path / 'refs.ris'}:{where}: ")
    assert expected in str(error)


# --- CSL-JSON -------------------------------------------------------------------------------


def test_csl_json_fields(tmp_path: Path) -> None:
    result = import_references(_write(tmp_path, "refs.json", json.dumps(CSL, indent=2)))
    first, second = result.references
    assert first == ImportedReference(
        id="prockop2009",
        cited_as=None,
        doi="10.1038/mt.2009.62",
        title="Repair of tissues by adult stem/progenitor cells",
        authors=("Prockop DJ", "van der Berg A", "World Health Organization"),
        year=2009,
        journal="Molecular Therapy",
        volume="17",
        issue="6",
        pages="939-946",
        line=2,
    )
    # A Zotero item URL makes a poor id; an issued date with no date-parts gives no year.
    assert (second.id, second.title, second.year) == ("R2", "Second", None)


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        ('[\n  {"title": "a"},\n  {"title": "b",}\n]', "3:17", "invalid JSON"),
        ('{"items": []}', "1:1", "expected CSL-JSON: a list of items"),
        ('[\n  "a string"\n]', "2:3", "expected an item"),
        ("[]", "1:1", "the list is empty"),
        ('[{"title": "a"}] extra', "1:18", "extra data after the list"),
    ],
)
def test_csl_json_errors_are_located(tmp_path: Path, text: str, where: str, expected: str) -> None:
    error = _failure(tmp_path, "refs.json", text)
    assert str(error).startswith(f"{tmp_path / 'refs.json'}:{where}: ")
    assert expected in str(error)


# --- the claim-map skeleton -----------------------------------------------------------------

SOURCES = {
    "refs.bib": BIBTEX,
    "refs.ris": RIS,
    "refs.json": json.dumps(CSL),
    "article.txt": TEXT_LIST,
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_importer_output_loads_with_the_claim_map_loader(tmp_path: Path, name: str) -> None:
    result = import_references(_write(tmp_path, name, SOURCES[name]))
    text = render_claim_map(result, source_name=name)
    claim_map = load_claim_map(_write(tmp_path, "map.yaml", text))
    assert claim_map.claims == ()
    assert len(claim_map.references) == len(result.references) >= 2
    for imported, loaded in zip(result.references, claim_map.references, strict=True):
        assert loaded.id == imported.id
        assert loaded.doi == (normalize_doi(imported.doi) if imported.doi else None)
        names = (*loaded.authors, "et al.") if loaded.authors_truncated else loaded.authors
        assert names == imported.authors
        for field in ("cited_as", "title", "year", "journal", "volume", "issue", "pages"):
            assert getattr(loaded, field) == getattr(imported, field), field
    validator = Draft202012Validator(claim_map_json_schema())
    assert [e.message for e in validator.iter_errors(yaml.safe_load(text))] == []


# --- choosing the importer ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("refs.txt", BIBTEX, "bibtex"),
        ("export.txt", RIS, "ris"),
        ("refs.dat", json.dumps(CSL), "csl-json"),
        ("refs.txt", "[1] Smith J. First. 2001.\n[2] Doe A. Second. 2002.\n", "text"),
    ],
)
def test_format_from_content(tmp_path: Path, name: str, text: str, expected: str) -> None:
    result = import_references(_write(tmp_path, name, text))
    assert result.format == expected
    assert (f"read as {expected} (from its content)" in result.notes) == (expected != "text")


def test_format_option_wins_over_the_extension(tmp_path: Path) -> None:
    result = import_references(_write(tmp_path, "refs.bib", RIS), format="ris")
    assert (result.format, len(result.references)) == ("ris", 2)
    assert IMPORT_FORMATS == ("bibtex", "ris", "csl-json", "text")


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    error = _failure(tmp_path, "refs.bib", BIBTEX, format="endnote")
    assert "unknown import format 'endnote'; expected bibtex, ris, csl-json, text" in str(error)
    path = tmp_path / "latin1.txt"
    path.write_bytes("1. Smith J.\n2. M\xfcller A.\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match=r"latin1\.txt:2:5: expected UTF-8 text"):
        import_references(path)
    with pytest.raises(ImportFailed, match=r"nul\.txt:1:3: found a NUL character"):
        import_references(_write(tmp_path, "nul.txt", "ab\x00c"))
    with pytest.raises(ImportFailed, match="cannot read the file"):
        import_references(tmp_path / "missing.bib")


# --- the seed article (outside the repository) ----------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("CLAIMCHECK_SEED_ARTICLE"),
    reason="set CLAIMCHECK_SEED_ARTICLE to the seed article's text file",
)
def test_seed_article_reference_list() -> None:
    path = Path(os.environ["CLAIMCHECK_SEED_ARTICLE"])
    result = import_references(path, format="text")
    references = result.references
    assert [r.id for r in references] == [f"R{n}" for n in range(1, 26)]
    assert [r.doi is not None for r in references] == [n >= 18 for n in range(1, 26)]
    # cited_as is the printed line, leading number removed, and agrees with the example map.
    printed = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        number, dot, rest = line.strip().partition(". ")
        if dot and number.isdigit():
            printed[f"R{number}"] = rest.strip()
    example = {
        r.id: r for r in load_claim_map(ROOT / "claims" / "stem-cell-safety.yaml").references
    }
    for reference in references:
        expected = example[reference.id]
        assert reference.cited_as == printed[reference.id] == expected.cited_as
        assert reference.year == expected.year
        if reference.doi is not None:
            assert normalize_doi(reference.doi) == expected.doi
    # Every other field read agrees with the example map (which keeps a journal's final ".").
    for reference in references:
        expected = example[reference.id]
        for field in ("title", "volume", "issue", "pages"):
            assert getattr(reference, field) in (None, getattr(expected, field)), reference.id
        assert reference.journal in (None, (expected.journal or "").removesuffix("."))
        names = (*expected.authors, "et al.") if expected.authors_truncated else expected.authors
        assert reference.authors in ((), names)
