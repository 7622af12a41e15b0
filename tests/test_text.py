"""Text folding, markup stripping and cited-name parsing (claimcheck.model.text)."""

from __future__ import annotations

import html
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.model.text import (  # the general paths and tables, for the fast ones
    _FOLD_TABLE,
    _UNDECOMPOSABLE,
    GREEK_TO_LATIN,
    _fold_any,
    _strip_any,
    cited_family_keys,
    family_key,
    family_keys,
    fold,
    is_et_al,
    parse_cited_name,
    strip_markup,
    unify_punctuation,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Gastric Cancer Originating", "gastric cancer originating"),
        ("nuclear factor κB", "nuclear factor kappab"),
        ("nuclear factor kappaB", "nuclear factor kappab"),
        ("TGF-β1 and IFN-γ", "tgf beta1 and ifn gamma"),
        ("ΑΩ Σς", "alphaomega sigmasigma"),
        ("Stem Cell Research &amp; Therapy", "stem cell research therapy"),
        ("García-Castro", "garcia castro"),
        ("Schrødder", "schrodder"),
        ("Lønning", "lonning"),
        ("Æther", "aether"),
        ("Straße", "strasse"),
        ("Łukasz Đorđević", "lukasz dordevic"),
        ("naïve  café\t", "naive cafe"),
        ("“Stemness” does not — explain", "stemness does not explain"),
        ("Dell’Accio", "dellaccio"),
        ("O'Sullivan", "osullivan"),
        ("repair: controversies, myths.", "repair controversies myths"),
        ("ﬁbrosis ５０ µm", "fibrosis 50 mum"),
        ("soft\u00adhyphen", "softhyphen"),
        ("", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_greek_map_covers_both_cases_of_the_alphabet() -> None:
    lower = "αβγδεζηθικλμνξοπρστυφχψω"
    assert all(c in GREEK_TO_LATIN and c.upper() in GREEK_TO_LATIN for c in lower)
    assert GREEK_TO_LATIN["κ"] == GREEK_TO_LATIN["Κ"] == "kappa"
    assert GREEK_TO_LATIN["μ"] == "mu"
    assert GREEK_TO_LATIN["λ"] == "lambda"


def test_unify_punctuation() -> None:
    assert unify_punctuation("In’t “x” 98–103 a—b") == 'In\'t "x" 98-103 a-b'


@pytest.mark.parametrize(
    ("raw", "stripped"),
    [
        ("The <i>p53</i> gene", "The p53 gene"),
        ("CO<sub>2</sub> levels", "CO2 levels"),
        ("<jats:italic>E. coli</jats:italic> cells", "E. coli cells"),
        (
            "factor <mml:math><mml:mi>κ</mml:mi></mml:math>B",
            "factor κB",
        ),
        (
            '<mml:math><mml:semantics><mml:mi>x</mml:mi><mml:annotation encoding="TeX">x'
            "</mml:annotation></mml:semantics></mml:math> axis",
            "x axis",
        ),
        ("&lt;i&gt;In vivo&lt;/i&gt; study", "In vivo study"),
        ("p < 0.05 and q > 1", "p < 0.05 and q > 1"),
        ("plain title", "plain title"),
    ],
)
def test_strip_markup(raw: str, stripped: str) -> None:
    assert strip_markup(raw) == stripped


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Pandey A.C.", ("Pandey", "A.C.")),
        ("Van Tassell B.W.", ("Van Tassell", "B.W.")),
        ("In’t Anker P.S.", ("In’t Anker", "P.S.")),
        ("De la Fuente", ("De la Fuente", "")),
        ("de la Fuente R", ("de la Fuente", "R")),
        ("Ankrum J", ("Ankrum", "J")),
        ("Ankrum, J.", ("Ankrum", "J.")),
        ("Dell’Accio F.", ("Dell’Accio", "F.")),
        ("Luyten F. P.", ("Luyten", "F. P.")),
        ("Kleijburg-van der Keur C.", ("Kleijburg-van der Keur", "C.")),
        ("James A. Ankrum", ("Ankrum", "James A.")),
        ("Benjamin W. Van Tassell", ("Van Tassell", "Benjamin W.")),
        ("James Ankrum", ("James Ankrum", "")),
        ("Minguell J. J.", ("Minguell", "J. J.")),
        ("van Osch G.J.V.M.", ("van Osch", "G.J.V.M.")),
        ("Cigudosa JC", ("Cigudosa", "JC")),
        ("Li L", ("Li", "L")),
        ("Pandey AC et al.", ("Pandey", "AC")),
        ("Smith J Jr.", ("Smith", "J")),
        ("  Biehl   J.K. ", ("Biehl", "J.K.")),
        ("et al.", ("", "")),
        ("", ("", "")),
    ],
)
def test_parse_cited_name(name: str, expected: tuple[str, str]) -> None:
    assert parse_cited_name(name) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("de la Fuente", "De la Fuente"),
        ("de la Fuente", "Fuente"),
        ("De la Fuente", "delaFuente"),
        ("In’t Anker", "in 't Anker"),
        ("In’t Anker", "Anker"),
        ("In't Anker", "Int Anker"),
        ("Van Tassell", "van Tassell"),
        ("Van Tassell", "Tassell"),
        ("Garcia-Castro", "García-Castro"),
        ("Garcia-Castro", "Garcia Castro"),
        ("Schrødder", "Schrodder"),
        ("Dell’Accio", "Dell'Accio"),
        ("Røsland", "Rosland"),
    ],
)
def test_family_keys_agree(a: str, b: str) -> None:
    assert family_keys(a) & family_keys(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Garcia-Castro", "Castro"), ("Pandey", "Prockop"), ("Fuente", "Fuentes"), ("Li", "Lu")],
)
def test_family_keys_disagree(a: str, b: str) -> None:
    assert not family_keys(a) & family_keys(b)


def test_family_key_forms() -> None:
    assert family_key("De la Fuente") == "delafuente"
    assert family_keys("de la Fuente") == {"delafuente", "fuente"}
    assert family_keys("in 't Anker") == {"intanker", "anker"}
    assert family_key("García-Castro") == "garciacastro"
    assert family_key("Schrødder") == "schrodder"
    assert family_keys("De") == {"de"}  # a particle alone is still a name
    assert family_keys("...") == frozenset()


@pytest.mark.parametrize(
    ("cited", "registry_family"),
    [
        ("De la Fuente", "de la Fuente"),
        ("de la Fuente R", "de la Fuente"),
        ("In’t Anker P.S.", "in 't Anker"),
        ("Van Tassell B.W.", "Van Tassell"),
        ("James A. Ankrum", "Ankrum"),
        ("James Ankrum", "Ankrum"),
        ("Ankrum, J.", "Ankrum"),
        ("Garcia-Castro J", "García-Castro"),
        ("Schrødder H", "Schrodder"),
        ("Ricardo de la Fuente", "de la Fuente"),
    ],
)
def test_cited_name_matches_registry_family(cited: str, registry_family: str) -> None:
    assert cited_family_keys(cited) & family_keys(registry_family)


def test_cited_family_keys_ignore_et_al() -> None:
    assert cited_family_keys("et al.") == frozenset()
    assert cited_family_keys("et al") == frozenset()


@pytest.mark.parametrize("name", ["et al.", "et al", "Et Al.", "etal", "等"])
def test_is_et_al(name: str) -> None:
    assert is_et_al(name)


def test_is_et_al_rejects_names() -> None:
    assert not is_et_al("Etal B")
    assert not is_et_al("Alet")


@given(st.text())
def test_text_functions_never_raise(s: str) -> None:
    folded = fold(s)
    assert folded == fold(folded)  # idempotent
    assert folded == " ".join(folded.split())
    strip_markup(s)
    family_keys(s)
    family_key(s)
    family, given_part = parse_cited_name(s)
    assert isinstance(family, str)
    assert isinstance(given_part, str)
    cited_family_keys(s)


def test_annotations_are_dropped_and_an_unclosed_one_is_kept_as_text() -> None:
    from claimcheck.model.text import strip_markup

    assert strip_markup("a <mml:annotation x='1'>TeX</mml:annotation> b") == "a b"
    assert strip_markup("<annotation>1</annotation>x<annotation-xml>2</annotation-xml>y") == "xy"
    # Many openings and no close (a hostile title): nothing is dropped, and it returns.
    hostile = "<annotation " * 5000 + "end"
    assert strip_markup(hostile).endswith("end")


# --- the fast paths agree with the general ones ----------------------------------------------


@pytest.mark.parametrize("code", range(128))
def test_fold_of_each_ascii_character_is_the_general_fold(code: int) -> None:
    # Upper and lower case, alone and between letters (where a space would show).
    for s in (chr(code), f"a{chr(code)}b", f"A{chr(code).upper()}B"):
        assert fold(s) == _fold_any(s)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_of_ascii_text_is_the_general_fold(s: str) -> None:
    assert fold(s) == _fold_any(s)  # "&" included: such text takes the general path


@given(st.text(alphabet=st.sampled_from("<>&;#ltg60 /ib\u00a0\u2003x\nmath")))
def test_strip_markup_is_the_general_strip(s: str) -> None:
    assert strip_markup(s) == _strip_any(s)


def _fold_by_the_table(s: str) -> str:
    """`fold` as the table alone defines it: every character through `_FOLD_TABLE`."""
    s = unicodedata.normalize("NFKC", html.unescape(s)).casefold()
    s = unicodedata.normalize("NFKD", s.translate(_UNDECOMPOSABLE))
    return " ".join(s.translate(_FOLD_TABLE).split())


@given(st.text())
def test_fold_is_the_table_applied_to_each_character(s: str) -> None:
    assert fold(s) == _fold_by_the_table(s)


@pytest.mark.parametrize(
    "s", ["Ærø’s — “ΑΩ” Straße ǅ ½ ﬁ Łódź", "a\u00adb\u200dc", "中文 标题：干细胞", "K\u212a Å"]
)
def test_fold_of_mixed_text_is_the_table_applied_to_each_character(s: str) -> None:
    assert fold(s) == _fold_by_the_table(s)
