"""The Markdown reporter: structure (errors, then warnings, then infos collapsed), one report
over several maps, and hostile data rendered inert, checked on markdown-it-py's token stream."""

from __future__ import annotations

import importlib.util
import re
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from claimcheck.checks.pipeline import judge
from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.findings import FindingCode, Severity
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Lookup, LookupStatus, Work
from claimcheck.model.results import (
    AuditResult,
)
from claimcheck.reporters import renderer
from claimcheck.reporters.gate import gate_sentence
from claimcheck.reporters.markdown import md_escape, render
from claimcheck.reporters.table import safe
from tests.factories import FIXED_OPTIONS, judge_works

HAS_LINKIFY = importlib.util.find_spec("linkify_it") is not None
PIECES = (
    "<script>alert(1)</script>",
    "<img src=x onerror=y>",
    "[click](https://evil.example)",
    "![x](https://evil.example/a.png)",
    "https://evil.example/auto",
    "www.evil.example",
    "mail@evil.example",
    "**bold**",
    "`code`",
    "| pipe |",
    "~~gone~~",
    "&amp; &#60;",
    "$x^2$",
    "trailing\\",
)
HOSTILE = " ".join(PIECES) + "\nsecond line \x00 nul \x1b[31m esc \u202e rlo"
OUR_HTML = re.compile(r"<details><summary>\d+ (info findings?|claims?)</summary>|</details>")


def parser() -> MarkdownIt:
    """GitHub-like: tables, strikethrough, raw HTML on, and autolinks when linkify-it is there."""
    return MarkdownIt("gfm-like", {"linkify": HAS_LINKIFY})


def walk(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def visible(inline: Token) -> str:
    """The text a reader sees in an inline token (escapes resolved, markup dropped)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


@dataclass
class Table:
    context: str  # the heading or <summary> it sits under
    in_details: bool
    header: list[str]
    rows: list[list[str]]


def tables(markdown: str) -> list[Table]:
    """Every table, with the heading or `<details><summary>` it sits under, cells as shown."""
    found: list[Table] = []
    context, in_details, in_heading, section = "", False, False, "thead"
    row: list[str] = []
    for token in parser().parse(markdown):
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
            context = token.markup if in_heading else context
        elif token.type == "inline" and in_heading:
            context = f"{context} {token.content}"
        elif token.type == "html_block":
            in_details = token.content.startswith("<details>")
            context = token.content.strip() if in_details else context
        elif token.type == "table_open":
            found.append(Table(context, in_details, [], []))
        elif token.type in ("thead_open", "tbody_open"):
            section = token.type[:5]
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append("")
        elif token.type == "inline" and token.level == 4:  # table > thead|tbody > tr > td
            row[-1] = visible(token)
        elif token.type == "tr_close":
            if section == "thead":
                found[-1].header = row
            else:
                found[-1].rows.append(row)
    return found


def hostile_result(path: str = HOSTILE) -> AuditResult:
    """Registry title and author, claim text and ids, and the file name are all hostile."""
    mismatched = Reference(
        id="R1|<b>", location=Location(3, 3), doi="10.1/x", title="A", authors=("Jones J",)
    )
    unused = Reference(id="R[2]", location=Location(5, 3), doi="10.1/y")
    no_doi = Reference(id="R3", location=Location(7, 3), cited_as=HOSTILE)
    claims = (
        Claim(
            "C1",
            HOSTILE,
            Location(9, 5),
            cites=(Citation("R1|<b>", Role.SUPPORTS, Location(10, 9)),),
        ),
        Claim(
            "C*2*",
            HOSTILE,
            Location(11, 5),
            cites=(Citation("R3", Role.SUPPORTS, Location(12, 9)),),
        ),
        Claim("C_3_", HOSTILE, Location(13, 5)),
    )
    claim_map = ClaimMap(path, 1, (mismatched, unused, no_doi), claims)
    work = Work(doi="10.1/x", title=HOSTILE, authors=(Author(HOSTILE),), year=2015)
    return judge_works(claim_map, work, Work(doi="10.1/y", title=HOSTILE))


def simple_map(path: str, n_claims: int = 1, doi: str = "10.1/x") -> ClaimMap:
    ref = Reference(id="R1", location=Location(3, 3), doi=doi, title="A study", year=2015)
    claims = tuple(
        Claim(
            f"C{i}",
            f"claim {i}",
            Location(10 + i, 5),
            cites=(Citation("R1", Role.SUPPORTS, Location(10 + i, 9)),),
        )
        for i in range(1, n_claims + 1)
    )
    return ClaimMap(path, 1, (ref,), claims)


def lookups_found(doi: str = "10.1/x") -> dict[str, Lookup]:
    work = Work(doi=doi, title="A study", authors=(Author("Smith"),), year=2015)
    return {doi: Lookup(doi, LookupStatus.FOUND, work=work)}


# --- structure -----------------------------------------------------------------------------


def test_markdown_is_a_registered_format(every_code_result: AuditResult) -> None:
    assert renderer("markdown")(every_code_result) == render(every_code_result)


def test_header_gives_gate_source_counts_and_file(every_code_result: AuditResult) -> None:
    tokens = parser().parse(render(every_code_result))
    assert [tokens[0].type, tokens[1].content] == ["heading_open", "claimcheck audit"]
    text = " ".join(visible(t) for t in tokens if t.type == "inline")
    assert every_code_result.exit_code == 1
    assert "❌ " + gate_sentence(every_code_result) in text
    assert "Source: online, " + every_code_result.source.crossref in text
    counts = {s: sum(1 for f in every_code_result.findings if f.severity is s) for s in Severity}
    assert f"{counts[Severity.ERROR]} errors · {counts[Severity.WARNING]} warnings" in text
    assert "1 unverified" in text
    assert "File: " + every_code_result.files[0] in text


def test_errors_then_warnings_then_infos_collapsed(every_code_result: AuditResult) -> None:
    found_tables = tables(render(every_code_result))
    findings = every_code_result.findings
    expected = [
        ("### Errors", Severity.ERROR, False),
        ("### Warnings", Severity.WARNING, False),
        ("<details><summary>", Severity.INFO, True),
    ]
    assert len(found_tables) == 4  # three finding tables and the claims table
    for table, (label, severity, in_details) in zip(found_tables, expected, strict=False):
        assert table.context.startswith(label)
        group = [f for f in findings if f.severity is severity]
        assert table.in_details is in_details
        assert table.header == ["file:line", "reference", "claim", "code", "message"]
        assert [row[3] for row in table.rows] == [f.code.value for f in group]
        assert [row[4] for row in table.rows] == [f.message for f in group]
    infos = sum(1 for f in findings if f.severity is Severity.INFO)
    assert found_tables[2].context == f"<details><summary>{infos} info findings</summary>"
    assert {row[3] for t in found_tables[:3] for row in t.rows} == {c.value for c in FindingCode}


def test_error_and_warning_headings_come_in_order(every_code_result: AuditResult) -> None:
    text = render(every_code_result)
    errors, warnings = text.index("### Errors"), text.index("### Warnings")
    details, claims = text.index("<details>"), text.index("### Claims")
    assert errors < warnings < details < claims
    assert "\n\n</details>" in text
    assert "</summary>\n\n|" in text


def test_claims_table_lists_every_claim(every_code_result: AuditResult) -> None:
    claims_table = tables(render(every_code_result))[-1]
    assert claims_table.header == ["file:line", "id", "claim", "status", "why"]
    assert not claims_table.in_details  # 11 claims: not collapsed
    assert [row[1] for row in claims_table.rows] == [c.claim.id for c in every_code_result.claims]
    assert [row[3] for row in claims_table.rows] == [
        c.status.value for c in every_code_result.claims
    ]


def test_a_long_claims_table_is_collapsed() -> None:
    result = judge(simple_map("long.yaml", n_claims=21), lookups_found(), {}, FIXED_OPTIONS)
    claims_table = tables(render(result))[-1]
    assert claims_table.in_details
    assert claims_table.context == "<details><summary>21 claims</summary>"
    assert len(claims_table.rows) == 21
    short = judge(simple_map("short.yaml", n_claims=20), lookups_found(), {}, FIXED_OPTIONS)
    assert not tables(render(short))[-1].in_details


def test_several_maps_make_one_report_with_each_row_labelled() -> None:
    maps = [simple_map("a/one.yaml"), simple_map("b/two.yaml", doi="10.1/missing")]
    lookups = {**lookups_found(), "10.1/missing": Lookup("10.1/missing", LookupStatus.NOT_FOUND)}
    result = judge(maps, lookups, {}, FIXED_OPTIONS)
    text = render(result)
    assert text.count("## claimcheck audit") == 1
    assert "Files: a/one.yaml, b/two.yaml" in " ".join(
        visible(t) for t in parser().parse(text) if t.type == "inline"
    )
    errors, claims = tables(text)[0], tables(text)[-1]
    assert {row[0] for row in errors.rows} == {"b/two.yaml:3", "b/two.yaml:11"}
    assert [row[0] for row in claims.rows] == ["a/one.yaml:11", "b/two.yaml:11"]


def test_gate_icons() -> None:
    passed = judge(simple_map("m.yaml"), lookups_found(), {}, FIXED_OPTIONS)
    failed_lookup = {"10.1/x": Lookup("10.1/x", LookupStatus.FAILED, error="HTTP 500")}
    incomplete = judge(simple_map("m.yaml"), failed_lookup, {}, FIXED_OPTIONS)
    assert (passed.exit_code, incomplete.exit_code) == (0, 3)
    assert "\n✅ **gate passed" in render(passed)
    assert "\n⚠️ **incomplete" in render(incomplete)


def test_no_findings_says_so() -> None:
    result = judge(simple_map("m.yaml"), lookups_found(), {}, FIXED_OPTIONS)
    assert "\n\nNo findings.\n\n" in render(result)


def test_rendering_is_deterministic(every_code_result: AuditResult) -> None:
    assert render(every_code_result) == render(every_code_result)
    assert render(hostile_result()) == render(hostile_result())


# --- hostile data --------------------------------------------------------------------------


def test_hostile_data_injects_no_html() -> None:
    text = render(hostile_result())
    for token in walk(parser().parse(text)):
        if token.type in ("html_block", "html_inline"):
            assert OUR_HTML.fullmatch(token.content.strip()), token.content
    html = parser().render(text)
    for tag in ("<script", "<img", "<b>", "<a "):
        assert tag not in html


def test_hostile_data_injects_no_links_or_markup() -> None:
    tokens = list(walk(parser().parse(hostile_result_markdown())))
    types = {t.type for t in tokens}
    assert not types & {"link_open", "image", "em_open", "s_open", "hr", "code_block", "fence"}
    codes = {c.value for c in FindingCode}
    assert {t.content for t in tokens if t.type == "code_inline"} <= codes
    assert sum(1 for t in tokens if t.type == "strong_open") == 5  # the header's own labels


def hostile_result_markdown() -> str:
    return render(hostile_result())


@pytest.mark.skipif(not HAS_LINKIFY, reason="linkify-it-py is not installed")
def test_bare_urls_are_not_autolinked_by_a_linkifying_parser() -> None:
    probe = MarkdownIt("gfm-like").parse("see https://evil.example/auto")
    assert any(t.type == "link_open" for t in walk(probe))  # the parser does autolink
    tokens = walk(MarkdownIt("gfm-like").parse(hostile_result_markdown()))
    assert not any(t.type == "link_open" for t in tokens)


def test_autolink_triggers_are_escaped_in_the_source() -> None:
    text = hostile_result_markdown()
    for trigger in ("://", "www.", "mail@", "&amp;", "&#60;", "\x00", "\x1b", "\u202e"):
        assert trigger not in text


def test_hostile_text_is_shown_escaped_not_dropped() -> None:
    text = hostile_result_markdown()
    shown = " ".join(visible(t) for t in walk(parser().parse(text)) if t.type == "inline")
    for piece in PIECES:
        assert md_plain(piece) in shown
    assert "second line \\u0000 nul \\u001b[31m esc \\u202e rlo" in shown


def test_table_columns_stay_constant_despite_pipes_in_data() -> None:
    text = render(hostile_result())
    for line in text.splitlines():
        if line.startswith("|"):
            # GFM splits cells on every pipe not preceded by a backslash.
            assert len(re.split(r"(?<!\\)\|", line)) == 7, line
    errors = tables(text)[0]
    mismatch = next(f for f in hostile_result().findings if f.code is FindingCode.DOI_MISMATCH)
    row = next(r for r in errors.rows if r[3] == "doi-mismatch")
    where = md_plain(f"{HOSTILE}:3")
    assert row == [where, "R1|<b> — Jones J. A", "—", "doi-mismatch", md_plain(mismatch.message)]


def md_plain(text: str) -> str:
    """What md_escape(text) shows once rendered: the text, on one line, with an invisible word
    joiner after each `@` before a letter or digit and each `#` before a digit (so GitHub
    makes no mention or issue link of them)."""
    shown = safe(re.sub(r"[\t\n\r\u2028\u2029]+", " ", text))
    return re.sub(r"@(?=[A-Za-z0-9])|#(?=[0-9])", "\\g<0>\u2060", shown)


# --- md_escape -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*PIECES, HOSTILE, "a\\|b", "\\", "x\\\n|y", "# h", "1. x", "> q"])
def test_md_escape_shows_text_exactly_in_a_table_cell(text: str) -> None:
    cell = tables(f"| h |\n|---|\n| {md_escape(text)} |\n")[0].rows
    assert cell == [[md_plain(text).strip()]]


@given(
    st.text(alphabet=st.sampled_from("ab <>&[]()!*_`~#|\\:/.@$-+=^{}'\"\n\r\t\x00\x1b\u202e中é"))
)
def test_md_escape_round_trips_through_the_parser(text: str) -> None:
    tokens = list(walk(parser().parse(f"x {md_escape(text)} x")))
    assert {t.type for t in tokens} <= {"paragraph_open", "paragraph_close", "inline", "text"}
    inline = next(t for t in tokens if t.type == "inline")
    assert visible(inline) == f"x {md_plain(text)} x"


def test_md_escape_escapes_every_ascii_punctuation_character() -> None:
    escaped = "".join(f"\\{c}" for c in string.punctuation)
    assert md_escape(string.punctuation) == escaped  # no sign before a letter or digit


def test_md_escape_keeps_mentions_and_issue_links_from_firing() -> None:
    assert md_escape("ping @octocat about #12") == "ping \\@\u2060octocat about \\#\u206012"
    # Nothing GitHub links: a path or DOI copied from the report stays the real one.
    assert md_escape("C# in a@ notes#draft/x") == "C\\# in a\\@ notes\\#draft\\/x"
    assert md_escape("a\r\n\tb\u2028c") == "a b c"
    assert md_escape("x\x1by\u202ez") == "x\\\\u001by\\\\u202ez"


# --- references as cited, translations -----------------------------------------------------


def test_a_reference_is_shown_as_the_article_printed_it(every_code_result: AuditResult) -> None:
    rows = [row for table in tables(render(every_code_result))[:3] for row in table.rows]
    cells = {row[1] for row in rows}
    assert "RET — Smith J. A study of things" in cells  # title and authors
    assert "NODOI — Someone. A paper. 1999." in cells  # cited_as
    assert "META — Biehl J.K., Russell B." in cells  # authors only, no doubled full stop
    assert "REIN" in cells  # nothing printed: the id alone
    corr = next(cell for cell in cells if cell.startswith("CORR — "))
    assert corr == "CORR — Sadasivan S et al. Methylphenidate exposure induces dopamin…"
    hostile = next(r for r in tables(render(hostile_result()))[1].rows if r[3] == "doi-missing")
    assert hostile[1].startswith("R3 — " + md_plain(HOSTILE)[:40])


def test_a_translation_stands_beside_the_claim_text() -> None:
    claim_map = simple_map("m.yaml", n_claims=2)
    translated = replace(
        claim_map.claims[0], text="干细胞是安全的。", translation="Stem *cells* are safe."
    )
    claim_map = replace(claim_map, claims=(translated, claim_map.claims[1]))
    result = judge(claim_map, lookups_found(), {}, FIXED_OPTIONS)
    rows = tables(render(result))[-1].rows
    assert rows[0][2] == "干细胞是安全的。 (translation: Stem *cells* are safe.)"
    assert rows[1][2] == "claim 2"
