"""Cited metadata against the registry record, field by field (`compare`); the findings made
from it, `metadata-mismatch` and `doi-mismatch`, are in metadata_findings.py, how titles
agree in title_agreement.py, how volumes and issues agree in numbers.py, and the memoised
folding in folded.py. Pure.

Each field is compared only when both sides have a value, and every disagreement is shown
cited beside registry (README, "Findings and verdicts"). Fields are always listed in the
order of `FIELD_ORDER`, and scores are rounded to 3 decimals, so output is stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz

import claimcheck.model.text as folding
from claimcheck.checks.folded import (
    MEMO_CHARS,
    MEMO_ENTRIES,
    cited_family_keys,
    family_keys,
    fold,
    is_et_al,
    name_words,
    surname_first,
)
from claimcheck.checks.journals import JOURNAL_AGREE, journals_agree
from claimcheck.checks.numbers import (
    names_supplement,
    number_key,
    numbers_agree,
    volume_and_issue,
)
from claimcheck.checks.pages import parse_pages, same_page
from claimcheck.checks.printed_source import printed_without_title
from claimcheck.checks.title_agreement import (
    CITED_AS_AGREE,
    TITLE_AGREE,
    registry_title,
    title_similarity,
)
from claimcheck.model.claimmap import Reference
from claimcheck.model.record import Author, Work

__all__ = [
    "CITED_AS_AGREE",
    "FIELD_ORDER",
    "JOURNAL_AGREE",
    "TITLE_AGREE",
    "YEAR_TOLERANCE",
    "FieldMismatch",
    "MetadataComparison",
    "compare",
    "journals_agree",
    "nearest_year",
    "parse_pages",
    "registry_title",
    "registry_years",
]

# The spec allows a cited year to be one off (online vs print year), from any of the years
# the record is dated (`registry_years`).
YEAR_TOLERANCE = 1

FIELD_ORDER = ("title", "first_author", "year", "journal", "volume", "issue", "page", "pages")
FIELD_LABELS = {"first_author": "first author", "page": "first page"}


# Journal names recur as family names do (checks/folded.py): short pairs are kept.
@lru_cache(maxsize=MEMO_ENTRIES)
def _journals_agree_short(cited: str, registry: str) -> bool:
    return journals_agree(cited, registry)


def _journals_agree(cited: str, registry: str) -> bool:
    if len(cited) <= MEMO_CHARS and len(registry) <= MEMO_CHARS:
        return _journals_agree_short(cited, registry)
    return journals_agree(cited, registry)


@dataclass(frozen=True)
class FieldMismatch:
    field: str  # one of FIELD_ORDER
    cited: str
    registry: str
    score: float | None = None  # similarity 0..1 where it applies (title, journal)


@dataclass(frozen=True)
class MetadataComparison:
    mismatches: tuple[FieldMismatch, ...]
    title_similarity: float | None  # None when not comparable
    title_agrees: bool | None  # None = not comparable
    authors_agree: bool | None  # None = no cited or no registry authors
    # The cited journal, volume, first page (or article number) and year were all compared
    # with the record's, and all agree (`_locator_agrees`).
    locator_agrees: bool = False


# --- authors -------------------------------------------------------------------------------


def author_keys(author: Author) -> frozenset[str]:
    if author.family:
        return family_keys(author.family)
    compact = fold(author.name).replace(" ", "")
    return frozenset({compact}) if compact else frozenset()


def author_label(author: Author) -> str:
    return author.family or author.name or author.given


def cited_names(reference: Reference) -> list[str]:
    return [name for name in reference.authors if name.strip() and not is_et_al(name)]


@dataclass(frozen=True)
class CitedName:
    """A cited author name, with the family keys it may be compared by."""

    text: str
    keys: frozenset[str]  # `cited_family_keys`
    # The name read surname first ("Zhang Yong"), when it may be: see `names_author`.
    surname_first: tuple[str, str] | None
    words: tuple[str, ...]  # the whole name's words, for a group author (`name_words`)

    @classmethod
    def of(cls, text: str) -> CitedName:
        return cls(text, cited_family_keys(text), surname_first(text), name_words(text))

    def names_author(self, author: Author, registry_keys: frozenset[str]) -> bool:
        """Whether this cited name is the registry's `author` (whose keys are given). A
        group ("The PLOS ONE Staff") agrees when it is cited in the same words, with or
        without "The". Read surname first ("Zhang Yong", GB/T 7714), the family must agree
        and so must the given name: a Western "John Smith" is then never taken for a
        registry family "John" with another given name, which would hide a genuinely
        different first author."""
        if self.keys & registry_keys:
            return True
        if self.words and self.words == name_words(author.family or author.name):
            return True
        if self.surname_first is None or not author.given:
            return False
        family, given = self.surname_first
        agrees = family_keys(family) & registry_keys
        return bool(agrees) and folding.given_names_agree(given, author.given)


def _first_author(cited: Sequence[CitedName], work: Work) -> FieldMismatch | None:
    # The registry loader lists the author with sequence "first" first.
    if not cited or not work.authors:
        return None
    registry = author_keys(work.authors[0])
    if not cited[0].keys or not registry or cited[0].names_author(work.authors[0], registry):
        return None
    return FieldMismatch("first_author", cited[0].text, author_label(work.authors[0]))


def _authors_agree(cited: Sequence[CitedName], work: Work) -> bool | None:
    """Whether any cited author is a registry author; None when either side names none.
    The registry's authors are read only as far as the first match."""
    named = [name for name in cited if name.keys]
    if not named:
        return None
    any_registry = False
    for author in work.authors:
        registry = author_keys(author)
        if registry:
            any_registry = True
            if any(name.names_author(author, registry) for name in named):
                return True
    return False if any_registry else None


# --- journal -------------------------------------------------------------------------------


def _journal(reference: Reference, work: Work) -> FieldMismatch | None:
    if not reference.journal:
        return None
    cited = fold(reference.journal)
    registry = [t for t in (*work.container_titles, *work.short_container_titles) if t.strip()]
    if not cited or not registry:
        return None
    if any(_journals_agree(reference.journal, name) for name in registry):
        return None
    score = max(fuzz.ratio(cited, fold(name)) for name in registry) / 100
    return FieldMismatch("journal", reference.journal, registry[0], round(score, 3))


# --- numbers and pages ---------------------------------------------------------------------


def _number(
    field: str, cited: str | None, registry: str | None, shown: tuple[str, str] | None = None
) -> FieldMismatch | None:
    """A volume or issue that disagrees (checks/numbers.py), shown as `shown` when given."""
    if not cited or not registry or not number_key(cited) or not number_key(registry):
        return None
    if numbers_agree(cited, registry):
        return None
    cited_text, registry_text = shown or (cited, registry)
    return FieldMismatch(field, cited_text.strip(), registry_text.strip())


# (cited, registry), each (volume, issue) as `volume_and_issue` reads them: "41 Suppl 2" is
# volume 41 and issue "Suppl 2". Read once per comparison, for the fields and the locator.
Numbers = tuple[tuple[str | None, str | None], tuple[str | None, str | None]]


def _numbers_of(reference: Reference, work: Work) -> Numbers:
    return (
        volume_and_issue(reference.volume, reference.issue),
        volume_and_issue(work.volume, work.issue),
    )


def _volume_and_issue(
    reference: Reference, work: Work, numbers: Numbers
) -> list[FieldMismatch | None]:
    """The volume and the issue compared, a supplement cited in the volume ("41 Suppl 2")
    as the issue (`numbers`); a volume that disagrees is shown as cited."""
    (cited_volume, cited_issue), (registry_volume, registry_issue) = numbers
    shown = (reference.volume or "", work.volume or "")
    return [
        _number("volume", cited_volume, registry_volume, shown),
        _number("issue", cited_issue, registry_issue),
    ]


def _pages(reference: Reference, work: Work) -> FieldMismatch | None:
    registry_value = work.page or work.article_number
    if not reference.pages or not registry_value:
        return None
    cited, registry = parse_pages(reference.pages), parse_pages(registry_value)
    if cited is None or registry is None:
        return None
    if not same_page(cited[0], registry[0]):
        return FieldMismatch("page", cited[0], registry[0])
    if cited[1] and registry[1] and not same_page(cited[1], registry[1]):
        return FieldMismatch("pages", f"{cited[0]}-{cited[1]}", f"{registry[0]}-{registry[1]}")
    return None


# --- the comparison and its findings -------------------------------------------------------


# How far apart an article's own dates may lie (online first, then in an issue). A date
# decades from `issued` is a digitisation (issued 1939, published-online 2017), which no
# citation of the work gives: it must not let a wrong year agree.
PUBLICATION_SPREAD = 3


def registry_years(work: Work) -> tuple[int, ...]:
    """Every year the record is dated, in order: `issued` (`Work.year`), then those of its
    other publication dates. An article online in 2019 and in a 2021 issue is cited 2021 by
    Vancouver and APA, which cite the issue, and 2019 by others."""
    years = [] if work.year is None else [work.year]
    dated = (int(day[:4]) for day in work.published if day[:4].isdigit())
    years += [y for y in dated if work.year is None or abs(y - work.year) <= PUBLICATION_SPREAD]
    return tuple(sorted(set(years)))


def nearest_year(cited: int, work: Work) -> int | None:
    """The record's year nearest the cited one (`registry_years`), None when it has none."""
    return min(registry_years(work), key=lambda year: abs(year - cited), default=None)


def _year(reference: Reference, work: Work) -> FieldMismatch | None:
    if reference.year is None:
        return None
    nearest = nearest_year(reference.year, work)
    if nearest is None or abs(reference.year - nearest) <= YEAR_TOLERANCE:
        return None
    # "registry 2019 or 2021": every year the record is dated, any of which may be cited.
    registry = " or ".join(map(str, registry_years(work)))
    return FieldMismatch("year", str(reference.year), registry)


def _locator_agrees(
    reference: Reference, work: Work, mismatches: Sequence[FieldMismatch], numbers: Numbers
) -> bool:
    """Whether the reference cites where the work is printed (journal, volume, first page or
    article number, year) and the record agrees on every one of them. A field that either
    side lacks leaves the locator unconfirmed, as does any of them disagreeing.

    So does an issue that disagrees: where each issue starts at page 1, page 15 of issue 3
    is another article than page 15 of issue 4. A supplement or special issue on either
    side must be named on both: it is paginated apart ("S151"), and `same_page` reads
    S151 as 151, a page of a regular issue of the same volume."""
    if {"journal", "volume", "issue", "page", "year"} & {m.field for m in mismatches}:
        return False
    journals = (*work.container_titles, *work.short_container_titles)
    registry_pages = work.page or work.article_number
    cited_pages = parse_pages(reference.pages) if reference.pages else None
    shown_pages = parse_pages(registry_pages) if registry_pages else None
    (cited_volume, cited_issue), (registry_volume, registry_issue) = numbers
    if not _same_supplement(cited_issue, registry_issue):
        return False
    # The same volume, exactly: its part ("12 Pt B" against "12") may be paginated apart.
    volume_key = number_key(cited_volume or "")
    return (
        bool(reference.journal)
        and any(_journals_agree(reference.journal or "", name) for name in journals)
        and bool(volume_key)
        and volume_key == number_key(registry_volume or "")
        and cited_pages is not None
        and shown_pages is not None
        and same_page(cited_pages[0], shown_pages[0])
        # "S12", a supplement's page, is read as page 12 by `same_page`: a regular issue's
        # page 12 is another article ("2009;41:S12-8" names the supplement by its pages).
        and _is_supplement_page(cited_pages[0]) == _is_supplement_page(shown_pages[0])
        # Page 1 tells no article of a volume from another where every article starts at 1
        # (BMC and other online-only journals, as their records give "1-9").
        and number_key(shown_pages[0]) != "1"
        and reference.year is not None
        and nearest_year(reference.year, work) is not None
    )


def _is_supplement_page(page: str) -> bool:
    return len(page) > 1 and page[0] in "sS" and page[1].isdigit()


def _same_supplement(cited: str | None, registry: str | None) -> bool:
    """Whether the issues agree where either names a supplement or a special issue; true
    where neither does."""
    if not (names_supplement(cited) or names_supplement(registry)):
        return True
    return bool(cited and registry and numbers_agree(cited, registry))


def _printed_fields(reference: Reference, work: Work) -> Reference:
    """The reference with the fields its printed form prints in place of those it does not
    cite, when that printed form prints no title ("J. Houghton et al., Science 306, 1568
    (2004).", checks/printed_source.py): it cites no title to disagree with, and its first
    author, year, volume and first page are compared instead. Otherwise the reference."""
    if reference.title or not reference.cited_as:
        return reference
    journals = (*work.container_titles, *work.short_container_titles)
    printed = printed_without_title(reference.cited_as, journals)
    if printed is None:
        return reference
    return replace(
        reference,
        cited_as=None,
        authors=reference.authors or (printed.first_author,),
        year=printed.year if reference.year is None else reference.year,
        volume=reference.volume or printed.volume,
        pages=reference.pages or printed.pages,
    )


def compare(reference: Reference, work: Work) -> MetadataComparison:
    """Compare every cited field that the registry record also has: a field the reference
    does not cite is not read from the record at all."""
    reference = _printed_fields(reference, work)
    similarity, threshold, cited_title = title_similarity(reference, work)
    cited = [CitedName.of(name) for name in cited_names(reference)]
    numbers = _numbers_of(reference, work)
    title_agrees = None if similarity is None else similarity >= threshold
    found: list[FieldMismatch | None] = []
    if similarity is not None and not title_agrees:
        found.append(
            FieldMismatch("title", cited_title, registry_title(work), round(similarity, 3))
        )
    found += [
        _first_author(cited, work),
        _year(reference, work),
        _journal(reference, work),
        *_volume_and_issue(reference, work, numbers),
        _pages(reference, work),
    ]
    mismatches = tuple(m for m in found if m is not None)
    return MetadataComparison(
        mismatches=tuple(sorted(mismatches, key=lambda m: FIELD_ORDER.index(m.field))),
        title_similarity=None if similarity is None else round(similarity, 3),
        title_agrees=title_agrees,
        authors_agree=_authors_agree(cited, work),
        locator_agrees=_locator_agrees(reference, work, mismatches, numbers),
    )
