"""The LaTeX in a BibTeX text field read as plain text, or kept as written and said why.

Decoding every field, as bibtexparser's own step does, rewrote what it should not: a raw `%`
opened a comment that cut the rest of the field ("A 50% reduction in mortality was not
observed" became "A 50 was not observed"), a raw `&` was dropped, a DOI's `--` became a
dash, and a command the decoder did not know vanished with its text. Here:

- only the fields the importer reads are decoded; verbatim fields (doi, url) never are;
- a raw `%` or `&` is the character: exporters write `\\%` and `\\&` when they mean one, and a
  raw one in a bibliography is a typing shortcut, never a comment or a table cell;
- `$…$` math and the address in `\\url{…}` are kept as written;
- a field whose LaTeX does not parse, that holds a command not read as text (`\\BibTeX`,
  `\\cite{…}`, an environment), or that is too long or nests braces too deep to decode in
  bounded time is kept as written, and `decode` says why, so no text is lost in silence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

__all__ = ["MAX_DECODED", "MAX_DECODED_PER_FILE", "OVER_BUDGET", "Decoder", "decode"]

# pylatexenc takes 8 to 25 µs a character (the more commands, the slower), plus about 0.2 ms
# a call, and more on a long run of plain text, which it grows one piece at a time: one field
# of 800,000 characters took 14 s, one of five million never finished. So a field is decoded
# only up to MAX_DECODED characters (no title or journal comes near; authors are decoded one
# name at a time), and a file only up to MAX_DECODED_PER_FILE characters of LaTeX: about
# 10 s at worst, where 10 MB of it took over three minutes.
MAX_DECODED = 10_000
MAX_DECODED_PER_FILE = 500_000
_CALL_COST = 25  # a call's own cost, counted in characters: a name of 25 takes about 0.7 ms
OVER_BUDGET = "is past the file's budget of LaTeX to decode"
# pylatexenc recurses at each brace and fails near 300 deep; no bibliography nests past a few.
_MAX_DEPTH = 50
# What pylatexenc changes: commands, math, `~`, dashes and TeX quotes. A field with none of
# them is already text and is not handed to it at all, whatever its length (most fields).
_MARKUP = re.compile(r"[\\$~]|--|``|''|!`|\?`")

_TOKEN = re.compile(r"\\url\s*\{|\\[A-Za-z@]+|\\.?|\$\$?|[%&]", re.DOTALL)
_PROTECTED = "\ue000"  # stands for a kept-as-written piece while the rest is decoded
# Commands read as text whose only effect is the font or nothing at all (`{\em …}`,
# `\relax`), or whose argument is the text (`\texttt{…}`); pylatexenc's table lacks them.
_SWITCHES = (
    *("em", "it", "bf", "sc", "rm", "sf", "tt", "sl", "up", "md", "normalfont", "relax"),
    *("itshape", "bfseries", "scshape", "upshape", "mdseries", "slshape", "protect", "/"),
    *("rmfamily", "sffamily", "ttfamily", "@"),
)
_ARGUMENT_IS_TEXT = (
    *("textsf", "texttt", "textup", "textmd", "textnormal", "mbox", "hbox"),
    *("textsuperscript", "textsubscript"),
)


def decode(value: str) -> tuple[str, str | None]:
    """(`value` as plain text, None), or (`value` as written, why it was not decoded)."""
    if not _MARKUP.search(value):
        return value, None
    if len(value) > MAX_DECODED:
        return value, f"is {len(value)} characters long with LaTeX in it (over {MAX_DECODED})"
    if _depth(value) > _MAX_DEPTH:
        return value, f"nests braces more than {_MAX_DEPTH} deep"
    if _PROTECTED in value:
        return value, "holds the private-use character U+E000"
    prepared, kept = _protect(value)
    try:
        text, problem = _decoded(prepared)
    except Exception as error:  # pylatexenc's own failures, as well as its parse errors
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return value, f"is not LaTeX that can be read ({reason})"
    pieces = text.split(_PROTECTED)
    if problem is None and len(pieces) != len(kept) + 1:
        problem = "lost part of its text in decoding"
    if problem is not None:
        return value, problem
    return "".join(p + k for p, k in zip(pieces, [*kept, ""], strict=True)), None


class Decoder:
    """`decode` for one file, within MAX_DECODED_PER_FILE: past it, a field is kept as
    written, with OVER_BUDGET as the reason. A value met again (a journal, an author) is
    not decoded again and costs nothing."""

    def __init__(self, budget: int | None = None) -> None:
        self.budget = MAX_DECODED_PER_FILE if budget is None else budget
        self.left = self.budget
        self._known: dict[str, tuple[str, str | None]] = {}

    def __call__(self, value: str) -> tuple[str, str | None]:
        if not _MARKUP.search(value):
            return value, None
        known = self._known.get(value)
        if known is not None:
            return known
        # A field over MAX_DECODED is refused before the decoder is called: it costs nothing.
        cost = len(value) + _CALL_COST if len(value) <= MAX_DECODED else 0
        if cost > self.left:
            return value, OVER_BUDGET
        self.left -= cost
        self._known[value] = decoded = decode(value)
        return decoded


def _depth(value: str) -> int:
    deepest = depth = 0
    for brace in re.findall(r"\\.|[{}]", value):
        depth += {"{": 1, "}": -1}.get(brace, 0)
        deepest = max(deepest, depth)
    return deepest


def _protect(value: str) -> tuple[str, list[str]]:
    """`value` ready for the decoder: a raw `%` and `&` escaped, and math and `\\url{…}`
    addresses swapped for a placeholder, returned in order."""
    out: list[str] = []
    kept: list[str] = []
    pos = 0
    while match := _TOKEN.search(value, pos):
        out.append(value[pos : match.start()])
        token, pos = match.group(), match.end()
        if token.startswith("\\url"):
            end = _closing(value, pos)
            if end is None:  # unbalanced: left to the parser, which refuses it
                out.append(value[match.start() :])
                return "".join(out), kept
            kept.append(value[pos:end])
            out.append(_PROTECTED)
            pos = end + 1
        elif token.startswith("$"):
            end = _math_end(value, pos, token)
            if end is None:  # a lone `$` is a dollar sign, as a raw `%` is a percent sign
                out.append("\\$")
                pos = match.start() + 1
                continue
            kept.append(value[match.start() : end])
            out.append(_PROTECTED)
            pos = end
        else:
            out.append("\\" + token if token in "%&" else token)
    out.append(value[pos:])
    return "".join(out), kept


def _closing(value: str, start: int) -> int | None:
    depth = 1
    for index in range(start, len(value)):
        depth += {"{": 1, "}": -1}.get(value[index], 0)
        if depth == 0:
            return index
    return None


def _math_end(value: str, start: int, opener: str) -> int | None:
    close = re.compile(r"(?<!\\)" + re.escape(opener))
    match = close.search(value, start)
    return match.end() if match else None


def _decoded(prepared: str) -> tuple[str, str | None]:
    walker_class, walker_db, converter = _tools()
    walker = walker_class(prepared, latex_context=walker_db, tolerant_parsing=False)
    nodes, _, _ = walker.get_latex_nodes()
    return converter.nodelist_to_text(nodes), _problem(nodes, converter)


def _problem(nodes: list[Any], converter: Any) -> str | None:
    """Why `nodes` are not read plainly as text, or None."""
    from pylatexenc import latexwalker as lw

    for node in nodes:
        if node is None or isinstance(node, lw.LatexCharsNode | lw.LatexSpecialsNode):
            continue
        if isinstance(node, lw.LatexGroupNode):
            found = _problem(node.nodelist, converter)
        elif isinstance(node, lw.LatexMacroNode):
            found = _macro_problem(node, converter)
        elif isinstance(node, lw.LatexEnvironmentNode):
            found = f"holds \\begin{{{node.environmentname}}}, which is not read as text"
        elif isinstance(node, lw.LatexMathNode):
            found = None  # \( … \): kept as written by the decoder
        else:
            found = "holds a LaTeX comment"
        if found:
            return found
    return None


def _macro_problem(node: Any, converter: Any) -> str | None:
    name = node.macroname
    if converter.latex_context.get_macro_spec(name) is None:
        return f"holds \\{name}, a command not read as text here"
    arguments = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    inner = _problem(arguments, converter)
    if inner:
        return inner
    # A command that drops its argument's text (`\cite{key}` -> "<cit.>") loses words.
    written = _letters("".join(_chars(arguments)))
    shown = iter(_letters(converter.node_to_text(node)))
    if not all(letter in shown for letter in written):
        return f"holds \\{name}, which drops its text"
    return None


def _chars(nodes: list[Any]) -> list[str]:
    from pylatexenc import latexwalker as lw

    found: list[str] = []
    for node in nodes:
        if isinstance(node, lw.LatexCharsNode):
            found.append(node.chars)
        elif isinstance(node, lw.LatexGroupNode):
            found += _chars(node.nodelist)
    return found


def _letters(text: str) -> str:
    """The letters and digits of `text`, accents dropped: what a reader must still see."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


@cache
def _tools() -> tuple[Any, Any, Any]:
    """pylatexenc's parser, its command table, and a text converter that keeps braces (they
    protect a corporate author as one name; the importer drops them after) and math."""
    from pylatexenc import latex2text, latexwalker

    table = latex2text.get_default_latex_context_db()
    table.add_context_category(
        "claimcheck-bibtex",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec(name, discard=False)  # its arguments' text, if any
            for name in (*_SWITCHES, *_ARGUMENT_IS_TEXT)
        ],
    )
    converter = latex2text.LatexNodes2Text(
        latex_context=table, keep_braced_groups=True, math_mode="verbatim"
    )
    return latexwalker.LatexWalker, latexwalker.get_default_latex_context_db(), converter
