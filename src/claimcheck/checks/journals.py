"""Whether a cited journal name and a registry's name the same journal. Pure.

Cited names are abbreviated ("Proc Natl Acad Sci U S A"), acronyms ("PNAS"), or carry a
place or medium in brackets ("[Internet]"); registry names are usually spelled out.
"""

from __future__ import annotations

import re
from itertools import product

from rapidfuzz import fuzz

from claimcheck.model.romanise import romanised
from claimcheck.model.text import fold

# Journal names that are neither equal, abbreviations nor acronyms of each other may still
# be one journal with a typo or a variant spelling ("Haematology"/"Hematology" scores 0.95).
JOURNAL_AGREE = 0.90

# fmt: off
_STOPWORDS = frozenset((
    "the", "of", "and", "for", "in", "on", "de", "la", "le", "les", "des", "du", "der", "die",
    "das", "und", "et", "an", "to", "at", "y", "fur",
))
# fmt: on
# A trailing place qualifier that abbreviated titles keep and full ones often drop:
# "Proc Natl Acad Sci U S A" vs "Proceedings of the National Academy of Sciences".
_QUALIFIER_TAILS = (("united", "states", "america"), ("u", "s", "a"), ("usa",))
# PubMed's abbreviation of a journal's English edition ends "Ed Engl": "Angew Chem Int Ed
# Engl" for "Angewandte Chemie International Edition", which the registry names, and
# abbreviates ("Angew. Chem. Int. Ed."), without the language. The name is also read without
# that "Engl", only after "Ed": another last "Engl" is England ("Lancet Lond Engl") or a word
# of the name. With it, it still abbreviates "... International Edition in English", the
# journal's title until 1998.
_ENGLISH_EDITION = ("ed", "engl")
_PARENTHETICAL = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")  # "(Warsz)", "[Internet]"
# The NLM Catalog qualifies a title shared by several journals with its place (or edition)
# in brackets ("Lancet (London, England)", "Science (New York, N.Y.)", "BMJ (Clinical
# research ed.)"), which `_PARENTHETICAL` removes.
# Reference managers abbreviate the qualifier word by word (ISO 4) and drop the brackets:
# "Lancet Lond Engl", "Science N Y N Y". Only these common qualifiers are removed unbracketed,
# as whole words at the end: an arbitrary last word may name another journal ("Lancet Oncol").
_PLACE_QUALIFIERS = (
    ("london", "england"), ("lond", "engl"), ("oxford", "england"), ("oxf", "engl"),
    ("new", "york", "n", "y"), ("n", "y", "n", "y"), ("san", "diego", "calif"),
    ("basel", "switzerland"), ("basel", "switz"), ("basel",), ("baltimore",),
    ("clinical", "research", "ed"), ("clin", "res", "ed"),
)  # fmt: skip


def _journal_tokens(name: str) -> list[str]:
    # A registry may hold only a Russian journal's Cyrillic title, and a reference cite it
    # romanised as the NLM Catalog does (model/romanise.py).
    name = romanised(name)
    tokens = fold(_PARENTHETICAL.sub(" ", name)).split()
    for tail in _PLACE_QUALIFIERS:
        if len(tokens) > len(tail) and tuple(tokens[-len(tail) :]) == tail:
            return tokens[: -len(tail)]
    return tokens or fold(name).split()


# Titles the NLM Catalog gives journals whose registry title shares too few words with them
# for a rule to tell, keyed by that registry title. The Royal Society's Proceedings B and A
# were titled "Proceedings: Biological Sciences" (ISSN 0962-8452) and "Proceedings:
# Mathematical, Physical and Engineering Sciences" (ISSN 1364-5021) in the 1990s, as the NLM
# Catalog still titles them, abbreviated "Proc Biol Sci" and "Proc Math Phys Eng Sci". No
# rule reads them: "Proceedings" and a section's subject would also name "Proceedings of
# the National Academy of Sciences, India Section B: Biological Sciences". OUP's records of
# British Journal of Surgery articles (ISSN 0007-1323, NLM "Br J Surg") may name it "Journal
# of British Surgery" (10.1046/j.1365-2168.2000.01374.x): reading words in any order instead
# would make "J Chem Phys" agree with "J Phys Chem".
_CATALOGUED_TITLES = {
    "Proceedings of the Royal Society B: Biological Sciences": "Proceedings: Biological Sciences",
    "Proceedings of the Royal Society A: Mathematical, Physical and Engineering Sciences":
        "Proceedings: Mathematical, Physical and Engineering Sciences",
    "Journal of British Surgery": "British Journal of Surgery",
}  # fmt: skip
_CATALOGUED = {
    tuple(_journal_tokens(registry)): _journal_tokens(title)
    for registry, title in _CATALOGUED_TITLES.items()
}


def _significant(tokens: list[str], letters: bool = False) -> list[str]:
    """`tokens` without stopwords, or with only the longer ones dropped when `letters`: a
    one-letter stopword may be a word's initial ("y", Spanish "and", is the Y of "Ann N Y
    Acad Sci"). "a", the article of "CA: A Cancer Journal for Clinicians", is a stopword
    except as the last word, where it is a section's letter ("Physical Review A")."""
    last = len(tokens) - 1
    kept = [
        t
        for i, t in enumerate(tokens)
        if (letters and len(t) == 1) or not (t in _STOPWORDS or (t == "a" and i < last))
    ] or tokens
    for tail in _QUALIFIER_TAILS:
        if len(kept) > len(tail) and tuple(kept[-len(tail) :]) == tail:
            return kept[: -len(tail)]
    return kept


def _readings(tokens: list[str]) -> list[list[str]]:
    """The significant words of a name, read once without any stopword and, where that
    differs, once keeping the one-letter ones: "Ann N Y Acad Sci" abbreviates "Annals of
    the New York Academy of Sciences" only with its "y", "Revista de Psiquiatría y Salud
    Mental" is "Rev Psiquiatr Salud Ment" only without."""
    kept = _significant(tokens)
    letters = _significant(tokens, letters=True)
    return [kept] if letters == kept else [kept, letters]


def _abbreviates_word(short: str, full: str) -> bool:
    """`short` is `full` abbreviated: same first letter, its letters in order in `full`.
    Not `full`'s beginning and its plural's last "s": ISO 4 drops that "s" with the rest of
    the word ("Rep" for "Reports"), so "Res" is "Research", not "Reports" or "Reviews"."""
    if not short or not full or short[0] != full[0]:
        return False
    if full.startswith(short):
        return True
    stem = short[:-1]
    if short[-1] == "s" and full.startswith(stem) and full.find("s", len(stem)) == len(full) - 1:
        return False  # the beginning and the plural's "s", which ISO 4 would have dropped
    rest = iter(full[1:])
    return all(letter in rest for letter in short[1:])


def _abbreviates(short: list[str], full: list[str]) -> bool:
    return len(short) == len(full) and all(map(_abbreviates_word, short, full))


def _is_acronym(short: list[str], full: list[str]) -> bool:
    """ "PNAS" for "Proceedings of the National Academy of Sciences", "PLoS" for "Public
    Library of Science": the initials of the significant words, or of every word."""
    if len(short) != 1 or len(short[0]) < 2 or len(full) < 2:
        return False
    initials = {"".join(t[0] for t in _significant(full)), "".join(t[0] for t in full)}
    return short[0] in initials


def _names(name: str) -> list[list[str]]:
    """The words of `name`, also without the "Engl" of an English edition ("... Int Ed
    Engl", `_ENGLISH_EDITION`), and for "JNCI: Journal of the National Cancer Institute",
    an acronym before a colon and the name it stands for after it, those of each side:
    either names the journal alone. Any other colon is kept, as it may begin another journal's
    part of the name ("Circulation: Heart Failure", "JACC: Heart Failure")."""
    tokens = _journal_tokens(name)
    names = [tokens]
    if len(tokens) > 2 and tuple(tokens[-2:]) == _ENGLISH_EDITION:
        names.append(tokens[:-1])
    before, colon, after = name.partition(":")
    if colon:
        acronym, full = _journal_tokens(before), _journal_tokens(after)
        if _is_acronym(acronym, full):
            names += [acronym, full]
    return names


def _other_names(name: str, *, registry: bool) -> list[list[str]]:
    """Other names of the journal, compared word by word only (`_word_by_word`): its NLM
    Catalog title (`_CATALOGUED`), and for a registry's name "Main title X: Subject" whose
    main title ends in a section's letter, the main title. The letter tells the journal
    from its siblings, as ISO 4 abbreviations keep it and drop the subject ("Proc. R. Soc.
    B", "J. Phys. A", "J. Chromatogr. B"); a main title ending in no letter ("Circulation",
    "JACC") is another journal (`_names`). Neither is an acronym's source: "PBS" names no
    journal, nor "JPA".

    A cited name's subject is never dropped: it may name another journal of that letter
    ("J. Polym. Sci., Part B: Polym. Lett.", 1963-72, is not Part B: Polymer Physics;
    "Nucl. Phys. B: Proc. Suppl." is not Nuclear Physics B)."""
    others: list[list[str]] = []
    catalogued = _CATALOGUED.get(tuple(_journal_tokens(name)))
    if catalogued:
        others.append(catalogued)
    before, colon, _ = name.partition(":")
    main = _journal_tokens(before) if colon and registry else []
    if len(main) > 1 and len(main[-1]) == 1 and main[-1].isalpha():
        others.append(main)
    return others


def journals_agree(cited: str, registry: str) -> bool:
    """True when `cited` and `registry` name the same journal: equal when folded, one an
    abbreviation or acronym of the other, or a fuzz.ratio of at least JOURNAL_AGREE; each
    read whole and, when it is "ACRONYM: Full name", as either part (`_names`). Also when
    one abbreviates the other's `_other_names` word by word."""
    names_a, names_b = _names(cited), _names(registry)
    if any(_agree(a, b) for a, b in product(names_a, names_b)):
        return True
    others_a = _other_names(cited, registry=False)
    others_b = _other_names(registry, registry=True)
    pairs = (*product(others_a, names_b + others_b), *product(names_a, others_b))
    return any(_word_by_word(a, b) and _same_letter(a, b) for a, b in pairs)


def _same_letter(a: list[str], b: list[str]) -> bool:
    """A section's letter that ends either name is the other's last word too: it is no
    initial of a word ("J. Phys. C: Solid State Phys." is not "J Phys Chem")."""
    letters = {t[-1] for t in (a, b) if len(t[-1]) == 1}
    return not letters or a[-1] == b[-1]


def _word_by_word(a: list[str], b: list[str]) -> bool:
    """Equal, or one abbreviates the other, read without stopwords (`_readings`)."""
    if not a or not b:
        return False
    return any(
        sig_a == sig_b or _abbreviates(sig_a, sig_b) or _abbreviates(sig_b, sig_a)
        for sig_a, sig_b in product(_readings(a), _readings(b))
    )


def _agree(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return False
    if a == b or _word_by_word(a, b):
        return True
    if _is_acronym(a, b) or _is_acronym(b, a):
        return True
    # A one-letter or numeric difference is a different journal however close the rest is:
    # "Physical Review A" / "Physical Review E", "Journal of Physics A" / "... B".
    if any(len(t) < 3 for t in set(a) ^ set(b)):
        return False
    return fuzz.ratio(" ".join(a), " ".join(b)) / 100 >= JOURNAL_AGREE
