"""`claimcheck import` on the command line: where it refuses to write (`-o -`, a path
through a file, a map the loader would refuse), and input the parsers cannot hold, each a
usage error (exit 2) rather than an internal one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run
from tests.test_cli_errors import assert_usage_error

LIST = "1. Smith J. A title. Nature. 2010;1:1-2.\n2. Doe A. Another. Cell. 2011;2:3-4.\n"


def _source(tmp_path: Path, text: str = LIST, name: str = "refs.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["deep.json", "deep.txt"])
def test_deeply_nested_json_is_a_usage_error(tmp_path: Path, name: str) -> None:
    text = '[{"id": "a", "note": ' + "[" * 100_000 + "]" * 100_000 + "}]"
    result = run("import", _source(tmp_path, text, name), "-q")
    assert_usage_error(result, f"{name}:1:", "nested more than 100 levels deep")


def test_o_dash_is_refused_not_written_to_a_file_named_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("import", _source(tmp_path), "-o", "-")
    assert_usage_error(result, "-o -: to write the claim map to stdout, leave out -o")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("under", ["x.yaml", "a/b/x.yaml"])
def test_o_through_a_file_says_it_is_not_a_folder(tmp_path: Path, under: str) -> None:
    source = _source(tmp_path)
    target = source / under
    result = run("import", source, "-o", target, "-q")
    assert_usage_error(result, f"-o {target}: cannot write it: {source} is not a folder")
    assert "File exists" not in result.stderr


def test_a_map_over_the_loaders_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loader refuses a claim map over MAX_FILE_BYTES: import says so, and writes none.
    monkeypatch.setattr("claimcheck.app.importing.MAX_FILE_BYTES", 1000)
    target = tmp_path / "map.yaml"
    result = run("import", _source(tmp_path), "-o", target, "-q")
    assert_usage_error(result, "over the 1000 a claim map may have; import the bibliography")
    assert not target.exists()
