"""Hostile registry data, end to end: every output format shows it inert and escaped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from types import MappingProxyType

import pytest

from claimcheck.testing import ReplayServer
from tests.conftest import RECONSTRUCTED
from tests.factories import work_envelope, write_map
from tests.test_cli import run

HOSTILE_TITLE = (
    "[bold red]pwned[/] [link=https://evil.example]click[/link] "
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07osc\x1b]8;;\x07 "
    "\u202eevil\u202c \x00nul <script>alert(1)</script> ![x](https://evil.example/x.png) "
    + "long "
    * 2000
)
HOSTILE_AUTHOR = "[/]\x1b[2J\u2066Hacker"
RAW_DANGER = ("\x1b", "\x00", "\u202e", "\x07")

MAP = """
claimcheck: 1
references:
  EVIL:
    doi: 10.5555/hostile
    title: A perfectly ordinary title about stem cells
    authors: [Smith J]
claims:
  - {id: C1, text: "[bold]claim[/bold] \\u202e with markup", cites: [EVIL]}
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Mapping[str, str]:
    """Each output of one set of runs, read only: the tests below only read them."""
    path = write_map(tmp_path_factory.mktemp("hostile"), MAP)
    outputs: dict[str, str] = {}
    with ReplayServer(RECONSTRUCTED) as server:
        server.add_work(
            work_envelope(
                "10.5555/hostile",
                title=HOSTILE_TITLE,
                authors=(HOSTILE_AUTHOR,),
                journal="\x1b]0;title\x07Journal [b]x[/b]",
            )
        )
        for name in ("table", "json", "markdown", "sarif", "junit"):
            result = run("audit", path, "-f", name, "--crossref-url", server.url)
            assert result.exit_code == 1, result.stderr  # a doi-mismatch: titles and authors differ
            assert "Traceback" not in result.stderr
            outputs[name] = result.stdout
        resolved = run("resolve", "10.5555/hostile", "--crossref-url", server.url)
        outputs["resolve"] = resolved.stdout
    return MappingProxyType(outputs)


@pytest.mark.parametrize("name", ["table", "json", "markdown", "sarif", "junit", "resolve"])
def test_no_raw_control_or_bidi_characters_reach_any_output(
    hostile_run: Mapping[str, str], name: str
) -> None:
    for danger in RAW_DANGER:
        assert danger not in hostile_run[name], (name, repr(danger))


def test_table_shows_markup_literally(hostile_run: Mapping[str, str]) -> None:
    assert "[bold]claim[/bold]" in hostile_run["table"]
    assert "[/]" in hostile_run["resolve"]
    assert "\\u001b[31mred" in hostile_run["resolve"]


def test_json_keeps_the_exact_registry_text(hostile_run: Mapping[str, str]) -> None:
    doc = json.loads(hostile_run["json"])
    assert doc["references"][0]["registry"]["title"] == HOSTILE_TITLE.strip()
    assert doc["references"][0]["registry"]["authors"] == [f"{HOSTILE_AUTHOR}, A."]


def test_sarif_and_junit_parse(hostile_run: Mapping[str, str]) -> None:
    sarif = json.loads(hostile_run["sarif"])
    assert sarif["runs"][0]["results"]
    root = ET.fromstring(hostile_run["junit"].encode("utf-8"))
    assert root.iter("testcase")


def test_markdown_injects_no_html_or_links(hostile_run: Mapping[str, str]) -> None:
    markdown = hostile_run["markdown"]
    # Every `<`, `]`, `(` and `:` from the data is backslash-escaped: shown, never parsed.
    assert re.search(r"(?<!\\)<script", markdown) is None
    assert "\\<script" in markdown
    assert re.search(r"(?<!\\)\]\(", markdown) is None
    assert "https://" not in markdown
