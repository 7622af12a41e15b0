"""The claim map's JSON Schema (schema/claim-map.schema.json) against the loader it describes.

The schema is generated from the loader's pydantic models, so the shipped file must equal
`claim_map_json_schema()`, and it must accept and refuse what the loader accepts and refuses.
A YAML language server reads the file as YAML 1.2 and hands the schema JSON: keys are text
and dates are strings. `as_seen_by_editor` turns PyYAML's reading into that.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from claimcheck.inputs.claimmap import parse_claim_map
from claimcheck.inputs.schema import ID_PATTERN, SCHEMA_ID, claim_map_json_schema
from claimcheck.model.claimmap import Role
from claimcheck.model.errors import ClaimMapError
from claimcheck.model.findings import FindingCode

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "schema" / "claim-map.schema.json"
REGENERATE = "python -m claimcheck.inputs.schema > schema/claim-map.schema.json"


def as_seen_by_editor(value: Any) -> Any:
    """PyYAML's data as a language server validates it: text keys, dates as ISO strings."""
    if isinstance(value, dict):
        return {str(key): as_seen_by_editor(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_seen_by_editor(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    # Language servers check `format: date`; jsonschema does when given a format checker.
    schema = claim_map_json_schema()
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_accepts(validator: Draft202012Validator, text: str) -> bool:
    return bool(validator.is_valid(as_seen_by_editor(yaml.safe_load(text))))


def loader_accepts(text: str) -> bool:
    try:
        parse_claim_map(text, "map.yaml")
    except ClaimMapError:
        return False
    return True


# --- the shipped file ------------------------------------------------------------------------


def test_shipped_schema_is_generated_from_the_loader_models() -> None:
    expected = json.dumps(claim_map_json_schema(), indent=2) + "\n"
    shipped = SHIPPED.read_text(encoding="utf-8") if SHIPPED.exists() else ""
    assert shipped == expected, f"{SHIPPED} is stale; regenerate it with: {REGENERATE}"


def test_schema_is_valid_draft_2020_12() -> None:
    schema = claim_map_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID


def _properties(value: Any) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "properties":
                found += list(item.items())
            found += _properties(item)
    elif isinstance(value, list):
        for item in value:
            found += _properties(item)
    return found


def test_every_property_has_a_description() -> None:
    properties = _properties(claim_map_json_schema())
    assert len(properties) > 20
    assert [name for name, value in properties if not value.get("description")] == []


def test_enums_ids_and_version() -> None:
    schema = claim_map_json_schema()
    defs = schema["$defs"]
    assert defs["Acknowledge"]["properties"]["finding"]["enum"] == [c.value for c in FindingCode]
    assert defs["Cite"]["properties"]["role"]["enum"] == [r.value for r in Role]
    assert schema["properties"]["claimcheck"] == {
        "const": 1,
        "description": "The claim-map format version: 1.",
        "type": "integer",
    }
    assert schema["properties"]["references"]["propertyNames"] == {"pattern": ID_PATTERN}
    assert defs["Claim"]["properties"]["id"]["pattern"] == ID_PATTERN
    for name in ("Article", "Reference", "Claim", "Cite", "Acknowledge"):
        assert defs[name]["additionalProperties"] is False
    assert schema["additionalProperties"] is False


# --- real maps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [ROOT / "claims" / "stem-cell-safety.yaml", ROOT / "tests/data/claimmaps/spec_example.yaml"],
    ids=lambda path: path.name,
)
def test_real_maps_validate(validator: Draft202012Validator, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    errors = list(validator.iter_errors(as_seen_by_editor(yaml.safe_load(text))))
    assert [error.message for error in errors] == []
    assert loader_accepts(text)


# --- agreement: the schema refuses exactly what the loader refuses --------------------------

BASE = dedent(
    """\
    claimcheck: 1
    article:
      title: A title
      published: 2025-01-09
    references:
      R1:
        doi: 10.1038/nbt.2816
        year: 2010
        volume: "70"
      R2:
        cited_as: Smith J. A paper. 2001.
    claims:
      - id: C1
        text: A claim.
        cites:
          - R1
          - ref: R2
            role: discusses
        acknowledge:
          - finding: doi-missing
            ref: R2
            reason: Checked by hand.
            until: 2027-06-30
    """
)

ACCEPT, REJECT = True, False
CITES = "    cites:\n      - R1\n      - ref: R2\n        role: discusses\n"
REFERENCES = BASE[BASE.index("references:\n") : BASE.index("claims:\n")]
CLAIMS = BASE[BASE.index("claims:\n") :]

# (name, {text in BASE: replacement}, whether both accept). Each changes one thing.
AGREE: list[tuple[str, dict[str, str], bool]] = [
    ("base", {}, ACCEPT),
    ("number-key-and-cites", {"R2": "1"}, ACCEPT),
    ("unquoted-numbers-are-text", {'volume: "70"': "volume: 70\n    pages: 6682"}, ACCEPT),
    (
        "null-and-empty-lists",
        {"claims:\n": "claims:\n  - {id: C0, text: T, cites: , acknowledge: []}\n"},
        ACCEPT,
    ),
    ("null-article", {"article:\n  title: A title\n  published: 2025-01-09": "article:"}, ACCEPT),
    ("authors-only", {"cited_as: Smith J. A paper. 2001.": "authors: []"}, ACCEPT),
    ("numeric-claim-id", {"id: C1": "id: 1"}, ACCEPT),
    ("numeric-text", {"text: A claim.": "text: 42"}, ACCEPT),
    ("unknown-key", {"year: 2010": "yeer: 2010"}, REJECT),
    ("bad-role", {"role: discusses": "role: evidence"}, REJECT),
    ("missing-text", {"    text: A claim.\n": ""}, REJECT),
    ("null-text", {"text: A claim.": "text:"}, REJECT),
    ("year-as-text", {"year: 2010": "year: abc"}, REJECT),
    ("year-fraction", {"year: 2010": "year: 2010.5"}, REJECT),
    ("cites-as-mapping", {CITES: "    cites:\n      R1: supports\n      R2: discusses\n"}, REJECT),
    ("cites-as-text", {CITES: "    cites: R1\n    translation: T\n"}, REJECT),
    ("null-cite", {"      - R1\n": "      -\n"}, REJECT),
    ("cite-without-ref", {"- ref: R2\n        role": "- role"}, REJECT),
    ("unknown-finding", {"finding: doi-missing": "finding: doi-lost"}, REJECT),
    ("bad-claim-id", {"id: C1": "id: C 1"}, REJECT),
    ("bad-reference-id", {"R1": "R/1"}, REJECT),
    ("extra-top-level-key", {"claimcheck: 1\n": "claimcheck: 1\nversion: 1\n"}, REJECT),
    ("version-2", {"claimcheck: 1": "claimcheck: 2"}, REJECT),
    ("missing-version", {"claimcheck: 1\n": ""}, REJECT),
    ("references-as-list", {REFERENCES: "references: [R1, R2]\n"}, REJECT),
    ("missing-references", {REFERENCES: ""}, REJECT),
    ("null-claims", {CLAIMS: "claims:\n"}, REJECT),
    ("empty-reference", {"cited_as: Smith J. A paper. 2001.": "{}"}, REJECT),
    ("all-null-reference", {"cited_as: Smith J. A paper. 2001.": "doi:"}, REJECT),
    ("null-reference", {"  R2:\n    cited_as: Smith J. A paper. 2001.\n": "  R2:\n"}, REJECT),
    ("authors-as-text", {'volume: "70"': 'volume: "70"\n    authors: Smith J'}, REJECT),
    ("missing-reason", {"        reason: Checked by hand.\n": ""}, REJECT),
    # An acknowledgement names a reference exactly when its finding is about one.
    ("ack-reference-finding-without-ref", {"        ref: R2\n": ""}, REJECT),
    ("ack-reference-finding-null-ref", {"ref: R2\n        reason": "ref:\n        reason"}, REJECT),
    ("ack-claim-finding-with-ref", {"finding: doi-missing": "finding: unsupported-claim"}, REJECT),
    (
        "ack-claim-finding-without-ref",
        {"finding: doi-missing\n        ref: R2\n": "finding: uncited-claim\n"},
        ACCEPT,
    ),
    (
        "ack-claim-finding-null-ref",
        {"finding: doi-missing\n        ref: R2": "finding: uncited-claim\n        ref: ~"},
        ACCEPT,
    ),
    ("date-as-words", {"published: 2025-01-09": "published: 9 January 2025"}, REJECT),
    ("impossible-date", {"until: 2027-06-30": 'until: "2027-02-30"'}, REJECT),
    ("claim-as-text", {"claims:\n": "claims:\n  - C0\n"}, REJECT),
    ("unknown-article-key", {"  title: A title": "  headline: A title"}, REJECT),
]

# Known, documented disagreements (see the schema's $comment): the loader refuses, the
# schema cannot say so.
LOADER_ONLY: list[tuple[str, dict[str, str]]] = [
    # JSON Schema cannot check that a value is a key elsewhere in the document.
    ("unknown-cited-id", {"      - R1\n": "      - R9\n"}),
    ("unknown-acknowledged-id", {"        ref: R2\n": "        ref: R9\n"}),
    # ... nor that one property differs across the items of a list (uniqueItems is whole items).
    ("duplicate-claim-id", {"claims:\n": "claims:\n  - id: C1\n    text: Again.\n"}),
    # A duplicate key: PyYAML keeps the last; a language server reports it itself.
    ("duplicate-key", {"    year: 2010\n": "    year: 2010\n    year: 2011\n"}),
    # JSON has one kind of number: 2010.0 is an integer to the schema, "2010.0" to the loader.
    ("integral-float-year", {"year: 2010": "year: 2010.0"}),
]
# ... and the schema flags what the loader forgives: a quoted number where the spec says
# integer. The editor nudges towards the spec's form.
SCHEMA_ONLY: list[tuple[str, dict[str, str]]] = [
    ("quoted-year", {"year: 2010": 'year: "2010"'}),
    ("quoted-version", {"claimcheck: 1": 'claimcheck: "1"'}),
]


def variant(changes: dict[str, str]) -> str:
    text = BASE
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def verdicts(validator: Draft202012Validator, changes: dict[str, str]) -> tuple[bool, bool]:
    text = variant(changes)
    return loader_accepts(text), schema_accepts(validator, text)


def test_enough_variants() -> None:
    assert len(AGREE) >= 15
    assert len([case for case in AGREE if case[2] is REJECT]) >= 15


@pytest.mark.parametrize(("changes", "accepted"), [c[1:] for c in AGREE], ids=[c[0] for c in AGREE])
def test_schema_agrees_with_the_loader(
    validator: Draft202012Validator, changes: dict[str, str], accepted: bool
) -> None:
    assert verdicts(validator, changes) == (accepted, accepted)


@pytest.mark.parametrize(
    "text",
    ["", "- claimcheck: 1\n", "claimcheck\n", "claimcheck: 1\nreferences: {}\nclaims: []\nx: 1\n"],
    ids=["empty", "list", "text", "extra-key"],
)
def test_documents_that_are_not_claim_maps(validator: Draft202012Validator, text: str) -> None:
    assert (loader_accepts(text), schema_accepts(validator, text)) == (REJECT, REJECT)


@pytest.mark.parametrize("changes", [c[1] for c in LOADER_ONLY], ids=[c[0] for c in LOADER_ONLY])
def test_refused_by_the_loader_only(
    validator: Draft202012Validator, changes: dict[str, str]
) -> None:
    assert verdicts(validator, changes) == (REJECT, ACCEPT)


@pytest.mark.parametrize("changes", [c[1] for c in SCHEMA_ONLY], ids=[c[0] for c in SCHEMA_ONLY])
def test_flagged_by_the_schema_only(
    validator: Draft202012Validator, changes: dict[str, str]
) -> None:
    assert verdicts(validator, changes) == (ACCEPT, REJECT)
