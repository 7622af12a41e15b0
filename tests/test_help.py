"""`--help` as a new user at a terminal reads it: what to type for each option, which
CLAIMCHECK_* variable sets it, and nothing cut off, at 80 columns and at 200."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from rich.cells import cell_len
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

from claimcheck.app.cli import app
from claimcheck.app.settings import _PARSERS, ENV_PREFIX

WIDTHS = (80, 200)
# Typer's metavars name the Python type (`<str>`, `<float>`, `<list[Path]>`) or list choices in
# angle brackets: a user reads them as syntax to type.
TYPE_METAVAR = re.compile(r"<[\w\[\]|,. -]+>")


# Typer 0.28 carries its own copy of click, and older ones import click: its classes are
# reached through typer.core, and a command is typed loosely.
Command = Any


def walk(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


ROOT = typer.main.get_command(app)
COMMANDS = list(walk(ROOT))


def command_at(path: tuple[str, ...]) -> Command:
    command = ROOT
    for name in path:
        assert isinstance(command, TyperGroup)
        command = command.commands[name]
    return command


def help_text(path: tuple[str, ...], columns: int) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_every_command_is_checked() -> None:
    assert {" ".join(p) for p in COMMANDS} >= {
        "",
        "audit",
        "resolve",
        "import",
        "init",
        "schema",
        "cache",
        "cache info",
        "cache clear",
    }


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "claimcheck")
def test_no_help_shows_a_python_type_as_a_metavar(path: tuple[str, ...], columns: int) -> None:
    text = help_text(path, columns)
    for typed in ("<bool>", "<str>", "<int>", "<float>", "<path>", "<list["):
        assert typed not in text
    assert not TYPE_METAVAR.search(text), TYPE_METAVAR.search(text)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "claimcheck")
def test_every_option_and_argument_names_what_to_type(path: tuple[str, ...]) -> None:
    for param in command_at(path).params:
        if isinstance(param, TyperOption) and (param.is_flag or param.hidden):
            continue
        assert param.metavar, f"{' '.join(path)}: {param.name} has no metavar"


@pytest.mark.parametrize("columns", WIDTHS)
def test_audit_help_names_every_environment_variable(columns: int) -> None:
    text = help_text(("audit",), columns)
    for name in _PARSERS:
        # Whole on one line: never cut or broken by the wrapping.
        assert ENV_PREFIX + name.upper() in text, name


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "claimcheck")
def test_each_option_with_a_variable_names_it_in_its_help(path: tuple[str, ...]) -> None:
    for param in command_at(path).params:
        if isinstance(param, TyperOption) and param.name in _PARSERS:
            variable = ENV_PREFIX + param.name.upper()
            assert f"(env {variable})" in one_line(param.help or ""), param.name


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "claimcheck")
def test_nothing_is_cut_at_80_columns(path: tuple[str, ...]) -> None:
    text = help_text(path, 80)
    assert "…" not in text
    # click ends a command's cut summary with "..."; the only dots left are the usage's
    # "more of these".
    assert "..." not in text.replace("PATH...", "").replace("[ARGS]...", "")
    for line in text.splitlines():
        assert cell_len(line) <= 80, line
    command = command_at(path)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            assert one_line(sub.get_short_help_str(limit=1000)) in one_line(text)


def test_the_defaults_are_shown_as_before() -> None:
    audit = one_line(help_text(("audit",), 80))
    for default in (
        "[default: table]",
        "[default: error]",
        "[default: (https://api.crossref.org)]",
        "[default: (DataCite's public REST API)]",
        "[default: 20]",
        "[default: none]",
        "[default: 4]",
        "[default: what Crossref advertises: 3 with --mailto, 1 without]",
        "[default: the user cache directory]",
        "[default: today, UTC]",
    ):
        assert default in audit
    assert "[default: claims/article.yaml]" in one_line(help_text(("init",), 80))


def test_examples_are_kept_whole_at_80_columns() -> None:
    # Paths with hyphens would otherwise be split at them, and a copied command would fail.
    assert "claimcheck audit claims/stem-cell-safety.yaml" in help_text((), 80)
    assert "--replay claims/stem-cell-safety.evidence" in help_text((), 80)
    assert "$schema=../schema/claim-map.schema.json" in help_text(("schema",), 80)


def test_version_answers_alike_without_importing_the_cli_framework() -> None:
    import subprocess
    import sys

    through_cli = CliRunner().invoke(app, ["--version"])
    assert through_cli.exit_code == 0
    probe = (
        "import sys; sys.argv = ['claimcheck', '--version']\n"
        "from claimcheck.app.entry import main; main()\n"
        "assert 'typer' not in sys.modules, 'the fast path imported typer'\n"
    )
    fast = subprocess.run(
        [sys.executable, "-c", probe], check=False, capture_output=True, text=True
    )
    assert fast.returncode == 0, fast.stderr
    assert fast.stdout == through_cli.stdout
    # Anything else still goes to the CLI: `--version` among other arguments included.
    module = subprocess.run(
        [sys.executable, "-m", "claimcheck", "--version", "--help"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert module.returncode == 0
    assert module.stdout == through_cli.stdout  # --version is eager: it answers first


def test_option_help_says_what_the_command_does() -> None:
    # --record saves DataCite's answers too (README); import reads no Retraction Watch CSV.
    for command in ("audit", "resolve"):
        record = one_line(help_text((command,), 200)).split("--record")[1].split("--")[0]
        assert "Crossref's and DataCite's" in record
    quiet = one_line(help_text(("import",), 200)).split("--quiet")[1].split("--")[0]
    assert "Retraction Watch" not in quiet
    assert "a search by metadata failed is still shown" in quiet
