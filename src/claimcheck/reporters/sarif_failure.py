"""The SARIF document of a run that failed before its report (failure.py). Pure.

The invocation failed, with its exit code, and the reason is its notification. Each located
problem of an invalid claim map is a result at its line and column, placed exactly as a
finding is: the problem is in the claim map, an artifact the run analyses, and SARIF 2.1.0
keeps notifications for conditions of the tool itself and results for conditions of an
analysed artifact (§3.58.1). Code scanning then shows each problem where `-f github`
annotates it, and the alert closes once a valid run no longer reports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from claimcheck.model.location import Location
from claimcheck.reporters.sarif import (
    EXIT_DESCRIPTION,
    SCHEMA_URI,
    Rule,
    descriptor,
    driver,
    message_text,
)
from claimcheck.reporters.sarif_fingerprints import FINGERPRINT, digest
from claimcheck.reporters.sarif_locations import artifact_location, physical_location, posix_path

INVALID_MAP = "claim-map-invalid"
INVALID_MAP_RULE = Rule(
    "The claim map is not valid, so nothing was checked.",
    "The claim map breaks a rule of the claim-map format: YAML that does not parse, an unknown "
    "key, a value of the wrong type, a duplicate id, a citation of a reference the map does "
    "not define. Every such problem is reported at its place, and nothing is checked until the "
    "map is valid: the run exits 2.",
    "Fix the claim map at the line and column of each message, then run the audit again. "
    "`claimcheck schema` prints the map's JSON Schema, for an editor that checks as you type.",
    ("claims",),
)


def failure_document(
    code: int, message: str, problems: Sequence[dict[str, Any]], at: datetime
) -> dict[str, Any]:
    tool = driver()
    rule_index = len(tool["rules"])
    tool["rules"].append(descriptor(INVALID_MAP, INVALID_MAP_RULE, "error"))
    invocation: dict[str, Any] = {
        "executionSuccessful": False,
        "exitCode": code,
        "toolExecutionNotifications": [
            {"level": "error", "message": {"text": message_text(message)}}
        ],
        "endTimeUtc": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if code in EXIT_DESCRIPTION:
        invocation["exitCodeDescription"] = EXIT_DESCRIPTION[code]
    files = dict.fromkeys(p["file"] for p in problems if p.get("file"))
    run = {
        "tool": {"driver": tool},
        "invocations": [invocation],
        "artifacts": [
            {"location": artifact_location(f), "roles": ["analysisTarget"]} for f in files
        ],
        "results": [problem_result(p, rule_index) for p in problems],
        "columnKind": "unicodeCodePoints",  # the loader counts columns as findings do
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def problem_result(problem: dict[str, Any], rule_index: int) -> dict[str, Any]:
    """One located problem as a result of the claim-map-invalid rule."""
    entry: dict[str, Any] = {
        "ruleId": INVALID_MAP,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": message_text(problem["message"])},
    }
    file = problem.get("file") or ""
    if file:
        line, column, place = problem.get("line"), problem.get("column"), None
        if isinstance(line, int) and isinstance(column, int) and min(line, column) >= 1:
            place = Location(line, column)  # SARIF regions count from 1 (§3.30)
        entry["locations"] = [{"physicalLocation": physical_location(file, place)}]
    # Like a finding's, the fingerprint leaves out the line, so an edit above the problem
    # moves no alert; the message says what is wrong and where in the map's structure.
    entry["partialFingerprints"] = {
        FINGERPRINT: digest([INVALID_MAP, posix_path(file), str(problem["message"])])
    }
    entry["properties"] = {"severity": "error"}
    return entry
