"""Text folding for comparing what an article cites with what the registry holds.

Everything here is pure (no I/O) and total: any string in, a string out, never an exception.
Accents are stripped with the standard library's `unicodedata` plus a tiny map for the
letters NFKD does not decompose (unidecode is GPL and not used).
"""

from __future__ import annotations

import html
import re
import unicodedata

from claimcheck.model.romanise import romanised_forms

__all__ = [
    "cited_family_keys",
    "family_key",
    "family_keys",
    "fold",
    "given_names_agree",
    "is_et_al",
    "name_words",
    "parse_cited_name",
    "strip_markup",
    "surname_first",
    "unify_punctuation",
]

# fmt: off
_GREEK_NAMES = (
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega",
)
# fmt: on
_GREEK_LOWER = "αβγδεζηθικλμνξοπρστυφχψω"
_GREEK_UPPER = "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"

GREEK_TO_LATIN: dict[str, str] = {
    **dict(zip(_GREEK_LOWER, _GREEK_NAMES, strict=True)),
    **dict(zip(_GREEK_UPPER, _GREEK_NAMES, strict=True)),
    "ς": "sigma",  # final sigma
    "ϐ": "beta",
    "ϑ": "theta",
    "ϕ": "phi",
    "ϰ": "kappa",
    "ϱ": "rho",
    "ϵ": "epsilon",
    "µ": "mu",  # the micro sign, in case NFKC is bypassed
}

# Latin letters that NFKD leaves whole (they are not "letter + combining mark").
_UNDECOMPOSABLE = str.maketrans(
    {
        "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
        "ẞ": "SS", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "þ": "th", "Þ": "TH", "ħ": "h", "Ħ": "H", "ı": "i", "ŀ": "l", "Ŀ": "L",
        "ŧ": "t", "Ŧ": "T", "ŋ": "n", "Ŋ": "N",
    }
)  # fmt: skip

_APOSTROPHES = "'‘’‚‛′`´ʼʹ"
_QUOTES = "“”„‟″«»"
_DASHES = "‐‑‒–—―−⁃﹘﹣－"
_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys(_APOSTROPHES, "'"),
        **dict.fromkeys(_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
    }
)


def unify_punctuation(s: str) -> str:
    """Curly quotes and apostrophes become ASCII `'` / `"`, every dash becomes `-`."""
    return s.translate(_PUNCTUATION)


def _fold_char(c: str) -> str:
    if c == "'":
        return ""  # "O'Sullivan", "Crohn's": the apostrophe joins, it does not split
    category = unicodedata.category(c)
    if category[0] in "LN":
        return GREEK_TO_LATIN.get(c, c)
    if category == "Cf":
        return ""  # soft hyphens, zero-width joiners
    return " "  # punctuation, symbols, separators, controls


class _FoldTable(dict[int, str]):
    """What each character becomes in `fold` after decomposition, worked out the first time
    it is met: for `str.translate`, one pass in C instead of two Python calls per character.
    Bounded by the number of code points."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = "" if unicodedata.category(char) == "Mn" else _fold_char(unify_punctuation(char))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
# `_FOLD_TABLE` for lower-case ASCII, as `bytes.translate` takes it: each code folds to one
# ASCII character or to nothing (the apostrophe), never to more.
_ASCII_FOLDED = {code: _FOLD_TABLE[code] for code in range(128)}
_ASCII_FOLD = bytes(ord(_ASCII_FOLDED[code] or " ") for code in range(128)) + bytes(range(128, 256))
_ASCII_DROPPED = bytes(code for code, folded in _ASCII_FOLDED.items() if not folded)


def fold(s: str) -> str:
    """The comparable form of `s`: unescaped, NFKC, casefolded, unaccented, no punctuation.

    Greek letters become their Latin names ("κB" -> "kappab"), so a title printed with the
    letter agrees with one that spells it out.
    """
    if s.isascii() and "&" not in s:
        # Most titles and names: no entity to unescape, and NFKC, NFKD and the table of
        # undecomposable letters leave ASCII as it is, so one C pass over the bytes does what
        # `_fold_any` does (the table is built from `_FOLD_TABLE` itself).
        return " ".join(s.lower().encode().translate(_ASCII_FOLD, _ASCII_DROPPED).decode().split())
    return _fold_any(s)


def _fold_any(s: str) -> str:
    s = unicodedata.normalize("NFKC", html.unescape(s)).casefold()
    # Only the few undecomposable letters are looked up (`str.translate` over a table looks
    # up every character), as with `_FOLD_TABLE` below.
    s = unicodedata.normalize("NFKD", _UNDECOMPOSABLE_LETTERS.sub(_undecomposed, s))
    # Combining marks (Mn) go; then each character as `_fold_char` has it: `_FOLD_TABLE` for
    # the few characters past ASCII, then the ASCII ones by pattern. `str.translate` over the
    # whole table looks up every character in Python objects, about 0.5 us each; this is one
    # C pass per step. A character past ASCII folds to letters, a space or nothing, which the
    # ASCII steps leave as they are, so the order of the steps changes nothing.
    s = _PAST_ASCII.sub(_fold_match, s)
    s = _ASCII_APOSTROPHES.sub("", s)
    return " ".join(_ASCII_NOT_ALNUM.sub(" ", s).split())


_PAST_ASCII = re.compile(r"[^\x00-\x7f]+")
_ASCII_APOSTROPHES = re.compile("[" + re.escape(_ASCII_DROPPED.decode()) + "]")
_ASCII_NOT_ALNUM = re.compile(
    "["
    + "".join(re.escape(chr(code)) for code, folded in _ASCII_FOLDED.items() if folded == " ")
    + "]"
)


def _fold_match(found: re.Match[str]) -> str:
    return found.group().translate(_FOLD_TABLE)


_UNDECOMPOSABLE_LETTERS = re.compile("[" + "".join(map(chr, _UNDECOMPOSABLE)) + "]+")


def _undecomposed(found: re.Match[str]) -> str:
    return found.group().translate(_UNDECOMPOSABLE)


# Tags Crossref deposits in titles: HTML inline markup, JATS and MathML, with or without a
# namespace prefix. Only these names are removed, so "a <b and c> d" in prose is mostly safe.
_TAG_NAMES = (
    "i|b|u|em|strong|sub|sup|sc|span|font|br|p|a|small|tt|italic|bold|underline|"
    "math|mi|mo|mn|ms|mtext|mrow|msub|msup|msubsup|mfrac|msqrt|mroot|mstyle|mspace|"
    "mover|munder|munderover|mfenced|mtable|mtr|mtd|semantics|inline-formula|"
    "title|subtitle|named-content|styled-content|ext-link|xref"
)
_TAG = re.compile(rf"</?\s*(?:[A-Za-z][\w.-]*:[\w.-]+|(?:{_TAG_NAMES}))(?:\s[^<>]*)?/?\s*>", re.I)
_ANNOTATION_OPEN = re.compile(r"<(?:\w+:)?annotation(?:-xml)?\b")
_ANNOTATION_CLOSE = re.compile(r"</(?:\w+:)?annotation(?:-xml)?\s*>")


def _drop_annotations(s: str) -> str:
    """Remove MathML `<annotation>…</annotation>` blocks (their text repeats the formula).

    One pass, each search starting where the last stopped: a lazy `<a>.*?</a>` regex would
    rescan the rest of the text from every unclosed opening, which is quadratic on a hostile
    title of many openings and no close.
    """
    kept, at = [], 0
    while (opening := _ANNOTATION_OPEN.search(s, at)) is not None:
        closing = _ANNOTATION_CLOSE.search(s, opening.end())
        if closing is None:
            break  # no close after this opening, so none after any later one either
        kept.append(s[at : opening.start()])
        at = closing.end()
    kept.append(s[at:])
    return "".join(kept)


def strip_markup(s: str) -> str:
    """Remove the HTML, JATS and MathML tags Crossref puts in titles, keeping their text."""
    if "<" not in s and "&" not in s:
        return " ".join(s.split())  # no tag, and no escaped one: nothing to remove
    return _strip_any(s)


def _strip_any(s: str) -> str:
    s = _TAG.sub("", _drop_annotations(s))
    if "&lt;" in s or "&#60;" in s:  # escaped markup: unescape once and strip again
        s = _TAG.sub("", _drop_annotations(html.unescape(s)))
    return " ".join(s.split())


# --- names ---------------------------------------------------------------------------------

# Folded particles that may lead a family name and that a citation may drop or keep:
# "de la Fuente", "In 't Anker", "Van Tassell", "d'Alembert", "Dell'Accio".
# fmt: off
PARTICLES = frozenset((
    "van", "von", "der", "den", "de", "del", "della", "dell", "degli", "di", "da", "das", "dos",
    "do", "du", "des", "la", "le", "lo", "les", "in", "t", "het", "ter", "ten", "te", "op", "zu",
    "zur", "y", "e", "st", "al", "el", "d", "l",
))
# fmt: on

_ET_AL = re.compile(r"(?:^|[\s,;])(?:et\.?\s*al\.?|and others|等)\s*$", re.I)
_SUFFIX = re.compile(r"[\s,]+(?:Jr|Sr)\.?$")  # "Smith J Jr.": a suffix, not a name
# The same suffixes, and the numbered ones, as the last word of a family name: registries
# keep them there ("Gibbons Jr.", "King, Jr", "Wright III"), where a citation prints them
# after the initials ("Gibbons RJ Jr") or leaves them out.
_FAMILY_SUFFIXES = frozenset(("jr", "sr", "ii", "iii", "iv"))


def is_et_al(name: str) -> bool:
    """True for the "et al." that closes a truncated author list."""
    return fold(name) in {"et al", "etal", "and others", "等"}


def _key_tokens(name: str) -> list[str]:
    # Apostrophes separate here ("In't" -> "in t", "Dell'Accio" -> "dell accio").
    return fold(unify_punctuation(name).replace("'", " ")).split()


def family_key(name: str) -> str:
    """The compact folded family name: "De la Fuente" -> "delafuente", "In't Anker" ->
    "intanker", "García-Castro" -> "garciacastro", "Schrødder" -> "schrodder"."""
    return "".join(_key_tokens(name))


# German and Scandinavian names spelled without their letters, as DIN 5007-2 and passports
# (ICAO Doc 9303) write them: "Jäckel" is printed "Jaeckel", "Øvrebø" "Oevreboe", "Åberg"
# "Aaberg". `fold` drops the marks instead ("jackel"), so both spellings are keys.
_TRANSLITERATED = str.maketrans(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
        "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa",
    }
)  # fmt: skip


def family_keys(name: str) -> frozenset[str]:
    """Every key `name` may be compared by: the compact full form, the form without its
    leading particles ("de la Fuente" -> {"delafuente", "fuente"}), and both again with
    "ä", "ö", "ü", "ø", "å" spelled out ("Jäckel" -> {"jackel", "jaeckel"}). A trailing
    "Jr", "Sr", "II", "III" or "IV" is no part of any ("Gibbons Jr." -> {"gibbons"}). Two
    family names agree when their key sets intersect. Empty for a name with no letters or
    digits."""
    tokens = _key_tokens(name)
    if len(tokens) > 1 and tokens[-1] in _FAMILY_SUFFIXES:
        tokens = tokens[:-1]
    if not tokens:
        return frozenset()
    start = 0
    while start < len(tokens) - 1 and tokens[start] in PARTICLES:
        start += 1
    keys = frozenset({"".join(tokens), "".join(tokens[start:])})
    composed = unicodedata.normalize("NFC", name)  # "a" + combining diaeresis is "ä"
    spelled = composed.translate(_TRANSLITERATED)
    if spelled != composed:
        keys |= family_keys(spelled)
    # A record may hold only the Cyrillic name ("Иванов"), a reference cite it romanised
    # ("Ivanov", "Yakovleva" or "Iakovleva"): each romanised form is a key too.
    for form in romanised_forms(composed):
        keys |= family_keys(form)
    return keys


def _is_initials(token: str) -> bool:
    """ "A.C.", "B.W.", "R", "MC", "J.-C.": 1-4 capital letters with optional dots/hyphens.

    Four, not three, so "G.J.V.M." (van Osch) still reads as initials."""
    core = token.replace(".", "").replace("-", "")
    return 1 <= len(core) <= 4 and core.isalpha() and core.isupper()


def _without_et_al(name: str) -> str:
    s = " ".join(name.split())
    return _SUFFIX.sub("", _ET_AL.sub("", s).strip(" ,;")).strip(" ,;")


def parse_cited_name(name: str) -> tuple[str, str]:
    """(family, given) for a name as a reference list prints it.

    - "Ankrum, J." (comma): family first.
    - "Pandey A.C.", "Luyten F. P.", "de la Fuente R": trailing initials are the given part.
    - "James A. Ankrum": an initial before the last word marks a given-first name.
    - "De la Fuente", "James Ankrum": no initials, so the whole string is the family;
      `cited_family_keys` also tries the last word, and `surname_first` the first.
    A trailing "et al." is dropped; an "et al." alone gives ("", "").
    """
    s = _without_et_al(name)
    if not s or is_et_al(s):
        return "", ""
    if "," in s:
        family, _, given = s.partition(",")
        return family.strip(), given.strip(" ,;")
    tokens = s.split()
    end = len(tokens)
    while end > 1 and _is_initials(tokens[end - 1]):
        end -= 1
    if end < len(tokens):
        return " ".join(tokens[:end]), " ".join(tokens[end:])
    for j in range(len(tokens) - 2, -1, -1):
        if _is_initials(tokens[j]):
            return " ".join(tokens[j + 1 :]), " ".join(tokens[: j + 1])
    return s, ""


def cited_family_keys(name: str) -> frozenset[str]:
    """The family keys a cited name can match: those of its parsed family, and, for a
    comma-less multi-word name without initials ("James Ankrum"), those of its last word."""
    if is_et_al(name):
        return frozenset()
    family, given = parse_cited_name(name)
    keys = set(family_keys(family))
    words = family.split()
    if not given and "," not in name and len(words) > 1:
        keys |= family_keys(words[-1])
    return frozenset(keys)


def surname_first(name: str) -> tuple[str, str] | None:
    """(family, given) for `name` read surname first, given name in full, as GB/T 7714 prints
    every personal name and as Chinese, Korean and Japanese references often do: "Zhang
    Yong", "ZHANG Jun", "HU Jiayu", "Dong Xin-zhuang" (the style's capital surname is
    optional). Two or three words, no comma, no initials after the first word, and a first
    word of two letters or more; None otherwise.

    The same words read given name first ("James Ankrum", "BO Maolin" as initials B. O.) are
    as likely, so `parse_cited_name` keeps that reading. This one is a second reading, to be
    accepted only when the given name agrees as well (`given_names_agree`): "John Smith" read
    as family "John" must not hide a different registry first author named John."""
    s = _without_et_al(name)
    words = s.split()
    if "," in s or not 2 <= len(words) <= 3 or any(map(_is_initials, words[1:])):
        return None
    if len(family_key(words[0])) < 2 or is_et_al(s):
        return None
    return words[0], " ".join(words[1:])


def given_names_agree(cited: str, registry: str) -> bool:
    """Whether a given name printed in full ("Yong", "Xin-zhuang", "Min Jun") is the
    registry's: the same letters however split ("Xinzhuang", "Xin-Zhuang"), or the registry
    gives only initials ("Y.", "X.-Z.", "XZ") and the cited parts begin with them."""
    cited_parts, registry_compact = _key_tokens(cited), family_key(registry)
    if not cited_parts or not registry_compact:
        return False
    if "".join(cited_parts) == registry_compact:
        return True
    if not all(map(_is_initials, registry.split())):
        return False
    return "".join(part[0] for part in cited_parts).startswith(registry_compact)


def name_words(name: str) -> tuple[str, ...]:
    """The folded words of a whole name, without a leading "The" and a trailing "et al.": a
    group author ("The PLOS ONE Staff", Crossref's `name` of an organisation) is the cited
    name when the two are the same words. `parse_cited_name` would read "PLOS ONE" as
    initials, which a group's capitals are not."""
    words = tuple(_key_tokens(_without_et_al(name)))
    return words[1:] if len(words) > 1 and words[0] == "the" else words
