"""Load a claim map (README, "The claim map") into frozen models, or refuse it.

A claim map that cannot be understood raises ClaimMapError listing every problem in the
file at once, each at a 1-based line and column and saying what was expected and what
was found. The YAML is composed with a safe loader and walked by `yamlnodes`, so every
scalar stays its source text; the shape is then checked and the typed fields parsed, by plain
type checks for a map that plainly has the shape (`plainshape`), else by the schema's pydantic
models, whose errors `shape_errors` words.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimcheck.inputs.discovery import MAX_FILE_BYTES, open_regular
from claimcheck.inputs.plainshape import REFERENCE_FIELDS, PlainClaimMap, read_plain_shape
from claimcheck.inputs.yamlfast import DataPath
from claimcheck.inputs.yamlnodes import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    LocatedTree,
    Problem,
    YamlProblem,
    decode,
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
)
from claimcheck.model.doi import normalize_doi
from claimcheck.model.errors import ClaimMapError, DoiError, LocatedError
from claimcheck.model.findings import CLAIM_FINDINGS, FindingCode
from claimcheck.model.location import Location

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claimcheck.inputs.plainshape import (
        PlainAcknowledgement,
        PlainCite,
        PlainClaim,
        PlainReference,
    )
    from claimcheck.inputs.schema import AcknowledgeIn, CiteIn, ClaimIn, ClaimMapIn, ReferenceIn

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
    checked = _check_references(tree) + _check_claims(tree)
    plain = read_plain_shape(tree.value) if not problems and not checked else None
    if plain is not None:
        return _build(plain, tree, path)
    # Declined, or wrong: the schema's models say what is wrong, in their own words.
    from claimcheck.inputs.shape_errors import validate_shape

    model, wrong_shape = validate_shape(tree)
    problems += wrong_shape + checked
    if problems or model is None:
        unique = {(p.location.line, p.location.column, p.message): p for p in problems}
        ordered = sorted(unique.values(), key=lambda p: (p.location.line, p.location.column))
        raise ClaimMapError([_located(path, problem) for problem in ordered])
    return _build(model, tree, path)


def _refuse(path: str, message: str, line: int = 1, column: int = 1) -> ClaimMapError:
    return ClaimMapError([LocatedError(path, line, column, message)])


def _located(path: str, problem: Problem) -> LocatedError:
    return LocatedError(path, problem.location.line, problem.location.column, problem.message)


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
            fields = ", ".join(REFERENCE_FIELDS)
            message = f"references.{ref_id}: expected at least one of {fields}; found none"
            problems.append(Problem(where, message))
    return problems


def _check_claims(tree: LocatedTree) -> list[Problem]:
    top = tree.value if isinstance(tree.value, dict) else {}
    claims, references = top.get("claims"), top.get("references")
    if not isinstance(claims, list):
        return []
    known = set(references) if isinstance(references, dict) else set()
    problems = _check_claim_ids(tree, claims) + _check_acknowledgements(tree, claims, known)
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
_CLAIM_CODES = sorted(code.value for code in CLAIM_FINDINGS)
_FINDING_CODES = frozenset(code.value for code in FindingCode)


def _check_acknowledgements(tree: LocatedTree, claims: list[Any], known: set[str]) -> list[Problem]:
    problems = []
    for index, claim in enumerate(claims):
        acks = claim.get("acknowledge") if isinstance(claim, dict) else None
        for position, ack in enumerate(acks if isinstance(acks, list) else []):
            if not isinstance(ack, dict):
                continue
            path: DataPath = ("claims", index, "acknowledge", position)
            name = _claim_name(claim, index)
            found = _ack_problem(ack, name) or _uncited_ack(ack, name, _cited_ids(claim), known)
            if found is not None:
                where, message = found
                at = (*path, where) if where else path
                problems.append(Problem(tree.location_of(at), f"{format_path(at)}: {message}"))
    return problems


def _claim_name(claim: dict[str, Any], index: int) -> str:
    claim_id = claim.get("id")
    return claim_id if isinstance(claim_id, str) else format_path(("claims", index))


def _ack_problem(ack: dict[str, Any], claim: str) -> tuple[str, str] | None:
    """(the key it is at, "" for the acknowledgement, and why) for an acknowledgement that
    would match no finding, or None."""
    code = ack.get("finding")
    if code in _UNACKNOWLEDGEABLE:
        return "finding", (
            f"{code!r} cannot be acknowledged; "
            "a lookup that failed stays unverified until it succeeds"
        )
    if not isinstance(code, str) or code not in _FINDING_CODES:
        return None  # the shape check names the unknown code
    # The scope decides what an acknowledgement can match (checks/claims.py, _AckIndex): a
    # claim's own finding names no reference, a reference's finding is matched by its `ref`.
    if code in _CLAIM_CODES and ack.get("ref") is not None:
        return "ref", (
            f"claim {claim} acknowledges {code!r}, a finding about the claim itself, "
            "with a ref; leave `ref` out"
        )
    if code not in _CLAIM_CODES and ack.get("ref") is None:
        claim_codes = " and ".join(_CLAIM_CODES)
        return "", (
            f"claim {claim} acknowledges {code!r} without a ref; {code!r} is a finding about "
            f"a reference: name it with `ref: <reference id>` (only {claim_codes} are "
            "acknowledged without one)"
        )
    return None


def _cited_ids(claim: dict[str, Any]) -> set[str]:
    cites = claim.get("cites")
    entries = cites if isinstance(cites, list) else []
    refs = [entry.get("ref") if isinstance(entry, dict) else entry for entry in entries]
    return {ref for ref in refs if isinstance(ref, str)}


def _uncited_ack(
    ack: dict[str, Any], claim: str, cited: set[str], known: set[str]
) -> tuple[str, str] | None:
    """An acknowledgement of a reference its claim does not cite. It speaks for its own claim
    (README, "Gate policy"), so it would match nothing, except on a reference no claim cites:
    there it would hide that reference's finding (a retraction) from the gate for everyone.
    Only `unused-reference`, about a reference no claim cites, is acknowledged from any claim.
    An unknown reference is named by its own check, with the closest id."""
    ref, code = ack.get("ref"), ack.get("finding")
    if not isinstance(ref, str) or ref in cited or ref not in known:
        return None
    if code == FindingCode.UNUSED_REFERENCE.value:
        return None
    return "ref", (
        f"claim {claim} acknowledges {code!r} on {ref}, which it does not cite; an "
        f"acknowledgement speaks for its own claim: put it on a claim that cites {ref}"
    )


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


def _build(model: ClaimMapIn | PlainClaimMap, tree: LocatedTree, path: str) -> ClaimMap:
    """The frozen claim map from the values the schema's models or the plain reader gave."""
    references = tuple(
        _reference(ref_id, ref, tree.key_locations[("references", ref_id)])
        for ref_id, ref in model.references.items()
    )
    given_claims: Sequence[ClaimIn | PlainClaim] = model.claims
    claims = tuple(
        _claim(claim, ("claims", index), tree) for index, claim in enumerate(given_claims)
    )
    article = None
    if (given := model.article) is not None:
        article = Article(given.title, given.url, given.language, given.published)
    return ClaimMap(path, model.claimcheck, references, claims, article)


# The fields a Reference takes from a ReferenceIn as they are. Read one by one: model_dump
# runs pydantic's serializer once per reference for what is already plain text or int.
_COPIED_FIELDS = tuple(name for name in REFERENCE_FIELDS if name not in ("doi", "authors"))


def _reference(ref_id: str, ref: ReferenceIn | PlainReference, location: Location) -> Reference:
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


def _claim(claim: ClaimIn | PlainClaim, path: DataPath, tree: LocatedTree) -> Claim:
    given_cites: Sequence[CiteIn | PlainCite] = claim.cites
    given_acks: Sequence[AcknowledgeIn | PlainAcknowledgement] = claim.acknowledge
    cites = tuple(
        Citation(cite.ref, cite.role, tree.location_of((*path, "cites", index)))
        for index, cite in enumerate(given_cites)
    )
    acknowledge = tuple(
        Acknowledgement(
            ack.finding, ack.reason, tree.location_of((*path, "acknowledge", i)), ack.ref, ack.until
        )
        for i, ack in enumerate(given_acks)
    )
    location = tree.location_of(path)
    return Claim(claim.id, claim.text, location, claim.translation, cites, acknowledge)
