"""Cyrillic names read in Latin letters (model/romanise.py) as family-name keys: a record
may hold only the Cyrillic name, and a reference cite it romanised."""

from __future__ import annotations

import pytest

from claimcheck.model.romanise import romanised_forms
from claimcheck.model.text import family_keys


@pytest.mark.parametrize("letter", [chr(code) for code in range(0x0400, 0x0500)])
def test_every_cyrillic_letter_gives_keys(letter: str) -> None:
    # A letter the tables lack (Serbian ђ, Kazakh ә) was romanised to itself, and the keys
    # of that form were looked for again, without end: the audit died (exit 70).
    keys = family_keys(f"Ив{letter}нов")
    assert keys
    for form in romanised_forms(f"Ив{letter}нов"):
        assert not any("\u0400" <= char <= "\u04ff" for char in form)


@pytest.mark.parametrize(
    ("name", "romanised"),
    [
        ("Ђорђевић", "djordjevic"),  # Serbian, as its Latin alphabet writes it
        ("Јовановић", "jovanovic"),
        ("Љубић", "ljubic"),
        ("Иванов", "ivanov"),
        ("Яковлева", "yakovleva"),
        ("Яковлева", "iakovleva"),
    ],
)
def test_a_cyrillic_name_has_its_romanised_keys(name: str, romanised: str) -> None:
    assert romanised in family_keys(name)


@pytest.mark.parametrize("name", ["Сhen", "Рan", "Сui"])  # a Cyrillic first letter
def test_a_name_mixing_scripts_is_not_romanised(name: str) -> None:
    # "Сhen" typed on a Russian keyboard gave "shen": another common surname, and a record
    # naming Chen agreed with a citation of Shen.
    assert romanised_forms(name) == ()
    assert "shen" not in family_keys(name)
