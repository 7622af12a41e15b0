"""The claim map checked against the schema's models (inputs/schema.py), and what pydantic
finds wrong, in claimcheck's own words, each at its place in the file.

Only a map the plain reader declines (inputs/plainshape.py) comes here, so pydantic is
imported only for those.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from claimcheck.inputs.schema import (
    AcknowledgeIn,
    ArticleIn,
    CiteIn,
    ClaimIn,
    ClaimMapIn,
    ReferenceIn,
)
from claimcheck.inputs.yamlfast import DataPath
from claimcheck.inputs.yamlnodes import LocatedTree, Problem, describe, format_path, suggest
from claimcheck.model.claimmap import Role
from claimcheck.model.findings import FindingCode


def validate_shape(tree: LocatedTree) -> tuple[ClaimMapIn | None, list[Problem]]:
    """The map as the schema's models read it, or None and every problem they found."""
    try:
        return ClaimMapIn.model_validate(tree.value), []
    except ValidationError as error:
        items = error.errors(include_url=False)
        return None, [_from_pydantic(dict(item), tree) for item in items]


_ENUMS: dict[str, list[str]] = {
    "role": [role.value for role in Role],
    "finding": [code.value for code in FindingCode],
}
_EXPECTED_BY_TYPE = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}
_EXPECTED_BY_KEY = {
    "authors": "a list of names",
    "cites": "a list of reference ids or {ref, role} mappings",
    "acknowledge": "a list of {finding, ref, reason, until} mappings",
    "claims": "a list of claims",
    "references": "a mapping of reference ids to references",
}


def _model_at(path: DataPath) -> type[BaseModel] | None:
    match path:
        case ():
            return ClaimMapIn
        case ("article",):
            return ArticleIn
        case ("references", str()):
            return ReferenceIn
        case ("claims", int()):
            return ClaimIn
        case ("claims", int(), "cites", int()):
            return CiteIn
        case ("claims", int(), "acknowledge", int()):
            return AcknowledgeIn
    return None


def _from_pydantic(error: dict[str, Any], tree: LocatedTree) -> Problem:
    loc: DataPath = tuple(error["loc"])
    kind = str(error["type"])
    if kind == "missing":
        where, label = tree.location_of(loc[:-1]), loc[:-1]
        message = f"missing required key '{loc[-1]}'"
    elif kind == "extra_forbidden":
        where, label = tree.key_locations.get(loc) or tree.location_of(loc[:-1]), loc[:-1]
        message = _unknown_key(str(loc[-1]), loc[:-1])
    else:
        where, label = tree.location_of(loc), loc
        message = _wrong_value(kind, loc, error)
    prefix = f"{format_path(label)}: " if label else ""
    return Problem(where, prefix + message)


def _unknown_key(key: str, parent: DataPath) -> str:
    model = _model_at(parent)
    known = list(model.model_fields) if model else []
    hint = suggest(key, known)
    if hint or not known:
        return f"unknown key '{key}'{hint}"
    return f"unknown key '{key}'; expected one of {', '.join(known)}"


def _wrong_value(kind: str, loc: DataPath, error: dict[str, Any]) -> str:
    given = error.get("input")
    field = str(loc[-1]) if loc else ""
    if kind == "unsupported_version":
        return str(error["msg"])
    if kind == "enum" and field in _ENUMS:
        hint = suggest(given, _ENUMS[field]) if isinstance(given, str) else ""
        return f"expected one of {', '.join(_ENUMS[field])}; found {describe(given)}{hint}"
    expected = _expected(kind, loc, field)
    if expected is None:
        return f"{str(error['msg']).rstrip('.')}; found {describe(given)}"
    return f"expected {expected}, found {describe(given)}"


def _expected(kind: str, loc: DataPath, field: str) -> str | None:
    if kind.startswith("date"):
        return "a date as YYYY-MM-DD"
    if kind.startswith("int"):
        return "an integer"
    if kind.startswith("model"):
        kind = "dict_type"
    if not loc:
        return "a mapping with claimcheck, references and claims"
    if kind == "dict_type" and loc[-2:-1] == ("cites",):
        return "a reference id or a mapping with 'ref' and 'role'"
    if kind in ("list_type", "dict_type") and field in _EXPECTED_BY_KEY:
        return _EXPECTED_BY_KEY[field]
    return _EXPECTED_BY_TYPE.get(kind)
