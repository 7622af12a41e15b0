"""Load a claim map (shared/spec/claim-map.md) into frozen models, or refuse it.

A claim map that cannot be understood raises ClaimMapError listing every problem in the
file at once, each at a 1-based line and column and saying what was expected and what
was found. The YAML is composed with a safe loader and walked by `yamlnodes`, so every
scalar stays its source text; pydantic then checks the shape and parses the typed fields.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from claimcheck.doi import normalize_doi
from claimcheck.errors import ClaimMapError, DoiError, LocatedError
from claimcheck.models import (
    Acknowledgement,
    Article,
    Citation,
    Claim,
    ClaimMap,
    FindingCode,
    Location,
    Reference,
    Role,
)
from claimcheck.yamlnodes import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    DataPath,
    LocatedTree,
    Problem,
    YamlProblem,
    decode,
    describe,
    format_path,
    gc_paused,
    read_yaml,
    suggest,
)

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "load_claim_map",
    "parse_claim_map",
]

MAX_FILE_BYTES = 10 * 1024 * 1024  # the spec: files over 10 MB are refused
SUPPORTED_VERSION = 1

_ID = re.compile(r"[A-Za-z0-9._-]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ET_AL = re.compile(r"et\s+al\.?", re.IGNORECASE)


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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ArticleIn(_Strict):
    title: str | None = None
    url: str | None = None
    language: str | None = None
    published: _Date | None = None


class _ReferenceIn(_Strict):
    doi: str | None = None
    cited_as: str | None = None
    title: str | None = None
    authors: Annotated[list[str], BeforeValidator(_none_as_empty)] = []
    year: _Int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None


class _CiteIn(_Strict):
    ref: str
    role: Role = Role.SUPPORTS


class _AcknowledgeIn(_Strict):
    finding: FindingCode
    ref: str | None = None
    reason: str
    until: _Date | None = None


class _ClaimIn(_Strict):
    id: str
    text: str
    translation: str | None = None
    cites: Annotated[
        list[Annotated[_CiteIn, BeforeValidator(_cite_shorthand)]],
        BeforeValidator(_none_as_empty),
    ] = []
    acknowledge: Annotated[list[_AcknowledgeIn], BeforeValidator(_none_as_empty)] = []


class _ClaimMapIn(_Strict):
    claimcheck: Annotated[_Int, AfterValidator(_supported_version)]
    article: _ArticleIn | None = None
    references: dict[str, _ReferenceIn]
    claims: list[_ClaimIn]


# --- loading -------------------------------------------------------------------------------


def load_claim_map(path: str | Path, *, display_path: str | None = None) -> ClaimMap:
    """Read and parse the claim map at `path`; messages name `display_path` if given."""
    shown = display_path if display_path is not None else str(path)
    return parse_claim_map(_read(Path(path), shown), shown)


def parse_claim_map(text: str | bytes, path: str) -> ClaimMap:
    """Parse claim-map text (or UTF-8 bytes); `path` names the file in messages."""
    with gc_paused():
        return _parse(text, path)


def _parse(text: str | bytes, path: str) -> ClaimMap:
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"the file is {size} bytes; claim maps over 10 MB are refused")
    try:
        source = decode(text) if isinstance(text, bytes) else text.removeprefix("\ufeff")
        tree = read_yaml(source)
    except YamlProblem as error:
        raise ClaimMapError([_located(path, error.problem)]) from None
    if tree is None or tree.value is None:
        message = "the file is empty; expected a mapping with claimcheck, references, claims"
        raise _refuse(path, message)
    problems = list(tree.problems)
    model: _ClaimMapIn | None = None
    try:
        model = _ClaimMapIn.model_validate(tree.value)
    except ValidationError as error:
        items = error.errors(include_url=False)
        problems += [_from_pydantic(dict(item), tree) for item in items]
    problems += _check_references(tree) + _check_claims(tree)
    if problems or model is None:
        unique = {(p.location.line, p.location.column, p.message): p for p in problems}
        ordered = sorted(unique.values(), key=lambda p: (p.location.line, p.location.column))
        raise ClaimMapError([_located(path, problem) for problem in ordered])
    return _build(model, tree, path)


def _refuse(path: str, message: str, line: int = 1, column: int = 1) -> ClaimMapError:
    return ClaimMapError([LocatedError(path, line, column, message)])


def _located(path: str, problem: Problem) -> LocatedError:
    return LocatedError(path, problem.location.line, problem.location.column, problem.message)


def _read(path: Path, shown: str) -> bytes:
    try:
        if path.is_dir():
            raise _refuse(shown, "cannot read the claim map: expected a file, found a directory")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise _refuse(shown, f"cannot read the claim map: {reason}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(shown, "the file is over 10 MB; claim maps over 10 MB are refused")
    return data


# --- pydantic errors, in our own words -----------------------------------------------------

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
            return _ClaimMapIn
        case ("article",):
            return _ArticleIn
        case ("references", str()):
            return _ReferenceIn
        case ("claims", int()):
            return _ClaimIn
        case ("claims", int(), "cites", int()):
            return _CiteIn
        case ("claims", int(), "acknowledge", int()):
            return _AcknowledgeIn
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


# --- checks across the file, tolerant of a wrong shape elsewhere ---------------------------


def _bad_id(kind: str, value: str) -> str:
    return f"{kind} id {value!r} may contain only letters, digits, '-', '_' and '.'"


def _check_references(tree: LocatedTree) -> list[Problem]:
    references = tree.value.get("references") if isinstance(tree.value, dict) else None
    if not isinstance(references, dict):
        return []
    problems = []
    for ref_id, reference in references.items():
        where = tree.key_locations[("references", ref_id)]
        if not _ID.fullmatch(ref_id):
            problems.append(Problem(where, f"references: {_bad_id('reference', ref_id)}"))
        if isinstance(reference, dict) and all(v is None for v in reference.values()):
            fields = ", ".join(_ReferenceIn.model_fields)
            message = f"references.{ref_id}: expected at least one of {fields}; found none"
            problems.append(Problem(where, message))
    return problems


def _check_claims(tree: LocatedTree) -> list[Problem]:
    top = tree.value if isinstance(tree.value, dict) else {}
    claims, references = top.get("claims"), top.get("references")
    if not isinstance(claims, list):
        return []
    known = set(references) if isinstance(references, dict) else None
    problems: list[Problem] = []
    first_lines: dict[str, int] = {}
    for index, claim in enumerate(claims):
        if not isinstance(claim, dict):
            continue
        path: DataPath = ("claims", index)
        claim_id = claim.get("id")
        name = f"claim {claim_id}" if isinstance(claim_id, str) else f"claim {format_path(path)}"
        if isinstance(claim_id, str):
            where = tree.location_of((*path, "id"))
            if not _ID.fullmatch(claim_id):
                message = _bad_id("claim", claim_id)
                problems.append(Problem(where, f"{format_path(path)}.id: {message}"))
            elif claim_id in first_lines:
                message = f"duplicate claim id {claim_id!r} (first at line {first_lines[claim_id]})"
                problems.append(Problem(where, f"{format_path(path)}.id: {message}"))
            else:
                first_lines[claim_id] = where.line
        if known is not None:
            problems += _check_claim_refs(tree, claim, path, name, known)
    return problems


def _check_claim_refs(
    tree: LocatedTree, claim: dict[str, Any], path: DataPath, name: str, known: set[str]
) -> list[Problem]:
    used: list[tuple[DataPath, str, str]] = []
    cites, acknowledge = claim.get("cites"), claim.get("acknowledge")
    for index, item in enumerate(cites if isinstance(cites, list) else []):
        if isinstance(item, str):
            used.append(((*path, "cites", index), item, "cites"))
        elif isinstance(item, dict) and isinstance(item.get("ref"), str):
            used.append(((*path, "cites", index, "ref"), item["ref"], "cites"))
    for index, item in enumerate(acknowledge if isinstance(acknowledge, list) else []):
        if isinstance(item, dict) and isinstance(item.get("ref"), str):
            used.append(((*path, "acknowledge", index, "ref"), item["ref"], "acknowledges"))
    problems = []
    for where, ref_id, verb in used:
        if ref_id not in known:
            hint = suggest(ref_id, known)
            message = f"{name} {verb} unknown reference {ref_id!r}{hint}"
            problems.append(Problem(tree.location_of(where), f"{format_path(where)}: {message}"))
    return problems


# --- the frozen models ---------------------------------------------------------------------


def _build(model: _ClaimMapIn, tree: LocatedTree, path: str) -> ClaimMap:
    references = tuple(
        _reference(ref_id, ref, tree.key_locations[("references", ref_id)])
        for ref_id, ref in model.references.items()
    )
    claims = tuple(
        _claim(claim, ("claims", index), tree) for index, claim in enumerate(model.claims)
    )
    article = None
    if model.article is not None:
        article = Article(**model.article.model_dump())
    return ClaimMap(path, model.claimcheck, references, claims, article)


def _reference(ref_id: str, ref: _ReferenceIn, location: Location) -> Reference:
    doi = doi_error = None
    if ref.doi is not None:
        try:
            doi = normalize_doi(ref.doi)
        except DoiError as error:
            doi_error = str(error)
    authors = list(ref.authors)
    truncated = bool(authors) and bool(_ET_AL.fullmatch(authors[-1].strip()))
    if truncated:
        authors.pop()
    fields = ref.model_dump(exclude={"doi", "authors"})
    return Reference(
        id=ref_id,
        location=location,
        doi=doi,
        doi_input=ref.doi,
        doi_error=doi_error,
        authors=tuple(authors),
        authors_truncated=truncated,
        **fields,
    )


def _claim(claim: _ClaimIn, path: DataPath, tree: LocatedTree) -> Claim:
    cites = tuple(
        Citation(cite.ref, cite.role, tree.location_of((*path, "cites", index)))
        for index, cite in enumerate(claim.cites)
    )
    acknowledge = tuple(
        Acknowledgement(
            ack.finding, ack.reason, tree.location_of((*path, "acknowledge", i)), ack.ref, ack.until
        )
        for i, ack in enumerate(claim.acknowledge)
    )
    location = tree.location_of(path)
    return Claim(claim.id, claim.text, location, claim.translation, cites, acknowledge)
