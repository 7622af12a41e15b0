"""The claim map's shape (inputs/schema.py) checked without pydantic, for a map that plainly
has it, or declined.

Importing pydantic and building the schema's validators takes about 0.1 s, and validating a
10,000-reference map with them about as long again: a fifth of a small audit, every run. Most
maps are plainly right: every key known, every value of its type, every number and date
written the one obvious way. For those, this reader gives the same values the schema's models
would (read as `_build` in claimmap.py reads them), with nothing but type checks.

It declines (returns None) at the first thing it does not handle, and the caller validates the
map with the schema's models instead, so every error and its wording stay theirs. It never
reports anything, and it accepts nothing the models would refuse: a test compares the two on
generated maps. What it declines but the models accept (a year written " 2010", bytes for
text) is merely read the slower way.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NamedTuple

from claimcheck.model.claimmap import Role
from claimcheck.model.findings import FindingCode

SUPPORTED_VERSION = 1  # as inputs/schema.py; a test holds them equal

# What the schema's `_Int` and `_Date` accept, without the surrounding spaces they also take
# (declined here), and only as many digits as an int64 holds: a longer year is declined too.
_PLAIN_INT = re.compile(r"[+-]?[0-9]{1,18}")
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ROLES = {role.value: role for role in Role}
_CODES = {code.value: code for code in FindingCode}


class _Declined(Exception):
    """The map needs the schema's models."""


# The same fields, in the same order, as the schema's models (a test holds them equal).
class PlainArticle(NamedTuple):
    title: str | None
    url: str | None
    language: str | None
    published: date | None


class PlainReference(NamedTuple):
    doi: str | None
    cited_as: str | None
    title: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    volume: str | None
    issue: str | None
    pages: str | None


class PlainCite(NamedTuple):
    ref: str
    role: Role


class PlainAcknowledgement(NamedTuple):
    finding: FindingCode
    ref: str | None
    reason: str
    until: date | None


class PlainClaim(NamedTuple):
    id: str
    text: str
    translation: str | None
    cites: list[PlainCite]
    acknowledge: list[PlainAcknowledgement]


class PlainClaimMap(NamedTuple):
    claimcheck: int
    article: PlainArticle | None
    references: dict[str, PlainReference]
    claims: list[PlainClaim]


REFERENCE_FIELDS = PlainReference._fields
_TOP_KEYS = frozenset(PlainClaimMap._fields)
_ARTICLE_KEYS = frozenset(PlainArticle._fields)
_REFERENCE_KEYS = frozenset(REFERENCE_FIELDS)
_CLAIM_KEYS = frozenset(PlainClaim._fields)
_CITE_KEYS = frozenset(PlainCite._fields)
_ACKNOWLEDGEMENT_KEYS = frozenset(PlainAcknowledgement._fields)


def read_plain_shape(value: Any) -> PlainClaimMap | None:
    """The map's values as the schema's models give them, or None when `value` needs them."""
    try:
        return _claim_map(value)
    except _Declined:
        return None


def _claim_map(value: Any) -> PlainClaimMap:
    top = _mapping(value, _TOP_KEYS, required=("claimcheck", "references", "claims"))
    if _integer(top["claimcheck"]) != SUPPORTED_VERSION:
        raise _Declined  # the models word the unsupported version
    article = top.get("article")
    references = top["references"]
    claims = top["claims"]
    if type(references) is not dict or type(claims) is not list:
        raise _Declined
    return PlainClaimMap(
        SUPPORTED_VERSION,
        None if article is None else _article(article),
        {_text(ref_id): _reference(ref) for ref_id, ref in references.items()},
        [_claim(claim) for claim in claims],
    )


def _article(value: Any) -> PlainArticle:
    fields = _mapping(value, _ARTICLE_KEYS)
    get = fields.get
    published = get("published")
    return PlainArticle(
        _text_or_none(get("title")),
        _text_or_none(get("url")),
        _text_or_none(get("language")),
        None if published is None else _date(published),
    )


def _reference(value: Any) -> PlainReference:
    fields = _mapping(value, _REFERENCE_KEYS)
    get = fields.get
    year = get("year")
    return PlainReference(
        _text_or_none(get("doi")),
        _text_or_none(get("cited_as")),
        _text_or_none(get("title")),
        [_text(name) for name in _list(get("authors"))],
        None if year is None else _integer(year),
        _text_or_none(get("journal")),
        _text_or_none(get("volume")),
        _text_or_none(get("issue")),
        _text_or_none(get("pages")),
    )


def _claim(value: Any) -> PlainClaim:
    fields = _mapping(value, _CLAIM_KEYS, required=("id", "text"))
    get = fields.get
    return PlainClaim(
        _text(fields["id"]),
        _text(fields["text"]),
        _text_or_none(get("translation")),
        [_cite(cite) for cite in _list(get("cites"))],
        [_acknowledgement(ack) for ack in _list(get("acknowledge"))],
    )


def _cite(value: Any) -> PlainCite:
    if type(value) is str:  # the shorthand: an id alone
        return PlainCite(value, Role.SUPPORTS)
    fields = _mapping(value, _CITE_KEYS, required=("ref",))
    role = fields.get("role", Role.SUPPORTS.value)  # a null role is the models' to refuse
    if type(role) is not str or role not in _ROLES:
        raise _Declined
    return PlainCite(_text(fields["ref"]), _ROLES[role])


def _acknowledgement(value: Any) -> PlainAcknowledgement:
    fields = _mapping(value, _ACKNOWLEDGEMENT_KEYS, required=("finding", "reason"))
    finding, until = fields["finding"], fields.get("until")
    if type(finding) is not str or finding not in _CODES:
        raise _Declined
    return PlainAcknowledgement(
        _CODES[finding],
        _text_or_none(fields.get("ref")),
        _text(fields["reason"]),
        None if until is None else _date(until),
    )


def _mapping(value: Any, known: frozenset[str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """`value` when it is a mapping of known keys only, holding every required one."""
    if type(value) is not dict or not value.keys() <= known:
        raise _Declined
    if any(key not in value for key in required):
        raise _Declined
    return value


def _list(value: Any) -> list[Any]:
    """A list as the models take it: a null or a missing key is an empty list."""
    if value is None:
        return []
    if type(value) is not list:
        raise _Declined
    return value


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Declined
    return value


def _text_or_none(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise _Declined
    return value


def _integer(value: Any) -> int:
    if type(value) is not str or not _PLAIN_INT.fullmatch(value):
        raise _Declined
    return int(value)


def _date(value: Any) -> date:
    if type(value) is not str or not _PLAIN_DATE.fullmatch(value):
        raise _Declined
    try:
        return date.fromisoformat(value)
    except ValueError:  # 2020-02-30: the models word it
        raise _Declined from None
