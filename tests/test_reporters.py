"""The table and JSON reporters: pure, stable, aligned, and inert to hostile registry data."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from rich.cells import cell_len

from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Lookup, LookupStatus, Work
from claimcheck.model.resolution import Resolution
from claimcheck.model.results import AuditResult
from claimcheck.reporters import FORMATS, renderer
from claimcheck.reporters.resolve import render_table as render_resolve_table
from claimcheck.reporters.table import render as render_table
from claimcheck.reporters.table import safe
from tests.factories import judge_works

HOSTILE = "[bold red]pwned[/] \x1b[31mred\x1b[0m \x1b]8;;http://evil\x07link\u202eevil"


def result_with(
    title: str, claim_text: str = "干细胞是人体的基础细胞,可生成所有其他细胞。"
) -> AuditResult:
    ref = Reference(id="R1", location=Location(3, 3), doi="10.1/x", title=title, year=2015)
    claim = Claim(
        id="C1",
        text=claim_text,
        location=Location(9, 5),
        cites=(Citation("R1", Role.SUPPORTS, Location(11, 9)),),
    )
    claim_map = ClaimMap("map.yaml", 1, (ref,), (claim,))
    work = Work(doi="10.1/x", title=title, authors=(Author("Smith"),), year=2015)
    return judge_works(claim_map, work)


def test_claims_table_lines_up_cjk_text() -> None:
    text = render_table(result_with("A title"), width=100)
    lines = [line for line in text.splitlines() if line.startswith(("┃", "│", "┏", "└", "┡"))]
    assert lines
    assert {cell_len(line) for line in lines} == {100}


def test_table_shows_hostile_titles_inert() -> None:
    text = render_table(result_with(HOSTILE, claim_text=HOSTILE), width=200, color=False)
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "[bold red]pwned[/]" in text  # shown, not interpreted


def test_resolve_table_shows_a_hostile_title_escaped() -> None:
    work = Work(doi="10.1/x", title=HOSTILE)
    resolution = Resolution(Lookup("10.1/x", LookupStatus.FOUND, work=work))
    text = render_resolve_table(resolution, width=400)
    assert "\x1b" not in text
    assert "\\u001b[31mred" in text
    assert "\\u202eevil" in text
    assert "[bold red]pwned[/]" in text


def test_safe_escapes_controls_and_bidi_overrides() -> None:
    assert safe("a\x00b\u2066c\td") == "a\\u0000b\\u2066c\\u0009d"
    # C1 controls, DEL, and invisible format characters (ALM, zero-width, soft hyphen) too.
    assert safe("\x85\x9b\x7f\u061c\u200b\u200d\xad") == (
        "\\u0085\\u009b\\u007f\\u061c\\u200b\\u200d\\u00ad"
    )


def test_json_escapes_hostile_text_and_stays_valid() -> None:
    out = renderer("json")(result_with(HOSTILE))
    doc = json.loads(out)
    assert doc["references"][0]["registry"]["title"] == HOSTILE
    assert "\x1b" not in out  # JSON escapes control characters


def test_json_is_the_same_on_every_run() -> None:
    assert renderer("json")(result_with("A")) == renderer("json")(result_with("A"))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_registered_format_renders(name: str) -> None:
    assert renderer(name)(result_with("A title")).strip()


def test_summary_counts_match_findings() -> None:
    result = result_with("A title")
    doc = json.loads(renderer("json")(replace(result, exit_code=0)))
    counted = sum(doc["summary"][k] for k in ("errors", "warnings", "infos"))
    assert counted == len(doc["findings"])


def test_every_format_comes_from_the_one_registry() -> None:
    from typer.testing import CliRunner

    from claimcheck.app.cli import AuditFormat, app
    from claimcheck.app.outputs import check_outputs
    from claimcheck.reporters import registry
    from claimcheck.reporters.failure import render_failure

    assert [f.value for f in AuditFormat] == list(registry.NAMES)
    # Without whitespace: the help is wrapped to the terminal, at spaces and hyphens.
    help_text = "".join(CliRunner().invoke(app, ["audit", "--help"]).output.split())
    for fmt in registry.FORMATS:
        assert callable(renderer(fmt.name))
        assert "".join(f"{fmt.name}, for {fmt.audience}".split()) in help_text
        if fmt.extension:
            (output,), _problem = check_outputs([f"report{fmt.extension}"], registry.NAMES)
            assert output.format == fmt.name
        if fmt.machine:  # a failure still leaves a document of this format
            assert render_failure(fmt.name, 2, "nothing was checked").strip()


def test_counts_are_written_with_their_nouns_agreeing() -> None:
    from claimcheck.reporters.words import counted

    assert [counted(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert [counted(n, "info") for n in (1, 3)] == ["1 info", "3 info"]


def test_the_table_summary_says_1_warning_not_1_warnings(every_code_result: AuditResult) -> None:
    from claimcheck.reporters.table import summary_line

    line = summary_line(every_code_result).plain
    assert "infos" not in line
    assert not any(f"1 {noun}s" in line for noun in ("error", "warning"))


def test_cited_label_names_the_reference_as_printed() -> None:
    from claimcheck.reporters.words import cited_label

    def ref(**fields: Any) -> Reference:
        return Reference("R1", Location(1, 1), **fields)

    assert cited_label(ref(title="A study of things", authors=("Smith J", "Li X"))) == (
        "Smith J, Li X. A study of things"
    )
    # cited_as wins, on one line; a printed list cut short keeps its "et al."; a name that
    # ends in a full stop gets no second one.
    both = ref(cited_as="Doe J.\n  A report.  2020.", title="Ignored", authors=("X",))
    assert cited_label(both) == "Doe J. A report. 2020."
    truncated = ref(title="T", authors=("Smith J",), authors_truncated=True)
    assert cited_label(truncated) == "Smith J et al. T"
    assert cited_label(ref(title="T", authors=("Biehl J.K.", "Russell B."))) == (
        "Biehl J.K., Russell B. T"
    )
    assert cited_label(ref(title=" Only\ta title ")) == "Only a title"
    assert cited_label(ref(authors=("Smith J",))) == "Smith J"
    assert cited_label(ref(cited_as="  ", doi="10.1/x")) == ""
    assert cited_label(ref()) == ""


def test_json_gives_the_reference_and_the_claim_as_the_map_has_them() -> None:
    result = result_with("A registry title")
    part = result.maps[0]
    reference = replace(
        part.claim_map.references[0], authors=("Smith J", "Li X"), authors_truncated=True
    )
    claim = replace(part.claim_map.claims[0], translation="Stem cells are the body's base.")
    claim_map = replace(part.claim_map, references=(reference,), claims=(claim,))
    judged = judge_works(claim_map, Work(doi="10.1/x", title="A title", year=2015))
    doc = json.loads(renderer("json")(judged))
    (entry,) = doc["references"]
    assert entry["cited_as"] is None
    cited = {"title": "A registry title", "authors": ["Smith J", "Li X", "et al."]}
    assert entry["cited"] == cited
    (claim_entry,) = doc["claims"]
    assert claim_entry["text"] == claim.text
    assert claim_entry["translation"] == "Stem cells are the body's base."
    plain = json.loads(renderer("json")(result_with("A title")))
    assert plain["claims"][0]["translation"] is None
    # New keys only: every key the document had before is still there, in its place.
    assert list(entry)[:9] == [
        "id",
        "doi",
        "status",
        "verdict",
        "registry",
        "updates",
        "cache",
        "location",
        "file",
    ]
    assert list(claim_entry)[:6] == ["id", "status", "cites", "reason", "location", "file"]
