"""BibTeX's `#` concatenation, which bibtexparser 2 leaves as written.

`title = {A } # {B}` is "A B", and `journal = jnl # " Letters"` with `@string{jnl =
"Physical Review"}` is "Physical Review Letters": in BibTeX, `#` joins quoted or braced text,
numbers and `@string` names (Patashnik, "BibTeXing", on `@STRING`). Without this, an imported
claim map carried `{A } # {B}` as the cited title, and an audit compared that text with the
registry's. A value naming an undefined string is left as written: a guess would put words
in a citation.
"""

from __future__ import annotations

from collections.abc import Mapping

from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.model import Block, Entry

# The month names the standard styles (plain.bst and the rest) define: `month = jan # "~1"`.
_MONTHS = {
    name[:3].lower(): name
    for name in (
        *("January", "February", "March", "April", "May", "June"),
        *("July", "August", "September", "October", "November", "December"),
    )
}
# `@string` definitions may join each other; deeper than this, a definition names itself.
_MAX_DEPTH = 16


def split_parts(value: str) -> list[str] | None:
    """The parts of `value` joined by `#` outside braces and quotes, each stripped; None if
    it has no such `#`, or its braces or quotes do not close."""
    parts, start, depth, quoted = [], 0, 0, False
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    if depth or quoted or not parts:
        return None
    parts.append(value[start:].strip())
    return parts


def joined(value: str, strings: Mapping[str, str], depth: int = 0) -> str | None:
    """`value` with its `#` parts joined, `@string` names (case-insensitive) resolved; None
    when it has no `#`, or a part cannot be read (an undefined name, an empty part)."""
    parts = split_parts(value)
    if parts is None or depth > _MAX_DEPTH:
        return None
    texts = []
    for part in parts:
        text = _part_text(part, strings, depth)
        if text is None:
            return None
        texts.append(text)
    return "".join(texts)


def _part_text(part: str, strings: Mapping[str, str], depth: int) -> str | None:
    if _enclosed(part):
        return part[1:-1]
    if part.isdigit():
        return part
    name = part.lower()
    if name not in strings:
        return _MONTHS.get(name)
    defined = strings[name]
    if split_parts(defined) is not None:
        return joined(defined, strings, depth + 1)
    # bibtexparser has already taken the braces or quotes off most definitions, and what is
    # left is the text itself, spaces included ("Advances in " # "Physics").
    bare = defined.strip()
    return bare[1:-1] if _enclosed(bare) else defined


def _enclosed(text: str) -> bool:
    return len(text) >= 2 and (text[0], text[-1]) in (("{", "}"), ('"', '"'))


class JoinConcatenations(BlockMiddleware):
    """Joins each field's `#` parts (`joined`). Runs after bibtexparser resolves whole-value
    string names and before LaTeX is decoded, so the joined text is decoded like any other."""

    def __init__(self) -> None:
        super().__init__(allow_inplace_modification=True)
        self._strings: dict[str, str] = {}

    def transform(self, library: Library) -> Library:
        # BibTeX's string names are case-insensitive, and a later definition wins.
        self._strings = {key.lower(): str(s.value) for key, s in library.strings_dict.items()}
        return super().transform(library)

    def transform_entry(self, entry: Entry, library: Library) -> Block:
        for field in entry.fields:
            if isinstance(field.value, str) and "#" in field.value:
                value = joined(field.value, self._strings)
                if value is not None:
                    field.value = value
        return entry
