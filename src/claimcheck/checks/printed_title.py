"""How well a registry title agrees with a title printed inside a whole printed reference
("Smith A, Jones B. <title>. Journal of Things. 2019."), where the title's place is not
marked. Pure.

The registry title is aligned against the best window of the text (`partial_ratio`). A window
counts only when it is the printed title: it begins and ends where the reference's parts meet
(punctuation), not in the middle of running words. Otherwise a short title found inside a
longer one ("Stem cells" in "Stem cells promote tumour growth in mice.") would agree, and a
two-word editorial would be matched for the article cited. When the window is not a whole
part, the title is compared with each run of whole parts instead, as a cited title is.

A printed title may also run straight into the journal with no punctuation ("… growth Journal
of Things 2019;12:100"). The record's own journal name (or short name), printed right after
the window as a part of its own, then marks where the title ends, as punctuation would. It
marks only the end: the window must still begin where a part begins, so words at the start of
a longer title ("Stem cells" in "Stem cells promote tumour growth Journal of Things") never
agree, and the journal's name inside running words ("… Journal of Things Research") marks
nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from claimcheck.model.text import fold

# Where a printed reference's parts meet: a title is set off by these from the authors before
# it and the journal after it. Parts split inside a title are joined again by `_runs`.
# Double quotes always set a title off, even with no space ("Bolikowski,\u201cCERMINE: …").
_BOUNDARY = re.compile(r"[.?!:;,)\]\u2018\u2019/]+(?:\s|$)|[\"\u201c\u201d]+|\s[(\[]")
# The window may miss a part's edge by a letter or two: a typo or a space at the edge moves it.
_SLACK = 2


# A year a title names ("Cancer statistics, 2019"), between word boundaries of folded text.
_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d\b")
# Two titles naming different years are at most this similar (below every threshold).
OTHER_YEAR_SCORE = 0.5


def title_score(cited: str, form: str) -> float:
    """Two folded titles: their `ratio`, 0..1, in word order. Word order is part of a title:
    "Depressive symptoms predict incident type 2 diabetes" and "Type 2 diabetes predicts
    incident depressive symptoms" are two papers, which a word-sorted ratio scored 0.99.
    Titles naming different years score at most OTHER_YEAR_SCORE: an annual report's editions
    ("Cancer statistics, 2019" and "…, 2020", each a work with its own DOI) differ in that
    word alone, which `ratio` reads as a typo (0.91)."""
    score = fuzz.ratio(cited, form) / 100
    if score > OTHER_YEAR_SCORE and names_other_years(cited, form):  # else nothing to cap
        return OTHER_YEAR_SCORE
    return score


def names_other_years(one: str, other: str) -> bool:
    """Whether both texts name years, and not the same ones."""
    years, others = set(_YEAR.findall(one)), set(_YEAR.findall(other))
    return bool(years) and bool(others) and years != others


@lru_cache(maxsize=4)  # one printed reference at a time, against up to 20 candidates
def _parts(printed: str) -> tuple[str, tuple[int, ...]]:
    """The folded text, its parts joined by single spaces, and where each part begins and
    ends in it (sorted offsets)."""
    parts = [p for p in (fold(part) for part in _BOUNDARY.split(printed)) if p]
    text, edges = "", [0]
    for part in parts:
        text = f"{text} {part}" if text else part
        edges += [len(text) - len(part), len(text)]
    return text, tuple(sorted(set(edges)))


def _journal_starts(text: str, edges: tuple[int, ...], journals: Sequence[str]) -> list[int]:
    """Where one of the record's journal names begins in the folded text as a part of its
    own: whole words, ending where a part ends or before a number ("J Things 2019;12")."""
    starts = []
    for name in journals:
        folded = fold(name)
        if len(folded) < 3:  # "J": no name to tell a journal by
            continue
        for found in re.finditer(rf"(?<!\S){re.escape(folded)}(?!\S)", text):
            end = found.end()
            if end in edges or text[end + 1 : end + 2].isdigit():
                starts.append(found.start())
    return starts


def _whole_words(text: str, start: int, end: int) -> str:
    """text[start:end] widened to whole words: an alignment may end inside one ("… 202")."""
    start = text.rfind(" ", 0, start + 1) + 1
    space = text.find(" ", max(end - 1, start))
    return text[start : len(text) if space < 0 else space]


def _at_edge(offset: int, edges: tuple[int, ...]) -> bool:
    return any(abs(offset - edge) <= _SLACK for edge in edges)


def _runs(text: str, edges: tuple[int, ...], form: str) -> float:
    """The best score of the form against a run of whole parts of about its length."""
    best = 0.0
    starts = [e for i, e in enumerate(edges) if i == 0 or text[e - 1 : e] == " "]
    for start in starts:
        for end in edges[bisect_right(edges, start) :]:  # a long text: not every edge again
            run = text[start:end].strip()
            if len(run) > 2 * len(form):
                break
            if 2 * len(run) >= len(form):
                best = max(best, title_score(run, form))
    return best


def printed_title_score(printed: str, form: str, journals: Sequence[str] = ()) -> float:
    """How well the folded registry title `form` agrees with the title printed in `printed`
    (the whole printed reference, unfolded), 0..1. `journals`: the record's journal names,
    which may end a title printed with no punctuation after it (module docstring)."""
    text, edges = _parts(printed)
    if len(form) > len(text):  # too short to contain the title: scored as a plain title
        return title_score(text, form)
    window = fuzz.partial_ratio_alignment(form, text)
    if window is None:
        return 0.0
    if len(edges) <= 2:  # no punctuation at all: nothing tells where the title ends
        return window.score / 100
    score = window.score / 100
    if score > OTHER_YEAR_SCORE and names_other_years(
        _whole_words(text, window.dest_start, window.dest_end), form
    ):
        score = OTHER_YEAR_SCORE  # as in title_score
    ends = (*edges, *_journal_starts(text, edges, journals))
    if _at_edge(window.dest_start, edges) and _at_edge(window.dest_end, ends):
        return score
    return min(score, _runs(text, edges, form))
