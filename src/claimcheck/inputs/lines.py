"""Where a character offset falls in a text: its 1-based line and column, lines counted by
line feeds, as editors, git and GitHub's annotations count them. Shared by the claim-map
loader (yamllines.py, and its errors that give only an offset) and the importers."""

from __future__ import annotations

from bisect import bisect_right


def position_of(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of `offset` in `text`, for one position. Each call reads
    the text up to `offset`: for many positions in one text use `LineIndex`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


class LineIndex:
    """1-based (line, column) of offsets in one text. The line starts are found once, and
    each position is a binary search: positions for every item of a long file stay linear
    in its size, where counting newlines afresh for each item was quadratic."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        find, start = text.find, text.find("\n")
        while start >= 0:
            self._starts.append(start + 1)
            start = find("\n", start + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1
