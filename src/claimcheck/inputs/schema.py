"""The claim map's shape (README, "The claim map") as pydantic models over the raw text tree.

`yamlnodes` turns every scalar into its source text; these models check the shape, forbid
unknown keys and parse the typed fields (the version, `year`, dates). A map that plainly has
the shape is read without them (inputs/plainshape.py, which a test holds to their fields and
to what they accept); the rest, every map with a mistake included, is read by them.

The same models also give the JSON Schema that editors use (`claim_map_json_schema`,
shipped as schema/claim-map.schema.json). It describes what the loader accepts, as a YAML
language server sees the file: an unquoted `70` is a number there, and the loader reads it
as the text "70". The annotations that shape the schema (`WithJsonSchema`, `_Also`,
descriptions) never change what the loader accepts. Regenerate the shipped file with

    python -m claimcheck.inputs.schema > schema/claim-map.schema.json
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
)
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from claimcheck.model.claimmap import Role
from claimcheck.model.findings import CLAIM_FINDINGS, FindingCode

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


# --- JSON Schema only: what a YAML language server sees ------------------------------------

SCHEMA_ID = "https://claimcheck.invalid/schema/claim-map.schema.json"  # a placeholder domain
ID_PATTERN = "^[A-Za-z0-9._-]+$"  # the loader's id rule (claimmap._ID)

# Every scalar is read as its source text, so an unquoted number or true/false is text too.
_TEXT: JsonSchemaValue = {"type": ["string", "number", "boolean"]}
_ID: JsonSchemaValue = {**_TEXT, "pattern": ID_PATTERN}
_DATE: JsonSchemaValue = {
    "type": "string",
    "format": "date",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
}
_NULL: JsonSchemaValue = {"type": "null"}
# A list that may be left out is empty: a factory, not a `[]` default, which pydantic would
# deep-copy for every model (11,000 copies to load a 10,000-reference map); the schema still
# says its default.
_EMPTY_BY_DEFAULT: JsonSchemaValue = {"default": []}


def _enum(values: type[StrEnum]) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "enum": [member.value for member in values]})


@dataclass(slots=True)
class _Also:
    """JSON Schema only: the loader also accepts these shapes (a YAML null, a shorthand)."""

    alternatives: tuple[JsonSchemaValue, ...]

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"anyOf": [handler(schema), *self.alternatives]}

    def __hash__(self) -> int:
        return id(self)


_Int = Annotated[int, BeforeValidator(_integer_text)]
_Date = Annotated[date, BeforeValidator(_iso_date_text), WithJsonSchema(_DATE)]
_Text = Annotated[str, WithJsonSchema(_TEXT)]
_Id = Annotated[str, WithJsonSchema(_ID)]
_RefKey = Annotated[str, WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleIn(Strict):
    """The article the map describes; shown in reports."""

    title: _Text | None = Field(None, description="The article's title.")
    url: _Text | None = Field(None, description="Where the article is published; any text.")
    language: _Text | None = Field(None, description="A BCP 47 language tag, e.g. zh or en.")
    published: _Date | None = Field(
        None,
        description="Publication date, YYYY-MM-DD; used to spot references cited after "
        "their retraction.",
    )


class ReferenceIn(Strict):
    """One reference as the article cites it. Give at least one field."""

    model_config = ConfigDict(
        extra="forbid",
        # The loader refuses a reference whose every field is empty.
        json_schema_extra={"not": {"additionalProperties": _NULL}},
    )

    doi: _Text | None = Field(
        None,
        description="The DOI, in any common form: 10.1038/nbt.2816, doi:…, "
        "https://doi.org/…; trailing punctuation is ignored.",
    )
    cited_as: _Text | None = Field(
        None, description="The reference exactly as the article prints it."
    )
    title: _Text | None = Field(None, description="The title, as cited.")
    authors: Annotated[list[_Text], BeforeValidator(_none_as_empty), _Also((_NULL,))] = Field(
        default_factory=list,
        json_schema_extra=_EMPTY_BY_DEFAULT,
        description='Author names as printed, e.g. "Van Tassell B.W."; a final "et al." '
        "means the list is truncated.",
    )
    year: _Int | None = Field(None, description="The year, as cited: an integer.")
    journal: _Text | None = Field(None, description="The journal, as cited.")
    volume: _Text | None = Field(None, description="The volume, as cited; read as text.")
    issue: _Text | None = Field(None, description="The issue, as cited; read as text.")
    pages: _Text | None = Field(
        None, description="The pages, as cited: 98-103, 98–103, 1568-71 or e33438."
    )


class CiteIn(Strict):
    """A cited reference and why the claim cites it."""

    ref: _Id = Field(description="The id of a reference under `references`.")
    role: Annotated[Role, _enum(Role)] = Field(
        Role.SUPPORTS,
        description="supports: evidence for the claim (the default); contrasts: evidence "
        "against it; background: context only; discusses: the reference is the subject.",
    )


_CLAIM_CODES = sorted(code.value for code in CLAIM_FINDINGS)
_CLAIM_FINDING: JsonSchemaValue = {
    "description": "A finding about the claim itself.",
    "enum": _CLAIM_CODES,
}
_NO_REF: JsonSchemaValue = {
    "description": "Left out: the finding is about the claim, not a reference."
}
_REF: JsonSchemaValue = {"description": "Required: the finding is about this reference."}


class AcknowledgeIn(Strict):
    """A finding reviewed by a person, which then no longer fails the gate."""

    model_config = ConfigDict(
        extra="forbid",
        # The loader refuses an acknowledgement that could match no finding (claimmap.py):
        # a claim's own finding with a `ref`, a reference's finding without one.
        json_schema_extra={
            "if": {
                "properties": {"finding": _CLAIM_FINDING},
                "required": ["finding"],
            },
            "then": {"properties": {"ref": {**_NO_REF, **_NULL}}},
            "else": {"properties": {"ref": {**_REF, "not": _NULL}}, "required": ["ref"]},
        },
    )

    finding: Annotated[FindingCode, _enum(FindingCode)] = Field(
        description="The finding code acknowledged, e.g. cites-retraction-notice."
    )
    ref: _Id | None = Field(
        None,
        description="The reference the finding is about: required, except for the findings "
        f"about the claim itself ({' and '.join(_CLAIM_CODES)}), where it is left out. A "
        "reference this claim cites (unused-reference: any reference).",
    )
    reason: _Text = Field(description="Why the finding is acceptable.")
    until: _Date | None = Field(
        None,
        description="Expiry date, YYYY-MM-DD; an expired acknowledgement no longer "
        "applies and is itself reported.",
    )


_CITE_SHORTHAND: JsonSchemaValue = {
    **_ID,
    "description": "Shorthand for {ref: <id>, role: supports}.",
}


class ClaimIn(Strict):
    """One statement of the article and the references it cites."""

    id: _Id = Field(
        description="A unique claim id: letters, digits, '-', '_' and '.'; "
        "an unquoted number is read as its text."
    )
    text: _Text = Field(description="The statement, copied exactly from the article.")
    translation: _Text | None = Field(None, description="A translation of the statement.")
    cites: Annotated[
        list[Annotated[CiteIn, BeforeValidator(_cite_shorthand), _Also((_CITE_SHORTHAND,))]],
        BeforeValidator(_none_as_empty),
        _Also((_NULL,)),
    ] = Field(
        default_factory=list,
        json_schema_extra=_EMPTY_BY_DEFAULT,
        description="The references the claim cites: ids, or {ref, role} mappings. "
        "Every id must be a key under `references`. Empty: an uncited claim.",
    )
    acknowledge: Annotated[
        list[AcknowledgeIn], BeforeValidator(_none_as_empty), _Also((_NULL,))
    ] = Field(
        default_factory=list,
        json_schema_extra=_EMPTY_BY_DEFAULT,
        description="Findings reviewed by a person.",
    )


class ClaimMapIn(Strict):
    """A claimcheck claim map: what an article states and which references each statement cites."""

    claimcheck: Annotated[
        _Int,
        AfterValidator(_supported_version),
        WithJsonSchema({"type": "integer", "const": SUPPORTED_VERSION}),
    ] = Field(description="The claim-map format version: 1.")
    article: ArticleIn | None = Field(None, description="The article; optional.")
    references: dict[_RefKey, ReferenceIn] = Field(
        description="The references, by id. Ids are letters, digits, '-', '_' and '.'. "
        "YAML reads a key like `1:` as a number; claimcheck reads it as the text '1'."
    )
    claims: list[ClaimIn] = Field(description="The article's statements, in order.")


# --- the JSON Schema ------------------------------------------------------------------------

_COMMENT = (
    "Generated from claimcheck.inputs.schema; regenerate with "
    "`python -m claimcheck.inputs.schema > schema/claim-map.schema.json`. "
    "The loader also refuses what JSON Schema cannot say: a cited or acknowledged id that "
    "is not a key under `references`, a duplicate claim id, a duplicate key, and 2010.0 "
    'where an integer is expected. A quoted integer (year: "2010") is accepted by the '
    "loader but flagged here, as the spec says integer."
)
# Keywords that constrain one type of value and ignore every other.
_APPLIES_TO = {"format": "string", "pattern": "string", "items": "array"}


def _types(schema: JsonSchemaValue) -> list[str]:
    found = schema.get("type", [])
    return [found] if isinstance(found, str) else list(found)


def _merged(options: list[Any]) -> JsonSchemaValue | None:
    """An `anyOf` of types as one schema with a `type` list (an editor then reports the
    error inside, not "not valid under any of the given schemas"), or None when merging
    would change its meaning."""
    if not all(
        isinstance(o, dict) and "type" in o and set(o) - {"type"} <= set(_APPLIES_TO)
        for o in options
    ):
        return None
    types = [kind for option in options for kind in _types(option)]
    if len(set(types)) != len(types):
        return None
    merged: JsonSchemaValue = {"type": types}
    for option in options:
        for key, value in option.items():
            if key != "type":
                if _APPLIES_TO[key] not in _types(option) or key in merged:
                    return None
                merged[key] = value
    return merged


def _simplified(value: Any) -> Any:
    if isinstance(value, list):
        return [_simplified(item) for item in value]
    if not isinstance(value, dict):
        return value
    value = {key: _simplified(item) for key, item in value.items()}
    merged = _merged(value["anyOf"]) if isinstance(value.get("anyOf"), list) else None
    if merged is not None:
        value.pop("anyOf")
        value = dict(sorted({**merged, **value}.items()))
    return value


def _renamed(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("$ref"), str):
        value = {**value, "$ref": names.get(value["$ref"], value["$ref"])}
    return {key: _renamed(item, names) for key, item in value.items()}


class _LoaderSchema(GenerateJsonSchema):
    """Pydantic's generator, tuned to the claim map: no field titles, ids by propertyNames."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # a title repeats the key; the description says what it is

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        # pydantic turns a key pattern into patternProperties; an editor then says only
        # "not allowed" for a bad id. propertyNames names the rule.
        json_schema = super().dict_schema(schema)
        patterns = json_schema.pop("patternProperties", None)
        if patterns:
            ((pattern, values),) = patterns.items()
            json_schema["additionalProperties"] = values
            json_schema["propertyNames"] = {"pattern": pattern}
        return json_schema

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        generated = super().generate(schema, mode)
        definitions = generated.pop("$defs", {})
        names = {f"#/$defs/{name}": f"#/$defs/{name.removesuffix('In')}" for name in definitions}
        renamed = {name.removesuffix("In"): value for name, value in definitions.items()}
        for name, value in renamed.items():
            value["title"] = name
        generated.pop("title", None)
        return {
            "$schema": self.schema_dialect,
            "$id": SCHEMA_ID,
            "title": "claimcheck claim map, version 1",
            "$comment": _COMMENT,
            **_simplified(_renamed(generated, names)),
            "$defs": _simplified(_renamed(renamed, names)),
        }


def claim_map_json_schema() -> dict[str, Any]:
    """The claim map's JSON Schema (draft 2020-12), as shipped in schema/claim-map.schema.json."""
    return ClaimMapIn.model_json_schema(schema_generator=_LoaderSchema, mode="validation")


if __name__ == "__main__":
    print(json.dumps(claim_map_json_schema(), indent=2))
