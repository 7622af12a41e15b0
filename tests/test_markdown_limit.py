"""The Markdown reporter within GitHub's 65,536-character limit for a comment or step
summary: the summary and every error kept, the rest cut between whole rows, and the cut
counted and named."""

from __future__ import annotations

import re
from dataclasses import replace

from claimcheck.model.claimmap import Claim, ClaimMap, Reference
from claimcheck.model.findings import Finding, FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.results import (
    AuditResult,
    ClaimResult,
    ClaimStatus,
    MapResult,
    ReferenceResult,
    ReferenceStatus,
)
from tests.factories import FIXED_OPTIONS
from tests.test_markdown import Table, render, tables

LIMIT = 65_536
NOTE = re.compile(
    r"⚠️ (?:(\d+) findings?)?(?: and )?(?:(\d+) claims?)? left out to stay within GitHub's "
    r"65,536-character limit; the JSON or HTML report \(`--format json`, `--format html`\) has "
    r"them all\."
)


def big_result(errors: int, warnings: int, infos: int, claims: int, extra: str = "") -> AuditResult:
    """A result of many findings, built directly (no judging): each finding about its own
    reference, with a message of about 120 characters."""
    path = "claims/big.yaml"
    severities = [Severity.ERROR] * errors + [Severity.WARNING] * warnings + [Severity.INFO] * infos
    references = tuple(
        Reference(f"R{i}", Location(i + 3, 3), doi=f"10.5555/big.{i}", title=f"A study {i}")
        for i in range(len(severities))
    )
    code = {
        Severity.ERROR: "retracted",
        Severity.WARNING: "doi-missing",
        Severity.INFO: "corrected",
    }
    findings = tuple(
        Finding(
            FindingCode(code[severity]),
            severity,
            f"R{i} was looked at{extra}: " + "a message long enough to weigh " * 3,
            reference=f"R{i}",
            location=Location(i + 3, 3),
            file=path,
        )
        for i, severity in enumerate(severities)
    )
    claim_list = tuple(Claim(f"C{j}", f"claim {j}", Location(j + 1, 5)) for j in range(claims))
    claim_map = ClaimMap(path, 1, references, claim_list)
    part = MapResult(
        claim_map,
        tuple(ReferenceResult(r, ReferenceStatus.ERROR) for r in references),
        tuple(ClaimResult(c, ClaimStatus.UNCITED, "cites no reference") for c in claim_list),
        findings,
    )
    options = FIXED_OPTIONS
    return AuditResult((part,), options.checked_at, options.source, options.policy, 1)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def left_out(markdown: str) -> tuple[int, int]:
    match = NOTE.search(markdown)
    assert match, "no note of what was left out"
    return int(match[1] or 0), int(match[2] or 0)


def check_whole(markdown: str) -> list[Table]:
    """Every table row whole (five cells) and every <details> closed: valid Markdown."""
    found = tables(markdown)
    for table in found:
        assert all(len(row) == 5 for row in table.rows)
    assert markdown.count("<details>") == markdown.count("</details>")
    for line in markdown.splitlines():
        if line.startswith("|"):
            assert line.endswith(" |") or line.endswith("|")
            assert len(re.split(r"(?<!\\)\|", line)) == 7, line
    return found


def test_a_long_report_keeps_every_error_and_says_what_it_left_out() -> None:
    result = big_result(errors=200, warnings=3000, infos=3000, claims=1000)
    markdown = render(result)
    assert utf16(markdown) <= LIMIT
    found = check_whole(markdown)
    errors = found[0]
    assert errors.context == "### Errors (200)"
    assert len(errors.rows) == 200  # every error fits, so every error is kept
    shown = sum(len(t.rows) for t in found if t.header[1] == "reference")
    claims_shown = sum(len(t.rows) for t in found if t.header[1] == "id")
    findings_left, claims_left = left_out(markdown)
    assert findings_left == 6200 - shown > 0
    assert claims_left == 1000 - claims_shown
    assert markdown.startswith("## claimcheck audit\n\n❌ **gate failed")
    assert "**Counts:** 200 errors · 3000 warnings · 3000 info" in markdown
    assert f"### Warnings (3000, {len(found[1].rows)} shown)" in markdown
    assert utf16(markdown) > LIMIT - 1000  # the room is used, not wasted


def test_errors_that_do_not_all_fit_are_cut_at_a_row() -> None:
    result = big_result(errors=3000, warnings=10, infos=10, claims=10)
    markdown = render(result)
    assert utf16(markdown) <= LIMIT
    found = check_whole(markdown)
    assert len(found) == 1  # only errors fit: warnings, infos and claims are left out whole
    shown = len(found[0].rows)
    assert 0 < shown < 3000
    assert found[0].context == f"### Errors (3000, {shown} shown)"
    assert left_out(markdown) == (3020 - shown, 10)
    assert "<details>" not in markdown


def test_astral_characters_count_twice() -> None:
    # GitHub may count UTF-16 code units, as a browser does: an emoji counts as two.
    result = big_result(errors=100, warnings=2000, infos=0, claims=0, extra=" 🧪🧪🧪🧪🧪🧪🧪🧪")
    markdown = render(result)
    assert utf16(markdown) <= LIMIT
    assert left_out(markdown)[0] > 0
    check_whole(markdown)


def test_a_report_within_the_limit_is_not_cut() -> None:
    result = big_result(errors=100, warnings=100, infos=100, claims=50)
    markdown = render(result)
    assert utf16(markdown) <= LIMIT
    assert "left out" not in markdown
    assert [len(t.rows) for t in check_whole(markdown)] == [100, 100, 100, 50]


def test_a_long_claims_table_alone_is_cut_too() -> None:
    result = big_result(errors=0, warnings=0, infos=0, claims=3000)
    markdown = render(result)
    assert utf16(markdown) <= LIMIT
    assert "\n\nNo findings.\n\n" in markdown
    (claims,) = check_whole(markdown)
    assert claims.in_details
    assert claims.context == f"<details><summary>3000 claims, {len(claims.rows)} shown</summary>"
    assert left_out(markdown) == (0, 3000 - len(claims.rows))


def test_a_cut_report_counts_its_files_when_naming_them_would_not_fit() -> None:
    one = big_result(errors=3, warnings=0, infos=0, claims=0)
    part = one.maps[0]

    def renamed(i: int) -> MapResult:
        path = f"claims/{'x' * 60}-{i}.yaml"
        findings = tuple(f.in_file(path) for f in part.findings)
        return replace(part, claim_map=replace(part.claim_map, path=path), findings=findings)

    markdown = render(replace(one, maps=tuple(renamed(i) for i in range(400))))
    assert utf16(markdown) <= LIMIT
    assert "\n- **Files:** 400 claim maps\n" in markdown
    check_whole(markdown)
