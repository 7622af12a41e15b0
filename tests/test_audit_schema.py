"""schema/audit.schema.json describes exactly the document `--format json` writes."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from claimcheck.app.cli import app
from claimcheck.model.events import UpdateDirection
from claimcheck.model.findings import FindingCode, Severity
from claimcheck.model.results import AuditResult, ClaimStatus, ReferenceStatus
from claimcheck.reporters import json_report

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "schema" / "audit.schema.json"
SEED_MAP = ROOT / "claims" / "stem-cell-safety.yaml"
SEED_EVIDENCE = ROOT / "claims" / "stem-cell-safety.evidence"

Document = dict[str, Any]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def every_code_document(every_code_result: AuditResult) -> Document:
    document: Document = json.loads(json_report.render(every_code_result))
    return document


@pytest.fixture(scope="module")
def seed_document() -> Document:
    result = CliRunner().invoke(
        app,
        ["audit", str(SEED_MAP), "--replay", str(SEED_EVIDENCE), "--format", "json"],
        env={"NO_COLOR": "1", "CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9"},
    )
    assert result.exit_code == 1, result.output  # the seed fails the gate, and says so
    document: Document = json.loads(result.stdout)
    return document


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://claimcheck.invalid/schema/audit.schema.json"
    assert schema["properties"]["schema"]["const"] == json_report.SCHEMA


@pytest.mark.parametrize(
    ("pointer", "enum"),
    [
        (("$defs", "finding", "properties", "code", "enum"), FindingCode),
        (("$defs", "finding", "properties", "severity", "enum"), Severity),
        (("$defs", "reference", "properties", "status", "enum"), ReferenceStatus),
        (("$defs", "claim", "properties", "status", "enum"), ClaimStatus),
        (("$defs", "update", "properties", "direction", "enum"), UpdateDirection),
    ],
)
def test_schema_enums_match_the_models(
    schema: dict[str, Any], pointer: tuple[str, ...], enum: type[StrEnum]
) -> None:
    node: Any = schema
    for key in pointer:
        node = node[key]
    assert sorted(node) == sorted(member.value for member in enum)


def test_every_code_document_validates(
    validator: jsonschema.Draft202012Validator, every_code_document: Document
) -> None:
    validator.validate(every_code_document)
    codes = {f["code"] for f in every_code_document["findings"]}
    assert codes == {c.value for c in FindingCode}  # the schema saw every code


def test_every_code_document_exercises_the_optional_shapes(every_code_document: Document) -> None:
    updates = [u for r in every_code_document["references"] for u in r["updates"]]
    assert any(len(u["sources"]) > 1 for u in updates)
    assert any(r["registry"] is None for r in every_code_document["references"])
    assert any(r["doi"] is None for r in every_code_document["references"])


def test_seed_audit_document_validates(
    validator: jsonschema.Draft202012Validator, seed_document: Document
) -> None:
    validator.validate(seed_document)
    assert seed_document["source"]["mode"] == "replay"
    assert seed_document["summary"]["exit_code"] == 1


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Document], None]:
    def mutate(document: Document) -> None:
        node: Any = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _delete(path: tuple[Any, ...]) -> Callable[[Document], None]:
    def mutate(document: Document) -> None:
        node: Any = document
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


MUTATIONS: dict[str, Callable[[Document], None]] = {
    "unknown finding code": _set(("findings", 0, "code"), "plagiarised"),
    "unknown severity": _set(("findings", 0, "severity"), "fatal"),
    "missing top-level key": _delete(("summary",)),
    "missing finding key": _delete(("findings", 0, "message")),
    "extra top-level key": _set(("extra",), True),
    "extra summary key": _set(("summary", "fatal"), 0),
    "extra finding key": _set(("findings", 0, "hint"), "x"),
    "extra reference key": _set(("references", 0, "title"), "x"),
    "extra claim key": _set(("claims", 0, "hint"), "x"),
    "wrong schema string": _set(("schema",), "claimcheck.audit/2"),
    "unknown exit code": _set(("summary", "exit_code"), 4),
    "unknown source mode": _set(("source", "mode"), "cached"),
    "unknown reference status": _set(("references", 0, "status"), "retracted"),
    "unknown claim status": _set(("claims", 0, "status"), "true"),
    "line zero": _set(("findings", 0, "location"), {"line": 0, "column": 1}),
    "extra location key": _set(("claims", 0, "location", "offset"), 3),
    "checked_at without Z": _set(("checked_at",), "2026-01-01T00:00:00+00:00"),
    "negative count": _set(("summary", "errors"), -1),
    "evidence not an object": _set(("findings", 0, "evidence"), []),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_mutated_document_fails_validation(
    validator: jsonschema.Draft202012Validator, every_code_document: Document, name: str
) -> None:
    document = copy.deepcopy(every_code_document)
    MUTATIONS[name](document)
    assert not validator.is_valid(document), name


def test_bad_update_entries_fail_validation(
    validator: jsonschema.Draft202012Validator, every_code_document: Document
) -> None:
    document = copy.deepcopy(every_code_document)
    reference = next(r for r in document["references"] if r["updates"])
    reference["updates"][0]["direction"] = "sideways"
    assert not validator.is_valid(document)
    reference["updates"][0]["direction"] = "updated-by"
    reference["updates"][0]["sources"] = []
    assert not validator.is_valid(document)


def test_evidence_may_hold_any_keys(
    validator: jsonschema.Draft202012Validator, every_code_document: Document
) -> None:
    document = copy.deepcopy(every_code_document)
    document["findings"][0]["evidence"]["anything"] = {"nested": [1, None, "x"]}
    validator.validate(document)


def readme_json_example() -> Document:
    """The JSON example in the README's "JSON output" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## JSON output") :]
    start = section.index("```json\n") + len("```json\n")
    example: Document = json.loads(section[start : section.index("```\n", start)])
    return example


def test_the_readmes_json_example_is_a_valid_document(
    validator: jsonschema.Draft202012Validator,
) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(readme_json_example())
    ]
    assert errors == []


def test_the_readmes_json_example_is_the_replayed_seed_audit(seed_document: Document) -> None:
    """Every value the example shows in full is what the replayed seed audit gives: the
    summary, R20's verdict, updates and place, C19, and R20's finding with its evidence."""
    example = readme_json_example()
    # The test ran the audit with absolute paths; the README's command names them relative.
    seed_document = json.loads(json.dumps(seed_document).replace(f"{ROOT}/", ""))
    assert example["summary"] == seed_document["summary"]
    assert example["source"] == seed_document["source"]
    (shown_ref,) = example["references"]
    real_ref = next(r for r in seed_document["references"] if r["id"] == shown_ref["id"])
    for key in ("status", "verdict", "updates", "cache", "location", "file"):
        assert shown_ref[key] == real_ref[key], key
    (shown_claim,) = example["claims"]
    real_claim = next(c for c in seed_document["claims"] if c["id"] == shown_claim["id"])
    for key in ("status", "cites", "reason", "location"):
        assert shown_claim[key] == real_claim[key], key
    (shown_finding,) = example["findings"]
    assert shown_finding in seed_document["findings"]
