"""The JUnit reporter: valid against the Ant JUnit schema, one testcase per claim, and a
failure or error exactly where the gate says so."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema

from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Work
from claimcheck.model.results import AuditResult, GatePolicy
from claimcheck.reporters import renderer
from claimcheck.reporters.junit import dotted, finding_line, render, text
from tests.factories import judge_works

XSD = Path(__file__).parent / "data" / "schemas" / "junit-windyroad.xsd"
HOSTILE = "[bold red]pwned[/] \x1b[31mred\x1b[0m \x00nul \u202eevil </script><script>x()</script>"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def hostile_maps() -> tuple[ClaimMap, ...]:
    """Two maps: a DOI mismatch with a hostile registry title, cited by a claim with hostile
    text; and a map with an uncited, invalid DOI."""
    ref = Reference(
        id="R1", location=Location(3, 3), doi="10.1/x", title="A study", authors=("Jones A",)
    )
    claim = Claim(
        id="C1",
        text=HOSTILE,
        location=Location(9, 5),
        cites=(Citation("R1", Role.SUPPORTS, Location(11, 9)),),
    )
    bad = Reference(id="R9", location=Location(4, 3), doi_input="10.1/a b", doi_error="white")
    uncited = ClaimMap("other \x1b.yaml", 1, (bad,), (replace(claim, id="C2", cites=()),))
    return ClaimMap("claims/my map.yaml", 1, (ref,), (claim,)), uncited


def hostile_result() -> AuditResult:
    return hostile_result_of(hostile_maps())


def hostile_result_of(maps: tuple[ClaimMap, ...]) -> AuditResult:
    work = Work(doi="10.1/x", title=HOSTILE, authors=(Author("Smith"),), year=2015)
    return judge_works(maps, work)


def cases(out: str) -> dict[str, ET.Element]:
    root = ET.fromstring(out.encode("utf-8"))
    return {case.get("name", "").split(":")[0]: case for case in root.iter("testcase")}


def outcome(case: ET.Element) -> str | None:
    children = [child.tag for child in case]
    assert len(children) <= 1
    return children[0] if children else None


def test_every_code_result_validates(
    every_code_result: AuditResult, schema: xmlschema.XMLSchema
) -> None:
    out = render(every_code_result)
    schema.validate(out)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert out == render(every_code_result)


def test_hostile_result_validates_and_is_inert(schema: xmlschema.XMLSchema) -> None:
    result = hostile_result()
    out = render(result)
    schema.validate(out)
    assert "\x00" not in out
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "<script>" not in out
    assert "&lt;/script&gt;" in out
    root = ET.fromstring(out.encode("utf-8"))
    assert [s.get("id") for s in root.iter("testsuite")] == ["0", "1"]
    failure = next(root.iter("failure"))
    assert "[bold red]pwned[/] \\u001b[31m" in (failure.text or "")
    assert "\\u0000nul" in (failure.text or "")


def test_one_testcase_per_claim_and_the_unused_references(
    every_code_result: AuditResult,
) -> None:
    found = cases(render(every_code_result))
    claims = [c.claim.id for c in every_code_result.claims]
    assert list(found) == [*claims, "unused references"]
    assert found["C1"].get("name") == "C1: relies on a retracted paper"


def test_no_unused_references_case_when_every_reference_is_cited() -> None:
    root = ET.fromstring(render(hostile_result()).encode("utf-8"))
    first, second = root.iter("testsuite")
    assert [c.get("name", "")[:3] for c in first.iter("testcase")] == ["C1:"]
    unused = [c for c in second.iter("testcase") if c.get("name") == "unused references"]
    assert len(unused) == 1
    assert outcome(unused[0]) == "failure"  # the invalid DOI of the uncited reference
    assert unused[0].find("failure").get("type") == "doi-invalid"  # type: ignore[union-attr]


def test_verdicts_of_the_every_code_claims(every_code_result: AuditResult) -> None:
    found = cases(render(every_code_result))
    assert outcome(found["C1"]) == "failure"  # retracted under `supports`
    failure = found["C1"].find("failure")
    assert failure is not None
    assert failure.get("type") in {"unsupported-claim", "retracted"}
    assert "retracted RET" in (failure.text or "")
    assert outcome(found["C2"]) is None  # retracted, but `discusses`
    assert outcome(found["C5"]) == "error"  # its only citation is unverified
    assert found["C5"].find("error").get("type") == "unverified"  # type: ignore[union-attr]
    assert outcome(found["C4"]) is None  # uncited is a warning: shown, not failing


def test_passing_findings_are_shown_in_system_out(every_code_result: AuditResult) -> None:
    root = ET.fromstring(render(every_code_result).encode("utf-8"))
    out = next(root.iter("system-out")).text or ""
    assert "C4: cites nothing\n  warning uncited-claim C4" in out
    assert "info retracted RET" in out  # C2's, under `discusses`
    assert "unused-reference UNUSED" in out


def test_allow_incomplete_turns_the_error_into_output(every_code_result: AuditResult) -> None:
    policy = GatePolicy(allow_incomplete=True)
    out = render(replace(every_code_result, policy=policy))
    found = cases(out)
    assert outcome(found["C5"]) is None
    assert not list(ET.fromstring(out.encode("utf-8")).iter("error"))
    assert "unverified FAIL" in out


def test_a_warning_threshold_fails_more_claims(every_code_result: AuditResult) -> None:
    def failing(result: AuditResult) -> set[str]:
        return {name for name, case in cases(render(result)).items() if outcome(case)}

    default = failing(every_code_result)
    strict = failing(replace(every_code_result, policy=GatePolicy(threshold=Severity.WARNING)))
    assert default < strict
    assert {"C3", "C4", "C6", "C8"} <= strict - default


@pytest.mark.parametrize("policy", [GatePolicy(), GatePolicy(threshold=Severity.INFO)])
def test_counts_equal_the_elements(every_code_result: AuditResult, policy: GatePolicy) -> None:
    root = ET.fromstring(render(replace(every_code_result, policy=policy)).encode("utf-8"))
    for suite in root.iter("testsuite"):
        assert int(suite.get("tests", "")) == len(list(suite.iter("testcase")))
        assert int(suite.get("failures", "")) == len(list(suite.iter("failure")))
        assert int(suite.get("errors", "")) == len(list(suite.iter("error")))
        assert suite.get("timestamp") == "2026-01-01T00:00:00"
        assert suite.get("hostname") == "claimcheck"


def test_text_escapes_what_xml_forbids() -> None:
    assert text("a\x00b\x1bc\ufffed\ud800e\tf\ng") == (
        "a\\u0000b\\u001bc\\ufffed\\ud800e\\u0009f\ng"
    )


def test_dotted_names() -> None:
    assert dotted("claims/stem-cell safety.yaml") == "claims.stem-cell_safety"
    assert dotted("/tmp/x/map.yaml") == "tmp.x.map"
    assert dotted("") == "claimmap"


def test_registered_as_the_junit_format() -> None:
    assert renderer("junit") is render


def test_no_line_repeats_its_id(every_code_result: AuditResult) -> None:
    out = render(every_code_result)
    for subject in ("C1", "C9", "NF", "MIS", "RET", "FAIL", "NOTICE", "META"):
        assert f"{subject}: {subject}" not in out
        assert f"{subject}: {subject} " not in out
    failure = cases(out)["C1"].find("failure")
    assert failure is not None
    lines = (failure.text or "").splitlines()
    assert lines[0] == "error unsupported-claim C1: every evidence citation fails: RET (retracted)"
    assert lines[1].startswith("error retracted RET was retracted: 10.5555/notice")


def test_a_message_that_does_not_name_its_subject_is_prefixed_with_it() -> None:
    finding = Finding(FindingCode.RETRACTED, Severity.ERROR, "was retracted", reference="R1")
    assert finding_line(finding, {}) == "error retracted R1: was retracted"
    named = replace(finding, message="R1 was retracted")
    assert finding_line(named, {}) == "error retracted R1 was retracted"
    # "R10 ..." does not name R1.
    assert finding_line(replace(finding, message="R10 x"), {}) == "error retracted R1: R10 x"
    by_claim = Finding(FindingCode.UNCITED_CLAIM, Severity.WARNING, "C2 cites nothing", claim="C2")
    assert finding_line(by_claim, {}) == "warning uncited-claim C2 cites nothing"


def test_references_are_named_as_cited(every_code_result: AuditResult) -> None:
    out = render(every_code_result)
    failure = cases(out)["C1"].find("failure")
    assert failure is not None
    assert 'the article may need a correction — cited as: "Smith J. A study of things"' in (
        failure.text or ""
    )
    system_out = next(ET.fromstring(out.encode("utf-8")).iter("system-out")).text or ""
    missing = next(line for line in system_out.splitlines() if "doi-missing NODOI" in line)
    assert missing.endswith(' — cited as: "Someone. A paper. 1999."')
    # A printed reference longer than 120 characters is cut, with an ellipsis.
    corrected = next(line for line in system_out.splitlines() if "corrected CORR" in line)
    cited = corrected.split(' — cited as: "', 1)[1]
    assert cited.endswith('…"')
    assert len(cited) == 120 + 1
    assert cited.startswith("Sadasivan S et al. Methylphenidate exposure")


def test_a_translation_stands_beside_the_claim_text(schema: xmlschema.XMLSchema) -> None:
    maps = hostile_maps()
    first = maps[0]
    claim = replace(first.claims[0], text="干细胞是安全的。", translation="Stem cells\nare safe.")
    result = hostile_result_of((replace(first, claims=(claim,)), maps[1]))
    out = render(result)
    schema.validate(out)
    failure = cases(out)["C1"].find("failure")
    assert failure is not None
    assert (failure.text or "").splitlines()[:2] == [
        "claim C1: 干细胞是安全的。",
        "translation: Stem cells are safe.",
    ]
    assert cases(out)["C1"].get("name") == "C1: 干细胞是安全的。"  # the name CI tracks: unchanged
