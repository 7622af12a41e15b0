"""`--format github`: one workflow command per finding at its place in the claim map, escaped by
GitHub's rules so that no data can end a property, start a line or forge a command."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Work
from claimcheck.model.results import AuditResult, GatePolicy
from claimcheck.model.sanitize import visible
from claimcheck.reporters import chunker, registry, renderer
from claimcheck.reporters.gate import gate_sentence
from claimcheck.reporters.github import command, escape_data, escape_property, render
from tests.factories import judge_works
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run

HOSTILE = "line one\nline two\r::error::forged, 100% a:b \x1b[31m\u202eevil"
# What GitHub's runner does: one command per line, `::name props::message`, then unescaped.
COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape(text: str) -> str:
    for escape, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escape, raw)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """(command, properties, message) of one line, as the runner reads it."""
    match = COMMAND.fullmatch(line)
    assert match, line
    props = match["props"] or ""
    pairs = [pair.split("=", 1) for pair in props.split(",")] if props else []
    return match["name"], {k: unescape(v) for k, v in pairs}, unescape(match["message"])


def small_result(path: str = "claims/small.yaml") -> AuditResult:
    """An invalid DOI (error), an uncited claim (warning) and an unused reference (info)."""
    references = (
        Reference(
            "R1", Location(3, 3), doi="10.1/x", title="A study of things", authors=("Smith J",)
        ),
        Reference(
            "R2",
            Location(6, 3),
            doi_input="10.1/a b",
            doi_error="contains white space",
            cited_as="Doe J. A report. 2020.",
        ),
        Reference("R3", Location(8, 3), doi="10.1/y"),
    )
    cites = (
        Citation("R1", Role.SUPPORTS, Location(12, 9)),
        Citation("R2", Role.SUPPORTS, Location(12, 13)),
    )
    claims = (
        Claim("C1", "Stem cells are safe.", Location(11, 5), cites=cites),
        Claim("C2", "Nothing backs this.", Location(14, 5)),
    )
    claim_map = ClaimMap(path, 1, references, claims)
    found = Work(doi="10.1/x", title="A study of things", authors=(Author("Smith"),), year=2015)
    return judge_works(claim_map, found, Work(doi="10.1/y", title="Y"))


def test_a_small_result_gives_exactly_these_lines() -> None:
    result = small_result()
    assert render(result).splitlines() == [
        "::error::claimcheck: 1 error, 1 warning, 1 info; " + gate_sentence(result),
        "::error file=claims/small.yaml,line=6,col=3,title=claimcheck doi-invalid%3A R2::"
        "R2: '10.1/a b' is not a DOI: it contains white space"
        ' — cited as: "Doe J. A report. 2020."',
        "::warning file=claims/small.yaml,line=14,col=5,title=claimcheck uncited-claim%3A C2::"
        "C2 cites no reference",
        "::notice file=claims/small.yaml,line=8,col=3,title=claimcheck unused-reference%3A R3::"
        "R3 is cited by no claim",
    ]
    assert render(result).endswith("\n")


def test_a_passing_gate_begins_with_a_notice() -> None:
    result = small_result()
    passing = replace(result, policy=GatePolicy(codes=frozenset({FindingCode.RETRACTED})))
    passing = replace(passing, exit_code=0)
    first = render(passing).splitlines()[0]
    assert first.startswith("::notice::claimcheck: 1 error, 1 warning, 1 info; gate passed")


def test_severities_map_to_error_warning_and_notice(every_code_result: AuditResult) -> None:
    # Under the default gate (`--fail-on error`, incomplete runs not allowed), what fails the
    # run is exactly what is an error, so each kind is the finding's severity. The errors
    # that fail the gate come first, then the failed lookups, then the rest, each group in
    # the report's order.
    summary, *lines = render(every_code_result).splitlines()
    unverified = [f for f in every_code_result.findings if f.code is FindingCode.UNVERIFIED]
    others = [f for f in every_code_result.findings if f.code is not FindingCode.UNVERIFIED]
    errors = [f for f in others if f.severity is Severity.ERROR]
    findings = [*errors, *unverified, *(f for f in others if f.severity is not Severity.ERROR)]
    assert errors
    assert unverified
    assert len(lines) == len(findings)
    expected = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    for line, finding in zip(lines, findings, strict=True):
        name, props, message = parse(line)
        assert name == expected[finding.severity]
        assert props["title"].startswith(f"claimcheck {finding.code.value}")
        assert message.startswith(finding.message)
        assert finding.location is not None
        assert (props["line"], props["col"]) == (
            str(finding.location.line),
            str(finding.location.column),
        )
    assert {parse(line)[0] for line in lines} == {"error", "warning", "notice"}
    assert parse(summary)[0] == "error"  # the gate failed


def test_a_finding_without_a_location_names_the_map_only() -> None:
    result = small_result()
    finding = result.maps[0].findings[0]
    moved = replace(result.maps[0], findings=(replace(finding, location=None),))
    name, props, _message = parse(render(replace(result, maps=(moved,))).splitlines()[1])
    assert props == {"file": "claims/small.yaml", "title": "claimcheck doi-invalid: R2"}
    assert name == "error"


def test_hostile_text_stays_inside_its_own_annotation() -> None:
    result = small_result(path="claims/a,b:c 100%.yaml")
    finding = Finding(
        FindingCode.RETRACTED,
        Severity.ERROR,
        HOSTILE,
        reference=f"R,1:{HOSTILE}",
        location=Location(3, 3),
        file="claims/a,b:c 100%.yaml",
    )
    moved = replace(result.maps[0], findings=(finding,))
    out = render(replace(result, maps=(moved,)))
    lines = out.splitlines()
    assert len(lines) == 2  # the summary and the finding: no line of the data's own
    assert all(line.startswith(("::error ", "::error::")) for line in lines)
    for raw in ("\x1b", "\u202e", "\r"):
        assert raw not in out
    name, props, message = parse(lines[1])
    assert name == "error"
    assert props["file"] == "claims/a,b:c 100%.yaml"
    assert props["title"] == visible(f"claimcheck retracted: R,1:{HOSTILE}", keep="\r\n")
    assert message == visible(HOSTILE, keep="\r\n")
    assert "line one%0Aline two%0D::error::forged, 100%25 a:b \\u001b[31m\\u202eevil" in lines[1]


def test_escaping_follows_the_toolkit() -> None:
    assert escape_data("100%\r\n:,") == "100%25%0D%0A:,"
    assert escape_property("100%\r\n:,") == "100%25%0D%0A%3A%2C"
    assert escape_data("%0A") == "%250A"  # an escape in the data is data
    assert escape_data("\x00\u2028") == "\\u0000\\u2028"
    assert command("notice", "hi") == "::notice::hi"
    assert command("warning", "m", {"file": "a,b", "line": 3}) == "::warning file=a%2Cb,line=3::m"


def test_a_claim_map_without_a_path_gives_no_file() -> None:
    finding = Finding(FindingCode.UNCITED_CLAIM, Severity.WARNING, "C9 cites no reference")
    result = small_result()
    moved = replace(result.maps[0], findings=(replace(finding, claim="C9"),))
    annotation = render(replace(result, maps=(moved,))).splitlines()[1]
    assert annotation == "::warning title=claimcheck uncited-claim%3A C9::C9 cites no reference"


def test_rendering_is_deterministic_and_streamed(every_code_result: AuditResult) -> None:
    out = render(every_code_result)
    assert out == render(every_code_result)
    assert "".join(chunker("github")(every_code_result)) == out
    assert renderer("github") is render


def test_registered_with_a_failure_document_on_stdout() -> None:
    # A run that fails before its report still prints annotations saying why (failure.py).
    (entry,) = [f for f in registry.FORMATS if f.name == "github"]
    assert entry.module == "claimcheck.reporters.github"
    assert (entry.extension, entry.machine) == (None, True)
    assert "github" in registry.MACHINE_FORMATS


def kinds(result: AuditResult, policy: GatePolicy) -> list[tuple[str, str]]:
    """(command, title) of each annotation under `policy`, the summary left out."""
    lines = render(replace(result, policy=policy)).splitlines()
    return [(name, props["title"]) for name, props, _m in map(parse, lines) if "title" in props]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # An error that the gate lets pass is a warning: GitHub counts `::error` as a failure.
        (
            GatePolicy(codes=frozenset({FindingCode.RETRACTED})),
            ["warning", "warning", "notice"],
        ),
        (GatePolicy(threshold=Severity.WARNING), ["error", "error", "notice"]),
        (GatePolicy(threshold=Severity.INFO), ["error", "error", "error"]),
        (
            GatePolicy(codes=frozenset({FindingCode.UNUSED_REFERENCE})),
            ["warning", "warning", "error"],
        ),
    ],
)
def test_annotation_kinds_follow_the_gate(policy: GatePolicy, expected: list[str]) -> None:
    found = {title.split()[1]: name for name, title in kinds(small_result(), policy)}
    order = ["doi-invalid:", "uncited-claim:", "unused-reference:"]  # error, warning, info
    assert [found[code] for code in order] == expected


def test_a_passing_gate_prints_no_error() -> None:
    result = run(
        "audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-f", "github",
        "--fail-on", "retracted", "--allow-incomplete",
    )  # fmt: skip
    assert result.exit_code == 0
    names = [parse(line)[0] for line in result.stdout.splitlines()]
    assert "error" not in names
    assert {"warning", "notice"} <= set(names)


def test_what_fails_the_gate_comes_first_whatever_its_severity() -> None:
    policy = GatePolicy(codes=frozenset({FindingCode.UNUSED_REFERENCE}))
    found = kinds(small_result(), policy)
    assert [title.split()[1] for _name, title in found] == [
        "unused-reference:",  # an info, but the gate fails on it
        "doi-invalid:",
        "uncited-claim:",
    ]
    assert [name for name, _title in found] == ["error", "warning", "warning"]


def test_the_verdict_and_what_fails_the_gate_are_among_the_first_ten_errors() -> None:
    # GitHub shows only the first 10 error annotations of a step (actions/toolkit,
    # docs/problem-matchers.md): the bundled example has 12 failed lookups besides the 3
    # unsupported claims that fail its gate.
    result = run("audit", SEED_MAP, "--replay", SEED_EVIDENCE, "-f", "github")
    assert result.exit_code == 1
    errors = [parse(line) for line in result.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) > 10
    shown = errors[:10]
    assert shown[0][2].startswith("claimcheck: 15 errors, 22 warnings, 5 info; gate failed")
    titles = [props["title"].split()[1] for _name, props, _m in shown[1:]]
    assert titles[:3] == ["unsupported-claim:"] * 3
    assert set(titles[3:]) == {"unverified:"}
    assert [props["title"] for _n, props, _m in errors[1:] if "unsupported" in props["title"]] == [
        "claimcheck unsupported-claim: C1",
        "claimcheck unsupported-claim: C6",
        "claimcheck unsupported-claim: C28",
    ]  # in the claim map's order
