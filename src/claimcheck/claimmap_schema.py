"""The claim map's shape (shared/spec/claim-map.md) as pydantic models over the raw text tree.

`yamlnodes` turns every scalar into its source text; these models check the shape, forbid
unknown keys and parse the typed fields (the version, `year`, dates).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

from claimcheck.models import FindingCode, Role

SUPPORTED_VERSION = 1

_INTEGER = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- the shape, as pydantic models over the raw text tree ----------------------------------


def _integer_text(value: Any) -> Any:
    if isinstance(value, str) and not _INTEGER.fullmatch(value.strip()):
        raise PydanticCustomError("int_parsing", "expected an integer")
    return value


def _iso_date_text(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
        raise PydanticCustomError("date_parsing", "expected a date")
    return value


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _cite_shorthand(value: Any) -> Any:
    return {"ref": value} if isinstance(value, str) else value


def _supported_version(value: int) -> int:
    if value != SUPPORTED_VERSION:
        raise PydanticCustomError(
            "unsupported_version",
            "unsupported claim-map version {version}; this claimcheck reads version {supported}",
            {"version": value, "supported": SUPPORTED_VERSION},
        )
    return value


_Int = Annotated[int, BeforeValidator(_integer_text)]
_Date = Annotated[date, BeforeValidator(_iso_date_text)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(Strict):
    title: str | None = None
    url: str | None = None
    language: str | None = None
    published: _Date | None = None


class ReferenceIn(Strict):
    doi: str | None = None
    cited_as: str | None = None
    title: str | None = None
    authors: Annotated[list[str], BeforeValidator(_none_as_empty)] = []
    year: _Int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None


class CiteIn(Strict):
    ref: str
    role: Role = Role.SUPPORTS


class AcknowledgeIn(Strict):
    finding: FindingCode
    ref: str | None = None
    reason: str
    until: _Date | None = None


class ClaimIn(Strict):
    id: str
    text: str
    translation: str | None = None
    cites: Annotated[
        list[Annotated[CiteIn, BeforeValidator(_cite_shorthand)]],
        BeforeValidator(_none_as_empty),
    ] = []
    acknowledge: Annotated[list[AcknowledgeIn], BeforeValidator(_none_as_empty)] = []


class ClaimMapIn(Strict):
    claimcheck: Annotated[_Int, AfterValidator(_supported_version)]
    article: ArticleIn | None = None
    references: dict[str, ReferenceIn]
    claims: list[ClaimIn]
