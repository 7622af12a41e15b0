"""Cyrillic text as references write it in Latin letters. A registry record of a Russian,
Ukrainian or Bulgarian article may hold only its Cyrillic title, journal and names, while a
reference in English cites them romanised (Citing Medicine, chapter 1): the two agree only
once read in one alphabet. Pure."""

from __future__ import annotations

import re

__all__ = ["has_cyrillic", "romanised", "romanised_forms"]

# The Library of Congress's table without its diacritics, as the NLM Catalog romanises
# Russian journal titles: "Кардиология" is "Kardiologiia", "Терапевтический архив"
# "Terapevticheskii arkhiv", "Юрьев" "Iurev".
# fmt: off
_LIBRARY_OF_CONGRESS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "ie", "ґ": "g",
    # Serbian and Macedonian, as their own Latin alphabets write them (without diacritics),
    # and Belarusian ў.
    "ђ": "dj", "ћ": "c", "џ": "dz", "љ": "lj", "њ": "nj", "ј": "j", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz", "ў": "u",
}
# fmt: on
# The forms names take in an article's English version and in passports before 2013, those
# of BGN/PCGN without diacritics: "Юрьев" is "Yurev", "Яковлева" "Yakovleva", "Зайцев"
# "Zaytsev". Authors write their own names so, and a reference copies them.
_ENGLISH_NAMES = _LIBRARY_OF_CONGRESS | {"й": "y", "ю": "yu", "я": "ya", "є": "ye", "ї": "yi"}

_TABLES = (str.maketrans(_LIBRARY_OF_CONGRESS), str.maketrans(_ENGLISH_NAMES))
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[a-z]")


def has_cyrillic(text: str) -> bool:
    return not text.isascii() and _CYRILLIC.search(text) is not None


def romanised(text: str) -> str:
    """`text` lower-cased with its Cyrillic letters romanised by the Library of Congress's
    table (the NLM Catalog's journal titles); ASCII text as it is."""
    if text.isascii():
        return text
    return text.lower().translate(_TABLES[0])


def romanised_forms(text: str) -> tuple[str, ...]:
    """Every form `text` is romanised to (the Library of Congress's, and the English one
    names take), lower-cased and without repeats. Empty when it holds no Cyrillic, and
    when it mixes Cyrillic with Latin letters: "Сhen" typed with a Cyrillic С is no name
    to romanise ("shen" would agree with another surname). A form with a letter the
    tables lack (Kazakh ә, say) is left out: it is still no Latin name."""
    lowered = text.lower()
    if not has_cyrillic(lowered) or _LATIN.search(lowered):
        return ()
    forms = (lowered.translate(table) for table in _TABLES)
    return tuple(dict.fromkeys(form for form in forms if not has_cyrillic(form)))
