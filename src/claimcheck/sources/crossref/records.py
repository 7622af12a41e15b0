"""Parse Crossref JSON envelopes into Work records. Pure: bytes in, dataclasses out.

Crossref's work schema: https://api.crossref.org/swagger-ui/index.html (the `Work` model) and
the legacy field table in CrossRef/rest-api-doc `api_format.md`. Every field is optional in
practice, so nothing here assumes one is present.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from claimcheck.model.events import UpdateEntry
from claimcheck.model.record import Author, Work


class MalformedRecord(ValueError):
    """A response that is not the Crossref envelope it should be."""


def decode_envelope(body: bytes, expected_type: str, document: Any = None) -> Mapping[str, Any]:
    """Return `message` of a `{"status":"ok","message-type":…,"message":{…}}` envelope.

    `document` is the body already parsed (the fetcher parses each answer once); without
    it the body is parsed here.
    """
    if document is None:
        document = _parse(body)
    if not isinstance(document, dict):
        raise MalformedRecord("response JSON is not an object")
    if document.get("status") != "ok":
        raise MalformedRecord(f"response status is {document.get('status')!r}, not 'ok'")
    if document.get("message-type") != expected_type:
        raise MalformedRecord(
            f"response message-type is {document.get('message-type')!r}, not {expected_type!r}"
        )
    message = document.get("message")
    if not isinstance(message, dict):
        raise MalformedRecord("response has no `message` object")
    _refuse_repeated_update_keys(body, message, expected_type)
    return message


# The keys that list a work's editorial updates. A JSON object that names one twice is read
# with the last one winning (RFC 8259 §4 leaves it to the parser; Python keeps the last), so
# `"updated-by": [<retraction>], "updated-by": []` would read as never updated: a hostile or
# broken answer could make a retracted work clean.
UPDATE_KEYS = (b'"updated-by"', b'"update-to"')


def _refuse_repeated_update_keys(
    body: bytes, message: Mapping[str, Any], expected_type: str
) -> None:
    """MalformedRecord if the body names an update key more often than the records it
    parsed into hold it. In JSON text a quote inside a string is escaped, so `"updated-by"`
    with both quotes bare is a key (or a whole string value, which no record has)."""
    if expected_type == "work":
        records: list[Any] = [message]
    elif expected_type == "work-list" and isinstance(message.get("items"), list):
        records = message["items"]
    else:
        return
    for key in UPDATE_KEYS:
        written = body.count(key)
        if not written:
            continue
        name = key.decode().strip('"')
        held = sum(1 for record in records if isinstance(record, dict) and name in record)
        if written > held:
            raise MalformedRecord(f"response names `{name}` twice in one record")


def _parse(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRecord(f"response is not JSON ({_describe_body(body)})") from exc
    except (ValueError, RecursionError) as exc:
        # A number of thousands of digits, or arrays nested thousands deep.
        raise MalformedRecord(f"response JSON cannot be read ({type(exc).__name__})") from exc


def _describe_body(body: bytes) -> str:
    if not body.strip():
        return "empty body"
    head = body.lstrip()[:15].lower()
    if head.startswith((b"<!doctype", b"<html")):
        return "an HTML page"
    return f"{len(body)} bytes"


def parse_work(message: Mapping[str, Any]) -> Work:
    """The Work in one record, or MalformedRecord: one hostile record makes its own lookup
    fail, never the audit."""
    try:
        return _parse_work(message)
    except (TypeError, ValueError, OverflowError, RecursionError, AttributeError) as exc:
        raise MalformedRecord(f"work record cannot be read ({type(exc).__name__}: {exc})") from exc


def _parse_work(message: Mapping[str, Any]) -> Work:
    doi = _text(message.get("DOI")).lower()
    if not doi:
        raise MalformedRecord("work record has no DOI")
    title, *other_titles = _titles(message) or ("",)
    # `subtitle`: "Work subtitles, including original language and translated" (rest-api-doc's
    # api_format.md): each kept once, like the titles, since a reference may cite a translated
    # title with its translated subtitle.
    subtitle, *other_subtitles = tuple(dict.fromkeys(_title_texts(message, "subtitle"))) or ("",)
    return Work(
        doi=doi,
        title=title,
        subtitle=subtitle,
        other_titles=tuple(other_titles),
        other_subtitles=tuple(other_subtitles),
        authors=tuple(_authors(message.get("author"))),
        year=_year(message),
        published=_published(message),
        container_titles=_title_texts(message, "container-title"),
        short_container_titles=_title_texts(message, "short-container-title"),
        volume=_text(message.get("volume")) or None,
        issue=_text(message.get("issue")) or None,
        page=_text(message.get("page")) or None,
        article_number=_text(message.get("article-number")) or None,
        type=_text(message.get("type")),
        publisher=_text(message.get("publisher")),
        update_to=tuple(_updates(message.get("update-to"))),
        updated_by=tuple(_updates(message.get("updated-by"))),
    )


def parse_agency(message: Mapping[str, Any]) -> str:
    agency = message.get("agency")
    if isinstance(agency, dict) and _text(agency.get("id")):
        return _text(agency.get("id")).lower()
    raise MalformedRecord("agency record names no agency")


def _text(value: object) -> str:
    if isinstance(value, str):
        try:
            if not value.isascii():  # only non-ASCII text can hold a lone surrogate
                value.encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate ("\ud800") decodes from JSON but cannot be written to any
            # report: the record is unreadable, and so never reaches the cache.
            raise MalformedRecord("work record holds text that is not valid Unicode") from None
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence):
        return ()
    texts = [_text(v) for v in value]
    return tuple([t for t in texts if t])


def _title_texts(message: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """The texts of a title field (`title`, `subtitle`, `container-title`, …): a list of
    strings in Crossref's schema. Any other shape makes the record unreadable, never "no
    title": a title is where a retraction is marked ("RETRACTED: …"), so one that could not
    be read must leave the reference unverified, not clean."""
    value = message.get(key)
    if value is None or isinstance(value, str):
        return _texts(value)
    if isinstance(value, list) and all(_is_text(item) for item in value):
        return _texts(value)
    raise MalformedRecord(f"work record's `{key}` is not a list of texts")


def _is_text(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _titles(message: Mapping[str, Any]) -> tuple[str, ...]:
    """Every title of the work, each once: `title` ("Work titles, including translated
    titles", Crossref's schema), then `original-title`. A reference may cite any of them, so
    all are kept; the first is the one reports show."""
    titles = (*_title_texts(message, "title"), *_title_texts(message, "original-title"))
    return tuple(dict.fromkeys(titles))


def _authors(value: object) -> list[Author]:
    if not isinstance(value, list):
        return []
    authors = [
        Author(
            family=_text(a.get("family")), given=_text(a.get("given")), name=_text(a.get("name"))
        )
        for a in value
        if isinstance(a, dict)
    ]
    # Crossref marks the first author with sequence "first"; the list order usually agrees,
    # but not always, so put that author first.
    firsts = [
        i for i, a in enumerate(value) if isinstance(a, dict) and a.get("sequence") == "first"
    ]
    if firsts and firsts[0] != 0 and firsts[0] < len(authors):
        authors.insert(0, authors.pop(firsts[0]))
    return [a for a in authors if a.family or a.name]


def _date_parts(value: object) -> list[int]:
    if not isinstance(value, dict):
        return []
    parts = value.get("date-parts")
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
        return []
    out: list[int] = []
    for part in parts[0]:
        if isinstance(part, str) and part.isascii() and part.isdigit() and len(part) < 5:
            part = int(part)  # noqa: PLW2901 (Crossref sometimes writes "2010")
        # Only a plausible year, month or day: "²", 10**300 or -5 end the date there.
        if not isinstance(part, int) or isinstance(part, bool) or not 0 < part < 10000:
            break
        out.append(part)
    return out


def _year(message: Mapping[str, Any]) -> int | None:
    # `issued` is Crossref's "earliest of published-print and published-online".
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = _date_parts(message.get(key))
        if parts:
            return parts[0]
    return None


def _published(message: Mapping[str, Any]) -> tuple[str, ...]:
    """The record's own publication dates, each once. Elsevier stamps them on its in-place
    entries (10.1016/j.crad.2024.02.007's withdrawal is dated its July 2024 issue, though
    deposited in 2026), so timing must tell such a date from a retraction's."""
    keys = ("issued", "published", "published-print", "published-online")
    dates = [_iso_date(message.get(key)) for key in keys]
    return tuple(dict.fromkeys(d for d in dates if d))


def _iso_date(value: object) -> str | None:
    parts = _date_parts(value)
    if not parts:
        return None
    year, month, day = [*parts, 1, 1][:3]
    if len(parts) == 1:
        return f"{year:04d}"
    if len(parts) == 2:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except (ValueError, OverflowError):  # a day out of range, or a year past any calendar
        return f"{year:04d}"


def _updates(value: object) -> list[UpdateEntry]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        # Update data we cannot read must not read as "no updates": fail the lookup.
        raise MalformedRecord("update-to/updated-by is not a list of objects")
    entries = []
    for item in value:
        kind = item.get("type")
        if not isinstance(kind, str) or not kind.strip():
            # Crossref requires a type on every update. Without one, a retraction would read
            # as an update of no editorial kind, and the work as clean: fail the lookup.
            raise MalformedRecord("an update-to/updated-by entry has no readable `type`")
        entries.append(
            UpdateEntry(
                doi=_text(item.get("DOI")).lower(),
                type=kind.strip(),
                label=_text(item.get("label")),
                date=_iso_date(item.get("updated")),
                # Entries deposited before Retraction Watch data joined the API (January 2025)
                # carry no `source`; they came from the publisher's own (Crossmark) deposit.
                source=_text(item.get("source")).lower() or "publisher",
                record_id=_text(item.get("record-id")) or None,
            )
        )
    return entries
