"""How a cited title, or a printed reference holding one, agrees with the titles of a
registry record: every form of the record's titles a reference may cite, and the best
agreement among them. Pure."""

from __future__ import annotations

import re

from claimcheck.checks.folded import fold
from claimcheck.checks.printed_title import printed_title_score, title_score
from claimcheck.checks.titles import PAIRED, without_retraction_marker, without_update_marker
from claimcheck.model.claimmap import Reference
from claimcheck.model.record import Work
from claimcheck.model.text import strip_markup

__all__ = [
    "CITED_AS_AGREE",
    "MIN_MAIN_TITLE_WORDS",
    "TITLE_AGREE",
    "main_titles",
    "registry_title",
    "registry_title_forms",
    "title_similarity",
]

# A structured title agrees at >= 0.85 of `ratio` (printed_title.title_score) on folded text. Case,
# accents, markup, punctuation and Greek letters are already folded away, so what remains is
# real wording: a dropped or changed word in a 10-word title still scores ~0.9, while a
# different paper on the same topic ("Mesenchymal stem cells ..." vs "Mesenchymal stromal
# cells ...") scores well under 0.8. token_set_ratio is not used: it scores a one-word prefix
# of the title as a perfect match; nor token_sort_ratio: word order is part of a title.
TITLE_AGREE = 0.85
# With only `cited_as` (the whole printed reference), the registry title must appear inside
# it almost verbatim, as the printed title (checks/printed_title.py): >= 0.90 leaves room for
# a typo or a dropped word but not for a different title sharing a few words.
CITED_AS_AGREE = 0.90
# A main title cited without the subtitle after its colon agrees from this many words
# (`main_titles`).
MIN_MAIN_TITLE_WORDS = 4


def registry_title(work: Work) -> str:
    title, subtitle = strip_markup(work.title), strip_markup(work.subtitle)
    return f"{title}: {subtitle}" if title and subtitle else title


def _updated_in_place(work: Work) -> bool:
    """Whether an update entry of the work names its own DOI (README, role table row 1)."""
    return any(entry.doi == work.doi for entry in (*work.update_to, *work.updated_by))


def _published_titles(work: Work) -> list[dict[str, None]]:
    """Each of the record's titles as it may have been published: as it stands, and without
    a retraction marker."""
    # A retracted work is retitled "RETRACTED: …"; the article cited it by its own title.
    # One updated in place may be retitled as its notice too (IEEE's in-place
    # 10.1109/icetce.2011.5774727, "Notice of Retraction: World-class city under
    # globalization"): its marker names that update, not a notice, so it goes too. Never for
    # other records: a notice "Retraction: X" (update-to naming X) is not the work X.
    bare = without_update_marker if _updated_in_place(work) else without_retraction_marker
    return [
        dict.fromkeys((strip_markup(title), without_retraction_marker(title), bare(title)))
        for title in work.titles
    ]


def registry_title_forms(work: Work) -> list[str]:
    """Every form of the record's titles a reference may cite; the best one is compared.
    Crossref's `title` holds "Work titles, including translated titles" (its schema): an
    article may cite a Russian work by its English title, which is then no different work."""
    published = _published_titles(work)
    forms = [fold(name) for names in published for name in names]
    # Each title with each subtitle: `subtitle` holds "Work subtitles, including original
    # language and translated" (rest-api-doc's api_format.md), in no stated pairing with the
    # titles, so an English title is cited with its English subtitle whatever their places.
    # A pair in two languages agrees with no citation; the first PAIRED of each are paired.
    subtitles = [strip_markup(sub) for sub in work.subtitles[:PAIRED]]
    for names in published[:PAIRED] if subtitles else ():
        forms.extend(fold(f"{name} {sub}") for name in names for sub in subtitles)
    return [form for form in dict.fromkeys(forms) if form]


# Where a title runs on into a subtitle: a colon, a question ending the main title, a dash
# set off by spaces, or an em dash ("… knee osteoarthritis – a systematic review").
_SUBTITLE_START = re.compile(r":|\?\s|\s[-\u2013\u2014]\s|\u2014")


def main_titles(work: Work) -> frozenset[str]:
    """The record's titles up to where a subtitle begins (`_SUBTITLE_START`), folded, where
    the record runs the subtitle on in its title ("The Ca2+ Influence on Calmodulin Unfolding
    Pathway: A Steered Molecular Dynamics Simulation Study", "Do mesenchymal stem cells cause
    cancer? A systematic review"). Citing the main title alone is common practice (a
    subtitle held in `subtitle` is already left out by `registry_title_forms`). Only a main
    title of MIN_MAIN_TITLE_WORDS words or more is one: "Stem cells: …" or "COVID-19: …"
    names too many works to tell this one."""
    mains = (
        _SUBTITLE_START.split(name, maxsplit=1)[0]
        for names in _published_titles(work)
        for name in names
        if _SUBTITLE_START.search(name)
    )
    folded = (fold(main) for main in mains)
    return frozenset(main for main in folded if len(main.split()) >= MIN_MAIN_TITLE_WORDS)


def _cited_title_score(title: str, forms: list[str], work: Work) -> float:
    """The best score of a folded cited title against the record's forms; 1.0 when it is a
    main title of the record exactly (`main_titles`). Exactly, not fuzzily: a different
    title that begins so ("Mesenchymal stem cells in cancer therapy") scores 0.89 against a
    short main title ("Mesenchymal stem cells in cancer")."""
    best = max(title_score(title, form) for form in forms)
    return 1.0 if best < 1.0 and title in main_titles(work) else best


def _printed_title_score(printed: str, forms: list[str], work: Work) -> float:
    """The best score of the title printed in a whole printed reference against the record's
    forms. A main title (`main_titles`) is not one of them: inside a printed reference it
    matches the start of a title running on into another subtitle ("Is atrial fibrillation
    screening worthwhile? A cost-effectiveness analysis" for "…? Evidence from the LOOP
    trial"), where nothing marks that the title went on."""
    journals = (*work.container_titles, *work.short_container_titles)
    return max(printed_title_score(printed, form, journals) for form in forms)


def title_similarity(reference: Reference, work: Work) -> tuple[float | None, float, str]:
    """(similarity or None, the threshold it is judged by, the cited text compared)."""
    # The registry's title is read only when the reference cites a title or a printed form.
    title = fold(strip_markup(reference.title or ""))
    cited_as = "" if title else fold(strip_markup(reference.cited_as or ""))
    forms = registry_title_forms(work) if title or cited_as else []
    if forms and title:
        return _cited_title_score(title, forms, work), TITLE_AGREE, reference.title or ""
    if forms and cited_as:
        printed = strip_markup(reference.cited_as or "")
        return _printed_title_score(printed, forms, work), CITED_AS_AGREE, reference.cited_as or ""
    return None, TITLE_AGREE, ""
