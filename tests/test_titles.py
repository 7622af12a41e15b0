"""Title markers: what a registry title says about a record's role, and what it does not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimcheck.checks.titles import (  # the private ones: the quick start test
    TitleSignal,
    _marker_match,
    _match_markers,
    _plain,
    names_the_other,
    title_signal,
    without_retraction_marker,
)
from claimcheck.model.text import fold

RETRACTED = TitleSignal.RETRACTED_ORIGINAL
NOTICE = TitleSignal.NOTICE
NONE = TitleSignal.NONE


@pytest.mark.parametrize(
    ("title", "signal", "kind"),
    [
        # Real titles from tests/data/crossref/recorded/.
        (
            "RETRACTED: Hydroxychloroquine or chloroquine with or without a macrolide",
            RETRACTED,
            "retraction",
        ),
        ("Retracted: Faux Reality Detector", RETRACTED, "retraction"),
        ("WITHDRAWN", RETRACTED, "retraction"),
        ("REMOVED: Short-term ocean tidal parameters", RETRACTED, "retraction"),
        ("[Retracted] Pediatric sarcomas (Review)", RETRACTED, "retraction"),
        ("Retraction—Hydroxychloroquine or chloroquine", NOTICE, "retraction"),
        ("Notice of Retraction: World-class city under globalization", NOTICE, "retraction"),
        ("Withdrawal notice to ‘Relationship between coronary microvascular", NOTICE, "retraction"),
        ("Erratum: Cognitive and affective identification", NOTICE, "correction"),
        ("Retracted Publications in Indian Science: Reasons and Institutions", NONE, None),
        # The issue's and publishers' other forms.
        ("RETRACTED ARTICLE: Deep reinforcement learning", RETRACTED, "retraction"),
        ("WITHDRAWN: a preprint", RETRACTED, "retraction"),
        ("(Retracted) Some paper", RETRACTED, "retraction"),
        ("Publisher’s Correction: Some paper", NOTICE, "correction"),
        ("Expression of Concern Regarding Some paper", NOTICE, "expression_of_concern"),
        ("Notice of Retraction and Replacement: Some paper", NOTICE, "retraction"),
        ("Retraction Note: Some paper", NOTICE, "retraction"),
        ("<i>RETRACTED</i>: marked up", RETRACTED, "retraction"),
        ("Retraction: Spontaneous human adult stem cell transformation", NOTICE, "retraction"),
        ("Retraction notice to “Some paper”", NOTICE, "retraction"),
        ("Editorial retraction", NOTICE, "retraction"),
        ("Retraction and republication: Some paper", NOTICE, "retraction"),
        ("Expression of concern: Some paper", NOTICE, "expression_of_concern"),
        ("Editorial Expression of Concern", NOTICE, "expression_of_concern"),
        ("Correction to: Some paper", NOTICE, "correction"),
        ("Author Correction: Some paper", NOTICE, "correction"),
        ("Corrigendum", NOTICE, "correction"),
        ("Department of Error", NOTICE, "correction"),
        # Research titles that open with the same words.
        ("Correction of scoliosis in adults", NONE, None),
        ("Correction-free imaging of cells", NONE, None),
        ("Withdrawal of life support in intensive care", NONE, None),
        ("Removal of gallstones", NONE, None),
        ("Retractions in science: a review", NONE, None),
        ("Retraction Watch and the press", NONE, None),
        ("Withdrawn-patient cohorts", NONE, None),
        ("Withdrawn: the social life of shy children", NONE, None),
        ("Withdrawal: a qualitative study of opioid tapering", NONE, None),
        ("Removal: a method", NONE, None),
        ("Correction for attenuation in reliability", NONE, None),
        ("Correction for multiple comparisons in fMRI", NONE, None),
        ("Addendum to Darwin", NONE, None),
        ("Retraction of the gingiva: outcomes", NONE, None),
        ("A study of things", NONE, None),
        ("", NONE, None),
    ],
)
def test_title_signal(title: str, signal: TitleSignal, kind: str | None) -> None:
    assert title_signal(title) == (signal, kind)


@pytest.mark.parametrize(
    ("marked", "other", "expected"),
    [
        ("[Retracted] Pediatric sarcomas (Review)", "Pediatric sarcomas (Review)", True),
        ("Retracted: Application of a method", "Application of a Method", True),
        ("Retraction—Spontaneous transformation", "Spontaneous Transformation", True),
        ("Retraction notice to “Hydroxy chloro”", "Hydroxy chloro", True),
        ("Expression of concern: Title: with colon", "Title: with colon", True),
        # The other record's own marker is set aside: a notice names the original's title.
        ("Retraction notice to “Hydroxy chloro”", "RETRACTED: Hydroxy chloro", True),
        # Both carry their own markers: neither names the other by this rule.
        ("RETRACTED: Hydroxychloroquine", "Retraction—Hydroxychloroquine", False),
        ("Retraction: One paper", "Another paper", False),
        ("A study of things", "A study of things", False),  # no marker at all
        ("Retracted: x", "", False),
    ],
)
def test_names_the_other(marked: str, other: str, expected: bool) -> None:
    assert names_the_other(marked, other) is expected


def test_names_the_other_with_its_subtitle() -> None:
    notice = "Retracted: Effect of A on B: A Randomized Trial"
    assert names_the_other(notice, "Effect of A on B", "A Randomized Trial")
    assert not names_the_other(notice, "Effect of A on B")


# Every way a marker opens, as the patterns in titles.py spell them: the quick test of how a
# marker can begin must let each through, in any case and after any space.
_MARKER_WORDS = (
    "retraction", "retracted", "retracted article", "editorial retraction", "partial retraction",
    "retraction notice", "notice of retraction", "notice of partial retraction",
    "statement of retraction", "withdrawal notice", "removal statement", "notice of withdrawal",
    "WITHDRAWN", "REMOVED", "WITHDRAWN ARTICLE", "[retracted]", "(withdrawn)", "[ removed ]",
    "expression of concern", "editorial expression of concern", "notice of concern",
    "correction", "author correction", "publisher's correction", "publisher correction",
    "erratum", "errata", "corrigendum", "corrigenda", "addendum", "notice of correction",
    "department of error", "correction notice",
)  # fmt: skip


@given(
    space=st.text(alphabet=" \t\n\u00a0\u2003\u3000", max_size=3),
    words=st.sampled_from(_MARKER_WORDS),
    case=st.lists(st.booleans(), min_size=40, max_size=40),
    tail=st.sampled_from(["", ":", ": x", " to: y", "\u2014z", " - w", " regarding v", "s", "x"]),
)
def test_the_quick_start_test_turns_no_marker_away(
    space: str, words: str, case: list[bool], tail: str
) -> None:
    cased = "".join(c.upper() if up else c for c, up in zip(words, case, strict=False))
    title = space + cased + words[len(cased) :] + tail
    assert _marker_match(title) == _match_markers(_plain(title))


def test_the_quick_start_test_folds_case_as_the_markers_do() -> None:
    # The long s matches "s" in any case, in both patterns alike.
    title = "\u017ftatement of retraction: x"
    assert _marker_match(title) == _match_markers(_plain(title))
    assert title_signal(title) == (TitleSignal.NOTICE, "retraction")


def test_names_the_other_with_a_marked_title_and_its_subtitle() -> None:
    # The other record's own marker is set aside and its subtitle added: the fourth variant.
    notice = "Retraction notice to “Effect of A on B: A Randomized Trial”"
    assert names_the_other(notice, "RETRACTED: Effect of A on B", "A Randomized Trial")
    assert not names_the_other(notice, "RETRACTED: Effect of A on B")
    assert not names_the_other(notice, "RETRACTED: Effect of A on B", "An Open Trial")


def _names_the_other_as_documented(marked: str, other: str, subtitle: str) -> bool:
    """The rule as `names_the_other`'s docstring states it, every variant folded."""
    signal, _kind, end = _marker_match(marked)
    if signal is TitleSignal.NONE:
        return False
    bare = without_retraction_marker(other)
    variants = {other, bare, f"{other} {subtitle}", f"{bare} {subtitle}"}
    targets = {fold(v) for v in variants} - {""}
    return fold(_plain(marked)[end:]) in targets


_WORDS = st.sampled_from(["Effect", "of", "A", "on", "B", "ß", "–", "“", "”", ":", " ", "é"])


@given(
    marker=st.sampled_from(["", "Retracted: ", "RETRACTED: ", "Retraction notice to ", "x "]),
    other_marker=st.sampled_from(["", "RETRACTED: ", "[Retracted] "]),
    words=st.lists(_WORDS, max_size=6),
    other_words=st.lists(_WORDS, max_size=6),
    subtitle=st.lists(_WORDS, max_size=3),
    with_subtitle=st.booleans(),
)
def test_names_the_other_tries_every_variant_it_documents(
    marker: str,
    other_marker: str,
    words: list[str],
    other_words: list[str],
    subtitle: list[str],
    with_subtitle: bool,
) -> None:
    # Half the time the marked title ends with the subtitle, so matches are common.
    other = other_marker + " ".join(other_words)
    sub = " ".join(subtitle)
    marked = marker + " ".join(words if not with_subtitle else [*other_words, sub])
    expected = _names_the_other_as_documented(marked, other, sub)
    assert names_the_other(marked, other, sub) is expected
