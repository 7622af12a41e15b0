"""The form in which the cache keeps a work for the checks to read: the Work that `parse_work`
built, as one flat JSON array, read back with one `json.loads` and direct construction.

Why not the record itself: re-reading an envelope means `json.loads` of every key's whole value
(authors with affiliations, dates with timestamps: about 1.7 KB a work) and then `parse_work`'s
rules, about 0.16 ms a work on a slow machine: 1.6 s of a 10,000-DOI warm re-audit. This array
holds only what `parse_work` kept (about 0.5 KB), and reading it needs no rules, only type
checks.

Why flat: every list `json.loads` makes is an object the garbage collector tracks and scans
again while a warm audit holds thousands of works; one list per work instead of one per
author and per update entry took a third off `json.loads` here. So the counts come first,
then every string:

    [year, #authors, #container_titles, #short_container_titles, #update_to, #updated_by,
     #other_titles, #other_subtitles, #published,
     doi, title, subtitle, volume, issue, page, article_number, type, publisher,
     family, given, name, (for each author)
     container_title, ..., short_container_title, ..., other_title, ..., other_subtitle, ...,
     published, ..., (the record's publication dates)
     doi, type, label, date, source, record_id, (for each update_to entry, then updated_by)]

`parse_work` never gives an empty volume, issue, page, article number, update date or record
id (it gives None), nor year 0: so "" and 0 stand for None, and every value after the counts is
a str, which one `str.join` checks. The `*_FIELDS` names are the dataclasses' fields in the
order above; a test holds them equal, so a new field cannot be forgotten here. A new layout
needs a new cache schema version (cache/file.py), so an older file is emptied, not misread.

Anyone who can write the user's cache directory can write this file, so decoding trusts
nothing: anything but exactly this shape with these types reads as None, a cache miss (the
DOI is asked again), never an exception. Never pickle or marshal: loading those can run code
or crash the interpreter on crafted bytes.
"""

from __future__ import annotations

import json
from typing import Any

from claimcheck.model.events import UpdateEntry
from claimcheck.model.record import Author, Work

WORK_FIELDS = (
    "year", "authors", "container_titles", "short_container_titles", "update_to", "updated_by",
    "other_titles", "other_subtitles", "published",
    "doi", "title", "subtitle", "volume", "issue", "page", "article_number", "type", "publisher",
)  # fmt: skip
AUTHOR_FIELDS = ("family", "given", "name")
UPDATE_FIELDS = ("doi", "type", "label", "date", "source", "record_id")
_COUNTS = 9  # year and the eight counts
_SCALARS = 9  # doi .. publisher
_INTS = [int] * _COUNTS
_DECODER = json.JSONDecoder()


def encode_work(work: Work) -> bytes | None:
    """The stored form of a Work that `parse_work` gave; None if it cannot be stored."""
    updates = (*work.update_to, *work.updated_by)
    row: list[str | int] = [
        work.year or 0,
        len(work.authors),
        len(work.container_titles),
        len(work.short_container_titles),
        len(work.update_to),
        len(work.updated_by),
        len(work.other_titles),
        len(work.other_subtitles),
        len(work.published),
        work.doi,
        work.title,
        work.subtitle,
        work.volume or "",
        work.issue or "",
        work.page or "",
        work.article_number or "",
        work.type,
        work.publisher,
        *[text for a in work.authors for text in (a.family, a.given, a.name)],
        *work.container_titles,
        *work.short_container_titles,
        *work.other_titles,
        *work.other_subtitles,
        *work.published,
        *[text for u in updates for text in _update_texts(u)],
    ]
    try:
        # UTF-8 as is (ensure_ascii=False): shorter than \u escapes, and quicker to read.
        return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return None  # a lone surrogate: parse_work refuses those, so only a hand-made Work


def _update_texts(u: UpdateEntry) -> tuple[str, ...]:
    return (u.doi, u.type, u.label, u.date or "", u.source, u.record_id or "")


def decode_work(body: bytes) -> Work | None:
    """The Work a stored body holds, or None for anything that is not exactly that form."""
    try:
        # Decoded here, strictly: json.loads(bytes) would let UTF-8-encoded surrogates through
        # ("surrogatepass") and would guess UTF-16 or UTF-32 from the first bytes.
        text = body.decode("utf-8")
        # raw_decode, not json.loads: the same parser without two whitespace scans per row;
        # `end` shows any text after the array. It raises JSONDecodeError (a ValueError).
        row, end = _DECODER.raw_decode(text)
        if end != len(text) or type(row) is not list:  # a dict would unpack too
            return None
        return _work(row)
    # TypeError: a value of the wrong type; ValueError: a list of the wrong length, bytes that
    # are not UTF-8 or JSON, a lone surrogate (UnicodeError); RecursionError: deep nesting.
    except (TypeError, ValueError, RecursionError):
        return None


def _work(row: list[Any]) -> Work | None:
    # `type(...) is int`, checked in C by map: a bool or a float is not a count.
    if list(map(type, row[:_COUNTS])) != _INTS:
        return None
    year, n_authors, n_containers, n_shorts, n_update_to, n_updated_by = row[: _COUNTS - 3]
    n_others, n_subs, n_published = row[_COUNTS - 3 : _COUNTS]
    if min(row[1:_COUNTS]) < 0 or not 0 <= year < 10000:  # parse_work keeps plausible years
        return None
    texts = row[_COUNTS:]
    n_lists = n_containers + n_shorts + n_others + n_subs + n_published
    if len(texts) != _SCALARS + 3 * n_authors + n_lists + 6 * (n_update_to + n_updated_by):
        return None
    joined = "".join(texts)  # TypeError unless every value is a str: one check for all
    if not joined.isascii():
        # A \ud800 escape decodes to a lone surrogate, which no report can print: this raises
        # UnicodeEncodeError (a ValueError) for one. ASCII text cannot hold one.
        joined.encode("utf-8")
    doi, title, subtitle, volume, issue, page, article_number, kind, publisher = texts[:_SCALARS]
    end = _SCALARS + 3 * n_authors
    names = iter(texts[_SCALARS:end])
    containers = tuple(texts[end : end + n_containers])
    end += n_containers
    shorts = tuple(texts[end : end + n_shorts])
    end += n_shorts
    others = tuple(texts[end : end + n_others])
    end += n_others
    subtitles = tuple(texts[end : end + n_subs])
    end += n_subs
    published = tuple(texts[end : end + n_published])
    end += n_published
    return Work(
        doi,
        title,
        subtitle,
        others,
        subtitles,
        tuple(map(Author, names, names, names)),  # three at a time: family, given, name
        year or None,
        published,
        containers,
        shorts,
        volume or None,
        issue or None,
        page or None,
        article_number or None,
        kind,
        publisher,
        _updates(texts, end, n_update_to),
        _updates(texts, end + 6 * n_update_to, n_updated_by),
    )


def _updates(texts: list[str], start: int, count: int) -> tuple[UpdateEntry, ...]:
    """`count` entries of six values each, from `texts[start]` on."""
    if not count:
        return ()  # most works: nothing to set up
    values = iter(texts[start : start + 6 * count])
    return tuple(
        UpdateEntry(doi, kind, label, date or None, source, record_id or None)
        # zip of one iterator six times: six values at a time, no list sliced per entry
        for doi, kind, label, date, source, record_id in zip(*[values] * 6, strict=True)
    )
