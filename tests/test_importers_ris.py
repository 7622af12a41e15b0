"""The RIS importer where rispy alone would mangle what a record says: SP given as a range
with EP."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.inputs.importers import ImportResult, import_references
from tests.test_importers import _write


def _ris(tmp_path: Path, *lines: str) -> ImportResult:
    text = "\n".join(["TY  - JOUR", "TI  - A title", *lines, "ER  - ", ""])
    return import_references(_write(tmp_path, "refs.ris", text))


@pytest.mark.parametrize(
    ("start", "end", "pages", "noted"),
    [
        ("939", "946", "939-946", False),
        ("939", None, "939", False),
        ("939", "939", "939", False),
        ("939-946", "946", "939-946", False),  # was "939-946-946"
        ("939-946", None, "939-946", False),
        ("939-46", "946", "939-46", False),  # the end abbreviated, as Vancouver writes it
        ("939-946", "939–946", "939-946", False),  # the same range, another dash
        ("939", "939-946", "939-946", False),
        ("e1234", "e1234", "e1234", False),
        ("939-946", "950", None, True),
        ("939-946", "940", None, True),
        ("939", "940-946", None, True),
    ],
)
def test_pages_from_sp_and_ep(
    tmp_path: Path, start: str, end: str | None, pages: str | None, noted: bool
) -> None:
    lines = [f"SP  - {start}"] + ([f"EP  - {end}"] if end else [])
    result = _ris(tmp_path, *lines)
    assert result.references[0].pages == pages
    assert any("disagree; pages left out" in note for note in result.notes) == noted
