"""Parse DataCite REST API records into Work records. Pure: bytes in, dataclasses out.

`GET /dois/{doi}` answers a JSON:API document, `{"data": {"id", "type": "dois", "attributes":
{...}, "relationships": {...}}, "included": [...]}`, whose attributes are the DataCite Metadata
Schema 4.x in camelCase (REST API guide: https://support.datacite.org/docs/api; schema:
https://datacite-metadata-schema.readthedocs.io/en/4.6/). Only `doi` is certain to be there,
so nothing else is assumed present.

Retraction. DataCite has no retraction field and no retraction relation: its relationType
list holds no `IsRetractedBy`, neither in schema 4.6 nor in the newer source in
datacite/schema-docs (`docs/appendices/appendix-1/relationType.rst`, which adds `Other`):
https://datacite-metadata-schema.readthedocs.io/en/4.6/appendices/appendix-1/relationType/
For retracted content DataCite advises moving the DOI to the "registered" state, which
hides its metadata from the public API (https://support.datacite.org/docs/doi-states),
pointing it at a tombstone page and, as good practice, adding a date of dateType "Withdrawn"
with the reason in `dateInformation`:
https://support.datacite.org/docs/what-should-i-do-if-the-resource-that-a-doi-points-to-is-retracted
https://datacite-metadata-schema.readthedocs.io/en/4.6/appendices/appendix-1/dateType/
So a record keeps, beside its Work, only what may be *mentioned*, never judged: its Withdrawn
dates, and its version-succession relations (SUPERSESSION_RELATIONS). Neither is a verdict.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from claimcheck.model.datacite import DataCiteDate, DataCiteRecord, DataCiteRelation
from claimcheck.model.record import Author, Work

# The relationTypes that say one version replaces another (schema 4.2 added the Obsoletes
# pair): "A is replaced by B", "A replaces B", "A is a previous edition of B", "A is a new
# edition of B, where the new edition has been modified or updated". IsVersionOf/HasVersion
# are left out: Zenodo uses them for every version's link to its concept DOI.
SUPERSESSION_RELATIONS = ("IsObsoletedBy", "Obsoletes", "IsPreviousVersionOf", "IsNewVersionOf")
_SUPERSESSION = {name.lower(): name for name in SUPERSESSION_RELATIONS}
WITHDRAWN = "withdrawn"  # the dateType, compared lower-cased


class MalformedRecord(ValueError):
    """A response that is not the DataCite `/dois/{doi}` record it should be."""


def parse_datacite(body: bytes, doi: str, *, document: Any = None) -> DataCiteRecord:
    """The record in a `/dois/{doi}` answer for `doi`, or MalformedRecord.

    `document` is the body already parsed, when the fetcher did so. A record for another DOI
    is malformed: nothing is then known about the one asked for.
    """
    if document is None:
        document = _decode(body)
    try:
        found, attributes = _attributes(document)
        record = _record(found, attributes)
    except MalformedRecord:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError, AttributeError) as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise MalformedRecord(f"DataCite record cannot be read ({why})") from exc
    asked = doi.strip().lower()
    if found != asked:
        raise MalformedRecord(f"DataCite answered for {found!r}, not {asked!r}")
    return record


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRecord(f"response is not JSON ({_describe(body)})") from exc
    except (ValueError, RecursionError) as exc:  # thousands of digits, or of nested arrays
        raise MalformedRecord(f"response JSON cannot be read ({type(exc).__name__})") from exc


def _describe(body: bytes) -> str:
    if not body.strip():
        return "empty body"
    if body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        return "an HTML page"
    return f"{len(body)} bytes"


def _attributes(document: Any) -> tuple[str, Mapping[str, Any]]:
    """(the record's DOI, lower-cased; its attributes) from the JSON:API document."""
    if not isinstance(document, dict):
        raise MalformedRecord("response JSON is not an object")
    data = document.get("data")
    if data is None and isinstance(document.get("errors"), list):
        raise MalformedRecord(f"response is a JSON:API error document ({_error(document)})")
    if not isinstance(data, dict):
        raise MalformedRecord("response has no `data` object (a list answers a list)")
    if data.get("type") != "dois":
        raise MalformedRecord(f"response data type is {data.get('type')!r}, not 'dois'")
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        raise MalformedRecord("response data has no `attributes` object")
    doi = (_text(attributes.get("doi")) or _text(data.get("id"))).lower()
    if not doi:
        raise MalformedRecord("DataCite record has no DOI")
    return doi, attributes


def _error(document: Mapping[str, Any]) -> str:
    errors = [e for e in document["errors"] if isinstance(e, dict)]
    return _text(errors[0].get("title"))[:200] if errors else "no error title"


def _record(doi: str, attributes: Mapping[str, Any]) -> DataCiteRecord:
    title, subtitle, other_titles = _titles(attributes.get("titles"))
    container = attributes.get("container")
    container_title = _text(container.get("title")) if isinstance(container, dict) else ""
    types = attributes.get("types")
    resource_type = _text(types.get("resourceTypeGeneral")) if isinstance(types, dict) else ""
    work = Work(
        doi=doi,
        title=title,
        subtitle=subtitle,
        other_titles=other_titles,
        authors=tuple(_creators(attributes.get("creators"))),
        year=_year(attributes.get("publicationYear")),
        container_titles=(container_title,) if container_title else (),
        type=resource_type.lower(),
        publisher=_publisher(attributes.get("publisher")),
    )
    return DataCiteRecord(
        work=work,
        relations=tuple(_relations(attributes.get("relatedIdentifiers"))),
        withdrawn=tuple(_withdrawn(attributes.get("dates"))),
        state=_text(attributes.get("state")).lower(),
    )


def _text(value: object) -> str:
    if isinstance(value, str):
        if not value.isascii():  # only non-ASCII text can hold a lone surrogate
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                # "\ud800" decodes from JSON but cannot be written to any report.
                raise MalformedRecord("record holds text that is not valid Unicode") from None
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _titles(value: object) -> tuple[str, str, tuple[str, ...]]:
    """(title, subtitle, other titles). The title is the first without a titleType (the
    others are AlternativeTitle, Subtitle, TranslatedTitle or Other), else the first of any
    type. Every other title but a subtitle is kept, each once: a reference may cite a work by
    its TranslatedTitle or AlternativeTitle, as by a Crossref record's translated title."""
    titles = [t for t in value if isinstance(t, dict)] if isinstance(value, list) else []
    typed = [(_text(t.get("titleType")), _text(t.get("title"))) for t in titles]
    typed = [(kind, text) for kind, text in typed if text]
    plain = [text for kind, text in typed if not kind]
    subtitles = [text for kind, text in typed if kind.lower() == "subtitle"]
    title = plain[0] if plain else (typed[0][1] if typed else "")
    others = dict.fromkeys(text for kind, text in typed if kind.lower() != "subtitle")
    others.pop(title, None)
    return title, subtitles[0] if subtitles else "", tuple(others)


def _creators(value: object) -> Iterator[Author]:
    if not isinstance(value, list):
        return
    for creator in value:
        if isinstance(creator, dict):
            author = _creator(creator)
            if author is not None:
                yield author


def _creator(creator: Mapping[str, Any]) -> Author | None:
    family, given = _text(creator.get("familyName")), _text(creator.get("givenName"))
    name = _text(creator.get("name"))
    if family:
        return Author(family=family, given=given)
    if _text(creator.get("nameType")) == "Personal" and name.count(",") == 1:
        # The schema writes a personal creatorName "Family, Given"
        # (https://datacite-metadata-schema.readthedocs.io/en/4.6/properties/creator/).
        family, _, given = name.partition(",")
        return Author(family=family.strip(), given=given.strip())
    return Author(name=name) if name else None  # an organisation, or an unsplit name


def _year(value: object) -> int | None:
    # An integer in today's API; a string ("2016") in older records and some clients.
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10000:
        return value
    return None


def _publisher(value: object) -> str:
    # A string, or since schema 4.5 (with `?publisher=true`) an object with `name`
    # (https://support.datacite.org/docs/publisher-changes-in-schema-45).
    return _text(value.get("name")) if isinstance(value, dict) else _text(value)


def _objects(value: object, field: str) -> list[Mapping[str, Any]]:
    """The objects of a list the caller will mention: unreadable must not read as empty."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedRecord(f"`{field}` is not a list of objects")
    return value


def _relations(value: object) -> Iterator[DataCiteRelation]:
    for item in _objects(value, "relatedIdentifiers"):
        relation = _SUPERSESSION.get(_text(item.get("relationType")).lower())
        identifier = _text(item.get("relatedIdentifier"))
        if relation is not None and identifier:
            kind = _text(item.get("relatedIdentifierType"))
            yield DataCiteRelation(relation, identifier, kind)


def _withdrawn(value: object) -> Iterator[DataCiteDate]:
    for item in _objects(value, "dates"):
        if _text(item.get("dateType")).lower() == WITHDRAWN:
            yield DataCiteDate(_text(item.get("date")), _text(item.get("dateInformation")))
