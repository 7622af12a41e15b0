"""What a registry title says about a record's editorial role. Pure.

Two kinds of marker, seen on real Crossref records:
- a **retracted original** keeps its own title behind a marker: "RETRACTED: …" (Elsevier),
  "Retracted: …" (IEEE), "RETRACTED ARTICLE: …" (Springer), "WITHDRAWN" or "WITHDRAWN: …"
  (preprint servers), "REMOVED: …" (Elsevier), "[Retracted] …";
- a **notice** names what it is: "Retraction: …", "Retraction—…", "Retraction notice to …",
  "Notice of retraction", "Editorial retraction", "Retraction and republication: …",
  "Withdrawal notice to …", "Expression of concern: …", "Erratum: …", "Correction to: …",
  "Corrigendum", "Addendum", "Department of Error" (The Lancet's corrections).

A marker must open the title and be followed by punctuation (or end it), so a title that
merely mentions the word ("Retracted publications in Indian science") says nothing.
"""

from __future__ import annotations

import re
from enum import StrEnum

from claimcheck.text import fold, strip_markup


class TitleSignal(StrEnum):
    NOTICE = "notice"
    RETRACTED_ORIGINAL = "retracted-original"
    NONE = "none"


# Event kinds (editorial.py): a marker also says which kind of notice or retraction it is.
RETRACTION = "retraction"
CONCERN = "expression_of_concern"
CORRECTION = "correction"


def _marker(words: str, joiners: str = "") -> re.Pattern[str]:
    """`words` opening a title, then its end, punctuation, or one of `joiners` ("to", …).

    An en or em dash may follow at once ("Retraction—Hydroxychloroquine …", The Lancet);
    an ASCII hyphen must stand apart ("Correction - …"), so "Correction-free imaging" stays a
    research title.
    """
    joined = rf"|\s+(?:{joiners})\b" if joiners else ""
    end = rf"(?:\s*$|\s*[:.\[(\"'\u2018\u201c\u2012-\u2015]|\s*-(?:\s|$){joined})"
    return re.compile(rf"^\s*(?:{words}){end}", re.IGNORECASE | re.VERBOSE)


# "Withdrawal of life support" and "Correction of scoliosis" are research titles, so only a
# retraction notice may join its subject with "of".
_NOTICE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        RETRACTION,
        _marker(
            r"""(?:editorial\s+|partial\s+)?retraction(?:\s+(?:notice|note|statement))?
                (?:\s+and\s+republication)?
              | notice\s+of\s+(?:partial\s+)?retraction | statement\s+of\s+retraction""",
            "to|for|of",
        ),
    ),
    (RETRACTION, _marker(r"(?:withdrawal|removal)\s+notice | notice\s+of\s+withdrawal", "to|for")),
    (RETRACTION, _marker(r"withdrawal | removal")),
    (
        CONCERN,
        _marker(
            r"(?:editorial\s+)?expression\s+of\s+concern | notice\s+of\s+concern", "to|for|about"
        ),
    ),
    (
        CORRECTION,
        _marker(
            r"""(?:author\s+|publisher(?:'s)?\s+)?correction(?:\s+notice)?
              | erratum | errata | corrigendum | corrigenda | addendum
              | notice\s+of\s+correction | department\s+of\s+error""",
            "to|for",
        ),
    ),
)

_ORIGINAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (RETRACTION, _marker(r"(?:retracted|withdrawn|removed)(?:\s+article)?")),
    (RETRACTION, re.compile(r"^\s*\[\s*(?:retracted|withdrawn|removed)(?:\s+article)?\s*\]", re.I)),
)


def _marker_match(title: str) -> tuple[TitleSignal, str | None, int]:
    """(signal, kind, where the marker ends in the title without markup)."""
    plain = strip_markup(title)
    for signal, patterns in (
        # A retracted-original marker wins: "Retracted: Correction to …" is a retracted
        # record, whatever it was before.
        (TitleSignal.RETRACTED_ORIGINAL, _ORIGINAL_PATTERNS),
        (TitleSignal.NOTICE, _NOTICE_PATTERNS),
    ):
        for kind, pattern in patterns:
            found = pattern.match(plain)
            if found:
                return signal, kind, found.end()
    return TitleSignal.NONE, None, 0


def title_signal(title: str) -> tuple[TitleSignal, str | None]:
    """(what the title marks, the event kind it names), or (NONE, None)."""
    signal, kind, _end = _marker_match(title)
    return signal, kind


def names_the_other(marked: str, other: str) -> bool:
    """Whether `marked` is a marker followed by `other`'s own title.

    Hindawi and Spandidos title a retraction notice "Retracted: <the original's title>" or
    "[Retracted] <the original's title>": the same words as a retracted original's marker,
    on the notice side. Read together with the other end, the notice is the one that names
    the other record.
    """
    signal, _kind, end = _marker_match(marked)
    target = fold(other)
    return (
        signal is not TitleSignal.NONE
        and bool(target)
        and fold(strip_markup(marked)[end:]) == target
    )


def without_retraction_marker(title: str) -> str:
    """The title a retracted work was published under: "RETRACTED: X" -> "X"."""
    signal, _kind, end = _marker_match(title)
    if signal is not TitleSignal.RETRACTED_ORIGINAL:
        return title
    return strip_markup(title)[end:].strip()
