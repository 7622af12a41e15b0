"""`claimcheck import` on the command line: input the parsers cannot hold is a usage error
(exit 2), never an internal one."""

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
