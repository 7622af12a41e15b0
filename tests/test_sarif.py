"""The SARIF reporter: valid SARIF 2.1.0, one result per finding, stable fingerprints."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema.validators import validator_for

from claimcheck import __version__
from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Work
from claimcheck.model.results import AuditResult
from claimcheck.model.sanitize import visible
from claimcheck.reporters import renderer, sarif_locations
from claimcheck.reporters.failure import render_failure
from claimcheck.reporters.sarif import message_text, render
from claimcheck.reporters.sarif_fingerprints import fingerprint
from claimcheck.reporters.sarif_locations import artifact_location
from tests.factories import judge_works, write_map
from tests.test_cli import run

SCHEMA = Path(__file__).parent / "data" / "schemas" / "sarif-schema-2.1.0.json"
HOSTILE = "[bold red]pwned[/] \x1b[31mred\x1b[0m \x00nul \u202eevil </script><script>x()</script>"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# RFC 3986: unreserved and reserved characters, and percent-encoded octets; nothing else.
URI = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-F]{2})*")


def hostile_result(path: str = "claims/my map.yaml", title: str = HOSTILE) -> AuditResult:
    """A DOI mismatch whose registry title (shown in the message) is hostile."""
    ref = Reference(
        id="R1", location=Location(3, 3), doi="10.1/x", title="A study", authors=("Jones A",)
    )
    claim = Claim(
        id="C1",
        text=HOSTILE,
        location=Location(9, 5),
        cites=(Citation("R1", Role.SUPPORTS, Location(11, 9)),),
    )
    claim_map = ClaimMap(path, 1, (ref,), (claim,))
    work = Work(doi="10.1/x", title=title, authors=(Author("Smith"),), year=2015)
    return judge_works(claim_map, work)


def validate(text: str) -> dict[str, Any]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = validator_for(schema)
    validator.check_schema(schema)
    doc: dict[str, Any] = json.loads(text)
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(doc)
    return doc


def run_of(result: AuditResult) -> dict[str, Any]:
    run: dict[str, Any] = validate(render(result))["runs"][0]
    return run


def shifted(result: AuditResult, lines: int) -> AuditResult:
    """The same findings, moved `lines` down the file (an edit above them)."""

    def move(finding: Finding) -> Finding:
        if finding.location is None:
            return finding
        loc = finding.location
        return replace(finding, location=Location(loc.line + lines, loc.column))

    maps = tuple(replace(m, findings=tuple(move(f) for f in m.findings)) for m in result.maps)
    return replace(result, maps=maps)


def test_every_code_result_is_valid_sarif(every_code_result: AuditResult) -> None:
    doc = validate(render(every_code_result))
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1


def test_hostile_text_stays_valid_and_inert() -> None:
    result = hostile_result()
    assert any(HOSTILE in f.message for f in result.findings)
    out = render(result)
    run = run_of(result)
    texts = [r["message"]["text"] for r in run["results"]]
    assert all("\x1b" not in t and "\x00" not in t and "\u202e" not in t for t in texts)
    mismatch = next(r for r in run["results"] if r["ruleId"] == "doi-mismatch")
    # Brackets escaped (SARIF §3.11.6), so a title cannot become an embedded link.
    assert "\\[bold red\\]pwned\\[/\\]" in mismatch["message"]["text"]
    assert "\x1b" not in out  # JSON escapes the raw ESC and NUL kept in the evidence
    assert "\x00" not in out
    assert mismatch["properties"]["evidence"]["registry_title"] == HOSTILE


def test_one_result_per_finding(every_code_result: AuditResult) -> None:
    run = run_of(every_code_result)
    findings = every_code_result.findings
    assert len(run["results"]) == len(findings)
    assert {f.code for f in findings} == set(FindingCode)  # the fixture covers every code
    for entry, finding in zip(run["results"], findings, strict=True):
        assert entry["ruleId"] == finding.code.value
        # The level follows the gate, not the severity (test_sarif_levels.py): the severity
        # is kept in the properties.
        assert entry["properties"]["severity"] == finding.severity.value
        assert entry["properties"]["reference"] == finding.reference
        assert entry["properties"]["claim"] == finding.claim


def test_rules_cover_every_code_in_order(every_code_result: AuditResult) -> None:
    run = run_of(every_code_result)
    driver = run["tool"]["driver"]
    assert driver["name"] == "claimcheck"
    assert driver["version"] == driver["semanticVersion"] == __version__
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [c.value for c in FindingCode]
    assert len(rules) == len(FindingCode)
    for rule, code in zip(rules, FindingCode, strict=True):
        assert rule["name"][0].isupper()
        assert "-" not in rule["name"]
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert len(rule["help"]["text"]) > 80
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == LEVELS[code.default_severity.value]
        assert rule["properties"]["tags"]
    for entry in run["results"]:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]


def test_help_says_what_to_do() -> None:
    rules = {r["id"]: r for r in run_of(hostile_result())["tool"]["driver"]["rules"]}
    assert "discusses" in rules["retracted"]["help"]["text"]
    assert "replace" in rules["retracted"]["help"]["text"]
    notice = rules["cites-retraction-notice"]["help"]["text"]
    assert "cite the original" in notice
    assert "discusses" in notice


def test_regions_are_the_finding_locations(every_code_result: AuditResult) -> None:
    run = run_of(every_code_result)
    for entry, finding in zip(run["results"], every_code_result.findings, strict=True):
        physical = entry["locations"][0]["physicalLocation"]
        assert finding.location is not None
        assert physical["region"] == {
            "startLine": finding.location.line,
            "startColumn": finding.location.column,
        }
        assert physical["artifactLocation"]["uri"].endswith("map.yaml")


def test_no_region_without_a_location() -> None:
    result = hostile_result()
    finding = result.maps[0].findings[0]
    moved = replace(result.maps[0], findings=(replace(finding, location=None),))
    entry = run_of(replace(result, maps=(moved,)))["results"][0]
    assert "region" not in entry["locations"][0]["physicalLocation"]


def test_relative_paths_are_percent_encoded_uris() -> None:
    run = run_of(hostile_result())
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "claims/my%20map.yaml", "uriBaseId": "%SRCROOT%"}
    assert run["artifacts"][0]["location"] == location


def uris(run: dict[str, Any]) -> list[str]:
    """Every artifact URI of a run: its artifacts', then its results' locations'."""
    found = [a["location"]["uri"] for a in run["artifacts"]]
    for entry in run["results"]:
        found += [
            place["physicalLocation"]["artifactLocation"]["uri"] for place in entry["locations"]
        ]
    return found


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("claims/bad\udcff.yaml", "claims/bad%FF.yaml"),  # the byte 0xFF, as Python holds it
        ("/srv/bad\udcff.yaml", "file:///srv/bad%FF.yaml"),
        ("claims/caf\u00e9.yaml", "claims/caf%C3%A9.yaml"),  # a character: its UTF-8
        ("claims/x\ud800.yaml", "claims/x%ED%A0%80.yaml"),  # a surrogate no name decodes to
    ],
)
def test_file_names_that_are_not_utf8_are_uris_of_their_bytes(path: str, uri: str) -> None:
    out = render(hostile_result(path))
    out.encode("utf-8")  # strict: nothing that cannot be written reached the document
    found = uris(validate(out)["runs"][0])
    assert len(found) > 1
    assert set(found) == {uri}
    assert URI.fullmatch(uri)


def test_an_audit_of_a_map_named_in_bytes_that_are_not_utf8_writes_sarif(tmp_path: Path) -> None:
    body = "claimcheck: 1\nreferences: {R1: {title: A paper}}\n"
    body += "claims: [{id: C1, text: x, cites: [R1]}]\n"
    try:
        path = write_map(tmp_path, body, os.fsdecode(b"bad\xff.yaml"))
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses a name that is not UTF-8")
    result = run("audit", path, "--offline", "--no-match", "-f", "sarif")
    assert result.exit_code == 0, result.stderr
    found = uris(validate(result.stdout)["runs"][0])
    assert found
    assert all(uri.startswith("file:///") and uri.endswith("/bad%FF.yaml") for uri in found)


def test_absolute_paths_are_file_uris(every_code_result: AuditResult) -> None:
    run = run_of(every_code_result)
    uri = run["artifacts"][0]["location"]["uri"]
    assert uri.startswith("file:///")
    assert "uriBaseId" not in run["artifacts"][0]["location"]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("c:/map.yaml", "c%3A/map.yaml"),  # a folder named `c:`: relative, not a drive
        ("claims/./x.yaml", "claims/x.yaml"),
        ("./claims//x.yaml", "claims/x.yaml"),
        ("/srv//maps/./x.yaml", "file:///srv/maps/x.yaml"),
        # `..` stays: if `claims` is a symbolic link, `claims/..` is not the current folder.
        ("claims/../claims/x.yaml", "claims/../claims/x.yaml"),
        ("/srv/a/../x.yaml", "file:///srv/a/../x.yaml"),
        ("c:\\x.yaml", "c%3A%5Cx.yaml"),  # a backslash is a character of a POSIX name
    ],
)
def test_posix_paths_lose_only_segments_that_cannot_change_the_file(
    path: str, uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_locations, "WINDOWS", False)
    found = uris(run_of(hostile_result(path)))
    assert set(found) == {uri}
    assert URI.fullmatch(uri)
    base = {} if uri.startswith("file:") else {"uriBaseId": "%SRCROOT%"}
    assert artifact_location(path) == {"uri": uri, **base}


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("C:\\maps\\.\\x.yaml", "file:///C:/maps/x.yaml"),
        ("c:/map.yaml", "file:///c:/map.yaml"),
        ("claims\\x.yaml", "claims/x.yaml"),
    ],
)
def test_on_windows_a_drive_path_is_a_file_uri(
    path: str, uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_locations, "WINDOWS", True)
    assert artifact_location(path)["uri"] == uri


def test_the_same_file_written_two_ways_keeps_its_fingerprint() -> None:
    finding = Finding(FindingCode.RETRACTED, Severity.ERROR, "m", reference="R1", file="c/x.yaml")
    assert fingerprint(finding) == fingerprint(replace(finding, file="./c//./x.yaml"))
    assert fingerprint(finding) != fingerprint(replace(finding, file="d/../c/x.yaml"))


def test_fingerprints_are_stable_across_renders_and_moves(every_code_result: AuditResult) -> None:
    def prints(result: AuditResult) -> list[str]:
        return [r["partialFingerprints"]["claimcheck/v1"] for r in run_of(result)["results"]]

    first = prints(every_code_result)
    assert first == prints(every_code_result)
    moved = shifted(every_code_result, 7)
    assert moved.findings[0].location != every_code_result.findings[0].location
    assert prints(moved) == first
    assert len(set(first)) == len(first)  # different findings, different fingerprints
    assert all(len(p) == 64 for p in first)


def test_fingerprint_ignores_the_message_but_not_the_identity() -> None:
    finding = Finding(FindingCode.RETRACTED, Severity.ERROR, "m", reference="R1", claim="C1")
    assert fingerprint(finding) == fingerprint(replace(finding, message="other"))
    assert fingerprint(finding) != fingerprint(replace(finding, claim="C2"))
    assert fingerprint(finding) != fingerprint(replace(finding, file="other.yaml"))
    notice = replace(finding, evidence={"notice_doi": "10.1/a"})
    assert fingerprint(notice) != fingerprint(replace(finding, evidence={"notice_doi": "10.1/b"}))


@pytest.mark.parametrize(
    ("exit_code", "successful"), [(0, True), (1, True), (3, True), (70, False)]
)
def test_invocation_reports_the_exit_code(exit_code: int, successful: bool) -> None:
    result = replace(hostile_result(), exit_code=exit_code)
    invocation = run_of(result)["invocations"][0]
    assert invocation["exitCode"] == exit_code
    assert invocation["executionSuccessful"] is successful


def test_run_properties_and_determinism(every_code_result: AuditResult) -> None:
    out = render(every_code_result)
    assert out == render(every_code_result)
    assert out.endswith("}\n")
    properties = json.loads(out)["runs"][0]["properties"]
    assert properties["gatePolicy"] == "error"
    assert properties["source"]["mode"] == "online"
    assert properties["checkedAt"] == "2026-01-01T00:00:00Z"


def test_registered_as_the_sarif_format() -> None:
    assert renderer("sarif") is render


def test_messages_name_the_reference_as_cited(every_code_result: AuditResult) -> None:
    run = run_of(every_code_result)
    texts = {
        (r["ruleId"], r["properties"]["reference"], r["properties"]["claim"]): r["message"]["text"]
        for r in run["results"]
    }
    retracted = texts[("retracted", "RET", "C1")]
    assert retracted.endswith(' — cited as: "Smith J. A study of things"')
    assert texts[("doi-missing", "NODOI", None)].endswith(' — cited as: "Someone. A paper. 1999."')
    # A printed reference longer than 120 characters is cut, with an ellipsis.
    corrected = texts[("corrected", "CORR", None)].split(' — cited as: "', 1)[1]
    assert corrected.startswith("Sadasivan S et al. Methylphenidate")
    assert corrected.endswith('…"')
    assert len(corrected) == 121
    # Nothing is added where the map describes no reference, or the finding names none.
    assert " — cited as" not in texts[("reinstated", "REIN", None)]
    assert " — cited as" not in texts[("unsupported-claim", None, "C1")]


def test_the_cited_reference_moves_no_fingerprint() -> None:
    result = hostile_result()
    part = result.maps[0]
    reference = replace(part.claim_map.references[0], cited_as="[Jones A](https://x). Other")
    claim_map = replace(part.claim_map, references=(reference,))
    edited = replace(result, maps=(replace(part, claim_map=claim_map),))
    before, after = run_of(result)["results"], run_of(edited)["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["message"]["text"] for r in before] != [r["message"]["text"] for r in after]
    # Brackets escaped (SARIF §3.11.6): the printed reference cannot become a link either.
    assert after[0]["message"]["text"].endswith(' — cited as: "\\[Jones A\\](https://x). Other"')


# A plain-text message as SARIF 2.1.0 has a viewer read it: `\\`, `\[` and `\]` are escaped
# characters, `[text](target)` an embedded link (§3.11.6); `{{` and `}}` are literal braces,
# `{n}` a placeholder (§3.11.5).
_MARKUP = re.compile(r"\\([\\\[\]])|\{\{|\}\}|\[(?:[^\\\[\]]|\\[\\\[\]])*\]\([^)]*\)|\{\d+\}|[{}]")


def as_a_viewer_reads(text: str) -> tuple[str, list[str]]:
    """(What a viewer shows, the links, placeholders and lone braces it finds instead.)"""
    shown, markup, end = [], [], 0
    for match in _MARKUP.finditer(text):
        shown.append(text[end : match.start()])
        token = match.group()
        if match.group(1) or token in ("{{", "}}"):
            shown.append(token[1])  # an escaped character, or a doubled brace
        else:
            markup.append(token)
        end = match.end()
    return "".join([*shown, text[end:]]), markup


@given(st.text())
def test_every_message_reads_back_as_its_text(text: str) -> None:
    assert as_a_viewer_reads(message_text(text)) == (visible(text, keep="\n"), [])


PHISH = "Stem cells \\[click here\\](https://evil.example/phish) {0} {{1}} }"


def test_a_title_that_escapes_its_own_brackets_is_no_link_and_no_placeholder() -> None:
    run = run_of(hostile_result(title=PHISH))
    mismatch = next(r for r in run["results"] if r["ruleId"] == "doi-mismatch")
    text = mismatch["message"]["text"]
    # The title's backslash escaped, then its bracket (§3.11.6); its braces doubled (§3.11.5).
    assert "\\\\\\[click here\\\\\\](https://evil.example/phish) {{0}} {{{{1}}}} }}" in text
    shown, markup = as_a_viewer_reads(text)
    assert markup == []
    assert PHISH in shown


def test_the_failure_document_escapes_its_messages() -> None:
    problems = [{"file": "m.yaml", "line": 3, "column": 5, "message": "key '[a](b) {0}'"}]
    run = validate(render_failure("sarif", 2, "bad \\[x\\](y) {1}", problems))["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    texts = [entry["message"]["text"] for entry in [*notes, *run["results"]]]
    shown = [as_a_viewer_reads(text) for text in texts]
    assert [markup for _, markup in shown] == [[] for _ in texts]
    assert "bad \\[x\\](y) {1}" in shown[0][0]
    assert any("key '[a](b) {0}'" in text for text, _ in shown)
