"""Lines as editors count them, for the rare claim map whose text YAML breaks elsewhere.

YAML 1.1 (which libyaml and PyYAML read) also breaks lines at NEL (U+0085), LINE SEPARATOR
(U+2028), PARAGRAPH SEPARATOR (U+2029) and a lone carriage return, so its marks count a line
for each of them, even inside a quoted title. Editors, git and GitHub's annotations count
only line feeds: one such character in an article's title would move every later error,
SARIF region and annotation down a line. For a text holding any of them, each mark is made
again from its character offset (`Mark.index`, which counts characters), counting only line
feeds. Every other text keeps the parser's marks as they are.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.error import Mark

from claimcheck.inputs.lines import LineIndex

_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]|\r(?!\n)")


class LineFeeds:
    """Marks of one text made again from their character offsets (`Mark.index`), lines
    counted by line feeds only."""

    def __init__(self, text: str) -> None:
        self._index = LineIndex(text)

    def relocated(self, mark: Any) -> Mark:
        """`mark` with its line and column counted from its index (libyaml's marks are
        read-only, so a new one); 0-based, as in every YAML mark."""
        line, column = self._index.position(mark.index)
        return Mark(mark.name, mark.index, line - 1, column - 1, None, 0)


def line_feeds_for(text: str) -> LineFeeds | None:
    """A LineFeeds for `text` if YAML counts its lines differently from an editor, else None."""
    return LineFeeds(text) if _OTHER_BREAKS.search(text) else None


class RelocatedEvents:
    """A parser whose events carry marks counted by line feeds (`LineFeeds`); the composer
    reads it as it reads the parser."""

    def __init__(self, loader: Any, lines: LineFeeds) -> None:
        self._loader, self._lines = loader, lines

    def _relocated(self, event: Any) -> Any:
        if event.start_mark is not None:  # events are plain objects; their marks are not
            event.start_mark = self._lines.relocated(event.start_mark)
        return event

    def get_event(self) -> Any:
        return self._relocated(self._loader.get_event())

    def peek_event(self) -> Any:
        return self._relocated(self._loader.peek_event())

    def check_event(self, *choices: Any) -> bool:
        return bool(self._loader.check_event(*choices))
