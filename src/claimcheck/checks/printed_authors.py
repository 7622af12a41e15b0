"""The first author of a printed reference (one string, `cited_as`), against a candidate
record's author order. Pure.

A structured reference whose first cited author is not the record's first disagrees on
`first_author` (checks/metadata.py), and the match stays weak: it may be a different paper by
the same team (Jones and Smith 2019 for Smith and Jones 2019). SBMV reads the order of a
printed reference too: its string validation compares the record's first surname with the
start of the text (Candidate.java). claimcheck scores any record surname in the text
(`printed_refs._author_in`), so here, as for a structured reference, the order does not change
the similarity; it only keeps the match from being confident. A printed reference gives no
author list, so its first name is read off the start of the text, and only when that is safe:

- The name ends at the first comma, semicolon, colon, bracket, quote, number, "and" ("&",
  "et", "und") or "et al", or at a full stop after a word or after initials that follow a
  word ("Smith AB.", "Smith A. B."), never after leading initials ("A. Smith").
- A name of more than `MAX_NAME_WORDS` words, or `MAX_BARE_NAME_WORDS` with no initials, is
  no name: it is more likely a title printed first ("Cells of the young. Smith A, Young B").
- It agrees when any of its words, alone or two or three run together, is a key of the
  record's first surname, so given names, particles ("van der Berg"), hyphens and an unknown
  order ("Zhang Wei", "Thomas Davies") never make it disagree.
- It disagrees only when its surname, parsed as a cited name is (`cited_family_keys`), is
  another author of the record: clearly another author, not a typo or a group.
"""

from __future__ import annotations

import re

from claimcheck.model.record import Author, Work
from claimcheck.model.text import cited_family_keys, family_keys, fold, unify_punctuation

# "de la Fuente Garcia MC" is five words; a title printed first is usually more.
MAX_NAME_WORDS = 5
MAX_BARE_NAME_WORDS = 3  # with no initials: "Alice Smith", "Jan van Berg"
# Record authors read, as `printed_refs._author_in` reads them.
MAX_RECORD_AUTHORS = 20

# "et" and "und": the "and" of French and German lists ("J.-C. Dupont et P. Martin").
_NAME_END = re.compile(r"""[,;:()\[\]"\d]|\s(?:and|&|et|und|et\.?\s*al)(?:\W|$)""", re.I)
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")  # "A.", "AB", "J.-C." (as parse_cited_name)


def _leading_name(text: str) -> str | None:
    """The first name printed, or None when the start of the text reads as no name."""
    head = _NAME_END.split(unify_punctuation(text), maxsplit=1)[0]
    words: list[str] = []
    has_initials = False
    for word in head.split():
        words.append(word)
        initials = _INITIALS.fullmatch(word) is not None
        has_initials = has_initials or initials
        if word.endswith(".") and (not initials or len(words) > 1):
            break  # "Smith." or "Smith AB.": what follows is the title
    name = " ".join(words).strip(" .")
    longest = MAX_NAME_WORDS if has_initials else MAX_BARE_NAME_WORDS
    return name if name and len(words) <= longest else None


def _grams(name: str) -> frozenset[str]:
    words = fold(unify_punctuation(name).replace("'", " ")).split()
    return frozenset("".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words)))


def _record_keys(author: Author) -> frozenset[str]:
    if author.family:
        return family_keys(author.family)
    compact = fold(author.name).replace(" ", "")  # an organisation, run together
    return frozenset({compact}) if compact else frozenset()


def first_author_disagrees(text: str, work: Work) -> bool:
    """True when the printed reference `text` (without its list label) begins with an author
    of the record other than its first (module docstring); False when it agrees or when the
    text does not say."""
    name = _leading_name(text)
    if name is None or not work.authors:
        return False
    first = _record_keys(work.authors[0])
    if not first or first & _grams(name):
        return False
    cited = cited_family_keys(name)
    others = work.authors[1:MAX_RECORD_AUTHORS]
    return bool(cited) and any(_record_keys(author) & cited for author in others)
