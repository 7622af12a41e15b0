"""The CSL-JSON importer on awkward input: many items, each reference at its own line."""

from __future__ import annotations

import json
import random
from pathlib import Path

from claimcheck.inputs.importers import import_references
from claimcheck.inputs.importers.model import LineIndex, position_of
from tests.test_importers import _write

# --- positions ------------------------------------------------------------------------------


def test_line_index_agrees_with_counting_the_text() -> None:
    text = "a\n\nbc\n" + "x" * 50 + "\n\n\nend"
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        assert index.position(offset) == position_of(text, offset), offset


def test_every_item_of_a_long_list_is_at_its_line(tmp_path: Path) -> None:
    # Items on lines of their own, several to a line, and spread over lines: 20,000 of them.
    rng = random.Random(7)
    parts, expected, line = ["["], [], 1
    for n in range(20_000):
        item = json.dumps({"id": f"k{n}", "title": f"T {n}"}, indent=rng.choice([None, 1]))
        gap = rng.choice(["", " ", "\n", "\n\n"])
        line += gap.count("\n")
        expected.append(line)
        parts.append(gap + item + ("," if n < 19_999 else ""))
        line += item.count("\n")
    result = import_references(_write(tmp_path, "refs.json", "".join(parts) + "\n]\n"))
    assert [r.line for r in result.references] == expected
