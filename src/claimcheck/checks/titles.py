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
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from claimcheck.model.text import fold, strip_markup


class TitleSignal(StrEnum):
    NOTICE = "notice"
    RETRACTED_ORIGINAL = "retracted-original"
    NONE = "none"


# Event kinds (editorial.py): a marker also says which kind of notice or retraction it is.
RETRACTION = "retraction"
CONCERN = "expression_of_concern"
CORRECTION = "correction"


_OPEN_QUOTE = "\"'\u2018\u201c"


def _marker(
    words: str, *, joiners: str = "", quoted: str = "", ignore_case: bool = True
) -> re.Pattern[str]:
    """`words` opening a title, then its end, punctuation, one of `joiners`, or one of
    `quoted` followed by a colon or an opening quote ("Correction to: …", "Retraction notice
    to “…”"), so that "Correction for multiple comparisons" stays a research title.

    An en or em dash may follow at once ("Retraction\u2014Hydroxychloroquine …", The Lancet);
    an ASCII hyphen must stand apart ("Correction - …"), so "Correction-free imaging" stays a
    research title too.
    """
    ends = [r"\s*$", rf"\s*[:.\[({_OPEN_QUOTE}\u2012-\u2015]", r"\s*-(?:\s|$)"]
    if joiners:
        ends.append(rf"\s+(?:{joiners})\b")
    if quoted:
        ends.append(rf"\s+(?:{quoted})\s*[:{_OPEN_QUOTE}]")
    flags = re.VERBOSE | (re.IGNORECASE if ignore_case else 0)
    return re.compile(rf"^\s*(?:{words})(?:{'|'.join(ends)})", flags)


_NOTICE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        RETRACTION,
        _marker(
            r"""(?:editorial\s+|partial\s+)?retraction(?:\s+(?:notice|note|statement))?
                (?:\s+and\s+(?:republication|replacement))?
              | notice\s+of\s+(?:partial\s+)?retraction(?:\s+and\s+replacement)?
              | statement\s+of\s+retraction
              | (?:withdrawal|removal)\s+(?:notice|statement) | notice\s+of\s+withdrawal""",
            quoted="to|for|of",
        ),
    ),
    (
        CONCERN,
        _marker(
            r"(?:editorial\s+)?expression\s+of\s+concern | notice\s+of\s+concern",
            joiners="regarding|about|over|for|to|on|in",
        ),
    ),
    (
        CORRECTION,
        _marker(
            r"""(?:author\s+|publisher(?:'s)?\s+)?correction(?:\s+notice)?
              | erratum | errata | corrigendum | corrigenda | addendum
              | notice\s+of\s+correction | department\s+of\s+error""",
            quoted="to|for",
        ),
    ),
)

# "Retracted" in any case; "WITHDRAWN" and "REMOVED" only as Elsevier and preprint servers
# write them, in capitals, since "Withdrawn: the social life of shy children" is research.
_ORIGINAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (RETRACTION, _marker(r"retracted(?:\s+article)?")),
    (RETRACTION, _marker(r"(?:WITHDRAWN|REMOVED)(?:\s+ARTICLE)?", ignore_case=False)),
    (
        RETRACTION,
        re.compile(r"^\s*[\[(]\s*(?:retracted|withdrawn|removed)(?:\s+article)?\s*[\])]", re.I),
    ),
)


# How every marker above can begin, as one pattern: a title that does not begin so (most do
# not) is told apart with one match instead of six. Each marker's first word starts with one
# of these (WITHDRAWN and REMOVED too, matched here in any case), with the same flags, so no
# title a marker matches is turned away.
_MARKER_START = re.compile(
    r"""^\s*(?:[\[(] | retract | withdr | remov | editorial | partial | notice | statement
        | expression | author | publisher | correction | errat | corrig | addend | department)""",
    re.VERBOSE | re.IGNORECASE,
)


def _plain(title: str) -> str:
    # Curly apostrophes as in "Publisher’s Correction"; dashes stay as they are.
    return strip_markup(title).replace("\u2019", "'")


# A work's title is read once for its own status and then twice for each record it links to
# (which way each link runs, and whether either title names the other): the last few titles
# are remembered, so each is read once. Few, so that a server's long titles are not kept.
@lru_cache(maxsize=256)
def _marker_match(title: str) -> tuple[TitleSignal, str | None, int]:
    """(signal, kind, where the marker ends in the title without markup)."""
    plain = _plain(title)
    if _MARKER_START.match(plain) is None:
        return TitleSignal.NONE, None, 0
    return _match_markers(plain)


def _match_markers(plain: str) -> tuple[TitleSignal, str | None, int]:
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


def names_the_other(marked: str, other: str, other_subtitle: str = "") -> bool:
    """Whether `marked` is a marker followed by the other record's own title.

    Hindawi and Spandidos title a retraction notice "Retracted: <the original's title>" or
    "[Retracted] <the original's title>": the same words as a retracted original's marker,
    on the notice side. Read together with the other end, the notice is the one that names
    the other record. The other title is compared with and without its subtitle, and without
    a retraction marker of its own.
    """
    return names_any((marked,), (other,), (other_subtitle,))


def names_any(marked: Iterable[str], others: Sequence[str], subtitles: Sequence[str]) -> bool:
    """`names_the_other` for every title of two records: whether any of `marked` is a marker
    followed by any of `others`, with or without any of `subtitles`. Crossref's `title` holds
    "Work titles, including original language title and translated titles" and `subtitle`
    "Work subtitles, including original language and translated" (rest-api-doc's
    api_format.md), in no stated pairing: a notice's translated title names the original's
    translated title, with any subtitle."""
    named = {rest for rest in map(_named_part, marked) if rest}
    if not named:  # most titles carry no marker: the other record's titles are never folded
        return False
    return not named.isdisjoint(_title_variants(others, subtitles))


def _named_part(marked: str) -> str:
    """What follows a title's marker, folded; "" for a title without one."""
    signal, _kind, end = _marker_match(marked)
    return "" if signal is TitleSignal.NONE else fold(_plain(marked)[end:])


# Crossref allows a journal article up to 20 `titles` blocks (its user story on multilingual
# titles), each a title and its subtitle, and perhaps an original-language title with its own:
# at most 40 of each in a real record, all paired; a hostile record's thousands are not paired
# each with each.
PAIRED = 40


def _title_variants(others: Sequence[str], subtitles: Sequence[str]) -> set[str]:
    """Each title folded, with and without a retraction marker of its own, and each of the
    first `PAIRED` of those followed by each of the first `PAIRED` subtitles."""
    variants: dict[str, None] = {}
    for index, other in enumerate(others):
        bare = without_retraction_marker(other)
        # Each variant is folded only if it differs from one already tried: most titles
        # carry no marker, and most records no subtitle.
        forms = dict.fromkeys((other, bare))
        if index < PAIRED:
            for subtitle in subtitles[:PAIRED]:
                if subtitle.strip():
                    forms.update(dict.fromkeys((f"{other} {subtitle}", f"{bare} {subtitle}")))
        variants.update(forms)
    return {fold(variant) for variant in variants}


def without_retraction_marker(title: str) -> str:
    """The title a retracted work was published under: "RETRACTED: X" -> "X"."""
    signal, _kind, end = _marker_match(title)
    if signal is not TitleSignal.RETRACTED_ORIGINAL:
        return title
    return _plain(title)[end:].strip()


def without_update_marker(title: str) -> str:
    """The title without any leading marker, a notice's too: "Notice of Retraction: X" -> "X".
    Only for a record updated in place, whose marker names that update, not a notice."""
    signal, _kind, end = _marker_match(title)
    if signal is TitleSignal.NONE:
        return title
    return _plain(title)[end:].strip()


def is_notice(title: str) -> bool:
    """Whether the title names a notice ("Retraction Note: …", "Correction to: …")."""
    return _marker_match(title)[0] is TitleSignal.NOTICE


# Where a printed reference's parts meet: "Smith A. Retraction Note: X. J Things. 2020."
_PRINTED_PARTS = re.compile(r"(?<=[.?!;)])\s+|\s*[\"\u201c\u201d]\s*")


def prints_a_notice(printed: str) -> bool:
    """Whether a part of a printed reference (one string) opens with a notice's marker, so
    the reference cites a notice, not the work it names."""
    return any(is_notice(part) for part in _PRINTED_PARTS.split(printed) if part)


def marks_an_update(title: str) -> bool:
    """Whether the title opens with any marker: a notice's, or a retracted work's."""
    return _marker_match(title)[0] is not TitleSignal.NONE


def prints_an_update(printed: str) -> bool:
    """Whether a part of a printed reference opens with any marker (`prints_a_notice`)."""
    return any(marks_an_update(part) for part in _PRINTED_PARTS.split(printed) if part)


@dataclass(frozen=True, slots=True)
class TitleReading:
    """What all the titles of one record say together (`read_titles`)."""

    signal: TitleSignal = TitleSignal.NONE
    kind: str | None = None
    title: str = ""  # the title whose marker gives the reading
    disagree: tuple[str, ...] = ()  # the marked titles, when they read differently: no reading


_UNMARKED = TitleReading()


def read_titles(titles: Iterable[str], kinds: Container[str] | None = None) -> TitleReading:
    """What a record's titles mark, read together. Crossref's `title` holds "Work titles,
    including translated titles", beside `original-title`: a publisher may retitle only the
    English one "RETRACTED: …", so a marker counts on any title, and the reading names it.

    A title without a marker is silent (a Russian title carries no English marker). Marked
    titles that read the same way give that reading, from the first of them. Where they read
    differently, a retracted work's marker still wins over a correction's or a concern's, as
    within one title ("Retracted: Correction to …": the record was retracted, whatever it
    was). Beside a retraction notice's marker it does not: Hindawi titles its notices
    "Retracted: <title>", so the record may be either, and the reading is none, with the
    titles that disagree. So is a record titled as notices of different kinds.

    `kinds`: a link's kinds, when the titles are read for a link (roles.py): a notice marker
    of another kind then says nothing.
    """
    marked = []
    for title in titles:
        signal, kind, _end = _marker_match(title)
        if signal is TitleSignal.NOTICE and kinds is not None and kind not in kinds:
            continue
        if signal is not TitleSignal.NONE:
            marked.append(TitleReading(signal, kind, title))
    if not marked:
        return _UNMARKED
    readings = {(m.signal, m.kind) for m in marked}
    if len(readings) == 1:
        return marked[0]
    retracted = [m for m in marked if m.signal is TitleSignal.RETRACTED_ORIGINAL]
    if retracted and (TitleSignal.NOTICE, RETRACTION) not in readings:
        return retracted[0]
    return TitleReading(disagree=tuple(m.title for m in marked))
