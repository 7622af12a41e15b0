"""Load a claim map (README, "The claim map") into frozen models, or refuse it.

A claim map that cannot be understood raises ClaimMapError listing every problem in the
file at once, each at a 1-based line and column and saying what was expected and what
was found. The YAML is composed with a safe loader and walked by `yamlnodes`, so every
scalar stays its source text; pydantic then checks the shape and parses the typed fields.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from claimcheck.inputs.discovery import MAX_FILE_BYTES, open_regular
from claimcheck.inputs.schema import (
    AcknowledgeIn,
    ArticleIn,
    CiteIn,
    ClaimIn,
    ClaimMapIn,
    ReferenceIn,
)
from claimcheck.inputs.yamlfast import DataPath
from claimcheck.inputs.yamlnodes import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
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
from claimcheck.model.claimmap import (
    Acknowledgement,
    Article,
    Citation,
    Claim,
    ClaimMap,
    Reference,
    Role,
)
from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import ClaimMapError, DoiError, LocatedError
from claimcheck.model.findings import FindingCode
from claimcheck.model.location import Location

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "load_claim_map",
    "parse_claim_map",
]

_ID = re.compile(r"[A-Za-z0-9._-]+")
_ET_AL = re.compile(r"et\s+al\.?", re.IGNORECASE)
_MAX_ID_SUGGESTIONS = 100  # "did you mean" for the first unknown ids only: a bad file stays fast


# --- loading -------------------------------------------------------------------------------


def load_claim_map(path: str | Path, *, display_path: str | None = None) -> ClaimMap:
    """Read and parse the claim map at `path`; messages name `display_path` if given.

    Only a regular file is opened, and without blocking: a FIFO, socket or device is
    refused at 1:1, never waited on (`open_regular`)."""
    shown = display_path if display_path is not None else str(path)
    try:
        with open_regular(Path(path)) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        reason = getattr(error, "strerror", None) or str(error)
        raise _refuse(shown, f"cannot read the claim map: {reason}") from None
    if len(data) > MAX_FILE_BYTES:
        message = f"the file is over {MAX_FILE_BYTES} bytes; claim maps over 10 MB are refused"
        raise _refuse(shown, message)
    return parse_claim_map(data, shown)


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
    model: ClaimMapIn | None = None
    try:
        model = ClaimMapIn.model_validate(tree.value)
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
            fields = ", ".join(ReferenceIn.model_fields)
            message = f"references.{ref_id}: expected at least one of {fields}; found none"
            problems.append(Problem(where, message))
    return problems


def _check_claims(tree: LocatedTree) -> list[Problem]:
    top = tree.value if isinstance(tree.value, dict) else {}
    claims, references = top.get("claims"), top.get("references")
    if not isinstance(claims, list):
        return []
    problems = _check_claim_ids(tree, claims) + _check_unacknowledgeable(tree, claims)
    if not isinstance(references, dict):
        return problems
    suggestions_left = _MAX_ID_SUGGESTIONS  # each costs a comparison with every id
    for index, claim in enumerate(claims):
        if not isinstance(claim, dict):
            continue
        claim_id = claim.get("id")
        name = claim_id if isinstance(claim_id, str) else format_path(("claims", index))
        for where, ref_id, verb in _references_used(claim, ("claims", index)):
            if ref_id in references:
                continue
            hint = suggest(ref_id, references.keys()) if suggestions_left > 0 else ""
            suggestions_left -= 1
            message = f"claim {name} {verb} unknown reference {ref_id!r}{hint}"
            problems.append(Problem(tree.location_of(where), f"{format_path(where)}: {message}"))
    return problems


# A failed lookup is never hidden by a person's say-so: it stays `unverified` (README,
# "Findings and verdicts").
_UNACKNOWLEDGEABLE = ("unverified", "acknowledged", "acknowledgement-expired")


def _check_unacknowledgeable(tree: LocatedTree, claims: list[Any]) -> list[Problem]:
    problems = []
    for index, claim in enumerate(claims):
        acks = claim.get("acknowledge") if isinstance(claim, dict) else None
        for position, ack in enumerate(acks if isinstance(acks, list) else []):
            code = ack.get("finding") if isinstance(ack, dict) else None
            if code in _UNACKNOWLEDGEABLE:
                where = ("claims", index, "acknowledge", position, "finding")
                message = (
                    f"{format_path(where)}: {code!r} cannot be acknowledged; "
                    "a lookup that failed stays unverified until it succeeds"
                )
                problems.append(Problem(tree.location_of(where), message))
    return problems


def _check_claim_ids(tree: LocatedTree, claims: list[Any]) -> list[Problem]:
    problems = []
    first_lines: dict[str, int] = {}
    for index, claim in enumerate(claims):
        claim_id = claim.get("id") if isinstance(claim, dict) else None
        if not isinstance(claim_id, str):
            continue
        path: DataPath = ("claims", index, "id")
        where = tree.location_of(path)
        if not _ID.fullmatch(claim_id):
            problems.append(Problem(where, f"{format_path(path)}: {_bad_id('claim', claim_id)}"))
        elif claim_id in first_lines:
            message = f"duplicate claim id {claim_id!r} (first at line {first_lines[claim_id]})"
            problems.append(Problem(where, f"{format_path(path)}: {message}"))
        else:
            first_lines[claim_id] = where.line
    return problems


def _references_used(claim: dict[str, Any], path: DataPath) -> list[tuple[DataPath, str, str]]:
    """(where, reference id, verb) for every reference a claim cites or acknowledges."""
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
    return used


# --- the frozen models ---------------------------------------------------------------------


def _build(model: ClaimMapIn, tree: LocatedTree, path: str) -> ClaimMap:
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


# The fields a Reference takes from a ReferenceIn as they are. Read one by one: model_dump
# runs pydantic's serializer once per reference for what is already plain text or int.
_COPIED_FIELDS = tuple(name for name in ReferenceIn.model_fields if name not in ("doi", "authors"))


def _reference(ref_id: str, ref: ReferenceIn, location: Location) -> Reference:
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
    fields = {name: getattr(ref, name) for name in _COPIED_FIELDS}
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


def _claim(claim: ClaimIn, path: DataPath, tree: LocatedTree) -> Claim:
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
