"""`--format table` and the `resolve` table on stdout: as wide as COLUMNS says when piped, and
every DOI in them whole on one line, so that one copied from the table resolves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from claimcheck.app.cli import terminal_style
from claimcheck.model.claimmap import Citation, Claim, ClaimMap, Reference, Role
from claimcheck.model.location import Location
from claimcheck.model.record import Author, Work
from claimcheck.model.results import AuditResult
from claimcheck.reporters.table import render
from tests.factories import judge_works, write_map
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run

# Long, real-world shapes: a book chapter's colon and a Wiley DOI's dots and hyphens.
CHAPTER = "10.1093/acprof:oso/9780199211494.003.0001"
WILEY = "10.1046/j.1365-2141.2000.01986.x"
CITED = (
    "Erices A, Conget P, Minguell JJ. Mesenchymal progenitor cells in human umbilical cord "
    "blood. Br J Haematol 2000;109:235-42."
)
DOI = re.compile(r"10\.\d{4,9}/\S+")


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


def whole_on_a_line(doi: str, text: str) -> bool:
    return any(doi in line for line in text.splitlines())


def seed(*args: str, columns: int) -> str:
    result = run(*args, "--replay", SEED_EVIDENCE, env={"COLUMNS": str(columns)})
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_width_is_columns_else_the_terminal_else_120() -> None:
    assert terminal_style(False, {"COLUMNS": "80"})[0] == 80
    assert terminal_style(False, {"COLUMNS": "160"})[0] == 160
    assert terminal_style(True, {"COLUMNS": "80"})[0] == 80
    assert terminal_style(False, {})[0] == 120
    assert terminal_style(False, {"COLUMNS": "wide"})[0] == 120


@pytest.mark.parametrize("columns", [80, 100, 160])
def test_a_piped_table_is_as_wide_as_columns(columns: int) -> None:
    # The tables expand to the width they are given: the widest line is exactly it.
    assert widest(seed("audit", str(SEED_MAP), columns=columns)) == columns


def test_every_doi_of_the_seed_table_is_whole_on_one_line_at_80_columns() -> None:
    table = seed("audit", str(SEED_MAP), columns=80)
    document = json.loads(seed("audit", str(SEED_MAP), "-f", "json", columns=80))
    dois = {r["doi"] for r in document["references"] if r["doi"]}
    for finding in document["findings"]:
        dois.update(doi.rstrip(".,;:)'\"") for doi in DOI.findall(finding["message"]))
    assert len(dois) > len(document["references"]) // 2
    for doi in sorted(dois):
        assert whole_on_a_line(doi, table), doi


def test_long_dois_are_whole_at_80_columns(tmp_path: Path) -> None:
    path = write_map(
        tmp_path,
        f"""
claimcheck: 1
references:
  R1: {{doi: "{CHAPTER}", title: A chapter, authors: [Smith J]}}
  R2: {{doi: "{WILEY}", cited_as: "{CITED}"}}
claims:
  - {{id: C1, text: one, cites: [R1, R2]}}
""",
    )
    # Offline with an empty cache: both unverified, and both DOIs in the findings too.
    result = run("audit", str(path), "--offline", env={"COLUMNS": "80"})
    assert result.exit_code == 3, result.stderr
    assert widest(result.stdout) <= 80
    for doi in (CHAPTER, WILEY):
        assert whole_on_a_line(doi, result.stdout), doi
    assert whole_on_a_line("Erices A, Conget P", result.stdout)  # the reference as cited


def test_the_resolve_table_keeps_update_dois_whole_at_80_columns() -> None:
    text = seed("resolve", "10.1158/0008-5472.can-10-2451", columns=80)
    assert widest(text) <= 80
    assert whole_on_a_line("10.1158/0008-5472.can-04-4194", text)  # the retracted original


def result_with_dois(*dois: str) -> AuditResult:
    refs = tuple(
        Reference(id=f"R{n}", location=Location(n, 3), doi=doi, cited_as=f"Author {n}. Title.")
        for n, doi in enumerate(dois, 1)
    )
    claim = Claim(
        id="C1",
        text="A claim.",
        location=Location(20, 5),
        cites=tuple(Citation(r.id, Role.SUPPORTS, Location(21, 9)) for r in refs),
    )
    works = [Work(doi=doi, title="Title", authors=(Author("Author"),), year=2015) for doi in dois]
    return judge_works(ClaimMap("map.yaml", 1, refs, (claim,)), *works)


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_render_fills_the_width_it_is_given_and_keeps_dois_whole(width: int) -> None:
    result = result_with_dois(CHAPTER, WILEY)
    text = render(result, width=width)
    assert widest(text) == width
    for doi in (CHAPTER, WILEY):
        assert whole_on_a_line(doi, text), (width, doi)
    assert whole_on_a_line("Author 1. Title.", text)


def test_render_without_references_does_not_fail() -> None:
    text = render(judge_works(ClaimMap("map.yaml", 1, (), ())), width=80)
    assert "References" in text
