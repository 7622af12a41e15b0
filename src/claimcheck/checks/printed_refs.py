"""SBMV's validation of a printed reference (one string, as the article prints it) against a
candidate record: the record's numbers are looked for in the text, one occurrence each, and
numbers the record cannot explain count against it. Pure. checks/matching.py says where each
rule comes from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from claimcheck.checks.journals import journals_agree
from claimcheck.checks.metadata import compare, registry_years
from claimcheck.checks.pages import parse_pages
from claimcheck.checks.printed_authors import first_author_disagrees
from claimcheck.model.claimmap import Reference
from claimcheck.model.matching import Agreement
from claimcheck.model.record import Work
from claimcheck.model.text import (
    family_keys,
    fold,
    unify_punctuation,
)

Parts = list[tuple[float, float]]  # (weight, score) pairs of the generalised Jaccard


_LABEL = re.compile(r"^\s*(?:\[[^\[\]]{1,8}\]|\(\d{1,4}\)|\d{1,4}[.)]\s)\s*")  # "[1]", "12. "
_DOI = re.compile(r"(?<!\d)10\.\d{4,9}/\S+")
_ARXIV = re.compile(r"arxiv:\s*[\w./-]+", re.I)
_RANGE = re.compile(r"\b\w?\d+\s*-\s*\w?\d+\b")
_DIGITS = re.compile(r"(?<!\d)\d+(?!\d)")
_YEARLIKE = re.compile(r"1[5-9]\d\d|20\d\d|2100")
# The date PubMed prints after the locator for an article online first ("2021 Mar;64(3):
# 512-24. Epub 2019 Nov 5."): when it went online, no number of where it is printed, and
# its day would be one the record cannot explain.
_EPUB = re.compile(
    r"\bEpub(?:\s+ahead\s+of\s+print)?[\s:.,]*(?:1[5-9]|20)\d\d"
    r"(?:\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2}\b)?)?",
    re.I,
)


@lru_cache(maxsize=4)  # one printed reference at a time, against up to 20 candidates
def _numbers(text: str) -> tuple[str, ...]:
    """The numbers of a printed reference, as SBMV reads them: without its list label, DOIs
    and arXiv ids, and PubMed's "Epub" date, abbreviated page ranges completed ("1425-37" ->
    1425, 1437)."""
    text = _ARXIV.sub(" ", _DOI.sub(" ", _LABEL.sub("", unify_punctuation(text))))
    text = _EPUB.sub(" ", text)

    def complete(match: re.Match[str]) -> str:
        pages = parse_pages(match.group(0))
        return f"{pages[0]} {pages[1]}" if pages and pages[1] else match.group(0)

    return tuple(n.lstrip("0") or "0" for n in _DIGITS.findall(_RANGE.sub(complete, text)))


def _take(pool: list[str], wanted: Sequence[str]) -> list[bool]:
    found = []
    for number in wanted:
        found.append(number in pool)
        if found[-1]:
            pool.remove(number)
    return found


def _registry_numbers(value: str | None) -> list[str]:
    return [n.lstrip("0") or "0" for n in _DIGITS.findall(value or "")]


def _page_numbers(work: Work) -> list[str]:
    pages = parse_pages(work.page or work.article_number or "")
    if pages is None:
        return []
    return [n for part in pages if part for n in _registry_numbers(part)[:1]]


@lru_cache(maxsize=4)
def _grams(text: str) -> tuple[frozenset[str], str]:
    """The folded words of the text, alone and two or three run together; and all of them."""
    words = fold(unify_punctuation(text).replace("'", " ")).split()
    grams = frozenset("".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words)))
    return grams, "".join(words)


def _author_in(text: str, work: Work) -> bool | None:
    """At least one registry surname is a word, or two or three joined words, of the text."""
    if not work.authors:
        return None
    grams, compact = _grams(text)
    for author in work.authors[:20]:
        if author.family and family_keys(author.family) & grams:
            return True
        # An organisation ("Geological Survey of Canada"): its whole name, run together.
        name = fold(author.name).replace(" ", "")
        if not author.family and len(name) >= 6 and name in compact:
            return True
    return False


def _journal_in(text: str, work: Work) -> bool | None:
    """A registry journal name in the text, whole words, or an acronym of one ("IJDAR")."""
    folded = f" {fold(text)} "
    names = [n for n in (*work.container_titles, *work.short_container_titles) if n.strip()]
    acronyms = {t for t in re.findall(r"[A-Z][A-Za-z]{2,}", text) if sum(map(str.isupper, t)) > 2}
    for name in names:
        if len(fold(name)) >= 3 and f" {fold(name)} " in folded:
            return True
        if any(journals_agree(token, name) for token in acronyms):
            return True
    return None  # not found: the reference may simply not print it


def _found(hits: list[bool], unexplained: bool, parts: Parts) -> bool | None:
    """Registry numbers looked for in the text. Missing ones count against the candidate only
    when the text prints numbers the record cannot explain (then it cites something else)."""
    if not hits:
        return None
    if all(hits) or unexplained:
        parts.extend((1.0, 1.0 if hit else 0.0) for hit in hits)
        return all(hits)
    return None


def _match_numbers(text: str, work: Work) -> tuple[list[list[bool]], float, list[str]]:
    """([volume, issue, pages] hits, year score 1 / 0.5 one off / 0, numbers left over)."""
    pool = list(_numbers(text))
    year = str(work.year) if work.year is not None else ""
    if year and (work.volume or "").strip() == year and pool.count(year) == 1:
        pool.append(year)  # a volume named after its year is printed once (SBMV)
    volume = _take(pool, _registry_numbers(work.volume))
    # The locator's numbers first: a first page 2019 of an article issued (online) in 2019
    # and printed in 2020 is printed "2020;12(3):2019-25", and taken as `issued` it left
    # the pages unexplained. A year printed as well as a page takes the other occurrence.
    hits = [volume, _take(pool, _registry_numbers(work.issue)), _take(pool, _page_numbers(work))]
    year_hit = 1.0 if year and _take(pool, [year])[0] else 0.0
    # Numbers in names explain themselves, in any of the work's titles (translated ones too).
    for own in (work.title, *work.other_titles, *work.container_titles):
        _take(pool, _registry_numbers(own))
    # Another year the record is dated stands for `issued` where that is not printed, as for
    # a structured reference: an article online in 2019 and in a 2021 issue is printed
    # "2021" by Vancouver. One year at most, and only once the locator has taken its
    # numbers: a first page 2019 is no year, nor is a second year printed beside `issued`.
    dated = [str(y) for y in registry_years(work)]
    if not year_hit and any(_take(pool, [other])[0] for other in dated if other != year):
        year_hit = 1.0
    near = [str(int(y) + d) for y in dated for d in (-1, 1)] if not year_hit else []
    if any(_take(pool, [n])[0] for n in near):
        year_hit = 0.5
    return hits, year_hit, pool


def printed_agreement(reference: Reference, work: Work) -> tuple[Agreement, Parts]:
    """SBMV's string validation: the record's numbers are found in the printed reference, one
    occurrence each; numbers left over weigh 1 each against it; the year may be one off."""
    text = reference.cited_as or ""
    (volume_hits, issue_hits, page_hits), year_hit, left = _match_numbers(text, work)
    parts: Parts = []
    title = compare(Reference(reference.id, reference.location, cited_as=text), work)
    if title.title_similarity is not None:  # None: the text prints no title (printed_source)
        parts.append((1.0, title.title_similarity))
    authors = _author_in(text, work)
    if authors is not None:
        parts.append((1.0, 1.0 if authors else 0.0))
    year: bool | None = None
    # A year only counts against the record when the text prints one (four digits, 1500-2100).
    if work.year is not None and (year_hit or any(_YEARLIKE.fullmatch(n) for n in left)):
        parts.append((1.0, year_hit))
        year = year_hit > 0
    journal = _journal_in(text, work)
    if journal:
        parts.append((1.0, 1.0))
    volume = _found(volume_hits, bool(left), parts)
    issue = _found(issue_hits, bool(left), parts)
    pages = _found(page_hits, bool(left), parts)
    parts.extend((1.0, 0.0) for _ in left)
    agreement = Agreement(
        title_similarity=title.title_similarity,
        title=title.title_agrees,
        authors=authors,
        # Not scored, as with a structured reference: it only keeps the match from being
        # confident (checks/printed_authors.py).
        first_author=False if first_author_disagrees(_LABEL.sub("", text), work) else None,
        year=year,
        journal=journal,
        volume=volume,
        issue=issue,
        pages=None if pages is None else page_hits[0],  # the first page decides
    )
    return agreement, parts
