"""`--format junit`: JUnit XML for CI test reporters. Pure.

One `<testsuite>` per claim map and one `<testcase>` per claim. A claim fails when a finding
that bears on it (its own, or one of a reference it cites) fails the gate; it errors when a
reference it cites could not be checked and incomplete runs are not allowed. The output
validates against the Apache Ant schema (tests/data/schemas/junit-windyroad.xsd), which shapes
it: `<testsuites>` takes no attributes, each suite needs `package` and `id`, a testcase holds
at most one `<failure>` or `<error>` and no output of its own, and every suite ends with
`<system-out>` and `<system-err>`. So findings that do not fail the gate are listed in the
suite's `<system-out>`, under the name of the testcase they belong to.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

from claimcheck import __version__
from claimcheck.model.claimmap import Claim
from claimcheck.model.findings import Finding, FindingCode, applicable
from claimcheck.model.results import AuditResult, GatePolicy, MapResult
from claimcheck.model.sanitize import visible
from claimcheck.reporters.words import Labels, cited_label, cited_suffix, one_line

HOSTNAME = "claimcheck"
UNUSED_CASE = "unused references"
NAME_CHARS = 60


def text(value: str) -> str:
    """`value` safe for XML 1.0 and a terminal: control, bidi and invisible formatting
    characters, lone surrogates (which no UTF-8 writer can encode) and noncharacters (which
    XML 1.0 forbids) become visible `\\uXXXX` escapes; line breaks stay."""
    return visible(value, keep="\n")


@dataclass(frozen=True)
class Case:
    """One testcase: the findings that bear on it, split by what they do to the gate."""

    name: str
    failing: tuple[Finding, ...]
    blocking: tuple[Finding, ...]  # unverified, and incomplete runs are not allowed
    passing: tuple[Finding, ...]  # shown, but fail nothing


def render(result: AuditResult) -> str:
    root = ET.Element("testsuites")
    for index, part in enumerate(result.maps):
        root.append(testsuite(part, index, result))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def testsuite(part: MapResult, index: int, result: AuditResult) -> ET.Element:
    path = part.claim_map.path
    grouped = Grouped(part.findings)
    claims = part.claim_map.claims
    cases = [claim_case(part, claim, result.policy, grouped) for claim in claims]
    contexts = [claim_context(claim) for claim in claims]
    unused = unused_case(part, result.policy)
    if unused is not None:
        cases.append(unused)
        contexts.append(())
    labels = {(path, r.id): cited_label(r) for r in part.claim_map.references}
    classname = dotted(path)
    suite = ET.Element(
        "testsuite",
        {
            "name": text(path) or "claim map",
            "timestamp": timestamp(result.checked_at),
            "hostname": HOSTNAME,
            "tests": str(len(cases)),
            "failures": str(sum(1 for c in cases if c.failing)),
            "errors": str(sum(1 for c in cases if c.blocking and not c.failing)),
            "time": "0",
            "package": classname,
            "id": str(index),
        },
    )
    suite.append(properties(result))
    for case, context in zip(cases, contexts, strict=True):
        suite.append(testcase(case, classname, labels, context))
    ET.SubElement(suite, "system-out").text = system_out(cases, labels, contexts)
    ET.SubElement(suite, "system-err").text = ""
    return suite


def properties(result: AuditResult) -> ET.Element:
    element = ET.Element("properties")
    values = {
        "claimcheck.version": __version__,
        "checked-at": timestamp(result.checked_at) + "Z",
        "source.crossref": result.source.crossref,
        "source.mode": result.source.mode,
        **{f"source.{other.name}": other.describe() for other in result.source.others},
        "gate.fail-on": result.policy.describe(),
        "gate.allow-incomplete": "true" if result.policy.allow_incomplete else "false",
        "exit-code": str(result.exit_code),
    }
    for name, value in values.items():
        ET.SubElement(element, "property", {"name": name, "value": text(value)})
    return element


class Grouped:
    """The positions of a map's findings, grouped once by claim and by (reference, claim), so
    that each testcase reads only the findings that can bear on it, not every finding."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = findings
        self.by_claim: dict[str, list[int]] = {}
        self.by_ref_claim: dict[tuple[str, str | None], list[int]] = {}
        for at, finding in enumerate(findings):
            if finding.claim is not None:
                self.by_claim.setdefault(finding.claim, []).append(at)
            if finding.reference is not None:
                key = (finding.reference, finding.claim)
                self.by_ref_claim.setdefault(key, []).append(at)

    def bearing(self, claim: Claim) -> list[Finding]:
        """The claim's own findings and, through `applicable`, those of each reference it
        cites, in their order in the map. `applicable` keeps only a reference's findings that
        are its own (no claim) or this claim's, so it is given just those."""
        positions = set(self.by_claim.get(claim.id, ()))
        for cite in claim.cites:
            group = sorted(
                self.by_ref_claim.get((cite.ref, None), [])
                + self.by_ref_claim.get((cite.ref, claim.id), [])
            )
            candidates = [self.findings[at] for at in group]
            kept = {id(f) for f in applicable(candidates, cite.ref, claim.id)}
            positions.update(at for at in group if id(self.findings[at]) in kept)
        return [self.findings[at] for at in sorted(positions)]


def claim_case(
    part: MapResult, claim: Claim, policy: GatePolicy, grouped: Grouped | None = None
) -> Case:
    """The claim's own findings and, through `applicable`, those of each reference it cites."""
    bearing = (grouped or Grouped(part.findings)).bearing(claim)
    return split(case_name(claim), bearing, policy)


def unused_case(part: MapResult, policy: GatePolicy) -> Case | None:
    """Reference-level findings of the references no claim cites; None when all are cited."""
    cited = {c.ref for claim in part.claim_map.claims for c in claim.cites}
    uncited = {r.id for r in part.claim_map.references} - cited
    if not uncited:
        return None
    bearing = [f for f in part.findings if f.reference in uncited and f.claim is None]
    return split(UNUSED_CASE, bearing, policy)


def split(name: str, findings: Sequence[Finding], policy: GatePolicy) -> Case:
    # Each finding is classified by its own fields: equal findings always land together, so
    # this is the same split as asking whether each is `in` the failing tuple, without a scan
    # of that tuple per finding (quadratic in a case of many findings).
    failing: list[Finding] = []
    blocking: list[Finding] = []
    passing: list[Finding] = []
    for finding in findings:
        if policy.fails(finding):
            failing.append(finding)
        elif finding.code is FindingCode.UNVERIFIED and not policy.allow_incomplete:
            blocking.append(finding)
        else:
            passing.append(finding)
    return Case(name, tuple(failing), tuple(blocking), tuple(passing))


def case_name(claim: Claim) -> str:
    words = " ".join(claim.text.split())
    if len(words) > NAME_CHARS:
        words = words[: NAME_CHARS - 1].rstrip() + "…"
    return f"{claim.id}: {words}"


def claim_context(claim: Claim) -> tuple[str, ...]:
    """The claim's translation beside its text, when the map gives one. Not in the testcase
    name, which CI keeps a test's history by: it goes above the findings instead."""
    if not claim.translation:
        return ()
    return (
        f"claim {claim.id}: {one_line(claim.text)}",
        f"translation: {one_line(claim.translation)}",
    )


def testcase(case: Case, classname: str, labels: Labels, context: Sequence[str]) -> ET.Element:
    element = ET.Element("testcase", {"name": text(case.name), "classname": classname, "time": "0"})
    # The schema allows one child: a gate failure wins over an incomplete lookup, which is
    # still listed in the failure's text.
    if case.failing:
        worst = max(case.failing, key=lambda f: f.severity.rank)
        child = ET.SubElement(element, "failure", {"message": text(worst.message)})
        child.set("type", worst.code.value)
        child.text = finding_lines(case.failing + case.blocking, labels, context)
    elif case.blocking:
        first = case.blocking[0]
        child = ET.SubElement(element, "error", {"message": text(first.message)})
        child.set("type", FindingCode.UNVERIFIED.value)
        child.text = finding_lines(case.blocking, labels, context)
    return element


def names_itself(finding: Finding) -> bool:
    """Whether the message begins with the id of its reference or claim ("C1: every
    evidence…", "RET was retracted…"), as most do."""
    message = finding.message
    return any(
        subject and message.startswith(subject) and message[len(subject) :][:1] in ("", ":", " ")
        for subject in (finding.reference, finding.claim)
    )


def finding_line(finding: Finding, labels: Labels) -> str:
    """`error retracted RET was retracted: … — cited as: "Smith J. A study"`. The subject's
    id is put first only when the message does not begin with it (never "C1: C1: …")."""
    subject = finding.reference or finding.claim or "-"
    message = finding.message if names_itself(finding) else f"{subject}: {finding.message}"
    suffix = cited_suffix(finding, labels)
    return f"{finding.severity.value} {finding.code.value} {message}{suffix}"


def finding_lines(findings: Sequence[Finding], labels: Labels, context: Sequence[str]) -> str:
    lines = [*context, *(one_line(finding_line(f, labels)) for f in findings)]
    return text("\n".join(lines))


def system_out(cases: Sequence[Case], labels: Labels, contexts: Sequence[Sequence[str]]) -> str:
    """The findings that fail nothing (warnings, infos, allowed lookups), per testcase, under
    its name and its claim's context."""
    blocks = [
        "\n".join(
            [case.name, *(f"  {line}" for line in context)]
            + ["  " + finding_line(f, labels) for f in case.passing]
        )
        for case, context in zip(cases, contexts, strict=True)
        if case.passing
    ]
    return text("\n".join(blocks) + "\n") if blocks else ""


def dotted(path: str) -> str:
    """`claims/stem-cell safety.yaml` -> `claims.stem-cell_safety`: a class-like name."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.name:
        pure = pure.with_suffix("")
    parts = [p for p in pure.parts if p not in ("/", ".", "..")]
    name = ".".join("_".join(p.split()) for p in parts).strip(".")
    return text(name) or "claimmap"


def timestamp(moment: datetime) -> str:
    """ISO 8601 without a zone, as the schema's pattern requires (the time is UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
